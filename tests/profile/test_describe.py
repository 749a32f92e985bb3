"""Unit tests of bot.profile.describe: the profile in plain words."""

from __future__ import annotations

from typing import Any

from bot.profile.describe import describe_profile
from bot.profile.model import EXPERIENCES, GOALS, LOCATIONS, Profile


def test_describe_profile_full() -> None:
    profile = Profile(
        experience="some",
        age=70,
        conditions=("bad knee", "asthma"),
        location="treadmill",
        goal="balance",
        minutes_per_session=20,
        days_per_week=3,
        weight_kg=76.2035,
        regularly_active=False,
        clinician_cleared=True,
    )
    text = describe_profile(profile)
    lines = text.splitlines()
    assert lines[0] == "Here's what I know about you:"
    assert "- Experience: tried it a few times" in lines
    assert "- Age: 70" in lines
    assert "- Health: bad knee, asthma" in lines
    assert "- Where: on a treadmill" in lines
    assert "- Goal: better balance and steadiness" in lines
    assert "- Time: 20 minutes a session, 3 days a week" in lines
    assert "- Weight: 76.2 kg" in lines
    assert "- Regular activity: not regularly active at the moment" in lines
    assert "- Clinician clearance: confirmed" in lines


def test_describe_profile_defaults() -> None:
    text = describe_profile(Profile(days_per_week=1))
    assert "- Age: not given" in text
    assert "- Health: nothing mentioned" in text
    assert "1 day a week" in text
    assert "Weight: not given" in text
    assert "Regular activity" not in text
    assert "Clinician" not in text


def test_describe_profile_clearance_pending_with_conditions() -> None:
    assert "- Clinician clearance: not confirmed yet" in describe_profile(
        Profile(conditions=("asthma",))
    )


def test_describe_profile_uses_a_distinct_friendly_phrase_for_every_value() -> None:
    def line(label: str, **values: Any) -> str:
        text = describe_profile(Profile(**values))
        return next(x for x in text.splitlines() if x.startswith(f"- {label}: "))

    for label, field, choices in (
        ("Where", "location", LOCATIONS),
        ("Goal", "goal", GOALS),
        ("Experience", "experience", EXPERIENCES),
    ):
        lines = {line(label, **{field: value}) for value in choices}
        assert len(lines) == len(choices)
        assert not lines & {f"- {label}: {value}" for value in choices}
        assert not any("_" in x for x in lines)
