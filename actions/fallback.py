"""The first stage of the two-stage fallback: "Did you mean ...?" with readable choices."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.privacy import answer_delete_confirmation
from actions.profile import update_profile
from actions.profile_form import stated_facts
from actions.profile_slots import PROFILE_SLOTS
from actions.store import storage
from actions.walks import FEELING_ANSWERS, log_walk
from bot.evidence import default_topics, topic_key
from bot.nlp.meaning import yes_or_no_opening
from bot.profile.parse import parse_answers
from bot.profile.questions import looks_like_question
from bot.walk_report import feeling_topic, parse_walk_report, tells_a_walk

# Choices offered for intents other than FAQ topics: (button title, payload).
INTENT_CHOICES: dict[str, tuple[str, str]] = {
    "start_plan": ("Make me a plan", "/start_plan"),
    "show_plan": ("Show my plan", "/show_plan"),
    "todays_session": ("Today's session", "/todays_session"),
    "log_walk": ("Log a walk", "/log_walk"),
    "ask_calories": ("Calories burned", "/ask_calories"),
    "ask_progress": ("My progress", "/ask_progress"),
    "show_profile": ("What you know about me", "/show_profile"),
    "help": ("What can you do?", "/help"),
    "ask_evidence": ("Is that proven?", "/ask_evidence"),
    "mention_condition": ("I have a health condition", "/mention_condition"),
    "red_flag": ("I feel unwell right now", "/red_flag"),
    "bot_challenge": ("Are you a bot?", "/bot_challenge"),
    "greet": ("Just saying hello", "/greet"),
    "goodbye": ("Goodbye", "/goodbye"),
    "thanks": ("Thanks", "/thanks"),
}
MAX_CHOICES = 3
MIN_CONFIDENCE = 0.05


def _faq_choices(latest_message: dict[str, Any]) -> list[tuple[str, str]]:
    topics = default_topics()
    selector = (latest_message.get("response_selector") or {}).get("faq") or {}
    choices = []
    for item in selector.get("ranking") or []:
        key = item.get("intent_response_key")
        topic = topics.get(topic_key(key)) if key else None
        if topic and float(item.get("confidence") or 0.0) >= MIN_CONFIDENCE:
            choices.append((topic.title, topic.question))
    return choices[:2]


def affirmation_choices(latest_message: dict[str, Any]) -> list[tuple[str, str]]:
    """Readable guesses of what the user meant, best first.

    Args:
        latest_message: The parse data of the message NLU was unsure about.

    Returns:
        Up to three (title, payload) pairs; a FAQ guess's payload is its canonical question.
    """
    choices: list[tuple[str, str]] = []
    for item in latest_message.get("intent_ranking") or []:
        name = item.get("name")
        if float(item.get("confidence") or 0.0) < MIN_CONFIDENCE:
            continue
        if name == "faq":
            new = _faq_choices(latest_message)
        elif name in INTENT_CHOICES:
            new = [INTENT_CHOICES[name]]
        else:
            new = []
        choices.extend(c for c in new if c not in choices)
    return choices[:MAX_CHOICES]


class ActionAskAffirmation(Action):
    """Ask "Did you mean ...?" with the likeliest topics as buttons."""

    def name(self) -> str:
        """Overrides Rasa's default ``action_default_ask_affirmation``."""
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Offer the guesses, plus a way out. A feeling told without a walk ("just knackered
        this week") gets its answer instead (see :data:`actions.walks.FEELING_ANSWERS`), a
        walk told is logged ("just back from a backwards walk around the pitch"), and a
        statement that changes a stored profile ("scratch that, 3 days a week") is applied."""
        text = str((tracker.latest_message or {}).get("text") or "")
        confirms = yes_or_no_opening(text)
        if tracker.get_slot("awaiting") == "delete_data" and confirms is not None:
            # "Ja, yes, delete it" to "Are you sure?": the yes or no opens the message,
            # whatever NLU made of the rest
            return [*answer_delete_confirmation(dispatcher, tracker, confirms), ActiveLoop(None)]
        report = parse_walk_report(text, (tracker.latest_message or {}).get("entities") or [])
        feeling = feeling_topic(report) if text else None
        if feeling is not None:
            dispatcher.utter_message(response=FEELING_ANSWERS[feeling])
            return [ActiveLoop(None)]
        if text and tells_a_walk(report):
            # "Just back from a backwards walk around the pitch": logged (or its minutes
            # asked), whatever NLU was unsure of
            return [*log_walk(dispatcher, tracker), ActiveLoop(None)]
        if text and not looks_like_question(text):
            answers, _ = parse_answers(text, (tracker.latest_message or {}).get("entities") or [])
            changes = any(answer.slot in PROFILE_SLOTS for answer in answers)
            if changes and storage().get_profile(tracker.sender_id) is not None:
                # "actually scratch that, I can only do 3 days a week": a change to the
                # stored profile, whatever NLU was unsure of
                # Answered, not asked: the fallback ends here, so that the next message
                # does not undo this turn (its "rephrase" would revert the change).
                return [*update_profile(dispatcher, tracker), ActiveLoop(None)]
        choices = affirmation_choices(tracker.latest_message or {})
        if not choices:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        buttons = [{"title": title, "payload": payload} for title, payload in choices]
        buttons.append({"title": "Something else", "payload": "/out_of_scope"})
        dispatcher.utter_message(
            text="Sorry, I'm not sure I understood. Did you mean one of these?", buttons=buttons
        )
        # Facts told about oneself are kept however the rest reads ("Just so you know, I'm 55
        # and I've never done backwards walking"): the plan questions need not ask them.
        return stated_facts(tracker)
