"""Issue 12 item 4: a full disk or a read-only database is a clear 503 with Retry-After naming
the cause (磁盘已满 / 只读), never a 500; reads go on meanwhile and writes resume afterwards.

On a real ``hotline serve`` on 127.0.0.1:

- SQLite made read-only or full by SQLite's own pragmas in the server process
  (``storage_faults/sitecustomize.py``): the real SQLITE_READONLY and SQLITE_FULL errors;
- PostgreSQL switched to read-only transactions (``default_transaction_read_only``);
- a really full file system (a small tmpfs; needs the right to mount, else skipped).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.api.conftest import Api
from tests.conftest import fill_disk, pg_url
from tests.contract.harness import SEATS, Server, prepare_store

FAULTS = Path(__file__).resolve().parent / "storage_faults"
INTAKE = {
    "intake": {
        "kind": "complaint",
        "domain": "social_management",
        "text": "公司拖欠工资三个月，请求协调。" + "详细情况如下。" * 2000,  # new pages
        "caller_phone": "13812341234",
        "caller_name": "张先生",
    },
    "unit_id": "hn-rst",
}


def _serve(url: str, folder: Path, **env: str) -> Iterator[Api]:
    store = prepare_store(url)
    server = Server(url, folder, env_extra=env).start()
    try:
        api = Api(server, store)
        for key, (name, role, unit) in SEATS.items():
            api.tokens[key] = api.add_seat(name, role, unit)
        yield api
    finally:
        server.stop()
        store.dispose()


def _accept(api: Api) -> httpx.Response:
    return httpx.post(
        f"{api.url}/api/v1/intake/accept", json=INTAKE, headers=api.auth("operator"), timeout=30
    )


def _assert_storage_503(api: Api, cause: str) -> None:
    response = _accept(api)
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) >= 1
    payload = response.json()
    assert payload["error"] == "unavailable" and cause in payload["message"], payload
    # reads are still served
    units = httpx.get(f"{api.url}/api/v1/units", headers=api.auth("operator"), timeout=15)
    assert units.status_code == 200, units.text
    log = api.server.log()
    assert "Traceback" not in log and "internal error" not in log, log[-2000:]


@pytest.fixture
def faulty_sqlite(tmp_path: Path) -> Iterator[tuple[Api, Path]]:
    control = tmp_path / "fault"
    control.write_text("", encoding="utf-8")
    yield from (
        (api, control)
        for api in _serve(
            f"sqlite:///{tmp_path / 'hotline.db'}",
            tmp_path,
            PYTHONPATH=str(FAULTS),
            HOTLINE_TEST_STORAGE_FAULT=str(control),
        )
    )


def test_item4_read_only_sqlite_database_is_503_saying_read_only(
    faulty_sqlite: tuple[Api, Path],
) -> None:
    api, control = faulty_sqlite
    assert _accept(api).status_code == 201
    control.write_text("readonly", encoding="utf-8")
    _assert_storage_503(api, "只读")
    control.write_text("", encoding="utf-8")
    assert _accept(api).status_code == 201  # writes resume


def test_item4_full_sqlite_database_is_503_saying_disk_full(
    faulty_sqlite: tuple[Api, Path],
) -> None:
    api, control = faulty_sqlite
    control.write_text("full", encoding="utf-8")
    _assert_storage_503(api, "磁盘已满")
    control.write_text("", encoding="utf-8")
    assert _accept(api).status_code == 201


@pytest.fixture
def own_pg_database() -> Iterator[str]:
    base = pg_url()
    if base is None:
        pytest.skip("PostgreSQL tests are off: set HOTLINE_TEST_PG")
    name = f"hotline_ro_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _read_only(url: str, on: bool) -> None:
    """Every new session of the database read-only (or not), and the open ones ended."""
    name = make_url(url).database
    admin = create_engine(pg_url() or "", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        setting = "SET default_transaction_read_only = on" if on else "RESET ALL"
        conn.execute(text(f'ALTER DATABASE "{name}" {setting}'))
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
    admin.dispose()


def test_item4_read_only_postgresql_is_503_saying_read_only(
    own_pg_database: str, tmp_path: Path
) -> None:
    for api in _serve(own_pg_database, tmp_path):
        assert _accept(api).status_code == 201
        _read_only(own_pg_database, True)
        try:
            _assert_storage_503(api, "只读")
        finally:
            _read_only(own_pg_database, False)
        assert _accept(api).status_code == 201


def test_item4_really_full_disk_is_503_saying_disk_full(small_disk: Path, tmp_path: Path) -> None:
    for api in _serve(f"sqlite:///{small_disk / 'hotline.db'}", tmp_path):
        assert _accept(api).status_code == 201
        filler = fill_disk(small_disk)
        try:
            assert os.statvfs(small_disk).f_bavail == 0
            _assert_storage_503(api, "磁盘已满")
        finally:
            filler.unlink()
        assert _accept(api).status_code == 201
