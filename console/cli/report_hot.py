"""`hotline report hot`: hot, concentrated and persistent matters, and the sudden and emerging
ones (R-ANALYTICS), as a terminal table, ``--json`` or an Excel workbook (``--xlsx``: the sheets
热点事项, with a bar chart of the hottest, and 突发与苗头; console/workbook.py).

Without ``--period`` the groups are those of the last 90 days as the console sees them; with
``--period 2026Q4|2026|2026-11`` the period's tickets are grouped afresh (a full recompute, in
time order) and ranked at the period's end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import asdict
from typing import Any

from console.cli import UsageError, output_arg, terminal_safe
from console.cli.context import platform
from console.errors import InputError
from console.services.clock import SHANGHAI
from console.services.views import SYSTEM_ACTOR, HotAlertView, HotGroupView


def add_hot_parser(subparsers: Any) -> argparse.ArgumentParser:
    """The ``hot`` subcommand of ``report``."""
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
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="输出 JSON")
    out.add_argument("--xlsx", type=output_arg, metavar="FILE", help="写出 Excel 工作簿")
    p.set_defaults(handler=run)
    return p


def parse_period(text: str) -> tuple[dt.datetime, dt.datetime]:
    """``2026Q4`` / ``2026`` / ``2026-11`` (the KPIs' periods) → [start, end) in Beijing time."""
    from console.services.analytics import kpi

    try:
        period = kpi.parse_period(text)
    except InputError as exc:
        raise UsageError(f"--period：{exc.problem}") from None
    start = dt.datetime.combine(period.start, dt.time(), SHANGHAI)
    return start, dt.datetime.combine(period.end, dt.time(), SHANGHAI)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= 500:
        raise UsageError(f"--limit：应在 1–500 之间，收到 {args.limit}")
    window = parse_period(args.period) if args.period else None
    p = platform()
    try:
        backend = p.backend(SYSTEM_ACTOR)
        names = {u.id: u.name for u in backend.units()}
        if args.unit and args.unit not in names:
            raise UsageError(f"--unit：没有单位 {args.unit!r}（见 hotline unit list）")
        # a refused value is named as the option typed (console.cli)
        if window is None:
            now = backend.now()
            from console.services.analytics.hot_store import WINDOW_DAYS

            watch = backend.hot
            watch.patience = None  # a report waits for the first look (minutes on a busy store)
            if not watch.ready():
                print(
                    f"正在计算近 {WINDOW_DAYS} 天的热点分组（工单多时需数分钟）…",
                    file=sys.stderr,
                    flush=True,
                )
            groups = watch.groups(now, args.limit, args.unit or None)
            alerts = watch.alerts(now, unit_id=args.unit or None)
            heading = f"近 {WINDOW_DAYS} 天（截至 {now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）"
        else:
            from console.services.analytics.hot_store import period_report

            groups, alerts = period_report(
                p.store, window[0], window[1], args.limit, args.unit or None
            )
            heading = f"统计期 {args.period}"
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps(_as_json(groups, alerts), ensure_ascii=False, default=str))
        return 0
    if args.xlsx is not None:
        from console.workbook import write_hot_workbook

        if args.unit:
            heading += f" 单位 {args.unit}"
        path = write_hot_workbook(args.xlsx, f"热点事项 {heading}", groups, alerts, names)
        print(f"已写出 {path}（{len(groups)} 组热点事项，{len(alerts)} 条突发与苗头）")
        return 0
    _print(groups, alerts)
    return 0


def _as_json(groups: list[HotGroupView], alerts: list[HotAlertView]) -> dict[str, Any]:
    return {
        "groups": [asdict(g) for g in groups],
        "alerts": [asdict(a) for a in alerts],
    }


def _print(groups: list[HotGroupView], alerts: list[HotAlertView]) -> None:
    if not groups:
        print("没有两位以上来电人反映的同一事项")
    for i, g in enumerate(groups, 1):
        first = g.first_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
        last = g.last_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
        print(
            f"{i:>3}. 热度 {g.heat:>6.2f}  来电人 {g.callers}  工单 {g.tickets}  "
            f"近7天新增 {g.growth}  {first}–{last}  {terminal_safe(g.summary)}"
        )
        print(f"     工单：{' '.join(g.numbers[:8])}{' …' if len(g.numbers) > 8 else ''}")
    if alerts:
        print()
        print("突发与苗头事项：")
        for a in alerts:
            when = a.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
            print(
                f"  【{a.label}】{when}  {terminal_safe(a.summary)}  {a.reason}  {' '.join(a.numbers[:6])}"
            )
