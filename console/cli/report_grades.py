"""`hotline report grades` and `hotline report accountability`: the evaluation in force and the
Art. 25 leads of a period, for the terminal, scripts (--json) and the workbook (--xlsx)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict

from console.cli import output_arg, terminal_safe
from console.cli.context import opened_platform
from console.cli.evaluation import READER
from console.errors import InputError, NotFound
from console.services.analytics import kpi
from console.services.clock import SHANGHAI
from console.services.views import EvaluationView, KpiFigure, KpiReport, UnitKpis


def evaluation_period(text: str) -> str:
    """argparse ``type`` of ``report grades --period``: a quarter or a year (R-GRADES), refused
    before any work is done, named as the option (not as the service's field)."""
    from console.services.analytics.grades import parse_period

    return _checked(parse_period, text)


def kpi_period(text: str) -> str:
    """argparse ``type`` of ``report accountability --period``: a year, quarter or month."""
    return _checked(kpi.parse_period, text)


def _checked(parse: Callable[[str], object], text: str) -> str:
    try:
        parse(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.problem) from None
    return text


def add_grades(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    g = verbs.add_parser(
        "grades",
        help="本期考核评价：各单位得分与等次（已发布的最新版本；--draft 看草稿）",
    )
    g.add_argument(
        "--period",
        required=True,
        type=evaluation_period,
        help="考核周期：季度如 2026Q4，年度如 2026",
    )
    g.add_argument("--draft", action="store_true", help="看最新版本（含未发布的草稿）")
    g.add_argument("--json", action="store_true", help="输出 JSON")
    g.add_argument("--xlsx", metavar="FILE", type=output_arg, help="写成 Excel 工作簿")
    g.set_defaults(handler=_grades)


def add_accountability(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    a = verbs.add_parser(
        "accountability",
        help="问责线索（第二十五条）：推诿退单、督办不落实、完成质量差、知识库维护不及时",
    )
    a.add_argument(
        "--period", required=True, type=kpi_period, help="季度如 2026Q4，年度如 2026，月如 2026-11"
    )
    a.add_argument("--unit", metavar="U", help="只看该单位（单位 id）")
    a.add_argument("--json", action="store_true", help="输出 JSON 列表")
    a.set_defaults(handler=_accountability)


def _evaluation(period: str, draft: bool) -> EvaluationView:
    with opened_platform() as p:
        backend = p.backend(READER)
        found = [e for e in backend.evaluations(period) if draft or e.state == "published"]
        if not found:
            raise NotFound("考核评价", f"{period}（{'尚未计算' if draft else '尚未发布'}）")
        return backend.evaluation(found[0].id)


def as_report(view: EvaluationView, start: dt.date, end: dt.date) -> KpiReport:
    """The figures an evaluation was computed from, as the workbook's KPI table."""
    units = tuple(
        UnitKpis(
            g.unit_id,
            g.unit_name,
            tuple(
                KpiFigure(
                    k,
                    kpi.BY_ID[k].name if k in kpi.BY_ID else k,
                    f.numerator,
                    f.denominator,
                    f.rate,
                )
                for k, f in g.figures.items()
            ),
        )
        for g in view.grades
    )
    return KpiReport(view.period, start, end, units)


def _grades(args: argparse.Namespace) -> int:
    from console.services.analytics.grades import parse_period

    period = parse_period(args.period)
    view = _evaluation(period.label, args.draft)
    if args.xlsx is not None:
        from console.workbook import write_kpi_workbook

        report = as_report(view, period.start, period.end)
        print(f"已写出 {write_kpi_workbook(args.xlsx, report, view)}")
    if args.json:
        print(json.dumps(asdict(view), ensure_ascii=False, default=str))
        return 0
    if args.xlsx is not None:
        return 0
    state = view.state_label
    print(f"{view.period} 考核评价 第 {view.version} 版 {state}（{view.id}）")
    for g in view.grades:
        score = "—" if g.score is None else f"{g.score:.1f}"
        print(terminal_safe(f"{g.unit_name}（{g.unit_id}）  {score}  {g.grade_label}"))
    return 0


def _accountability(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        found = p.backend(READER).accountability(args.period, args.unit)
    if args.json:
        print(json.dumps([asdict(f) for f in found], ensure_ascii=False, default=str))
        return 0
    if not found:
        print("本期没有问责线索")
        return 0
    for f in found:
        when = f"{f.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        line = f"（{f.ground}）{f.ground_label}  {f.unit_name}  {f.number or '—'}  {when}  {f.what}"
        print(terminal_safe(" ".join(line.split())))
    print(f"共 {len(found)} 条")
    return 0
