"""Is a webhook request genuine and new? Constant-time secret checks and a replay guard.

Plain Python with no Rasa import, shared by the channel modules:

- :func:`secrets_match` compares a shared secret sent in a header (Telegram's
  ``X-Telegram-Bot-Api-Secret-Token``) with the configured one in constant time.
- :func:`hmac_sha256_hex` and :func:`signature_matches` check an ``sha256=<hex>`` HMAC header
  of the raw body (Messenger's ``X-Hub-Signature-256``) in constant time.
- :class:`ReplayGuard` remembers the ids of recently delivered events (Telegram's
  ``update_id``, Messenger's message ``mid``) so that a replayed delivery is recognised. The
  memory is a bounded LRU held in the server process: it is lost on restart and not shared
  between processes.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict

DEFAULT_REPLAY_WINDOW = 10_000


def secrets_match(received: str | None, expected: str) -> bool:
    """Whether a secret received from a client equals the configured one.

    The comparison takes the same time wherever the two differ. An empty configured secret
    never matches (a channel without a secret must not accept anything).

    Args:
        received: The value sent by the client (``None`` when the header is missing).
        expected: The configured secret.
    """
    if received is None or not expected:
        return False
    # Header values may hold undecodable bytes (Sanic decodes them with surrogateescape).
    received_bytes = received.encode("utf-8", "surrogateescape")
    return hmac.compare_digest(received_bytes, expected.encode("utf-8"))


def hmac_sha256_hex(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``body`` keyed with ``secret`` (UTF-8)."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_matches(
    header: str | None, secret: str, body: bytes, prefix: str = "sha256="
) -> bool:
    """Whether ``header`` is ``<prefix><hex HMAC-SHA256 of body>`` keyed with ``secret``.

    Compared in constant time; the hex digits may be upper or lower case. A missing header,
    another prefix or an empty secret never matches.

    Args:
        header: The signature header as received (``None`` when missing).
        secret: The shared secret (for Messenger: the app secret).
        body: The raw request body, exactly as received.
        prefix: What precedes the hex digest.
    """
    if header is None or not secret or not header.startswith(prefix):
        return False
    received = header[len(prefix) :].strip().lower()
    expected = hmac_sha256_hex(secret, body)
    return hmac.compare_digest(received.encode("ascii", "replace"), expected.encode("ascii"))


class ReplayGuard:
    """The ids of the last ``window`` events seen (thread-safe, bounded memory).

    Use it only after a request's authenticity was checked: otherwise a forger could fill it
    with ids of future events.
    """

    def __init__(self, window: int = DEFAULT_REPLAY_WINDOW) -> None:
        """Create an empty guard.

        Args:
            window: How many ids are remembered; the least recently seen are forgotten first.

        Raises:
            ValueError: A window below 1.
        """
        if window < 1:
            raise ValueError(f"the replay window must be at least 1, got {window}")
        self.window = window
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        """Record ``event_id``; True the first time it is seen in the window, False after."""
        with self._lock:
            if event_id in self._seen:
                self._seen.move_to_end(event_id)
                return False
            self._seen[event_id] = None
            if len(self._seen) > self.window:
                self._seen.popitem(last=False)
            return True

    def __len__(self) -> int:
        """How many ids are remembered."""
        with self._lock:
            return len(self._seen)
