"""`hotline report kpi`, run as a user runs it, over SQLite and PostgreSQL: the terminal table,
--json, the workbook read back by openpyxl with the same figures, --tickets, bad --period."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from console.services.values import Satisfaction
from tests.store.conftest import Platform, intake
from tests.store.conftest import platform as platform  # noqa: F401 — the fixture

ROOT = Path(__file__).resolve().parents[2]


def hotline(p: Platform, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HOTLINE_DB": p.store.url,
        "HOTLINE_DATA_DIR": str(tmp_path / "data"),
        "HOTLINE_CONFIG": str(tmp_path / "absent.toml"),
        "HOTLINE_NOW": "2026-12-20 09:00",
    }
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def history(p: Platform) -> tuple[str, str]:
    """人社厅: A signed, completed, 满意; B signed, completed, 不满意 → 2 of 2 responded,
    2 of 2 on time, satisfaction 1 of 2 (B counts against it)."""
    numbers = []
    for phone, result in (("13812340001", Satisfaction.SATISFIED), ("13812340002", None)):
        n = p.operator.accept(intake(caller_phone=phone), unit_id="hn-rst")
        p.rst.sign(n)
        p.rst.request_completion(n, "电话", p.clock.now().date(), "已办理")
        p.manager.review_completion(n, True)
        p.operator.record_callback(n, result or Satisfaction.DISSATISFIED)
        numbers.append(n)
    return numbers[0], numbers[1]


def test_r_unit_kpi_report_json_table_and_workbook_agree(
    platform: Platform,  # noqa: F811
    tmp_path: Path,
) -> None:
    p = platform
    _, b = history(p)
    out = hotline(p, tmp_path, "report", "kpi", "--period", "2026Q4", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    units = {u["unit_id"]: u for u in report["units"]}
    rst = {f["indicator"]: f for f in units["hn-rst"]["figures"]}
    assert (rst["satisfaction_rate"]["numerator"], rst["satisfaction_rate"]["denominator"]) == (
        1,
        2,
    )
    assert rst["on_time_rate"]["rate"] == 1.0 and rst["response_rate"]["denominator"] == 2

    table = hotline(p, tmp_path, "report", "kpi", "--period", "2026Q4")
    assert table.returncode == 0, table.stderr
    [line] = [ln for ln in table.stdout.splitlines() if ln.startswith("hn-rst ")]
    assert "50.0% 1/2" in line and "100.0% 2/2" in line

    book = tmp_path / "kpi.xlsx"
    done = hotline(p, tmp_path, "report", "kpi", "--period", "2026Q4", "--xlsx", str(book))
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["考核指标", "指标口径"]
    ws = wb["考核指标"]
    header = [c.value for c in ws[2]]
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == set(units)
    for uid, unit in units.items():
        for f in unit["figures"]:
            col = header.index(f["name"])
            assert rows[uid][col : col + 3] == (f["rate"], f["numerator"], f["denominator"])
    assert len(ws._charts) == 1 and ws._charts[0].tagname == "barChart"
    ids = [r[0] for r in wb["指标口径"].iter_rows(min_row=2, values_only=True)]
    assert ids == [f["indicator"] for f in units["hn-rst"]["figures"]]

    tickets = hotline(p, tmp_path, "report", "kpi", "--period", "2026Q4", "--unit", "hn-rst",
                      "--tickets", "satisfaction_rate")  # fmt: skip
    assert tickets.returncode == 0 and tickets.stdout.split()[0] == b


@pytest.mark.parametrize("period", ["2026Q5", "Q4", "2026-00", "明年"])
def test_report_kpi_bad_period_is_one_line_naming_it(
    platform: Platform,  # noqa: F811
    tmp_path: Path,
    period: str,
) -> None:
    out = hotline(platform, tmp_path, "report", "kpi", "--period", period)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "--period" in out.stderr
