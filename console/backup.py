"""Backups of the embedded SQLite database that restore (``hotline db backup|restore``).

- :func:`backup` copies a live database with SQLite's online backup API in one step: one
  read transaction, so the copy is the database as of one commit while writers go on (WAL).
  The copy is written to a temporary file beside the target, checked, switched out of WAL
  (one self-contained file) and moved into place; it is 0600 whatever the umask.
- :func:`prepare_restore` checks a backup before anything is replaced: an SQLite file, whole
  (``PRAGMA integrity_check``), and this platform's database (a known schema revision in
  ``alembic_version`` and, after migrating a copy to the newest revision, every table of the
  schema). The checked copy waits beside the database as a temporary file.
- :func:`in_use` tells whether another process holds the database open (``hotline serve``,
  ``worker``, the console); :func:`replace` puts the checked copy in place: an atomic rename
  when nobody holds the database, otherwise (forced) SQLite's backup API into the live
  database, one write transaction that other connections see at their next one.

PostgreSQL is backed up with ``pg_dump`` and restored with ``pg_restore``: :func:`pg_commands`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from console import private
from console.store.engine import SQLITE_BUSY_MS

SQLITE_HEADER = b"SQLite format 3\x00"
CORE_TABLES = ("alembic_version", "units", "tickets", "events")
"""Tables every revision of this platform's schema has (a foreign file lacks them)."""
COUNTED = ("tickets", "events", "audit")


class BackupRefused(Exception):
    """A backup file that must not be restored, or a target that must not be written: the
    one-line reason (Chinese)."""


@dataclass(frozen=True)
class Summary:
    """What a database holds, told after a backup or a restore."""

    revision: str | None
    counts: dict[str, int]
    audit_head: int

    def line(self) -> str:
        c = self.counts
        head = f"（至 #{self.audit_head}）" if self.audit_head else ""
        return (
            f"工单 {c.get('tickets', 0)} 个、事件 {c.get('events', 0)} 个、"
            f"审计记录 {c.get('audit', 0)} 条{head}"
        )


def summary(conn: sqlite3.Connection) -> Summary:
    tables = _tables(conn)
    counts = {
        name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
        for name in COUNTED
        if name in tables
    }
    head = 0
    if "audit" in tables:
        head = int(conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])
    revision = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = str(row[0]) if row else None
    return Summary(revision, counts, head)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _temp_beside(path: Path, purpose: str) -> Path:
    tmp = path.with_name(f".{path.name}.{purpose}-{os.getpid()}")
    remove(tmp)
    private.touch(tmp)  # 0600 before SQLite writes a byte (SQLite keeps an existing file's mode)
    return tmp


def remove(path: Path) -> None:
    """Delete ``path`` and the files SQLite may have left beside it."""
    for suffix in private.DB_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_whole(conn: sqlite3.Connection, name: str) -> None:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        raise BackupRefused(f"{name}: 文件已损坏（integrity_check：{str(rows[0])[:80]}）")


def _self_contained(conn: sqlite3.Connection) -> None:
    """One file, no -wal beside it: the journal mode a copy is kept in."""
    conn.execute("PRAGMA journal_mode=DELETE")


def backup(database: Path, target: Path) -> Summary:
    """Copy the live ``database`` into ``target`` (replaced atomically); what it holds."""
    tmp = _temp_beside(target, "backup")
    try:
        src = sqlite3.connect(database, timeout=SQLITE_BUSY_MS / 1000)
        try:
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                src.backup(dst)  # all pages in one step: one consistent snapshot
                _self_contained(dst)
                _check_whole(dst, str(target))
                done = summary(dst)
            finally:
                dst.close()
        finally:
            src.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        remove(tmp)
        raise
    return done


def looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def prepare_restore(source: Path, database: Path, known: set[str]) -> Path:
    """A checked copy of the backup ``source``, as a temporary file beside ``database``.

    ``known``: the schema revisions of this platform. Refused (:class:`BackupRefused`, naming
    ``source``) when it is not an SQLite file, damaged, or not this platform's database. The
    copy is still at the backup's revision (the caller migrates it).
    """
    name = str(source)
    try:
        if not looks_like_sqlite(source):
            raise BackupRefused(f"{name}: 不是 SQLite 数据库文件")
    except FileNotFoundError:
        raise BackupRefused(f"{name}: 文件不存在") from None
    except IsADirectoryError:
        raise BackupRefused(f"{name}: 是目录，不是备份文件") from None
    except OSError as exc:
        raise BackupRefused(f"{name}: 无法读取（{exc.strerror or type(exc).__name__}）") from None
    private.ensure_dir(database.parent)
    tmp = _temp_beside(database, "restore")
    try:
        try:
            src = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)
            try:
                dst = sqlite3.connect(tmp, isolation_level=None)
                try:
                    src.backup(dst)
                    _self_contained(dst)
                    _check_whole(dst, name)
                    _check_platform(dst, name, known)
                finally:
                    dst.close()
            finally:
                src.close()
        except sqlite3.DatabaseError as exc:
            raise BackupRefused(f"{name}: 文件已损坏（{str(exc)[:80]}）") from None
    except BaseException:
        remove(tmp)
        raise
    return tmp


def _check_platform(conn: sqlite3.Connection, name: str, known: set[str]) -> None:
    tables = _tables(conn)
    missing = [t for t in CORE_TABLES if t not in tables]
    if missing:
        raise BackupRefused(f"{name}: 不是本平台的数据库（缺少表 {'、'.join(missing)}）")
    rows = [str(r[0]) for r in conn.execute("SELECT version_num FROM alembic_version")]
    if len(rows) != 1:
        raise BackupRefused(
            f"{name}: 不是本平台的数据库（alembic_version 应有一行，有 {len(rows)} 行）"
        )
    if rows[0] not in known:
        raise BackupRefused(
            f"{name}: 数据库结构版本 {rows[0]} 不是本平台的版本（认识 {'、'.join(sorted(known))}）"
        )


def missing_tables(path: Path, expected: set[str]) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return sorted(expected - _tables(conn))
    finally:
        conn.close()


def finish_copy(path: Path) -> Summary:
    """Leave the checked copy as one file (no -wal) and say what it holds."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        _self_contained(conn)
        return summary(conn)
    finally:
        conn.close()


def in_use(database: Path) -> bool:
    """True when another connection holds ``database`` open (a running server, worker or
    console), or is writing to it right now.

    Leaving WAL needs the only connection to the file: SQLite refuses while any other is open.
    When it succeeds the database is one file, ready to be replaced.
    """
    if not database.exists():
        return False
    conn = sqlite3.connect(database, timeout=0.5, isolation_level=None)
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()
    return str(mode).lower() != "delete"


def replace(copy: Path, database: Path, live: bool) -> None:
    """Put the checked ``copy`` in place of ``database``.

    ``live`` (another process holds it): through SQLite's backup API into the open database,
    one write transaction; otherwise an atomic rename. The copy is gone afterwards.
    """
    try:
        if live:
            src = sqlite3.connect(copy)
            try:
                dst = sqlite3.connect(database, timeout=SQLITE_BUSY_MS / 1000)
                try:
                    src.backup(dst)
                finally:
                    dst.close()
            finally:
                src.close()
        else:
            with open(copy, "rb+") as fh:
                os.fsync(fh.fileno())
            for suffix in private.DB_SUFFIXES[1:]:  # none after in_use(); a crashed run's
                with contextlib.suppress(FileNotFoundError):
                    database.with_name(database.name + suffix).unlink()
            os.replace(copy, database)
            _fsync_dir(database.parent)
    finally:
        remove(copy)


def pg_commands(url: str, file: str) -> tuple[str, str]:
    """The ``pg_dump`` and ``pg_restore`` command lines for the database at ``url`` (libpq
    URI, no password: it comes from PGPASSWORD or ~/.pgpass)."""
    # URL.set() takes password=None as "unchanged"
    parsed = make_url(url)._replace(drivername="postgresql", password=None)
    dsn = parsed.render_as_string(hide_password=False)
    return (
        f"pg_dump --format=custom --dbname='{dsn}' --file={file}",
        f"pg_restore --clean --if-exists --no-owner --dbname='{dsn}' {file}",
    )
