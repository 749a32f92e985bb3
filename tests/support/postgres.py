"""A private, throwaway PostgreSQL server for tests (session-scoped pytest fixture).

The server is ``operations.postgres_server.PostgresServer`` (the one the scaled topology
uses): Debian's binaries (``apt-get install -y postgresql``), never the system cluster, a
temporary directory, a free port on 127.0.0.1, password authentication, durability off. As
root, PostgreSQL runs as the ``postgres`` system user. ``postgres_url`` yields the URL of an
empty database and removes the cluster at the end. Missing binaries fail the fixture (it
does not skip), naming the package.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from operations.postgres_server import PostgresError, PostgresServer

logger = logging.getLogger(__name__)

DATABASE = "retrowalk_test"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of an empty database on a private PostgreSQL server, stopped after the session."""
    try:
        server = PostgresServer()
    except PostgresError as error:
        pytest.fail(str(error))
    try:
        began = time.perf_counter()
        server.start()
        url = server.create_database(DATABASE)
        logger.info(
            "private PostgreSQL ready on 127.0.0.1:%d in %.2f s",
            server.port,
            time.perf_counter() - began,
        )
        yield url
    finally:
        server.destroy()
