"""Fuzz tests against the live coach: bounded, reproducible Hypothesis runs and the checks
every run ends with (the server is up, stored conversations are well-formed).

Every test here is marked ``integration`` and ``fuzz``. Runs are derandomized (the same
examples in every run, no example database), have no deadline (a turn of the real bot
takes a variable time on a busy machine) and a small ``max_examples`` each, so the whole
directory runs in about three minutes on two cores.
"""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, Phase, settings

from bot.inputs import max_message_chars
from tests.conftest import LiveCoach
from tests.support.tracker import tracker_events, user_texts, wait_for_tracker

# Hypothesis phases: explicit examples, generation and shrinking; no example database.
PHASES = (Phase.explicit, Phase.generate, Phase.shrink)


def fuzz_settings(max_examples: int) -> settings:
    """Reproducible, bounded Hypothesis settings for tests that talk to the live coach."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=PHASES,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
            HealthCheck.filter_too_much,
        ],
    )


def new_sender(prefix: str) -> str:
    """A conversation id no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class CoachApi:
    """Reads the live coach's state through its HTTP API (token-protected)."""

    def __init__(self, coach: LiveCoach) -> None:
        self.coach = coach
        self.url = coach.settings.rasa_url

    def is_up(self) -> bool:
        """Whether ``GET /status`` answers 200 with a loaded model."""
        reply = requests.get(f"{self.url}/status", params={"token": self.coach.token}, timeout=30)
        return reply.status_code == 200 and bool(reply.json().get("model_id"))

    def events(self, sender: str) -> list[dict[str, Any]]:
        """All events of ``sender``'s conversation (the tracker must be readable)."""
        return tracker_events(self.coach, sender, include_events="ALL")

    def user_texts(self, sender: str) -> list[str]:
        """The texts of ``sender``'s user messages; every event is checked on the way."""
        events = self.events(sender)
        assert_well_formed(events)
        return user_texts(events)

    def wait_for_user_texts(self, sender: str, count: int) -> list[str]:
        """Wait until ``sender``'s tracker holds ``count`` user messages (Rasa stores the
        tracker at the end of a turn, after the replies went out); return them, every event
        checked."""
        events = wait_for_tracker(
            self.coach,
            sender,
            lambda events: len(user_texts(events)) >= count,
            what=f"{count} user messages",
            include_events="ALL",
        )
        assert_well_formed(events)
        return user_texts(events)


def assert_well_formed(events: list[dict[str, Any]]) -> None:
    """Every stored event is an object with a type; user texts are clean and within limit."""
    limit = max_message_chars()
    for event in events:
        assert isinstance(event, dict) and isinstance(event.get("event"), str), event
        if event["event"] != "user":
            continue
        text = event.get("text")
        assert isinstance(text, str), event
        assert 0 < len(text) <= limit, len(text)
        assert text == text.strip()
        assert unicodedata.is_normalized("NFC", text)
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text), "lone surrogate stored"
        assert not any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text), (
            "control character stored"
        )


@pytest.fixture(scope="session")
def coach_api(live_coach: LiveCoach) -> CoachApi:
    """The live coach's HTTP API."""
    return CoachApi(live_coach)
