"""The clock, injected everywhere. ``HOTLINE_NOW`` pins it for drills, training and tests."""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current moment, timezone-aware."""
        ...

    @property
    def pinned(self) -> bool:
        """True when the clock is a drill clock (the console shows a banner)."""
        ...


class SystemClock:
    pinned = False

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class DrillClock:
    """A clock set to a given moment; frozen, or running on from it."""

    pinned = True

    def __init__(self, start: dt.datetime, running: bool = False) -> None:
        self._start = start
        self._running = running
        self._t0 = time.monotonic()

    def now(self) -> dt.datetime:
        if not self._running:
            return self._start
        return self._start + dt.timedelta(seconds=time.monotonic() - self._t0)

    def set(self, moment: dt.datetime) -> None:
        """Move the drill clock (tests and training)."""
        self._start = moment
        self._t0 = time.monotonic()

    def advance(self, delta: dt.timedelta) -> None:
        self.set(self.now() + delta)


def parse_local(text: str) -> dt.datetime:
    """Parse "YYYY-MM-DD HH:MM[:SS]" (Asia/Shanghai unless an offset is given)."""
    moment = dt.datetime.fromisoformat(text.strip().replace("T", " "))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment


def clock_from_setting(value: str | None, running: bool = False) -> Clock:
    """``HOTLINE_NOW`` unset → system clock; set → a drill clock at that moment."""
    if not value:
        return SystemClock()
    return DrillClock(parse_local(value), running=running)


def local(moment: dt.datetime) -> dt.datetime:
    """A moment in Asia/Shanghai, for display."""
    return moment.astimezone(SHANGHAI)


def quarter_of(day: dt.date) -> str:
    """The quarter a day is in, as a reporting period (``2026Q4``)."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"
