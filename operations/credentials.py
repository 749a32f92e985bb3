"""The channels file the Rasa server is started with: only channels whose secrets are set.

``credentials.yml`` lists every channel the coach can serve. An entry may name the
environment variables it cannot work without::

    bot.rasa_adapters.channels.telegram.TelegramInput:
      required_env: [RETROWALK_TELEGRAM_TOKEN, RETROWALK_TELEGRAM_SECRET]

:func:`write_credentials` writes ``var/credentials.yml`` with the entries whose variables are
all set (``required_env`` removed, since Rasa passes the rest to the channel), and logs one line
for each channel left out. Secrets themselves are never written: channels read them from the
environment.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.env import env_text
from bot.settings import Settings

LOG = logging.getLogger(__name__)

REQUIRED_ENV_KEY = "required_env"


@dataclass(frozen=True)
class SkippedChannel:
    """A channel that is not started.

    Attributes:
        name: Its key in ``credentials.yml`` (a channel name or a module path).
        missing: The environment variables it needs that are not set.
    """

    name: str
    missing: tuple[str, ...]

    @property
    def message(self) -> str:
        """The log line for it."""
        short = self.name.rsplit(".", 1)[-1]
        return f"channel {short} not started: set {', '.join(self.missing)} to enable it"


def select_channels(
    channels: Mapping[str, Any], environ: Mapping[str, str]
) -> tuple[dict[str, Any], list[SkippedChannel]]:
    """The channels whose ``required_env`` variables are all set (non-empty), and the others.

    Args:
        channels: The parsed ``credentials.yml``.
        environ: The environment the server will run with.

    Returns:
        ``(kept, skipped)``: kept entries without their ``required_env`` key, and the
        channels left out with what they miss.
    """
    kept: dict[str, Any] = {}
    skipped: list[SkippedChannel] = []
    for name, entry in channels.items():
        config = dict(entry or {})
        required = config.pop(REQUIRED_ENV_KEY, None) or []
        missing = tuple(var for var in required if not env_text(var, environ=environ))
        if missing:
            skipped.append(SkippedChannel(name, missing))
        else:
            kept[name] = config or None
    return kept, skipped


def write_credentials(settings: Settings, environ: Mapping[str, str]) -> Path:
    """Write ``var/credentials.yml`` for this run and log each channel left out.

    Args:
        settings: Where ``credentials.yml`` is (``root``) and where to write (``var_dir``).
        environ: The environment the Rasa server will run with.

    Returns:
        The written file.
    """
    source = yaml.safe_load((settings.root / "credentials.yml").read_text()) or {}
    kept, skipped = select_channels(source, environ)
    for channel in skipped:
        LOG.warning(channel.message)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = settings.var_dir / "credentials.yml"
    path.write_text(yaml.safe_dump(kept, sort_keys=False))
    return path
