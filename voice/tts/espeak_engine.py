"""espeak-ng: a small, instant, robotic offline voice (the last resort)."""

from __future__ import annotations

import shutil
import subprocess

from voice.audio.clip import Clip
from voice.tts.base import TtsEngine, TtsError


class EspeakEngine(TtsEngine):
    """Runs ``espeak-ng --stdout`` and decodes its WAV output.

    The text goes through stdin, so a text starting with ``-`` is never read as an option.

    Args:
        voice: espeak-ng voice name (``espeak-ng --voices`` lists them), default ``en-us``.
        rate_wpm: Speaking rate in words per minute, default 160.
        timeout_s: The process is killed after this many seconds, default 5.
        binary: The espeak-ng executable (name on PATH or a path).
    """

    name = "espeak"

    def __init__(
        self,
        voice: str = "en-us",
        rate_wpm: int = 160,
        timeout_s: float = 5.0,
        binary: str = "espeak-ng",
    ) -> None:
        if not voice.strip():
            raise ValueError("espeak voice must not be empty")
        if not 80 <= rate_wpm <= 450:
            raise ValueError(f"espeak rate must be 80-450 words per minute, got {rate_wpm}")
        if timeout_s <= 0:
            raise ValueError(f"espeak timeout must be positive, got {timeout_s}")
        self.voice = voice.strip()
        self.rate_wpm = rate_wpm
        self.timeout_s = timeout_s
        self.binary = binary

    def voice_id(self) -> str:
        """``espeak:<voice>:<rate>``."""
        return f"espeak:{self.voice}:{self.rate_wpm}"

    def synthesize(self, text: str) -> Clip:
        """Speak ``text`` with espeak-ng.

        Raises:
            TtsError: espeak-ng missing, timed out, failed (e.g. unknown voice) or gave no audio.
        """
        if not text.strip():
            raise TtsError("nothing to speak")
        executable = shutil.which(self.binary)
        if executable is None:
            raise TtsError(
                f"espeak-ng is not installed ({self.binary!r} not found on PATH); "
                "install it with: apt-get install espeak-ng"
            )
        command = [
            executable,
            "--stdout",
            "-v",
            self.voice,
            "-s",
            str(self.rate_wpm),
            "--stdin",
        ]
        try:
            done = subprocess.run(
                command,
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise TtsError(f"espeak-ng timed out after {self.timeout_s:g} s") from error
        except OSError as error:
            raise TtsError(f"cannot run espeak-ng: {error}") from error
        if done.returncode != 0 or not done.stdout:
            message = done.stderr.decode("utf-8", "replace").strip() or "no audio"
            raise TtsError(f"espeak-ng failed (exit {done.returncode}): {message}")
        try:
            clip = Clip.from_bytes(done.stdout)
        except Exception as error:
            raise TtsError(f"espeak-ng output is not audio: {error}") from error
        if len(clip.samples) == 0:
            raise TtsError("espeak-ng produced an empty clip")
        return clip
