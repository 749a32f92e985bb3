"""What the channel adapters share, without a server: settings, the sender gate, turns, tasks,
outputs."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.rate_limit import RateLimiter, RateLimitSettings
from bot.rasa_adapters.channels.base import (
    ERROR_REPLY,
    RATE_LIMIT_REPLY,
    ApiOutput,
    Lazy,
    SenderGate,
    Tasks,
    WebhookInput,
    run_turn,
)
from bot.rasa_adapters.channels.messenger import MessengerInput
from bot.rasa_adapters.channels.slack import SlackInput
from bot.rasa_adapters.channels.telegram import TelegramInput
from bot.rasa_adapters.channels.twilio import TwilioSmsInput, TwilioWhatsAppInput
from tests.conftest import CHANNEL_SECRETS


def gate(burst: float = 2.0) -> SenderGate:
    """A gate whose clock stands still: ``burst`` messages, then none."""
    limiter = RateLimiter(RateLimitSettings(per_minute=60.0, burst=burst), clock=lambda: 100.0)
    return SenderGate("test", limiter)


def test_every_message_counts_and_one_slow_down_notice_is_sent() -> None:
    checks = gate(burst=2)
    assert [checks.admit("ann", "hi").text for _ in range(2)] == ["hi", "hi"]
    flooded = checks.admit("ann", "hi")
    assert (flooded.text, flooded.notice, flooded.outcome) == ("", RATE_LIMIT_REPLY, "rate limited")
    again = checks.admit("ann", "x" * 10_000)  # over the limit before its size is looked at
    assert (again.notice, again.outcome) == (None, "rate limited")
    assert checks.admit("bob", "hi").text == "hi"  # per sender


def test_too_long_is_measured_before_cleaning_and_empty_gets_no_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RETROWALK_MAX_MESSAGE_CHARS", "10")
    checks = gate(burst=10)
    too_long = checks.admit("ann", " " * 5 + "walk" + " " * 5)
    assert too_long.outcome == "too long" and too_long.text == ""
    assert too_long.notice is not None and "(14 characters)" in too_long.notice
    assert "under 10 characters" in too_long.notice
    assert checks.admit("ann", " \x00 walk ").text == "walk"
    empty = checks.admit("ann", " \x00\t ")
    assert (empty.text, empty.notice, empty.outcome) == ("", None, "empty")


def test_a_failing_turn_gets_the_apology() -> None:
    apologies: list[str] = []

    async def apologise(text: str) -> None:
        apologies.append(text)

    async def broken_bot(message: UserMessage) -> None:
        raise RuntimeError("the model is gone")

    async def working_bot(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "hello")

    output = CollectingOutputChannel()
    message = UserMessage("hi", output, "ann", input_channel="test")
    assert asyncio.run(run_turn(broken_bot, message, apologise)) is False
    assert apologies == [ERROR_REPLY]
    assert asyncio.run(run_turn(working_bot, message, apologise)) is True
    assert apologies == [ERROR_REPLY] and output.messages[-1]["text"] == "hello"


def test_shielded_work_finishes_after_the_caller_is_cancelled() -> None:
    async def main() -> None:
        tasks = Tasks()
        release, finished = asyncio.Event(), asyncio.Event()

        async def work() -> int:
            await release.wait()
            finished.set()
            return 7

        caller = asyncio.ensure_future(tasks.shielded(work()))
        await asyncio.sleep(0)  # let the caller start the work
        assert len(tasks) == 1
        caller.cancel()  # the platform hung up
        with pytest.raises(asyncio.CancelledError):
            await caller
        assert len(tasks) == 1  # still referenced, still running
        release.set()
        await asyncio.wait_for(finished.wait(), 5)
        while len(tasks):  # the done callback runs on the next loop iteration
            await asyncio.sleep(0)

    asyncio.run(asyncio.wait_for(main(), 10))


def test_lazy_builds_once_on_first_use_whichever_thread_asks() -> None:
    built: list[object] = []

    def build() -> object:
        built.append(object())
        return built[-1]

    lazy = Lazy(build)
    assert built == []  # nothing opened at construction
    start = threading.Barrier(8)
    seen: list[object] = []

    def use() -> None:
        start.wait(10)
        seen.append(lazy.get())

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(built) == 1 and len(seen) == 8 and all(value is built[0] for value in seen)


class RecordingOutput(ApiOutput[tuple[str, Any]]):
    """An output whose "API" accepts every request but images of the wrong kind."""

    platform = "demo"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, Any]] = []

    def text_requests(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]] | None = None
    ) -> list[tuple[str, Any]]:
        return [("text", (recipient_id, text, buttons))]

    def image_requests(self, recipient_id: str, image: str) -> list[tuple[str, Any]]:
        return [("image", image)] if image.startswith("https://") else []

    def native_requests(self, recipient_id: str, native: dict[str, Any]) -> list[tuple[str, Any]]:
        return [("native", native)]

    async def send_requests(self, requests: list[tuple[str, Any]]) -> int:
        self.requests.extend(requests)
        return len(requests)


def test_api_output_maps_each_part_of_a_reply() -> None:
    output = RecordingOutput()
    buttons = [{"title": "Yes", "payload": "/affirm"}]

    async def send() -> None:
        await output.send_response("ann", {"text": "Ready?", "buttons": buttons})
        await output.send_response("ann", {"text": "Pick", "quick_replies": buttons})
        await output.send_response("ann", {"image": "https://example.org/chart.png"})
        await output.send_response("ann", {"image": "ftp://example.org/chart.png"})
        await output.send_response("ann", {"custom": {"web": {"x": 1}}})
        await output.send_response("ann", {"custom": {"demo": {"x": 2}}})

    asyncio.run(send())
    assert output.requests == [
        ("text", ("ann", "Ready?", buttons)),
        ("text", ("ann", "Pick", buttons)),
        ("image", "https://example.org/chart.png"),
        ("native", {"x": 2}),
    ]
    assert output.sent == 4 and RecordingOutput.name() == "demo"


CHANNELS = [TelegramInput, MessengerInput, SlackInput, TwilioSmsInput, TwilioWhatsAppInput]


@pytest.mark.parametrize("channel", CHANNELS)
def test_channels_read_their_settings_from_the_environment_only(
    channel: type[WebhookInput], monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = channel.name().split("_")[0]
    for name, value in CHANNEL_SECRETS[platform].items():
        monkeypatch.setenv(name, value)
    built = channel.from_credentials({"token": "ignored"})  # opens nothing, sends nothing
    assert isinstance(built, channel) and built.gate.channel == channel.name()
    missing = next(iter(CHANNEL_SECRETS[platform]))
    monkeypatch.delenv(missing)
    with pytest.raises(ValueError, match=missing):
        channel.from_credentials({missing: "in credentials.yml, not read"})
