"""Cutting a reply into messages a platform accepts: :func:`split_text` and :func:`utf16_len`.

Plain Python with no Rasa import. Every channel with a message length limit (Telegram 4,096
UTF-16 units, Messenger 2,000 characters, Slack 3,000 per section, Twilio 1,600) splits its
replies here, so they all cut at the same natural breaks.
"""

from __future__ import annotations

from collections.abc import Callable

SEPARATORS = ("\n\n", "\n", " ")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts message length."""
    return len(text.encode("utf-16-le")) // 2


def _longest_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """The largest ``n`` with ``measure(text[:n]) <= limit`` (at least 1, so a cut progresses).

    ``measure`` must grow with the text (it does for every measure used: characters, UTF-16
    units, escaped length).
    """
    if measure is len:
        return max(1, min(len(text), limit))
    low, high = 1, min(len(text), limit)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Cut ``text`` into parts of at most ``limit`` (as ``measure`` counts them), at natural breaks.

    Each part ends at the last paragraph break that fits, else the last line break, else the
    last space, else exactly at the limit (a word longer than the limit is cut). Parts are
    stripped; an empty text gives ``[]``.

    Args:
        text: The text to send.
        limit: The platform's maximum message length.
        measure: How the platform counts length: ``len`` (characters, the default),
            :func:`utf16_len`, or the length once escaped.

    Raises:
        ValueError: A limit below 1.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text.strip()
    while measure(rest) > limit:
        end = _longest_prefix(rest, limit, measure)
        window = rest[: end + 1]  # a break right after a full part counts
        cut = -1
        for separator in SEPARATORS:
            cut = window.rfind(separator)
            if cut > 0:
                break
        if cut <= 0:
            cut = end
        part = rest[:cut].rstrip()
        if part:
            parts.append(part)
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
