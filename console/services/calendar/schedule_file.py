"""The official holiday-schedule file: one TOML file per year (``knowledge_seed/calendar``).

The State Council publishes each year's schedule (放假安排, with 调休) around November of
the year before. A file transcribes one notice::

    year = 2027
    source = "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）"
    published = 2026-11-05          # TOML date (or "YYYY-MM-DD")
    official = true                 # optional, default true; false keeps the year provisional
    note = "…"                      # optional

    [[holiday]]
    name = "春节"
    start = 2027-02-05
    end = 2027-02-13                # inclusive; weekend days inside the span included

    [[workday]]                     # a weekend day that is worked (调休上班)
    date = 2027-02-20
    name = "春节调休上班"

Files named ``<year>.toml`` are the official ones loaded on seed; anything else (such as
``EXAMPLE-2027.toml``) is not. Every error is one line naming the file, the entry and the
field (:class:`~console.errors.InputError`).
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from console.errors import InputError
from console.services.calendar.workdays import MAX_YEAR, MIN_YEAR, YearSchedule

DEFAULT_FOLDER = Path(__file__).resolve().parents[3] / "knowledge_seed" / "calendar"
"""The shipped schedules (read only when asked)."""

OFFICIAL_NAME = re.compile(r"^(\d{4})\.toml$")
"""File names that hold an official schedule: ``2027.toml``."""

_TOP_KEYS = {"year", "source", "published", "official", "note", "holiday", "workday"}
_HOLIDAY_KEYS = {"name", "start", "end"}
_WORKDAY_KEYS = {"date", "name"}
_MAX_SPAN_DAYS = 15  # the longest holiday in a notice so far is 9 days (春节, 国庆)


def _date(value: Any, field: str) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(field, f"应为日期 YYYY-MM-DD，而不是 {value!r}")


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, "应为非空字符串")
    if "\n" in value.strip():
        raise InputError(field, "应为一行文字")
    return value.strip()


def _table_list(data: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(f"{where}{key}", f"应写成 [[{key}]] 表数组")
    return entries


def parse_schedule(text: str, origin: str = "schedule") -> YearSchedule:
    """Parse and validate one schedule file's text into a :class:`YearSchedule`.

    Args:
        text: the TOML text.
        origin: the file name, used as the first word of every error.

    Raises:
        InputError: one line naming the field and entry, e.g.
            ``2027.toml holiday[2].end: 早于 start 2027-02-05``.
    """
    where = f"{origin} " if origin else ""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(origin or "schedule", f"不是有效的 TOML：{exc}") from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise InputError(f"{where}{unknown[0]}", "未知的字段")
    for key in ("year", "source", "published"):
        if key not in data:
            raise InputError(f"{where}{key}", "缺少此字段")

    year = data["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(f"{where}year", f"应为 {MIN_YEAR}–{MAX_YEAR} 之间的年份，而不是 {year!r}")
    source = _text(data["source"], f"{where}source")
    published = _date(data["published"], f"{where}published")
    if published > date(year, 12, 31):
        raise InputError(f"{where}published", f"{published} 晚于 {year} 年底")
    official = data.get("official", True)
    if not isinstance(official, bool):
        raise InputError(f"{where}official", "应为 true 或 false")
    if "note" in data and not isinstance(data["note"], str):
        raise InputError(f"{where}note", "应为字符串")

    # A notice may reach back into late December of the year before (元旦 spans).
    earliest = date(year - 1, 12, 20)
    latest = date(year, 12, 31)

    def in_year(d: date, field: str) -> date:
        if not earliest <= d <= latest:
            raise InputError(field, f"{d} 不在 {year} 年的放假安排范围内")
        return d

    holidays: dict[date, str] = {}
    owner: dict[date, int] = {}
    entries = _table_list(data, "holiday", where)
    if not entries:
        raise InputError(f"{where}holiday", "至少应有一个 [[holiday]]")
    for i, entry in enumerate(entries, start=1):
        at = f"{where}holiday[{i}]"
        extra = sorted(set(entry) - _HOLIDAY_KEYS)
        if extra:
            raise InputError(f"{at}.{extra[0]}", "未知的字段")
        for key in ("name", "start", "end"):
            if key not in entry:
                raise InputError(f"{at}.{key}", "缺少此字段")
        name = _text(entry["name"], f"{at}.name")
        start = in_year(_date(entry["start"], f"{at}.start"), f"{at}.start")
        end = in_year(_date(entry["end"], f"{at}.end"), f"{at}.end")
        if end < start:
            raise InputError(f"{at}.end", f"{end} 早于 start {start}")
        if (end - start).days + 1 > _MAX_SPAN_DAYS:
            raise InputError(
                f"{at}.end",
                f"假期长达 {(end - start).days + 1} 天，超过 {_MAX_SPAN_DAYS} 天，请核对",
            )
        day = start
        while day <= end:
            if day in holidays:
                raise InputError(f"{at}.start", f"{day} 与 holiday[{owner[day]}] 重叠")
            holidays[day] = name
            owner[day] = i
            day += timedelta(days=1)

    makeup: dict[date, str] = {}
    for i, entry in enumerate(_table_list(data, "workday", where), start=1):
        at = f"{where}workday[{i}]"
        extra = sorted(set(entry) - _WORKDAY_KEYS)
        if extra:
            raise InputError(f"{at}.{extra[0]}", "未知的字段")
        for key in ("date", "name"):
            if key not in entry:
                raise InputError(f"{at}.{key}", "缺少此字段")
        day = in_year(_date(entry["date"], f"{at}.date"), f"{at}.date")
        name = _text(entry["name"], f"{at}.name")
        if day.weekday() < 5:
            raise InputError(f"{at}.date", f"{day} 不是周末，无需调休上班")
        if day in holidays:
            raise InputError(f"{at}.date", f"{day} 已在 holiday[{owner[day]}] 中放假")
        if day in makeup:
            raise InputError(f"{at}.date", f"{day} 重复")
        makeup[day] = name

    return YearSchedule(
        year=year,
        holidays=dict(sorted(holidays.items())),
        makeup_workdays=dict(sorted(makeup.items())),
        source=source,
        official=official,
        published=published,
    )


def load_schedule_file(path: Path) -> YearSchedule:
    """Read and validate one schedule file; a ``<year>.toml`` name must match its ``year``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"无法读取：{exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "不是 UTF-8 文本") from None
    sched = parse_schedule(text, origin=path.name)
    m = OFFICIAL_NAME.match(path.name)
    if m and int(m.group(1)) != sched.year:
        raise InputError(f"{path.name} year", f"文件名是 {m.group(1)} 年，内容却是 {sched.year} 年")
    return sched


def official_schedule_paths(folder: Path = DEFAULT_FOLDER) -> list[Path]:
    """The files in ``folder`` named ``<year>.toml``, by year (examples are left out)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and OFFICIAL_NAME.match(p.name))


def load_official_schedules(folder: Path = DEFAULT_FOLDER) -> dict[int, YearSchedule]:
    """Every ``<year>.toml`` in ``folder``, parsed, keyed by year (for ``WorkCalendar``)."""
    return {s.year: s for s in (load_schedule_file(p) for p in official_schedule_paths(folder))}


def _spans(days: dict[date, str]) -> list[tuple[str, date, date]]:
    out: list[tuple[str, date, date]] = []
    for d, name in sorted(days.items()):
        if out and out[-1][0] == name and out[-1][2] + timedelta(days=1) == d:
            out[-1] = (name, out[-1][1], d)
        else:
            out.append((name, d, d))
    return out


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dump_schedule(sched: YearSchedule) -> str:
    """The schedule as file text that :func:`parse_schedule` reads back to an equal schedule."""
    lines = [f"year = {sched.year}", f"source = {_q(sched.source)}"]
    if sched.published is not None:
        lines.append(f"published = {sched.published.isoformat()}")
    else:
        lines.append(f"published = {date(sched.year - 1, 12, 31).isoformat()}  # unknown")
    if not sched.official:
        lines.append("official = false")
    for name, start, end in _spans(sched.holidays):
        lines += ["", "[[holiday]]", f"name = {_q(name)}", f"start = {start}", f"end = {end}"]
    for d, name in sorted(sched.makeup_workdays.items()):
        lines += ["", "[[workday]]", f"date = {d}", f"name = {_q(name)}"]
    return "\n".join(lines) + "\n"
