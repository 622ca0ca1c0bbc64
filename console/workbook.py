"""The Excel workbook the units and the manager's office exchange (考核评价工作簿).

One sheet per table: 考核指标 (each unit's KPIs with numerator and denominator, the rates as
numbers formatted as percentages, and a native Excel bar chart of them), 指标口径 (the
definitions, when given), 考核等次 (an evaluation's scores and grades with its version, state
and policy, when there is one). Written atomically — a temporary file renamed into place — so
an interrupted export leaves no half a workbook; openpyxl is imported here only, when writing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from console.services.views import EvaluationView, KpiReport

RATE_FORMAT = "0.0%"
DEFINITION_HEADER = ("指标编号", "指标", "分子", "分母", "计入的事件", "所属考核期", "特别情形")


def write_kpi_workbook(
    path: Path,
    report: KpiReport,
    evaluation: EvaluationView | None = None,
    definitions: Sequence[Sequence[str]] = (),
) -> Path:
    """Write the period's KPIs (and definitions, and grades) to ``path``; answers the path."""
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

    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=".workbook-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
