"""The voice coach's REST client: against the real live coach, and against broken servers.

The happy path runs against the real Rasa and action servers (``live_coach``). Failures
the real bot cannot be made to produce on demand (5xx, garbage, a hang) come from a small
real HTTP server on localhost that answers exactly that.
"""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from bot.plan.generate import generate_plan, starter_plan
from bot.profile.model import Profile
from bot.protocol.plan_sessions import plan_session, starter_session
from tests.conftest import LiveCoach
from tests.integration.rest_client import Conversation
from tests.integration.test_coaching import fill_profile
from tests.voice.bot_standin import StandIn, reply_with
from voice.bot_client import (
    BotClient,
    BotClientSettings,
    BotRejectedError,
    BotReply,
    BotUnavailable,
    WalkRefused,
)
from voice.cue_scheduler import build_cues
from voice.workout import WorkoutResult

# -- against the real coach -----------------------------------------------------------------


@pytest.mark.integration
def test_plan_user_gets_sessions_logs_a_walk_and_is_asked_how_it_felt(
    live_coach: LiveCoach,
) -> None:
    chat = Conversation(live_coach)
    chat.send("hi")
    fill_profile(chat)
    client = BotClient(live_coach.settings.rasa_url, chat.sender, timeout_s=30)
    assert client.health()

    session = client.todays_session()
    assert session is not None
    assert (session.source, session.week, session.day, session.plan_weeks) == ("plan", 1, 1, 8)
    assert session.segments[0].kind == "warmup" and session.segments[-1].kind == "cooldown"
    assert session.total_s <= 30 * 60
    cues = build_cues(session)
    assert cues[0].text.startswith("Week 1, session 1 of ")

    chosen = client.todays_session(week=3, day=2)
    assert chosen is not None
    assert (chosen.source, chosen.week, chosen.day) == ("week_day", 3, 2)
    with pytest.raises(ValueError, match="weeks 1 to 8, so there's no week 12"):
        client.todays_session(week=12)

    result = WorkoutResult(
        minutes_done=7.5, completed=False, stopped_by="walker", backward_minutes_done=3.25
    )
    reply = client.log_walk(result)
    assert reply.texts == [
        "Logged 3.25 minutes of backward walking, not the full session.",
        "How did it feel?",
    ]
    assert [title for title, _ in reply.buttons] == ["Easy", "OK", "Hard"]

    progress = client.ask("how am I doing?")
    assert "1 walk with 3.2 minutes of backward walking" in progress.text
    assert progress.images and progress.images[0].startswith("data:image/png;base64,")
    # The walk counts for this week: the next session is the second.
    after = client.todays_session()
    assert after is not None and (after.week, after.day) == (1, 2)

    answer = client.ask("it felt hard")
    assert answer.text.startswith("Thanks, noted: it felt hard.")
    assert "repeat week 1" in answer.text


@pytest.mark.integration
def test_new_user_gets_the_bots_starter_session_and_can_ask(live_coach: LiveCoach) -> None:
    client = BotClient(live_coach.settings.rasa_url, "voice-newcomer-1", timeout_s=30)
    starter = starter_plan()
    for session in (client.todays_session(), client.todays_session(week=2)):
        assert (session.source, session.week, session.day) == ("starter", 1, None)
        assert [s.kind for s in session.segments] == [
            s.kind for s in starter.weeks[0].session.segments
        ]
    reply = client.ask("What are the benefits of walking backwards?")
    assert reply.texts and len(reply.text) > 40


# -- unreachable and broken servers -------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_closed_port_is_unavailable_within_the_timeout() -> None:
    client = BotClient(f"http://127.0.0.1:{closed_port()}", "ann", timeout_s=2)
    start = time.monotonic()
    with pytest.raises(BotUnavailable, match="is not reachable"):
        client.ask("hello")
    with pytest.raises(BotUnavailable):
        client.todays_session()
    with pytest.raises(BotUnavailable):
        client.log_walk(WorkoutResult(minutes_done=1.0, completed=False, stopped_by="x"))
    assert not client.health()
    assert time.monotonic() - start < 2


def test_requests_are_intent_payloads_as_the_same_user(stand_in: StandIn) -> None:
    plan = generate_plan(Profile(minutes_per_session=30), weeks=8)
    stand_in.answer = reply_with(
        [{"text": "Week 2, session 3 of 3:"}, {"custom": plan_session(plan, 2, 3).to_payload()}]
    )
    client = BotClient(stand_in.url + "/", "ann", timeout_s=5)
    session = client.todays_session(week=2, day=3)
    assert session is not None and (session.week, session.day, session.source) == (
        2,
        3,
        "week_day",
    )
    client.log_walk(
        WorkoutResult(
            minutes_done=9.0, completed=True, stopped_by=None, backward_minutes_done=4.123456
        )
    )
    # A result rebuilt without backward minutes logs its minutes.
    client.log_walk(WorkoutResult(minutes_done=6.0, completed=False, stopped_by="interrupted"))
    assert stand_in.received == [
        {"sender": "ann", "message": '/todays_session{"week":2,"day":3}'},
        {"sender": "ann", "message": '/log_walk{"minutes":4.12,"completed":true,"source":"voice"}'},
        {"sender": "ann", "message": '/log_walk{"minutes":6.0,"completed":false,"source":"voice"}'},
    ]
    assert client.health()


def test_odd_items_in_a_reply_are_skipped(stand_in: StandIn) -> None:
    stand_in.answer = reply_with(
        [
            "not a message",
            {"text": "  Here you go.  "},
            {"text": 42, "buttons": [{"title": "Easy", "payload": "It felt easy"}, "junk", {}]},
            {"custom": ["not", "a", "dict"]},
            {"custom": {"type": "something_else"}},
            {"image": "data:image/png;base64,AAAA"},
            {"text": ""},
        ]
    )
    reply = BotClient(stand_in.url, "ann").ask("hello")
    assert reply == BotReply(
        texts=["Here you go."],
        buttons=[("Easy", "It felt easy")],
        custom=[{"type": "something_else"}],
        images=["data:image/png;base64,AAAA"],
    )
    # No session payload: the bot gave no session, which is an error, never a reason to plan.
    with pytest.raises(ValueError, match="Here you go"):
        BotClient(stand_in.url, "ann").todays_session()


@pytest.mark.parametrize(
    ("status", "body", "error", "words"),
    [
        (500, b'{"error": "boom"}', BotUnavailable, "failed (HTTP 500)"),
        (503, b"", BotUnavailable, "failed (HTTP 503)"),
        (200, b"<html>not json</html>", BotUnavailable, "non-JSON"),
        (200, b'{"text": "a dict, not a list"}', BotUnavailable, "answered dict, not a list"),
        (413, b'{"error": "message too long"}', BotRejectedError, "HTTP 413"),
    ],
)
def test_bad_replies_raise_clear_errors(
    stand_in: StandIn, status: int, body: bytes, error: type[Exception], words: str
) -> None:
    stand_in.answer = reply_with(body, status)
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        BotClient(stand_in.url, "ann").ask("hello")


def test_the_bots_reason_for_no_session_is_a_refusal_or_an_error(stand_in: StandIn) -> None:
    client = BotClient(stand_in.url, "ann")
    for reason in ("needs_clearance", "supervised_only"):
        stand_in.answer = reply_with(
            [
                {"text": "With a heart condition, please talk to your cardiologist first."},
                {"custom": {"type": "retrowalk_no_session", "reason": reason}},
            ]
        )
        with pytest.raises(WalkRefused, match="talk to your cardiologist") as refused:
            client.todays_session()
        assert refused.value.reason == reason
    stand_in.answer = reply_with(
        [
            {"text": "Week 2 has 3 sessions, so pick a day from 1 to 3, not 5."},
            {"custom": {"type": "retrowalk_no_session", "reason": "bad_day"}},
        ]
    )
    with pytest.raises(ValueError, match="pick a day from 1 to 3, not 5"):
        client.todays_session(week=2, day=5)
    stand_in.answer = reply_with([])
    with pytest.raises(ValueError, match="the bot sent no session"):
        client.todays_session(week=2)


def test_a_starter_payload_is_the_starter_session(stand_in: StandIn) -> None:
    stand_in.answer = reply_with([{"custom": starter_session().to_payload()}])
    session = BotClient(stand_in.url, "ann").todays_session(week=3)
    assert (session.source, session.week, session.day) == ("starter", 1, None)


def test_a_malformed_session_payload_is_a_value_error(stand_in: StandIn) -> None:
    stand_in.answer = reply_with([{"custom": {"type": "retrowalk_session", "segments": []}}])
    with pytest.raises(ValueError, match="Malformed session payload: segments"):
        BotClient(stand_in.url, "ann").todays_session()


def test_a_hanging_bot_times_out(stand_in: StandIn) -> None:
    def hang(body: dict[str, Any]) -> tuple[int, bytes]:
        stand_in.release.wait(10)
        return 200, b"[]"

    stand_in.answer = hang
    client = BotClient(stand_in.url, "ann", timeout_s=0.5)
    start = time.monotonic()
    with pytest.raises(BotUnavailable, match=r"did not answer within 0\.5 s"):
        client.ask("hello")
    assert time.monotonic() - start < 3


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="sender"):
        BotClient("http://127.0.0.1:5005", " ")
    with pytest.raises(ValueError, match="timeout_s"):
        BotClient("http://127.0.0.1:5005", "ann", timeout_s=0)
    client = BotClient("http://127.0.0.1:5005", "ann")
    with pytest.raises(ValueError, match="nothing to ask"):
        client.ask("   ")
    with pytest.raises(ValueError, match="week must be a whole number"):
        client.todays_session(week=0)


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RETROWALK_BOT_URL", raising=False)
    monkeypatch.setenv("RETROWALK_HOST", "0.0.0.0")
    monkeypatch.setenv("RETROWALK_RASA_PORT", "5999")
    monkeypatch.setenv("RETROWALK_BOT_TIMEOUT", "3")
    assert BotClientSettings.from_env() == BotClientSettings("http://127.0.0.1:5999", 3.0)
    monkeypatch.setenv("RETROWALK_BOT_URL", "http://coach.local:8000")
    assert BotClientSettings.from_env().base_url == "http://coach.local:8000"
    monkeypatch.setenv("RETROWALK_BOT_TIMEOUT", "-1")
    with pytest.raises(ValueError, match="RETROWALK_BOT_TIMEOUT must be positive"):
        BotClientSettings.from_env()
