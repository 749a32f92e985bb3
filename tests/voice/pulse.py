"""Real audio without a sound card: a private PulseAudio daemon with a speaker and a microphone.

:class:`PulseAudio` starts ``pulseaudio`` as a child process in a temporary directory (its own
socket, runtime and state directories, no configuration from ``$HOME``, no autospawn) with two
null sinks: ``retrowalk_speaker`` (the default sink: what the app plays reaches it) and
``retrowalk_mic`` (its monitor is the default source: what is played into it is what the app's
microphone hears). It points ``PULSE_SERVER`` at itself and re-initialises PortAudio, so
``sounddevice`` sees the daemon whether or not it was imported before.

:class:`SpeakerRecorder` records the speaker sink's monitor with ``parec`` and maps every
recorded sample to ``time.monotonic()``; :func:`say_into_mic` plays a clip into the virtual
microphone with ``pacat``.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from voice.audio.clip import Clip
from voice.audio.devices import reinitialise_portaudio

SPEAKER = "retrowalk_speaker"
MIC = "retrowalk_mic"
RECORD_RATE = 16000
ANCHOR_LATENCY_MS = 10
"""Latency requested by the idle monitor readers that keep each null sink on short blocks.

Without a client asking for low latency a null sink renders 2 s ahead, and a new PortAudio
stream then waits up to 2 s for its first request (measured: 5 callbacks, then a 2 s stall).
The ALSA pulse plugin PortAudio uses does not ask for low latency itself."""

PR_SET_PDEATHSIG = 1

ENV_KEYS = ("PULSE_SERVER", "PULSE_CLIENTCONFIG", "PULSE_SINK", "PULSE_SOURCE")


class PulseAudioError(RuntimeError):
    """The private daemon did not start or a command against it failed."""


def _die_with_parent() -> None:
    """In the child before exec: get SIGKILL when the test process dies (no stray daemons)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _watch_exit(process: subprocess.Popen[bytes]) -> threading.Event:
    exited = threading.Event()

    def wait() -> None:
        process.wait()
        exited.set()

    threading.Thread(target=wait, name=f"wait-{process.pid}", daemon=True).start()
    return exited


class PulseAudio:
    """A private PulseAudio daemon (see the module docstring).

    Args:
        realtime: Let the daemon use real-time scheduling (it runs as root here): keeps its
            timing steady when the machine is busy.
    """

    def __init__(self, realtime: bool = True) -> None:
        self.realtime = realtime
        self.dir: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._exited = threading.Event()
        self._saved_env: dict[str, str | None] = {}
        self._anchors: list[subprocess.Popen[bytes]] = []
        self.startup_s: float | None = None

    @property
    def server(self) -> str:
        """The ``PULSE_SERVER`` value of this daemon."""
        assert self.dir is not None, "not started"
        return f"unix:{self.dir / 'runtime' / 'native'}"

    def client_env(self) -> dict[str, str]:
        """An environment for ``pactl``/``pacat``/``parec`` talking to this daemon."""
        assert self.dir is not None, "not started"
        env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
        env.update(PULSE_SERVER=self.server, PULSE_CLIENTCONFIG=str(self.dir / "client.conf"))
        return env

    def start(self, timeout: float = 15.0) -> PulseAudio:
        """Start the daemon, wait until it answers, then make this process use it."""
        began = time.monotonic()
        self.dir = Path(tempfile.mkdtemp(prefix="retrowalk-pulse-"))
        runtime = self.dir / "runtime"
        runtime.mkdir(mode=0o700)
        for sub in ("state", "config", "home"):
            (self.dir / sub).mkdir()
        (self.dir / "client.conf").write_text("autospawn = no\n")
        script = self.dir / "default.pa"
        script.write_text(
            f"load-module module-native-protocol-unix auth-anonymous=1 socket={runtime}/native\n"
            f"load-module module-null-sink sink_name={SPEAKER} "
            "sink_properties=device.description=RetroWalk_speaker\n"
            f"load-module module-null-sink sink_name={MIC} rate=16000 channels=1 "
            "sink_properties=device.description=RetroWalk_microphone\n"
            f"set-default-sink {SPEAKER}\n"
            f"set-default-source {MIC}.monitor\n"
        )
        env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
        env.update(
            HOME=str(self.dir / "home"),
            XDG_RUNTIME_DIR=str(runtime),
            XDG_CONFIG_HOME=str(self.dir / "config"),
            PULSE_RUNTIME_PATH=str(runtime),
            PULSE_STATE_PATH=str(self.dir / "state"),
            PULSE_CLIENTCONFIG=str(self.dir / "client.conf"),
        )
        flag = "true" if self.realtime else "false"
        command = [
            "pulseaudio",
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=false",
            f"--realtime={flag}",
            f"--high-priority={flag}",
            "--log-target=stderr",
            "-F",
            str(script),
        ]
        with open(self.dir / "pulse.log", "wb") as log:
            self.process = subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                preexec_fn=_die_with_parent,
            )
        self._exited = _watch_exit(self.process)
        self._wait_ready(timeout)
        self._anchors = [self._anchor(SPEAKER), self._anchor(MIC)]
        self._wait_until(
            lambda: len(self.pactl("list", "short", "source-outputs").splitlines()) >= 2,
            timeout,
            "the latency anchors did not connect",
        )
        for sink in (SPEAKER, MIC):  # restart the sinks' clocks, which ran 2 s ahead while idle
            self.pactl("suspend-sink", sink, "1")
            self.pactl("suspend-sink", sink, "0")
        self._activate()
        self.startup_s = time.monotonic() - began
        return self

    def _wait_ready(self, timeout: float) -> None:
        wanted = f"Default Source: {MIC}.monitor"

        def ready() -> bool:
            info = subprocess.run(
                ["pactl", "info"], env=self.client_env(), capture_output=True, text=True, timeout=5
            )
            return info.returncode == 0 and wanted in info.stdout

        self._wait_until(ready, timeout, "PulseAudio did not become ready")

    def _wait_until(self, check: Callable[[], bool], timeout: float, failure: str) -> None:
        """Poll ``check`` every 20 ms, waking at once if the daemon exits; bounded."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            if self._exited.wait(0.02):
                break
        log = self.log_tail()
        self.stop()
        raise PulseAudioError(f"{failure} within {timeout} s:\n{log}")

    def _anchor(self, sink: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                "parec",
                f"--device={sink}.monitor",
                "--raw",
                "--format=s16le",
                "--rate=8000",
                "--channels=1",
                f"--latency-msec={ANCHOR_LATENCY_MS}",
            ],
            env=self.client_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )

    def _activate(self) -> None:
        self._saved_env = {key: os.environ.get(key) for key in ENV_KEYS}
        for key in ENV_KEYS:
            os.environ.pop(key, None)
        os.environ.update(
            PULSE_SERVER=self.server,
            PULSE_CLIENTCONFIG=str(self.client_env()["PULSE_CLIENTCONFIG"]),
        )
        reinitialise_portaudio()

    def _restore_env(self) -> None:
        if not self._saved_env:
            return
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env = {}
        reinitialise_portaudio()

    def pactl(self, *args: str) -> str:
        """Run ``pactl`` against this daemon and return its output."""
        result = subprocess.run(
            ["pactl", *args], env=self.client_env(), capture_output=True, text=True, timeout=10
        )
        if result.returncode != 0:
            raise PulseAudioError(f"pactl {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def log_tail(self, lines: int = 40) -> str:
        """The end of the daemon's log."""
        if self.dir is None or not (self.dir / "pulse.log").exists():
            return ""
        return "\n".join((self.dir / "pulse.log").read_text(errors="replace").splitlines()[-lines:])

    def kill(self) -> None:
        """Kill the daemon abruptly (a sound device vanishing), keeping the environment."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self._exited.wait(5)

    def stop(self) -> None:
        """Stop the daemon, restore the environment and PortAudio, and remove its files."""
        for anchor in self._anchors:
            anchor.kill()
            anchor.wait(5)
        self._anchors = []
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            if not self._exited.wait(5):
                self.kill()
        self._restore_env()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None


class SpeakerRecorder:
    """Records what reaches the speaker sink, with each sample's ``time.monotonic()``.

    ``parec`` delivers the monitor in ~10 ms blocks; a block cannot arrive before its last
    sample was rendered, so ``arrival - samples_so_far / rate`` is an upper bound of the
    recording's start time and its minimum over all blocks estimates it (:attr:`start_time`).
    Times are when audio entered the sink (a null sink renders about one 10 ms block ahead),
    so they are good to about 10 ms; measured block lateness (recorder latency) is ~3-7 ms.
    """

    def __init__(self, pulse: PulseAudio, sink: str = SPEAKER, rate: int = RECORD_RATE) -> None:
        self.pulse = pulse
        self.sink = sink
        self.rate = rate
        self._data = bytearray()
        self._arrivals: list[tuple[float, int]] = []
        self._start = float("inf")
        self._lock = threading.Lock()
        self._grew = threading.Condition(self._lock)
        self.flowing = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self.clip: Clip | None = None

    def start(self, timeout: float = 5.0) -> SpeakerRecorder:
        """Start ``parec`` and return once the first audio block arrived."""
        self._process = subprocess.Popen(
            [
                "parec",
                f"--device={self.sink}.monitor",
                "--raw",
                "--format=s16le",
                f"--rate={self.rate}",
                "--channels=1",
                "--latency-msec=10",
            ],
            env=self.pulse.client_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._reader = threading.Thread(target=self._read, name="speaker-recorder", daemon=True)
        self._reader.start()
        if not self.flowing.wait(timeout):
            self.stop()
            raise PulseAudioError(f"no audio from {self.sink}.monitor within {timeout} s")
        return self

    def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        fd = self._process.stdout.fileno()
        while True:
            block = os.read(fd, 4096)
            now = time.monotonic()
            if not block:
                return
            with self._lock:
                self._data += block
                count = len(self._data) // 2
                self._arrivals.append((now, count))
                self._start = min(self._start, now - count / self.rate)
                self._grew.notify_all()
            self.flowing.set()

    @property
    def start_time(self) -> float:
        """``time.monotonic()`` of the first recorded sample (estimated, see the class)."""
        with self._lock:
            return self._start_time()

    def _start_time(self) -> float:
        return self._start

    def arrival_jitter_s(self) -> float:
        """Median lateness of the blocks against :attr:`start_time` (recorder latency)."""
        start = self.start_time
        with self._lock:
            lateness = [at - count / self.rate - start for at, count in self._arrivals]
        return float(np.median(lateness))

    def elapsed(self, monotonic_time: float) -> float:
        """Seconds into the recording that correspond to ``monotonic_time``."""
        return monotonic_time - self.start_time

    def wait_for(self, monotonic_time: float, timeout: float = 5.0) -> None:
        """Block until samples up to ``monotonic_time`` have been recorded."""

        def reached() -> bool:
            return self._start_time() + len(self._data) // 2 / self.rate >= monotonic_time

        with self._grew:
            if not self._grew.wait_for(reached, timeout):
                raise PulseAudioError(f"recording did not reach {monotonic_time:.3f} in time")

    def stop(self) -> Clip:
        """Stop recording; the recording so far as a :class:`Clip` (also kept in ``clip``)."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(5)
        if self._reader is not None:
            self._reader.join(5)
        with self._lock:
            samples = np.frombuffer(bytes(self._data[: len(self._data) // 2 * 2]), np.int16)
        self.clip = Clip(samples.copy(), self.rate)
        return self.clip

    def samples(self) -> np.ndarray:
        """The recording so far (float32)."""
        with self._lock:
            raw = np.frombuffer(bytes(self._data[: len(self._data) // 2 * 2]), np.int16)
        return raw.astype(np.float32) / 32768.0

    def onsets(
        self, threshold: float = 0.05, min_gap_s: float = 0.1, window_s: float = 0.005
    ) -> list[float]:
        """Seconds into the recording where audio bursts begin.

        A burst begins at the first window whose peak exceeds ``threshold`` after at least
        ``min_gap_s`` below it.
        """
        return onsets(self.samples(), self.rate, threshold, min_gap_s, window_s)


def window_peaks(samples: np.ndarray, rate: int, window_s: float) -> np.ndarray:
    """Peak absolute value per window of ``window_s`` seconds."""
    size = max(1, round(window_s * rate))
    count = len(samples) // size
    return np.abs(samples[: count * size]).reshape(count, size).max(axis=1)


def onsets(
    samples: np.ndarray, rate: int, threshold: float, min_gap_s: float, window_s: float
) -> list[float]:
    """Start times (s) of bursts in ``samples`` (see :meth:`SpeakerRecorder.onsets`)."""
    size = max(1, round(window_s * rate))
    loud = window_peaks(samples, rate, window_s) > threshold
    gap = max(1, round(min_gap_s / window_s))
    found = []
    quiet_run = gap
    for index, is_loud in enumerate(loud):
        if is_loud:
            if quiet_run >= gap:
                window = np.abs(samples[index * size : (index + 1) * size])
                first = int(np.argmax(window > threshold))
                found.append((index * size + first) / rate)
            quiet_run = 0
        else:
            quiet_run += 1
    return found


def align(recorded: np.ndarray, reference: np.ndarray) -> tuple[int, float]:
    """Where ``reference`` best matches inside ``recorded``: (sample offset, Pearson r)."""
    size = 1 << int(np.ceil(np.log2(len(recorded) + len(reference))))
    spectrum = np.fft.rfft(recorded, size) * np.conj(np.fft.rfft(reference, size))
    xcorr = np.fft.irfft(spectrum, size)[: len(recorded) - len(reference) + 1]
    offset = int(np.argmax(np.abs(xcorr)))
    segment = recorded[offset : offset + len(reference)]
    r = float(np.corrcoef(segment, reference)[0, 1])
    return offset, r


class MicSpeech:
    """A clip being played into the virtual microphone; :meth:`wait` until it finished."""

    def __init__(self, process: subprocess.Popen[bytes], data: bytes) -> None:
        self.process = process
        self.started_at = time.monotonic()
        self.finished_at: float | None = None
        self.done = threading.Event()
        threading.Thread(target=self._feed, args=(data,), name="mic-feed", daemon=True).start()

    def _feed(self, data: bytes) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(data)
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        self.process.wait()
        self.finished_at = time.monotonic()
        self.done.set()

    def wait(self, timeout: float = 30.0) -> None:
        """Block until ``pacat`` played it all (it drains before exiting)."""
        if not self.done.wait(timeout):
            self.process.kill()
            raise PulseAudioError(f"pacat did not finish within {timeout} s")
        if self.process.returncode != 0:
            raise PulseAudioError(f"pacat failed with exit status {self.process.returncode}")


def say_into_mic(pulse: PulseAudio, clip: Clip, sink: str = MIC) -> MicSpeech:
    """Play ``clip`` into the virtual microphone (what the default source records)."""
    process = subprocess.Popen(
        [
            "pacat",
            "--playback",
            f"--device={sink}",
            "--raw",
            "--format=s16le",
            f"--rate={clip.rate}",
            "--channels=1",
            "--latency-msec=500",
        ],
        env=pulse.client_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return MicSpeech(process, clip.to_int16().tobytes())


@contextmanager
def dead_pulse_server() -> Iterator[str]:
    """Point this process at a PulseAudio socket nobody listens on (no sound device at all)."""
    saved = {key: os.environ.get(key) for key in ENV_KEYS}
    directory = Path(tempfile.mkdtemp(prefix="retrowalk-nopulse-"))
    (directory / "client.conf").write_text("autospawn = no\n")
    for key in ENV_KEYS:
        os.environ.pop(key, None)
    os.environ["PULSE_SERVER"] = f"unix:{directory / 'no-such-socket'}"
    os.environ["PULSE_CLIENTCONFIG"] = str(directory / "client.conf")
    reinitialise_portaudio()
    try:
        yield os.environ["PULSE_SERVER"]
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reinitialise_portaudio()
        shutil.rmtree(directory, ignore_errors=True)


def tone(freq: float, seconds: float, rate: int = 16000, amplitude: float = 0.4) -> Clip:
    """A sine tone with 5 ms fades (so its start and end do not click)."""
    t = np.arange(round(seconds * rate)) / rate
    samples = amplitude * np.sin(2 * np.pi * freq * t)
    fade = min(len(t) // 2, round(0.005 * rate))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade)
        samples[:fade] *= ramp
        samples[len(t) - fade :] *= ramp[::-1]
    return Clip(samples.astype(np.float32), rate)


def chirp(low: float, high: float, seconds: float, rate: int, amplitude: float = 0.4) -> Clip:
    """A linear frequency sweep with varying loudness: it matches itself at one offset only."""
    t = np.arange(round(seconds * rate)) / rate
    phase = 2 * np.pi * (low * t + (high - low) * t**2 / (2 * seconds))
    envelope = 0.6 + 0.4 * np.sin(2 * np.pi * 3 * t / seconds) * np.hanning(len(t))
    samples = amplitude * envelope * np.sin(phase) * np.minimum(1.0, np.minimum(t, t[::-1]) / 0.005)
    return Clip(samples.astype(np.float32), rate)


def band_levels(samples: np.ndarray, rate: int, freq: float, window_s: float = 0.02) -> np.ndarray:
    """Amplitude of the ``freq`` component in consecutive windows (Hann-windowed projection)."""
    size = round(window_s * rate)
    count = len(samples) // size
    frames = samples[: count * size].reshape(count, size)
    window = np.hanning(size)
    basis = np.exp(-2j * np.pi * freq * np.arange(size) / rate) * window
    return np.asarray(2 * np.abs(frames @ basis) / window.sum())


def rms(samples: np.ndarray) -> float:
    """Root mean square."""
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
