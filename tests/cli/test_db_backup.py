"""Issue 12, item 6 — backups that restore: `hotline db backup FILE` (online, consistent) and
`hotline db restore FILE` (refuses a damaged or foreign file, never a database a running
process holds unless forced, verifies the audit trail after restoring), run as a user runs
them: a `hotline` subprocess under the umask of a careless shell (022)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.bootstrap import open_store
from console.store.engine import Store
from console.store.migrate import upgrade
from tests.store.conftest import Platform, intake
from tests.store.conftest import platform as platform  # noqa: F401 — the fixture

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("tickets", "events", "audit")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """The embedded database of data folder ``a`` (the platform fixture works on it)."""
    folder = tmp_path / "a"
    folder.mkdir(mode=0o700)
    st = open_store(f"sqlite:///{folder / 'hotline.db'}")
    upgrade(st)
    yield st
    st.dispose()


def hotline(data_dir: Path, *args: str, db: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HOTLINE_DB"}
    env.update(HOTLINE_DATA_DIR=str(data_dir), HOTLINE_CONFIG=str(data_dir.parent / "none.toml"))
    if db is not None:
        env["HOTLINE_DB"] = db
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=120,
        umask=0o022,
    )


def rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(f"SELECT * FROM {table} ORDER BY id"))
    finally:
        conn.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def workflow(p: Platform) -> str:
    number = p.operator.accept(intake(), unit_id="hn-rst")
    p.rst.sign(number)
    p.operator.reveal_contact(number, "回访核对")
    return number


def test_backup_while_writing_restores_the_same_rows(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    """Item 6: a backup taken while a seat keeps writing is one consistent moment: restored
    into a fresh data folder it holds exactly the source's tickets, events and audit records up
    to that moment, and the audit trail verifies clean there."""
    p = platform
    source = tmp_path / "a" / "hotline.db"
    workflow(p)
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                workflow(p)
            workflow(p)  # at least one write after the backup
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        made = hotline(
            tmp_path / "a", "db", "backup", str(tmp_path / "copy.db"), db=f"sqlite:///{source}"
        )
    finally:
        stop.set()
        thread.join(60)
    assert not errors, errors
    assert made.returncode == 0, made.stderr
    assert "已备份到" in made.stdout and "审计密钥" in made.stdout
    fresh = tmp_path / "b"
    restored = hotline(fresh, "db", "restore", str(tmp_path / "copy.db"))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert restored.stdout.strip().endswith("链完整"), restored.stdout
    target = fresh / "hotline.db"
    for table in TABLES:  # restored exactly as backed up
        assert rows(target, table) == rows(tmp_path / "copy.db", table), table
    for table in ("events", "audit"):  # append-only: the source's up to one commit
        got, full = rows(target, table), rows(source, table)
        assert got and got == full[: len(got)], table
    assert len(rows(target, "audit")) < len(rows(source, "audit"))  # written while it ran
    # a ticket is as the source has it once its events are all in the copy (the ticket a
    # transaction was changing when the copy was taken is as that commit left it: the clean
    # audit verify below checks its state and digest against its last event's record)
    got_tickets, full_tickets = rows(target, "tickets"), rows(source, "tickets")
    assert [t[0] for t in got_tickets] == [t[0] for t in full_tickets[: len(got_tickets)]]
    last_event = max(r[0] for r in rows(target, "events"))
    done = {r[1] for r in rows(source, "events") if r[0] > last_event}  # ticket ids
    for got, full in zip(got_tickets, full_tickets, strict=False):
        if got[0] not in done:
            assert got == full, got[0]
    again = hotline(fresh, "audit", "verify")
    assert again.returncode == 0 and again.stdout.strip().endswith("链完整"), again.stdout


def test_file_modes_with_umask_022(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    """Item 6 with item 2: the backup file and the restored database are 0600 and a data folder
    made by the restore 0700, under umask 022."""
    workflow(platform)
    made = hotline(tmp_path / "a", "db", "backup", str(tmp_path / "copy.db"))
    assert made.returncode == 0, made.stderr
    assert mode(tmp_path / "copy.db") == 0o600
    restored = hotline(tmp_path / "b", "db", "restore", str(tmp_path / "copy.db"))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert mode(tmp_path / "b") == 0o700
    assert mode(tmp_path / "b" / "hotline.db") == 0o600
    assert not list((tmp_path / "b").glob(".hotline.db.*"))  # no temporary copy left behind


def test_existing_backup_file_needs_force(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "copy.db").write_text("older")
    refused = hotline(tmp_path / "a", "db", "backup", str(tmp_path / "copy.db"))
    assert refused.returncode == 2 and "--force" in one_line(refused)
    assert (tmp_path / "copy.db").read_text() == "older"
    forced = hotline(tmp_path / "a", "db", "backup", "--force", str(tmp_path / "copy.db"))
    assert forced.returncode == 0, forced.stderr


def _backup(p: Platform, tmp_path: Path) -> Path:
    workflow(p)
    made = hotline(tmp_path / "a", "db", "backup", str(tmp_path / "copy.db"))
    assert made.returncode == 0, made.stderr
    return tmp_path / "copy.db"


def _damage(path: Path) -> None:
    """Overwrite a page in the middle of the file with garbage (a disk or a copy gone bad)."""
    conn = sqlite3.connect(path)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(b"\xa5" * page)


@pytest.mark.parametrize("how", ["page", "truncated"])
def test_damaged_backup_refused(platform: Platform, tmp_path: Path, how: str) -> None:  # noqa: F811
    """Item 6: a damaged backup is refused with one line naming the file; the database in
    place is left as it was and no temporary copy remains."""
    copy = _backup(platform, tmp_path)
    if how == "page":
        _damage(copy)
    else:
        data = copy.read_bytes()
        copy.write_bytes(data[: len(data) // 3])
    target = tmp_path / "a" / "hotline.db"
    before = rows(target, "audit")
    refused = hotline(tmp_path / "a", "db", "restore", str(copy))
    line = one_line(refused)
    assert refused.returncode == 2
    assert str(copy) in line and "损坏" in line, line
    assert rows(target, "audit") == before
    assert not list((tmp_path / "a").glob(".hotline.db.*"))


def test_foreign_files_refused(tmp_path: Path) -> None:
    """Item 6: a file that is not SQLite, an SQLite database of something else, and this
    platform's database at a schema revision it does not know are each refused, naming it."""
    folder = tmp_path / "b"
    text = tmp_path / "notes.txt"
    text.write_text("这不是数据库\n" * 100)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    future = tmp_path / "future.db"
    st = open_store(f"sqlite:///{future}")
    upgrade(st)
    st.dispose()
    conn = sqlite3.connect(future)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    lookalike = tmp_path / "lookalike.db"  # the core tables' names, not their contents
    conn = sqlite3.connect(lookalike)
    for table in ("units", "tickets", "events"):
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    conn.execute("INSERT INTO alembic_version VALUES ('0009')")
    conn.commit()
    conn.close()
    for path, reason in (
        (lookalike, "无法把备份的数据库结构升级"),
        (text, "不是 SQLite 数据库文件"),
        (other, "不是本平台的数据库"),
        (future, "9999"),
        (tmp_path / "absent.db", "不存在"),
    ):
        refused = hotline(folder, "db", "restore", str(path))
        line = one_line(refused)
        assert refused.returncode == 2, line
        assert str(path) in line and reason in line, line
        assert not (folder / "hotline.db").exists()


def test_backup_of_an_older_schema_is_migrated(tmp_path: Path) -> None:
    """Item 6: a backup made by an earlier version (schema 0009) restores and is brought to
    the newest revision."""
    from alembic import command

    from console.store.migrate import HEAD, alembic_config

    old = tmp_path / "old.db"
    st = open_store(f"sqlite:///{old}")
    cfg = alembic_config()
    with st.write_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0009")
    st.dispose()
    restored = hotline(tmp_path / "b", "db", "restore", str(old))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    conn = sqlite3.connect(tmp_path / "b" / "hotline.db")
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    finally:
        conn.close()


def test_restore_refuses_a_held_database_unless_forced(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    """Item 6: while another process holds the database open (here this test's own store, as a
    running server's pool does) the restore is refused; --force restores it in place, and the
    holder sees the restored rows at its next read."""
    p = platform
    copy = _backup(p, tmp_path)
    workflow(p)
    with p.store.read() as s:  # the pool keeps the connection open afterwards
        s.connection()
    before = rows(tmp_path / "a" / "hotline.db", "audit")
    refused = hotline(tmp_path / "a", "db", "restore", str(copy))
    assert refused.returncode == 1
    assert "正被其他进程打开" in one_line(refused)
    assert rows(tmp_path / "a" / "hotline.db", "audit") == before
    forced = hotline(tmp_path / "a", "db", "restore", "--force", str(copy))
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "在线恢复" in forced.stdout and forced.stdout.strip().endswith("链完整")
    with p.store.read() as s:
        from sqlalchemy import func, select

        from console.store.models import AuditRow

        assert s.execute(select(func.count()).select_from(AuditRow)).scalar_one() == len(
            rows(copy, "audit")
        )


def test_older_backup_in_place_leaves_verify_clean(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    """Item 6: restoring yesterday's backup over today's database says which records it takes
    back (beyond the last checkpoint's head) and leaves `hotline audit verify` clean."""
    p = platform
    copy = _backup(p, tmp_path)
    workflow(p)
    checked = hotline(tmp_path / "a", "audit", "verify")
    assert checked.returncode == 0, checked.stdout
    p.store.dispose()
    restored = hotline(tmp_path / "a", "db", "restore", str(copy))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "不在备份中" in restored.stdout
    again = hotline(tmp_path / "a", "audit", "verify")
    assert again.returncode == 0, again.stdout
    assert again.stdout.strip().endswith("链完整")


def test_restore_without_the_audit_key_refused(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    """Item 6: a backup whose records are keyed is not restored where the key is missing (a
    server started there would make a new key, and the restored trail could never verify)."""
    copy = _backup(platform, tmp_path)
    env_key = os.environ["HOTLINE_AUDIT_KEY_FILE"]
    os.environ["HOTLINE_AUDIT_KEY_FILE"] = str(tmp_path / "nowhere" / "audit.key")
    try:
        refused = hotline(tmp_path / "b", "db", "restore", str(copy))
    finally:
        os.environ["HOTLINE_AUDIT_KEY_FILE"] = env_key
    assert refused.returncode == 2
    line = one_line(refused)
    assert "audit.key" in line and str(copy) in line
    assert not (tmp_path / "b" / "hotline.db").exists()


def test_backup_of_another_installation_refused(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    """Item 6: a backup whose audit records were keyed with another installation's key is
    refused before anything is replaced (its trail could never verify here, and new records
    would be keyed differently)."""
    copy = _backup(platform, tmp_path)
    env_key = os.environ["HOTLINE_AUDIT_KEY_FILE"]
    other = tmp_path / "other" / "audit.key"
    other.parent.mkdir()
    other.write_text("ab" * 32 + "\n")
    other.chmod(0o600)
    os.environ["HOTLINE_AUDIT_KEY_FILE"] = str(other)
    try:
        refused = hotline(tmp_path / "b", "db", "restore", str(copy))
    finally:
        os.environ["HOTLINE_AUDIT_KEY_FILE"] = env_key
    assert refused.returncode == 2
    line = one_line(refused)
    assert str(copy) in line and "不是用审计密钥" in line, line
    assert not (tmp_path / "b" / "hotline.db").exists()


def test_postgres_backup_says_how(tmp_path: Path) -> None:
    """Item 6: on PostgreSQL the verbs print how pg_dump and pg_restore do it (the password
    never shown) and refuse in one line; nothing is written."""
    url = "postgresql+psycopg://hotline:s3cret@db.example:5432/hotline"
    for verb in ("backup", "restore"):
        out = hotline(tmp_path / "a", "db", verb, str(tmp_path / "dump.pgc"), db=url)
        line = one_line(out)
        assert out.returncode == 1 and "pg_dump" in line, line
        how = out.stdout
        assert "pg_dump --format=custom" in how and "pg_restore" in how, how
        assert "postgresql://hotline@db.example:5432/hotline" in how and str(tmp_path) in how
        assert "s3cret" not in how + line
        assert not (tmp_path / "dump.pgc").exists()
