"""Run scripted multi-turn conversations over REST against the live coach and check them.

A conversation file (``tests/data/conversations_*/*.yml``) holds conversations written by
helpers who never saw the training data or the bot's replies (brief: docs/evaluation.md).
Each turn has a user message and expectations about the coach's state after it: what it
asks next, what it stored, whether it made a plan, answered a topic, estimated calories,
logged a walk or deleted data. Expectations are read from the conversation tracker (slots,
actions, custom payloads) and the database, never from reply wording.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from actions.profile_slots import FORM_SLOTS
from bot.storage import Storage

FORM_FIELDS = FORM_SLOTS
# The writers' words for the profile's values.
VALUE_NAMES: dict[str, dict[str, str]] = {
    "experience": {"never": "none", "some": "some", "regular": "regular"},
    "location": {"treadmill": "treadmill", "outdoors": "outdoor", "indoors": "indoor_support"},
    "goal": {
        "balance": "balance",
        "knees": "joints",
        "fitness": "fitness",
        "rehab": "rehab",
        "curious": "curiosity",
    },
}
SHOW_ACTIONS = {
    "profile": "action_show_profile",
    "plan": "action_show_plan",
    "progress": "action_progress",
    "today": "action_todays_session",
}
WEIGHT_TOLERANCE_KG = 2.5


@dataclass(frozen=True)
class Turn:
    """One user message and what must hold after the coach's reply."""

    user: str
    expect: Mapping[str, Any]


@dataclass(frozen=True)
class Conversation:
    """A scripted conversation from one writer."""

    id: str
    category: str
    turns: tuple[Turn, ...]
    writer: str


@dataclass
class Outcome:
    """The result of running one conversation."""

    conversation: Conversation
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def load_conversations(folder: Path) -> list[Conversation]:
    """Every conversation in the YAML files of ``folder``."""
    found = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["conversations"]:
            turns = tuple(
                Turn(user=str(t["user"]), expect=t.get("expect") or {}) for t in item["turns"]
            )
            found.append(
                Conversation(
                    id=str(item["id"]),
                    category=str(item["category"]),
                    turns=turns,
                    writer=str(data.get("writer", path.stem)),
                )
            )
    return found


@dataclass(frozen=True)
class TurnState:
    """What the coach did on one turn and its state after it."""

    slots: Mapping[str, Any]
    active_loop: str | None
    actions: tuple[str, ...]
    utter_actions: tuple[str, ...]
    payloads: tuple[Mapping[str, Any], ...]
    plan: Mapping[str, Any] | None
    plan_before: Mapping[str, Any] | None
    walks_before: int
    walks: list[Any]
    profile: Any


class ConversationRunner:
    """Plays conversations against a live coach (REST channel + tracker API + database)."""

    def __init__(self, rasa_url: str, token: str, database_url: str) -> None:
        self.rasa_url = rasa_url
        self.token = token
        self.storage = Storage(database_url)
        self.storage.create_schema()

    def _send(self, sender: str, text: str) -> None:
        reply = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        reply.raise_for_status()

    def _tracker(self, sender: str) -> dict[str, Any]:
        reply = requests.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=60,
        )
        reply.raise_for_status()
        return reply.json()

    def play_turn(self, sender: str, text: str) -> TurnState:
        """Send one message; return what happened on that turn."""
        plan_before = self.storage.active_plan(sender)
        walks_before = len(self.storage.walk_logs(sender))
        self._send(sender, text)
        tracker = self._tracker(sender)
        events = tracker["events"]
        # After "delete my data" the history is gone: the whole tracker is this turn.
        users = [i for i, e in enumerate(events) if e["event"] == "user"]
        last_user = users[-1] if users else -1
        turn = events[last_user + 1 :]
        actions = tuple(e["name"] for e in turn if e["event"] == "action")
        bots = [e for e in turn if e["event"] == "bot"]
        utters = tuple(str((e.get("metadata") or {}).get("utter_action") or "") for e in bots)
        payloads = tuple(
            e["data"]["custom"]
            for e in bots
            if isinstance((e.get("data") or {}).get("custom"), Mapping)
        )
        return TurnState(
            slots=tracker.get("slots") or {},
            active_loop=(tracker.get("active_loop") or {}).get("name"),
            actions=actions,
            utter_actions=utters,
            payloads=payloads,
            plan=self.storage.active_plan(sender),
            plan_before=plan_before,
            walks_before=walks_before,
            walks=self.storage.walk_logs(sender),
            profile=self.storage.get_profile(sender),
        )

    def run(self, conversation: Conversation) -> Outcome:
        """Play every turn of a fresh conversation and check its expectations."""
        sender = f"conv-{conversation.id}-{uuid.uuid4().hex[:8]}"
        outcome = Outcome(conversation)
        for number, turn in enumerate(conversation.turns, start=1):
            state = self.play_turn(sender, turn.user)
            for problem in check(turn.expect, state):
                outcome.failures.append(f"turn {number} ({turn.user!r}): {problem}")
        return outcome


def _asks(field_name: str, state: TurnState) -> bool:
    slots = state.slots
    awaiting = slots.get("awaiting")
    pending = slots.get("pending") or {}
    if field_name in FORM_FIELDS:
        return state.active_loop == "profile_form" and slots.get("requested_slot") == field_name
    if field_name == "calorie_minutes":
        return awaiting == "calories" and "duration" not in pending
    if field_name == "calorie_weight":
        return awaiting == "calories" and "duration" in pending and "weight" not in pending
    if field_name == "walk_minutes":
        return awaiting == "log_walk" and pending.get("minutes") is None
    if field_name == "walk_feel":
        return awaiting == "log_walk" and pending.get("minutes") is not None
    if field_name == "delete_confirm":
        return awaiting == "delete_data"
    raise ValueError(f"unknown field to ask for: {field_name}")


def _asked_now(state: TurnState) -> str:
    for name in (*FORM_FIELDS, "calorie_minutes", "calorie_weight", "walk_minutes"):
        if _asks(name, state):
            return name
    for name in ("walk_feel", "delete_confirm"):
        if _asks(name, state):
            return name
    return "nothing"


def _profile_problems(expected: Mapping[str, Any], slots: Mapping[str, Any]) -> Iterable[str]:
    for name, want in expected.items():
        have = slots.get(name)
        if name == "conditions":
            ok = (want in ("none", None, [])) == (not have)
        elif name in VALUE_NAMES:
            ok = have == VALUE_NAMES[name].get(str(want), str(want))
        elif name == "weight_kg":
            ok = have is not None and abs(float(have) - float(want)) <= WEIGHT_TOLERANCE_KG
        else:
            try:
                ok = have is not None and float(have) == float(want)
            except (TypeError, ValueError):
                ok = False
        if not ok:
            yield f"profile {name}: expected {want!r}, have {have!r}"


def _calorie_problems(expected: Any, state: TurnState) -> Iterable[str]:
    estimates = [p for p in state.payloads if p.get("type") == "retrowalk_calories"]
    if not estimates:
        yield "no calorie estimate"
        return
    if not isinstance(expected, Mapping):
        return
    got = estimates[-1]
    if "minutes" in expected and abs(float(got["minutes"]) - float(expected["minutes"])) > 0.5:
        yield f"calories used {got['minutes']} minutes, expected {expected['minutes']}"
    if "weight_kg" in expected and (
        abs(float(got["weight_kg"]) - float(expected["weight_kg"])) > WEIGHT_TOLERANCE_KG
    ):
        yield f"calories used {got['weight_kg']} kg, expected {expected['weight_kg']}"
    if "incline" in expected and bool(expected["incline"]) != (float(got["incline_pct"]) > 0):
        yield f"calories used incline {got['incline_pct']}%, expected incline={expected['incline']}"


def check(expect: Mapping[str, Any], state: TurnState) -> list[str]:
    """The expectations of one turn that do not hold (empty when all hold)."""
    problems: list[str] = []
    for key, want in expect.items():
        if key == "asks":
            if not _asks(str(want), state):
                problems.append(f"expected to ask for {want}, asks for {_asked_now(state)}")
        elif key == "plan":
            made = state.plan is not None and (
                state.plan != state.plan_before or "action_show_plan" in state.actions
            )
            if bool(want) and not made:
                problems.append("no plan made or shown")
        elif key == "no_plan":
            if want and state.plan is not None and state.plan != state.plan_before:
                problems.append("a plan was made")
        elif key == "profile":
            problems.extend(_profile_problems(want or {}, state.slots))
        elif key == "shows":
            if SHOW_ACTIONS[str(want)] not in state.actions:
                problems.append(f"did not show {want} (actions: {list(state.actions)})")
        elif key == "answers":
            wanted = f"utter_{want}"
            if wanted not in state.utter_actions:
                answered = [u for u in state.utter_actions if u] or list(state.actions)
                problems.append(f"did not answer {want} (got {answered})")
        elif key == "calories":
            problems.extend(_calorie_problems(want, state))
        elif key == "logged":
            new = state.walks[state.walks_before :] if len(state.walks) > state.walks_before else []
            if want is False:
                if new:
                    problems.append("a walk was logged")
            elif not new:
                problems.append("no walk logged")
            elif isinstance(want, Mapping) and "minutes" in want:
                minutes = new[-1].backward_minutes
                if abs(float(minutes) - float(want["minutes"])) > 0.5:
                    problems.append(f"logged {minutes} minutes, expected {want['minutes']}")
        elif key == "deleted":
            remembered = [f for f in FORM_FIELDS if state.slots.get(f) is not None]
            stored = state.profile is not None or state.plan is not None or state.walks
            if want and (stored or remembered):
                problems.append(f"data not deleted (stored: {bool(stored)}, slots: {remembered})")
        else:
            problems.append(f"unknown expectation {key!r}")
    return problems
