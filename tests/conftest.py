"""Shared fixtures: a drill clock, and a migrated store on SQLite and (when switched on) PostgreSQL.

PostgreSQL tests run when HOTLINE_TEST_PG names a server (``.ci/run`` sets it), e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``; each test session works in a database
of its own, created and dropped here.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import threading
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from console.bootstrap import open_store
from console.services.analytics import hot_store
from console.services.clock import SHANGHAI, DrillClock
from console.store.engine import Store
from console.store.migrate import upgrade
from console.store.models import Base

PG_ENV = "HOTLINE_TEST_PG"
REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def session_audit_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The audit key of stores and servers opened by module- and session-wide fixtures: never
    the user's own data folder."""
    path = tmp_path_factory.mktemp("audit-key") / "audit.key"
    old = os.environ.get("HOTLINE_AUDIT_KEY_FILE")
    os.environ["HOTLINE_AUDIT_KEY_FILE"] = str(path)
    try:
        yield path
    finally:
        if old is None:
            os.environ.pop("HOTLINE_AUDIT_KEY_FILE", None)
        else:
            os.environ["HOTLINE_AUDIT_KEY_FILE"] = old


@pytest.fixture(autouse=True)
def audit_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test keys its audit trail with a key of its own, kept in its tmp_path (R-SECURITY)."""
    path = tmp_path / "audit-key" / "audit.key"
    monkeypatch.setenv("HOTLINE_AUDIT_KEY_FILE", str(path))
    return path


HOT_PATIENCE = 120.0
"""Seconds a test's look at hot matters waits for the first grouping (a seat waits five)."""


@pytest.fixture(autouse=True)
def patient_hot_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A look at hot matters waits for the first grouping of the tickets as long as it takes
    (up to ``HOT_PATIENCE``): a seat's five seconds is a time limit, and a suite on a loaded
    machine can exceed it grouping twenty tickets. A test of the limit sets its own."""
    monkeypatch.setattr(hot_store, "PATIENCE", HOT_PATIENCE)


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database, dropped at the end (skips without PostgreSQL)."""
    base = pg_url()
    if base is None:
        pytest.skip(
            f"PostgreSQL tests are off: set {PG_ENV}=postgresql+psycopg://user@host:port/db"
        )
    name = f"hotline_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    store = open_store(url)
    upgrade(store)
    store.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped afterwards)."""
    with fresh_pg_database() as url:
        yield url


@pytest.fixture(scope="module")
def module_pg_database() -> Iterator[str]:
    """A PostgreSQL database of the module's own, for a server kept up for a whole module: the
    session's database is truncated by other tests, and a trail's checkpoints are per
    database, so two such servers must not share one."""
    with fresh_pg_database() as url:
        yield url


def _end_leftover_sessions(store: Store) -> None:
    """End the database's other sessions that are inside a transaction before the truncation.

    The session's database belongs to this test process, and tests run one at a time in it, so
    at a store's setup any other open transaction is a leftover of an earlier test (a daemon
    thread still reading, a connection its test did not close). TRUNCATE waits for every such
    lock and then fails on the lock timeout, failing a test that did nothing wrong; the
    leftover is named in a warning instead, so whoever left it can be found."""
    with store.write_engine.connect() as conn:
        leftovers = conn.execute(
            text(
                "SELECT pid, state, application_name, left(query, 200) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND xact_start IS NOT NULL"
            )
        ).all()
        for pid, state, application, query in leftovers:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            warnings.warn(
                f"a session left by an earlier test was ended before truncating: "
                f"pid {pid}, {state}, {application!r}: {query}",
                stacklevel=2,
            )
        conn.commit()


def _truncate(store: Store) -> None:
    if store.dialect == "postgresql":
        _end_leftover_sessions(store)
    with store.write() as s:
        if store.dialect == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            s.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                s.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store: the same tests run on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        st = open_store(f"sqlite:///{tmp_path / 'hotline.db'}")
        upgrade(st)
    else:
        url = request.getfixturevalue("pg_database")
        st = open_store(url)
        _truncate(st)
    try:
        yield st
    finally:
        st.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    st = open_store(f"sqlite:///{tmp_path / 'hotline.db'}")
    upgrade(st)
    yield st
    st.dispose()


def at(text_: str) -> dt.datetime:
    """A Shanghai moment from "YYYY-MM-DD HH:MM"."""
    return dt.datetime.fromisoformat(text_).replace(tzinfo=SHANGHAI)


@pytest.fixture
def clock() -> DrillClock:
    """Wednesday 2026-11-25 09:00 in Shanghai, frozen."""
    return DrillClock(at("2026-11-25 09:00"))


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs (16 MiB): a file system that really fills up or turns read-only (needs the
    right to mount, else the test is skipped). A freshly seeded store and its write-ahead log
    take about 3 MiB; the size leaves room for them to grow with the shipped knowledge, so only
    ``fill_disk`` fills it."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode()[:100]}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill_disk(folder: Path) -> Path:
    """Write a file in ``folder`` until its file system is full; returns the file."""
    filler = folder / "filler"
    # unbuffered: a buffered file would try again to write what did not fit when it is closed
    # (and fail there), depending on how the free space divides into the writes
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass
        try:  # what is left: less than one write
            while fh.write(b"\0" * 512):
                pass
        except OSError:
            pass
    return filler


@dataclass
class HeldFirstLook:
    """The hot matters' first look (``hot_store.replay``, the real one) held until ``gate``
    is set: what a busy store's minutes-long first look looks like to whoever asks meanwhile.
    ``calls``: how many first looks were begun."""

    gate: threading.Event
    calls: list[int]


@pytest.fixture
def held_first_look(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldFirstLook]:
    from console.services.analytics import hot_store

    held = HeldFirstLook(threading.Event(), [])
    real = hot_store.replay

    def replay(*args: Any, **kwargs: Any) -> Any:
        held.calls.append(1)
        held.gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(hot_store, "replay", replay)
    yield held
    held.gate.set()  # a thread still held lets go
