"""The mainland work calendar: which days are working days (WD), and arithmetic on them.

Where a year's schedule comes from, in order of precedence:

1. ``official`` — schedules loaded from files or the database (``hotline calendar load``);
2. the ``chinese-calendar`` package, for the years it knows (2004–2026 in 1.11);
3. otherwise a provisional fallback (``spec/rules.md`` "Counting time"): weekdays minus the
   statutory holidays fixed by 《全国年节及纪念日放假办法》 — 元旦 1 day, 春节 除夕 to 初三,
   清明 (the solar-term day), 劳动节 May 1–2, 端午, 中秋, 国庆 Oct 1–3 — with no bridging
   days and no make-up workdays. Lunar dates and 清明 come from ``lunar-python``.

Day arithmetic works on precomputed ordinals: per-day working flags, the cumulative count of
working days and the sorted list of working-day ordinals over a contiguous range of years,
built lazily and extended when a query leaves it; each query is one bisect or two lookups.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import metadata
from itertools import accumulate
from types import MappingProxyType

from chinese_calendar import constants as _cc  # type: ignore[import-untyped]

from console.errors import InputError

MIN_YEAR = 1901
"""Earliest year the calendar answers for (provisional before chinese-calendar's first)."""
MAX_YEAR = 2199
"""Latest year the calendar answers for."""

FALLBACK_SOURCE = "法定节假日推算（临时）"
"""``YearSchedule.source`` of a year computed by the provisional fallback."""

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

# chinese-calendar's holiday values (English) → the names shown on screen.
_CC_NAMES: Mapping[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


@dataclass(frozen=True)
class YearSchedule:
    """One year's holidays and make-up workdays (调休上班), and where they come from.

    ``holidays`` lists every day off the notice names (including weekend days inside a
    holiday span); ``makeup_workdays`` lists weekend days that are worked. A schedule may
    also list late-December days of the previous year when a notice spans the new year.
    """

    year: int
    holidays: dict[date, str]
    makeup_workdays: dict[date, str]
    source: str
    official: bool
    published: date | None = field(default=None, compare=False)


def _cc_name(value: str) -> str:
    if value in _CC_NAMES:
        return _CC_NAMES[value]
    try:
        return str(_cc.Holiday(value).chinese)
    except ValueError:
        return value


def _cc_version() -> str:
    try:
        return metadata.version("chinese-calendar")
    except metadata.PackageNotFoundError:  # pragma: no cover - vendored copies
        return "?"


_CC_FIRST_YEAR = min(_cc.holidays).year
_CC_LAST_YEAR = max(_cc.holidays).year


def chinese_calendar_years() -> range:
    """The years the installed chinese-calendar knows."""
    return range(_CC_FIRST_YEAR, _CC_LAST_YEAR + 1)


def _schedule_from_chinese_calendar(year: int) -> YearSchedule:
    holidays = {d: _cc_name(v) for d, v in _cc.holidays.items() if d.year == year}
    makeup = {d: f"{_cc_name(v)}调休上班" for d, v in _cc.workdays.items() if d.year == year}
    return YearSchedule(
        year=year,
        holidays=holidays,
        makeup_workdays=makeup,
        source=f"chinese-calendar {_cc_version()}",
        official=True,
    )


def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holidays 《全国年节及纪念日放假办法》 fixes for ``year``, no 调休.

    元旦 Jan 1; 春节 除夕 to 正月初三 (4 days); 清明 (the solar-term day); 劳动节 May 1–2;
    端午 (五月初五); 中秋 (八月十五); 国庆节 Oct 1–3. When two fall on one day the names
    are joined.
    """
    # imported only when a fallback year is needed
    from lunar_python import Lunar, Solar  # type: ignore[import-untyped]

    def solar_date(lunar_month: int, lunar_day: int) -> date:
        s = Lunar.fromYmd(year, lunar_month, lunar_day).getSolar()
        return date(s.getYear(), s.getMonth(), s.getDay())

    out: dict[date, str] = {}

    def add(d: date, name: str) -> None:
        out[d] = f"{out[d]}、{name}" if d in out and name not in out[d] else name

    add(date(year, 1, 1), "元旦")
    new_year = solar_date(1, 1)
    for offset in range(-1, 3):  # 除夕, 初一, 初二, 初三
        add(new_year + timedelta(days=offset), "春节")
    qm = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    add(date(qm.getYear(), qm.getMonth(), qm.getDay()), "清明节")
    add(date(year, 5, 1), "劳动节")
    add(date(year, 5, 2), "劳动节")
    add(solar_date(5, 5), "端午节")
    add(solar_date(8, 15), "中秋节")
    for day in (1, 2, 3):
        add(date(year, 10, day), "国庆节")
    return dict(sorted(out.items()))


def _fallback_schedule(year: int) -> YearSchedule:
    return YearSchedule(
        year=year,
        holidays=statutory_holidays(year),
        makeup_workdays={},
        source=FALLBACK_SOURCE,
        official=False,
    )


def _check_year(year: int, what: str = "date") -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(what, f"{year} 年超出工作日历支持的范围（{MIN_YEAR}–{MAX_YEAR}）")


@dataclass(frozen=True)
class _Span:
    """Precomputed ordinals over whole years ``first..last``."""

    first: int
    last: int
    base: int  # ordinal of Jan 1 of ``first``
    end: int  # ordinal of Dec 31 of ``last``
    flags: bytes  # 1 = working day, indexed by ordinal - base
    cum: list[int]  # cum[i] = working days among the first i days of the span
    workdays: list[int]  # ordinals of the working days, ascending


_EMPTY: Mapping[int, YearSchedule] = MappingProxyType({})


class WorkCalendar:
    """Working days in mainland China, with 调休, for 1901–2199 (never raises in 2004–2099).

    Args:
        official: schedules loaded from files or the database, by year; they take
            precedence over chinese-calendar and over the fallback. A schedule whose
            ``official`` is False is used for its days but its year stays provisional.
        library_years: the years to take from chinese-calendar (default: all it knows);
            narrower for drills and tests that need a year to be provisional whatever
            version of the package is installed.
    """

    def __init__(
        self,
        official: Mapping[int, YearSchedule] = _EMPTY,
        *,
        library_years: range | None = None,
    ) -> None:
        for year, sched in official.items():
            if sched.year != year:
                raise ValueError(f"schedule for {sched.year} given under key {year}")
        self._official: dict[int, YearSchedule] = dict(official)
        known = chinese_calendar_years()
        lib = known if library_years is None else library_years
        self._lib_first = max(known.start, lib.start)
        self._lib_last = min(known.stop, lib.stop) - 1
        self._schedules: dict[int, YearSchedule] = {}
        self._lock = threading.RLock()
        self._span: _Span | None = None

    # --- schedules ------------------------------------------------------------------------

    def schedule(self, year: int) -> YearSchedule:
        """The schedule in force for ``year`` (official file/DB, chinese-calendar or fallback)."""
        cached = self._schedules.get(year)
        if cached is not None:
            return cached
        _check_year(year, "year")
        with self._lock:
            if year in self._official:
                sched = self._official[year]
            elif self._lib_first <= year <= self._lib_last:
                sched = _schedule_from_chinese_calendar(year)
            else:
                sched = _fallback_schedule(year)
            self._schedules[year] = sched
            return sched

    def is_provisional(self, year: int) -> bool:
        """True when ``year`` has no official schedule and is computed by the fallback."""
        return not self.schedule(year).official

    def official_years(self) -> list[int]:
        """Years given to this calendar as loaded schedules (not chinese-calendar's)."""
        return sorted(self._official)

    # --- the precomputed span -------------------------------------------------------------

    def _year_flags(self, year: int) -> bytes:
        jan1 = date(year, 1, 1).toordinal()
        days = date(year + 1, 1, 1).toordinal() - jan1
        # date(1, 1, 1) has ordinal 1 and is a Monday: weekday = (ordinal - 1) % 7.
        flags = bytearray(1 if (jan1 + i - 1) % 7 < 5 else 0 for i in range(days))
        layers = [self.schedule(year)]
        if year + 1 <= MAX_YEAR:
            nxt = self.schedule(year + 1)
            if nxt.official or nxt.year in self._official:  # a notice may reach back into Dec
                layers.append(nxt)
        for sched in layers:
            for d in sched.holidays:
                if d.year == year:
                    flags[d.toordinal() - jan1] = 0
            for d in sched.makeup_workdays:
                if d.year == year:
                    flags[d.toordinal() - jan1] = 1
        return bytes(flags)

    def _build(self, first: int, last: int) -> _Span:
        flags = b"".join(self._year_flags(y) for y in range(first, last + 1))
        base = date(first, 1, 1).toordinal()
        cum = list(accumulate(flags, initial=0))
        workdays = [base + i for i, f in enumerate(flags) if f]
        return _Span(first, last, base, date(last, 12, 31).toordinal(), flags, cum, workdays)

    def _span_for(self, *years: int) -> _Span:
        span = self._span
        lo, hi = min(years), max(years)
        if span is not None and span.first <= lo and hi <= span.last:
            return span
        for y in (lo, hi):
            _check_year(y)
        with self._lock:
            span = self._span
            if span is not None and span.first <= lo and hi <= span.last:
                return span
            first = min(lo, _CC_FIRST_YEAR if span is None else span.first)
            last = max(hi, max(self._lib_last, _CC_FIRST_YEAR) + 1 if span is None else span.last)
            # Grow by a margin so that walking across a year end does not rebuild each time.
            if span is not None and last > span.last:
                last = min(MAX_YEAR, last + 2)
            if span is not None and first < span.first:
                first = max(MIN_YEAR, first - 2)
            self._span = self._build(first, last)
            return self._span

    # --- queries --------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        """True when ``day`` is a working day."""
        span = self._span_for(day.year)
        return span.flags[day.toordinal() - span.base] == 1

    def add_working_days(self, start: date, n: int) -> date:
        """The Nth working day after ``start`` (``start`` itself is not counted).

        ``n == 0`` returns ``start``; a negative ``n`` counts backwards (the |n|th working
        day before ``start``).
        """
        o = start.toordinal()
        span = self._span_for(start.year)
        if n > 0:
            while True:
                idx = bisect_right(span.workdays, o) + n - 1
                if idx < len(span.workdays):
                    return date.fromordinal(span.workdays[idx])
                if span.last >= MAX_YEAR:
                    _check_year(MAX_YEAR + 1)  # raises: past the supported range
                span = self._span_for(min(MAX_YEAR, span.last + 1 + n // 250))
        if n < 0:
            while True:
                idx = bisect_left(span.workdays, o) + n
                if idx >= 0:
                    return date.fromordinal(span.workdays[idx])
                if span.first <= MIN_YEAR:
                    _check_year(MIN_YEAR - 1)  # raises: before the supported range
                span = self._span_for(max(MIN_YEAR, span.first - 1 + n // 250))
        return start

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start).

        ``working_days_between(d, add_working_days(d, n)) == n`` for n ≥ 0.
        """
        if end < start:
            return -self.working_days_between(end, start)
        span = self._span_for(start.year, end.year)
        return (
            span.cum[end.toordinal() - span.base + 1] - span.cum[start.toordinal() - span.base + 1]
        )

    def working_days(self, after: date, through: date) -> list[date]:
        """The working days ``d`` with ``after < d <= through``, in order."""
        if through <= after:
            return []
        span = self._span_for(after.year, through.year)
        lo = bisect_right(span.workdays, after.toordinal())
        hi = bisect_right(span.workdays, through.toordinal())
        return [date.fromordinal(o) for o in span.workdays[lo:hi]]

    def day_note(self, day: date) -> str:
        """Why ``day`` is (not) a working day: a holiday or 调休 name, 星期六/星期日, or ""."""
        for sched in (self._spill(day.year + 1), self.schedule(day.year)):  # newer notice first
            if sched is None:
                continue
            if day in sched.makeup_workdays:
                return sched.makeup_workdays[day]
            if day in sched.holidays:
                return sched.holidays[day]
        wd = day.weekday()
        return WEEKDAY_NAMES[wd] if wd >= 5 else ""

    def _spill(self, year: int) -> YearSchedule | None:
        if year > MAX_YEAR:
            return None
        sched = self.schedule(year)
        return sched if sched.official or year in self._official else None
