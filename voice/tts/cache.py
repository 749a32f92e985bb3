"""Rendered clips on disk, keyed by voice and text, so a cue is synthesized once."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from voice.audio.clip import Clip

log = logging.getLogger(__name__)


class ClipCache:
    """A directory of WAV files named by ``sha256(voice_id, text)``.

    Writes are atomic (temporary file in the same directory, then rename), so a crash or a
    failed synthesis never leaves a partial or empty file under a key. A file that is empty or
    cannot be decoded is treated as a miss and removed.

    Args:
        directory: Where the clips live; created on the first :meth:`put`.
    """

    SUFFIX = ".wav"

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @staticmethod
    def key(voice_id: str, text: str) -> str:
        """The cache key of ``text`` spoken by the voice ``voice_id`` (hex sha256)."""
        digest = hashlib.sha256()
        digest.update(voice_id.encode("utf-8"))
        digest.update(b"\0")
        digest.update(text.encode("utf-8"))
        return digest.hexdigest()

    def path(self, key: str) -> Path:
        """The file that holds (or would hold) ``key``."""
        return self.directory / f"{key}{self.SUFFIX}"

    def get(self, key: str) -> Clip | None:
        """The cached clip, or None when missing, empty or unreadable (then the file is removed)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("tts cache: cannot read %s: %s", path, error)
            return None
        try:
            clip = Clip.from_bytes(data) if data else None
        except Exception as error:  # libsndfile raises its own error types
            log.warning("tts cache: dropping unreadable %s: %s", path, error)
            clip = None
        if clip is None or len(clip.samples) == 0:
            self._remove(path)
            return None
        return clip

    def put(self, key: str, clip: Clip) -> None:
        """Store ``clip`` under ``key`` atomically (replaces any existing file)."""
        if len(clip.samples) == 0:
            raise ValueError("refusing to cache an empty clip")
        data = clip.to_wav_bytes()
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as temp:
                temp.write(data)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, self.path(key))
        except BaseException:
            self._remove(Path(temp_name))
            raise

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.path(key).is_file()

    def keys(self) -> list[str]:
        """Keys of the files present (not validated)."""
        if not self.directory.is_dir():
            return []
        return sorted(p.stem for p in self.directory.glob(f"*{self.SUFFIX}"))

    @staticmethod
    def _remove(path: Path) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            log.warning("tts cache: cannot remove %s: %s", path, error)
