"""A terminal chat client for a running coach, over the REST channel."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

from bot.settings import Settings


def send(settings: Settings, sender: str, text: str, timeout: float = 30.0) -> list[dict[str, Any]]:
    """Send one message over REST and return the bot's replies.

    Raises:
        ConnectionError: If the coach cannot be reached or answers with an error.
    """
    request = urllib.request.Request(
        f"{settings.rasa_url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            body = json.loads(reply.read().decode() or "[]")
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")
        raise ConnectionError(f"The coach answered {error.code}: {detail}") from error
    except (urllib.error.URLError, OSError) as error:
        raise ConnectionError(
            f"Cannot reach the coach at {settings.rasa_url} ({error}). Is `make run` running?"
        ) from error
    return body if isinstance(body, list) else []


def render(messages: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """Format bot messages for the terminal; returns the text and the button payloads."""
    lines: list[str] = []
    payloads: list[str] = []
    for message in messages:
        if message.get("text"):
            lines.append(f"Coach: {message['text']}")
        if message.get("image"):
            lines.append(f"Coach: [image] {message['image']}")
        for button in message.get("buttons") or []:
            payloads.append(str(button.get("payload", "")))
            lines.append(f"   {len(payloads)}) {button.get('title', '')}")
    return "\n".join(lines), payloads


def chat_loop(
    settings: Settings,
    sender: str | None = None,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
) -> int:
    """Read lines, send them, print the replies. A number picks a button. Ctrl-D quits."""
    sender = sender or f"terminal-{uuid.uuid4().hex[:8]}"
    write(
        "Chatting with RetroWalk Coach (Ctrl-D or /quit to leave). Type a number to pick a button."
    )
    payloads: list[str] = []
    while True:
        try:
            line = read("You: ").strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return 0
        if line in ("/quit", "/exit"):
            return 0
        if not line:
            continue
        if line.isdigit() and 1 <= int(line) <= len(payloads):
            line = payloads[int(line) - 1]
        try:
            text, payloads = render(send(settings, sender, line))
        except ConnectionError as error:
            write(f"error: {error}")
            continue
        write(text or "Coach: (no reply)")
