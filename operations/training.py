"""Build the spaCy pipeline and train the Rasa model only when its inputs changed.

Training takes minutes; :func:`ensure_model` can report it as it goes (``progress``): Rasa's
output is kept whole in ``models/train.log`` and read as it is written, and
:class:`TrainingProgress` turns it into short lines (``training: DIETClassifier epoch
40/60 (95 s)``) at least every ``interval`` seconds, also while Rasa prints nothing.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from operations.fingerprint import model_fingerprint

logger = logging.getLogger(__name__)

MODEL_PREFIX = "retrowalk-"


ProgressWriter = Callable[[str], None]

_VALIDATING = re.compile(r"Started validating domain and training data")
_COMPONENT = re.compile(r"Starting to train component '([^']+)'")
_EPOCHS = re.compile(r"Epochs:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+)")
_SAVED = re.compile(r"Your Rasa model is trained and saved")


class TrainingError(RuntimeError):
    """Training or the pipeline build failed; the message says where to look."""


@dataclass
class TrainingProgress:
    """Short progress lines from ``rasa train`` output.

    Feed it Rasa's output piece by piece (:meth:`feed`: a line, or one redraw of a progress
    bar) and call :meth:`tick` regularly. It writes a line when a stage starts (validation,
    each graph component), an epoch line at most every ``epoch_interval`` seconds (and the
    last epoch), and a "still ..." line when nothing was written for ``interval`` seconds.

    Attributes:
        write: Receives each line (without a newline).
        clock: Seconds, monotonic.
        interval: Longest silence before a "still ..." line.
        epoch_interval: Shortest time between two epoch lines of one component.
    """

    write: ProgressWriter
    clock: Callable[[], float] = time.monotonic
    interval: float = 10.0
    epoch_interval: float = 5.0
    stage: str = "starting Rasa"
    _started: float = field(init=False)
    _last_write: float = field(init=False)
    _last_epoch: float = field(init=False, default=float("-inf"))
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        """Start the clocks."""
        self._started = self._last_write = self.clock()

    def _emit(self, message: str) -> None:
        now = self.clock()
        self._last_write = now
        self.write(f"    training: {message} ({now - self._started:.0f} s)")

    def feed(self, text: str) -> None:
        """One piece of Rasa's output."""
        with self._lock:
            if _VALIDATING.search(text):
                self.stage = "validating the domain and training data"
                self._emit(self.stage)
            elif match := _COMPONENT.search(text):
                self.stage = match.group(1)
                self._last_epoch = float("-inf")
                self._emit(self.stage)
            elif match := _EPOCHS.search(text):
                done, total = int(match.group(1)), int(match.group(2))
                now = self.clock()
                if done > 0 and (done == total or now - self._last_epoch >= self.epoch_interval):
                    self._last_epoch = now
                    self._emit(f"{self.stage} epoch {done}/{total}")
            elif _SAVED.search(text):
                self.stage = "saving"
                self._emit("model saved")

    def tick(self) -> None:
        """Write a "still ..." line when nothing was written for ``interval`` seconds."""
        with self._lock:
            if self.clock() - self._last_write >= self.interval:
                self._emit(f"still {self.stage} ...")


def run_with_progress(
    command: Sequence[str],
    cwd: Path,
    log: Path,
    progress: TrainingProgress | None = None,
    poll_s: float = 1.0,
) -> int:
    """Run ``command`` with its output (stdout and stderr) in ``log``, fed to ``progress``.

    Args:
        command: The program and its arguments.
        cwd: Working directory.
        log: File that receives the complete output, as it comes.
        progress: Gets every line and progress-bar redraw, and a :meth:`~TrainingProgress.tick`
            every ``poll_s`` seconds.
        poll_s: How often to tick.

    Returns:
        The exit status.
    """
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(command), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        assert process.stdout is not None
        stream = process.stdout

        def pump() -> None:
            pending = b""
            while chunk := os.read(stream.fileno(), 65536):
                out.write(chunk)
                out.flush()
                if progress is None:
                    continue
                *pieces, pending = re.split(rb"[\r\n]", pending + chunk)
                for piece in pieces:
                    if piece.strip():
                        progress.feed(piece.decode("utf-8", "replace"))
            if progress is not None and pending.strip():
                progress.feed(pending.decode("utf-8", "replace"))

        reader = threading.Thread(target=pump, name="train-output", daemon=True)
        reader.start()
        while True:
            try:
                returncode = process.wait(timeout=poll_s)
                break
            except subprocess.TimeoutExpired:
                if progress is not None:
                    progress.tick()
        reader.join()
        stream.close()
    return returncode


def build_spacy_pipeline(
    root: Path, force: bool = False, progress: ProgressWriter | None = None
) -> None:
    """Build and install the rule-based spaCy pipeline ``en_retrowalk`` (skipped if current).

    Args:
        root: The project root.
        force: Rebuild even when the installed pipeline is current.
        progress: Receives a line before and after (with the time it took).

    Raises:
        TrainingError: If the build fails.
    """
    command = [sys.executable, "-m", "bot.nlp.build", *(["--force"] if force else [])]
    started = time.monotonic()
    if progress is not None:
        progress("    spaCy pipeline: checking (built from the rules in bot/nlp) ...")
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise TrainingError(f"spaCy pipeline build failed:\n{result.stdout}\n{result.stderr}")
    if progress is not None:
        progress(f"    spaCy pipeline: ready ({time.monotonic() - started:.0f} s)")


def model_path_for(root: Path, models_dir: Path) -> Path:
    """The model file the current inputs train into."""
    return models_dir / f"{MODEL_PREFIX}{model_fingerprint(root)}.tar.gz"


def ensure_model(
    root: Path,
    models_dir: Path,
    force: bool = False,
    log: Path | None = None,
    progress: ProgressWriter | None = None,
) -> Path:
    """Return a model trained on the current config, domain and data, training if needed.

    The model file is named after a fingerprint of its inputs (see
    :mod:`operations.fingerprint`), so an unchanged project never trains twice.

    Args:
        root: The project root.
        models_dir: Where models are kept.
        force: Train even if a model for the current inputs exists.
        log: File for the training output (default: ``<models_dir>/train.log``).
        progress: Receives progress lines (stages, epochs, at least every 10 s while
            training); ``None``: quiet.

    Returns:
        The path of the trained model.

    Raises:
        TrainingError: If training fails.
    """
    build_spacy_pipeline(root, progress=progress)
    target = model_path_for(root, models_dir)
    if target.exists() and not force:
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    log = log or models_dir / "train.log"
    command = [
        sys.executable,
        "-m",
        "operations.quiet",
        "rasa",
        "train",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data",
        "--out",
        str(models_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    if force:
        command.append("--force")
    started = time.monotonic()
    if progress is not None:
        progress(f"    training the model (minutes; Rasa's full output: {log}) ...")
    returncode = run_with_progress(
        command, root, log, TrainingProgress(progress) if progress is not None else None
    )
    if returncode != 0 or not target.exists():
        raise TrainingError(f"rasa train failed (exit {returncode}); see {log}")
    logger.info("Trained %s in %.0f s", target.name, time.monotonic() - started)
    for old in models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old != target:
            old.unlink()
    return target
