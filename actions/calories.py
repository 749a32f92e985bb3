"""Calorie estimates: answered in one turn when weight and time are known, else asked."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionAskAffirmation
from actions.profile import update_profile
from actions.profile_form import stated_facts
from actions.store import storage
from actions.tracker_reading import entity_values
from bot.calories import (
    COMPENDIUM_UPHILL_GRADE_PCT,
    UNNUMBERED_INCLINE_PCT,
    CalorieEstimate,
    CalorieInputError,
    estimate_calories,
    format_estimate,
)
from bot.protocol.calories import CaloriesPayload

EXAMPLE_WEIGHT_KG = 70
EXAMPLE_MINUTES = 30


def calories_payload(estimate: CalorieEstimate) -> dict[str, Any]:
    """The estimate as data, for clients and tests: the figure and the inputs it used
    (:class:`bot.protocol.calories.CaloriesPayload`)."""
    return CaloriesPayload(
        kcal=estimate.kcal,
        minutes=estimate.minutes,
        weight_kg=estimate.weight_kg,
        speed_mph=estimate.speed_mph,
        speed_assumed=estimate.speed_assumed,
        incline_pct=estimate.incline_pct,
        met=estimate.met,
    ).to_payload()


# "and on a 5% incline?", "what about my wife, she's 60 kg": a question about the last
# estimate with one thing changed.
FOLLOW_UP = re.compile(
    # after a thanks or an ok: "thanks coach and what about 20 minutes"
    r"^\W*(?:(?:thanks|thank you|thx|cheers|ok|okay|cool|great|nice)\W+(?:coach\W+)?)?"
    r"(?:and|an|what about|how about|what if|same|for|at|on|with|plus|but|my|her|his|he|she|"
    r"they|if)\b|\b(?:wife|husband|partner|friend|son|daughter|mum|mom|dad|mother|father|"
    r"lass|missus|hubby|other half|(?:she|he)(?:'s| is| weighs)|"
    r"instead|incline|uphill|faster|slower)\b",
    re.IGNORECASE,
)
CALORIE_INPUTS = ("duration", "weight", "speed", "incline")
# "same 45 minutes but flat": no incline.
FLAT = re.compile(
    r"\b(?:flat|level\s+ground|no\s+(?:incline|hill|slope|gradient)|(?:0|zero)\s*(?:%|percent))\b"
    r"|\bon\s+the\s+level\b",
    re.IGNORECASE,
)
# "and if I did it on a slight incline": a slope with no number. A gentle one is taken as
# UNNUMBERED_INCLINE_PCT; a steep one ("up the hill field, it's fierce steep") as the 5% of
# the only measured uphill value, which steeper slopes exceed (the estimate can only be low).
# The reply says which.
SLOPE = re.compile(
    r"\b(?:incline|inclined|slope|sloped|sloping|gradient|uphill|hilly|up\s+(?:a\s+|the\s+)?"
    r"hill|(?:a|the)\s+hill(?:side)?)\b",
    re.IGNORECASE,
)
STEEP = re.compile(r"\b(?:steep\w*|big|huge|massive|mountain)\b", re.IGNORECASE)


def _slope(text: str) -> str | None:
    """``gentle`` or ``steep`` for a slope named without a number; None otherwise."""
    if not SLOPE.search(text) or FLAT.search(text):
        return None
    return "steep" if STEEP.search(text) else "gentle"


def calorie_request(tracker: Tracker) -> dict[str, Any]:
    """Merge what this message says with what an earlier turn already gave."""
    pending = dict(tracker.get_slot("pending") or {})
    if _awaiting(tracker):
        request = pending
    elif tracker.get_slot("awaiting") == "calories_followup":
        request = dict(pending.get("last") or {})
    else:
        request = {}
    found = entity_values(tracker, ("duration", "weight", "speed", "incline"))
    request.update({k: v for k, v in found.items() if v is not None})
    text = str((tracker.latest_message or {}).get("text") or "")
    if "incline" not in found and FLAT.search(text):
        request["incline"] = 0.0
    elif "incline" not in found and (slope := _slope(text)) is not None:
        steep = slope == "steep"
        request["incline"] = COMPENDIUM_UPHILL_GRADE_PCT if steep else UNNUMBERED_INCLINE_PCT
        request["incline_assumed"] = slope
    elif "incline" in found:
        request.pop("incline_assumed", None)
    own = tracker.get_slot("weight_kg")
    if own not in (None, "skipped") and (
        "weight" not in request or ("weight" not in found and _ABOUT_ME.search(text))
    ):
        request["weight"] = float(own)  # "and what about me?" after someone else's estimate
    if "duration" not in request and _THE_WALK.search(text):
        minutes = _walk_logged_in_this_conversation(tracker)
        if minutes is not None:
            request["duration"] = minutes
    return request


# The speaker, after an estimate for someone else: "what about me if I only do 20 minutes".
_ABOUT_ME = re.compile(r"\b(?:about|for)\s+(?:me|myself)\b", re.IGNORECASE)
# "How many calories was that?" right after logging a walk: that walk.
_THE_WALK = re.compile(
    r"\b(?:was|is|did)\s+(?:that|this|it)\b|\b(?:that|this|my|today'?s|the)\s+(?:walk|session)\b",
    re.IGNORECASE,
)


def _walk_logged_in_this_conversation(tracker: Tracker) -> float | None:
    """The minutes of today's last walk log, when this conversation logged it."""
    if not any(
        e.get("event") == "action" and e.get("name") == "action_log_walk" for e in tracker.events
    ):
        return None
    today = date.today().isoformat()
    logs = [log for log in storage().walk_logs(tracker.sender_id) if log.day == today]
    return float(logs[-1].backward_minutes) if logs else None


def _awaiting(tracker: Tracker) -> bool:
    return tracker.get_slot("awaiting") == "calories"


def answer_calories(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Estimate, or ask for the missing weight or duration."""
    request = calorie_request(tracker)
    if "duration" not in request and "weight" not in request:
        example = estimate_calories(weight=EXAMPLE_WEIGHT_KG, minutes=EXAMPLE_MINUTES)
        dispatcher.utter_message(
            text=f"It depends on your weight, how long and how fast you go: for example, "
            f"{EXAMPLE_MINUTES} minutes of backward walking at {example.speed_mph:g} mph burns "
            f"about {example.kcal} kcal for someone who weighs {EXAMPLE_WEIGHT_KG} kg. For "
            'your own estimate: how many minutes? (e.g. "30 minutes")'
        )
        return [SlotSet("awaiting", "calories"), SlotSet("pending", request)]
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
    text = format_estimate(estimate)
    if request.get("incline_assumed") == "steep":
        text += (
            f" I took the slope as {COMPENDIUM_UPHILL_GRADE_PCT:g}%, the steepest slope with a "
            "measured value for walking backwards; a steeper one burns more, so this is likely "
            'low. Tell me the percentage if you know it (e.g. "8% incline").'
        )
    elif request.get("incline_assumed"):
        text += (
            f" I took the slope as {UNNUMBERED_INCLINE_PCT:g}%, the gentlest incline the plans "
            'add; tell me the percentage for a closer figure (e.g. "4% incline").'
        )
    dispatcher.utter_message(text=text)
    dispatcher.utter_message(json_message=calories_payload(estimate))
    # The estimate's inputs are kept for a follow-up ("and on a 5% incline?").
    events: list[EventType] = [
        SlotSet("awaiting", "calories_followup"),
        SlotSet("pending", {"last": request}),
    ]
    if tracker.get_slot("weight_kg") in (None, "skipped"):
        events.append(SlotSet("weight_kg", estimate.weight_kg))
    return events


def is_follow_up(tracker: Tracker) -> bool:
    """Whether the latest message changes an input of the last estimate."""
    if tracker.get_slot("awaiting") != "calories_followup":
        return False
    message = tracker.latest_message or {}
    text = str(message.get("text") or "")
    if (
        not entity_values(tracker, CALORIE_INPUTS)
        and not FLAT.search(text)
        and _slope(text) is None
    ):
        return False
    last = (tracker.get_slot("pending") or {}).get("last") or {}
    if last.get("incline_assumed") and entity_values(tracker, ("incline",)).get("incline"):
        return True  # the percentage asked for after a slope with no number
    return bool(FOLLOW_UP.search(text)) or (
        (message.get("intent") or {}).get("name") == "ask_calories"
    )


class ActionCalorieFollowUp(Action):
    """Right after an estimate: a changed input gets a new estimate; anything else is
    answered as it would be without the estimate."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_calorie_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Estimate again, or answer the message by its intent.

        Then the coach waits for the user: the rules that run this action are written for
        the open follow-up, and an answer that closes it would otherwise find no rule (and
        the policy's fallback would add "Sorry, I still didn't understand").
        """
        events = await self._answer(dispatcher, tracker, domain)
        if any(event.get("event") == "followup" for event in events):
            return events  # the plan questions start (update_profile)
        return [*events, FollowupAction("action_listen")]

    async def _answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if is_follow_up(tracker):
            return answer_calories(dispatcher, tracker)
        done: list[EventType] = [SlotSet("awaiting", None), SlotSet("pending", None)]
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        if intent == "faq":
            selector = (message.get("response_selector") or {}).get("faq") or {}
            response = (selector.get("response") or {}).get("utter_action")
            if response:
                dispatcher.utter_message(response=response)
                return done
        if intent == "ask_calories":
            tracker.slots["awaiting"] = None
            return answer_calories(dispatcher, tracker)
        if intent in ("inform", "edit_profile"):
            return [*done, *update_profile(dispatcher, tracker)]
        if intent == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
            return done
        if intent == "nlu_fallback":
            return [*done, *await ActionAskAffirmation().run(dispatcher, tracker, domain)]
        dispatcher.utter_message(response="utter_ask_rephrase")
        return done


class ActionCalories(Action):
    """Answer "How many calories for 30 minutes at 80 kg?"."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "action_calories"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Estimate or ask; keep an age stated beside the question ("I am 38, weight 72 kg")."""
        events = answer_calories(dispatcher, tracker)
        named = {event.get("name") for event in events}
        return [*events, *(e for e in stated_facts(tracker) if e.get("name") not in named)]
