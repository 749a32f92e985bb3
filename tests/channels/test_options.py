"""Numbered options for text-only channels: formatting, choices, and their memory."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.channels.options import (
    REPLY_HINT,
    Option,
    OptionsStore,
    format_options,
    options_from_buttons,
    options_from_reply,
    parse_choice,
    resolve_choice,
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


def test_options_of_a_reply_are_its_buttons_else_its_quick_replies() -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    assert options_from_reply({"text": "Ready?", "buttons": buttons}) == YES_NO
    assert options_from_reply({"text": "Ready?", "quick_replies": buttons}) == YES_NO
    assert options_from_reply({"text": "Ready?", "buttons": None}) == []


# -- storage -------------------------------------------------------------------------------------


class Clock:
    """A settable clock."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


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
