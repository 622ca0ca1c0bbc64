"""`hotline report hot` over SQLite and PostgreSQL: the groups of one
matter and place with their heat, the shift's alerts, a period recomputed afresh; bad input one
line naming the option."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from console.services.clock import SHANGHAI
from tests.cli.test_worker_cli import env_for, hotline
from tests.conftest import HeldFirstLook
from tests.store.conftest import Platform
from tests.store.conftest import platform as platform  # noqa: F401 — the fixture
from tests.store.test_hot_store import call, history


def test_r_analytics_report_hot_lists_the_group_and_its_alert(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    p = platform
    history(p, 60)
    numbers = [call(p, i, unit="hn-rst" if i == 0 else "hn-zjt") for i in range(3)]
    env = env_for(p, tmp_path)
    env["HOTLINE_NOW"] = p.clock.now().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    run = hotline(env, "report", "hot", "--json", "--limit", "50")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    [group] = [g for g in out["groups"] if numbers[0] in g["numbers"]]
    assert group["numbers"] == numbers and group["callers"] == 3
    assert any(a["kind"] == "sudden" and a["numbers"] == numbers for a in out["alerts"])
    mine = json.loads(hotline(env, "report", "hot", "--json", "--unit", "hn-rst").stdout)
    assert mine["groups"] == []  # one ticket of its own: no group
    # the quarter recomputed afresh: the same group
    quarter = hotline(env, "report", "hot", "--period", "2026Q4", "--limit", "50")
    assert quarter.returncode == 0, quarter.stderr
    assert numbers[0] in quarter.stdout and "突发" in quarter.stdout
    assert numbers[0] not in hotline(env, "report", "hot", "--period", "2025").stdout


def test_report_hot_bad_input_is_one_line_naming_the_option(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    env = env_for(platform, tmp_path)
    for args, name in (
        (("--period", "2026Q5"), "--period"),
        (("--period", "1900"), "--period"),
        (("--limit", "0"), "--limit"),
        (("--unit", "nope"), "--unit"),
    ):
        run = hotline(env, "report", "hot", *args)
        assert run.returncode == 2, (args, run.stdout)
        assert name in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_r_analytics_report_hot_waits_for_the_first_look_and_says_so(
    platform: Platform,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    held_first_look: HeldFirstLook,
) -> None:
    """A seat's look waits a few seconds for the first look, then says it is under way (the
    board asks again); a report has no later: it says it is computing and waits for the
    groups — it used to fail after those seconds on a busy store, saying the groups would show
    "by themselves"."""
    from console.cli import main
    from console.services.analytics import hot_store

    p = platform
    history(p, 60)
    numbers = [call(p, i) for i in range(3)]
    for name, value in env_for(p, tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOTLINE_NOW", p.clock.now().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"))
    monkeypatch.setattr(hot_store, "PATIENCE", 0.2)  # a seat's patience, made short
    opener = threading.Timer(1.0, held_first_look.gate.set)  # the first look ends after it
    opener.start()
    try:
        status = main(["report", "hot", "--json", "--limit", "50"])
    finally:
        opener.cancel()
    said = capsys.readouterr()
    assert status == 0, said.err
    assert "正在计算近 90 天的热点分组" in said.err
    [group] = [g for g in json.loads(said.out)["groups"] if numbers[0] in g["numbers"]]
    assert group["numbers"] == numbers


def test_r_analytics_report_hot_xlsx_holds_what_json_says(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    """`--xlsx` writes the workbook the manager's office exchanges: the groups ranked by heat
    with their figures (as ``--json`` gives them) and a native bar chart of the hottest, and
    the alerts."""
    import openpyxl

    p = platform
    history(p, 60)
    numbers = [call(p, i) for i in range(3)]
    env = env_for(p, tmp_path)
    env["HOTLINE_NOW"] = p.clock.now().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    said = json.loads(hotline(env, "report", "hot", "--json", "--limit", "50").stdout)
    book = tmp_path / "热点.xlsx"
    run = hotline(env, "report", "hot", "--limit", "50", "--xlsx", str(book))
    assert run.returncode == 0, run.stderr
    assert str(book) in run.stdout and f"{len(said['groups'])} 组热点事项" in run.stdout
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["热点事项", "突发与苗头"]
    ws = wb["热点事项"]
    assert str(ws["A1"].value).startswith("热点事项 近 90 天（截至 ")
    header = [c.value for c in ws[2]]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(said["groups"])
    for rank, (row, g) in enumerate(zip(rows, said["groups"], strict=True), 1):
        assert row[: header.index("首次来电")] == (
            rank, g["heat"], g["callers"], g["tickets"], g["repeats"], g["growth"]
        )  # fmt: skip
        assert row[header.index("工单号")] == " ".join(g["numbers"])
        assert row[header.index("事项摘要")] == g["summary"]
    [mine] = [r for r in rows if numbers[0] in r[header.index("工单号")]]
    assert mine[header.index("承办单位")] == "省住房城乡建设厅"  # named, not by its id
    assert ws._charts and ws._charts[0].tagname == "barChart"
    alerts = list(wb["突发与苗头"].iter_rows(min_row=2, values_only=True))
    assert [a[0] for a in alerts] == [a["label"] for a in said["alerts"]]
    assert any(a[-1] == " ".join(numbers) for a in alerts)


def test_report_xlsx_to_a_missing_folder_or_a_folder_is_one_line_naming_it(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    """The file to write is checked before anything is computed: the line names the option
    and the folder (it named the temporary file the writing would have used)."""
    env = env_for(platform, tmp_path)
    missing = tmp_path / "无此目录" / "h.xlsx"
    for report, extra in (("hot", ()), ("kpi", ("--period", "2026Q4")),
                          ("grades", ("--period", "2026Q4"))):  # fmt: skip
        for target, said in ((missing, f"目录不存在：{missing.parent}"), (tmp_path, "是一个目录")):
            run = hotline(env, "report", report, *extra, "--xlsx", str(target))
            assert run.returncode == 2, (report, target, run.stdout)
            lines = [ln for ln in run.stderr.strip().splitlines() if "警告" not in ln]
            assert len(lines) == 1 and "--xlsx" in lines[0] and said in lines[0], run.stderr
            assert ".workbook-" not in run.stderr


def test_r_grades_a_period_that_is_no_quarter_or_year_is_one_line_naming_the_option(
    platform: Platform,
    tmp_path: Path,  # noqa: F811
) -> None:
    """Grades are quarterly and annual (R-GRADES): a month or a malformed period is refused
    before anything is computed, by the option's name (it was the service's field, 「period:」);
    the Art. 25 leads take a month too."""
    env = env_for(platform, tmp_path)
    for report, period, said in (("grades", "2026-11", "不按月"),
                                 ("grades", "abc", "「abc」不是考核期"),
                                 ("accountability", "2026Q9", "「2026Q9」不是考核期")):  # fmt: skip
        run = hotline(env, "report", report, "--period", period)
        assert run.returncode == 2, (report, period, run.stdout)
        lines = [ln for ln in run.stderr.strip().splitlines() if "警告" not in ln]
        assert len(lines) == 1 and "--period" in lines[0] and said in lines[0], run.stderr
    assert hotline(env, "report", "accountability", "--period", "2026-11").returncode == 0
