"""Numbered options for text-only channels: formatting, choices, splitting, and their memory."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.options import (
    REPLY_HINT,
    Option,
    OptionsStore,
    format_options,
    options_from_buttons,
    parse_choice,
    resolve_choice,
    split_text,
)
from bot.storage import Storage

YES_NO = [Option("Yes", "/affirm"), Option("No", "/deny")]


def test_format_options_numbers_the_buttons_after_the_text() -> None:
    assert format_options("Ready?", YES_NO) == "Ready?\n\n1. Yes\n2. No\nReply with a number."
    assert format_options("Just text", []) == "Just text"
    assert format_options("", YES_NO) == f"1. Yes\n2. No\n{REPLY_HINT}"


@pytest.mark.parametrize("reply", ["2", " 2 ", "2.", "2)", "#2", "\t2\n", "02"])
def test_a_bare_number_picks_that_option(reply: str) -> None:
    assert parse_choice(reply, 3) == 2


@pytest.mark.parametrize("reply", ["0", "4", "2 days", "two", "", "1.5", "-1", "2,3", "123"])
def test_anything_else_is_not_a_choice(reply: str) -> None:
    assert parse_choice(reply, 3) is None


def test_no_options_means_no_choice() -> None:
    assert parse_choice("1", 0) is None
    assert resolve_choice("1", []) is None


def test_resolve_choice_gives_the_payload() -> None:
    payloads = ["Never tried it", "I've tried it a few times", "I do it regularly"]
    assert resolve_choice(" 2 ", payloads) == "I've tried it a few times"
    assert resolve_choice("3.", payloads) == "I do it regularly"
    assert resolve_choice("4", payloads) is None


def test_options_from_buttons_skips_links_and_malformed_buttons() -> None:
    buttons = [
        {"title": "Yes", "payload": "/affirm"},
        {"title": "Docs", "url": "https://example.org"},
        {"title": " ", "payload": "/x"},
        "not a button",
        {"title": "No", "payload": "/deny"},
    ]
    assert options_from_buttons(buttons) == YES_NO


def test_split_text_prefers_paragraphs_then_lines_then_words() -> None:
    text = "a" * 10 + "\n\n" + "bbbbb ccccccc"
    assert split_text(text, 12) == ["a" * 10, "bbbbb", "ccccccc"]
    assert split_text("one\ntwo three", 9) == ["one", "two three"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("   ", 10) == []
    assert split_text("short", 1600) == ["short"]


@given(
    words=st.lists(st.text("abcdefghij", min_size=1, max_size=30), min_size=1, max_size=80),
    separators=st.lists(st.sampled_from([" ", "\n", "\n\n"]), min_size=80, max_size=80),
    limit=st.integers(min_value=5, max_value=200),
)
def test_split_text_keeps_every_word_within_the_limit(
    words: list[str], separators: list[str], limit: int
) -> None:
    text = "".join(word + separator for word, separator in zip(words, separators, strict=False))
    parts = split_text(text, limit)
    assert all(0 < len(part) <= limit for part in parts)
    if all(len(word) <= limit for word in words):  # no word had to be cut
        assert " ".join(parts).split() == text.split()
    assert "".join("".join(parts).split()) == "".join(text.split())


# -- storage -------------------------------------------------------------------------------------


class Clock:
    """A settable clock."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.engine.Engine]:
    """The coach's database engine (SQLite or PostgreSQL); the options table dropped after."""
    engine = Storage(db_url).engine
    yield engine
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS channel_options")
    engine.dispose()


def test_store_remembers_options_per_channel_and_sender(engine: sa.engine.Engine) -> None:
    store = OptionsStore(engine)
    store.create_schema()
    store.create_schema()  # idempotent
    store.save("twilio_sms", "+15550009999", ["Never tried it", "I do it regularly"])
    store.save("twilio_whatsapp", "whatsapp:+15550009999", ["Better balance"])
    assert store.load("twilio_sms", "+15550009999") == ["Never tried it", "I do it regularly"]
    assert store.load("twilio_whatsapp", "whatsapp:+15550009999") == ["Better balance"]
    assert store.load("twilio_sms", "+15550000000") == []
    store.save("twilio_sms", "+15550009999", ["/affirm", "/deny"])  # replaced
    assert store.load("twilio_sms", "+15550009999") == ["/affirm", "/deny"]
    store.clear("twilio_sms", "+15550009999")
    assert store.load("twilio_sms", "+15550009999") == []
    assert store.load("twilio_whatsapp", "whatsapp:+15550009999") == ["Better balance"]
    store.save("twilio_whatsapp", "whatsapp:+15550009999", [])  # nothing offered: forgotten
    assert store.load("twilio_whatsapp", "whatsapp:+15550009999") == []


def test_options_survive_a_restart_and_are_shared_by_instances(
    engine: sa.engine.Engine, db_url: str
) -> None:
    first = OptionsStore(engine)
    first.create_schema()
    first.save("twilio_sms", "+15550001234", ["a", "b"])
    other_engine = Storage(db_url).engine  # another process / a restarted server
    try:
        second = OptionsStore(other_engine)
        second.create_schema()
        assert second.load("twilio_sms", "+15550001234") == ["a", "b"]
        second.clear("twilio_sms", "+15550001234")
        assert first.load("twilio_sms", "+15550001234") == []
    finally:
        other_engine.dispose()


def test_old_options_are_ignored_and_pruned(engine: sa.engine.Engine) -> None:
    clock = Clock()
    store = OptionsStore(engine, ttl_s=3600, clock=clock)
    store.create_schema()
    store.save("twilio_sms", "+15550000001", ["a"])
    clock.now += timedelta(minutes=59)
    assert store.load("twilio_sms", "+15550000001") == ["a"]
    clock.now += timedelta(minutes=2)
    assert store.load("twilio_sms", "+15550000001") == []
    store.save("twilio_sms", "+15550000002", ["b"])
    assert store.prune() == 1
    assert store.load("twilio_sms", "+15550000002") == ["b"]
