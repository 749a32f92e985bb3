"""gTTS: Google Translate's voice (online), always bounded by a timeout.

The request, its headers and body, and the parsing of the answer are gTTS's own code. The only
thing this module changes, and only when ``base_url`` is given, is the origin the request goes
to: gTTS builds ``https://translate.google.<tld>/_/TranslateWebserverUi/data/batchexecute`` and
:class:`_RebasedGtts` swaps the scheme and host for ``base_url``, keeping gTTS's path. That is
how tests point the real code path at a local stand-in of the endpoint (``RETROWALK_GTTS_URL``
in :class:`~voice.tts.settings.TtsSettings`), and how a deployment could use a relay.

Timeouts: gTTS hands ``timeout`` to requests, which bounds the connection and each socket read,
not the whole answer (a server trickling bytes, or a hanging DNS lookup, can still stall it). So
each call also runs in a worker thread with a hard deadline of ``timeout_s`` per request gTTS
makes (it splits text into requests of at most 100 characters); past it, :meth:`synthesize`
raises TtsError and the worker is abandoned (it ends at its own socket timeout).
"""

from __future__ import annotations

import functools
import queue
import threading
import urllib.parse
from typing import Any

import numpy as np

from voice.audio.clip import Clip
from voice.tts.base import TtsEngine, TtsError


@functools.lru_cache(maxsize=1)
def _gtts_class() -> type[Any]:
    """The gTTS subclass that can send its requests to another origin (imported lazily)."""
    from gtts import gTTS

    class _RebasedGtts(gTTS):
        """gTTS whose prepared requests go to ``base_url`` instead of translate.google.<tld>."""

        def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.base_url = base_url

        def _prepare_requests(self) -> list[Any]:
            prepared: list[Any] = super()._prepare_requests()
            if self.base_url:
                for request in prepared:
                    request.prepare_url(rebase_url(request.url, self.base_url), None)
            return prepared

    return _RebasedGtts


def rebase_url(url: str, base_url: str) -> str:
    """``url`` with its scheme and host taken from ``base_url`` (path prefix kept).

    >>> rebase_url("https://translate.google.com/_/x?a=1", "http://127.0.0.1:8080/proxy/")
    'http://127.0.0.1:8080/proxy/_/x?a=1'
    """
    original = urllib.parse.urlsplit(url)
    base = urllib.parse.urlsplit(base_url)
    path = base.path.rstrip("/") + "/" + original.path.lstrip("/")
    return urllib.parse.urlunsplit((base.scheme, base.netloc, path, original.query, ""))


def _check_base_url(base_url: str | None) -> str | None:
    if base_url is None or not base_url.strip():
        return None
    parts = urllib.parse.urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"gTTS base URL must be http(s)://host[:port][/path], got {base_url!r}")
    return base_url.strip()


class GttsEngine(TtsEngine):
    """Google Translate text-to-speech through the gTTS library.

    Args:
        lang: IETF language tag gTTS supports, default ``en``.
        tld: Google host top-level domain (accent), default ``com``.
        timeout_s: Seconds allowed per request to Google (connect, each read, and the hard
            deadline per request), default 3.
        slow: Slow reading, default False.
        base_url: Send gTTS's requests to this origin instead of
            ``https://translate.google.<tld>`` (tests, relays). None: Google.
    """

    name = "gtts"

    def __init__(
        self,
        lang: str = "en",
        tld: str = "com",
        timeout_s: float = 3.0,
        slow: bool = False,
        base_url: str | None = None,
    ) -> None:
        from gtts.lang import _fallback_deprecated_lang, tts_langs

        if timeout_s <= 0:
            raise ValueError(f"gTTS timeout must be positive, got {timeout_s}")
        lang = _fallback_deprecated_lang(lang.strip())
        if lang not in tts_langs():
            raise ValueError(f"gTTS does not support language {lang!r}")
        if not tld.strip() or "/" in tld:
            raise ValueError(f"bad gTTS tld {tld!r}")
        self.lang = lang
        self.tld = tld.strip()
        self.timeout_s = timeout_s
        self.slow = slow
        self.base_url = _check_base_url(base_url)

    def voice_id(self) -> str:
        """``gtts:<lang>:<tld>:<normal|slow>`` (plus ``@<base_url>`` when redirected)."""
        speed = "slow" if self.slow else "normal"
        origin = f"@{self.base_url}" if self.base_url else ""
        return f"gtts:{self.lang}:{self.tld}:{speed}{origin}"

    def synthesize(self, text: str) -> Clip:
        """Fetch ``text`` as MP3 from Google (or ``base_url``) and decode it.

        Raises:
            TtsError: Network or HTTP error, no audio in the answer, undecodable audio, or no
                answer within the deadline.
        """
        if not text.strip():
            raise TtsError("nothing to speak")
        tts_class = _gtts_class()
        try:
            tts = tts_class(
                text,
                tld=self.tld,
                lang=self.lang,
                slow=self.slow,
                lang_check=False,  # checked once in __init__
                timeout=(self.timeout_s, self.timeout_s),
                base_url=self.base_url,
            )
            requests_needed = len(tts.get_bodies())
        except AssertionError as error:  # gTTS asserts there is something to speak
            raise TtsError(f"gTTS has nothing to speak in {text!r}") from error
        deadline_s = self.timeout_s * max(1, requests_needed)
        parts = self._fetch(tts, deadline_s)
        if not parts or not any(parts):
            raise TtsError("gTTS returned no audio")
        return _decode_parts(parts)

    @staticmethod
    def _fetch(tts: Any, deadline_s: float) -> list[bytes]:
        """Run gTTS's ``stream()`` in a daemon thread; wait at most ``deadline_s``.

        Returns:
            One MP3 per request gTTS made (text longer than 100 characters is split).
        """
        outcome: queue.Queue[list[bytes] | BaseException] = queue.Queue(maxsize=1)

        def work() -> None:
            try:
                parts = [bytes(part) for part in tts.stream()]
            except BaseException as error:
                outcome.put(error)
            else:
                outcome.put(parts)

        threading.Thread(target=work, name="gtts-request", daemon=True).start()
        try:
            result = outcome.get(timeout=deadline_s)
        except queue.Empty:
            raise TtsError(f"gTTS gave no answer within {deadline_s:g} s") from None
        if isinstance(result, BaseException):
            raise TtsError(f"gTTS failed: {result}") from result
        return result


def _decode_parts(parts: list[bytes]) -> Clip:
    """Decode each MP3 separately and join them.

    Concatenated MP3 files do not decode as one: libsndfile trusts the first file's Xing/LAME
    header for the length and drops the rest.
    """
    clips: list[Clip] = []
    for index, part in enumerate(parts):
        if not part:
            continue
        try:
            clip = Clip.from_bytes(part)
        except Exception as error:
            raise TtsError(f"gTTS audio (part {index + 1}) cannot be decoded: {error}") from error
        clips.append(clip.resampled(clips[0].rate) if clips else clip)
    samples = np.concatenate([clip.samples for clip in clips]) if clips else np.zeros(0)
    if len(samples) == 0:
        raise TtsError("gTTS audio is empty")
    return Clip(samples.astype(np.float32), clips[0].rate)
