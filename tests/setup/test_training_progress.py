"""Progress while training: Rasa's output read as it is written, shown as short lines."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from operations.training import TrainingProgress, run_with_progress

# Pieces of a real `rasa train` log of this project (models/train.log), in order.
RASA_OUTPUT = [
    "2026-12-06 07:08:54 INFO     rasa.cli.train  - Started validating domain and training data...",
    "2026-12-06 07:09:15 INFO     rasa.engine.training.hooks  - Starting to train component "
    "'LexicalSyntacticFeaturizer'.",
    "2026-12-06 07:09:15 INFO     rasa.engine.training.hooks  - Finished training component "
    "'LexicalSyntacticFeaturizer'.",
    "2026-12-06 07:09:31 INFO     rasa.engine.training.hooks  - Starting to train component "
    "'DIETClassifier'.",
    "Epochs:   0%|          | 0/60 [00:00<?, ?it/s]",
    "Epochs:   2%|▏         | 1/60 [00:08<08:49,  8.97s/it]",
    "Epochs:   2%|▏         | 1/60 [00:08<08:49,  8.97s/it, t_loss=4.29, i_acc=0.613]",
    "Epochs:   3%|▎         | 2/60 [00:12<05:40,  5.87s/it, t_loss=3.38, i_acc=0.884]",
    "Epochs:  17%|█▋        | 10/60 [00:47<03:30,  4.21s/it, t_loss=3.26, i_acc=0.997]",
    "Epochs: 100%|██████████| 60/60 [03:10<00:00,  3.1s/it, t_loss=2.9, i_acc=0.999]",
    "Processed trackers: 100%|██████████| 45/45 [00:00<00:00, 1499.39it/s]",
    "\x1b[92mYour Rasa model is trained and saved at '/work/main/models/retrowalk-c5.tar.gz'."
    "\x1b[0m",
]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_stages_and_epochs_become_short_lines() -> None:
    clock = Clock()
    lines: list[str] = []
    progress = TrainingProgress(lines.append, clock=clock, interval=10, epoch_interval=5)
    times = [0, 21, 21, 37, 37, 45, 45, 49, 84, 227, 227, 228]
    for at, piece in zip(times, RASA_OUTPUT, strict=True):
        clock.now = 100.0 + at
        progress.feed(piece)
    assert lines == [
        "    training: validating the domain and training data (0 s)",
        "    training: LexicalSyntacticFeaturizer (21 s)",
        "    training: DIETClassifier (37 s)",
        "    training: DIETClassifier epoch 1/60 (45 s)",  # the same epoch again: no line
        "    training: DIETClassifier epoch 10/60 (84 s)",  # 2/60 came within 5 s of 1/60
        "    training: DIETClassifier epoch 60/60 (227 s)",
        "    training: model saved (228 s)",
    ]


def test_a_silent_stage_still_gets_a_line_every_interval() -> None:
    clock = Clock()
    lines: list[str] = []
    progress = TrainingProgress(lines.append, clock=clock, interval=10)
    progress.feed(RASA_OUTPUT[3])
    for at in (4, 9.9, 10, 15, 20.5):
        clock.now = 100.0 + at
        progress.tick()
    assert lines == [
        "    training: DIETClassifier (0 s)",
        "    training: still DIETClassifier ... (10 s)",
        "    training: still DIETClassifier ... (20 s)",
    ]


def test_a_real_process_is_logged_whole_and_reported_as_it_runs(tmp_path: Path) -> None:
    """A child writing Rasa's kind of output, progress bars redrawn with carriage returns."""
    child = textwrap.dedent(
        """
        import sys, time
        out = sys.stdout
        out.write("INFO - Starting to train component 'DIETClassifier'.\\n"); out.flush()
        for done in range(4):
            out.write(f"\\rEpochs: {25 * done:3d}%|##   | {done}/3 [00:00<?, ?it/s]"); out.flush()
        out.write("\\n"); out.flush()
        sys.stderr.write("INFO - Starting to train component 'TEDPolicy'.\\n"); sys.stderr.flush()
        time.sleep(1.2)  # a stage that prints nothing for a while
        out.write("Your Rasa model is trained and saved at 'm.tar.gz'.\\n"); out.flush()
        sys.exit(7)
        """
    )
    lines: list[str] = []
    progress = TrainingProgress(lines.append, interval=0.4, epoch_interval=0)
    log = tmp_path / "train.log"
    status = run_with_progress([sys.executable, "-c", child], tmp_path, log, progress, poll_s=0.05)
    assert status == 7
    text = log.read_bytes()
    assert text.startswith(b"INFO - Starting to train component 'DIETClassifier'.\n\rEpochs:")
    assert text.count(b"\rEpochs:") == 4
    assert text.endswith(b"Your Rasa model is trained and saved at 'm.tar.gz'.\n")
    messages = [line.split(": ", 1)[1].rsplit(" (", 1)[0] for line in lines]
    assert messages[:5] == [
        "DIETClassifier",
        "DIETClassifier epoch 1/3",
        "DIETClassifier epoch 2/3",
        "DIETClassifier epoch 3/3",
        "TEDPolicy",
    ]
    assert "still TEDPolicy ..." in messages[5:-1]
    assert messages[-1] == "model saved"


def test_without_progress_the_output_is_only_logged(tmp_path: Path) -> None:
    log = tmp_path / "train.log"
    status = run_with_progress(
        [sys.executable, "-c", "print('Epochs: 100%|#| 3/3 [00:01<00:00]')"], tmp_path, log
    )
    assert status == 0
    assert log.read_text() == "Epochs: 100%|#| 3/3 [00:01<00:00]\n"
