"""Offline wake-phrase detection ("hey coach"): keyphrase spotting, a pause gate, verification.

1. **Spotting.** pocketsphinx's keyphrase search runs the phrase's HMM against a phone loop on
   the stream and proposes a candidate when the phrase beats the loop by ``wake_threshold``
   (``-kws_threshold``; smaller values propose more). About 2 ms per 64 ms of audio. Alone it is
   not enough for a two-syllable phrase: at thresholds that find "hey coach" in espeak-ng or
   noisy speech it also proposes several candidates per minute of everyday talk.
2. **Pause gate** (with a ``vad``): the candidate must be speech and must start a stretch of
   speech, at most ``MAX_LEAD_S`` after a pause of at least ``MIN_GAP_S``. People pause before
   addressing an assistant; "the football coach said" mid-sentence does not wake it.
3. **Verification** (with ``verifiers``: the domain pocketsphinx recogniser, whose language
   model contains the wake phrase, then whisper when configured): once ``VERIFY_WINDOW_S`` of
   audio from the speech onset has arrived (or the speech has stopped), that window is
   transcribed, and a transcript must begin with the wake phrase (one stray word before it
   allowed, and one of its words may be heard without its first sound: whisper often writes
   "hey coach" as "A coach"; see :func:`phrase_at`). The verifiers are asked in
   order until one hears the phrase: pocketsphinx is cheap but mishears noisy speech ("fake
   go"); whisper is asked only for the candidates pocketsphinx turned down. The spotter often
   fires before the phrase ends, so the window, not the spotter's segment, is verified.

The stream is decoded as one long utterance, restarted after each candidate and every
``RESTART_S`` seconds (re-feeding recent audio so a phrase across the restart is not lost). A
low Gaussian dither (a microphone's noise floor) is added, as for the recogniser: digitally
silent synthetic audio otherwise upsets the decoder's front end.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from voice.audio.clip import Clip
from voice.listen.recognizer import Recognizer
from voice.listen.settings import ListenSettings
from voice.listen.vad import Vad
from voice.sounds_like import first_sound_dropped
from voice.sounds_like import warm as warm_pronunciations

RATE = 16000
FRAME_SAMPLES = 160  # pocketsphinx: 100 frames per second
RESTART_S = 30.0
HISTORY_S = 5.0
DITHER_LSB = 10.0
# Pause gate: at least MIN_GAP_S of non-speech, then at most MAX_LEAD_S of speech before the
# phrase starts (slack for the spotter's imprecise boundaries); and at least MIN_SPEECH_SHARE of
# the phrase's VAD frames must be speech.
MIN_GAP_S = 0.25
MAX_LEAD_S = 0.35
MIN_SPEECH_SHARE = 0.5
# Audio given to the verifier: from VERIFY_BEFORE_S before the speech onset to
# VERIFY_WINDOW_S after it.
VERIFY_BEFORE_S = 0.2
VERIFY_WINDOW_S = 1.3

LOG = logging.getLogger(__name__)


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]+", " ", text.lower()).split()


def phrase_at(heard: Sequence[str], wanted: Sequence[str], start: int = 0) -> bool:
    """Whether the words ``wanted`` are ``heard[start:]``'s first words.

    Each word must be heard as it is, except that in a phrase of two words or more one of them
    may be heard without its first sound ("a coach" for "hey coach": an unstressed /h/ is
    often dropped). Not forgiven: other sound-alikes ("they coach the under twelves", "hey
    couch"), or two words misheard.
    """
    window = heard[start : start + len(wanted)]
    if len(window) != len(wanted):
        return False
    dropped = 0
    for got, word in zip(window, wanted, strict=True):
        if got != word:
            if len(wanted) < 2 or not first_sound_dropped(got, word):
                return False
            dropped += 1
    return dropped <= 1


class WakeWordDetector:
    """Spots the wake phrase in a stream of 16 kHz float32 chunks.

    Attributes:
        detections: Accepted wake phrases since creation.
        candidates: Candidates the spotter proposed (accepted or not).
        last_end_sample: Stream position (samples since creation or ``reset``) where the last
            accepted phrase ended, or None.
    """

    def __init__(
        self,
        settings: ListenSettings | None = None,
        *,
        vad: Vad | None = None,
        verifiers: Sequence[Recognizer] = (),
    ) -> None:
        """Create the detector (the decoder loads on first use, about 0.3 s).

        Args:
            settings: Wake phrase and spotting threshold (and the VAD threshold).
            vad: Enables the pause gate (its threshold is set to ``settings.vad_threshold``).
            verifiers: Enable verification: a candidate is accepted when one of their
                transcripts of it begins with the wake phrase (asked in order).
        """
        self.settings = settings or ListenSettings()
        self.phrase = " ".join(_words(self.settings.wake_phrase))
        self.vad = vad
        if vad is not None:
            vad.threshold = self.settings.vad_threshold
        self.verifiers = tuple(verifiers)
        self._decoder: Any = None
        self._lock = threading.Lock()
        self.detections = 0
        self.candidates = 0
        self.last_end_sample: int | None = None
        self.last_onset_sample: int | None = None
        self._clear()

    def _clear(self) -> None:
        self._rng = np.random.default_rng(0)
        self._position = 0  # samples since creation/reset
        self._utt_start = 0  # stream position of the decoder utterance's first sample
        self._history = np.zeros(0, dtype=np.float32)  # the last HISTORY_S of raw audio
        self._vad_pending = np.zeros(0, dtype=np.float32)
        self._vad_flags: list[bool] = []  # one per VAD frame, most recent last
        self._vad_frames = 0  # VAD frames examined since creation/reset
        self._pending: tuple[int, int] | None = None  # (onset, end) awaiting verification
        self.last_end_sample = None
        self.last_onset_sample = None

    def _load(self) -> Any:
        if self._decoder is None:
            from pocketsphinx import Decoder

            decoder = Decoder(
                keyphrase=self.phrase,
                kws_threshold=self.settings.wake_threshold,
                loglevel="FATAL",
            )
            for word in self.phrase.split():
                if decoder.lookup_word(word) is None:
                    raise ValueError(f"wake phrase word {word!r} is not in the dictionary")
            decoder.start_utt()
            self._decoder = decoder
        return self._decoder

    def warm_up(self) -> None:
        """Load the decoder (and the verifier's engine) now."""
        with self._lock:
            self._load()
        for verifier in self.verifiers:
            verifier.warm_up()
        if self.verifiers:
            warm_pronunciations()  # the pronouncing dictionary phrase_at reads (about a second)

    def reset(self) -> None:
        """Start afresh: nothing heard before now can complete a phrase."""
        with self._lock:
            if self._decoder is not None:
                self._decoder.end_utt()
                self._decoder.start_utt()
            self._clear()
            if self.vad is not None:
                self.vad.reset()

    # -- stream bookkeeping ---------------------------------------------------------------

    def _pcm(self, samples: np.ndarray) -> bytes:
        noisy = samples + self._rng.normal(0.0, DITHER_LSB / 32768, len(samples))
        return (np.clip(noisy, -1.0, 1.0) * 32767.0).astype(np.int16).tobytes()

    def _audio(self, start: int, end: int) -> np.ndarray:
        """Raw samples [start, end) of the stream, as far as the history still holds them."""
        first = self._position - len(self._history)
        start, end = max(start, first), min(end, self._position)
        if end <= start:
            return np.zeros(0, dtype=np.float32)
        return self._history[start - first : end - first]

    def _restart(self, decoder: Any, from_sample: int) -> None:
        """New decoder utterance starting at ``from_sample`` (re-fed from the history)."""
        decoder.end_utt()
        decoder.start_utt()
        refeed = self._audio(from_sample, self._position)
        self._utt_start = self._position - len(refeed)
        if len(refeed):
            decoder.process_raw(self._pcm(refeed), False, False)

    def _run_vad(self, samples: np.ndarray) -> None:
        vad = self.vad
        if vad is None:
            return
        size = vad.frame_samples
        self._vad_pending = np.concatenate([self._vad_pending, samples])
        count = len(self._vad_pending) // size
        for index in range(count):
            self._vad_flags.append(
                vad.is_speech(self._vad_pending[index * size : (index + 1) * size])
            )
        self._vad_pending = self._vad_pending[count * size :]
        self._vad_frames += count
        keep = int(HISTORY_S * RATE / size)
        if len(self._vad_flags) > keep:
            del self._vad_flags[: len(self._vad_flags) - keep]

    def _speech_onset(self, start: int, end: int) -> int | None:
        """Start of the speech stretch holding a phrase at [start, end), if the gate passes.

        Returns None when the phrase is not mostly speech or does not start a stretch of
        speech; without a VAD, the phrase's own start.
        """
        vad = self.vad
        if vad is None:
            return start
        size = vad.frame_samples
        first_kept = self._vad_frames - len(self._vad_flags)
        lo = max(start // size - first_kept, 0)
        hi = min(end // size, self._vad_frames) - first_kept
        inside = self._vad_flags[lo:hi]
        if not inside or sum(inside) < MIN_SPEECH_SHARE * len(inside):
            return None
        gap_needed = max(1, round(MIN_GAP_S * RATE / size))
        gap = 0
        index = hi - 1
        while index >= 0:
            gap = 0 if self._vad_flags[index] else gap + 1
            if gap >= gap_needed:
                break
            index -= 1
        if index < 0:
            if first_kept > 0:
                return None  # no pause within the history
            onset = 0
        else:
            onset = (first_kept + index + gap) * size
        return onset if start - onset <= MAX_LEAD_S * RATE else None

    def _verified(self, onset: int) -> bool:
        if not self.verifiers:
            return True
        audio = self._audio(
            onset - round(VERIFY_BEFORE_S * RATE), onset + round(VERIFY_WINDOW_S * RATE)
        )
        if not len(audio):
            return False
        wanted = self.phrase.split()
        for verifier in self.verifiers:
            heard = _words(verifier.transcribe(Clip(audio, RATE)).text)
            # The phrase must open the transcript (one stray leading word allowed).
            accepted = any(phrase_at(heard, wanted, i) for i in range(2))
            LOG.debug(
                "wake candidate at %.2f s: %s heard %r (%s)",
                onset / RATE,
                type(verifier).__name__,
                " ".join(heard),
                "accepted" if accepted else "turned down",
            )
            if accepted:
                return True
        return False

    def _speech_stopped_since(self, sample: int) -> bool:
        """Whether the VAD saw a pause of ``MIN_GAP_S`` after ``sample``."""
        if self.vad is None:
            return False
        size = self.vad.frame_samples
        first_kept = self._vad_frames - len(self._vad_flags)
        flags = self._vad_flags[max(sample // size - first_kept, 0) :]
        gap_needed = max(1, round(MIN_GAP_S * RATE / size))
        return len(flags) >= gap_needed and not any(flags[-gap_needed:])

    def _decide_pending(self) -> bool:
        """Verify the pending candidate once its window is complete; True if accepted."""
        if self._pending is None:
            return False
        onset, end = self._pending
        window_end = onset + round(VERIFY_WINDOW_S * RATE)
        if self._position < window_end and not self._speech_stopped_since(end):
            return False
        self._pending = None
        if not self._verified(onset):
            return False
        self.last_onset_sample = onset
        self.last_end_sample = end
        self.detections += 1
        return True

    def process(self, chunk: np.ndarray) -> bool:
        """Feed audio; True when a wake phrase was accepted within this chunk.

        Args:
            chunk: 16 kHz mono float32 samples.

        Returns:
            Whether the phrase was detected (the spotter then restarts after it, so one spoken
            phrase gives one detection).
        """
        samples = np.asarray(chunk, dtype=np.float32).reshape(-1)
        if not len(samples):
            return False
        with self._lock:
            decoder = self._load()
            self._history = np.concatenate([self._history, samples])[-round(HISTORY_S * RATE) :]
            self._run_vad(samples)
            decoder.process_raw(self._pcm(samples), False, False)
            self._position += len(samples)
            if decoder.hyp() is None:
                if self._position - self._utt_start >= RESTART_S * RATE:
                    self._restart(decoder, self._position - round(1.5 * RATE))
                return self._decide_pending()
            self.candidates += 1
            segments = list(decoder.seg())
            if segments:
                start = self._utt_start + segments[-1].start_frame * FRAME_SAMPLES
                end = self._utt_start + (segments[-1].end_frame + 1) * FRAME_SAMPLES
            else:
                start = end = self._position
            end = min(end, self._position)
            # Restart after the candidate, re-feeding what followed it.
            self._restart(decoder, end)
            if self._pending is None:
                onset = self._speech_onset(start, end)
                LOG.debug(
                    "wake spotter candidate %.2f-%.2f s: %s",
                    start / RATE,
                    end / RATE,
                    "to verify" if onset is not None else "no pause before it, or not speech",
                )
                if onset is not None:
                    self._pending = (onset, end)
            return self._decide_pending()


def build_wake_detector(
    settings: ListenSettings, verifiers: Sequence[Recognizer] | None = None
) -> WakeWordDetector:
    """The full detector: spotter, Silero pause gate and verification.

    Args:
        settings: Listen settings (wake phrase, thresholds, LM directory, ASR engine).
        verifiers: Recognisers for verification; default: pocketsphinx on the domain language
            model (built if missing), then whisper unless ``settings.asr`` is
            ``"pocketsphinx"``.
    """
    from voice.listen.vad import SileroVad

    if verifiers is None:
        from voice.listen.language_model import ensure_language_model
        from voice.listen.pocketsphinx_asr import PocketsphinxRecognizer
        from voice.listen.settings import PROJECT_ROOT
        from voice.listen.whisper_asr import WhisperRecognizer

        files = ensure_language_model(
            PROJECT_ROOT, settings.lm_dir, wake_phrase=settings.wake_phrase
        )
        chosen: list[Recognizer] = [PocketsphinxRecognizer(files)]
        if settings.asr != "pocketsphinx":
            chosen.append(WhisperRecognizer(settings.whisper_model_dir))
        verifiers = chosen
    return WakeWordDetector(settings, vad=SileroVad(settings.vad_threshold), verifiers=verifiers)
