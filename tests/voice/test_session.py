"""Sessions from the bot's real payloads, and every cue placed at its time without overlaps."""

from __future__ import annotations

import copy
import itertools
import math
from typing import Any

import pytest

from actions.plan import session_payload
from bot.plan.generate import generate_plan, starter_plan
from bot.plan.model import Plan
from bot.profile import Profile
from voice.session import (
    CUE_KINDS,
    Cue,
    CueSettings,
    WalkSession,
    build_cues,
    spoken_duration,
    starter_session,
)

OUTDOOR = Profile(
    experience="none", age=45, location="outdoor", goal="fitness", minutes_per_session=30
)
TREADMILL = Profile(
    experience="some", age=30, location="treadmill", goal="fitness", minutes_per_session=40
)
KNEE = Profile(experience="none", age=55, conditions=("knee osteoarthritis",), goal="joints")
OLDER = Profile(experience="none", age=72, location="indoor_support", minutes_per_session=25)
PROFILES = (OUTDOOR, TREADMILL, KNEE, OLDER)


def plan_for(profile: Profile) -> Plan:
    return generate_plan(profile, weeks=8)


def payload(profile: Profile, week: int = 1, day: int = 1) -> dict[str, Any]:
    return session_payload(plan_for(profile), week, day)


def cue_at(cues: list[Cue], at_s: float, kind: str) -> Cue:
    found = [c for c in cues if c.kind == kind and math.isclose(c.at_s, at_s, abs_tol=1e-6)]
    assert len(found) == 1, f"no single {kind} cue at {at_s}: {[(c.kind, c.at_s) for c in cues]}"
    return found[0]


def assert_well_spaced(cues: list[Cue], settings: CueSettings) -> None:
    times = [c.at_s for c in cues]
    assert times == sorted(times)
    for earlier, later in itertools.pairwise(cues):
        spoken_until = earlier.at_s + settings.speaking_time(earlier.text)
        assert later.at_s >= spoken_until - 1e-9, (earlier, later)


def assert_cues_follow_the_plan(session: WalkSession, cues: list[Cue]) -> None:
    """Every anchored cue on its boundary; halfway / one minute left near their times."""
    settings = CueSettings()
    total = session.total_s
    phases = session.phases()
    assert cues[0].at_s == 0.0 and cues[0].kind == "warmup"
    for phase in phases[1:]:
        kind = {"backward": "turn_around", "supported_steps": "turn_around"}.get(
            phase.kind, "interval" if phase.kind == "forward" else phase.kind
        )
        cue = cue_at(cues, phase.start_s, kind)
        assert cue.phase == phase.label
    assert cues[-1].kind == "finish" and cues[-1].at_s == total
    halfway = [c for c in cues if c.kind == "halfway"]
    assert len(halfway) == 1 and abs(halfway[0].at_s - total / 2) <= settings.max_shift_s
    minute = [c for c in cues if c.kind == "one_minute_left"]
    assert len(minute) == 1 and abs(minute[0].at_s - (total - 60)) <= settings.max_shift_s
    assert {c.kind for c in cues} <= set(CUE_KINDS)
    assert all(c.text.strip() for c in cues)
    assert_well_spaced(cues, settings)


def test_plan_session_from_the_bots_payload() -> None:
    plan = plan_for(OUTDOOR)
    session = WalkSession.from_payload(session_payload(plan, 2, 3))
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


def test_plan_session_cues_each_kind_at_its_time() -> None:
    session = WalkSession.from_payload(payload(OUTDOOR))
    cues = build_cues(session)
    assert_cues_follow_the_plan(session, cues)
    first = cues[0].text
    assert first.startswith("Week 1, session 1 of 3: 23 minutes in all, 5 minutes of it walking")
    assert "Warm-up, 5 minutes. Walk forward at an easy pace to warm up." in first
    turn = next(c for c in cues if c.kind == "turn_around")
    assert turn.text == (
        "Turn around and walk backward for 1 minute. Toes first, then roll to the heel. "
        "Check the path behind you before each bout, and stop to glance back."
    )
    switch = next(c for c in cues if c.kind == "interval")
    assert switch.text == (
        "Switch to forward. Turn around and walk forward at an easy pace to recover. 2 minutes."
    )
    assert cues[-1].text == (
        "Well done, that's your session finished: 23 minutes in all, 5 minutes of it walking "
        "backward."
    )
    # 1-minute bouts are too short for technique cues.
    assert not [c for c in cues if c.kind == "technique"]


@pytest.mark.parametrize("profile", PROFILES, ids=["outdoor", "treadmill", "knee", "older"])
def test_every_week_of_real_plans_gets_well_placed_cues(profile: Profile) -> None:
    plan = plan_for(profile)
    for week in plan.weeks:
        session = WalkSession.from_payload(session_payload(plan, week.number))
        assert_cues_follow_the_plan(session, build_cues(session))


def test_long_bouts_get_technique_cues_from_the_focus_and_the_segment_cue() -> None:
    plan = plan_for(TREADMILL)
    week = next(
        w
        for w in plan.weeks
        if max(s.minutes for s in w.session.segments if s.kind == "backward") >= 4
    )
    session = WalkSession.from_payload(session_payload(plan, week.number))
    cues = build_cues(session)
    technique = [c for c in cues if c.kind == "technique"]
    assert technique
    settings = CueSettings()
    for cue in technique:
        phase = session.phase_at(cue.at_s)
        assert phase is not None and phase.kind == "backward"
        assert phase.duration_s >= settings.technique_min_bout_s
        assert cue.at_s >= phase.start_s + settings.technique_first_s - settings.max_shift_s
        assert cue.at_s <= phase.end_s - settings.technique_end_margin_s + settings.max_shift_s
        assert cue.text in (
            week.technique_focus,
            phase.cue if phase.cue.endswith(".") else phase.cue + ".",
        )
    assert {c.text for c in technique} == {
        week.technique_focus,
        week.session.segments[1].cue,
    }


def test_treadmill_session_says_the_setting_and_the_belt_rules() -> None:
    plan = plan_for(TREADMILL)
    session = WalkSession.from_payload(session_payload(plan, 1))
    cues = build_cues(session)
    assert_cues_follow_the_plan(session, cues)
    assert session.treadmill is not None and session.treadmill.speed_mph == 1.0
    assert "Treadmill at 1 mile an hour." in cues[0].text
    assert "Clip the safety key to your clothing" in cues[0].text
    switch = next(c for c in cues if c.kind == "interval")
    assert "Holding the rails, turn to face forward and walk at the same speed." in switch.text
    assert "never look behind you" in next(c for c in cues if c.kind == "turn_around").text
    assert cues[-1].text.endswith(
        "Stop the belt and wait for it to stop fully before you step off."
    )


def test_starter_session_is_the_bots_starter_plan() -> None:
    session = starter_session()
    plan = starter_plan()
    assert session.source == "starter" and session.week == 1 and session.day is None
    assert [(s.kind, s.minutes, s.cue) for s in session.segments] == [
        (s.kind, s.minutes, s.cue) for s in plan.weeks[0].session.segments
    ]
    assert session.total_s <= 12 * 60
    cues = build_cues(session)
    assert_cues_follow_the_plan(session, cues)
    assert cues[0].text.startswith(
        "Here's a short starter session, 10 minutes in all, with 4 rounds"
    )
    rounds = [c for c in cues if c.kind == "turn_around"]
    assert [c.text.split(".")[0] for c in rounds] == [f"Round {i} of 4" for i in range(1, 5)]
    assert "Stand side-on at a kitchen counter or wall" in rounds[0].text
    assert "4 minutes of it supported backward steps" in cues[-1].text


def segment(kind: str, minutes: float, cue: str = "Go.") -> dict[str, Any]:
    return {"kind": kind, "minutes": minutes, "cue": cue, "steps": None}


def hand_made(*segments: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "retrowalk_session",
        "week": 1,
        "technique_focus": "Stand tall, eyes up.",
        "treadmill": None,
        "segments": list(segments),
        **extra,
    }


def test_a_halfway_on_a_boundary_is_shifted_just_after_the_turn_cue() -> None:
    session = WalkSession.from_payload(
        hand_made(segment("warmup", 2), segment("backward", 2), segment("cooldown", 2))
    )
    cues = build_cues(session)
    settings = CueSettings()
    turn = cue_at(cues, 120.0, "turn_around")
    halfway = next(c for c in cues if c.kind == "halfway")
    # Wanted at 180 s: free, so it stays.
    assert halfway.at_s == 180.0
    minute = next(c for c in cues if c.kind == "one_minute_left")
    assert minute.at_s == 300.0
    session = WalkSession.from_payload(
        hand_made(segment("warmup", 2), segment("backward", 1), segment("cooldown", 1))
    )
    cues = build_cues(session)
    turn = cue_at(cues, 120.0, "turn_around")
    halfway = next(c for c in cues if c.kind == "halfway")
    # Wanted at 120 s, on the turn cue: moved to the nearest free time.
    gap = abs(halfway.at_s - 120.0)
    assert 0 < gap <= settings.max_shift_s
    assert halfway.at_s in (
        pytest.approx(turn.at_s + settings.speaking_time(turn.text)),
        pytest.approx(turn.at_s - settings.speaking_time(halfway.text)),
    )
    assert_well_spaced(cues, settings)


def test_very_short_segments_are_merged_never_overlapping() -> None:
    session = WalkSession.from_payload(
        hand_made(
            segment("warmup", 0.05),
            segment("backward", 0.05),
            segment("forward", 0.05),
            segment("cooldown", 0.05),
        )
    )
    cues = build_cues(session)
    assert_well_spaced(cues, CueSettings())
    assert cues[-1].kind == "finish" and cues[-1].at_s == pytest.approx(12.0)
    spoken = " ".join(c.text for c in cues)
    for words in ("Warm-up", "Turn around", "Switch to forward", "Cool-down", "Well done"):
        assert words in spoken
    # Two minutes or less: no "one minute left".
    assert not [c for c in cues if c.kind == "one_minute_left"]


def test_cue_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETROWALK_CUE_MIN_GAP_S", "6")
    monkeypatch.setenv("RETROWALK_TECHNIQUE_EVERY_S", "45")
    settings = CueSettings.from_env()
    assert (settings.min_gap_s, settings.technique_every_s, settings.words_per_s) == (6, 45, 2.5)
    assert settings.speaking_time("One minute left.") == 6
    monkeypatch.setenv("RETROWALK_CUE_WORDS_PER_S", "fast")
    with pytest.raises(ValueError, match="RETROWALK_CUE_WORDS_PER_S must be a number"):
        CueSettings.from_env()


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 second"),
        (45, "45 seconds"),
        (60, "1 minute"),
        (90, "1 and a half minutes"),
        (252, "4 minutes 12 seconds"),
        (600, "10 minutes"),
        (-3, "0 seconds"),
    ],
)
def test_spoken_duration(seconds: float, words: str) -> None:
    assert spoken_duration(seconds) == words


GOOD = payload(OUTDOOR)


def broken(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    target: Any = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is KeyError:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ([1, 2], "payload must be an object"),
        (broken("type", "something_else"), "type must be 'retrowalk_session'"),
        (broken("segments", KeyError), "segments must be a non-empty list"),
        (broken("segments", []), "segments must be a non-empty list"),
        (broken("segments.0", "warmup"), "segments[0] must be an object"),
        (broken("segments.1.kind", "sideways"), "segments[1].kind must be one of"),
        (broken("segments.1.minutes", -1), "segments[1].minutes must be above 0"),
        (broken("segments.1.minutes", "5"), "segments[1].minutes must be a number"),
        (broken("segments.1.minutes", True), "segments[1].minutes must be a number"),
        (broken("segments.1.minutes", float("nan")), "segments[1].minutes must be above 0"),
        (broken("segments.1.cue", 7), "segments[1].cue must be text"),
        (broken("segments.1.steps", -2), "segments[1].steps must be a whole number"),
        (broken("total_minutes", 99), "total_minutes must equal the segments' sum"),
        (broken("week", 0), "week must be a whole number from 1"),
        (broken("week", KeyError), "week must be a whole number from 1"),
        (broken("day", 5), "day must be within the week's 3 sessions"),
        (broken("plan_weeks", 0), "plan_weeks must be a whole number from 1"),
        (broken("week", 9), "week must be within the plan's 8 weeks"),
        (broken("treadmill", "fast"), "treadmill must be an object or null"),
        (broken("treadmill", {"speed_mph": 0, "incline_pct": 0}), "treadmill.speed_mph"),
        (broken("treadmill", {"speed_mph": 1, "incline_pct": 90}), "treadmill.incline_pct"),
        (broken("technique_focus", None), "technique_focus must be text"),
    ],
)
def test_malformed_payloads_are_refused_clearly(data: Any, words: str) -> None:
    with pytest.raises(ValueError, match="Malformed session payload") as raised:
        WalkSession.from_payload(data)
    assert words in str(raised.value)


def test_a_payload_source_must_be_known() -> None:
    with pytest.raises(ValueError, match="source is one of"):
        WalkSession.from_payload(GOOD, source="default")
    assert WalkSession.from_payload(GOOD, source="week_day").source == "week_day"


@pytest.mark.parametrize("session", [starter_session(), WalkSession.from_payload(GOOD)])
def test_to_payload_round_trips(session: WalkSession) -> None:
    again = WalkSession.from_payload(session.to_payload(), source=session.source)
    assert again == session
