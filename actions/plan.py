"""Screening, plan generation, and showing the plan or today's session."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.profile_slots import profile_from_slots
from actions.store import storage
from bot.env import env_int
from bot.plan.generate import generate_plan, starter_plan
from bot.plan.model import Plan
from bot.profile.model import Profile
from bot.protocol.no_session import NoSession, NoSessionReason
from bot.protocol.plan_sessions import plan_session, starter_session
from bot.safety.screening import ScreeningResult, screen

PLAN_BUTTONS = [
    {"title": "Show the full plan", "payload": "/show_plan"},
    {"title": "Today's session", "payload": "/todays_session"},
]
PLAN_WEEKS_ENV = "RETROWALK_PLAN_WEEKS"  # plan length in weeks, 1-16 (default 8)


def plan_weeks() -> int:
    """Plan length: ``$RETROWALK_PLAN_WEEKS`` (a whole number from 1 to 16), default 8.

    Raises:
        SettingsError: When it is set to anything else.
    """
    return env_int(PLAN_WEEKS_ENV, 8, minimum=1, maximum=16)


NO_PLAN = "You don't have a plan yet. Say \"make me a plan\" and I'll ask a few questions first."
NO_PLAN_YET = "You don't have a plan yet, so let's make one."


def stored_plan(user_id: str) -> tuple[Plan, int] | None:
    """The user's active plan and current week, if any."""
    record = storage().active_plan(user_id)
    if not record:
        return None
    return Plan.from_dict(record["plan"]), int(record.get("current_week", 1))


def save_plan(user_id: str, plan: Plan, current_week: int) -> None:
    """Store ``plan`` as the user's active plan at ``current_week``."""
    storage().save_plan(user_id, {"plan": plan.to_dict(), "current_week": current_week})


def screen_and_plan(
    dispatcher: CollectingDispatcher, user_id: str, profile: Profile, current_week: int = 1
) -> list[EventType]:
    """Screen the profile; make and store a plan if allowed; tell the user.

    Args:
        dispatcher: Where the replies go.
        user_id: The walker.
        profile: The walker's profile.
        current_week: The week to carry on from (a plan rebuilt after a change keeps the
            week the walker had reached, within the new plan's length).
    """
    storage().save_profile(user_id, profile)
    result = screen(profile)
    if not result.plan_allowed:
        dispatcher.utter_message(text=result.message)
        waiting = result.level in ("red", "clearance")
        return [SlotSet("awaiting", "clearance" if waiting else None)]
    plan = generate_plan(
        profile,
        weeks=plan_weeks(),
        conservative=result.conservative,
        supervised=result.supervised_only,
    )
    save_plan(user_id, plan, current_week=max(1, min(current_week, len(plan.weeks))))
    dispatcher.utter_message(text=result.message)
    dispatcher.utter_message(text=plan.summary(), buttons=PLAN_BUTTONS)
    return [SlotSet("awaiting", None)]


class ActionBuildPlan(Action):
    """After the profile form: save the profile, screen it, and build the plan."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_build_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Screen and plan."""
        stored = storage().get_profile(tracker.sender_id)
        cleared = bool(stored and stored.clinician_cleared)
        profile = profile_from_slots(tracker, clinician_cleared=cleared)
        return screen_and_plan(dispatcher, tracker.sender_id, profile)


class ActionClinicianCleared(Action):
    """The user says a clinician cleared them: record it and plan (conservatively)."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_clinician_cleared"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Record the clearance; plan if a profile exists, else start the questions."""
        stored = storage().get_profile(tracker.sender_id)
        if stored is None:
            dispatcher.utter_message(
                text='Thanks for letting me know. Say "make me a plan" and I\'ll ask a few '
                "questions to set it up."
            )
            return [SlotSet("awaiting", None)]
        profile = replace(stored, clinician_cleared=True)
        dispatcher.utter_message(
            text="Thanks, I've noted that a clinician cleared you. I'll keep the plan "
            "gentle, and please stop and get help if any warning sign comes back."
        )
        return screen_and_plan(dispatcher, tracker.sender_id, profile)


class ActionShowPlan(Action):
    """Show the whole plan, week by week."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_show_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utter every week of the active plan; with none yet, start making one."""
        found = stored_plan(tracker.sender_id)
        if found is None:
            # "plan", "show me my plan" before there is one: the walker wants a plan, so
            # the questions start (the form asks only for what it does not know yet).
            dispatcher.utter_message(text=NO_PLAN_YET)
            return [FollowupAction("profile_form")]
        plan, current = found
        weeks = "\n\n".join(plan.week_text(week.number) for week in plan.weeks)
        dispatcher.utter_message(text=f"Your plan (you're in week {current}):\n\n{weeks}")
        return []


def _requested_number(tracker: Tracker, entity: str) -> int | str | None:
    """A whole number from an intent-payload entity (``/todays_session{"week": 3}``).

    Returns:
        The number; None if the entity is absent; the raw text if it is not a whole
        number from 1 (the caller explains).
    """
    for item in (tracker.latest_message or {}).get("entities") or []:
        if item.get("entity") != entity:
            continue
        value = item.get("value")
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, int) and value >= 1:
            return value
        return str(value)
    return None


def next_day(user_id: str, week: int, sessions: int) -> int:
    """The session of ``week`` to do next: one more than the walks logged for it (capped)."""
    logged = sum(1 for log in storage().walk_logs(user_id) if log.plan_week == week)
    return min(logged + 1, sessions)


def refusal_reason(result: ScreeningResult) -> NoSessionReason:
    """Why screening allows no walk: ``needs_clearance`` (a warning sign or a PAR-Q "yes"
    not yet cleared) or ``supervised_only`` (only with a physical therapist)."""
    return "supervised_only" if result.supervised_only else "needs_clearance"


def explain_no_plan(dispatcher: CollectingDispatcher, user_id: str) -> None:
    """No plan yet: the starter session, or the refusal screening gives (as text and data).

    A user whose stored profile screens as needing clearance or supervision gets no walk:
    the screening message and a ``retrowalk_no_session`` payload with the reason. Anyone
    else gets the starter session (:func:`bot.plan.generate.starter_plan`) as text and as a
    ``retrowalk_session`` payload marked ``starter``
    (:func:`bot.protocol.plan_sessions.starter_session`, also what a client walks offline),
    which every walking client uses instead of planning on its own.
    """
    profile = storage().get_profile(user_id)
    result = screen(profile) if profile is not None else None
    if result is not None and not result.plan_allowed:
        dispatcher.utter_message(text=result.message)
        refusal = NoSession(refusal_reason(result), level=result.level)
        dispatcher.utter_message(json_message=refusal.to_payload())
        return
    plan = starter_plan()
    minutes = round(plan.weeks[0].session.total_minutes)
    dispatcher.utter_message(
        text=f"{NO_PLAN}\n\nIf you'd like to try it now, here's a short starter session "
        f"of about {minutes} minutes:\n{plan.session_text(1)}"
    )
    dispatcher.utter_message(json_message=starter_session().to_payload())


class ActionTodaysSession(Action):
    """Today's session, or the one asked for by week and day: readable text plus a custom
    payload for the voice coach (:func:`bot.protocol.plan_sessions.plan_session`). With no
    plan yet, the starter session or screening's refusal (:func:`explain_no_plan`). When the
    week or day asked for does not exist, the text explains and a ``retrowalk_no_session``
    payload says why (``reason``: ``bad_week`` or ``bad_day``)."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_todays_session"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utter the session of this week (or of the requested week and day)."""
        found = stored_plan(tracker.sender_id)
        if found is None:
            explain_no_plan(dispatcher, tracker.sender_id)
            return []
        plan, current = found
        weeks = len(plan.weeks)
        week = _requested_number(tracker, "week")
        day = _requested_number(tracker, "day")
        if week is not None and (not isinstance(week, int) or week > weeks):
            dispatcher.utter_message(
                text=f"Your plan has weeks 1 to {weeks}, so there's no week {week}. "
                f"You're in week {current}."
            )
            dispatcher.utter_message(
                json_message=NoSession("bad_week", plan_weeks=weeks).to_payload()
            )
            return []
        number = week if isinstance(week, int) else current
        sessions = plan.weeks[number - 1].sessions
        if day is not None and (not isinstance(day, int) or day > sessions):
            dispatcher.utter_message(
                text=f"Week {number} has {sessions} sessions, so pick a day from 1 to "
                f"{sessions}, not {day}."
            )
            dispatcher.utter_message(
                json_message=NoSession("bad_day", sessions=sessions).to_payload()
            )
            return []
        if isinstance(day, int):
            chosen_day = day
        elif number == current:
            chosen_day = next_day(tracker.sender_id, number, sessions)
        else:
            chosen_day = 1
        if week is None and day is None:
            heading = f"Today's session (session {chosen_day} of {sessions} this week):"
        else:
            heading = f"Week {number}, session {chosen_day} of {sessions}:"
        dispatcher.utter_message(text=f"{heading}\n{plan.week_text(number)}")
        dispatcher.utter_message(json_message=plan_session(plan, number, chosen_day).to_payload())
        return []
