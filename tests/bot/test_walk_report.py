"""Reading walk reports: minutes, feel, RPE and pain."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.walk_report import parse_walk_report, reports_a_walk, tells_a_walk


@pytest.mark.parametrize(
    ("text", "minutes", "feel", "pain"),
    [
        ("did 12 minutes backwards today, felt easy", 12, "easy", False),
        ("walked backwards for 20 min, it was hard", 20, "hard", False),
        ("done! 10 mins, no pain", 10, None, False),
        ("finished today's session, knees a bit sore", None, None, True),
        ("half an hour, tough going", 30, "hard", False),
        ("15 minutes, not too hard", 15, "easy", False),
        ("20 minutes, wasn't that hard", 20, "easy", False),
        ("10 mins, not really easy", 10, "ok", False),
        ("it was hard, not easy", None, "hard", False),
        ("20 minutes and my ankle hurts", 20, None, True),
        # An opening "ok" or "great" is a discourse marker, not the feel of the walk...
        ("ok anyway just did 10 min backwards in the hall", 10, None, False),
        ("Great, I walked 15 minutes", 15, None, False),
        ("okay, did 20 mins, felt fine", 20, "easy", False),
        # ...but it is the answer to "How did it feel?".
        ("ok", None, "ok", False),
        ("good, thanks", None, "easy", False),
    ],
)
def test_reports(text: str, minutes: float | None, feel: str | None, pain: bool) -> None:
    report = parse_walk_report(text)
    assert report.minutes == minutes
    assert report.feel == feel
    assert report.pain is pain
    assert report.note == text


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("15", 15.0),
        ("about 15", 15.0),
        ("15ish", 15.0),
        ("15 laps", None),
        ("fifteen", 15.0),  # said in words
        ("about twenty five", 25.0),
        ("thirty or so", 30.0),
        ("fifteen laps", None),
    ],
)
def test_a_bare_number_is_the_minutes_only_when_they_were_asked(
    text: str, minutes: float | None
) -> None:
    assert parse_walk_report(text, minutes_asked=True).minutes == minutes
    assert parse_walk_report(text).minutes is None


def test_rpe_sets_feel_when_no_word_is_given() -> None:
    report = parse_walk_report("RPE 15, 12 minutes")
    assert (report.rpe, report.feel) == (15, "hard")
    assert parse_walk_report("rpe 9").feel == "easy"
    assert parse_walk_report("rpe 30").rpe is None


def test_duration_entity_wins() -> None:
    entities = [{"entity": "duration", "value": 25.0}]
    assert parse_walk_report("did my walk", entities).minutes == 25.0


@given(st.text(max_size=200))
def test_never_raises(text: str) -> None:
    parse_walk_report(text)


@pytest.mark.parametrize(
    ("text", "walked"),
    [
        ("walked 20 minutes round the block", True),
        ("just got back from my backwards walk", True),
        ("did my 15 minutes on the treadmill", True),
        ("can do 20 minutes before work", False),
        ("about 35 minutes round the block", False),
        ("I was eleven stone seven at the doctor's", False),
    ],
)
def test_a_walk_told_or_only_minutes(text: str, walked: bool) -> None:
    assert reports_a_walk(text) is walked


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("Just back from a backwards walk around the pitch", True),
        ("Well, I did it! Twelve minutes up and down the hallway", True),
        ("did an hour on the treadmill", True),
        ("I did my shopping first", False),
        ("I did it!", False),
        ("did 20 minutes on the treadmill, is that enough?", False),  # a question
        ("my calves are sore", False),
    ],
)
def test_a_walk_told_is_a_walk_not_an_errand(text: str, told: bool) -> None:
    assert tells_a_walk(parse_walk_report(text)) is told


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("just did 15 min backwards on the treadmill, no wait it was 20 lol", 20.0),
        ("did 20 minutes, sorry 25", 25.0),
        ("did 20 minutes at 3 mph, actually 2 mph", 20.0),  # the speed is corrected
        ("did 15 minutes, sorry 2 days late logging", 15.0),
    ],
)
def test_minutes_corrected_in_the_same_message(text: str, minutes: float) -> None:
    assert parse_walk_report(text).minutes == minutes
