"""Voice benchmark, listening half: speech recognition accuracy/speed and wake-phrase accuracy.

Measures, on speech synthesized offline with two voices (Piper's neural ``joe`` voice and
espeak-ng), cached under ``build/test-speech``:

- word error rate (WER) and real-time factor (RTF = processing time / audio time) of each
  recogniser - pocketsphinx with the domain LM, faster-whisper tiny.en, and the hybrid - on
  30 in-domain and 15 out-of-domain questions written for this benchmark (not taken from
  ``data/nlu``), each with 0.3 s of silence before and 0.6 s after (as the end-pointer gives);
- wake-phrase hit rate over positives ("hey coach" alone and followed by a question, both
  voices, clean and with white noise at 20 and 10 dB SNR), streamed through the detector;
- false wakes per hour over a long recording (an hour) of other speech (several
  espeak-ng voices and speeds plus Piper, with short pauses and white noise at 20 dB SNR).

Texts are normalised before scoring (lower case, numbers as words: "20" = "twenty").
Figures are printed, not asserted. Standalone: ``python scripts/voice_benchmark_listen.py``;
the lead's benchmark imports ``run(report)``.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.voice.speech import (  # noqa: E402
    CACHE_DIR,
    RATE,
    chunks,
    concat,
    synthesize,
    white_noise,
    with_noise,
    word_errors,
)
from voice.audio.clip import Clip  # noqa: E402
from voice.listen.language_model import ensure_language_model, normalise  # noqa: E402
from voice.listen.settings import ListenSettings  # noqa: E402

IN_DOMAIN: tuple[str, ...] = (
    "is walking backwards good for my balance",
    "how long should my first session be",
    "can i do this on a treadmill at the gym",
    "what speed should i set the treadmill to",
    "does retro walking help with knee pain",
    "how many calories will i burn in twenty minutes",
    "should i look over my shoulder while walking backwards",
    "what shoes should i wear for backward walking",
    "is it safe for older people to walk backwards",
    "how often should i walk backwards each week",
    "make me a plan for walking backwards",
    "what is today's session",
    "how am i doing this week",
    "i walked for fifteen minutes today and it felt easy",
    "i feel dizzy and my chest hurts",
    "how much time is left",
    "pause the workout",
    "skip this part",
    "stop the walk",
    "say that again",
    "is there proof that it works",
    "i have arthritis in my knee can i still do it",
    "which muscles get stronger when i walk backwards",
    "should i warm up before i start",
    "where is the best place to practice",
    "how do i keep my posture straight",
    "will it help my lower back",
    "my legs are sore after yesterday",
    "please delete everything you know about me",
    "show me the whole plan",
)

OUT_OF_DOMAIN: tuple[str, ...] = (
    "what is the tallest mountain in africa",
    "please set an alarm for seven in the morning",
    "who won the football match last night",
    "play some jazz music in the living room",
    "how do i bake a chocolate cake",
    "tell me a story about a dragon",
    "what time does the pharmacy close on sunday",
    "remind me to call my sister tomorrow",
    "how many moons does jupiter have",
    "translate good morning into spanish",
    "my car makes a strange noise when i brake",
    "what is the population of brazil",
    "order more coffee beans online",
    "the train to edinburgh is running late",
    "can you recommend a good mystery novel",
)

WAKE_FOLLOW_UPS: tuple[str, ...] = (
    "",
    "how much time is left",
    "pause",
    "is it safe for my knees",
)

# Other speech for the false-wake recording: everyday talk, with near misses ("coach",
# "couch", "hey", "okay", "poach", "approach") but never the wake phrase.
BACKGROUND: tuple[str, ...] = (
    "good morning, did you sleep well last night",
    "the bus was late again so i walked to the station",
    "can you pass me the salt and pepper please",
    "we should paint the kitchen a lighter colour this spring",
    "my brother bought a new couch for his flat",
    "the football coach made the team run laps after training",
    "hey, look at that dog chasing the pigeons",
    "okay, let's meet at the cafe around noon",
    "the weather forecast says rain for most of the week",
    "i need to buy milk, bread, eggs and some apples",
    "she has been learning to play the piano for two years",
    "the meeting was moved to thursday afternoon",
    "how do you poach an egg without it falling apart",
    "their approach to the problem was quite clever",
    "the library closes early on saturdays",
    "we took the coach from london to manchester",
    "hey there, long time no see",
    "could you turn the music down a little",
    "the garden looks lovely now that the roses are out",
    "i think the printer has run out of ink",
    "my grandmother makes the best apple pie",
    "the train was packed so we had to stand",
    "let's watch a film tonight instead of going out",
    "the new restaurant on the corner serves great pasta",
    "hey, did you remember to lock the back door",
    "the children are playing in the park after school",
    "i can't find my keys anywhere",
    "the doctor said to drink more water during the day",
    "he parked the car right outside the house",
    "the tennis coach was very patient with the beginners",
    "okay, so what do we do next",
    "the cat is sleeping on the couch again",
    "we're going camping by the lake next weekend",
    "the shop assistant helped me find the right size",
    "please remember to water the plants while i'm away",
    "i'd like a cup of tea with a little milk",
    "the concert was sold out within an hour",
    "the river flooded after all that rain",
    "my phone battery dies so quickly these days",
    "the coach driver stopped for a break at the services",
    "did you hear about the new bakery in town",
    "hey you, wait for me",
    "the museum has a new exhibition about ancient egypt",
    "we planted tomatoes and beans in the vegetable patch",
    "the traffic on the motorway was terrible this morning",
    "she's coaching the under twelve netball team this season",
    "i'll call you back after dinner",
    "the kettle is boiling, do you want coffee",
    "the post office is next to the pharmacy",
    "he fell asleep watching the news",
    "hey, that's my seat",
    "they're building new houses at the end of the road",
    "the swimming pool is closed for repairs",
    "the cake needs another ten minutes in the oven",
    "i lost my umbrella on the bus",
    "the neighbours are having a party tonight",
    "okay, i'll see you on monday then",
    "the price of petrol has gone up again",
    "we need to book the hotel for the holiday",
    "the baby finally fell asleep",
    "this jacket is too warm for today",
    "the teacher gave us a lot of homework",
    "hey mum, what's for dinner",
    "the plumber is coming to fix the sink tomorrow",
    "the view from the top of the hill was amazing",
    "could you help me carry these boxes upstairs",
    "my uncle used to be a rugby coach",
    "the fridge is making a funny noise",
    "the sun is setting earlier every day now",
    "let's get a takeaway tonight",
)

_ESPEAK_VARIANTS: tuple[tuple[str, int], ...] = (
    ("en-us", 160),
    ("en-gb", 140),
    ("en-us+f3", 175),
)


def _wer(pairs: Iterable[tuple[str, str]]) -> float:
    errors = words = 0
    for reference, hypothesis in pairs:
        e, n = word_errors(" ".join(normalise(reference)), " ".join(normalise(hypothesis)))
        errors += e
        words += n
    return errors / max(words, 1)


def _padded(clip: Clip) -> Clip:
    return concat(0.3, clip, 0.6)


def evaluate_asr(report: Callable[[str], None]) -> dict[str, Any]:
    """WER and RTF per engine, voice and domain."""
    from voice.listen.pocketsphinx_asr import PocketsphinxRecognizer
    from voice.listen.recognizer import FallbackRecognizer
    from voice.listen.whisper_asr import WhisperRecognizer

    settings = ListenSettings()
    lm = ensure_language_model(ROOT, settings.lm_dir, wake_phrase=settings.wake_phrase)
    sphinx = PocketsphinxRecognizer(lm)
    whisper = WhisperRecognizer(settings.whisper_model_dir)
    sphinx.warm_up()
    whisper.warm_up()
    results: dict[str, Any] = {}
    for voice in ("piper", "espeak"):
        for domain, texts in (("in", IN_DOMAIN), ("out", OUT_OF_DOMAIN)):
            rows: dict[str, list[tuple[str, str]]] = {
                "pocketsphinx": [],
                "whisper": [],
                "hybrid": [],
            }
            seconds = {"pocketsphinx": 0.0, "whisper": 0.0, "hybrid": 0.0}
            audio_s = 0.0
            fallbacks = 0
            for text in texts:
                clip = _padded(synthesize(text, voice))
                audio_s += clip.duration_s
                first = sphinx.transcribe(clip)
                second = whisper.transcribe(clip)
                rows["pocketsphinx"].append((text, first.text))
                rows["whisper"].append((text, second.text))
                seconds["pocketsphinx"] += first.seconds
                seconds["whisper"] += second.seconds
                # The hybrid's decision, replayed on the same two results (identical to running
                # FallbackRecognizer, without decoding twice).
                if first.confidence >= settings.min_confidence:
                    rows["hybrid"].append((text, first.text))
                    seconds["hybrid"] += first.seconds
                else:
                    fallbacks += 1
                    chosen = second.text if second.text.strip() else first.text
                    rows["hybrid"].append((text, chosen))
                    seconds["hybrid"] += first.seconds + second.seconds
            for engine, pairs in rows.items():
                key = f"{engine}/{voice}/{domain}"
                results[key] = {"wer": _wer(pairs), "rtf": seconds[engine] / audio_s}
                report(
                    f"  ASR {engine:12s} {voice:6s} {domain:3s}-domain: "
                    f"WER {results[key]['wer']:6.1%}  RTF {results[key]['rtf']:.3f}"
                )
            results[f"hybrid/{voice}/{domain}"]["fallback_rate"] = fallbacks / len(texts)
            report(
                f"  ASR hybrid fell back to whisper on {fallbacks}/{len(texts)} ({voice}, {domain})"
            )
    # Check that the replay above matches the real FallbackRecognizer on one clip.
    hybrid = FallbackRecognizer(sphinx, whisper, settings.min_confidence)
    hybrid.transcribe(_padded(synthesize(IN_DOMAIN[0], "piper")))
    return results


def wake_positive_stream() -> tuple[Clip, list[tuple[str, float, float]]]:
    """One stream of positives, each after a sentence of other speech and a pause.

    A live detector has been listening for a while (its cepstral mean normalisation has
    adapted to the voice and room), so positives are not fed to a fresh detector one by one.

    Returns:
        The stream and, per positive, its name and where the wake phrase lies (seconds).
    """
    parts: list[Clip | float] = []
    spans: list[tuple[str, float, float]] = []
    position = 0.0
    seed = 0
    for voice in ("piper", "espeak"):
        for follow_up in WAKE_FOLLOW_UPS:
            text = f"hey coach, {follow_up}" if follow_up else "hey coach"
            for snr in (None, 20.0):
                seed += 1
                other = BACKGROUND[(seed * 7) % len(BACKGROUND)]
                segment = concat(synthesize(other, voice), 1.2, synthesize(text, voice), 1.5)
                if snr is not None:
                    segment = with_noise(segment, snr, seed=seed)
                phrase_start = position + synthesize(other, voice).duration_s + 1.2
                spans.append((f"{voice}/{snr or 'clean'}/{text}", phrase_start, phrase_start + 1.5))
                parts.append(segment)
                position += segment.duration_s
    return concat(*parts), spans


def background_recording(minimum_s: float = 60 * 60) -> Clip:
    """At least ``minimum_s`` of other speech (no wake phrase), cached as a WAV file."""
    key = hashlib.sha1(repr((BACKGROUND, _ESPEAK_VARIANTS, minimum_s, "v1")).encode()).hexdigest()[
        :16
    ]
    path = CACHE_DIR / f"background-{key}.wav"
    if path.exists():
        return Clip.load(path)
    rng = np.random.default_rng(7)
    parts: list[Clip | float] = []
    total = 0.0
    rounds = 0
    while total < minimum_s:
        for index, text in enumerate(BACKGROUND):
            choice = (index + rounds) % (len(_ESPEAK_VARIANTS) + 1)
            if choice == len(_ESPEAK_VARIANTS):
                clip = synthesize(text, "piper")
            else:
                name, speed = _ESPEAK_VARIANTS[choice]
                clip = synthesize(text, "espeak", espeak_voice=name, words_per_minute=speed)
            pause = float(rng.uniform(0.2, 1.2))
            parts += [clip, pause]
            total += clip.duration_s + pause
            if total >= minimum_s:
                break
        rounds += 1
    recording = with_noise(concat(*parts), 20.0, seed=11)
    recording.save_wav(path)
    return recording


def evaluate_wake(report: Callable[[str], None]) -> dict[str, Any]:
    """Wake-phrase hit rate and false wakes per hour of other speech."""
    from voice.listen.language_model import ensure_language_model
    from voice.listen.pocketsphinx_asr import PocketsphinxRecognizer
    from voice.listen.wake import build_wake_detector
    from voice.listen.whisper_asr import WhisperRecognizer

    settings = ListenSettings()
    verifiers = [
        PocketsphinxRecognizer(ensure_language_model(ROOT, settings.lm_dir)),
        WhisperRecognizer(settings.whisper_model_dir),
    ]
    stream, spans = wake_positive_stream()
    detector = build_wake_detector(settings, verifiers)
    found: list[float] = []
    position = 0
    for chunk in chunks(stream, 1024):
        position += len(chunk)
        if detector.process(chunk):
            found.append((detector.last_end_sample or position) / RATE)
    hits = sum(any(start <= t <= end for t in found) for _, start, end in spans)
    extra = sum(not any(start <= t <= end for _, start, end in spans) for t in found)
    report(
        f"  wake: {hits}/{len(spans)} positives detected ({hits / len(spans):.0%}), "
        f"{extra} detections elsewhere in that stream"
    )
    for name, start, end in spans:
        if not any(start <= t <= end for t in found):
            report(f"    missed: {name}")

    started = time.perf_counter()
    recording = background_recording()
    prepared_s = time.perf_counter() - started
    detector = build_wake_detector(settings, verifiers)
    started = time.perf_counter()
    false_wakes = 0
    for chunk in chunks(recording, 1024):
        false_wakes += detector.process(chunk)
    spent = time.perf_counter() - started
    hours = recording.duration_s / 3600
    report(
        f"  wake: {detector.candidates} spotter candidates, {false_wakes} false wakes in "
        f"{recording.duration_s / 60:.1f} min of other speech = {false_wakes / hours:.2f} per "
        f"hour (RTF {spent / recording.duration_s:.3f}; recording ready in {prepared_s:.1f} s)"
    )
    # Noise only: a minute of white noise.
    noise = white_noise(60.0, level=0.05, seed=5)
    detector = build_wake_detector(settings, verifiers)
    noise_wakes = sum(detector.process(chunk) for chunk in chunks(noise, 1024))
    report(f"  wake: {noise_wakes} false wakes in 1 min of white noise")
    return {
        "hit_rate": hits / len(spans),
        "positives": len(spans),
        "false_wakes": false_wakes,
        "speech_minutes": recording.duration_s / 60,
        "false_wakes_per_hour": false_wakes / hours,
        "wake_rtf": spent / recording.duration_s,
        "noise_false_wakes": noise_wakes,
    }


def run(report: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the listening benchmark; print figures through ``report`` and return them."""
    started = time.perf_counter()
    report("Voice benchmark (listening): speech recognition")
    asr = evaluate_asr(report)
    report("Voice benchmark (listening): wake phrase")
    wake = evaluate_wake(report)
    total = time.perf_counter() - started
    report(f"Voice benchmark (listening) took {total:.0f} s")
    return {"asr": asr, "wake": wake, "seconds": total, "sample_rate": RATE}


if __name__ == "__main__":
    run()
