"""The hot-matter tracker kept in step with the store (R-ANALYTICS).

``HotWatch`` reads the tickets accepted within ``WINDOW_DAYS`` once (in time order, a full
recompute), then at each look only those created or moved since (incremental): the store is
read by the ticket's creation and update times, never whole. Refused requests (never accepted)
are left out. One watch is shared by every seat of a process.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref

from sqlalchemy import Engine, select

from console.services.analytics.hot import HotParams, HotTicket, HotTracker, replay
from console.services.values import State
from console.services.views import HotAlertView, HotGroupView
from console.store.engine import Store
from console.store.models import TicketRow

WINDOW_DAYS = 90
"""Tickets older than this (by creation) are not grouped when the watch starts."""

ALERT_HOURS = 12
"""Alerts raised within this many hours are shown (a shift)."""

SYNC_OVERLAP = dt.timedelta(seconds=5)


def _tickets(store: Store, start: dt.datetime, end: dt.datetime | None) -> list[HotTicket]:
    with store.read() as s:
        q = select(
            TicketRow.number,
            TicketRow.caller_phone,
            TicketRow.text,
            TicketRow.created_at,
            TicketRow.unit_id,
            TicketRow.confidential,
        ).where(
            TicketRow.created_at >= start,
            TicketRow.number.is_not(None),
            TicketRow.state != State.REFUSED.value,
        )
        if end is not None:
            q = q.where(TicketRow.created_at < end)
        rows = s.execute(q.order_by(TicketRow.created_at, TicketRow.number)).all()
    return [
        HotTicket(number, phone or "", text, created, unit or "", confidential)
        for number, phone, text, created, unit, confidential in rows
        if number is not None
    ]


def period_report(
    store: Store,
    start: dt.datetime,
    end: dt.datetime,
    limit: int = 20,
    unit_id: str | None = None,
    params: HotParams | None = None,
) -> tuple[list[HotGroupView], list[HotAlertView]]:
    """The period's tickets grouped afresh (a full recompute), ranked at the period's end, and
    every alert raised within it."""
    tracker = replay(_tickets(store, start, end), params)
    moment = end - dt.timedelta(microseconds=1)
    groups = tracker.groups(moment, limit=limit, unit_id=unit_id)
    return groups, tracker.recent_alerts(start, unit_id)


class HotWatch:
    """The tracker over the store's recent tickets; thread-safe. ``for_store`` gives the one
    tracker of a store that every seat of the process shares (an API request's backend is
    made per request: a tracker of its own would replay the window each time)."""

    _shared: weakref.WeakKeyDictionary[Engine, HotWatch] = weakref.WeakKeyDictionary()
    _shared_lock = threading.Lock()

    @classmethod
    def for_store(cls, store: Store) -> HotWatch:
        with cls._shared_lock:
            watch = cls._shared.get(store.write_engine)
            if watch is None:
                watch = cls._shared[store.write_engine] = cls(store)
            return watch

    def __init__(self, store: Store, params: HotParams | None = None) -> None:
        self.store = store
        self.params = params
        self.tracker: HotTracker | None = None
        self._created_mark: dt.datetime | None = None
        self._updated_mark: dt.datetime | None = None
        self._lock = threading.Lock()

    def _sync(self, now: dt.datetime) -> HotTracker:
        with self._lock:
            if self.tracker is None:
                # the first look: a full recompute (replayed, the texts read ahead)
                start = now - dt.timedelta(days=WINDOW_DAYS)
                window = _tickets(self.store, start - SYNC_OVERLAP, None)
                self.tracker = replay(window, self.params)
                self._created_mark = max([start, *(t.at for t in window)])
            tracker = self.tracker
            assert self._created_mark is not None
            for ticket in _tickets(self.store, self._created_mark - SYNC_OVERLAP, None):
                if ticket.number in tracker:
                    continue
                tracker.add(ticket)
                self._created_mark = max(self._created_mark, ticket.at)
            with self.store.read() as s:
                if self._updated_mark is not None:
                    moved = s.execute(
                        select(TicketRow.number, TicketRow.unit_id).where(
                            TicketRow.updated_at >= self._updated_mark - SYNC_OVERLAP,
                            TicketRow.number.is_not(None),
                        )
                    ).all()
                    for number, unit in moved:
                        if number is not None:
                            tracker.set_unit(number, unit or "")
                newest = s.execute(
                    select(TicketRow.updated_at).order_by(TicketRow.updated_at.desc()).limit(1)
                ).scalar()
                if newest is not None:
                    self._updated_mark = newest
            return tracker

    def groups(
        self, now: dt.datetime, limit: int = 20, unit_id: str | None = None
    ) -> list[HotGroupView]:
        tracker = self._sync(now)
        with self._lock:
            return tracker.groups(now, limit=limit, unit_id=unit_id)

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
