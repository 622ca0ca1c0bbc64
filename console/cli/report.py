"""`hotline report SUBCOMMAND`: the evaluation reports units and the manager's office exchange.

Each subcommand registers itself in its own function beside ``_register_kpi`` (``grades``,
``hot``, ``experts`` …). ``report kpi``: the unit KPIs of a period (R-UNIT-KPI) as a terminal table,
``--json`` for scripts, ``--xlsx`` an Excel workbook (one sheet per table, a native bar chart
of the rates per unit), ``--tickets`` the tickets behind one unit's figure, ``--doc`` the
definitions (docs/kpi.zh.md).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from console.cli import UsageError, _cell_width, output_arg
from console.cli.context import platform
from console.cli.report_experts import add_experts
from console.cli.report_grades import add_accountability, add_grades
from console.cli.report_hot import add_hot_parser
from console.errors import InputError
from console.services.clock import SHANGHAI, quarter_of
from console.services.views import SYSTEM_ACTOR, KpiReport


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", help="报表：承办单位考核指标等（可导出 Excel）")
    verbs = p.add_subparsers(dest="report_verb", required=True)
    _register_kpi(verbs)


# ------------------------------------------------------------------------------- report kpi
def _register_kpi(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    k = verbs.add_parser(
        "kpi",
        help="承办单位考核指标：事项响应率、按时办结率、问题解决率、群众满意率、知识库维护率",
    )
    k.add_argument(
        "--period", help="考核期：2026Q4（季度）、2026（年度）或 2026-11（月）；默认本季度"
    )
    k.add_argument("--unit", help="只看这个单位（单位编号，见 hotline unit list）")
    out = k.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="输出 JSON")
    out.add_argument("--xlsx", type=output_arg, metavar="FILE", help="写出 Excel 工作簿")
    out.add_argument(
        "--tickets",
        metavar="INDICATOR",
        help="列出该单位此项指标扣分的工单（须同时给出 --unit），如 on_time_rate",
    )
    out.add_argument("--doc", action="store_true", help="输出指标口径说明（Markdown）")
    k.set_defaults(handler=_kpi)
    add_grades(verbs)
    add_accountability(verbs)
    add_hot_parser(verbs)
    add_experts(verbs)


def _kpi(args: argparse.Namespace) -> int:
    from console.services.analytics import kpi

    if args.doc:
        print(kpi.doc_markdown())
        return 0
    if args.tickets is not None and not args.unit:
        raise UsageError("--tickets 须同时给出 --unit（单位编号）")
    p = platform()
    try:
        period = args.period
        if period is None:
            period = quarter_of(p.clock.now().astimezone(SHANGHAI).date())
        try:
            report = p.backend(SYSTEM_ACTOR).unit_kpis(period, args.unit)
            if args.tickets is not None:
                rows = kpi.drill_down(p.store, kpi.parse_period(period), args.unit, args.tickets)
        except InputError as exc:
            if exc.field != "indicator":
                raise  # named as typed (console.cli)
            raise UsageError(f"--tickets：{exc.problem}") from None
    finally:
        p.store.dispose()
    if args.tickets is not None:
        name = kpi.BY_ID[args.tickets].name
        if not rows:
            print(f"{report.period} {args.unit} {name}：没有扣分的工单")
        for r in rows:
            when = r.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
            print(f"{r.number}  {when}  {r.why}")
        return 0
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False, default=str))
        return 0
    if args.xlsx is not None:
        write_workbook(report, args.xlsx)
        print(f"已写出 {args.xlsx}（{len(report.units)} 个单位）")
        return 0
    _print_table(report)
    return 0


def _rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def _print_table(report: KpiReport) -> None:
    print(f"考核期 {report.period}（{report.start} 至 {report.end} 前）")
    if not report.units:
        print("（没有单位）")
        return
    names = [f.name for f in report.units[0].figures]
    print(_pad("单位编号", 14) + "".join(_pad(n, 18) for n in names) + "单位")
    for u in report.units:
        cells = "".join(
            _pad(f"{_rate(f.rate)} {f.numerator}/{f.denominator}", 18) for f in u.figures
        )
        print(f"{_pad(u.unit_id, 14)}{cells}{u.unit_name}")


def _pad(text: str, width: int) -> str:
    """Left-aligned in ``width`` terminal cells (a Chinese character takes two)."""
    return text + " " * max(1, width - _cell_width(text))


def write_workbook(report: KpiReport, path: Path) -> None:
    """The workbook (console/workbook.py) with the definitions sheet (指标口径)."""
    from console.services.analytics import kpi
    from console.workbook import write_kpi_workbook

    definitions = [
        (
            ind.id,
            ind.name,
            ind.numerator,
            ind.denominator,
            ind.events,
            ind.period,
            "\n".join(f"{topic}：{text}" for topic, text in ind.rules),
        )
        for ind in kpi.INDICATORS
    ]
    write_kpi_workbook(path, report, definitions=definitions)
