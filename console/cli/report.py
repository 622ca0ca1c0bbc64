"""`hotline report SUBCOMMAND`: the evaluation reports units and the manager's office exchange.

Each subcommand registers itself in its own function beside ``_register_kpi`` (``grades``,
``hot`` …). ``report kpi``: the unit KPIs of a period (R-UNIT-KPI) as a terminal table,
``--json`` for scripts, ``--xlsx`` an Excel workbook (one sheet per table, a native bar chart
of the rates per unit), ``--tickets`` the tickets behind one unit's figure, ``--doc`` the
definitions (docs/kpi.zh.md).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from console.cli import UsageError, _cell_width, path_arg
from console.cli.context import platform
from console.errors import InputError
from console.services.clock import SHANGHAI
from console.services.views import SYSTEM_ACTOR, KpiReport

OPTIONS = {"period": "--period", "unit": "--unit", "indicator": "--tickets"}
"""The option a refused value came from, by the field the refusal names."""


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
    out.add_argument("--xlsx", type=path_arg, metavar="FILE", help="写出 Excel 工作簿")
    out.add_argument(
        "--tickets",
        metavar="INDICATOR",
        help="列出该单位此项指标扣分的工单（须同时给出 --unit），如 on_time_rate",
    )
    out.add_argument("--doc", action="store_true", help="输出指标口径说明（Markdown）")
    k.set_defaults(handler=_kpi)


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
            today = p.clock.now().astimezone(SHANGHAI).date()
            period = f"{today.year}Q{(today.month - 1) // 3 + 1}"
        try:
            report = p.backend(SYSTEM_ACTOR).unit_kpis(period, args.unit)
            if args.tickets is not None:
                rows = kpi.drill_down(p.store, kpi.parse_period(period), args.unit, args.tickets)
        except InputError as exc:
            option = OPTIONS.get(exc.field, exc.field)
            raise UsageError(f"{option}：{exc.problem}") from None
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
    """One sheet per table: 考核指标 (figures per unit, with a bar chart of the rates) and
    指标口径 (the definitions); the rates are numbers formatted as percentages."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped]

    from console.services.analytics import kpi

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "考核指标"
    ws.append([f"考核期 {report.period}", f"{report.start} 至 {report.end}（不含）"])
    header = ["单位编号", "单位"]
    indicators = kpi.INDICATORS
    for ind in indicators:
        header += [f"{ind.name}", f"{ind.name}分子", f"{ind.name}分母"]
    ws.append(header)
    for u in report.units:
        row: list[object] = [u.unit_id, u.unit_name]
        for ind in indicators:
            f = u.figure(ind.id)
            row += [f.rate, f.numerator, f.denominator]
        ws.append(row)
    last = 2 + len(report.units)
    for i in range(len(indicators)):
        col = 3 + 3 * i
        for r in range(3, last + 1):
            ws.cell(row=r, column=col).number_format = "0.0%"
    if report.units:
        chart = BarChart()
        chart.type = "col"
        chart.title = f"{report.period} 各单位考核指标"
        chart.y_axis.title = "比率"
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        for i in range(len(indicators)):
            col = 3 + 3 * i
            chart.add_data(
                Reference(ws, min_col=col, min_row=2, max_row=last), titles_from_data=True
            )
        chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=last))
        chart.width, chart.height = 28, 12
        ws.add_chart(chart, f"A{last + 3}")
    defs = wb.create_sheet("指标口径")
    defs.append(["指标编号", "指标", "分子", "分母", "计入的事件", "所属考核期", "特别情形"])
    for ind in indicators:
        special = "\n".join(f"{topic}：{text}" for topic, text in ind.rules)
        defs.append(
            [ind.id, ind.name, ind.numerator, ind.denominator, ind.events, ind.period, special]
        )
    wb.save(path)
