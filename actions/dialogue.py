"""Short answers ("yes", "no", "80 kg", "stop") mean what the coach last asked for.

The ``awaiting`` slot records an open question outside forms: a clinician's clearance,
a delete confirmation, the weight or minutes for a calorie estimate, or details of a walk
being logged. These actions route the answer to the right place.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.calories import CALORIE_INPUTS, answer_calories
from actions.plan import ActionClinicianCleared
from actions.privacy import answer_delete_confirmation
from actions.profile import update_profile
from actions.tracker_reading import entity_values, latest_intent
from actions.walks import log_walk
from bot.walk_report import parse_walk_report, tells_a_walk

CLEARED = [SlotSet("awaiting", None), SlotSet("pending", None)]


class ActionHandleInform(Action):
    """An answer like "80 kg" or "I'm 72 now" outside the profile form."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_handle_inform"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Route to calories, walk logging, or a profile update.

        An answer to an open calorie or walk question is followed by waiting for the user:
        the rule that ran this action was written for the open question (``awaiting``), and
        once the answer closes or changes it no rule would follow and the policy's fallback
        would add "Sorry, I still didn't understand" after the answer.
        """
        awaiting = tracker.get_slot("awaiting")
        if awaiting == "calories":
            if latest_intent(tracker) == "out_of_scope" and not entity_values(
                tracker, CALORIE_INPUTS
            ):
                # truly something else: said so; the calorie question stays open
                dispatcher.utter_message(response="utter_out_of_scope")
                return [FollowupAction("action_listen")]
            return [*answer_calories(dispatcher, tracker), FollowupAction("action_listen")]
        if awaiting == "log_walk":
            return [*log_walk(dispatcher, tracker), FollowupAction("action_listen")]
        message = tracker.latest_message or {}
        report = parse_walk_report(str(message.get("text") or ""), message.get("entities") or [])
        if report.minutes is not None and tells_a_walk(report):
            # "Well, I did it! Twelve minutes up and down the hallway": a walk, not a
            # session length for the profile
            return [*log_walk(dispatcher, tracker), FollowupAction("action_listen")]
        return update_profile(dispatcher, tracker)


class ActionHandleAffirm(Action):
    """ "Yes": confirms a pending deletion or clearance question; otherwise acknowledged."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_handle_affirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Route the yes."""
        awaiting = tracker.get_slot("awaiting")
        if awaiting == "delete_data":
            return answer_delete_confirmation(dispatcher, tracker, yes=True)
        if awaiting == "clearance":
            return await ActionClinicianCleared().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_affirm_ack")
        return []


class ActionHandleDeny(Action):
    """ "No": cancels a pending question; otherwise acknowledged."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_handle_deny"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Route the no."""
        awaiting = tracker.get_slot("awaiting")
        if awaiting == "log_walk" and _reports_how_it_felt(tracker):
            # "hard" / "it was tough" after "How did it feel?" is an answer, not a no.
            return log_walk(dispatcher, tracker)
        if awaiting == "delete_data":
            return answer_delete_confirmation(dispatcher, tracker, yes=False)
        if awaiting == "clearance":
            dispatcher.utter_message(
                text="OK. Please see a doctor before you start; I'll be here when you've "
                "been cleared."
            )
        else:
            dispatcher.utter_message(response="utter_deny_ack")
        return CLEARED


def _reports_how_it_felt(tracker: Tracker) -> bool:
    message = tracker.latest_message or {}
    report = parse_walk_report(str(message.get("text") or ""), message.get("entities") or [])
    return report.feel is not None or report.pain


class ActionCancelPending(Action):
    """ "Stop" / "skip" outside a form: drop any open question."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_cancel_pending"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Forget the open question."""
        dispatcher.utter_message(text="OK, no problem. What would you like to do next?")
        return CLEARED
