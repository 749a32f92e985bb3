"""The cue scheduler: every cue of real plan sessions placed at its time without overlaps."""

from __future__ import annotations

import itertools
import math

import pytest

from bot.profile.model import Profile
from bot.protocol.plan_sessions import plan_session
from tests.voice.plans import (
    OUTDOOR,
    PROFILE_IDS,
    PROFILES,
    TREADMILL,
    hand_made,
    payload,
    plan_for,
    segment,
)
from voice.cue_scheduler import CUE_KINDS, Cue, CueSettings, build_cues
from voice.session import WalkSession


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


@pytest.mark.parametrize("profile", PROFILES, ids=PROFILE_IDS)
def test_every_week_of_real_plans_gets_well_placed_cues(profile: Profile) -> None:
    plan = plan_for(profile)
    for week in plan.weeks:
        session = WalkSession.from_payload(plan_session(plan, week.number).to_payload())
        assert_cues_follow_the_plan(session, build_cues(session))


def test_long_bouts_get_technique_cues_from_the_focus_and_the_segment_cue() -> None:
    plan = plan_for(TREADMILL)
    week = next(
        w
        for w in plan.weeks
        if max(s.minutes for s in w.session.segments if s.kind == "backward") >= 4
    )
    session = WalkSession.from_payload(plan_session(plan, week.number).to_payload())
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
    session = WalkSession.from_payload(plan_session(plan, 1).to_payload())
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


def test_the_starter_sessions_cues_count_the_rounds() -> None:
    session = WalkSession.starter()
    cues = build_cues(session)
    assert_cues_follow_the_plan(session, cues)
    assert cues[0].text.startswith(
        "Here's a short starter session, 10 minutes in all, with 4 rounds"
    )
    rounds = [c for c in cues if c.kind == "turn_around"]
    assert [c.text.split(".")[0] for c in rounds] == [f"Round {i} of 4" for i in range(1, 5)]
    assert "Stand side-on at a kitchen counter or wall" in rounds[0].text
    assert "4 minutes of it supported backward steps" in cues[-1].text


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
