"""Free TCP ports, and settings on them, for servers started beside others.

Tests, benchmarks and the topology start servers on private ports next to whatever already
runs on this machine.
"""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.settings import Settings


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def isolated(settings: Settings, var_dir: Path, **changes: Any) -> Settings:
    """``settings`` on a private run-time directory: its own SQLite database, free ports.

    For servers started beside others (tests, benchmarks).

    Args:
        settings: The settings to derive from (root, CORS, ...).
        var_dir: The run-time directory (database, logs, generated files).
        **changes: Further fields to replace.

    Returns:
        The new settings.
    """
    return replace(
        settings,
        var_dir=var_dir,
        database_url=f"sqlite:///{var_dir / 'retrowalk.db'}",
        rasa_port=free_port(),
        action_port=free_port(),
        **changes,
    )
