"""Calorie estimates: answered in one turn when weight and time are known, else asked."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker_reading import entity_values
from bot.calories import CalorieInputError, estimate_calories, format_estimate


def calorie_request(tracker: Tracker) -> dict[str, Any]:
    """Merge what this message says with what an earlier turn already gave."""
    request = dict(tracker.get_slot("pending") or {}) if _awaiting(tracker) else {}
    found = entity_values(tracker, ("duration", "weight", "speed", "incline"))
    request.update({k: v for k, v in found.items() if v is not None})
    if "weight" not in request and tracker.get_slot("weight_kg") not in (None, "skipped"):
        request["weight"] = float(tracker.get_slot("weight_kg"))
    return request


def _awaiting(tracker: Tracker) -> bool:
    return tracker.get_slot("awaiting") == "calories"


def answer_calories(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Estimate, or ask for the missing weight or duration."""
    request = calorie_request(tracker)
    if "duration" not in request:
        dispatcher.utter_message(
            text='For how long? Tell me the minutes of backward walking, e.g. "30 minutes".'
        )
        return [SlotSet("awaiting", "calories"), SlotSet("pending", request)]
    if "weight" not in request:
        dispatcher.utter_message(
            text='To estimate calories I need your weight, e.g. "70 kg" or "155 lb".'
        )
        return [SlotSet("awaiting", "calories"), SlotSet("pending", request)]
    try:
        estimate = estimate_calories(
            weight=request["weight"],
            minutes=request["duration"],
            speed=request.get("speed"),
            incline_pct=request.get("incline"),
        )
    except CalorieInputError as error:
        dispatcher.utter_message(text=str(error))
        return [SlotSet("awaiting", "calories"), SlotSet("pending", {})]
    dispatcher.utter_message(text=format_estimate(estimate))
    events: list[EventType] = [SlotSet("awaiting", None), SlotSet("pending", None)]
    if tracker.get_slot("weight_kg") in (None, "skipped"):
        events.append(SlotSet("weight_kg", estimate.weight_kg))
    return events


class ActionCalories(Action):
    """Answer "How many calories for 30 minutes at 80 kg?"."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_calories"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Estimate or ask."""
        return answer_calories(dispatcher, tracker)
