"""Tracker fixtures for hermetic action tests (no servers)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def user_event(
    text: str,
    intent: str,
    entities: list[dict[str, Any]] | None = None,
    faq_key: str | None = None,
    ranking: list[dict[str, Any]] | None = None,
    selector_ranking: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    parse_data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
    }
    if faq_key or selector_ranking:
        parse_data["response_selector"] = {
            "all_retrieval_intents": ["faq"],
            "faq": {
                "response": {
                    "intent_response_key": faq_key,
                    "utter_action": f"utter_{faq_key}" if faq_key else None,
                    "confidence": 0.9,
                },
                "ranking": selector_ranking or [],
            },
        }
    return {"event": "user", "text": text, "parse_data": parse_data, "timestamp": 0.0}


def make_tracker(*events: dict[str, Any], slots: dict[str, Any] | None = None) -> Tracker:
    latest = next((e["parse_data"] for e in reversed(events) if e["event"] == "user"), {})
    return Tracker(
        sender_id="test-user",
        slots=slots or {},
        latest_message=latest,
        events=list(events),
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
