"""The coach's words for a session: durations, the introduction, phase cues, the summary."""

from __future__ import annotations

import pytest

from tests.voice.plans import TREADMILL, hand_made, payload, segment
from voice.session import WalkSession
from voice.spoken_texts import anchor_text, intro_text, sentence, spoken_duration, summary_text


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 second"),
        (45, "45 seconds"),
        (60, "1 minute"),
        (90, "1 and a half minutes"),
        (252, "4 minutes 12 seconds"),
        (600, "10 minutes"),
        (-3, "0 seconds"),
    ],
)
def test_spoken_duration(seconds: float, words: str) -> None:
    assert spoken_duration(seconds) == words


def test_sentences_end_with_a_stop() -> None:
    assert sentence(" Stand tall ") == "Stand tall."
    assert sentence("Ready?") == "Ready?" and sentence("") == ""


def test_the_intro_says_the_session_its_length_and_the_treadmill() -> None:
    session = WalkSession.from_payload(payload(TREADMILL, week=1, day=2))
    assert session.treadmill is not None
    intro = intro_text(session)
    assert intro.startswith(f"Week 1, session 2 of {session.sessions_per_week}: ")
    assert "of it walking backward." in intro
    assert intro.endswith("Treadmill at 1 mile an hour.")
    starter = WalkSession.starter()
    assert intro_text(starter) == (
        "Here's a short starter session, 10 minutes in all, with 4 rounds of supported "
        "backward steps."
    )


def test_each_phase_is_announced_by_its_kind() -> None:
    session = WalkSession.from_payload(
        hand_made(
            segment("warmup", 1, "Easy pace"),
            segment("backward", 1.5, "Small steps."),
            segment("forward", 0.5, "Recover"),
            segment("supported_steps", 1, "Hold the counter."),
            segment("cooldown", 2, "Slow down."),
        )
    )
    texts = [anchor_text(phase, 1, 1) for phase in session.phases()]
    assert texts == [
        "Warm-up, 1 minute. Easy pace.",
        "Turn around and walk backward for 1 and a half minutes. Small steps.",
        "Switch to forward. Recover. 30 seconds.",
        "Round 1 of 1. Hold the counter.",
        "Cool-down, 2 minutes. Slow down.",
    ]


def test_the_summary_says_what_was_done_and_the_belt_rule() -> None:
    walked = WalkSession.from_payload(hand_made(segment("backward", 5)))
    assert summary_text(walked, 300, 252) == (
        "Well done, that's your session finished: 5 minutes in all, 4 minutes 12 seconds of "
        "it walking backward."
    )
    treadmill = WalkSession.from_payload(payload(TREADMILL))
    assert summary_text(treadmill, 60, 30).endswith(
        "Stop the belt and wait for it to stop fully before you step off."
    )
    assert "of it supported backward steps." in summary_text(WalkSession.starter(), 600, 240)
