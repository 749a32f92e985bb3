"""Where the coach runs and keeps its data, from environment variables with documented defaults.

This lives in the domain package, not in :mod:`operations`, because the coach itself and its
clients read it at run time: :mod:`bot.storage` and the conversation store take the database
default (:func:`default_database_url`) and the run-time folder from here, and the voice coach
takes the Rasa server's address and the run-time folder (``voice/bot_client.py``,
``voice/app.py``). The operations package (servers, training, the topology) builds on the same
:class:`Settings`; settings on free ports for servers started beside others are
:func:`operations.ports.isolated`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.env import env_int, env_path, env_text, env_words

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATABASE_FILE = "retrowalk.db"


def default_var_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$RETROWALK_VAR_DIR``, else ``<root>/var`` (root: ``$RETROWALK_ROOT``, else the project)."""
    root = env_path("RETROWALK_ROOT", PROJECT_ROOT, environ=environ)
    return env_path("RETROWALK_VAR_DIR", root / "var", environ=environ)


def default_database_url(var_dir: Path) -> str:
    """The default database: ``sqlite:///<var_dir>/retrowalk.db``, the path made absolute.

    The one definition, used by :class:`Settings` and by :func:`bot.storage.database_url`.
    """
    return f"sqlite:///{(var_dir / DATABASE_FILE).resolve()}"


@dataclass(frozen=True)
class Settings:
    """Where the coach runs and keeps its data.

    Attributes:
        root: The project directory (config.yml, domain/, data/). Env ``RETROWALK_ROOT``.
        host: Interface the Rasa server binds to. Env ``RETROWALK_HOST``, default 127.0.0.1.
        rasa_port: Rasa server port. Env ``RETROWALK_RASA_PORT``, default 5005.
        action_port: Action server port. Env ``RETROWALK_ACTION_PORT``, default 5055.
        var_dir: Run-time files (database, logs, generated endpoints). Env
            ``RETROWALK_VAR_DIR``, default ``<root>/var``.
        database_url: SQLAlchemy URL of the conversation/profile database. Env
            ``RETROWALK_DATABASE_URL``, default ``sqlite:///<var_dir>/retrowalk.db``.
        models_dir: Trained models. Env ``RETROWALK_MODELS_DIR``, default ``<root>/models``.
        cors: Allowed CORS origins for the Rasa server, space-separated. Env
            ``RETROWALK_CORS``, default none (same origin only).
    """

    root: Path = field(default_factory=lambda: env_path("RETROWALK_ROOT", PROJECT_ROOT))
    host: str = field(default_factory=lambda: env_text("RETROWALK_HOST", "127.0.0.1"))
    rasa_port: int = field(
        default_factory=lambda: env_int("RETROWALK_RASA_PORT", 5005, minimum=1, maximum=65535)
    )
    action_port: int = field(
        default_factory=lambda: env_int("RETROWALK_ACTION_PORT", 5055, minimum=1, maximum=65535)
    )
    var_dir: Path = field(default_factory=lambda: env_path("RETROWALK_VAR_DIR", Path("")))
    database_url: str = field(default_factory=lambda: env_text("RETROWALK_DATABASE_URL"))
    models_dir: Path = field(default_factory=lambda: env_path("RETROWALK_MODELS_DIR", Path("")))
    cors: tuple[str, ...] = field(default_factory=lambda: env_words("RETROWALK_CORS"))

    def __post_init__(self) -> None:
        """Fill the defaults that depend on ``root``."""
        if not str(self.var_dir) or str(self.var_dir) == ".":
            object.__setattr__(self, "var_dir", self.root / "var")
        if not str(self.models_dir) or str(self.models_dir) == ".":
            object.__setattr__(self, "models_dir", self.root / "models")
        if not self.database_url:
            object.__setattr__(self, "database_url", default_database_url(self.var_dir))

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server, as reached from this machine."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        """Webhook URL of the action server."""
        return f"http://127.0.0.1:{self.action_port}/webhook"
