"""The ticket search palette (Ctrl+K or / on the queues and the board) and the merge key (M)
on the ticket view, driven with Pilot."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from console.screens.search import TicketSearchScreen, parse_query
from console.screens.ticket import TicketScreen
from console.services.values import Role, State
from console.widgets.dialogs import PromptDialog
from console.widgets.ticket_table import TicketTable
from tests.screens.conftest import ScreenPlatform
from tests.screens.test_queues import intake, queues_screen, settle, shown
from tests.screens.test_ticket import Notes, open_ticket

pytestmark = pytest.mark.anyio


def test_parse_query_reads_numbers_phones_words_and_prefixes() -> None:
    assert parse_query("HN261125000001") == {"number": "HN261125000001"}
    assert parse_query("139-1234-5678") == {"phone": "139-1234-5678"}
    assert parse_query("拖欠 工资 状态:办理中 单位：hn-rst") == {
        "text": "拖欠 工资",
        "state": "办理中",
        "unit": "hn-rst",
    }
    found = parse_query("自:2026-11-01 至:2026-11-30 编号:0001")
    assert str(found["since"]) == "2026-11-01" and found["number"] == "0001"


async def test_search_palette_from_the_queues_opens_the_ticket(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    operator = screen_platform.backend(Role.OPERATOR)
    ours = operator.accept(intake("调查：小区电梯停运"), unit_id="hn-rst")
    theirs = operator.accept(intake("调查：物业乱收费"), unit_id="hn-zjt")
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, app)
        queues_screen(app)
        await pilot.press("ctrl+k")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketSearchScreen)
        app.screen.query_one("#search-input", Input).value = "调查"
        await pilot.press("enter")
        await settle(pilot, app)
        table = app.screen.query_one(TicketTable)
        assert [r.number for r in table.rows_shown] == [ours]  # not the other unit's
        assert theirs not in shown(table)
        assert "省人力资源" in shown(table) and "hn-rst" not in shown(table)  # names, not ids
        assert "共 1 条" in shown(app.screen.query_one("#search-status"))
        await pilot.press("down", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen) and app.screen.number == ours


async def test_search_palette_says_what_is_wrong(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.MANAGER)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketSearchScreen)
        app.screen.query_one("#search-input", Input).value = "状态:不存在"
        await pilot.press("enter")
        await settle(pilot, app)
        assert "没有状态「不存在」" in shown(app.screen.query_one("#search-status"))
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, TicketSearchScreen)


async def test_merge_key_merges_into_a_master_by_number(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    operator = screen_platform.backend(Role.OPERATOR)
    master = operator.accept(intake("工地欠薪：主工单"), unit_id="hn-rst")
    other = operator.accept(intake("工地欠薪：又一职工"), unit_id="hn-rst")
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        notes = Notes(app, monkeypatch)
        screen = await open_ticket(pilot, app, other)
        await pilot.press("m")
        await settle(pilot, app)
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one(Input).value = other  # into itself: refused with the rule
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("enter")  # no reason
        await settle(pilot, app)
        assert any("R-ARCHIVE" in m and "自身" in m for m, _ in notes.seen)
        await pilot.press("m")
        await settle(pilot, app)
        app.screen.query_one(Input).value = master
        await pilot.press("enter")
        await settle(pilot, app)
        app.screen.query_one(Input).value = "同一工地多名职工反映"
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen is screen
        assert f"已并入 {master}" in shown(screen.query_one("#ticket-header"))
        assert "已并入" in shown(screen.query_one("#ticket-timeline"))
    view = screen_platform.backend(Role.MANAGER).ticket(other)
    assert view.state == State.MERGED.value and view.merged_into == master


async def test_merge_key_is_not_offered_to_an_operator(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_ticket(pilot, app, number)
        assert "m" not in screen.active_bindings
