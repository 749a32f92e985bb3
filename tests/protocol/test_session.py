"""The ``retrowalk_session`` payload: read with clear errors, written back as the same JSON."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.plan.generate import generate_plan
from bot.profile.model import Profile
from bot.protocol.fields import PayloadError
from bot.protocol.plan_sessions import plan_session
from bot.protocol.session import MAX_SEGMENTS, Segment, SessionPayload, Treadmill

OUTDOOR = Profile(
    experience="none", age=45, location="outdoor", goal="fitness", minutes_per_session=30
)
TREADMILL = Profile(
    experience="some", age=30, location="treadmill", goal="fitness", minutes_per_session=40
)
GOOD = plan_session(generate_plan(OUTDOOR, weeks=8), 1, 1).to_payload()


def broken(path: str, value: Any) -> dict[str, Any]:
    """``GOOD`` with the field at ``path`` (dotted, list items by number) set or deleted."""
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
        (broken("backward_minutes", 99), "backward_minutes must equal the segments' sum"),
        (broken("backward_minutes", -1), "backward_minutes must be at least 0"),
        (broken("week", 0), "week must be a whole number from 1"),
        (broken("week", KeyError), "week must be a whole number from 1"),
        (broken("day", 5), "day must be within the week's 3 sessions"),
        (broken("plan_weeks", 0), "plan_weeks must be a whole number from 1"),
        (broken("week", 9), "week must be within the plan's 8 weeks"),
        (broken("treadmill", "fast"), "treadmill must be an object or null"),
        (broken("treadmill", {"speed_mph": 0, "incline_pct": 0}), "treadmill.speed_mph"),
        (broken("treadmill", {"speed_mph": 1, "incline_pct": 90}), "treadmill.incline_pct"),
        (broken("technique_focus", None), "technique_focus must be text"),
        (broken("starter", "yes"), "starter must be true or false"),
        (broken("template", 3), "template must be text"),
    ],
)
def test_malformed_payloads_are_refused_naming_the_field(data: Any, words: str) -> None:
    with pytest.raises(PayloadError, match="Malformed session payload") as raised:
        SessionPayload.from_payload(data)
    assert words in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_too_many_or_too_long_segments_are_refused() -> None:
    segment = {"kind": "backward", "minutes": 1, "cue": "", "steps": None}
    with pytest.raises(PayloadError, match=f"at most {MAX_SEGMENTS} items"):
        SessionPayload.from_payload(broken("segments", [segment] * (MAX_SEGMENTS + 1)))
    long = {**segment, "minutes": 121}
    with pytest.raises(PayloadError, match="add up to at most 240 minutes"):
        SessionPayload.from_payload(broken("segments", [long, long]))


def test_a_payload_from_an_older_client_without_the_optional_keys_is_read() -> None:
    data = {k: v for k, v in GOOD.items() if k in ("type", "week", "segments")}
    session = SessionPayload.from_payload(data)
    assert (session.day, session.sessions, session.plan_weeks, session.starter) == (
        None,
        None,
        None,
        False,
    )
    assert session.segments == SessionPayload.from_payload(GOOD).segments
    # Written back, it carries every key, with the totals worked out from the segments.
    again = session.to_payload()
    assert again["total_minutes"] == GOOD["total_minutes"]
    assert again["backward_minutes"] == GOOD["backward_minutes"]


@pytest.mark.parametrize("profile", [OUTDOOR, TREADMILL], ids=["outdoor", "treadmill"])
def test_every_week_of_a_plan_reads_and_writes_back_as_the_same_json(profile: Profile) -> None:
    plan = generate_plan(profile, weeks=8)
    for week in plan.weeks:
        for day in (None, *range(1, week.sessions + 1)):
            wire = json.dumps(plan_session(plan, week.number, day).to_payload())
            read = SessionPayload.from_payload(json.loads(wire))
            assert json.dumps(read.to_payload()) == wire
            assert read == plan_session(plan, week.number, day)


def test_the_parts_read_what_they_write() -> None:
    segment = Segment("supported_steps", 1.5, "Hold the counter.", 10)
    assert Segment.from_payload(segment.to_payload()) == segment
    treadmill = Treadmill(1.5, 2)
    assert Treadmill.from_payload(treadmill.to_payload()) == treadmill
    assert Treadmill.from_payload(None) is None
    assert Treadmill.from_payload({"speed_mph": 1.0}) == Treadmill(1.0, 0.0)
    assert segment.seconds == 90.0


def test_totals_follow_the_segments() -> None:
    session = SessionPayload(
        week=1,
        day=None,
        segments=(
            Segment("warmup", 5, "Warm up."),
            Segment("backward", 2.5, "Back."),
            Segment("supported_steps", 1, "Hold on.", 10),
            Segment("backward", 2, "Back."),
        ),
    )
    assert session.total_minutes == 10.5
    assert session.backward_minutes == 4.5  # supported steps are counted apart
