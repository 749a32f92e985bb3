"""Speaking with failover: cache first, then each engine in order, with a circuit breaker.

A failed engine (say gTTS with no network) is skipped for ``retry_after_s``, so a dead network
costs one timeout, not one per utterance; the next engine speaks the same utterance in the same
call, so a cue is never lost. :meth:`Speech.prerender` renders a walk's cues into the cache
before the walk, so the walk itself needs no network.

One concept (hence over 400 lines): speaking an utterance, with its cache, failover, breaker and
prerender.
"""

from __future__ import annotations

import logging
import queue
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from voice.audio.clip import Clip
from voice.tts.base import TtsEngine, TtsError
from voice.tts.cache import ClipCache

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Rendered:
    """One spoken text.

    Attributes:
        clip: The audio.
        engine: Name of the engine whose voice it is (also for cache hits).
        cached: True when it came from the cache (no engine ran).
        seconds: Wall time :meth:`Speech.render` took.
        text: The text, as spoken (whitespace normalised).
    """

    clip: Clip
    engine: str
    cached: bool
    seconds: float
    text: str = ""


@dataclass(frozen=True)
class EngineStatus:
    """Health of one engine, as the circuit breaker sees it.

    Attributes:
        name: Engine name.
        healthy: False while the engine is skipped after a failure.
        failures: Consecutive failures (0 after a success).
        last_error: The last failure's message, if any.
        retry_in_s: Seconds until the engine is tried again (0 when healthy or due).
    """

    name: str
    healthy: bool
    failures: int
    last_error: str | None
    retry_in_s: float


@dataclass(frozen=True)
class PrerenderReport:
    """What :meth:`Speech.prerender` did.

    Attributes:
        total: Distinct texts asked for.
        cached: Texts already cached.
        rendered: Fresh renders per engine name.
        failed: Texts no engine could speak.
        seconds: Wall time.
    """

    total: int
    cached: int
    rendered: dict[str, int] = field(default_factory=dict)
    failed: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Every text is ready."""
        return not self.failed

    def summary(self, noun: str = "cues") -> str:
        """One line for the user, e.g. ``10/10 cues ready (4 cached, 6 gtts) in 2.1 s``."""
        parts = [f"{self.cached} cached"] + [f"{c} {n}" for n, c in sorted(self.rendered.items())]
        line = f"{self.total - len(self.failed)}/{self.total} {noun} ready ({', '.join(parts)})"
        if self.failed:
            line += f"; {len(self.failed)} failed"
        return f"{line} in {self.seconds:.1f} s"


@dataclass
class _Health:
    failures: int = 0
    retry_at: float | None = None
    last_error: str | None = None


# Abbreviations whose final dot does not end a sentence.
_ABBREVIATIONS = frozenset(
    {"e.g.", "i.e.", "vs.", "approx.", "dr.", "mr.", "mrs.", "ms.", "st.", "fig.", "ca."}
)
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")
_SPEAKABLE = re.compile(r"\w")


def normalize_text(text: str) -> str:
    """Whitespace collapsed to single spaces, ends stripped (the form cached and spoken)."""
    return " ".join(text.split())


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into speakable sentences (at ``.``, ``!``, ``?``, ``…`` and line breaks).

    Pieces with no letter or digit are dropped; a dot after a common abbreviation ("e.g.")
    does not split.
    """
    sentences: list[str] = []
    position = 0
    pending = ""
    for match in _BOUNDARY.finditer(text):
        piece = text[position : match.start()] + text[match.start() : match.end()].rstrip()
        position = match.end()
        pending = f"{pending} {piece}" if pending else piece
        last_word = pending.split()[-1].lower() if pending.split() else ""
        if last_word in _ABBREVIATIONS and "\n" not in match.group(0):
            continue
        sentences.append(pending)
        pending = ""
    tail = text[position:]
    pending = f"{pending} {tail}" if pending else tail
    sentences.append(pending)
    return [normalize_text(s) for s in sentences if _SPEAKABLE.search(s)]


class Speech:
    """Text to audio with cache, failover and a per-engine circuit breaker.

    Args:
        engines: Engines in order of preference (e.g. gTTS, Piper, espeak-ng).
        cache: Clip cache shared by all engines (keyed per voice). None: no disk cache
            (prerendered clips are then kept in memory).
        retry_after_s: How long an engine that failed is skipped before it is tried again.
        on_event: Called with a short message when an engine fails, recovers, or every engine
            failed (for the user interface or logs).
        clock: Monotonic clock for the breaker (injectable for tests).
    """

    def __init__(
        self,
        engines: Sequence[TtsEngine],
        cache: ClipCache | None = None,
        retry_after_s: float = 60.0,
        on_event: Callable[[str], None] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not engines:
            raise ValueError("Speech needs at least one engine")
        if retry_after_s < 0:
            raise ValueError(f"retry_after_s must be >= 0, got {retry_after_s}")
        self.engines = tuple(engines)
        self.cache = cache
        self.retry_after_s = retry_after_s
        self._on_event = on_event
        self._clock = clock
        self._lock = threading.Lock()
        self._health = [_Health() for _ in self.engines]
        self._memory: dict[str, Clip] = {}

    # -- rendering -----------------------------------------------------------------------

    def render(self, text: str) -> Rendered:
        """Speak ``text``: from the cache if any engine's voice has it, else the first engine
        that works (engines cooling down after a failure are skipped).

        Raises:
            ValueError: Nothing speakable in ``text``.
            TtsError: Every engine failed or is cooling down.
        """
        return self._render(text, remember=False)

    def render_sentences(self, text: str, prefetch: bool = True) -> Iterator[Rendered]:
        """Speak ``text`` sentence by sentence, yielding each one as soon as it is ready.

        Playback of a long answer can start after the first sentence. With ``prefetch`` the
        next sentence is rendered in a background thread while the caller plays this one.

        Raises:
            TtsError: When a sentence cannot be spoken (the sentences before it were yielded).
        """
        sentences = split_sentences(text)
        if not prefetch or len(sentences) < 2:
            for sentence in sentences:
                yield self.render(sentence)
            return
        ready: queue.Queue[Rendered | BaseException | None] = queue.Queue(maxsize=1)
        stop = threading.Event()

        def offer(item: Rendered | BaseException | None) -> bool:
            while not stop.is_set():
                try:
                    ready.put(item, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def produce() -> None:
            for sentence in sentences:
                if stop.is_set():
                    return
                try:
                    item: Rendered | BaseException = self.render(sentence)
                except BaseException as error:
                    offer(error)
                    return
                if not offer(item):
                    return
            offer(None)

        worker = threading.Thread(target=produce, name="tts-sentences", daemon=True)
        worker.start()
        try:
            while (item := ready.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()

    def prerender(
        self, texts: Iterable[str], progress: ProgressCallback | None = None
    ) -> PrerenderReport:
        """Render every text (once each) into the cache before a walk.

        Args:
            texts: Cue texts (duplicates and unspeakable ones are ignored).
            progress: Called with ``(done, total)``: first ``(0, total)``, then after each text.

        Returns:
            Counts of cached, freshly rendered (per engine) and failed texts.
        """
        started = time.perf_counter()
        unique = list(dict.fromkeys(normalize_text(t) for t in texts if _SPEAKABLE.search(t)))
        total = len(unique)
        cached = 0
        rendered: Counter[str] = Counter()
        failed: list[str] = []
        if progress is not None:
            progress(0, total)
        for done, text in enumerate(unique, start=1):
            try:
                result = self._render(text, remember=True)
            except TtsError:
                failed.append(text)
            else:
                if result.cached:
                    cached += 1
                else:
                    rendered[result.engine] += 1
            if progress is not None:
                progress(done, total)
        return PrerenderReport(
            total=total,
            cached=cached,
            rendered=dict(rendered),
            failed=tuple(failed),
            seconds=time.perf_counter() - started,
        )

    # -- health ---------------------------------------------------------------------------

    def engines_status(self) -> list[EngineStatus]:
        """Each engine's health, in failover order."""
        now = self._clock()
        with self._lock:
            return [
                EngineStatus(
                    name=engine.name,
                    healthy=health.retry_at is None,
                    failures=health.failures,
                    last_error=health.last_error,
                    retry_in_s=max(0.0, health.retry_at - now) if health.retry_at else 0.0,
                )
                for engine, health in zip(self.engines, self._health, strict=True)
            ]

    def close(self) -> None:
        """Close every engine."""
        for engine in self.engines:
            engine.close()

    # -- internals ------------------------------------------------------------------------

    def _render(self, text: str, remember: bool) -> Rendered:
        started = time.perf_counter()
        text = normalize_text(text)
        if not _SPEAKABLE.search(text):
            raise ValueError(f"nothing to speak in {text!r}")
        for engine in self.engines:
            clip = self._lookup(engine, text)
            if clip is not None:
                return Rendered(clip, engine.name, True, time.perf_counter() - started, text)
        errors: list[str] = []
        for index, engine in enumerate(self.engines):
            wait_s = self._cooling_down(index)
            if wait_s is not None:
                errors.append(f"{engine.name}: skipped for {wait_s:.0f} s more after a failure")
                continue
            try:
                clip = engine.synthesize(text)
            except Exception as error:  # any engine bug must fall through to the next engine
                errors.append(f"{engine.name}: {error}")
                self._failed(index, error)
                continue
            self._succeeded(index)
            self._store(engine, text, clip, remember)
            return Rendered(clip, engine.name, False, time.perf_counter() - started, text)
        self._emit(f"speech: no engine could speak {text[:40]!r} ({'; '.join(errors)})")
        raise TtsError(f"no engine could speak {text!r}: {'; '.join(errors)}")

    def _key(self, engine: TtsEngine, text: str) -> str | None:
        try:
            return ClipCache.key(engine.voice_id(), text)
        except Exception as error:
            log.warning("tts: %s has no voice id: %s", engine.name, error)
            return None

    def _lookup(self, engine: TtsEngine, text: str) -> Clip | None:
        key = self._key(engine, text)
        if key is None:
            return None
        if self.cache is not None:
            return self.cache.get(key)
        return self._memory.get(key)

    def _store(self, engine: TtsEngine, text: str, clip: Clip, remember: bool) -> None:
        key = self._key(engine, text)
        if key is None:
            return
        if self.cache is None:
            if remember:
                self._memory[key] = clip
            return
        try:
            self.cache.put(key, clip)
        except (OSError, ValueError) as error:
            log.warning("tts: cannot cache a %s clip: %s", engine.name, error)

    def _cooling_down(self, index: int) -> float | None:
        """Seconds the engine is still skipped for, or None when it may be tried."""
        with self._lock:
            retry_at = self._health[index].retry_at
        if retry_at is None:
            return None
        remaining = retry_at - self._clock()
        return remaining if remaining > 0 else None

    def _failed(self, index: int, error: Exception) -> None:
        name = self.engines[index].name
        with self._lock:
            health = self._health[index]
            health.failures += 1
            health.last_error = str(error) or type(error).__name__
            health.retry_at = self._clock() + self.retry_after_s
        self._emit(f"speech: {name} failed ({error}); skipping it for {self.retry_after_s:g} s")

    def _succeeded(self, index: int) -> None:
        with self._lock:
            health = self._health[index]
            recovered = health.retry_at is not None
            health.failures = 0
            health.retry_at = None
            health.last_error = None
        if recovered:
            self._emit(f"speech: {self.engines[index].name} works again")

    def _emit(self, message: str) -> None:
        log.info("%s", message)
        if self._on_event is not None:
            try:
                self._on_event(message)
            except Exception:
                log.exception("tts: on_event callback failed")


def progress_bar(
    stream: TextIO | None = None,
    label: str = "Preparing cues",
    width: int = 10,
    every_s: float = 10.0,
    clock: Callable[[], float] = time.monotonic,
) -> ProgressCallback:
    """A ``(done, total)`` callback drawing ``Preparing cues [#####-----] 5/10``.

    On a terminal the bar is redrawn in place on one line. Anywhere else (a log file, a pipe,
    CI) a redraw would add a line per step, so it writes a whole line at the first step, then
    at most one every ``every_s`` seconds, and the last.

    Args:
        stream: Where to draw; default ``sys.stderr`` (looked up when drawing).
        label: Text before the bar.
        width: Characters in the bar.
        every_s: Least time between two lines when ``stream`` is not a terminal.
        clock: Seconds, for ``every_s``.

    Returns:
        The callback for :meth:`Speech.prerender`; it ends the line when ``done == total``.
    """
    last_line: list[float] = []

    def draw(done: int, total: int) -> None:
        out = stream if stream is not None else sys.stderr
        filled = width if total <= 0 else min(width, round(width * done / total))
        bar = f"{label} [{'#' * filled}{'-' * (width - filled)}] {done}/{total}"
        finished = done >= total
        isatty = getattr(out, "isatty", None)
        if callable(isatty) and isatty():
            out.write(f"\r{bar}" + ("\n" if finished else ""))
        else:
            now = clock()
            if not (finished or not last_line or now - last_line[-1] >= every_s):
                return
            last_line[:] = [now]
            out.write(f"{bar}\n")
        out.flush()

    return draw
