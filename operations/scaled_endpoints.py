"""The endpoints file of one Rasa instance in the scaled-out topology.

Same as ``endpoints.yml`` (the windowed SQL tracker store on ``$RETROWALK_DATABASE_URL``),
plus Rasa's Redis lock store, so that the messages of one conversation are processed one
at a time and in order whichever instance receives them, and the action endpoint set to
the action gateway (nginx in front of the action servers).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.settings import Settings

LOCK_KEY_PREFIX = "retrowalk"


@dataclass(frozen=True)
class RedisLockStore:
    """Where Rasa's ``RedisLockStore`` keeps the conversation locks.

    Attributes:
        host: Redis host name (Rasa's ``url:``).
        port: Redis port.
        db: Redis database number (Rasa's default for locks is 1).
        key_prefix: Prefix of the lock keys (letters and digits).
    """

    host: str
    port: int
    db: int = 1
    key_prefix: str = LOCK_KEY_PREFIX

    def endpoint(self) -> dict[str, object]:
        """The ``lock_store`` entry of an endpoints file."""
        return {
            "type": "redis",
            "url": self.host,
            "port": self.port,
            "db": self.db,
            "key_prefix": self.key_prefix,
        }


def scaled_endpoints(settings: Settings, action_url: str, lock_store: RedisLockStore) -> dict:
    """``endpoints.yml`` with ``action_url`` as the action endpoint and the lock store added.

    Args:
        settings: Where ``endpoints.yml`` is (``settings.root``).
        action_url: The action gateway's webhook URL.
        lock_store: The Redis lock store.
    """
    endpoints = yaml.safe_load((settings.root / "endpoints.yml").read_text())
    endpoints.setdefault("action_endpoint", {})["url"] = action_url
    endpoints["lock_store"] = lock_store.endpoint()
    return dict(endpoints)


def write_scaled_endpoints(settings: Settings, action_url: str, lock_store: RedisLockStore) -> Path:
    """Write :func:`scaled_endpoints` to ``<settings.var_dir>/endpoints.yml``; return its path."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = settings.var_dir / "endpoints.yml"
    path.write_text(
        yaml.safe_dump(scaled_endpoints(settings, action_url, lock_store), sort_keys=False)
    )
    return path
