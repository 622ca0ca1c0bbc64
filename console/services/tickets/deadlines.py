"""Deadlines: when each clock of a ticket runs out, and why.

Counting follows ``spec/rules.md`` "Counting time" (《民法典》第二百零一条、第二百零三条):

- a limit in working days (WD) does not count the day it starts; it ends at 24:00
  Asia/Shanghai of the Nth working day after that day (stored as 23:59:59);
- a limit in hours is calendar time, around the clock (the line is 7×24);
- an extension adds WD to the current due date.

Every :class:`Due` carries a :class:`DueExplanation` that answers "why is it due then":
the days counted, the days skipped and why, the 调休 workdays used, the extension, and the
years that were computed without an official schedule (provisional).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from console.errors import InputError
from console.services.calendar.workdays import WEEKDAY_NAMES, WorkCalendar
from console.services.tickets.rules import Limit, RuleTable
from console.services.values import Kind

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
"""Stored time of a WD deadline: it stands for 24:00 of that day."""


@dataclass(frozen=True)
class NotedDay:
    """A day and why it matters (holiday name, 星期六/星期日, or 调休 name)."""

    day: date
    note: str


@dataclass(frozen=True)
class DueExplanation:
    """Everything a screen needs to answer "why is this due then".

    The day lists (``counted``, ``skipped``, ``makeup_used``) are worked out on first access
    from the calendar the deadline was computed with, so computing a deadline stays a
    couple of ordinal look-ups while a screen can still show every day.
    """

    start: datetime
    """When the clock started, in Asia/Shanghai."""
    rule: str
    """R-id, or "" when computed outside a rule."""
    amount: int
    unit: str
    """``"wd"`` or ``"hours"``."""
    extension_wd: int = 0
    """Working days added by approved extensions."""
    provisional_years: tuple[int, ...] = ()
    """Years in the counted span computed without an official schedule."""
    basis: str = ""
    """Where the limit comes from: the regulation's article or the law that overrides it."""
    after: date | None = None
    """Counting starts the day after this one (the start day, not counted)."""
    through: date | None = None
    """The last counted working day (the due day); None for hour limits."""
    calendar: WorkCalendar | None = field(default=None, compare=False, repr=False)
    """The calendar the days were counted on."""

    @cached_property
    def counted(self) -> tuple[date, ...]:
        """The working days counted, in order (extension days included, at the end)."""
        if self.calendar is None or self.after is None or self.through is None:
            return ()
        return tuple(self.calendar.working_days(self.after, self.through))

    @cached_property
    def skipped(self) -> tuple[NotedDay, ...]:
        """Days passed over between start and due: weekends and holidays, with the reason."""
        cal = self.calendar
        if cal is None or self.after is None or self.through is None:
            return ()
        work = set(self.counted)
        one = timedelta(days=1)
        out: list[NotedDay] = []
        day = self.after + one
        while day <= self.through:  # as long as the limit itself: a few dozen days
            if day not in work:
                out.append(NotedDay(day, cal.day_note(day) or WEEKDAY_NAMES[day.weekday()]))
            day += one
        return tuple(out)

    @cached_property
    def makeup_used(self) -> tuple[NotedDay, ...]:
        """Counted days that are weekend days worked by 调休."""
        cal = self.calendar
        if cal is None:
            return ()
        return tuple(
            NotedDay(d, cal.day_note(d) or "调休上班") for d in self.counted if d.weekday() >= 5
        )

    def lines(self) -> list[str]:
        """The explanation as short Chinese sentences, one per line."""
        start = self.start.astimezone(SHANGHAI)

        def fmt(d: date) -> str:
            return f"{d:%m-%d}" if d.year == start.year else f"{d:%Y-%m-%d}"

        out = [f"起算：{start:%Y-%m-%d %H:%M}（{WEEKDAY_NAMES[start.weekday()]}）"]
        rule = f"{self.rule} " if self.rule else ""
        if self.unit == "hours":
            out.append(f"{rule}时限 {self.amount} 小时，按自然时间连续计算（含节假日）")
        else:
            out.append(
                f"{rule}时限 {self.amount} 个工作日，起算当日不计，至第 {self.amount} 个工作日 24:00"
            )
        if self.basis:
            out.append(f"依据：{self.basis}")
        if self.unit == "hours" and not self.extension_wd:
            return out
        if self.extension_wd:
            out.append(f"已批准延期 {self.extension_wd} 个工作日，自原到期日起顺延")
        if self.counted:
            out.append("计入的工作日：" + "、".join(fmt(d) for d in self.counted))
        if self.skipped:
            out.append(
                "跳过的休息日：" + "、".join(f"{fmt(s.day)}（{s.note}）" for s in self.skipped)
            )
        if self.makeup_used:
            out.append(
                "计入的调休上班日："
                + "、".join(f"{fmt(s.day)}（{s.note}）" for s in self.makeup_used)
            )
        if self.provisional_years:
            years = "、".join(str(y) for y in self.provisional_years)
            out.append(f"{years} 年放假安排尚未载入，按法定节假日推算，为临时结果")
        return out


@dataclass(frozen=True)
class Due:
    """A deadline: the moment, whether it is provisional, and why."""

    due: datetime
    """Aware, Asia/Shanghai; WD deadlines are 23:59:59 of the last day (meaning 24:00)."""
    provisional: bool
    explanation: DueExplanation

    @property
    def is_end_of_day(self) -> bool:
        """True for WD deadlines (and extended ones), which are shown as 24:00 of the day."""
        return self.explanation.unit == "wd" or self.explanation.extension_wd > 0

    def display(self) -> str:
        """Human form, e.g. ``"2026-10-13 24:00（星期二）"``."""
        d = self.due.astimezone(SHANGHAI)
        clock = "24:00" if self.is_end_of_day else f"{d:%H:%M}"
        return f"{d:%Y-%m-%d} {clock}（{WEEKDAY_NAMES[d.weekday()]}）"


@dataclass(frozen=True)
class ClockSpec:
    """One running clock of a ticket."""

    rule: str
    key: str
    """Stable short id: sign, return, limit, consult, first_response, progress, supervise,
    callback_auto, callback_manual."""
    name: str
    """Chinese name, e.g. 签收时限."""
    due: Due


def _to_shanghai(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError("start", "时间必须带时区（tz-aware）")
    return moment.astimezone(SHANGHAI)


def _end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=SHANGHAI)


def _provisional_years(cal: WorkCalendar, after: date, through: date) -> tuple[int, ...]:
    """Years of the days in ``(after, through]`` that have no official schedule."""
    if through <= after:
        return ()
    first = after.year + 1 if (after.month, after.day) == (12, 31) else after.year
    return tuple(y for y in range(first, through.year + 1) if cal.is_provisional(y))


def wd_due(
    cal: WorkCalendar,
    start: datetime,
    n: int,
    extension_wd: int = 0,
    *,
    rule: str = "",
    basis: str = "",
) -> Due:
    """The deadline ``n`` working days (plus ``extension_wd``) after ``start``.

    The start day is not counted; the deadline is 24:00 (23:59:59) Asia/Shanghai of the
    last counted working day. ``provisional`` is True when any day from the day after
    ``start`` through the due day lies in a year without an official schedule (in
    practice: when a counted day falls in a fallback year).
    """
    if n < 0 or extension_wd < 0:
        raise InputError("n", "工作日数不能为负")
    local = _to_shanghai(start)
    first = local.date()
    due_day = cal.add_working_days(first, n + extension_wd)
    years = _provisional_years(cal, first, due_day)
    explanation = DueExplanation(
        start=local,
        rule=rule,
        amount=n,
        unit="wd",
        extension_wd=extension_wd,
        provisional_years=years,
        basis=basis,
        after=first,
        through=due_day,
        calendar=cal,
    )
    return Due(due=_end_of(due_day), provisional=bool(years), explanation=explanation)


def hours_due(start: datetime, hours: int, *, rule: str = "", basis: str = "") -> Due:
    """The deadline ``hours`` calendar hours after ``start`` (holidays do not stop it)."""
    if hours < 0:
        raise InputError("hours", "小时数不能为负")
    local = _to_shanghai(start)
    # Add in UTC so the answer is exact whatever the zone's rules.
    moment = (local.astimezone(UTC) + timedelta(hours=hours)).astimezone(SHANGHAI)
    explanation = DueExplanation(start=local, rule=rule, amount=hours, unit="hours", basis=basis)
    return Due(due=moment, provisional=False, explanation=explanation)


def extend(cal: WorkCalendar, due: Due, wd: int) -> Due:
    """``due`` extended by ``wd`` working days counted from its current due date (R-EXTEND)."""
    if wd < 0:
        raise InputError("wd", "延期工作日数不能为负")
    if wd == 0:
        return due
    old_day = due.due.astimezone(SHANGHAI).date()
    new_day = cal.add_working_days(old_day, wd)
    old = due.explanation
    # An hour clock has no counted days before its first extension: that extension counts
    # from its due date, and later ones keep listing the days of the earlier ones.
    after = old.after if old.after is not None else old_day
    years = _provisional_years(cal, after, new_day)
    explanation = replace(
        old,
        extension_wd=old.extension_wd + wd,
        provisional_years=years,
        after=after,
        through=new_day,
        calendar=cal,
    )
    return Due(due=_end_of(new_day), provisional=bool(years), explanation=explanation)


def due_for(limit: Limit, start: datetime, cal: WorkCalendar) -> Due:
    """The deadline of a time limit from the rule table, started at ``start``."""
    if limit.unit == "wd":
        return wd_due(cal, start, limit.amount, rule=limit.rule, basis=limit.basis)
    if limit.unit == "hours":
        return hours_due(start, limit.amount, rule=limit.rule, basis=limit.basis)
    raise ValueError(f"{limit.rule}/{limit.part} is not a time limit ({limit.unit})")


CLOCK_KINDS: tuple[str, ...] = (
    "consultation",
    "help",
    "complaint",
    "report",
    "suggestion",
    "special",
    "urgent",
    "supervision",
    "callback",
)
"""The kinds :func:`clocks_for` knows: the five request kinds, then the follow-through ones."""

CLOCK_KIND_LABELS: dict[str, str] = {
    **{k.value: k.label for k in Kind},
    "special": "特殊事项",
    "urgent": "特殊紧急事项",
    "supervision": "督办",
    "callback": "回访",
}

# kind -> the (rule, part) pairs whose clocks start together.
_CLOCKS: dict[str, tuple[tuple[str, str], ...]] = {
    "special": (("R-SPECIAL", "first_response"), ("R-SPECIAL", "progress")),
    "urgent": (("R-SPECIAL-URGENT", "first_response"), ("R-SPECIAL-URGENT", "progress")),
    "supervision": (("R-SUPERVISE-LIMIT", "supervise"),),
    "callback": (("R-CALLBACK", "callback_auto"), ("R-CALLBACK", "callback_manual")),
}
_REQUEST_CLOCKS = (("R-SIGN", "sign"), ("R-RETURN", "return"), ("R-LIMIT", "limit"))


def parse_clock_kind(text: str) -> str:
    """A clock kind from its value or Chinese label; raise :class:`InputError` otherwise."""
    t = text.strip()
    for value, label in CLOCK_KIND_LABELS.items():
        if t in (value, label):
            return value
    raise InputError("kind", f"未知的类型 {text!r}；可选：{', '.join(CLOCK_KINDS)}")


def clocks_for(
    kind: str,
    start: datetime,
    table: RuleTable,
    cal: WorkCalendar,
    matter_type: str | None = None,
) -> list[ClockSpec]:
    """Every clock that starts at ``start`` for a ticket (or step) of ``kind``.

    - consultation, help, complaint, report, suggestion (from dispatch): R-SIGN, R-RETURN,
      R-LIMIT; a consultation also R-CONSULT (24 h);
    - special: R-SPECIAL 4 h first response and 3 WD progress;
    - urgent: R-SPECIAL-URGENT 2 h and 2 WD;
    - supervision: R-SUPERVISE-LIMIT 20 WD;
    - callback (from completion): R-CALLBACK 24 h automatic and 72 h manual.

    ``matter_type`` selects limits set by law (法律法规另有规定) from the table.
    """
    kind = parse_clock_kind(str(kind))
    request_kind: Kind | None = None
    if kind in _CLOCKS:
        pairs = _CLOCKS[kind]
    else:
        request_kind = next(k for k in Kind if k.value == kind)
        pairs = _REQUEST_CLOCKS + ((("R-CONSULT", "consult"),) if kind == "consultation" else ())
    out: list[ClockSpec] = []
    for rule, part in pairs:
        limit = table.limit(rule, kind=request_kind, matter_type=matter_type, part=part)
        out.append(ClockSpec(rule=rule, key=part, name=limit.name, due=due_for(limit, start, cal)))
    return out
