"""The voice coach's line to the bot: the REST channel, as the same user as the chat.

The voice coach is a client of the bot, not a second brain: today's session, answers to
questions and walk logging all come from the running Rasa bot through
``POST /webhooks/rest/webhook`` ``{"sender", "message"}``. Structured requests use intent
payloads (``/todays_session{"week": 3, "day": 2}``, ``/log_walk{"minutes": 12.5, ...}``),
so nothing the voice coach sends depends on the NLU model reading it right. What travels
either way is written and read by :mod:`bot.protocol`, the same code the bot's actions use.

Errors: an unreachable bot, a timeout, a 5xx answer or a reply that is not a JSON list
raise :class:`BotUnavailable` (the caller tells the walker answers are unavailable); a
message the bot refuses (4xx) raises :class:`BotRejectedError`. Malformed items inside a reply
are skipped.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from bot.env import env_float, env_text
from bot.protocol import NO_SESSION_TYPE, SESSION_TYPE
from bot.protocol.fields import PayloadError
from bot.protocol.intents import session_request
from bot.protocol.no_session import NoSession
from bot.protocol.session import SessionPayload
from bot.protocol.walk_log import StructuredWalkLog, WalkLogSource
from voice.session import WalkSession
from voice.workout import WorkoutResult

WEBHOOK_PATH = "/webhooks/rest/webhook"
SOURCE: WalkLogSource = "voice"


class BotError(RuntimeError):
    """The bot could not answer a request."""


class BotUnavailable(BotError):  # noqa: N818  (name from the voice-coach API)
    """The bot is unreachable, too slow, failing (5xx) or answering nonsense."""


class BotRejectedError(BotError):
    """The bot refused the message (4xx), e.g. empty or too long."""


class WalkRefused(Exception):  # noqa: N818  (a decision, not a failure)
    """The bot gives this user no walk: screening says a clinician must clear them first, or
    that they should practise only with a physical therapist supervising.

    Attributes:
        reason: ``needs_clearance`` or ``supervised_only``.
        message: The bot's words for the walker.
    """

    def __init__(self, reason: str, message: str) -> None:
        """Keep the bot's reason and words."""
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class BotClientSettings:
    """Where the bot is.

    Attributes:
        base_url: Rasa server URL. Env ``RETROWALK_BOT_URL``; default built from
            ``RETROWALK_HOST`` (127.0.0.1; 0.0.0.0 means this machine) and
            ``RETROWALK_RASA_PORT`` (5005), the same variables the bot starts with.
        timeout_s: Seconds allowed per request (connect and read). Env
            ``RETROWALK_BOT_TIMEOUT``, default 10.
    """

    base_url: str = "http://127.0.0.1:5005"
    timeout_s: float = 10.0

    @classmethod
    def from_env(cls) -> BotClientSettings:
        """Settings from the environment (defaults above)."""
        from bot.settings import Settings

        return cls(
            base_url=env_text("RETROWALK_BOT_URL") or Settings().rasa_url,
            timeout_s=env_float("RETROWALK_BOT_TIMEOUT", cls.timeout_s, positive=True),
        )


@dataclass(frozen=True)
class BotReply:
    """What the bot said, by message type.

    Attributes:
        texts: Text messages, in order.
        buttons: ``(title, payload)`` of every button, in order.
        custom: ``custom`` payloads (JSON objects).
        images: Image URLs (data URLs for the progress chart).
    """

    texts: list[str] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    custom: list[dict[str, Any]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All texts joined by a space, for speaking."""
        return " ".join(self.texts)

    @classmethod
    def from_messages(cls, messages: Any) -> BotReply:
        """Read the REST channel's list of messages; malformed items are skipped.

        Raises:
            BotUnavailable: If ``messages`` is not a list.
        """
        if not isinstance(messages, list):
            raise BotUnavailable(f"the bot answered {type(messages).__name__}, not a list")
        reply = cls()
        for message in messages:
            if not isinstance(message, Mapping):
                continue
            text = message.get("text")
            if isinstance(text, str) and text.strip():
                reply.texts.append(text.strip())
            for button in message.get("buttons") or []:
                if isinstance(button, Mapping):
                    title, payload = button.get("title"), button.get("payload")
                    if isinstance(title, str) and isinstance(payload, str):
                        reply.buttons.append((title, payload))
            custom = message.get("custom")
            if isinstance(custom, Mapping):
                reply.custom.append(dict(custom))
            image = message.get("image")
            if isinstance(image, str) and image:
                reply.images.append(image)
        return reply


class BotClient:
    """Talks to the bot over REST as one user (the same ``sender`` as their chat).

    Thread-safe: requests are serialised, so replies come back in the order sent.

    Args:
        base_url: The Rasa server, e.g. ``http://127.0.0.1:5005``.
        sender: The user id (Rasa ``sender_id``) shared with the user's chat.
        timeout_s: Seconds allowed per request.
    """

    def __init__(self, base_url: str, sender: str, timeout_s: float = 10.0) -> None:
        if not isinstance(sender, str) or not sender.strip():
            raise ValueError("sender must be a non-empty user id")
        if not (math.isfinite(timeout_s) and timeout_s > 0):
            raise ValueError(f"timeout_s must be positive, got {timeout_s!r}")
        self.base_url = base_url.rstrip("/")
        self.sender = sender
        self.timeout_s = float(timeout_s)
        self._http = requests.Session()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: BotClientSettings, sender: str) -> BotClient:
        """A client for ``sender`` at the bot described by ``settings``."""
        return cls(settings.base_url, sender, settings.timeout_s)

    def close(self) -> None:
        """Close pooled connections."""
        self._http.close()

    # -- requests ---------------------------------------------------------------------

    def _send(self, message: str, metadata: dict[str, Any] | None = None) -> BotReply:
        url = self.base_url + WEBHOOK_PATH
        body: dict[str, Any] = {"sender": self.sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        try:
            with self._lock:
                response = self._http.post(
                    url,
                    json=body,
                    timeout=self.timeout_s,
                )
        except requests.Timeout as error:
            raise BotUnavailable(
                f"the bot at {self.base_url} did not answer within {self.timeout_s:g} s"
            ) from error
        except requests.RequestException as error:
            raise BotUnavailable(
                f"the bot at {self.base_url} is not reachable ({type(error).__name__})"
            ) from error
        if response.status_code >= 500:
            raise BotUnavailable(f"the bot at {self.base_url} failed (HTTP {response.status_code})")
        if response.status_code >= 400:
            raise BotRejectedError(
                f"the bot refused the message (HTTP {response.status_code}): {response.text[:200]}"
            )
        try:
            messages = response.json()
        except ValueError as error:
            raise BotUnavailable(f"the bot at {self.base_url} answered with non-JSON") from error
        return BotReply.from_messages(messages)

    def ask(self, text: str, setting: str | None = None) -> BotReply:
        """Send what the walker said; return the bot's answer.

        Args:
            text: What the walker said or typed.
            setting: Where the walker is (``walking`` or ``treadmill``), sent as message
                metadata so a stop message fits (stop and sit down / stop the belt).

        Raises:
            ValueError: If ``text`` is blank.
            BotUnavailable: See the module docstring.
            BotRejectedError: See the module docstring.
        """
        if not isinstance(text, str) or not text.strip():
            raise ValueError("nothing to ask: the text is empty")
        return self._send(text.strip(), {"setting": setting} if setting else None)

    def todays_session(self, week: int | None = None, day: int | None = None) -> WalkSession:
        """The user's session: today's, the one for ``week`` (and ``day``), or the bot's
        starter session when the user has no plan yet (``source`` ``starter``).

        Raises:
            WalkRefused: Screening gives this user no walk (the bot's
                ``retrowalk_no_session`` payload says ``needs_clearance`` or
                ``supervised_only``).
            ValueError: If the bot sent a malformed session, refused the week or day (the
                message is the bot's explanation, e.g. the plan's range), or sent no session.
            BotUnavailable: See the module docstring.
        """
        reply = self._send(session_request(week, day))
        payload = next((c for c in reply.custom if c.get("type") == SESSION_TYPE), None)
        if payload is not None:
            session = SessionPayload.from_payload(payload)
            if session.starter:
                source = "starter"
            else:
                source = "week_day" if week is not None or day is not None else "plan"
            return WalkSession.from_protocol(session, source)
        refusal = _no_session(reply)
        if refusal is not None and refusal.refuses_walk:
            raise WalkRefused(
                refusal.reason,
                reply.text or "Please check with a clinician before you walk backwards.",
            )
        raise ValueError(reply.text or "the bot sent no session")

    def log_walk(self, result: WorkoutResult) -> BotReply:
        """Log a walk: backward minutes done and whether it was completed, exactly.

        Sends ``result.minutes_to_log`` (backward minutes, rounded to 0.01) as the structured
        walk log ``/log_walk{"minutes", "completed", "source": "voice"}``
        (:class:`bot.protocol.walk_log.StructuredWalkLog`). The bot stores it at once
        and asks how it felt (the reply's texts and buttons); send the walker's answer
        with :meth:`ask`.

        Raises:
            BotUnavailable: See the module docstring.
            BotRejectedError: See the module docstring.
        """
        log = StructuredWalkLog(
            minutes=round(result.minutes_to_log, 2),
            completed=bool(result.completed),
            source=SOURCE,
        )
        return self._send(log.to_message())

    def health(self) -> bool:
        """Whether the bot's server answers (``GET /``) within the timeout."""
        try:
            with self._lock:
                response = self._http.get(self.base_url + "/", timeout=self.timeout_s)
        except requests.RequestException:
            return False
        return response.status_code == 200


def _no_session(reply: BotReply) -> NoSession | None:
    """The bot's ``retrowalk_no_session`` in ``reply``; None without one or when it is
    malformed (then there is still no session: the caller says the bot's words)."""
    payload = next((c for c in reply.custom if c.get("type") == NO_SESSION_TYPE), None)
    if payload is None:
        return None
    try:
        return NoSession.from_payload(payload)
    except PayloadError:
        return None
