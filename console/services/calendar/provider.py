"""The work calendar as the platform knows it: built-in years plus schedules loaded into the store."""

from __future__ import annotations

import datetime as dt
import threading
import time

from sqlalchemy import select

from console.services.calendar.workdays import WorkCalendar, YearSchedule
from console.store.engine import Store
from console.store.models import CalendarScheduleRow

REFRESH_SECONDS = 60.0  # another seat may load a schedule; pick it up within a minute


class CalendarProvider:
    """Builds the WorkCalendar from the store once and refreshes it now and then."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._cal: WorkCalendar | None = None
        self._loaded = 0.0

    def __call__(self) -> WorkCalendar:
        with self._lock:
            if self._cal is None or time.monotonic() - self._loaded > REFRESH_SECONDS:
                self._cal = WorkCalendar(self._schedules())
                self._loaded = time.monotonic()
            return self._cal

    def invalidate(self) -> None:
        with self._lock:
            self._cal = None

    def _schedules(self) -> dict[int, YearSchedule]:
        with self._store.read() as s:
            rows = s.execute(select(CalendarScheduleRow)).scalars().all()
            return {r.year: schedule_from_row(r) for r in rows}


def schedule_from_row(r: CalendarScheduleRow) -> YearSchedule:
    return YearSchedule(
        year=r.year,
        holidays={dt.date.fromisoformat(k): str(v) for k, v in r.holidays.items()},
        makeup_workdays={dt.date.fromisoformat(k): str(v) for k, v in r.workdays.items()},
        source=r.source,
        official=r.official,
        published=r.published,
    )


def save_schedule(store: Store, schedule: YearSchedule, loaded_by: str, now: dt.datetime) -> None:
    """Keep an official schedule in the database (replacing that year's earlier one)."""
    with store.write() as s:
        row = s.get(CalendarScheduleRow, schedule.year)
        if row is None:
            row = CalendarScheduleRow(year=schedule.year)
            s.add(row)
        row.source = schedule.source
        row.official = schedule.official
        row.published = schedule.published
        row.holidays = {d.isoformat(): n for d, n in sorted(schedule.holidays.items())}
        row.workdays = {d.isoformat(): n for d, n in sorted(schedule.makeup_workdays.items())}
        row.loaded_at = now
        row.loaded_by = loaded_by
