"""Engines and sessions for the embedded SQLite store and for a shared PostgreSQL.

SQLite: WAL, a busy timeout, foreign keys on, and every write transaction opened with
``BEGIN IMMEDIATE`` (a deferred BEGIN upgrades its lock mid-transaction and fails with
"database is locked" under several writers). Reads use a second engine with plain BEGIN.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from console.errors import Conflict, Unavailable
from console.store import notify

SQLITE_BUSY_MS = 10_000
LOCK_TIMEOUT_S = 5.0
"""PostgreSQL: a statement waiting longer than this for a lock is stopped (a clear 503 rather
than every request queueing behind one long lock)."""
STATEMENT_TIMEOUT_S = 30.0
"""PostgreSQL: a statement running longer than this is stopped."""
LOCK_NOT_AVAILABLE = "55P03"
QUERY_CANCELED = "57014"
_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(?:-[0-9]+)?")
"""What pg_export_snapshot returns (checked before it is written into SET TRANSACTION)."""
T = TypeVar("T")


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000},
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass
class Store:
    """The two session factories of one database: for writes and for reads."""

    url: str
    write_engine: Engine
    read_engine: Engine
    writer: sessionmaker[Session]
    reader: sessionmaker[Session]
    lock_timeout: float = 0.0
    statement_timeout: float = 0.0

    @property
    def dialect(self) -> str:
        return self.write_engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any error."""
        try:
            with self._translate_outage(), self.writer() as session, session.begin():
                yield session
        except StaleDataError:
            # another seat's write to the same row committed first (optimistic version)
            raise Conflict("记录", "", "") from None
        except IntegrityError as exc:
            # two seats did the same thing at once (e.g. approved one extension): the second
            # one's notice hits the first one's idempotency key — the first one won
            if "idempotency_key" in str(exc.orig):
                raise Conflict("记录", "", "") from None
            raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._translate_outage(), self.reader() as session, session.begin():
            yield session

    def read_together(self, jobs: Sequence[Callable[[Session], T]], workers: int = 4) -> list[T]:
        """Each job's result, all read from one consistent picture of the database.

        PostgreSQL: up to ``workers`` jobs at once, each on its own connection, every
        transaction importing the snapshot the first one exported (REPEATABLE READ, ``SET
        TRANSACTION SNAPSHOT``): the statements of a report run side by side on the server's
        cores and still see the same committed data. SQLite: one after the other in one read
        transaction (one snapshot already)."""
        if self.dialect != "postgresql" or len(jobs) < 2 or workers < 2:
            with self.read() as session:
                return [job(session) for job in jobs]
        with self._translate_outage(), self._snapshot_session() as lead:
            snapshot = str(lead.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            if not _SNAPSHOT_ID.fullmatch(snapshot):
                raise RuntimeError(f"unexpected snapshot id {snapshot!r}")

            def run(job: Callable[[Session], T]) -> T:
                with self._snapshot_session(snapshot) as session:
                    return job(session)

            with ThreadPoolExecutor(max_workers=min(workers, len(jobs)) - 1) as pool:
                others = [pool.submit(run, job) for job in jobs[1:]]
                first = jobs[0](lead)  # the exporting transaction does a share of the work
                return [first, *(f.result() for f in others)]

    @contextmanager
    def _snapshot_session(self, snapshot: str | None = None) -> Iterator[Session]:
        """A read-only REPEATABLE READ transaction, importing ``snapshot`` when given."""
        with (
            self.reader(
                bind=self.read_engine.execution_options(isolation_level="REPEATABLE READ")
            ) as session,
            session.begin(),
        ):
            if snapshot is not None:  # must be the transaction's first statement
                session.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
            session.execute(text("SET TRANSACTION READ ONLY"))
            yield session

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()

    @contextmanager
    def _translate_outage(self) -> Iterator[None]:
        try:
            with _translate_outage(self.url):
                yield
        except OperationalError as exc:
            timed_out = self.timed_out(exc)
            if timed_out:
                raise Unavailable(timed_out) from exc
            raise

    def timed_out(self, exc: BaseException) -> str:
        """The sentence for a PostgreSQL lock or statement timeout, or ""."""
        code = _sqlstate(exc)
        if code == LOCK_NOT_AVAILABLE:
            return (
                f"数据库正忙：所需记录被其他操作锁住超过 {_secs(self.lock_timeout)} 秒"
                "（lock_timeout），请稍后重试"
            )
        if code == QUERY_CANCELED and "statement timeout" in str(exc):
            return (
                f"数据库操作超过 {_secs(self.statement_timeout)} 秒未完成，已中止"
                "（statement_timeout），请稍后重试"
            )
        return ""


def _sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


def _secs(value: float) -> str:
    return f"{value:g}"


def pg_options(lock_timeout: float, statement_timeout: float) -> str:
    """The libpq ``options`` of every PostgreSQL connection (timeouts in milliseconds)."""
    return (
        "-c jit=off"
        f" -c lock_timeout={round(lock_timeout * 1000)}"
        f" -c statement_timeout={round(statement_timeout * 1000)}"
    )


@contextmanager
def _translate_outage(url: str) -> Iterator[None]:
    try:
        yield
    except DBAPIError as exc:
        problem = storage_problem(exc, url)
        if problem:
            raise StorageUnavailable(problem) from exc
        if not isinstance(exc, OperationalError):
            raise
        if _is_busy(exc):
            raise Unavailable("数据库正忙（其他席位或进程正在写入），请稍后重试") from exc
        if is_outage(exc):
            raise Unavailable("数据库暂时无法连接，请稍后重试") from exc
        raise


class StorageUnavailable(Unavailable):
    """The database cannot write: its disk is full or it is read-only. Not over in seconds."""

    retry_after = 60


_FULL = ("database or disk is full", "no space left", "could not extend file", "disk full")
_READ_ONLY = ("readonly database", "read-only transaction", "read-only file system")


def storage_problem(exc: BaseException, url: str) -> str:
    """One line (Chinese) when ``exc`` says the database cannot write because its disk is full
    or it is read-only (磁盘已满 / 只读), else "".

    SQLite often says only "disk I/O error" or "unable to open database file" (it cannot
    create its -wal/-shm files): then the folder of the database file is looked at.
    """
    orig = getattr(exc, "orig", None)
    text = " ".join(str(orig if orig is not None else exc).lower().split())
    if any(marker in text for marker in _FULL):
        return "数据库所在磁盘已满，无法写入；请清理磁盘空间后重试（已写入的数据不受影响）"
    if any(marker in text for marker in _READ_ONLY):
        return "数据库只读，无法写入；请检查数据库文件与数据目录的权限或挂载方式"
    if "disk i/o error" in text or "unable to open database file" in text:
        folder = _sqlite_folder(url)
        if folder is not None:
            return _folder_problem(folder)
    return ""


def _sqlite_folder(url: str) -> Path | None:
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 — not a URL we can look into
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    name = parsed.database.removeprefix("file:")
    return Path(name).parent if name and name != ":memory:" else None


def _folder_problem(folder: Path) -> str:
    import os

    try:
        st = os.statvfs(folder)
    except OSError:
        return ""
    if st.f_flag & os.ST_RDONLY:
        return f"数据目录 {folder} 所在文件系统只读，无法写入数据库；请检查挂载方式"
    if st.f_bavail == 0 or st.f_favail == 0:
        return f"数据目录 {folder} 所在磁盘已满，无法写入数据库；请清理磁盘空间后重试"
    if not os.access(folder, os.W_OK):
        return f"数据目录 {folder} 只读（没有写权限），无法写入数据库；请检查目录权限"
    return ""


def _is_busy(exc: OperationalError) -> bool:
    """SQLite's lock held by another writer longer than the busy timeout: reachable, busy."""
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return "database is locked" in text or "database is busy" in text


def is_outage(exc: OperationalError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return any(
        marker in text
        for marker in (
            "could not connect",
            "connection refused",
            "server closed",
            "unable to open",
            "connection failed",
            "terminating connection",
        )
    )


def connect(
    url: str,
    lock_timeout: float = LOCK_TIMEOUT_S,
    statement_timeout: float = STATEMENT_TIMEOUT_S,
) -> Store:
    """Open (not create) the database at ``url``; SQLite folders are created as needed.

    ``lock_timeout``, ``statement_timeout`` (PostgreSQL, seconds, 0: no limit): set on every
    connection; a statement that runs into one fails as :class:`Unavailable` with a sentence
    saying which.

    The store alone: the services install the audit trail on its writer
    (``console.bootstrap.open_store``).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        write = _sqlite_engine(url, immediate=True)
        read = _sqlite_engine(url, immediate=False)
    else:
        # hide_parameters: a failed statement's message must not carry a caller's words;
        # jit off: queue pages are short queries that JIT compilation only slows down
        write = create_engine(
            url,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=20,
            hide_parameters=True,
            connect_args={"options": pg_options(lock_timeout, statement_timeout)},
        )
        read = write
        writer = sessionmaker(write, expire_on_commit=False)
        notify.install(writer)  # a committed event tells the listeners (LISTEN/NOTIFY)
        return Store(
            url=url,
            write_engine=write,
            read_engine=read,
            writer=writer,
            reader=sessionmaker(read, expire_on_commit=False),
            lock_timeout=lock_timeout,
            statement_timeout=statement_timeout,
        )
    return Store(
        url=url,
        write_engine=write,
        read_engine=read,
        writer=sessionmaker(write, expire_on_commit=False),
        reader=sessionmaker(read, expire_on_commit=False),
    )
