"""Duty shifts of an expert (专家值班时间): which days, from when to when.

A shift is written as days, a space, and a time range::

    工作日 09:00-17:30        workdays 09:00-17:30     working days of the calendar (调休 included)
    休息日 09:00-17:00        restdays 09:00-17:00     weekends and public holidays
    每天 20:00-08:00          daily 20:00-08:00        every day; ends the next morning
    周一至周五 08:30-12:00    mon-fri 08:30-12:00      days of the week (周一…周日, mon…sun)
    周六,周日 00:00-00:00     sat,sun 00:00-00:00      the whole day

Working days are the platform's calendar (``WorkCalendar``), so an expert on 工作日 is on duty
on a 调休 Saturday and not on National Day. A range that ends at or before it starts runs past
midnight: its days are the days it *starts* on. Times are Beijing time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from console.errors import InputError
from console.services.calendar.workdays import WorkCalendar
from console.services.clock import SHANGHAI

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAY_WORDS = {
    **{w: i for i, w in enumerate(WEEKDAYS)},
    **{w: i for i, w in enumerate(WEEKDAY_LABELS)},
    **{f"星期{c}": i for i, c in enumerate("一二三四五六日")},
    "周天": 6,
    "星期天": 6,
}
_KINDS = {
    "workdays": "workdays",
    "工作日": "workdays",
    "restdays": "restdays",
    "休息日": "restdays",
    "节假日": "restdays",
    "daily": "daily",
    "每天": "daily",
    "每日": "daily",
}
KIND_LABELS = {"workdays": "工作日", "restdays": "休息日", "daily": "每天"}
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")
_RANGE = re.compile(r"\s*(?:-|–|—|~|～|至|到)\s*")
_SPACED_RANGE = re.compile(r"\s*(\d{1,2}[:：]\d{2})\s*(?:-|–|—|~|～|至|到)\s*(\d{1,2}[:：]\d{2})$")
_LIST = re.compile(r"\s*[,，、/]\s*")
EXAMPLE = "工作日 09:00-17:30"


@dataclass(frozen=True)
class Shift:
    """Days (a kind, or weekdays 0 = Monday) and a time range."""

    kind: str  # workdays | restdays | daily | weekdays
    weekdays: tuple[int, ...]
    start: dt.time
    end: dt.time

    def text(self) -> str:
        """The canonical form stored: ``workdays 09:00-17:30``, ``mon,wed 08:00-12:00``."""
        days = (
            ",".join(WEEKDAYS[d] for d in self.weekdays) if self.kind == "weekdays" else self.kind
        )
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"

    def label(self) -> str:
        """In Chinese: ``工作日 09:00–17:30``, ``每天 20:00–次日08:00``, ``周六、周日 全天``."""
        if self.kind == "weekdays":
            days = "、".join(WEEKDAY_LABELS[d] for d in self.weekdays)
        else:
            days = KIND_LABELS[self.kind]
        if self.start == self.end:
            return (
                f"{days} 全天"
                if self.start == dt.time(0)
                else f"{days} {self.start:%H:%M} 起24小时"
            )
        nextday = "次日" if self.end < self.start else ""
        return f"{days} {self.start:%H:%M}–{nextday}{self.end:%H:%M}"

    def _day_counts(self, day: dt.date, calendar: WorkCalendar) -> bool:
        if self.kind == "daily":
            return True
        if self.kind == "workdays":
            return calendar.is_workday(day)
        if self.kind == "restdays":
            return not calendar.is_workday(day)
        return day.weekday() in self.weekdays

    def covers(self, moment: dt.datetime, calendar: WorkCalendar) -> bool:
        """Whether the expert is on duty at ``moment`` (aware; naive is Beijing time)."""
        local = moment.astimezone(SHANGHAI) if moment.tzinfo else moment
        day, now = local.date(), local.time().replace(tzinfo=None)
        if self.start == self.end:  # 24 hours from the start
            if now >= self.start:
                return self._day_counts(day, calendar)
            return self._day_counts(day - dt.timedelta(days=1), calendar)
        if self.start < self.end:
            return self.start <= now < self.end and self._day_counts(day, calendar)
        if now >= self.start:  # past midnight: the evening part
            return self._day_counts(day, calendar)
        return now < self.end and self._day_counts(day - dt.timedelta(days=1), calendar)


def _clock(value: str, field: str, shift: str) -> dt.time:
    m = _TIME.match(value.strip())
    if m is None:
        raise InputError(field, f"值班时间「{shift}」的时刻「{value}」应写作 时:分，如 {EXAMPLE}")
    hour, minute = int(m.group(1)), int(m.group(2))
    if hour == 24 and minute == 0:
        return dt.time(0)
    if hour > 23 or minute > 59:
        raise InputError(field, f"值班时间「{shift}」的时刻「{value}」不存在")
    return dt.time(hour, minute)


def _weekday(word: str, field: str, shift: str) -> int:
    day = _WEEKDAY_WORDS.get(word.strip().lower())
    if day is None:
        raise InputError(
            field,
            f"值班时间「{shift}」的日子「{word}」不认识：写 工作日、休息日、每天，或 周一…周日",
        )
    return day


def _days(part: str, field: str, shift: str) -> tuple[str, tuple[int, ...]]:
    kind = _KINDS.get(part.strip().lower())
    if kind is not None:
        return kind, ()
    chosen: set[int] = set()
    for item in _LIST.split(part.strip()):
        ends = _RANGE.split(item)
        if len(ends) == 1:
            chosen.add(_weekday(ends[0], field, shift))
        elif len(ends) == 2:
            first, last = _weekday(ends[0], field, shift), _weekday(ends[1], field, shift)
            day = first
            chosen.add(day)
            while day != last:  # 周五至周一 wraps over the weekend
                day = (day + 1) % 7
                chosen.add(day)
        else:
            raise InputError(field, f"值班时间「{shift}」的日子「{item}」写法不对，如 周一至周五")
    return "weekdays", tuple(sorted(chosen))


def parse_shift(value: str, field: str = "shifts") -> Shift:
    """A shift from its written form (see the module docstring), or InputError naming
    ``field`` with what is wrong."""
    shift = " ".join(value.split())
    if not shift:
        raise InputError(field, f"值班时间不能为空，如 {EXAMPLE}")
    if len(shift) > 60:
        raise InputError(field, f"值班时间「{shift[:20]}…」过长（最多 60 字）")
    spaced = _SPACED_RANGE.search(shift)
    if spaced is not None:  # 工作日 09:00 - 17:30
        shift = f"{shift[: spaced.start()]} {spaced.group(1)}-{spaced.group(2)}".strip()
    days, sep, hours = shift.rpartition(" ")
    if not sep or not days:
        raise InputError(field, f"值班时间「{shift}」应先写日子再写时段，如 {EXAMPLE}")
    ends = _RANGE.split(hours)
    if len(ends) != 2:
        raise InputError(field, f"值班时间「{shift}」的时段应写作 开始-结束，如 {EXAMPLE}")
    kind, weekdays = _days(days, field, shift)
    return Shift(kind, weekdays, _clock(ends[0], field, shift), _clock(ends[1], field, shift))
