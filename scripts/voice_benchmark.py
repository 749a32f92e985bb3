"""Voice benchmark: answer latency, speech synthesis, recognition and wake-phrase figures.

Measures on this machine, and writes ``docs/voice-benchmarks.md``:

- end of speech to first audio of the answer (p50, p95) for in-domain questions asked by
  voice mid-walk: the real Rasa and action servers, the real voice coach on a private
  PulseAudio daemon, the question synthesised (Piper) into the virtual microphone. Measured
  from the moment the question's last sample has been played into the microphone to the
  moment the answer's first sample is handed to the speaker. Two runs: answers rendered by
  Piper when asked, and answers already in the clip cache (a repeated question);
- time to first audio per speech engine (first sentence of a four-sentence answer);
- recognition WER and real-time factor, wake-phrase hits and false wakes per hour
  (``scripts/voice_benchmark_listen.py``).

Figures are printed, never asserted. Run: ``make bench-voice`` (about 10 minutes).
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.settings import Settings  # noqa: E402
from operations import servers, training  # noqa: E402
from operations.ports import isolated  # noqa: E402
from tests.voice.pulse import PulseAudio, say_into_mic  # noqa: E402
from tests.voice.speech import synthesize  # noqa: E402
from voice.app import build_app  # noqa: E402
from voice.audio.settings import AudioSettings  # noqa: E402
from voice.bot_client import BotClientSettings  # noqa: E402
from voice.listen.settings import ListenSettings  # noqa: E402
from voice.settings import VoiceSettings  # noqa: E402
from voice.tts.factory import build_engine  # noqa: E402
from voice.tts.settings import TtsSettings  # noqa: E402

QUESTIONS = (
    "what are the benefits of walking backwards",
    "is walking backwards good for my knees",
    "what shoes should i wear",
    "how fast should i walk backwards",
    "should i warm up first",
    "is it safe for older people",
    "where is a good place to walk backwards",
    "how do i stop myself from falling",
)
ANSWER = (
    "Walking backwards works the muscles on the front of your thighs. "
    "Start with short bouts of one or two minutes. "
    "Choose a flat, open space with nothing behind you. "
    "Stop if you feel dizzy or unwell."
)
OUT = ROOT / "docs" / "voice-benchmarks.md"
LISTEN = ListenSettings()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def tts_first_audio(report: Callable[[str], None]) -> dict[str, float]:
    """Median seconds to the first sentence's audio, per engine (5 runs, warm)."""
    from voice.tts.speech import Speech

    figures: dict[str, float] = {}
    settings = TtsSettings(cache_dir=None)
    for name in ("piper", "espeak"):
        speech = Speech([build_engine(name, settings)])
        speech.render("Warming up.")
        times = []
        for run in range(5):
            started = time.perf_counter()
            first = next(iter(speech.render_sentences(f"{ANSWER} Run {run}.")))
            assert first.clip.duration_s > 0
            times.append(time.perf_counter() - started)
        figures[name] = statistics.median(times)
        report(f"  {name:8s} first sentence: {figures[name] * 1000:.0f} ms (median of 5)")
        speech.close()
    return figures


def answer_latency(report: Callable[[str], None]) -> dict[str, Any]:
    """End of a spoken question to the first audio of the bot's answer, mid-walk."""
    settings = Settings()
    model = training.ensure_model(settings.root, settings.models_dir)
    work = Path(tempfile.mkdtemp(prefix="retrowalk-voice-bench-"))
    settings = isolated(settings, work)
    actions = servers.start_action_server(settings)
    rasa = None
    pulse = PulseAudio().start()
    try:
        servers.wait_until(actions, lambda: servers.action_server_ready(settings), timeout=60)
        rasa = servers.start_rasa_server(settings, model)
        servers.wait_until(rasa, lambda: servers.rasa_server_ready(settings), timeout=300)
        voice = VoiceSettings(
            bot=BotClientSettings(settings.rasa_url),
            sender="voice-bench",
            speed=1.0,
            feedback_timeout_s=1.0,
            tts=TtsSettings(engines=("piper", "espeak"), cache_dir=work / "tts-cache"),
            audio=AudioSettings(),
            listen=LISTEN,
        )
        app = build_app(voice, out=io.StringIO())
        thread = threading.Thread(target=app.coach.run, daemon=True)
        thread.start()
        events = app.coach.events
        if not events.wait_for("cue", 300) or app.listener is None:
            raise RuntimeError("the walk did not start")
        app.listener.ready.wait(120)
        results: dict[str, Any] = {}
        for label in ("rendered when asked", "from the clip cache (prerendered)"):
            latencies = []
            parts: dict[str, list[float]] = {"heard": [], "bot": [], "audio": []}
            for question in QUESTIONS:
                mark = events.count()
                speech = say_into_mic(pulse, synthesize(f"hey coach, {question}"))
                speech.wait()
                audio = events.wait_for("answer_audio", 60, after=mark)
                done = events.wait_for(("answered", "bot_unavailable"), 120, after=mark)
                if audio is None or done is None or speech.finished_at is None:
                    report(f"  no answer for {question!r}")
                    continue
                playback = audio.data["playback"]
                if not playback.started.wait(10) or playback.started_at is None:
                    continue
                latencies.append(playback.started_at - speech.finished_at)
                heard = events.wait_for("heard", 1, after=mark)
                answer = events.wait_for("answer", 1, after=mark)
                if heard is not None and answer is not None:
                    parts["heard"].append(heard.at - speech.finished_at)
                    parts["bot"].append(answer.at - heard.at)
                    parts["audio"].append(playback.started_at - answer.at)
            results[label] = {
                "n": len(latencies),
                "p50": percentile(latencies, 50),
                "p95": percentile(latencies, 95),
                "parts": {name: percentile(values, 50) for name, values in parts.items()},
            }
            report(
                f"  {label}: p50 {results[label]['p50'] * 1000:.0f} ms, "
                f"p95 {results[label]['p95'] * 1000:.0f} ms ({len(latencies)} questions); "
                + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in results[label]["parts"].items())
            )
        app.coach.interrupt()
        thread.join(60)
        app.close()
        return results
    finally:
        pulse.stop()
        if rasa is not None:
            rasa.stop()
        actions.stop()


def write_report(figures: dict[str, Any]) -> None:
    """docs/voice-benchmarks.md from the measured figures."""
    latency = figures["latency"]
    tts = figures["tts"]
    asr = figures["listen"]["asr"]
    wake = figures["listen"]["wake"]
    lines = [
        "# Voice benchmark",
        "",
        f"Generated by `scripts/voice_benchmark.py` on {time.strftime('%Y-%m-%d')}, on a",
        "2-core machine. Speech is synthesised offline (Piper `joe` voice and espeak-ng); the",
        "audio path is a private PulseAudio daemon with null sinks through PortAudio.",
        "",
        "## End of speech to first audio of the answer (in-domain questions, mid-walk)",
        "",
        "| answer audio | questions | p50 | p95 | heard (p50) | bot (p50) | audio (p50) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, row in latency.items():
        part = {k: f"{v * 1000:.0f} ms" for k, v in row["parts"].items()}
        lines.append(
            f"| {label} | {row['n']} | {row['p50'] * 1000:.0f} ms | {row['p95'] * 1000:.0f} ms "
            f"| {part['heard']} | {part['bot']} | {part['audio']} |"
        )
    lines += [
        "",
        f"Includes the end-of-utterance wait ({LISTEN.end_silence_ms} ms of silence; recognition",
        f"starts after {LISTEN.early_decode_ms} ms of it), the bot's reply over REST and speech",
        "synthesis of the first sentence (playback starts while later sentences render). The",
        "cached row is what a walker gets for the bot's fixed answers (FAQ included): `retrowalk",
        "train` / `make run` render them into the clip cache ahead of any walk",
        "(`voice/answers.py`). Target: p50 at most 800 ms. Parts (medians): *heard* = end of",
        "speech to transcript (end-pointing and recognition), *bot* = transcript to the bot's",
        "reply over REST, *audio* = reply to its first sample reaching the speaker.",
        "",
        "## Time to first audio per speech engine (first sentence, warm)",
        "",
        "| engine | first sentence |",
        "|---|---:|",
    ]
    for name, seconds in tts.items():
        lines.append(f"| {name} | {seconds * 1000:.0f} ms |")
    lines += [
        "",
        "gTTS needs Google's servers, which cannot be reached here; it is only measured",
        "against the local stand-in in the tests.",
        "",
        "## Speech recognition",
        "",
        "| voice, questions | engine | WER | real-time factor |",
        "|---|---|---:|---:|",
    ]
    for key, row in _asr_rows(asr):
        lines.append(f"| {key} | {row[0]} | {row[1] * 100:.1f}% | {row[2]:.2f} |")
    lines += [
        "",
        "## Wake phrase",
        "",
        f"- hits: {wake['hit_rate'] * 100:.0f}% of {wake['positives']} positives",
        f"- false wakes: {wake['false_wakes']} in {wake['speech_minutes']:.1f} minutes of other "
        f"speech and noise ({wake['false_wakes_per_hour']:.2f} per hour; target at most 1); "
        f"{wake['noise_false_wakes']} in 1 minute of white noise",
        "",
    ]
    OUT.write_text("\n".join(lines))


def _asr_rows(asr: dict[str, Any]) -> list[tuple[str, tuple[str, float, float]]]:
    """Rows ``(voice, domain)``, ``(engine, wer, rtf)`` from keys ``engine/voice/domain``."""
    rows = []
    for key, row in asr.items():
        engine, voice, domain = key.split("/")
        rows.append((f"{voice}, {domain}-domain", (engine, float(row["wer"]), float(row["rtf"]))))
    return rows


def main() -> int:
    """Run every part and write the report."""
    import scripts.voice_benchmark_listen as listen_bench

    def report(line: str) -> None:
        print(line, flush=True)

    report("Voice benchmark: time to first audio per engine")
    tts = tts_first_audio(report)
    report("Voice benchmark: end of speech to first answer audio (live coach, PulseAudio)")
    latency = answer_latency(report)
    listen = listen_bench.run(report)
    write_report({"tts": tts, "latency": latency, "listen": listen})
    report(f"Wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
