"""The hot-matter tracker kept in step with the store (R-ANALYTICS).

``HotWatch`` reads the tickets accepted within ``WINDOW_DAYS`` once (in time order, a full
recompute), then at each look only those created or moved since (incremental): the store is
read by the ticket's creation and update times, never whole. Refused requests (never accepted)
are left out. One watch is shared by every seat of a process.

Tickets are read with the store's matter catalogue (事项清单: the matter types a request names
are evidence that two requests raise the same matter), as the duplicate warnings at intake read
them. The first look runs in a thread of its own: on a busy store it takes minutes (90 days of
tickets), and a look made meanwhile waits ``patience`` seconds at most, then says so
(``HotWarming``) instead of holding a board, a dashboard or an API request that long; the server
starts it when it starts.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref

from sqlalchemy import ColumnElement, Engine, func, select

from console.errors import Unavailable
from console.services.analytics.hot import HotParams, HotTicket, HotTracker, readers, replay
from console.services.knowledge.training import load_catalogue
from console.services.values import State
from console.services.views import HotAlertView, HotGroupView
from console.store.engine import Store
from console.store.models import TicketRow

WINDOW_DAYS = 90
"""Tickets older than this (by creation) are not grouped when the watch starts."""

ALERT_HOURS = 12
"""Alerts raised within this many hours are shown (a shift)."""

SYNC_OVERLAP = dt.timedelta(seconds=5)

PATIENCE = 5.0
"""Seconds a look waits for the first look of the process (a seat's client gives up after 10)."""


class HotWarming(Unavailable):
    """The first look is still grouping the window's tickets: ask again shortly."""


def _grouped_since(start: dt.datetime) -> tuple[ColumnElement[bool], ...]:
    """The tickets grouped from ``start`` on: numbered, not refused."""
    return (
        TicketRow.created_at >= start,
        TicketRow.number.is_not(None),
        TicketRow.state != State.REFUSED.value,
    )


def _tickets(store: Store, start: dt.datetime, end: dt.datetime | None) -> list[HotTicket]:
    with store.read() as s:
        q = select(
            TicketRow.number,
            TicketRow.caller_phone,
            TicketRow.text,
            TicketRow.created_at,
            TicketRow.unit_id,
            TicketRow.confidential,
        ).where(*_grouped_since(start))
        if end is not None:
            q = q.where(TicketRow.created_at < end)
        rows = s.execute(q.order_by(TicketRow.created_at, TicketRow.number)).all()
    return [
        HotTicket(number, phone or "", text, created, unit or "", confidential)
        for number, phone, text, created, unit, confidential in rows
        if number is not None
    ]


QUICK_FIRST_LOOK = 2_000
"""A window of at most this many tickets is grouped in a few seconds: a ticket's question may
begin the first look."""


def _window_size(store: Store, now: dt.datetime) -> int:
    """The tickets a first look at ``now`` would replay."""
    with store.read() as s:
        return int(
            s.execute(
                select(func.count()).where(*_grouped_since(now - dt.timedelta(days=WINDOW_DAYS)))
            ).scalar_one()
        )


def _newest_update(store: Store) -> dt.datetime | None:
    with store.read() as s:
        return s.execute(
            select(TicketRow.updated_at).order_by(TicketRow.updated_at.desc()).limit(1)
        ).scalar()


def period_report(
    store: Store,
    start: dt.datetime,
    end: dt.datetime,
    limit: int = 20,
    unit_id: str | None = None,
    params: HotParams | None = None,
) -> tuple[list[HotGroupView], list[HotAlertView]]:
    """The period's tickets grouped afresh (a full recompute, read with the store's catalogue,
    the texts read by other processes), ranked at the period's end, and every alert raised
    within it."""
    tracker = replay(_tickets(store, start, end), params, load_catalogue(store), readers())
    moment = end - dt.timedelta(microseconds=1)
    groups = tracker.groups(moment, limit=limit, unit_id=unit_id)
    return groups, tracker.recent_alerts(start, unit_id)


class HotWatch:
    """The tracker over the store's recent tickets; thread-safe. ``for_store`` gives the one
    tracker of a store that every seat of the process shares (an API request's backend is
    made per request: a tracker of its own would replay the window each time).

    ``patience``: seconds a look waits for the first look (None: as long as it takes);
    ``readers``: processes that read the first look's texts ahead of the grouping
    (``hot.replay``; ``for_store``: one per core but one)."""

    _shared: weakref.WeakKeyDictionary[Engine, HotWatch] = weakref.WeakKeyDictionary()
    _shared_lock = threading.Lock()

    @classmethod
    def for_store(cls, store: Store) -> HotWatch:
        with cls._shared_lock:
            watch = cls._shared.get(store.write_engine)
            if watch is None:
                watch = cls._shared[store.write_engine] = cls(
                    store, patience=PATIENCE, readers=readers()
                )
            return watch

    def __init__(
        self,
        store: Store,
        params: HotParams | None = None,
        patience: float | None = PATIENCE,
        readers: int = 0,
    ) -> None:
        self.store = store
        self.params = params
        self.patience = patience
        self.readers = readers
        self.tracker: HotTracker | None = None
        self._created_mark: dt.datetime | None = None
        self._updated_mark: dt.datetime | None = None
        self._lock = threading.Lock()
        self._first: threading.Thread | None = None
        self._first_done = threading.Event()
        self._first_failed = ""

    # ------------------------------------------------------------------ the first look
    def start(self, now: dt.datetime) -> None:
        """Begin the first look (the window before ``now``) in a thread of its own, unless it
        is done or under way."""
        with self._lock:
            if self.tracker is not None or self.grouping():
                return
            self._first_done.clear()
            self._first_failed = ""
            self._first = threading.Thread(
                target=self._first_look, args=(now,), name="hot-first-look", daemon=True
            )
            self._first.start()

    def _first_look(self, now: dt.datetime) -> None:
        try:
            start = now - dt.timedelta(days=WINDOW_DAYS)
            moved_since = _newest_update(self.store)  # tickets moved while it runs: next look
            window = _tickets(self.store, start - SYNC_OVERLAP, None)
            tracker = replay(window, self.params, load_catalogue(self.store), self.readers)
            with self._lock:
                self._created_mark = max([start, *(t.at for t in window)])
                self._updated_mark = moved_since
                self.tracker = tracker
        except Exception as exc:  # noqa: BLE001 — said to whoever looks; the next look retries
            self._first_failed = str(exc) if isinstance(exc, Unavailable) else type(exc).__name__
        finally:
            self._first_done.set()

    def ready(self) -> bool:
        """The first look is done: a look answers at once."""
        return self.tracker is not None

    def grouping(self) -> bool:
        """The first look is under way."""
        return self._first is not None and self._first.is_alive()

    def _wait_first(self, now: dt.datetime) -> None:
        if self.tracker is not None:
            return
        self.start(now)
        if not self._first_done.wait(self.patience):
            raise HotWarming(
                f"热点分组正在首次计算（近 {WINDOW_DAYS} 天的工单，工单多时需数分钟），完成后自动显示"
            )
        if self.tracker is None:
            raise Unavailable(f"热点分组首次计算失败（{self._first_failed}），下次查看时重试")

    # ------------------------------------------------------------------ each look
    def _sync(self, now: dt.datetime) -> HotTracker:
        self._wait_first(now)
        with self._lock:
            tracker = self.tracker
            assert tracker is not None and self._created_mark is not None
            for ticket in _tickets(self.store, self._created_mark - SYNC_OVERLAP, None):
                if ticket.number in tracker:
                    continue
                tracker.add(ticket)
                self._created_mark = max(self._created_mark, ticket.at)
            newest = _newest_update(self.store)  # read first: a move after it comes next look
            if self._updated_mark is not None:
                with self.store.read() as s:
                    moved = s.execute(
                        select(TicketRow.number, TicketRow.unit_id).where(
                            TicketRow.updated_at >= self._updated_mark - SYNC_OVERLAP,
                            TicketRow.number.is_not(None),
                        )
                    ).all()
                for number, unit in moved:
                    if number is not None:
                        tracker.set_unit(number, unit or "")
            if newest is not None:
                self._updated_mark = newest
            return tracker

    def groups(
        self, now: dt.datetime, limit: int = 20, unit_id: str | None = None
    ) -> list[HotGroupView]:
        tracker = self._sync(now)
        with self._lock:
            return tracker.groups(now, limit=limit, unit_id=unit_id)

    def group_with(
        self, now: dt.datetime, number: str, unit_id: str | None = None
    ) -> HotGroupView | None:
        """The group a ticket is in (``HotTracker.group_with``) once the groups are made.
        Asking never waits for the first look, and begins it only when the window is small
        (``QUICK_FIRST_LOOK`` tickets): a ticket screen asks all day, and the first look
        replays the window — minutes on a busy store, where the board and the dashboard
        begin it."""
        if self.tracker is None:
            if not self.grouping() and _window_size(self.store, now) <= QUICK_FIRST_LOOK:
                self.start(now)  # a few seconds' work: begun, shown at the next look
            raise HotWarming(
                "热点分组尚未完成（看板或考核看板打开后计算），完成后显示同一事项的工单"
            )
        tracker = self._sync(now)
        with self._lock:
            return tracker.group_with(number, now, unit_id)

    def alerts(
        self, now: dt.datetime, hours: float = ALERT_HOURS, unit_id: str | None = None
    ) -> list[HotAlertView]:
        tracker = self._sync(now)
        with self._lock:
            return [
                a
                for a in tracker.recent_alerts(now - dt.timedelta(hours=hours), unit_id)
                if a.at <= now
            ]
