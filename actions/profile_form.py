"""Validation of the profile form: answers in any order, several at once, with corrections."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.profile_slots import (
    FORM_SLOTS,
    PROFILE_SLOTS,
    SKIP_DEFAULTS,
    SKIPPED,
    with_number_correction,
)
from actions.tracker_reading import (
    faq_key_in,
    latest_intent,
    user_events_since_start,
    walker_text,
    walker_words,
)
from bot.nlp.meaning import yes_or_no_opening
from bot.profile.describe import describe_changes
from bot.profile.parse import parse_answers
from bot.profile.questions import looks_like_question, statements, trailing_question
from bot.profile.settled import corrects
from bot.profile.slots import ParsedAnswer, Rejection
from bot.safety.advice import condition_disclaimer
from bot.safety.assessment import assess_rules

# Intents whose text is meant as an answer. Any other message with no answer in it is
# rejected by the form, so a rule can answer it (a question mid-form) before the form
# asks again.
ANSWER_INTENTS = {
    "inform",
    "edit_profile",
    "mention_condition",
    "affirm",
    "deny",
    "skip",
    "nlu_fallback",
}
INTERRUPTING_INTENTS = {"red_flag", "cancel", "delete_data"}
CONTINUE_INTENTS = {"start_plan", "greet", "thanks"}
MAX_FAILURES = 2
NOT_SKIPPABLE = {"conditions"}


# Earlier messages count only when the speaker talks about themself.
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|me|my)\b", re.IGNORECASE)
EARLIER_MESSAGES = 10


def earlier_answers(tracker: Tracker, given: set[str]) -> list[ParsedAnswer]:
    """Profile answers in this conversation's earlier messages, for slots not yet known.

    Only first-person messages since the conversation (re)started count, the latest answer
    to a slot wins, slots already set or ``given`` in the current message are left alone. A
    walk report or a calorie question gives only facts (:data:`STATED_FACTS`): "I did 20
    minutes this morning" is a walk done, not the session length wanted.
    """
    as_walker = walker_words(tracker)
    found: dict[str, ParsedAnswer] = {}
    for event in user_events_since_start(tracker)[-EARLIER_MESSAGES - 1 : -1]:
        parse = event.get("parse_data") or {}
        intent = str((parse.get("intent") or {}).get("name") or "")
        entities = list(parse.get("entities") or [])
        text = as_walker(str(event.get("text") or ""))
        if not _FIRST_PERSON.search(text):
            continue
        # read as the message was read when it came: with its entities
        for answer in parse_answers(text, entities)[0]:
            unknown = answer.slot not in given and tracker.get_slot(answer.slot) is None
            fact = intent not in _NOT_PREFERENCES or answer.slot in STATED_FACTS
            if answer.slot in PROFILE_SLOTS and unknown and fact:
                found[answer.slot] = answer
    return list(found.values())


# Messages whose minutes and days tell of a walk, not of the plan wanted.
_NOT_PREFERENCES = frozenset({"log_walk", "ask_calories"})


# Facts about oneself kept from any message, even a question ("is it safe at my age? I'm
# 71", "I've never done it, is it hard?"): the plan questions then need not ask them again.
# Preferences (place, goal, minutes) said in a question are not answers yet ("can I do it in
# the park?").
STATED_FACTS = ("age", "weight_kg", "experience")


def stated_facts(tracker: Tracker) -> list[EventType]:
    """The facts (:data:`STATED_FACTS`) the latest message states about the speaker, when
    not yet known."""
    message = tracker.latest_message or {}
    text = walker_text(tracker, str(message.get("text") or ""))
    if not _FIRST_PERSON.search(text):
        return []
    answers, _ = parse_answers(text, message.get("entities") or [])
    return [
        SlotSet(answer.slot, answer.value)
        for answer in answers
        if answer.slot in STATED_FACTS and tracker.get_slot(answer.slot) is None
    ]


def _states_an_answer(text: str, message: dict[str, Any], requested: str | None) -> bool:
    """Whether the message's statements answer the question asked, beside a question mark
    ("Hmm, not really? Well, once on a hotel treadmill. So I guess a little.")."""
    stated = statements(text)
    if not requested or not stated:
        return False
    answers, _ = parse_answers(stated, message.get("entities") or [], asked=requested)
    return any(answer.slot == requested for answer in answers)


def _answers_beside_question(
    text: str, message: dict[str, Any], requested: str | None
) -> tuple[list[ParsedAnswer], list[Rejection]]:
    """The answers of a message, read from its statements when it ends with a question.

    "Fitness. Random q, does it help with a sore lower back?" answers fitness; the back in
    the question is no goal and no condition. "None. Should I wear my runners around the
    house?" says nothing about where. A message that is all question is read whole.
    """
    entities = list(message.get("entities") or [])
    stated = statements(text) if trailing_question(text) else ""
    if not stated:
        return parse_answers(text, entities, asked=requested)
    lowered = stated.lower()
    kept = [e for e in entities if str(e.get("raw") or e.get("value") or "").lower() in lowered]
    return parse_answers(stated, kept, asked=requested)


def corrections(text: str, answers: list[ParsedAnswer], tracker: Tracker) -> list[ParsedAnswer]:
    """The answers that change an earlier answer, when the message says it corrects one
    ("actually", "make that", "no,"); none otherwise."""
    if not corrects(text):
        return []
    return [
        answer
        for answer in answers
        if answer.slot in PROFILE_SLOTS
        and tracker.get_slot(answer.slot) is not None
        and _as_list(tracker.get_slot(answer.slot)) != _as_list(answer.value)
    ]


def _as_list(value: Any) -> Any:
    """A slot value as compared: conditions are a tuple when parsed, a list when stored."""
    return list(value) if isinstance(value, (list, tuple)) else value


class ValidateProfileForm(FormValidationAction):
    """Extract every profile answer from each message and explain what can't be used."""

    def name(self) -> str:
        """Action name, as in the domain."""
        return "validate_profile_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Like the base class, but keep answers to optional slots (weight, activity).

        rasa-sdk only returns events for the form's required slots; a weight given
        in passing ("I'm 70 and weigh 80 kg") would otherwise be lost.
        """
        extraction = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(extraction)
        validation = await self._extract_validation_events(dispatcher, tracker, domain)
        extra = [event for event in extraction if event.get("name") not in FORM_SLOTS]
        return [*validation, *extra]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answers were validated while parsing; pass the form's slots through."""
        required = set(self.domain_slots(domain))
        return [SlotSet(k, v) for k, v in tracker.slots_to_validate().items() if k in required]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Parse the latest message once for all profile slots."""
        requested = tracker.get_slot("requested_slot")
        message = tracker.latest_message or {}
        intent = latest_intent(tracker)
        if intent in INTERRUPTING_INTENTS:
            return []  # the form rejects the turn; a rule handles it (stop, cancel)
        if tracker.get_slot("awaiting") == "delete_data" and (
            intent in ("affirm", "deny")
            or yes_or_no_opening(str(message.get("text") or "")) is not None
        ):
            return []  # "yes" to "delete everything?" asked mid-form: a rule handles it
        if intent == "skip" and requested in FORM_SLOTS:
            return self._skip(dispatcher, tracker, requested)
        text = walker_text(tracker, str(message.get("text") or ""))
        carries_answers = intent == "start_plan" and bool(
            parse_answers(text, message.get("entities") or [])[0]
        )
        if intent in CONTINUE_INTENTS and requested and not carries_answers:
            # just ask again, unless a plan request carries answers ("plan: 20 min, 3 days")
            return [SlotSet(requested, tracker.get_slot(requested))]
        also_asked = (message.get("asked_too") or {}).get("intent_response_key")
        if (
            intent == "nlu_fallback"
            and (looks_like_question(text.rstrip(" ?")) or trailing_question(text))
            and not _states_an_answer(text, message, requested)
        ):
            # Not sure, and phrased as a question ("is it alright on the pavement or should I
            # stick to the park?"): not an answer. When its question part is clear ("Before I
            # answer, which shoes are best?") that is answered and the form asks again;
            # otherwise the fallback asks what was meant.
            if also_asked and requested:
                dispatcher.utter_message(response=f"utter_{also_asked}")
                return [SlotSet(requested, tracker.get_slot(requested))]
            return []
        answers, rejections = _answers_beside_question(text, message, requested)
        answers = with_number_correction(text, answers, tracker)
        if requested == "conditions" and not rejections:
            answers = conditions_read_safely(text, answers, answering=intent in ANSWER_INTENTS)
        if intent == "start_plan" and not requested:
            # "make me a plan, I'm 35 and I'll walk in the park": keep every answer, and what
            # was said about oneself before asking ("I'm a 39 year old marathoner...").
            given = {a.slot for a in answers} | {r.slot for r in rejections}
            answers = [*earlier_answers(tracker, given), *answers]
        elif intent not in ANSWER_INTENTS and not carries_answers:
            # Classified as something else (a button title like "Knee and joint comfort" looks
            # like a knee question; "15 minutes, 4 days" like a walk log): still the answer when
            # it is not phrased as a question and answers what was asked, with the answers
            # given beside it; otherwise a rule answers it, then the form re-asks. A hedged
            # answer may end with a question mark ("oh, about 20 minutes?").
            if not requested:
                return []
            if looks_like_question(text.rstrip(" ?")) and not _states_an_answer(
                text, message, requested
            ):
                return []  # a question; a sentence of its own answering ("None.") is kept
            if not any(answer.slot == requested for answer in answers):
                # "Actually no, make that indoors, the wind would knock you over out there":
                # a correction of an earlier answer, whatever else it sounds like
                answers = corrections(text, answers, tracker)
                if not answers:
                    return []
            answers = [answer for answer in answers if answer.slot in PROFILE_SLOTS]
            rejections = []
        events: list[EventType] = []
        for answer in answers:
            if answer.slot in PROFILE_SLOTS:
                events.append(SlotSet(answer.slot, answer.value))
                if answer.slot == "conditions" and answer.value:
                    dispatcher.utter_message(text=condition_disclaimer(list(answer.value)))
        for rejection in rejections:
            dispatcher.utter_message(text=rejection.reason)

        # The question asked beside the answer gets its answer too: "No injuries. Quick one,
        # should I look back?" (the meaning stage's ``asked_too``), or "im 55 by the way what
        # shoes should i wear" read as a whole as that question (its FAQ answer).
        asked = also_asked
        if not asked and (looks_like_question(text) or trailing_question(text)):
            asked = faq_key_in(message)  # read as a whole as that question
        if asked and answers:
            dispatcher.utter_message(response=f"utter_{asked}")
        answered = {answer.slot for answer in answers if answer.slot in PROFILE_SLOTS}
        if requested and requested not in answered and answered:
            # A correction or an answer ahead of time ("sorry, I'm 72 not 70"): say what
            # changed; the form asks its question again.
            changed = {a.slot: a.value for a in answers if a.slot in PROFILE_SLOTS}
            dispatcher.utter_message(text=f"Got it: {describe_changes(changed)}.")
            events.append(SlotSet(requested, tracker.get_slot(requested)))
        elif requested and requested not in answered:
            events.extend(self._not_answered(dispatcher, tracker, requested, rejections))
        elif requested:
            events.append(SlotSet("profile_failures", None))
        return events

    def _skip(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, requested: str
    ) -> list[EventType]:
        if requested in NOT_SKIPPABLE:
            dispatcher.utter_message(
                text="I can't skip this one, because it keeps you safe. If you have no "
                'injuries or health conditions, just say "none".'
            )
            return [SlotSet(requested, None)]
        default = SKIP_DEFAULTS.get(requested)
        dispatcher.utter_message(
            text="OK, let's skip that."
            + (f" I'll assume {_describe_default(requested, default)}." if default else "")
        )
        return [SlotSet(requested, SKIPPED), SlotSet("profile_failures", None)]

    def _not_answered(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        requested: str,
        rejections: list[Any],
    ) -> list[EventType]:
        events: list[EventType] = [SlotSet(requested, tracker.get_slot(requested))]
        failures = dict(tracker.get_slot("profile_failures") or {})
        failures[requested] = int(failures.get(requested, 0)) + 1
        events.append(SlotSet("profile_failures", failures))
        if not any(r.slot == requested for r in rejections):
            dispatcher.utter_message(text="Sorry, I didn't catch an answer to that.")
        if failures[requested] >= MAX_FAILURES:
            way_out = (
                'say "stop" to finish later'
                if requested in NOT_SKIPPABLE
                else 'say "skip" to leave it out, or "stop" to finish later'
            )
            dispatcher.utter_message(text=f"No worries if you're not sure: {way_out}.")
        return events


def conditions_read_safely(
    text: str, answers: list[ParsedAnswer], *, answering: bool = True
) -> list[ParsedAnswer]:
    """The answers to the conditions question, never losing a condition the parser missed.

    The safety assessment reads conditions the profile parser does not know, past
    symptoms included ("I fell twice last winter": balance; "I had a DVT"). When the message
    was classified as an answer (``answering``), one that names nothing known, is not a
    question and answers nothing else is kept in the person's own words, so screening asks
    for a clinician's clearance instead of reading it as "none".
    """
    if any(answer.slot == "conditions" for answer in answers) or looks_like_question(text):
        return answers
    words = text.strip()
    reading = assess_rules(words, "conditions_answer")
    if reading.conditions:
        return [*answers, ParsedAnswer("conditions", (words,), words)]
    if reading.mentions and all(m.status == "negated" for m in reading.mentions):
        return [*answers, ParsedAnswer("conditions", (), words)]  # "I'm not dizzy or anything"
    if answering and not answers and any(c.isalpha() for c in words) and not _other_answer(words):
        return [*answers, ParsedAnswer("conditions", (words,), words)]
    return answers


def _other_answer(text: str) -> bool:
    """Whether ``text`` answers one of the other plan questions ("General fitness", "the
    park", "Maybe 3 or 4 days"): then it is no condition in the person's own words; the
    question is asked again."""
    return any(
        answer.slot == slot
        for slot in ("goal", "location", "experience", "minutes_per_session", "days_per_week")
        for answer in parse_answers(text, asked=slot)[0]
    )


def _describe_default(slot: str, value: Any) -> str:
    descriptions = {
        "experience": "you're new to it",
        "location": "you'll practise indoors with something to hold",
        "goal": "you're curious to try it",
        "minutes_per_session": f"{value} minutes a session",
        "days_per_week": f"{value} days a week",
    }
    return descriptions.get(slot, str(value))
