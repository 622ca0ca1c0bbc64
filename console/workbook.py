"""The Excel workbook the units and the manager's office exchange (考核评价工作簿).

One sheet per table: 考核指标 (each unit's KPIs with numerator and denominator, the rates as
numbers formatted as percentages, and a native Excel bar chart of them), 指标口径 (the
definitions, when given), 考核等次 (an evaluation's scores and grades with its version, state
and policy, when there is one), 热点事项 and 突发与苗头 (the hot matters ranked by heat, with a
bar chart of the hottest, and the sudden and emerging alerts: R-ANALYTICS), in the KPI workbook
when given or in a workbook of their own. Written atomically — a temporary file renamed into
place — so an interrupted export leaves no half a workbook; openpyxl is imported here only,
when writing.

The callers' words (a hot matter's summary) are written as text whatever they begin with: a
summary beginning with "=" is not a formula for Excel to run, and characters a workbook cannot
hold (control characters) are left out.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from console.services.clock import SHANGHAI
from console.services.views import EvaluationView, HotAlertView, HotGroupView, KpiReport

RATE_FORMAT = "0.0%"
DEFINITION_HEADER = ("指标编号", "指标", "分子", "分母", "计入的事件", "所属考核期", "特别情形")
HOT_HEADER = ("排名", "热度", "来电人数", "工单数", "重复来电", "近期新增来电人", "首次来电",
              "最近来电", "事项摘要", "地点", "承办单位", "工单号")  # fmt: skip
ALERT_HEADER = ("类型", "时间", "来电人数", "事项摘要", "地点", "原因", "工单号")
HOT_CHARTED = 10
"""The hottest groups the heat chart shows."""


def write_kpi_workbook(
    path: Path,
    report: KpiReport,
    evaluation: EvaluationView | None = None,
    definitions: Sequence[Sequence[str]] = (),
    hot: tuple[str, Sequence[HotGroupView], Sequence[HotAlertView]] | None = None,
) -> Path:
    """Write the period's KPIs (and definitions, grades, and hot matters: what they are of,
    the groups, the alerts) to ``path``; answers the path."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped]

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "考核指标"
    ws.append([f"考核期 {report.period}", f"{report.start} 至 {report.end}（不含）"])
    indicators = [(f.indicator, f.name) for f in report.units[0].figures] if report.units else []
    header = ["单位编号", "单位"]
    for _, name in indicators:
        header += [name, f"{name}分子", f"{name}分母"]
    ws.append(header)
    for u in report.units:
        row: list[object] = [u.unit_id, u.unit_name]
        for indicator, _ in indicators:
            f = u.figure(indicator)
            row += [f.rate, f.numerator, f.denominator]
        ws.append(row)
    last = 2 + len(report.units)
    for i in range(len(indicators)):
        for r in range(3, last + 1):
            ws.cell(row=r, column=3 + 3 * i).number_format = RATE_FORMAT
    ws.column_dimensions["B"].width = 24
    if report.units and indicators:
        chart = BarChart()
        chart.type = "col"
        chart.title = f"{report.period} 各单位考核指标"
        chart.y_axis.title = "比率"
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        for i in range(len(indicators)):
            chart.add_data(
                Reference(ws, min_col=3 + 3 * i, min_row=2, max_row=last), titles_from_data=True
            )
        chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=last))
        chart.width, chart.height = 28, 12
        ws.add_chart(chart, f"A{last + 3}")

    if definitions:
        defs = wb.create_sheet("指标口径")
        defs.append(list(DEFINITION_HEADER))
        for definition in definitions:
            defs.append(list(definition))

    if evaluation is not None:
        grades = wb.create_sheet("考核等次")
        grades.append(
            [f"{evaluation.period} 考核评价 第 {evaluation.version} 版", evaluation.state_label]
        )
        grades.append(["单位编号", "单位", "得分", "等次"])
        for g in evaluation.grades:
            grades.append([g.unit_id, g.unit_name, g.score, g.grade_label])
        grades.column_dimensions["B"].width = 24
        grades.append([])
        if evaluation.reason:
            grades.append(["更正原因", evaluation.reason])
        for key, weight in evaluation.policy.get("weights", {}).items():
            grades.append([f"权重 {key}", weight])
        for band in evaluation.policy.get("grades", []):
            grades.append([f"等次 {band['name']} 最低分", band["min_score"]])

    if hot is not None:
        _hot_sheets(wb, *hot, unit_names={u.unit_id: u.unit_name for u in report.units})
    return _save(wb, Path(path))


def write_hot_workbook(
    path: Path,
    heading: str,
    groups: Sequence[HotGroupView],
    alerts: Sequence[HotAlertView],
    unit_names: Mapping[str, str] | None = None,
) -> Path:
    """Write the hot matters and the alerts (``heading``: what they are of, e.g. the period;
    ``unit_names``: the handling units by id, to name them) to ``path``; answers the path."""
    from openpyxl import Workbook

    wb = Workbook()
    default = wb.active
    _hot_sheets(wb, heading, groups, alerts, unit_names or {})
    if default is not None:
        wb.remove(default)
    return _save(wb, Path(path))


def _hot_sheets(
    wb: Any,
    heading: str,
    groups: Sequence[HotGroupView],
    alerts: Sequence[HotAlertView],
    unit_names: Mapping[str, str],
) -> None:
    from openpyxl.chart import BarChart, Reference

    ws = wb.create_sheet("热点事项")
    ws.append([heading, "热度 = 来电人数 + 0.5×重复来电 + 2×近期新增来电人 + 0.5×log2(1+持续天数)"])
    ws.append(list(HOT_HEADER))
    for rank, g in enumerate(groups, 1):
        ws.append(
            [rank, g.heat, g.callers, g.tickets, g.repeats, g.growth, _local(g.first_at),
             _local(g.last_at), "", "、".join(g.places),
             "、".join(unit_names.get(u, u) for u in g.units), " ".join(g.numbers)]
        )  # fmt: skip
        _words(ws.cell(row=ws.max_row, column=HOT_HEADER.index("事项摘要") + 1), g.summary)
    for column, width in (("G", 17), ("H", 17), ("I", 44), ("J", 24), ("L", 40)):
        ws.column_dimensions[column].width = width
    charted = min(len(groups), HOT_CHARTED)
    if charted:
        chart = BarChart()
        chart.type = "bar"
        chart.title = f"热度前 {charted} 的事项"
        chart.x_axis.title = "排名"
        chart.add_data(
            Reference(ws, min_col=2, min_row=2, max_row=2 + charted), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=2 + charted))
        chart.x_axis.scaling.orientation = "maxMin"  # the hottest on top
        chart.width, chart.height = 24, 10
        ws.add_chart(chart, f"A{ws.max_row + 3}")
    sheet = wb.create_sheet("突发与苗头")
    sheet.append(list(ALERT_HEADER))
    for a in alerts:
        sheet.append([a.label, _local(a.at), a.callers, "", "、".join(a.places), a.reason,
                      " ".join(a.numbers)])  # fmt: skip
        _words(sheet.cell(row=sheet.max_row, column=ALERT_HEADER.index("事项摘要") + 1), a.summary)
    for column, width in (("B", 17), ("D", 44), ("F", 50), ("G", 40)):
        sheet.column_dimensions[column].width = width


def _local(moment: dt.datetime) -> dt.datetime:
    """A moment as Beijing wall time (a workbook's dates have no time zone)."""
    return moment.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)


def _words(cell: Any, text: str) -> None:
    """A caller's words into a cell: always text (never a formula), without the characters a
    workbook cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"


def _save(wb: Any, path: Path) -> Path:
    """Save atomically: a temporary file beside ``path``, renamed into place. A failure names
    ``path`` (the file the seat asked for), never the temporary file."""
    try:
        fd, temporary = tempfile.mkstemp(prefix=".workbook-", suffix=".xlsx", dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    os.close(fd)
    try:
        wb.save(temporary)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
