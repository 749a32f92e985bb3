"""An action package for the privacy tests: one action that always raises."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

ACTION_NAME = "action_privacy_test_fails"


class ActionThatFails(Action):
    """Raises, as a buggy action would."""

    def name(self) -> str:
        """Action name."""
        return ACTION_NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Fail."""
        raise RuntimeError("this action always fails")
