"""The Excel workbook the units and the manager's office exchange (考核评价工作簿).

One sheet per table — 指标 (each unit's five KPIs with numerator and denominator), 等次 (the
evaluation's scores and grades, when there is one), 说明 (period, version, policy) — and a
native Excel bar chart of the rates per unit. Written atomically (a temporary file renamed),
so an interrupted export leaves no half a workbook behind; openpyxl is imported here only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from console.services.views import EvaluationView, KpiReport

RATE_FORMAT = "0.0%"


def write_kpi_workbook(path: Path, report: KpiReport, evaluation: EvaluationView | None) -> Path:
    """Write the period's KPIs (and grades) to ``path``; answers the path written."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "指标"
    indicators = [(f.indicator, f.name) for f in report.units[0].figures] if report.units else []
    header = ["单位编号", "单位"]
    for _, name in indicators:
        header += [f"{name}", f"{name}分子", f"{name}分母"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for unit in report.units:
        row: list[object] = [unit.unit_id, unit.unit_name]
        for f in unit.figures:
            row += [f.rate, f.numerator, f.denominator]
        sheet.append(row)
    for i in range(len(indicators)):
        column = 3 + 3 * i
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = RATE_FORMAT
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["B"].width = 24
    if report.units and indicators:
        chart = BarChart()
        chart.type = "bar"
        chart.title = f"{report.period} 各单位指标"
        chart.y_axis.number_format = RATE_FORMAT
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        last = 1 + len(report.units)
        for i in range(len(indicators)):
            column = 3 + 3 * i
            data = Reference(sheet, min_col=column, min_row=1, max_row=last)
            chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=last))
        chart.height = max(8, 0.6 * len(report.units))
        chart.width = 24
        sheet.add_chart(chart, f"B{last + 3}")

    if evaluation is not None:
        grades = book.create_sheet("等次")
        grades.append(["单位编号", "单位", "得分", "等次"])
        for cell in grades[1]:
            cell.font = Font(bold=True)
        for g in evaluation.grades:
            grades.append([g.unit_id, g.unit_name, g.score, g.grade_label])
        grades.column_dimensions["B"].width = 24

    about = book.create_sheet("说明")
    about.append(["考核期", report.period])
    about.append(["起", report.start.isoformat()])
    about.append(["止（不含）", report.end.isoformat()])
    if evaluation is not None:
        about.append(["考核评价", f"第 {evaluation.version} 版 {evaluation.state_label}"])
        about.append(["编号", evaluation.id])
        if evaluation.reason:
            about.append(["更正原因", evaluation.reason])
        for key, weight in evaluation.policy.get("weights", {}).items():
            about.append([f"权重 {key}", weight])
        for band in evaluation.policy.get("grades", []):
            about.append([f"等次 {band['name']} 最低分", band["min_score"]])

    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=".workbook-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        book.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
