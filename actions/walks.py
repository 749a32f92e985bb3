"""Log walks, adapt the plan, and report progress with a chart."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.plan import save_plan, stored_plan
from actions.store import storage
from bot.profile import WalkLog
from bot.progress import format_summary, progress_chart_png, summarize
from bot.progression import adapt
from bot.walk_report import parse_walk_report

MAX_LOG_MINUTES = 180


FEEL_BUTTONS = [
    {"title": "Easy", "payload": "It felt easy"},
    {"title": "OK", "payload": "It felt ok"},
    {"title": "Hard", "payload": "It felt hard"},
]


def _ask(state: dict[str, Any]) -> list[EventType]:
    return [SlotSet("awaiting", "log_walk"), SlotSet("pending", state)]


def log_walk(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Store the reported walk, asking for minutes or feel first if missing; then adapt."""
    message = tracker.latest_message or {}
    report = parse_walk_report(str(message.get("text") or ""), message.get("entities") or [])
    awaiting = tracker.get_slot("awaiting") == "log_walk"
    pending = dict(tracker.get_slot("pending") or {}) if awaiting else {}
    state: dict[str, Any] = {
        "minutes": report.minutes if report.minutes is not None else pending.get("minutes"),
        "feel": report.feel or pending.get("feel"),
        "rpe": report.rpe or pending.get("rpe"),
        "pain": report.pain or bool(pending.get("pain")),
        "note": " / ".join(filter(None, [pending.get("note"), report.note]))[:500],
        "asked_feel": bool(pending.get("asked_feel")),
    }
    minutes = state["minutes"]
    if minutes is None:
        dispatcher.utter_message(
            text='Well done! How many minutes did you walk backwards? (e.g. "12 minutes")'
        )
        return _ask(state)
    if not 0 < float(minutes) <= MAX_LOG_MINUTES:
        dispatcher.utter_message(
            text=f"{float(minutes):g} minutes doesn't look right for one walk. How many "
            "minutes did you walk backwards?"
        )
        return _ask({**state, "minutes": None})
    if state["feel"] is None and not state["asked_feel"]:
        dispatcher.utter_message(text="How did it feel?", buttons=FEEL_BUTTONS)
        return _ask({**state, "asked_feel": True})

    found = stored_plan(tracker.sender_id)
    week = found[1] if found else None
    log = WalkLog(
        day=date.today().isoformat(),
        backward_minutes=float(minutes),
        feel=state["feel"] or "ok",
        rpe=state["rpe"],
        pain=bool(state["pain"]),
        note=state["note"],
        completed=True,
        plan_week=week,
    )
    store = storage()
    store.log_walk(tracker.sender_id, log)
    reply = f"Logged {log.backward_minutes:g} minutes of backward walking ({log.feel})."
    if found:
        plan, week = found
        week_logs = [w for w in store.walk_logs(tracker.sender_id) if w.plan_week == week]
        adaptation = adapt(plan, week, week_logs)
        if adaptation.next_week != week:
            save_plan(tracker.sender_id, plan, adaptation.next_week)
        reply += f" {adaptation.reason}"
    dispatcher.utter_message(text=reply)
    return [SlotSet("awaiting", None), SlotSet("pending", None)]


class ActionLogWalk(Action):
    """Log "did 12 minutes backwards today, felt easy"."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_log_walk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Log and adapt."""
        return log_walk(dispatcher, tracker)


class ActionProgress(Action):
    """Answer "How am I doing?" with a summary and a chart."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_progress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Summarise the logs; attach the chart as a PNG image."""
        logs = storage().walk_logs(tracker.sender_id)
        found = stored_plan(tracker.sender_id)
        summary = summarize(logs, date.today(), found[1] if found else None)
        dispatcher.utter_message(text=format_summary(summary))
        if logs:
            png = progress_chart_png(logs)
            dispatcher.utter_message(
                image="data:image/png;base64," + base64.b64encode(png).decode("ascii")
            )
        return []
