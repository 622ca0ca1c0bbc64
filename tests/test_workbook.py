"""The workbook's hot-matter sheets hold the callers' words as text (console/workbook.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from console.services.views import HotAlertView, HotGroupView
from console.workbook import write_hot_workbook

AT = dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC)


def test_r_analytics_a_callers_words_are_never_a_formula_in_the_workbook(tmp_path: Path) -> None:
    """A summary is the caller's words: one beginning with "=" would be a formula Excel runs
    when the manager's office opens the file (=HYPERLINK… to anywhere). It is written as text,
    and a control character, which a workbook cannot hold, is left out rather than failing
    the export. Times are Beijing wall time (a workbook's dates have no zone)."""
    words = '=HYPERLINK("http://x.example","点此")\x07小区噪音'
    group = HotGroupView(1, 5.5, 3, 4, 1, 3, AT, AT + dt.timedelta(hours=2), words,
                         ("丽发新城",), "噪音", ("HN1", "HN2"), ("hn-zjt",))  # fmt: skip
    alert = HotAlertView("sudden", "突发", 1, AT, 3, ("HN1", "HN2"), "+1+2", ("丽发新城",), "原因")
    path = write_hot_workbook(tmp_path / "h.xlsx", "热点事项 测试", [group], [alert])
    wb = openpyxl.load_workbook(path)
    ws = wb["热点事项"]
    header = [c.value for c in ws[2]]
    summary = ws.cell(row=3, column=header.index("事项摘要") + 1)
    assert summary.data_type == "s" and summary.value == words.replace("\x07", "")
    assert ws.cell(row=3, column=header.index("首次来电") + 1).value == dt.datetime(
        2026, 11, 25, 9, 30
    )
    cell = wb["突发与苗头"].cell(row=2, column=4)
    assert cell.data_type == "s" and cell.value == "+1+2"
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_a_workbook_that_cannot_be_written_names_the_file_asked_for(tmp_path: Path) -> None:
    """Writing goes through a temporary file beside the target: when the folder is gone by the
    time the figures are computed, or the target cannot be replaced (a folder of that name),
    the error names the file the seat asked for, and no temporary file is left behind."""
    gone = tmp_path / "gone" / "h.xlsx"
    with pytest.raises(OSError) as raised:
        write_hot_workbook(gone, "热点事项 测试", [], [])
    assert raised.value.filename == str(gone)
    taken = tmp_path / "taken.xlsx"
    taken.mkdir()
    with pytest.raises(OSError) as raised:
        write_hot_workbook(taken, "热点事项 测试", [], [])
    assert raised.value.filename == str(taken)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.xlsx"]
