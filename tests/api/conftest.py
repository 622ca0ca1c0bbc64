"""A real ``hotline serve`` on 127.0.0.1 for the API tests, with seats and their tokens.

The server's database is an SQLite file; the fuzzing test (``test_fuzz.py``) asks for
PostgreSQL when HOTLINE_TEST_PG is set, which refuses more than SQLite does (over-long
values, NUL characters, integers past 64 bits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from console.services.access import seats
from console.services.values import Role
from console.store.engine import Store
from tests.contract.harness import SEATS, Server, prepare_store


@dataclass
class Api:
    """A running server, its store, and a token per seat of ``harness.SEATS``."""

    server: Server
    store: Store
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def auth(self, seat: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[seat]}"}

    def add_seat(self, name: str, role: Role, unit: str | None = None, **kw: object) -> str:
        now = kw.pop("now", dt.datetime.now(dt.UTC))
        _, token = seats.add_seat(self.store, name, role, unit, now=now, **kw)  # type: ignore[arg-type]
        return token


def start_api(
    url: str, folder: Path, args: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> Iterator[Api]:
    """A server over ``url`` (``args``: more options of `hotline serve`; ``env``: more of its
    environment)."""
    store = prepare_store(url)
    server = Server(url, folder, env_extra=dict(env or {}), args=args).start()
    try:
        api = Api(server, store)
        for key, (name, role, unit) in SEATS.items():
            api.tokens[key] = api.add_seat(name, role, unit)
        yield api
    finally:
        server.stop()
        store.dispose()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("api")
    yield from start_api(f"sqlite:///{folder / 'hotline.db'}", folder)
