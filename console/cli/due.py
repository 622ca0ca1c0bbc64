"""`hotline due`: when each clock of a ticket of some kind runs out, from a given moment."""

from __future__ import annotations

import argparse
import json
import unicodedata
from datetime import datetime
from typing import Any

from console.cli import UsageError
from console.cli.context import rule_table, work_calendar
from console.cli.matter import LIST_COMMAND, known_matter_types
from console.errors import InputError
from console.services.calendar.workdays import MAX_YEAR, MIN_YEAR, WEEKDAY_NAMES
from console.services.tickets.deadlines import (
    CLOCK_KIND_LABELS,
    CLOCK_KINDS,
    SHANGHAI,
    ClockSpec,
    clocks_for,
    parse_clock_kind,
)

_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def register(subparsers: Any) -> None:
    """Add the ``due`` verb to the ``hotline`` command."""
    p = subparsers.add_parser(
        "due",
        help="计算各项时限的到期时间",
        description=(
            "按《运行管理办法》的规则表计算某类工单从给定时刻起的全部时限："
            "工作日时限起算当日不计，至第N个工作日24:00止；小时时限按自然时间连续计算。"
            "尚无官方放假安排的年份按法定节假日推算，标为“临时”。"
        ),
    )
    p.add_argument(
        "--from",
        dest="start",
        required=True,
        metavar="'YYYY-MM-DD HH:MM'",
        help="起算时间（北京时间，Asia/Shanghai），如派单时间",
    )
    p.add_argument(
        "--kind",
        required=True,
        metavar="KIND",
        help="类型：" + "、".join(f"{k}（{CLOCK_KIND_LABELS[k]}）" for k in CLOCK_KINDS),
    )
    p.add_argument(
        "--matter-type",
        default=None,
        metavar="TYPE",
        help="事项类型；法律法规另有规定的时限从其规定（如：劳动保障监察）；"
        "可用的类型见 hotline matter list",
    )
    p.add_argument("--explain", action="store_true", help="逐项说明为何在该时刻到期")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(handler=run)


def parse_local_time(text: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` (Asia/Shanghai wall time) → aware datetime; UsageError if not."""
    cleaned = text.strip()
    for fmt in _FORMATS:
        try:
            naive = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        if not MIN_YEAR <= naive.year <= MAX_YEAR:
            raise UsageError(f"--from: {naive.year} 年超出支持范围（{MIN_YEAR}–{MAX_YEAR}）")
        return naive.replace(tzinfo=SHANGHAI)
    raise UsageError(f"--from: 无法识别的时间 {text!r}，应为 'YYYY-MM-DD HH:MM'（北京时间）")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _as_json(start: datetime, kind: str, clocks: list[ClockSpec]) -> str:
    doc = {
        "from": start.isoformat(),
        "kind": kind,
        "clocks": [
            {
                "rule": c.rule,
                "name": c.name,
                "due": c.due.due.isoformat(),
                "provisional": c.due.provisional,
            }
            for c in clocks
        ],
    }
    return json.dumps(doc, ensure_ascii=False)


def _as_text(
    start: datetime, kind: str, clocks: list[ClockSpec], explain: bool, matter_type: str | None
) -> str:
    head = f"起算 {start:%Y-%m-%d %H:%M}（{WEEKDAY_NAMES[start.weekday()]}）  类型 {CLOCK_KIND_LABELS[kind]}（{kind}）"
    if matter_type:
        head += f"  事项类型 {matter_type}"
    lines = [head]
    rule_w = max(_width(c.rule) for c in clocks)
    name_w = max(_width(c.name) for c in clocks)
    years: set[int] = set()
    for c in clocks:
        row = f"{_pad(c.rule, rule_w)}  {_pad(c.name, name_w)}  {c.due.display()}"
        if c.due.provisional:
            row += "  临时"
            years.update(c.due.explanation.provisional_years)
        lines.append(row)
        if explain:
            lines.extend(f"    {line}" for line in c.due.explanation.lines()[1:])
    if years:
        ys = "、".join(str(y) for y in sorted(years))
        lines.append(f"临时：{ys} 年放假安排尚未载入，按法定节假日推算；载入官方安排后请重新计算。")
    return "\n".join(lines)


def _matter_type(value: str | None) -> str | None:
    """The matter type as given, if the category tree or a law-set limit knows it."""
    if value is None:
        return None
    name = value.strip()
    if not name:
        raise UsageError(f"--matter-type: 事项类型不能为空；可用的事项类型见 {LIST_COMMAND}")
    if name not in known_matter_types():
        raise UsageError(f"--matter-type: 没有事项类型「{name}」；可用的事项类型见 {LIST_COMMAND}")
    return name


def run(args: argparse.Namespace) -> int:
    """Print every clock of ``--kind`` started at ``--from``."""
    start = parse_local_time(args.start)
    try:
        kind = parse_clock_kind(args.kind)
    except InputError:
        raise UsageError(
            f"--kind: 未知的类型 {args.kind!r}；可选：{', '.join(CLOCK_KINDS)}"
        ) from None
    matter_type = _matter_type(args.matter_type)
    clocks = clocks_for(kind, start, rule_table(), work_calendar(), matter_type=matter_type)
    if args.json:
        print(_as_json(start, kind, clocks))
    else:
        print(_as_text(start, kind, clocks, args.explain, matter_type))
    return 0
