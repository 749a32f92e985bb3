"""Concurrent simulated users over the REST channel: load for the topology tests and figures.

Each user is one sender that sends its messages one after the other (the next only after
the reply to the previous one), as a person in a chat does, optionally pausing before each
message (think time); all users run at once over one aiohttp session (keeping connections
alive; a request that never reached the server whole, on a connection the server had closed,
is sent again once, as browsers do). Every turn is
recorded (status, replies, latency), so a caller can check that nothing was lost,
duplicated, reordered or sent to the wrong user, and compute throughput and latency
percentiles.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass(frozen=True)
class Turn:
    """One message and its answer.

    Attributes:
        sender: The user.
        index: Position of the message in the user's script (0-based).
        text: The message sent.
        status: HTTP status (0 when the request failed without a response).
        replies: The bot's messages (the REST channel's JSON list; [] on errors).
        latency_s: Seconds from sending to the full answer.
        sent_at: ``time.monotonic()`` when it was sent.
        error: Why the request failed, or "".
    """

    sender: str
    index: int
    text: str
    status: int
    replies: list[dict[str, Any]]
    latency_s: float
    sent_at: float
    error: str = ""

    @property
    def ok(self) -> bool:
        """HTTP 200 with a JSON list."""
        return self.status == 200 and not self.error

    @property
    def reply_texts(self) -> list[str]:
        """The text of every reply that has one."""
        return [str(m["text"]) for m in self.replies if m.get("text")]


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linearly interpolated percentile (``fraction`` 0-1) of ``values``; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class LoadResult:
    """Every turn of a load run and its wall time."""

    turns: list[Turn] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def failed(self) -> list[Turn]:
        """Turns without a 200 answer."""
        return [turn for turn in self.turns if not turn.ok]

    @property
    def throughput(self) -> float:
        """Answered messages per second."""
        return len(self.turns) / self.wall_s if self.wall_s else 0.0

    def latency(self, fraction: float) -> float:
        """Latency percentile over all turns, in seconds."""
        return percentile([turn.latency_s for turn in self.turns], fraction)

    def by_sender(self) -> dict[str, list[Turn]]:
        """Each user's turns in the order they were sent."""
        grouped: dict[str, list[Turn]] = {}
        for turn in sorted(self.turns, key=lambda t: (t.sender, t.index)):
            grouped.setdefault(turn.sender, []).append(turn)
        return grouped

    def summary(self) -> str:
        """One line: messages, throughput, p50/p95, failures."""
        return (
            f"{len(self.turns)} messages in {self.wall_s:.1f} s: {self.throughput:.1f} msg/s, "
            f"p50 {self.latency(0.5) * 1000:.0f} ms, p95 {self.latency(0.95) * 1000:.0f} ms, "
            f"{len(self.failed)} failed"
        )


def _never_sent(failure: BaseException) -> bool:
    """Whether ``failure`` says the request never reached the server whole.

    A kept-alive connection the server closed in the meantime (nginx closes its idle ones
    when a reload retires a worker) fails while the request body is written; the server saw
    at most part of a request and answered nothing, so sending it again cannot duplicate a
    message. Browsers retry such a request on a fresh connection as well.
    """
    return isinstance(failure, aiohttp.ClientOSError) and str(failure.strerror).startswith(
        "Can not write request body"
    )


async def _send(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> tuple[int, list[dict[str, Any]], str]:
    """POST one message: (status, replies, error); retried once if it was never sent."""
    for attempt in (1, 2):
        status = 0
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                status = response.status
                body = await response.json(content_type=None)
                if status == 200 and isinstance(body, list):
                    return status, body, ""
                return status, [], f"HTTP {status}: {str(body)[:200]}"
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as failure:
            if attempt == 1 and _never_sent(failure):
                continue
            return status, [], f"{type(failure).__name__}: {failure}"
    raise AssertionError("unreachable")  # pragma: no cover


async def _user(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    texts: Sequence[str],
    on_turn: Callable[[Turn], None] | None,
    think: Callable[[str, int], float] | None,
) -> list[Turn]:
    turns = []
    for index, text in enumerate(texts):
        if think is not None:
            await asyncio.sleep(think(sender, index))
        sent_at = time.monotonic()
        status, replies, error = await _send(session, url, sender, text)
        turn = Turn(
            sender=sender,
            index=index,
            text=text,
            status=status,
            replies=replies,
            latency_s=time.monotonic() - sent_at,
            sent_at=sent_at,
            error=error,
        )
        turns.append(turn)
        if on_turn is not None:
            on_turn(turn)
    return turns


async def run_load_async(
    url: str,
    scripts: Mapping[str, Sequence[str]],
    *,
    timeout_s: float = 60.0,
    on_turn: Callable[[Turn], None] | None = None,
    think: Callable[[str, int], float] | None = None,
) -> LoadResult:
    """Run every user's script at once against the REST webhook ``url``.

    Args:
        url: ``.../webhooks/rest/webhook``.
        scripts: Each sender's messages, in order.
        timeout_s: Per-request timeout.
        on_turn: Called (in the event loop) after every answered or failed turn.
        think: Seconds a sender waits before its message ``index`` (default: none, a closed
            loop: the next message as soon as the previous one is answered).
    """
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    began = time.monotonic()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        per_user = await asyncio.gather(
            *(
                _user(session, url, sender, texts, on_turn, think)
                for sender, texts in scripts.items()
            )
        )
    result = LoadResult(turns=[turn for turns in per_user for turn in turns])
    result.wall_s = time.monotonic() - began
    return result


def run_load(
    url: str,
    scripts: Mapping[str, Sequence[str]],
    *,
    timeout_s: float = 60.0,
    on_turn: Callable[[Turn], None] | None = None,
    think: Callable[[str, int], float] | None = None,
) -> LoadResult:
    """:func:`run_load_async` in a new event loop (blocking)."""
    return asyncio.run(
        run_load_async(url, scripts, timeout_s=timeout_s, on_turn=on_turn, think=think)
    )
