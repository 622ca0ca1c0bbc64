"""The hot-matter tracker kept in step with the store (R-ANALYTICS).

``HotWatch`` reads the tickets accepted within ``WINDOW_DAYS`` once (in time order, a full
recompute), then at each look only those created or moved since (incremental): the store is
read by the ticket's creation and update times, never whole. Refused requests (never accepted)
are left out. One watch is shared by every seat of a process.
"""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select

from console.services.analytics.hot import HotParams, HotTicket, HotTracker
from console.services.values import State
from console.services.views import HotAlertView, HotGroupView
from console.store.engine import Store
from console.store.models import TicketRow

WINDOW_DAYS = 90
"""Tickets older than this (by creation) are not grouped when the watch starts."""

ALERT_HOURS = 12
"""Alerts raised within this many hours are shown (a shift)."""

SYNC_OVERLAP = dt.timedelta(seconds=5)


class HotWatch:
    """The tracker over the store's recent tickets; thread-safe."""

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
                self.tracker = HotTracker(self.params)
                self._created_mark = now - dt.timedelta(days=WINDOW_DAYS)
            tracker = self.tracker
            assert self._created_mark is not None
            with self.store.read() as s:
                rows = s.execute(
                    select(
                        TicketRow.number,
                        TicketRow.caller_phone,
                        TicketRow.text,
                        TicketRow.created_at,
                        TicketRow.unit_id,
                        TicketRow.confidential,
                    )
                    .where(
                        TicketRow.created_at >= self._created_mark - SYNC_OVERLAP,
                        TicketRow.number.is_not(None),
                        TicketRow.state != State.REFUSED.value,
                    )
                    .order_by(TicketRow.created_at, TicketRow.number)
                ).all()
                for number, phone, text, created, unit, confidential in rows:
                    if number is None or number in tracker:
                        continue
                    tracker.add(
                        HotTicket(number, phone or "", text, created, unit or "", confidential)
                    )
                    self._created_mark = max(self._created_mark, created)
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
