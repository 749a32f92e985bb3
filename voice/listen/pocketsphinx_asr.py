"""Domain speech recognition: pocketsphinx with the language model generated from data/nlu.

The decoder only knows the words of the coach's training data, which makes it fast (RTF 0.13-0.22
on 2 shared cores, phone-loop pass included) and accurate on in-domain questions, but it forces
anything else onto domain words. Its
confidence must therefore say when the speech did not fit the domain; it combines two measures
(both from the decoder itself, no second recogniser):

1. **Word posteriors.** With ``bestpath`` the decoder builds a word lattice and gives each word
   of the best path its posterior probability (forward-backward over the lattice). Their mean
   is high when no competing word sequence explains the audio about as well.
2. **Acoustic fit against a phone loop.** The same audio is decoded by an unconstrained phone
   recogniser (allphone search with the packaged phonetic LM). Speech that the domain vocabulary
   really covers scores acoustically almost as well as the free phone sequence; speech forced
   into domain words scores much worse. ``fit`` is the difference of the two acoustic
   log-likelihoods over the words' frames, per frame (natural log; 0 = as good as the phone
   loop, typically -1.5..-3 for in-domain speech, below -3 out of domain or for unusual voices).

``confidence = mean_posterior * sigmoid(FIT_SLOPE * (fit - FIT_CENTRE))``, in 0..1, 0 when no
word was recognised. The constants were fitted on synthesized speech (Piper and espeak-ng voices,
in-domain and out-of-domain questions; see ``scripts/voice_benchmark_listen.py``).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from voice.audio.clip import Clip
from voice.listen.language_model import LanguageModelFiles
from voice.listen.recognizer import Recognizer, Transcript, as_16k

FIT_CENTRE = -3.2
FIT_SLOPE = 1.0
# Silence added around the clip: the decoder drops a first word that starts at sample 0.
PAD_S = 0.25
# Gaussian dither (in 16-bit steps) added before decoding, like a microphone's noise floor
# (about -70 dBFS). Digitally clean synthetic audio otherwise confuses the front end: on
# espeak-ng speech WER fell from 58% to 21% with it; on Piper speech it changed by < 1 point.
DITHER_LSB = 10.0
_FILLERS = ("<s>", "</s>", "<sil>")


@dataclass(frozen=True)
class DecodeDetails:
    """What the confidence is computed from (exposed for tuning and tests).

    Attributes:
        text: Best hypothesis.
        word_posteriors: Lattice posterior of each word of the best path.
        fit: Per-frame acoustic log-likelihood of the best path minus the phone loop's, from
            the first word's first frame to the last word's last frame.
        frames: Frames from the first word's start to the last word's end.
    """

    text: str
    word_posteriors: tuple[float, ...]
    fit: float
    frames: int


def _ln(value: float) -> float:
    """Natural log of a score the Python binding returns in linear form (guarding underflow)."""
    return math.log(max(value, 1e-300))


def confidence_from(details: DecodeDetails) -> float:
    """The 0..1 confidence of a decode (see the module docstring)."""
    if not details.word_posteriors:
        return 0.0
    posterior = float(np.mean(details.word_posteriors))
    fit = 1.0 / (1.0 + math.exp(-FIT_SLOPE * (details.fit - FIT_CENTRE)))
    return max(0.0, min(1.0, posterior * fit))


class PocketsphinxRecognizer(Recognizer):
    """pocketsphinx with a domain trigram LM and restricted dictionary (loaded on first use)."""

    name = "pocketsphinx"

    def __init__(self, lm: LanguageModelFiles, *, language_weight: float = 6.5) -> None:
        """Create the recogniser.

        Args:
            lm: The generated language model and dictionary.
            language_weight: pocketsphinx ``-lw`` (default 6.5, the decoder's own default;
                values from 4 to 12 changed in-domain WER by at most a few points).
        """
        self.lm = lm
        self.language_weight = language_weight
        self._decoder: Any = None
        self._phones: Any = None
        self._lock = threading.Lock()

    def _load(self) -> tuple[Any, Any]:
        if self._decoder is None:
            from pocketsphinx import Decoder, get_model_path

            self._decoder = Decoder(
                lm=str(self.lm.lm),
                dict=str(self.lm.dictionary),
                lw=self.language_weight,
                bestpath=True,
                loglevel="FATAL",
            )
            phone_lm = Path(get_model_path()) / "en-us" / "en-us-phone.lm.bin"
            self._phones = Decoder(
                allphone=str(phone_lm), lw=2.0, beam=1e-20, pbeam=1e-20, loglevel="FATAL"
            )
        return self._decoder, self._phones

    def warm_up(self) -> None:
        """Load the decoders now (about 0.1 s)."""
        with self._lock:
            self._load()

    def decode(self, clip: Clip) -> DecodeDetails:
        """Decode ``clip`` and return the hypothesis with its confidence measures."""
        samples = as_16k(clip).samples
        pad = np.zeros(round(PAD_S * 16000), dtype=np.float32)
        audio = np.concatenate([pad, samples, pad])
        audio = audio + np.random.default_rng(0).normal(0.0, DITHER_LSB / 32768, len(audio))
        pcm = Clip(audio.astype(np.float32), 16000).to_int16().tobytes()
        with self._lock:
            decoder, phones = self._load()
            decoder.start_utt()
            decoder.process_raw(pcm, full_utt=True)
            decoder.end_utt()
            hyp = decoder.hyp()
            segments = list(decoder.seg())
            words = [
                seg
                for seg in segments
                if seg.word not in _FILLERS and not seg.word.startswith(("[", "+"))
            ]
            if not words or hyp is None:
                return DecodeDetails("", (), 0.0, 0)
            first = min(seg.start_frame for seg in words)
            last = max(seg.end_frame for seg in words)
            phones.start_utt()
            phones.process_raw(pcm, full_utt=True)
            phones.end_utt()
            phone_score = sum(
                _ln(seg.ascore)
                for seg in phones.seg()
                if seg.start_frame >= first and seg.end_frame <= last
            )
        word_score = sum(
            _ln(seg.ascore)
            for seg in segments
            if seg.start_frame >= first and seg.end_frame <= last
        )
        frames = last - first + 1
        return DecodeDetails(
            text=" ".join(hyp.hypstr.split()),
            word_posteriors=tuple(min(1.0, float(seg.prob)) for seg in words),
            fit=(word_score - phone_score) / max(frames, 1),
            frames=frames,
        )

    def transcribe(self, clip: Clip) -> Transcript:
        """Recognise ``clip`` with the domain decoder."""
        start = time.perf_counter()
        details = self.decode(clip)
        return Transcript(
            text=details.text,
            confidence=confidence_from(details),
            engine=self.name,
            seconds=time.perf_counter() - start,
        )
