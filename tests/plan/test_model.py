"""The plan's dict form (bot.plan.model): a round trip through JSON, unknown values."""

from __future__ import annotations

import json

import pytest

from bot.plan.generate import generate_plan
from bot.plan.model import Plan
from bot.profile.model import Profile

# --- Serialisation and text ---------------------------------------------------------------------


def test_round_trip_through_json() -> None:
    plan = generate_plan(Profile(location="treadmill", conditions=("asthma",)), weeks=12)
    again = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert again == plan


def test_from_dict_rejects_unknown_values() -> None:
    data = generate_plan(Profile()).to_dict()
    data["weeks"][0]["segments"][0]["kind"] = "moonwalk"
    with pytest.raises(ValueError, match="moonwalk"):
        Plan.from_dict(data)
