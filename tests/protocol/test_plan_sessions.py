"""Sessions built from the bot's plan, and the starter session every client walks offline."""

from __future__ import annotations

import json

import pytest

from bot.plan.generate import generate_plan, starter_plan
from bot.profile.model import Profile
from bot.protocol.plan_sessions import plan_session, starter_session

# The wire format of the starter session, written out: a change to the payload's keys or
# values shows here (the web page, the voice coach and the live tests read these keys).
STEPS_CUE = (
    "Stand side-on at a kitchen counter or wall with one hand on it. Take 2-3 steps back, turn "
    "and repeat, until about 10 steps. Stand tall, eyes up."
)
STARTER_WIRE = {
    "type": "retrowalk_session",
    "starter": True,
    "week": 1,
    "day": None,
    "sessions": 3,
    "plan_weeks": 1,
    "template": "older_or_low_confidence",
    "technique_focus": "Stand tall and look straight ahead: pick a point ahead to focus on and "
    "don't stare at your feet.",
    "treadmill": None,
    "segments": [
        {
            "kind": "warmup",
            "minutes": 5.0,
            "cue": "Walk forward at an easy pace to warm up.",
            "steps": None,
        },
        *[{"kind": "supported_steps", "minutes": 1.0, "cue": STEPS_CUE, "steps": 10}] * 4,
        {
            "kind": "cooldown",
            "minutes": 1.0,
            "cue": "Easy forward walking to cool down.",
            "steps": None,
        },
    ],
    "backward_minutes": 0,
    "total_minutes": 10.0,
}


def test_the_starter_session_is_week_1_of_the_bots_starter_plan() -> None:
    payload = starter_session().to_payload()
    assert payload == STARTER_WIRE
    assert list(payload) == list(STARTER_WIRE)  # the keys in the wire order
    assert json.dumps(payload) == json.dumps(STARTER_WIRE)  # the same bytes on the wire
    week = starter_plan().weeks[0]
    assert payload["technique_focus"] == week.technique_focus
    assert payload["segments"] == [
        {"kind": s.kind, "minutes": s.minutes, "cue": s.cue, "steps": s.steps}
        for s in week.session.segments
    ]


def test_a_plan_week_carries_the_week_its_day_and_its_treadmill() -> None:
    profile = Profile(experience="some", location="treadmill", minutes_per_session=40)
    plan = generate_plan(profile, weeks=8)
    week = plan.weeks[2]
    payload = plan_session(plan, 3, 2).to_payload()
    assert (payload["week"], payload["day"], payload["sessions"]) == (3, 2, week.sessions)
    assert (payload["plan_weeks"], payload["template"], payload["starter"]) == (
        8,
        plan.template,
        False,
    )
    assert week.treadmill is not None
    assert payload["treadmill"] == {
        "speed_mph": week.treadmill.speed_mph,
        "incline_pct": week.treadmill.incline_pct,
    }
    assert payload["total_minutes"] == week.session.total_minutes
    assert payload["backward_minutes"] == week.session.backward_minutes


def test_a_week_the_plan_does_not_have_is_an_error() -> None:
    plan = generate_plan(Profile(), weeks=4)
    with pytest.raises(ValueError, match="weeks 1 to 4, not week 5"):
        plan_session(plan, 5)
