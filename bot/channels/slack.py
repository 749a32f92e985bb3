"""Slack: request signatures, inbound events, and replies as Web API messages.

Plain Python with no Rasa import (the Rasa channel is ``bot/rasa_adapters/channels/slack.py``).

Inbound (Events API and interactivity, both POSTed to the same webhook):

* every request must carry a valid ``X-Slack-Signature`` over ``v0:{timestamp}:{body}``
  (HMAC-SHA256 with the app's signing secret, checked by ``slack_sdk``'s
  ``SignatureVerifier``) and an ``X-Slack-Request-Timestamp`` at most 5 minutes from now;
* ``url_verification`` gives a :class:`Challenge` to echo;
* ``event_callback`` with a ``message`` in a direct message (``channel_type`` ``im``) or an
  ``app_mention`` anywhere gives a :class:`SlackInbound`; bot messages, messages with a
  ``subtype`` (edits, joins, ...) and the app's own messages are ignored. Only one of the two
  events Slack sends for a mention in a channel is used, so a mention is answered once;
* ``block_actions`` (a button click, a form-encoded ``payload``) gives the button's value.

Every inbound item has a :attr:`SlackInbound.key` (the ``event_id``, or the click's
``trigger_id``) for a ``bot.channels.signatures.ReplayGuard``, so Slack's retries
(``X-Slack-Retry-Num``) and replays of a signed request are processed once.

Outbound: :func:`reply_messages` maps one Rasa reply to ``chat.postMessage`` arguments: text
(mrkdwn-escaped), buttons as a section and an actions block whose button values are the
payloads, an image as an image block with an http(s) URL. :class:`SlackApi` posts them with
``slack_sdk``'s ``AsyncWebClient`` (base URL from ``RETROWALK_SLACK_API_URL``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.options import Option, options_from_reply
from bot.channels.text import split_text
from bot.env import env_float, env_text

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
SIGNATURE_WINDOW_S = 5 * 60
SECTION_TEXT_LIMIT = 3000
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTONS_PER_BLOCK = 25
IMAGE_ALT_TEXT = "Chart of your walks"
IMAGE_NOTE = (
    "I made a chart of your progress, but I can't show pictures here yet. "
    "Ask me in the web chat to see it."
)


@dataclass(frozen=True)
class SlackSettings:
    """How the coach talks to a Slack app.

    Attributes:
        bot_token: The app's Bot User OAuth token (``xoxb-...``). Env
            ``RETROWALK_SLACK_BOT_TOKEN`` (required).
        signing_secret: The app's signing secret. Env ``RETROWALK_SLACK_SIGNING_SECRET``
            (required).
        api_url: Web API base URL. Env ``RETROWALK_SLACK_API_URL``, default
            ``https://slack.com/api/`` (a local stand-in in tests).
        timeout_s: Seconds to wait for one Web API call (10). Env
            ``RETROWALK_SLACK_TIMEOUT_S``.
    """

    bot_token: str
    signing_secret: str
    api_url: str = DEFAULT_API_URL
    timeout_s: float = 10.0

    @classmethod
    def from_env(cls) -> SlackSettings:
        """Settings from the ``RETROWALK_SLACK_*`` variables.

        Raises:
            ValueError: The token or the signing secret is not set, or a bad timeout.
        """
        token = env_text("RETROWALK_SLACK_BOT_TOKEN")
        secret = env_text("RETROWALK_SLACK_SIGNING_SECRET")
        if not token or not secret:
            raise ValueError(
                "Slack needs RETROWALK_SLACK_BOT_TOKEN and RETROWALK_SLACK_SIGNING_SECRET"
            )
        return cls(
            bot_token=token,
            signing_secret=secret,
            api_url=env_text("RETROWALK_SLACK_API_URL") or DEFAULT_API_URL,
            timeout_s=env_float("RETROWALK_SLACK_TIMEOUT_S", cls.timeout_s, positive=True),
        )


class _Clock(Clock):
    """``slack_sdk``'s clock over an injectable time function."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


def is_signed(
    signing_secret: str,
    body: bytes,
    headers: Mapping[str, str],
    now: Callable[[], float] = time.time,
) -> bool:
    """Whether a request carries Slack's valid signature, made at most 5 minutes from now.

    Args:
        signing_secret: The app's signing secret.
        body: The raw request body.
        headers: The request headers (any case).
        now: Seconds since the epoch (injectable for tests).
    """
    verifier = SignatureVerifier(signing_secret, clock=_Clock(now))
    try:
        return verifier.is_valid_request(body, dict(headers))
    except (ValueError, UnicodeDecodeError):  # a timestamp that is not a number, a bad body
        return False


@dataclass(frozen=True)
class Challenge:
    """A ``url_verification`` request: answer with its challenge.

    Attributes:
        value: The challenge string.
    """

    value: str


@dataclass(frozen=True)
class SlackInbound:
    """A user's message or button click.

    Attributes:
        key: Unique per event (``event_id``, or ``trigger_id`` for a click), to drop repeats.
        user: The Slack user id (the conversation id).
        channel: Where to answer (a DM or channel id).
        text: The message, or the clicked button's value.
        thread_ts: The thread to answer in, when the message was in a thread.
        kind: ``message``, ``app_mention`` or ``button``.
    """

    key: str
    user: str
    channel: str
    text: str
    thread_ts: str | None
    kind: str


def _bot_user_ids(envelope: Mapping[str, Any]) -> set[str]:
    """The app's own user ids, from ``authorizations`` (and ``authed_users``, older apps)."""
    ids: set[str] = set()
    for authorization in envelope.get("authorizations") or []:
        if isinstance(authorization, dict) and authorization.get("is_bot"):
            user = authorization.get("user_id")
            if isinstance(user, str):
                ids.add(user)
    return ids


def strip_mentions(text: str, user_ids: set[str]) -> str:
    """Remove ``<@U123>`` mentions of ``user_ids`` and unwrap ``<http://x|label>`` links."""
    for user in user_ids:
        text = re.sub(rf"<@{re.escape(user)}(\|[^>]*)?>", " ", text)
    text = re.sub(r"<((?:https?|mailto):[^|>]*)\|([^>]*)>", r"\2", text)
    text = re.sub(r"<((?:https?|mailto):[^>]*)>", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def unescape(text: str) -> str:
    """Undo Slack's escaping of ``&``, ``<`` and ``>`` in message text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` for Slack's mrkdwn text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parse_event(envelope: Any) -> SlackInbound | Challenge | None:
    """Read an Events API request body (decoded JSON).

    Returns:
        A :class:`Challenge`, a :class:`SlackInbound` for a user's message to the app, or None
        for anything to ignore (bots, edits, other events, malformed bodies).
    """
    if not isinstance(envelope, dict):
        return None
    if envelope.get("type") == "url_verification":
        challenge = envelope.get("challenge")
        return Challenge(challenge) if isinstance(challenge, str) else None
    event = envelope.get("event")
    event_id = envelope.get("event_id")
    if envelope.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    kind = event.get("type")
    user, channel, text = event.get("user"), event.get("channel"), event.get("text")
    if kind == "message" and event.get("channel_type") != "im":
        return None  # in channels the app answers its mentions (app_mention) only
    if kind not in ("message", "app_mention") or event.get("subtype") or event.get("bot_id"):
        return None
    if not all(isinstance(value, str) and value for value in (user, channel, text, event_id)):
        return None
    assert isinstance(user, str) and isinstance(channel, str) and isinstance(text, str)
    bots = _bot_user_ids(envelope)
    if user in bots:
        return None
    thread_ts = event.get("thread_ts")
    return SlackInbound(
        key=f"event:{event_id}",
        user=user,
        channel=channel,
        text=unescape(strip_mentions(text, bots)),
        thread_ts=thread_ts if isinstance(thread_ts, str) else None,
        kind=kind,
    )


def parse_interaction(body: bytes) -> SlackInbound | None:
    """Read an interactivity request (form-encoded ``payload=<JSON>``).

    Returns:
        A :class:`SlackInbound` whose text is the clicked button's value, or None for anything
        else (other interaction types, link buttons without a value, malformed bodies).
    """
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        payload = json.loads(form["payload"][0])
    except (UnicodeDecodeError, KeyError, IndexError, ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or payload.get("type") != "block_actions":
        return None
    actions, user = payload.get("actions"), payload.get("user")
    channel = payload.get("channel")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        return None
    action = actions[0]
    value = action.get("value")
    user_id = user.get("id") if isinstance(user, dict) else None
    channel_id = channel.get("id") if isinstance(channel, dict) else None
    trigger = payload.get("trigger_id") or f"{user_id}:{action.get('action_ts')}"
    if action.get("type") != "button" or not isinstance(value, str) or not value:
        return None
    if not isinstance(user_id, str) or not isinstance(channel_id, str):
        return None
    message = payload.get("message")
    thread_ts = message.get("thread_ts") if isinstance(message, dict) else None
    return SlackInbound(
        key=f"action:{trigger}",
        user=user_id,
        channel=channel_id,
        text=value,
        thread_ts=thread_ts if isinstance(thread_ts, str) else None,
        kind="button",
    )


# -- outbound -------------------------------------------------------------------------------


def _plain(text: str, limit: int) -> dict[str, Any]:
    """A ``plain_text`` object, cut to ``limit`` characters."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return {"type": "plain_text", "text": text, "emoji": True}


def escaped_len(text: str) -> int:
    """The length of ``text`` once escaped for mrkdwn (what Slack's limits count)."""
    return len(escape(text))


def buttons_blocks(text: str, options: Sequence[Option]) -> list[dict[str, Any]]:
    """Section block(s) with the text, then actions block(s) with one button per option.

    The text is split so that each section holds at most 3,000 characters once escaped.
    Buttons carry their payload as ``value`` (Slack sends it back when clicked).
    """
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(part)}}
        for part in split_text(text, SECTION_TEXT_LIMIT, escaped_len)
    ]
    usable = [option for option in options if len(option.payload) <= BUTTON_VALUE_LIMIT]
    for start in range(0, len(usable), BUTTONS_PER_BLOCK):
        chunk = usable[start : start + BUTTONS_PER_BLOCK]
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": f"retrowalk_option_{start + number}",
                        "text": _plain(option.title, BUTTON_TEXT_LIMIT),
                        "value": option.payload,
                    }
                    for number, option in enumerate(chunk, start=1)
                ],
            }
        )
    return blocks


def reply_messages(
    channel: str,
    reply: Mapping[str, Any],
    image_url: str | None,
    thread_ts: str | None = None,
) -> list[dict[str, Any]]:
    """``chat.postMessage`` arguments for one Rasa reply.

    Args:
        channel: Where to post.
        reply: The Rasa reply (``text``, ``buttons``/``quick_replies``, ``image``; ``custom``
            payloads are for other clients and are not shown).
        image_url: The reply's image as an http(s) URL, or None when it cannot be shown (a
            text note is sent instead).
        thread_ts: The thread to answer in, if any.

    Returns:
        The messages to post, in order.
    """
    base: dict[str, Any] = {"channel": channel}
    if thread_ts:
        base["thread_ts"] = thread_ts
    messages: list[dict[str, Any]] = []
    raw_text = reply.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    options = options_from_reply(reply)
    if options:
        messages.append(
            {**base, "text": escape(text or "Choose one:"), "blocks": buttons_blocks(text, options)}
        )
    elif text and text.strip():
        messages.append({**base, "text": escape(text)})
    image = reply.get("image")
    if isinstance(image, str) and image:
        if image_url:
            block = {"type": "image", "image_url": image_url, "alt_text": IMAGE_ALT_TEXT}
            messages.append({**base, "text": IMAGE_ALT_TEXT, "blocks": [block]})
        else:
            messages.append({**base, "text": IMAGE_NOTE})
    return messages


class SlackApi:
    """Posts messages with ``slack_sdk``'s ``AsyncWebClient``.

    Args:
        settings: Token, API base URL and timeout.
    """

    def __init__(self, settings: SlackSettings) -> None:
        self.client = AsyncWebClient(
            token=settings.bot_token,
            base_url=settings.api_url,
            timeout=int(max(1, settings.timeout_s)),
            retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
        )

    async def post_message(self, message: Mapping[str, Any]) -> bool:
        """``chat.postMessage``; False (logged, without the text) when Slack refuses it."""
        try:
            await self.client.chat_postMessage(**message)
        except SlackApiError as error:
            logger.error("slack chat.postMessage failed: %s", error.response.get("error"))
            return False
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("slack chat.postMessage failed: %s", type(error).__name__)
            return False
        return True
