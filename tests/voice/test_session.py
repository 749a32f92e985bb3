"""The session the voice coach walks: read from the bot's real payloads, laid out in phases."""

from __future__ import annotations

import itertools
import json

import pytest

from bot.plan.generate import starter_plan
from bot.protocol.plan_sessions import plan_session, starter_session
from tests.voice.plans import OUTDOOR, hand_made, payload, plan_for, segment
from voice.session import WalkSession

GOOD = payload(OUTDOOR)


def test_plan_session_from_the_bots_payload() -> None:
    plan = plan_for(OUTDOOR)
    session = WalkSession.from_payload(plan_session(plan, 2, 3).to_payload())
    week = plan.weeks[1]
    assert (session.week, session.day, session.source) == (2, 3, "plan")
    assert (session.plan_weeks, session.sessions_per_week) == (8, week.sessions)
    assert [(s.kind, s.minutes, s.cue) for s in session.segments] == [
        (s.kind, s.minutes, s.cue) for s in week.session.segments
    ]
    assert session.technique_focus == week.technique_focus and session.treadmill is None
    assert session.total_s == pytest.approx(week.session.total_minutes * 60)
    assert session.backward_s == pytest.approx(week.session.backward_minutes * 60)
    phases = session.phases()
    assert [p.kind for p in phases] == [s.kind for s in week.session.segments]
    assert phases[1].label == "Backward 1/" + str(sum(p.kind == "backward" for p in phases))
    assert all(a.end_s == b.start_s for a, b in itertools.pairwise(phases))


def test_the_offline_starter_is_the_bots_starter_session() -> None:
    session = WalkSession.starter()
    assert session == WalkSession.from_payload(starter_session().to_payload(), source="starter")
    week = starter_plan().weeks[0]
    assert session.source == "starter" and session.week == 1 and session.day is None
    assert [(s.kind, s.minutes, s.cue) for s in session.segments] == [
        (s.kind, s.minutes, s.cue) for s in week.session.segments
    ]
    assert session.total_s <= 12 * 60


def test_the_timeline_answers_where_the_walk_is() -> None:
    session = WalkSession.from_payload(
        hand_made(segment("warmup", 1), segment("backward", 2), segment("cooldown", 1))
    )
    assert [p.label for p in session.phases()] == ["Warm-up", "Backward", "Cool-down"]
    assert session.phase_at(59.9) is not None and session.label_at(60.0) == "Backward"
    assert session.phase_at(240.0) is None and session.label_at(240.0) == "Finished"
    assert session.next_phase_start(30.0) == 60.0 and session.next_phase_start(200.0) == 240.0
    assert session.backward_seconds_within([(0.0, 90.0), (170.0, 240.0)]) == 40.0
    assert session.backward_s == 120.0


def test_a_payload_source_must_be_known() -> None:
    with pytest.raises(ValueError, match="source is one of"):
        WalkSession.from_payload(GOOD, source="default")
    assert WalkSession.from_payload(GOOD, source="week_day").source == "week_day"


def test_a_malformed_payload_is_refused_naming_the_field() -> None:
    bad = {**GOOD, "segments": [{**GOOD["segments"][0], "minutes": "5"}]}
    with pytest.raises(ValueError, match=r"Malformed session payload: segments\[0\]\.minutes"):
        WalkSession.from_payload(bad)


@pytest.mark.parametrize(
    "session",
    [WalkSession.starter(), WalkSession.from_payload(GOOD)],
    ids=["starter", "plan"],
)
def test_to_payload_is_the_bots_payload_again(session: WalkSession) -> None:
    again = WalkSession.from_payload(session.to_payload(), source=session.source)
    assert again == session
    sent = starter_session().to_payload() if session.source == "starter" else GOOD
    # Kept for offline walks, the session is the same JSON the bot sent.
    assert json.dumps(session.to_payload()) == json.dumps(sent)
