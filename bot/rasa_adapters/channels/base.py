"""What the messaging channels' Rasa adapters share (Telegram, Messenger, Slack, Twilio, media).

- The notices a sender gets instead of an answer (:data:`TOO_LONG_REPLY`,
  :data:`RATE_LIMIT_REPLY`, and REST's :data:`ERROR_REPLY`), and :class:`SenderGate`, which
  decides per message: over the sender's rate limit (one "slow down" notice a minute at most),
  too long for ``RETROWALK_MAX_MESSAGE_CHARS`` (checked like REST, before cleaning), empty once
  cleaned, or the cleaned text for the bot.
- :func:`run_turn` hands a message to the bot and apologises when that fails.
- :class:`Tasks` keeps a reference to the work a webhook starts (the event loop only keeps weak
  ones), for background work and for work shielded from the platform hanging up.
- :class:`ApiOutput` sends each part of a reply as platform API requests (Telegram,
  Messenger); :func:`published_image` gives a reply's image as a URL (Slack, Twilio).
- :class:`WebhookInput` holds what each platform's input channel keeps (replay guard, gate,
  tasks); :func:`webhook_blueprint` gives its blueprint with the ``GET /`` health route.
- :class:`Lazy` opens a store or client on first use, once, from any thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.media import ImagePublisher
from bot.channels.rate_limit import RateLimiter, RateLimitSettings
from bot.channels.signatures import DEFAULT_REPLAY_WINDOW, ReplayGuard
from bot.inputs import clean_text, max_message_chars
from bot.rasa_adapters.channels.rest import ERROR_REPLY

logger = logging.getLogger(__name__)

TOO_LONG_REPLY = (
    "Sorry, that message is too long for me ({length} characters). "
    "Please keep it under {limit} characters."
)
RATE_LIMIT_REPLY = (
    "You're sending messages faster than I can answer. Please wait a few seconds and try again."
)
NOTICE_RATE = RateLimitSettings(per_minute=1.0, burst=1.0)  # "slow down" notices per sender

Handler = Callable[[UserMessage], Awaitable[Any]]
T = TypeVar("T")
RequestT = TypeVar("RequestT")


@dataclass(frozen=True)
class Admission:
    """What to do with one incoming message.

    Attributes:
        text: The cleaned text to hand to the bot ("" when the message is not admitted).
        notice: What to tell the sender instead, if anything.
        outcome: For the log: ``admitted``, ``rate limited``, ``too long`` or ``empty``.
    """

    text: str = ""
    notice: str | None = None
    outcome: str = "admitted"


class SenderGate:
    """The checks every messaging channel makes before the bot sees a message."""

    def __init__(self, channel: str, limiter: RateLimiter | None = None) -> None:
        """Create the gate.

        Args:
            channel: The channel's name (for the log).
            limiter: Per-sender message limits (default: from ``RETROWALK_RATE_*``).
        """
        self.channel = channel
        self.limiter = limiter or RateLimiter()
        self.notices = RateLimiter(NOTICE_RATE)

    def admit(self, sender: str, text: str) -> Admission:
        """Check one message of ``sender`` (every message counts towards the rate limit)."""
        if not self.limiter.allow(sender):
            logger.warning("%s: message dropped, sender over the rate limit", self.channel)
            notice = RATE_LIMIT_REPLY if self.notices.allow(sender) else None
            return Admission(notice=notice, outcome="rate limited")
        limit = max_message_chars()
        if len(text) > limit:
            notice = TOO_LONG_REPLY.format(length=len(text), limit=limit)
            return Admission(notice=notice, outcome="too long")
        cleaned = clean_text(text)
        if not cleaned:
            return Admission(outcome="empty")
        return Admission(text=cleaned)


async def run_turn(
    on_new_message: Handler, message: UserMessage, apologise: Callable[[str], Awaitable[Any]]
) -> bool:
    """Hand ``message`` to the bot; when that fails, log it and send :data:`ERROR_REPLY`.

    Args:
        on_new_message: Rasa's handler.
        message: The user's message, with the output channel its replies go to.
        apologise: Sends a text to the sender (used for the apology).

    Returns:
        Whether the bot processed the message.
    """
    try:
        await on_new_message(message)
    except (Exception, asyncio.CancelledError):  # Rasa's timeouts, database down
        logger.exception("%s: message %s failed", message.input_channel, message.message_id)
        await apologise(ERROR_REPLY)
        return False
    return True


class Tasks:
    """Work a channel started, referenced until it ends (the event loop keeps weak ones only)."""

    def __init__(self) -> None:
        """No work yet."""
        self._tasks: set[asyncio.Future[Any]] = set()

    def spawn(self, work: Awaitable[T]) -> asyncio.Future[T]:
        """Run ``work`` in the background."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def shielded(self, work: Awaitable[T]) -> T:
        """Run ``work`` to its end even if the caller is cancelled (the platform hung up)."""
        return await asyncio.shield(self.spawn(work))

    def __len__(self) -> int:
        """How many are still running."""
        return len(self._tasks)


class Lazy(Generic[T]):
    """A value built on first use, once, whichever thread asks first (e.g. a database store)."""

    def __init__(self, build: Callable[[], T]) -> None:
        """Remember how to build the value; builds nothing yet."""
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        """The value (built now if needed; blocking builders: call it from a worker thread)."""
        with self._lock:
            if self._value is None:
                self._value = self._build()
            return self._value


async def published_image(
    reply: dict[str, Any], publisher: Callable[[], ImagePublisher]
) -> str | None:
    """The reply's ``image`` as an http(s) URL a platform can fetch; None when it has none or it
    cannot be published. The database write runs in a worker thread."""
    image = reply.get("image")
    if not isinstance(image, str) or not image:
        return None
    return await asyncio.to_thread(lambda: publisher().publish(image))


class WebhookInput(InputChannel):
    """A platform's webhook input: what every messaging channel keeps besides its client.

    Attributes:
        replays: The ids of the events already received (a repeat is not answered twice).
        gate: The rate limit and size check of each sender's messages.
        tasks: The work started for the webhook's requests.
    """

    def __init__(
        self, limiter: RateLimiter | None = None, replay_window: int = DEFAULT_REPLAY_WINDOW
    ) -> None:
        """Create the channel's guards.

        Args:
            limiter: Per-sender message limits (default: from ``RETROWALK_RATE_*``).
            replay_window: How many event ids are remembered.
        """
        self.replays = ReplayGuard(replay_window)
        self.gate = SenderGate(self.name(), limiter)
        self.tasks = Tasks()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """The channel with its settings from the environment (``RETROWALK_*``); secrets in
        ``credentials.yml`` are ignored.

        Raises:
            ValueError: A missing or malformed setting, naming the variable to fix.
        """
        return cls()


def webhook_blueprint(
    channel: InputChannel, import_name: str, on_stop: Callable[[], Awaitable[Any]] | None = None
) -> Blueprint:
    """The channel's blueprint with its ``GET /`` health route.

    Args:
        channel: The input channel (its class names the blueprint).
        import_name: The adapter module's ``__name__``.
        on_stop: Closes the channel's clients after the server stops.
    """
    blueprint = Blueprint(f"custom_webhook_{type(channel).__name__}", import_name)

    @blueprint.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    if on_stop is not None:
        stop = on_stop

        @blueprint.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await stop()

    return blueprint


class ApiOutput(OutputChannel, ABC, Generic[RequestT]):
    """Sends each part of a reply as the platform's API requests, in order; never raises.

    Subclasses set :attr:`platform` (the channel name, also the key of their part of a
    ``custom`` payload) and map text, images and native payloads to requests.
    """

    platform: ClassVar[str] = ""

    def __init__(self) -> None:
        """Nothing sent yet."""
        super().__init__()
        self.sent = 0

    @classmethod
    def name(cls) -> str:
        """The channel name."""
        return cls.platform

    @abstractmethod
    def text_requests(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]] | None = None
    ) -> list[RequestT]:
        """The requests for a text (split at the platform's limit) and its buttons."""

    @abstractmethod
    def image_requests(self, recipient_id: str, image: str) -> list[RequestT]:
        """The requests for an image (a ``data:`` URI or an http(s) URL); [] for neither."""

    @abstractmethod
    def native_requests(self, recipient_id: str, native: dict[str, Any]) -> list[RequestT]:
        """The requests for the platform's own part of a ``custom`` payload."""

    @abstractmethod
    async def send_requests(self, requests: list[RequestT]) -> int:
        """Make the requests in order; how many succeeded (failures are logged)."""

    async def _send(self, requests: list[RequestT]) -> None:
        self.sent += await self.send_requests(requests)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Text, split at the platform's limit."""
        await self._send(self.text_requests(recipient_id, text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Text with the platform's buttons."""
        await self._send(self.text_requests(recipient_id, text, buttons))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies are sent like buttons."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """An image: a ``data:`` URI is uploaded, an http(s) URL passed on."""
        requests = self.image_requests(recipient_id, image)
        if not requests:
            logger.warning(
                "%s: an image that is neither a data: URI nor http(s) dropped", self.platform
            )
        await self._send(requests)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Only the platform's own part (``{"<platform>": {...}}``) is sent; other custom
        payloads are for other clients and not shown."""
        native = json_message.get(self.platform) if isinstance(json_message, dict) else None
        if not isinstance(native, dict):
            logger.debug(
                "%s: custom payload without a %r part not shown", self.platform, self.platform
            )
            return
        await self._send(self.native_requests(recipient_id, dict(native)))
