"""The ``retrowalk walk`` sub-command's options, without importing the voice stack.

``operations.cli`` builds its parser from this module on every command (``--help`` included) and
imports :mod:`voice.app`, which loads the voice coach, only to run a walk.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``walk`` sub-command's options."""
    parser.add_argument(
        "--sender", default=None, help="your user id, as in the chat (env RETROWALK_SENDER)"
    )
    parser.add_argument("--week", type=int, default=None, help="walk this week of your plan")
    parser.add_argument("--day", type=int, default=None, help="walk this session of the week")
    parser.add_argument("--text-only", action="store_true", help="no sound: cues on screen")
    parser.add_argument("--no-mic", action="store_true", help="do not listen (keyboard only)")
    parser.add_argument(
        "--speed", type=float, default=None, help="run walk time faster (demo), e.g. 10"
    )
    parser.add_argument("--bot-url", default=None, help="the coach's Rasa server URL")
