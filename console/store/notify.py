"""PostgreSQL LISTEN/NOTIFY: a store tells whoever listens that a ticket event or a call event
was committed (payload ``event``), or an article or a routing model (``kb``), so that held
questions and feeds look at once instead of on their next poll, and every process's search
index and routing model follow the store at once.

Writing side: every write session of a PostgreSQL store that flushes an ``events`` or
``call_events`` row, or writes an ``articles`` or ``routing_models`` row, sends ``NOTIFY
hotline_live`` in the same transaction — delivered when it commits, never when it rolls back
(PostgreSQL folds a transaction's identical notifications into one). SQLite has no such thing:
its readers poll.

Listening side: :class:`Listener` is one thread per database and process holding its own
connection that LISTENs; each notification raises ``generation`` and wakes the threads waiting
in :meth:`Listener.wait` and the callbacks registered with :meth:`Listener.subscribe` (the API's
store watch). A lost connection is reopened (after 1 s, then up to 10 s apart) and counts as a
notification: a waiter looks at the store rather than trust that nothing landed meanwhile.
Waiters keep a slow poll of their own as a safety net.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

CHANNEL = "hotline_live"
EVENT, KB = "event", "kb"
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', :kind)")
EVENT_TABLES = frozenset({"events", "call_events"})
KB_TABLES = frozenset({"articles", "routing_models"})


def install(writer: sessionmaker[Session]) -> None:
    """Make the write sessions of a PostgreSQL store notify what they wrote."""

    @event.listens_for(writer, "after_flush")
    def _notify(session: Session, _context: Any) -> None:
        new = {getattr(obj, "__tablename__", "") for obj in session.new}
        changed = new | {getattr(obj, "__tablename__", "") for obj in session.dirty}
        if new & EVENT_TABLES:
            session.connection().execute(_NOTIFY, {"kind": EVENT})
        if changed & KB_TABLES:
            session.connection().execute(_NOTIFY, {"kind": KB})


class Listener:
    """LISTEN on one database for the life of the process; see the module's words."""

    _shared: ClassVar[dict[str, Listener]] = {}
    _shared_lock = threading.Lock()

    @classmethod
    def for_url(cls, url: str) -> Listener:
        """The process's one listener of the database at ``url`` (started on first use)."""
        with cls._shared_lock:
            found = cls._shared.get(url)
            if found is None:
                found = cls._shared[url] = cls(url)
                found.start()
            return found

    def __init__(self, url: str) -> None:
        parsed = make_url(url).set(drivername="postgresql")
        self._dsn = parsed.render_as_string(hide_password=False)
        self._changed = threading.Condition()
        self.generation = 0
        self.connected = False
        self._callbacks: list[Callable[[str], None]] = []
        self._stopped = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._run, name="hotline-listen", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()

    def subscribe(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(kind)`` (from the listener's thread) on every notification: kind
        ``event``, ``kb``, or ``""`` when the connection was (re)opened (anything may have
        landed meanwhile)."""
        with self._changed:
            self._callbacks.append(callback)

    def unsubscribe(self, callback: Callable[[str], None]) -> None:
        with self._changed:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def wait(self, generation: int, timeout: float) -> int:
        """Block until a notification after ``generation`` or ``timeout`` seconds; the
        generation now."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != generation, timeout)
            return self.generation

    def _bump(self, kind: str) -> None:
        with self._changed:
            if kind != KB:  # the feeds wait for events (and for a reconnection)
                self.generation += 1
                self._changed.notify_all()
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(kind)
            except Exception:  # noqa: BLE001 — a listener's callback must not stop the others
                pass

    def _run(self) -> None:
        import psycopg

        pause = 1.0
        while not self._stopped.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected, pause = True, 1.0
                    self._bump("")  # whatever landed while not listening: look
                    while not self._stopped.is_set():
                        for note in conn.notifies(timeout=1.0, stop_after=1):
                            self._bump(note.payload)
            except Exception:  # noqa: BLE001 — the database is away: listen again later
                pass
            self.connected = False
            self._stopped.wait(pause)
            pause = min(10.0, pause * 2)
