"""The evaluation dashboard (R-UNIT-KPI, R-GRADES): the manager opens it from the queues (D),
sees a unit's KPIs, computes the quarter's draft, publishes it and exports the workbook, which
openpyxl reads back with the same figures; the shift lead sees the KPIs but no grade keys; a
unit clerk sees its own unit only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from console.screens.dashboard import DashboardScreen, shift_quarter, sparkline
from console.screens.queues import QueuesScreen
from console.services.values import Role, Satisfaction
from console.widgets.dialogs import ConfirmDialog
from tests.conftest import HeldFirstLook
from tests.screens.conftest import ScreenPlatform, wait_for
from tests.screens.test_queues import intake

pytestmark = pytest.mark.anyio

SIZE = (140, 45)


def footer_keys(app: Any) -> dict[str, str]:
    return {
        b.key: b.description
        for _, b, enabled, _ in app.screen.active_bindings.values()
        if enabled and b.show
    }


def handled_and_rated(sp: ScreenPlatform, result: Satisfaction) -> str:
    """A complaint to 人社厅, signed, completed in time, approved and rated by the caller."""
    number = sp.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    clerk = sp.backend(Role.UNIT_CLERK)
    clerk.sign(number)
    clerk.request_completion(number, "电话", dt.date(2026, 11, 25), "已协调企业支付工资")
    sp.backend(Role.MANAGER).review_completion(number, True)
    sp.backend(Role.OPERATOR).record_callback(number, result, "manual", "")
    return number


async def open_dashboard(pilot: Any, app: Any) -> DashboardScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, QueuesScreen), what="queues")
    assert footer_keys(app).get("d") == "考核看板"
    await pilot.press("d")
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), what="dashboard")
    screen: DashboardScreen = app.screen
    await wait_for(pilot, lambda: screen.report is not None, what="KPIs loaded")
    return screen


def row_of(screen: DashboardScreen, unit_id: str) -> list[str]:
    table = screen.query_one("#dashboard-units", DataTable)
    return [str(cell) for cell in table.get_row(unit_id)]


async def test_r_grades_manager_sees_kpis_computes_publishes_and_exports(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    sp = screen_platform
    handled_and_rated(sp, Satisfaction.SATISFIED)
    handled_and_rated(sp, Satisfaction.DISSATISFIED)
    app = make_app(Role.MANAGER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot, app)
        assert screen.report is not None and screen.report.period == "2026Q4"
        rst = row_of(screen, "hn-rst")
        assert "人力资源" in rst[0] and rst[4] == "100.0%" and rst[6] == "50.0%"
        head = str(screen.query_one("#dashboard-head", Static).render())
        assert "2026Q4" in head and "尚未计算" in head
        assert "p" not in footer_keys(app)  # nothing to publish yet

        await pilot.press("c")
        await wait_for(pilot, lambda: screen.evaluation is not None, what="draft computed")
        assert screen.evaluation is not None and screen.evaluation.state == "draft"
        grade = row_of(screen, "hn-rst")[2]
        assert grade in ("优秀", "合格", "基本合格", "不合格")

        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirm")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: screen.evaluation is not None and screen.evaluation.state == "published",
            what="published",
        )
        assert "已发布" in str(screen.query_one("#dashboard-head", Static).render())

        await wait_for(pilot, lambda: screen.hot is not None, what="hot matters shown")
        assert screen.hot is not None
        hot_groups = len(screen.hot[1])
        await pilot.press("x")
        book_path = sp.settings.data_dir / "考核评价-2026Q4.xlsx"
        await wait_for(pilot, book_path.exists, what="workbook written")

        await pilot.press("enter")  # why: the tickets that cost 人社厅 its points
        await wait_for(
            pilot,
            lambda: "未达标的工单" in str(screen.query_one("#dashboard-why", Static).render()),
            what="drill-down",
        )

    from openpyxl import load_workbook

    book = load_workbook(book_path)
    rows = {r[0]: r for r in book["考核指标"].iter_rows(min_row=3, values_only=True)}
    header = [c.value for c in book["考核指标"][2]]
    satisfaction = header.index("群众满意率")
    assert rows["hn-rst"][satisfaction] == 0.5 and rows["hn-rst"][satisfaction + 2] == 2
    grades = {r[0]: r for r in book["考核等次"].iter_rows(min_row=3, values_only=True)}
    assert grades["hn-rst"][3] == grade
    assert book["考核指标"]._charts, "a native Excel chart of the rates"
    # the hot matters as the dashboard showed them, one sheet per table
    assert book.sheetnames == ["考核指标", "考核等次", "热点事项", "突发与苗头"]
    assert str(book["热点事项"]["A1"].value).startswith("热点事项 近90天（显示于 ")
    assert book["热点事项"].max_row == 2 + hot_groups


async def test_r_grades_shift_lead_reads_kpis_without_grade_keys(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    handled_and_rated(screen_platform, Satisfaction.SATISFIED)
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_queues()
        screen = await open_dashboard(pilot, app)
        keys = footer_keys(app)
        assert "c" not in keys and "p" not in keys
        assert row_of(screen, "hn-rst")[2] == "100.0%"  # no 得分/等次 columns for this seat
        assert screen.evaluation is None
        hot = screen.query_one("#dashboard-hot", Static)
        await wait_for(pilot, lambda: "载入中" not in str(hot.render()), what="hot matters")
        assert "人" in str(hot.render()) or "没有两位以上来电人" in str(hot.render())


async def test_r_unit_kpi_a_unit_clerk_sees_its_own_unit_only(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """A unit clerk opens the same dashboard and gets one line, its own unit's, without the
    manager's keys; a draft evaluation is not shown to it (published lines only)."""
    handled_and_rated(screen_platform, Satisfaction.SATISFIED)
    screen_platform.backend(Role.MANAGER).draft_evaluation("2026Q4")
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dashboard(pilot, app)
        assert screen.report is not None
        assert [u.unit_id for u in screen.report.units] == ["hn-rst"]
        assert screen.evaluation is None
        keys = footer_keys(app)
        assert "c" not in keys and "p" not in keys


def test_quarters_step_over_years_and_the_trend_reads_left_to_right() -> None:
    assert shift_quarter("2026Q4", 1) == "2027Q1"
    assert shift_quarter("2026Q1", -1) == "2025Q4"
    assert shift_quarter("2026", 0) == "2026Q4"
    assert sparkline([0.0, 0.5, 1.0, None]) == "▁▅█ "


async def test_r_analytics_the_dashboard_says_the_matters_are_being_grouped_until_they_are(
    make_app: Any,
    screen_platform: ScreenPlatform,
    monkeypatch: pytest.MonkeyPatch,
    held_first_look: HeldFirstLook,
) -> None:
    """While the process's first look groups the last 90 days, the hot pane says so (dim, not
    an error) and asks again by itself; the list shows once the grouping is done."""
    from console.services.analytics.hot_store import HotWatch

    handled_and_rated(screen_platform, Satisfaction.SATISFIED)
    monkeypatch.setattr("console.screens.dashboard.HOT_RETRY_SECONDS", 0.2)
    HotWatch.for_store(screen_platform.store).patience = 0.05
    app = make_app(Role.MANAGER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_queues()
        screen = await open_dashboard(pilot, app)
        hot = screen.query_one("#dashboard-hot", Static)
        await wait_for(pilot, lambda: "正在首次计算" in str(hot.render()), what="the notice")
        held_first_look.gate.set()
        await wait_for(
            pilot, lambda: "没有两位以上来电人" in str(hot.render()), timeout=5, what="the list"
        )
