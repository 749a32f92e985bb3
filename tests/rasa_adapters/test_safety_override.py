"""SafetyIntentOverride: red-flag phrases win over the classifier and the fallback."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.rasa_adapters.safety_override import SafetyIntentOverride


def classified(text: str, intent: str, confidence: float) -> Message:
    message = Message(data={"text": text})
    ranking = [{"name": intent, "confidence": confidence}, {"name": "faq", "confidence": 0.1}]
    message.set("intent", ranking[0], add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    return message


def test_red_flag_overrides_a_fallback_prediction() -> None:
    message = classified("ugh my chest is tight and hurting", "nlu_fallback", 0.55)
    (out,) = SafetyIntentOverride().process([message])
    assert out.get("intent") == {"name": "red_flag", "confidence": 1.0}
    names = [item["name"] for item in out.get("intent_ranking")]
    assert names == ["red_flag", "faq"]


def test_red_flag_overrides_another_intent() -> None:
    message = classified("just fell and hit my head", "faq", 0.9)
    (out,) = SafetyIntentOverride().process([message])
    assert out.get("intent")["name"] == "red_flag"


def test_other_messages_are_untouched() -> None:
    message = classified("what if I feel dizzy?", "faq", 0.8)
    (out,) = SafetyIntentOverride().process([message])
    assert out.get("intent") == {"name": "faq", "confidence": 0.8}


def test_messages_without_text_are_skipped() -> None:
    message = Message(data={})
    (out,) = SafetyIntentOverride().process([message])
    assert out.get("intent") is None
