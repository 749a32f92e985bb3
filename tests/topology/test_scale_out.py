"""Scale-out: any instance serves any turn; concurrent users; an instance restarted under load."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from operations.loadgen import LoadResult, Turn, run_load
from operations.topology import Topology
from tests.topology.client import Chat, bot_texts, stored_events, user_texts, walk_minutes
from tests.topology.conftest import record_figure
from tests.topology.faults import TopologyFaults

pytestmark = [pytest.mark.integration, pytest.mark.topology]

FAQ = [
    "what are the benefits of walking backwards?",
    "how do I start?",
    "how fast should I go on a treadmill?",
    "what shoes should I wear?",
    "thanks",
    "how long should I walk each time?",
    "is it good for my balance?",
]
FEELS = ["It felt easy", "It felt ok", "It felt hard"]


def walk_minutes_for(user: int, walk: int) -> int:
    """Minutes of a user's walk: different for every (user, walk) pair up to 50 users."""
    return 5 + user + 50 * walk


def user_script(user: int, turns: int = 20) -> list[str]:
    """``turns`` messages: a greeting, FAQ questions and three walks with how they felt."""
    script = ["hi", FAQ[0]]
    for walk in range(3):
        script += [f"I walked {walk_minutes_for(user, walk)} minutes", FEELS[walk]]
        script += [FAQ[(2 * walk + 1) % len(FAQ)], FAQ[(2 * walk + 2) % len(FAQ)]]
    script += FAQ
    return script[:turns]


def served_by(topology: Topology, since: int, until: int | None = None) -> Counter[str]:
    """Requests per Rasa instance in nginx's access log between two byte offsets."""
    log = (topology.nginx.directory / "access.log").read_bytes()[since:until]
    text = log.decode(errors="replace")
    ports = {str(m.settings.rasa_port): m.name for m in topology.instances}
    counts: Counter[str] = Counter()
    for upstreams in re.findall(r"upstream=(\S+(?:, \S+)*)", text):
        last = upstreams.split(", ")[-1]  # after a retry, the instance that answered
        port = last.rsplit(":", 1)[-1]
        if port in ports:
            counts[ports[port]] += 1
    return counts


def access_log_size(topology: Topology) -> int:
    """Current size of nginx's access log (a position to count from)."""
    return (topology.nginx.directory / "access.log").stat().st_size


def check_conversations(
    topology: Topology, result: LoadResult, scripts: dict[str, list[str]]
) -> None:
    """Nothing lost, duplicated, reordered or delivered to the wrong user."""
    assert not result.failed, [f"{t.sender}#{t.index}: {t.error}" for t in result.failed][:5]
    by_sender = result.by_sender()
    assert set(by_sender) == set(scripts)
    minutes = walk_minutes(topology, list(scripts))
    for sender, turns in by_sender.items():
        assert [t.text for t in turns] == scripts[sender]
        # Every reply is addressed to its own user.
        assert all(m.get("recipient_id") == sender for t in turns for m in t.replies), sender
        # The walks the user logged, with the user's own minutes, in the user's order.
        expected = [float(m) for m in logged_minutes(scripts[sender])]
        assert minutes.get(sender, []) == expected, sender
        confirmations = [text for t in turns for text in t.reply_texts if "Logged" in text]
        assert [re.search(r"Logged (\d+) minutes", c).group(1) for c in confirmations] == [
            f"{m:g}" for m in expected
        ], sender
        # The stored conversation is exactly what was said and answered, in order.
        events = stored_events(topology, sender)
        assert user_texts(events) == scripts[sender], sender
        assert bot_texts(events) == [text for t in turns for text in t.reply_texts], sender


def logged_minutes(script: Iterable[str]) -> list[int]:
    """Minutes of the walks a script logs (a walk counts once its feel is given)."""
    return [int(m.group(1)) for text in script if (m := re.match(r"I walked (\d+) minutes", text))]


def fill_profile_alternating(chat: Chat, urls: list[str]) -> list[str]:
    """Answer the profile form, each answer to the next instance in turn; the replies."""
    answers = [
        "make me a plan please",
        "never tried it",
        "I'm 52",
        "no injuries, nothing",
        "outdoors on a track",
        "better balance",
        "30 minutes",
        "3 days a week",
    ]
    return [chat.say(text, urls[i % len(urls)]) for i, text in enumerate(answers)]


def test_turns_alternating_between_instances_keep_slots_form_and_plan(topology: Topology) -> None:
    urls = topology.rasa_urls
    assert len(set(urls)) == 2
    chat = Chat(topology)
    chat.send("hi", urls[1])
    replies = fill_profile_alternating(chat, urls)
    # Each instance continued the form where the other left it.
    assert "walked backwards for exercise before" in replies[0]
    assert "How old are you" in replies[1]
    assert "injuries or health conditions" in replies[2]
    assert all(replies[3:7])
    assert "Week 1" in replies[7] or "week 1" in replies[7]

    # Both instances see the same slots and no active form.
    for url in urls:
        tracker = chat.tracker(url)
        slots = tracker["slots"]
        assert (slots["age"], slots["days_per_week"], slots["minutes_per_session"]) == (52, 3, 30)
        assert not (tracker.get("active_loop") or {}).get("name")

    # The plan made through one instance is served by the other, then the first.
    for url in (urls[0], urls[1]):
        today = chat.send("what's my session today?", url)
        custom = next(m["custom"] for m in today if m.get("custom"))
        assert custom["type"] == "retrowalk_session" and custom["week"] == 1
    assert "52" in chat.say("what do you know about me?", urls[1])


def test_each_rasa_instance_runs_with_one_tensorflow_thread(topology: Topology) -> None:
    for member in topology.instances:
        assert member.process is not None
        environ = (Path("/proc") / str(member.process.process.pid) / "environ").read_bytes()
        variables = set(environ.split(b"\0"))
        assert b"TF_INTRA_OP_PARALLELISM_THREADS=1" in variables
        assert b"TF_INTER_OP_PARALLELISM_THREADS=1" in variables


def test_fifty_concurrent_users_lose_duplicate_reorder_or_misroute_nothing(
    topology: Topology,
) -> None:
    scripts = {f"load50-{n:02d}": user_script(n) for n in range(50)}
    start = access_log_size(topology)
    result = run_load(topology.rest_url, scripts)
    record_figure(
        "load_50x20_nginx",
        {
            "messages": len(result.turns),
            "wall_s": round(result.wall_s, 1),
            "msg_per_s": round(result.throughput, 1),
            "p50_ms": round(result.latency(0.5) * 1000),
            "p95_ms": round(result.latency(0.95) * 1000),
            "failed": len(result.failed),
        },
    )
    check_conversations(topology, result, scripts)
    # Both instances carried the load.
    counts = served_by(topology, start)
    assert sum(counts.values()) >= len(result.turns)
    assert all(counts[m.name] > 0.3 * len(result.turns) for m in topology.instances), counts


def merged(rounds: list[tuple[dict[str, list[str]], LoadResult]]) -> tuple[dict, LoadResult]:
    """Several load rounds of the same users as one: scripts concatenated, turns renumbered."""
    scripts: dict[str, list[str]] = {}
    result = LoadResult()
    for round_scripts, round_result in rounds:
        for turn in round_result.turns:
            offset = len(scripts.get(turn.sender, []))
            result.turns.append(replace(turn, index=offset + turn.index))
        for sender, texts in round_scripts.items():
            scripts.setdefault(sender, []).extend(texts)
        result.wall_s += round_result.wall_s
    return scripts, result


def test_an_instance_restarted_mid_load_loses_nothing(
    topology: Topology, faults: TopologyFaults
) -> None:
    first = {f"restart-{n:02d}": user_script(n, turns=14) for n in range(20)}
    quarter_done = threading.Event()
    answered: list[Turn] = []

    def on_turn(turn: Turn) -> None:
        answered.append(turn)
        if len(answered) >= sum(len(s) for s in first.values()) // 4:
            quarter_done.set()

    marks: dict[str, float] = {}
    errors: list[BaseException] = []

    def restart_first_instance() -> None:
        try:
            assert quarter_done.wait(timeout=300)
            faults.stop_instance(0)  # drained first: nginx sends it nothing new
            marks["down"] = access_log_size(topology)
            marks["ready_after_s"] = faults.start_instance(0, route=False)
            marks["back"] = access_log_size(topology)
            topology.undrain_instance(0)
        except BaseException as error:  # reported by the test thread
            errors.append(error)

    restarter = threading.Thread(target=restart_first_instance)
    restarter.start()
    rounds = [(first, run_load(topology.rest_url, first, on_turn=on_turn))]
    # The same users go on talking until the instance is back.
    while restarter.is_alive() and len(rounds) < 40:
        more = {sender: [FAQ[len(rounds) % len(FAQ)]] * 2 for sender in first}
        rounds.append((more, run_load(topology.rest_url, more)))
    restarter.join(timeout=60)
    assert not restarter.is_alive() and not errors, errors

    scripts, result = merged(rounds)
    check_conversations(topology, result, scripts)
    # While the first instance was down, the other one answered everything.
    down = served_by(topology, int(marks["down"]), int(marks["back"]))
    assert down[topology.instances[1].name] > 0 and down[topology.instances[0].name] == 0, down

    # The restarted instance is back in the rotation and the same users go on.
    more = {sender: [FAQ[1], FAQ[4]] for sender in first}
    start = access_log_size(topology)
    again = run_load(topology.rest_url, more)
    assert not again.failed
    assert served_by(topology, start)[topology.instances[0].name] > 0
    for sender in first:
        assert user_texts(stored_events(topology, sender)) == scripts[sender] + more[sender]
    record_figure(
        "restart_mid_load",
        {
            "messages": len(result.turns),
            "failed": len(result.failed),
            "p95_ms": round(result.latency(0.95) * 1000),
            "served_while_down": down[topology.instances[1].name],
            "instance_ready_after_s": round(marks["ready_after_s"], 1),
        },
    )
