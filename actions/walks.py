"""Log walks, adapt the plan, and report progress with a chart.

Two ways in:

* Typed text ("did 12 minutes backwards today, felt easy"): minutes, feel, RPE and pain are
  read from the text; a missing number or feel is asked for first, then the walk is stored
  and the plan adapted.
* A structured log from the voice coach, an intent payload
  ``/log_walk{"minutes": 12.5, "completed": false, "source": "voice"}``
  (:mod:`bot.protocol.walk_log`): stored at once,
  exactly as given (no text reading; ``minutes`` are backward minutes, 0 allowed for a walk
  stopped before any backward part), then the coach asks how it felt. The answer (any
  message routed here while ``awaiting`` is ``log_walk``) amends that walk's feel, RPE,
  pain and note, and the plan is adapted then. If the walker never answers, the walk stays
  logged as "ok" and counts at the next adaptation; a new report with minutes in it is
  logged as a new walk.
"""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.plan import save_plan, stored_plan
from actions.store import storage
from actions.tracker_reading import walker_text
from bot.plan.adapt import adapt
from bot.profile.model import WalkLog
from bot.progress import format_summary, summarize
from bot.progress_chart import progress_chart_png
from bot.protocol.fields import PayloadError
from bot.protocol.walk_log import MAX_LOG_MINUTES, WALK_LOG_FIELDS, StructuredWalkLog
from bot.storage import RPE_RANGE
from bot.walk_report import feeling_topic, parse_walk_report, reports_a_walk

SOURCE_NOTES = {"voice": "Logged by the voice coach.", "app": "Logged by an app."}


# The answer to a feeling reported without a walk (see bot.walk_report.feeling_topic).
FEELING_ANSWERS = {
    "soreness": "utter_faq/soreness",
    "tiredness": "utter_faq/rest_and_tiredness",
    "worry": "utter_faq/safety_falls",
}

FEEL_BUTTONS = [
    {"title": "Easy", "payload": "It felt easy"},
    {"title": "OK", "payload": "It felt ok"},
    {"title": "Hard", "payload": "It felt hard"},
]


def _ask(state: dict[str, Any]) -> list[EventType]:
    return [SlotSet("awaiting", "log_walk"), SlotSet("pending", state)]


def structured_walk(message: dict[str, Any]) -> StructuredWalkLog | str | None:
    """The structured walk in a ``/log_walk{...}`` payload
    (:meth:`bot.protocol.walk_log.StructuredWalkLog.from_entities`).

    Returns:
        The walk; None when the message carries none of ``minutes``, ``completed`` and
        ``source`` (a typed report); or a plain-words problem when they are malformed.
    """
    entities = {
        e.get("entity"): e.get("value")
        for e in message.get("entities") or []
        if e.get("entity") in WALK_LOG_FIELDS
    }
    try:
        return StructuredWalkLog.from_entities(entities)
    except PayloadError as error:
        return error.reason


def log_structured_walk(
    dispatcher: CollectingDispatcher, tracker: Tracker, walk: StructuredWalkLog
) -> list[EventType]:
    """Store a structured walk exactly as sent, then ask how it felt."""
    found = stored_plan(tracker.sender_id)
    log = WalkLog(
        day=date.today().isoformat(),
        backward_minutes=walk.minutes,
        feel="ok",
        completed=walk.completed,
        note=SOURCE_NOTES[walk.source],
        plan_week=found[1] if found else None,
    )
    walk_id = storage().log_walk(tracker.sender_id, log)
    done = "" if walk.completed else ", not the full session"
    dispatcher.utter_message(text=f"Logged {walk.minutes:g} minutes of backward walking{done}.")
    dispatcher.utter_message(text="How did it feel?", buttons=FEEL_BUTTONS)
    return _ask(
        {
            "walk_id": walk_id,
            "minutes": walk.minutes,
            "asked_feel": True,
            "note": SOURCE_NOTES[walk.source],
        }
    )


def _amend_walk(user_id: str, walk_id: int, log: WalkLog) -> bool:
    """Set the feel, RPE, pain and note of a stored walk (an RPE outside 6-20 is dropped)."""
    rpe = log.rpe if log.rpe is not None and RPE_RANGE[0] <= log.rpe <= RPE_RANGE[1] else None
    return storage().update_walk(user_id, walk_id, replace(log, rpe=rpe, note=log.note[:500]))


def _adapt_reply(user_id: str) -> str:
    """Adapt the plan to the logged walks; the reason in plain words ("" without a plan)."""
    found = stored_plan(user_id)
    if not found:
        return ""
    plan, week = found
    week_logs = [w for w in storage().walk_logs(user_id) if w.plan_week == week]
    adaptation = adapt(plan, week, week_logs)
    if adaptation.next_week != week:
        save_plan(user_id, plan, adaptation.next_week)
    return adaptation.reason


def _feel_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, pending: dict[str, Any]
) -> list[EventType]:
    """The answer to "How did it feel?" after a structured log: amend that walk, adapt."""
    message = tracker.latest_message or {}
    text = walker_text(tracker, str(message.get("text") or ""))
    report = parse_walk_report(text, message.get("entities") or [])
    feel = report.feel or "ok"
    first = pending.get("note") if "note" in pending else SOURCE_NOTES["voice"]
    note = " / ".join(filter(None, [first, report.note]))[:500]
    amended = WalkLog(
        day=date.today().isoformat(),
        backward_minutes=float(pending.get("minutes") or 0.0),
        feel=feel,
        rpe=report.rpe,
        pain=report.pain,
        note=note,
    )
    _amend_walk(tracker.sender_id, int(pending["walk_id"]), amended)
    said = f"it felt {feel}" if report.feel else "I'll note it as OK"
    reply = f"Thanks, noted: {said}."
    if report.pain:
        reply = "Thanks, I've noted the pain."
    reason = _adapt_reply(tracker.sender_id)
    dispatcher.utter_message(text=f"{reply} {reason}".strip())
    return [SlotSet("awaiting", None), SlotSet("pending", None)]


def log_walk(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Store the reported walk, asking for minutes or feel first if missing; then adapt.

    A structured ``/log_walk{...}`` payload is stored at once (see the module docstring).
    """
    message = tracker.latest_message or {}
    structured = structured_walk(message)
    if isinstance(structured, StructuredWalkLog):
        return log_structured_walk(dispatcher, tracker, structured)
    if isinstance(structured, str):
        dispatcher.utter_message(text=f"I couldn't log that walk: {structured}.")
        return [SlotSet("awaiting", None), SlotSet("pending", None)]
    awaiting = tracker.get_slot("awaiting") == "log_walk"
    pending = dict(tracker.get_slot("pending") or {}) if awaiting else {}
    report = parse_walk_report(
        walker_text(tracker, str(message.get("text") or "")),
        message.get("entities") or [],
        minutes_asked=awaiting and pending.get("minutes") is None,
    )
    feeling = None if awaiting else feeling_topic(report)
    if feeling is not None:
        # "my legs are a little sore the day after": advice, and nothing logged.
        dispatcher.utter_message(response=FEELING_ANSWERS[feeling])
        return []
    if pending.get("walk_id") is not None:
        logged = float(pending.get("minutes") or 0.0)
        another = report.walked and report.feel is None and report.rpe is None and not report.pain
        if not another and (report.minutes is None or abs(report.minutes - logged) < 1):
            return _feel_answer(dispatcher, tracker, pending)
        # a new report with other minutes, or another walk told instead of a feel ("I also
        # walked backwards in the hallway after lunch"): a new walk
        pending = {}
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
    walk_id = storage().log_walk(tracker.sender_id, log)
    if state["feel"] is None and not state["asked_feel"]:
        # Logged now, so nothing is lost if the walker never answers; the answer amends it.
        dispatcher.utter_message(
            text=f"Logged {log.backward_minutes:g} minutes of backward walking."
        )
        dispatcher.utter_message(text="How did it feel?", buttons=FEEL_BUTTONS)
        return _ask(
            {
                "walk_id": walk_id,
                "minutes": log.backward_minutes,
                "asked_feel": True,
                "note": log.note,
            }
        )
    reply = f"Logged {log.backward_minutes:g} minutes of backward walking ({log.feel})."
    reason = _adapt_reply(tracker.sender_id)
    if reason:
        reply += f" {reason}"
    dispatcher.utter_message(text=reply)
    return [SlotSet("awaiting", None), SlotSet("pending", None)]


# A walk imagined, not told: "what if I'd done 60 min?", "and if I did 45 minutes".
IMAGINED = re.compile(
    r"\b(?:what|how)\s+(?:if|about)\b|\bif\s+(?:i|we|she|he)\b|\b(?:i'd|i\s+would|would\s+i)\b",
    re.IGNORECASE,
)


class ActionLogWalk(Action):
    """Log "did 12 minutes backwards today, felt easy"."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_log_walk"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Log and adapt; right after a calorie estimate, a walk imagined ("what if I'd done
        60 min?") is a follow-up question about the estimate, not a walk done. While a
        calorie question is open, minutes or a weight answer it ("about 35 minutes round the
        block"); while the plan form asks, minutes with no walk told are no log ("can do 20
        minutes before work"): the form asks again."""
        text = str((tracker.latest_message or {}).get("text") or "")
        awaiting = tracker.get_slot("awaiting")
        if awaiting == "calories_followup" and IMAGINED.search(text):
            return [FollowupAction("action_calorie_followup")]
        if awaiting == "calories":
            return [FollowupAction("action_handle_inform")]
        if (tracker.active_loop or {}).get("name") == "profile_form" and not reports_a_walk(text):
            return []
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
