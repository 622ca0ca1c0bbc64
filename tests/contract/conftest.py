"""The ``world`` fixture: each contract test runs on LocalBackend (SQLite), LocalBackend
(PostgreSQL) and RemoteBackend (a real ``hotline serve``) — see ``harness``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PG_ENV, pg_url
from tests.contract.harness import (
    Server,
    World,
    local_world,
    make_earlier,
    prepare_store,
    remote_world,
)

WORLDS = ("local-sqlite", "local-pg", "remote")


@pytest.fixture(scope="module", params=WORLDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One seeded platform per module and backend kind; tests make their own tickets."""
    kind = request.param
    folder: Path = tmp_path_factory.mktemp(kind)
    if kind == "local-pg" and pg_url() is None:
        pytest.skip(
            f"LocalBackend on PostgreSQL is off: set {PG_ENV}=postgresql+psycopg://user@host:port/db"
        )
    if kind == "local-sqlite":
        url = f"sqlite:///{folder / 'hotline.db'}"
    elif kind == "local-pg" or pg_url() is not None:
        url = request.getfixturevalue("pg_database")  # remote uses PostgreSQL when it is on
    else:
        url = f"sqlite:///{folder / 'hotline.db'}"
    store = prepare_store(url)
    earlier = make_earlier(store)  # before the server warms its indexes
    server: Server | None = None
    try:
        if kind == "remote":
            server = Server(url, folder).start()
            remote = remote_world(store, server)
            remote.earlier = earlier
            try:
                yield remote
            finally:
                remote.close()
        else:
            world = local_world(kind, store)
            world.earlier = earlier
            yield world
    finally:
        if server is not None:
            server.stop()
        store.dispose()
