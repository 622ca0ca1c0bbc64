"""Knowledge upkeep for a unit clerk (R-KB): from the work queues (K) the clerk sees the open
reports against the unit's articles, answers one with a reason, and verifies an article due
for review; another unit's clerk sees none of them; the words are shown literally."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from console.screens.queues import QueuesScreen
from console.screens.upkeep import UpkeepScreen
from console.services.knowledge.upkeep import maintenance_rates
from console.services.values import Role
from console.services.views import Actor
from console.widgets.dialogs import PromptDialog
from tests.screens.conftest import ScreenPlatform, wait_for

pytestmark = pytest.mark.anyio

SIZE = (120, 40)
GJJ_CLERK = Actor("clerk-gjj", "公积金中心经办", Role.UNIT_CLERK, "hn-gjj")


def footer_keys(app: Any) -> dict[str, str]:
    """The keys the footer offers now: key → description."""
    return {
        b.key: b.description
        for _, b, enabled, _ in app.screen.active_bindings.values()
        if enabled and b.show
    }


async def open_upkeep(pilot: Any, app: Any) -> UpkeepScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, QueuesScreen), what="queues")
    assert footer_keys(app).get("k") == "知识维护"
    await pilot.press("k")
    await wait_for(pilot, lambda: isinstance(app.screen, UpkeepScreen), what="upkeep screen")
    screen: UpkeepScreen = app.screen
    await wait_for(pilot, lambda: screen.today != dt.date.min, what="loaded")
    return screen


async def test_r_kb_unit_resolves_a_report_of_its_article(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    operator = screen_platform.backend(Role.OPERATOR)
    operator.flag_article("hn-rst-001", "wrong", "[/bold]渠道名称[red]有误")
    app = make_app(Role.UNIT_CLERK)  # 人社厅经办戊, hn-rst
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_upkeep(pilot, app)
        table = screen.query_one("#upkeep-flags", DataTable)
        assert table.row_count == 1
        note = str(screen.query_one("#upkeep-flag-note", Static).render())
        assert "[/bold]渠道名称[red]有误" in note  # a report's words are data, not markup
        keys = footer_keys(app)
        assert keys.get("x") == "已更正" and keys.get("n") == "核实无误"
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="reason prompt")
        await pilot.press("enter")  # no reason: the dialog stays
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"经核实名称无误", "enter")
        await wait_for(pilot, lambda: app.screen is screen, what="back on upkeep")
        await wait_for(pilot, lambda: table.row_count == 0, what="report gone")
        assert "n" not in footer_keys(app)  # nothing left to answer
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, QueuesScreen), what="queues again")
    clerk = screen_platform.backend(Role.UNIT_CLERK)
    assert clerk.article_flags() == []
    [rate] = maintenance_rates(screen_platform.store, dt.date(2026, 12, 31), "hn-rst")
    assert rate.open_flags == 0 and rate.stale_flagged == 0


async def test_r_kb_unit_verifies_an_article_due_for_review(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    clerk = screen_platform.backend(GJJ_CLERK)
    assert [d.article_id for d in clerk.articles_due_review()] == ["hn-gjj-001"]
    app = make_app(GJJ_CLERK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_upkeep(pilot, app)
        review = screen.query_one("#upkeep-review", DataTable)
        assert review.row_count == 1
        assert footer_keys(app).get("v") == "核实通过"
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="date prompt")
        box = app.screen.query_one(Input)
        assert box.value == "2027-11-25"  # a year on, offered
        box.value = "2027-06-30"
        await pilot.press("enter")
        await wait_for(pilot, lambda: review.row_count == 0, what="article verified")
    article = clerk.article("hn-gjj-001")
    assert article.status == "verified" and article.review_by == dt.date(2027, 6, 30)
    assert clerk.articles_due_review() == []


async def test_r_kb_another_units_clerk_sees_no_report_and_others_have_no_key(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    screen_platform.backend(Role.OPERATOR).flag_article("hn-rst-001", "outdated", "已调整")
    app = make_app(GJJ_CLERK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_upkeep(pilot, app)
        assert screen.query_one("#upkeep-flags", DataTable).row_count == 0
        assert "x" not in footer_keys(app)
    app = make_app(Role.SUPERVISOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, QueuesScreen), what="queues")
        assert "k" not in footer_keys(app)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, QueuesScreen)
