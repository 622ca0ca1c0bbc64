"""`hotline calendar show YEAR` / `hotline calendar load FILE`: the work calendar (调休)."""

from __future__ import annotations

import argparse
import json

from console.cli import UsageError, path_arg
from console.cli.context import platform
from console.services.calendar.provider import save_schedule
from console.services.calendar.schedule_file import load_schedule_file
from console.services.tickets.commands import TicketService
from console.services.tickets.deadlines import WEEKDAY_NAMES
from console.services.views import SYSTEM_ACTOR


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("calendar", help="工作日历：查看某年放假安排，或载入官方放假安排")
    verbs = p.add_subparsers(dest="calendar_verb", required=True)
    show = verbs.add_parser("show", help="列出某年的节假日和调休上班日及其来源")
    show.add_argument("year", help="年份，如 2026")
    show.add_argument("--json", action="store_true", help="输出 JSON")
    show.set_defaults(handler=_show)
    load = verbs.add_parser(
        "load", help="载入官方放假安排文件（格式见 knowledge_seed/calendar/README.md）"
    )
    load.add_argument("file", type=path_arg)
    load.set_defaults(handler=_load)


def _show(args: argparse.Namespace) -> int:
    try:
        year = int(args.year)
    except ValueError:
        raise UsageError(f"year: 应为四位年份，收到 {args.year!r}") from None
    from console.services.calendar.workdays import MAX_YEAR, MIN_YEAR

    if not MIN_YEAR <= year <= MAX_YEAR:  # the same years `hotline due` counts in
        raise UsageError(f"year: 支持 {MIN_YEAR}–{MAX_YEAR} 年，收到 {year}")
    from console.cli.context import work_calendar

    sched = work_calendar().schedule(year)
    if args.json:
        print(
            json.dumps(
                {
                    "year": year,
                    "source": sched.source,
                    "official": sched.official,
                    "holidays": {d.isoformat(): n for d, n in sorted(sched.holidays.items())},
                    "makeup_workdays": {
                        d.isoformat(): n for d, n in sorted(sched.makeup_workdays.items())
                    },
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    status = "官方安排" if sched.official else "临时：尚未载入官方放假安排，其中时限均标为临时"
    print(f"{year} 年放假安排 — 来源：{sched.source}（{status}）")
    print("节假日：")
    for d, name in sorted(sched.holidays.items()):
        print(f"  {d:%Y-%m-%d}（{WEEKDAY_NAMES[d.weekday()]}） {name}")
    print("调休上班日：" + ("" if sched.makeup_workdays else "无"))
    for d, name in sorted(sched.makeup_workdays.items()):
        print(f"  {d:%Y-%m-%d}（{WEEKDAY_NAMES[d.weekday()]}） {name}")
    return 0


def _load(args: argparse.Namespace) -> int:
    schedule = load_schedule_file(args.file)
    p = platform()
    try:
        save_schedule(p.store, schedule, "calendar load", p.clock.now())
        p.calendar.invalidate()
        service = TicketService(p.store, p.clock, p.calendar, p.rules, SYSTEM_ACTOR)
        changed = service.recompute_provisional()
    finally:
        p.store.dispose()
    print(
        f"已载入 {schedule.year} 年放假安排（{schedule.source}）：节假日 {len(schedule.holidays)} 天，"
        f"调休上班 {len(schedule.makeup_workdays)} 天；重算临时时限 {changed} 个"
    )
    return 0
