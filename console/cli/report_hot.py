"""`hotline report hot`: hot, concentrated and persistent matters, and the sudden and emerging
ones (R-ANALYTICS), as a terminal table or ``--json``.

``add_hot_parser(subparsers)`` adds the ``hot`` subcommand to the ``report`` verb; until that
verb exists, ``register`` offers it as a top-level ``hotline hot`` (temporary).

Without ``--period`` the groups are those of the last 90 days as the console sees them; with
``--period 2026Q4|2026|2026-11`` the period's tickets are grouped afresh (a full recompute, in
time order) and ranked at the period's end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from dataclasses import asdict
from typing import Any

from console.cli import UsageError
from console.cli.context import platform
from console.errors import InputError
from console.services.clock import SHANGHAI
from console.services.views import SYSTEM_ACTOR, HotAlertView, HotGroupView

_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|-(\d{2}))?$")


def add_hot_parser(subparsers: Any) -> argparse.ArgumentParser:
    """The ``hot`` subcommand (of ``report``, or top-level while that verb is not built)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "hot",
        help="热点、集中、持续事项及突发、苗头事项",
        description=(
            "按事项与地点归并工单，按热度排序：热度 = 来电人数 + 0.5×重复来电 + 2×近7天新增来电人"
            " + 0.5×log2(1+持续天数)；并列出突发事项（数小时内多位新来电人）与苗头事项。"
        ),
    )
    p.add_argument(
        "--period", help="统计期：2026Q4（季度）、2026（年度）或 2026-11（月）；默认近 90 天"
    )
    p.add_argument("--unit", help="只看这个单位的工单（单位编号，见 hotline unit list）")
    p.add_argument("--limit", type=int, default=20, help="列出多少组（1–500，默认 20）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(handler=run)
    return p


def register(subparsers: Any) -> None:
    """Temporary top-level ``hotline hot`` (until ``hotline report hot`` is hooked in)."""
    add_hot_parser(subparsers)


def parse_period(text: str) -> tuple[dt.datetime, dt.datetime]:
    """``2026Q4`` / ``2026`` / ``2026-11`` → [start, end) in Beijing time; UsageError if not."""
    m = _PERIOD.match(text.strip())
    if not m:
        raise UsageError(f"--period：无法识别 {text!r}，应为 2026Q4、2026 或 2026-11")
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise UsageError(f"--period：{year} 年超出支持范围（2000–2100）")
    if m.group(2):
        first = 3 * (int(m.group(2)) - 1) + 1
        start, months = dt.datetime(year, first, 1, tzinfo=SHANGHAI), 3
    elif m.group(3):
        month = int(m.group(3))
        if not 1 <= month <= 12:
            raise UsageError(f"--period：没有 {month} 月")
        start, months = dt.datetime(year, month, 1, tzinfo=SHANGHAI), 1
    else:
        start, months = dt.datetime(year, 1, 1, tzinfo=SHANGHAI), 12
    total = start.month - 1 + months
    end = start.replace(year=start.year + total // 12, month=total % 12 + 1)
    return start, end


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= 500:
        raise UsageError(f"--limit：应在 1–500 之间，收到 {args.limit}")
    window = parse_period(args.period) if args.period else None
    p = platform()
    try:
        backend = p.backend(SYSTEM_ACTOR)
        if args.unit and args.unit not in {u.id for u in backend.units()}:
            raise UsageError(f"--unit：没有单位 {args.unit!r}（见 hotline unit list）")
        try:
            if window is None:
                now = backend.now()
                groups = backend.hot.groups(now, args.limit, args.unit or None)
                alerts = backend.hot.alerts(now, unit_id=args.unit or None)
            else:
                from console.services.analytics.hot_store import period_report

                groups, alerts = period_report(
                    p.store, window[0], window[1], args.limit, args.unit or None
                )
        except InputError as exc:
            raise UsageError(f"--{exc.field}：{exc.problem}") from None
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps(_as_json(groups, alerts), ensure_ascii=False, default=str))
        return 0
    _print(groups, alerts)
    return 0


def _as_json(groups: list[HotGroupView], alerts: list[HotAlertView]) -> dict[str, Any]:
    return {
        "groups": [asdict(g) for g in groups],
        "alerts": [asdict(a) for a in alerts],
    }


def _printable(text: str) -> str:
    """The caller's words without control characters (nothing steers the terminal)."""
    return "".join(c if c.isprintable() else " " for c in text)


def _print(groups: list[HotGroupView], alerts: list[HotAlertView]) -> None:
    if not groups:
        print("没有两位以上来电人反映的同一事项")
    for i, g in enumerate(groups, 1):
        first = g.first_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
        last = g.last_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
        print(
            f"{i:>3}. 热度 {g.heat:>6.2f}  来电人 {g.callers}  工单 {g.tickets}  "
            f"近7天新增 {g.growth}  {first}–{last}  {_printable(g.summary)}"
        )
        print(f"     工单：{' '.join(g.numbers[:8])}{' …' if len(g.numbers) > 8 else ''}")
    if alerts:
        print()
        print("突发与苗头事项：")
        for a in alerts:
            when = a.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
            print(
                f"  【{a.label}】{when}  {_printable(a.summary)}  {a.reason}  {' '.join(a.numbers[:6])}"
            )
