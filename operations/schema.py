"""Create the coach's database schema once, before several instances start at once.

Rasa's SQL tracker store and our storage each create their tables on start-up; several
Rasa instances starting together race on that (PostgreSQL answers one of them with a
unique violation). The scaled-out topology therefore creates everything first, in one
process: ``python -m operations.schema`` (database from ``$RETROWALK_DATABASE_URL``),
the same step as the one-shot ``schema`` service of ``deploy/docker-compose.yml`` and the
init container of ``deploy/helm/values.yml``. Existing tables are kept.
"""

from __future__ import annotations

import argparse
import sys


def create_schema(database_url: str) -> None:
    """Create the conversation store's and the storage's tables and indexes if missing.

    Args:
        database_url: SQLAlchemy URL of the coach's database.
    """
    from operations.quiet import install_quiet_environment

    install_quiet_environment()
    from bot.rasa_adapters.tracker_store import WindowedSQLTrackerStore
    from bot.storage import Storage

    storage = Storage(database_url)
    try:
        storage.create_schema()
    finally:
        storage.close()
    store = WindowedSQLTrackerStore(host=database_url)
    store.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """``python -m operations.schema [--database-url URL]``."""
    from bot.storage import database_url

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: $RETROWALK_DATABASE_URL")
    args = parser.parse_args(argv)
    create_schema(args.database_url or database_url())
    print("schema ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
