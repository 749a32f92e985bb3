"""Faults: action servers killed, the database briefly (or too long) down, Rasa restarted."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bot.rasa_adapters.channels.rest import ERROR_REPLY
from operations.nginx import ACTION_APOLOGY
from operations.topology import Topology
from tests.topology.client import Chat, stored_events, user_texts, walk_minutes
from tests.topology.conftest import record_figure
from tests.topology.faults import TopologyFaults

pytestmark = [pytest.mark.integration, pytest.mark.topology]

# The tracker store's fifth failed attempt comes 1.5 s (0.1 + 0.2 + 0.4 + 0.8) after the first.
FIFTH_FAILURE_LOG = (
    "tracker store retrieve failed (OperationalError); retrying in 1.00 s (attempt 6)"
)


def log_walk(chat: Chat, minutes: int, feel: str = "It felt easy") -> str:
    """Log a walk in two turns (minutes, then how it felt); the first turn's confirmation."""
    logged = chat.say(f"I walked {minutes} minutes")
    assert "How did it feel" in logged
    assert "noted" in chat.say(feel)
    return logged


def rasa_logs(topology: Topology) -> list[Path]:
    """The current log file of every Rasa instance."""
    return [m.settings.var_dir / "logs" / "rasa.log" for m in topology.instances]


def count_in_logs(paths: list[Path], text: str) -> int:
    """How often ``text`` occurs in the files."""
    return sum(path.read_text(errors="replace").count(text) for path in paths if path.exists())


def test_killed_action_servers_fail_over_then_apologise_fast_then_continue(
    topology: Topology, faults: TopologyFaults
) -> None:
    chat = Chat(topology)
    chat.send("hi")
    assert log_walk(chat, 7).startswith("Logged 7 minutes")

    # One of the two action servers dies: the other one serves, the user notices nothing.
    faults.kill_action_server(0)
    assert log_walk(chat, 8).startswith("Logged 8 minutes")
    assert log_walk(chat, 9).startswith("Logged 9 minutes")

    # Both die: an immediate apology, and the message itself is kept.
    faults.kill_action_servers()
    reply = chat.say("I walked 10 minutes")
    latency = chat.last_latency_s
    assert reply == ACTION_APOLOGY
    assert latency < 2.0
    assert user_texts(stored_events(topology, chat.sender))[-1] == "I walked 10 minutes"
    # Questions that need no action are still answered.
    assert "backwards" in chat.say("what are the benefits of walking backwards?")

    # Back again: the same conversation goes on and the walk is logged.
    faults.start_action_servers()
    assert log_walk(chat, 10).startswith("Logged 10 minutes")
    assert walk_minutes(topology, [chat.sender])[chat.sender] == [7, 8, 9, 10]
    record_figure("action_servers_down_apology_s", round(latency, 3))


def test_database_briefly_down_loses_no_walk_log(
    topology: Topology, faults: TopologyFaults
) -> None:
    chats = [Chat(topology) for _ in range(4)]
    for chat in chats:
        chat.send("hi")
    logs = rasa_logs(topology)
    retries_before = count_in_logs(logs, FIFTH_FAILURE_LOG)

    faults.stop_database()
    down_at = time.monotonic()
    replies: dict[str, str] = {}
    latencies: dict[str, float] = {}

    def send(chat: Chat, minutes: int) -> None:
        replies[chat.sender] = chat.say(f"did {minutes} minutes backwards today, felt easy")
        latencies[chat.sender] = chat.last_latency_s

    threads = [threading.Thread(target=send, args=(chat, 20 + i)) for i, chat in enumerate(chats)]
    for thread in threads:
        thread.start()
    # Every message has been waiting on the database for 1.5 s (its retries are logged) ...
    faults.wait_for(
        lambda: count_in_logs(logs, FIFTH_FAILURE_LOG) >= retries_before + len(chats),
        "the tracker store to retry every message five times",
        timeout=9,
    )
    # ... when the database comes back.
    faults.start_database()
    outage_s = time.monotonic() - down_at
    for thread in threads:
        thread.join(timeout=60)
    # Each walk was stored once the database was back, within the same request.
    for i, chat in enumerate(chats):
        assert replies[chat.sender].startswith(f"Logged {20 + i} minutes"), replies
    stored = walk_minutes(topology, [chat.sender for chat in chats])
    assert all(stored[chat.sender] == [20 + i] for i, chat in enumerate(chats)), stored
    for i, chat in enumerate(chats):
        assert user_texts(stored_events(topology, chat.sender)) == [
            "hi",
            f"did {20 + i} minutes backwards today, felt easy",
        ]
    record_figure(
        "database_outage",
        {"outage_s": round(outage_s, 1), "max_reply_s": round(max(latencies.values()), 1)},
    )


def test_database_down_too_long_apologises_and_keeps_what_was_stored(
    topology: Topology, faults: TopologyFaults
) -> None:
    chat = Chat(topology)
    chat.send("hi")
    assert log_walk(chat, 30).startswith("Logged 30 minutes")

    faults.stop_database()
    try:
        reply = chat.say("what are the benefits of walking backwards?")
        waited = chat.last_latency_s
    finally:
        faults.start_database()
    # The tracker store gave up after its retry window (10 s) with a clear apology.
    assert reply == ERROR_REPLY
    assert 9 <= waited < 20
    # Nothing stored before is lost, and the conversation goes on.
    assert user_texts(stored_events(topology, chat.sender)) == [
        "hi",
        "I walked 30 minutes",
        "It felt easy",
    ]
    assert "backwards" in chat.say("what are the benefits of walking backwards?")
    assert walk_minutes(topology, [chat.sender])[chat.sender] == [30]
    record_figure("database_down_too_long_apology_s", round(waited, 1))


def test_rasa_restart_keeps_conversations_profiles_and_forms(
    topology: Topology, faults: TopologyFaults
) -> None:
    planner = Chat(topology)
    planner.send("hi")
    for text, expected in [
        ("make me a plan please", "walked backwards for exercise before"),
        ("never tried it", "How old are you"),
        ("I'm 52", "injuries or health conditions"),
    ]:
        assert expected in planner.say(text)
    for text in ["no injuries, nothing", "outdoors on a track", "better balance", "30 minutes"]:
        assert planner.say(text)
    assert "eek 1" in planner.say("3 days a week")
    assert log_walk(planner, 12).startswith("Logged 12 minutes")

    in_form = Chat(topology)
    in_form.send("hi")
    in_form.say("make me a plan please")
    assert "How old are you" in in_form.say("never tried it")
    slots_before = in_form.tracker()["slots"]

    ready_after = faults.restart_all_instances()

    # The profile, the plan and the walk log are intact.
    assert "52" in planner.say("what do you know about me?")
    today = planner.send("what's my session today?")
    custom = next(m["custom"] for m in today if m.get("custom"))
    assert custom["type"] == "retrowalk_session" and custom["week"] == 1
    progress = planner.send("how am I doing?")
    assert "1" in progress[0]["text"]
    assert walk_minutes(topology, [planner.sender])[planner.sender] == [12]
    # The half-filled form goes on where it stopped, with the same slots.
    assert in_form.tracker()["slots"] == slots_before
    assert "injuries or health conditions" in in_form.say("I'm 61")
    assert in_form.tracker()["slots"]["age"] == 61
    record_figure("restart_all_instances_ready_s", round(ready_after, 1))
