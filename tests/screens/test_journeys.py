"""Journeys through the work screens, pressing the keys a unit clerk and the manager press,
asserting on the store and on the screen."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, OptionList, RadioSet

from console.app import HotlineApp
from console.screens.actions import ActionDialog, ReviewReturnDialog
from console.screens.queues import QueuesScreen
from console.screens.ticket import TicketScreen
from console.services.values import Role, State
from console.services.views import Actor
from console.widgets.ticket_table import TicketTable
from tests.screens.conftest import ScreenPlatform
from tests.screens.test_queues import intake, settle, shown

pytestmark = pytest.mark.anyio

RST_CLERK = Actor("clerk-rst", "人社厅经办戊", Role.UNIT_CLERK, "hn-rst")
ZJT_CLERK = Actor("clerk-zjt", "住建厅经办庚", Role.UNIT_CLERK, "hn-zjt")
MANAGER = Actor("mgr-01", "优化办己", Role.MANAGER)


async def open_from_queue(
    pilot: Any, app: HotlineApp, number: str, queue_key: str = "1"
) -> TicketScreen:
    """From the queues screen: pick the queue, arrow to the ticket, Enter."""
    await settle(pilot, app)
    assert isinstance(app.screen, QueuesScreen)
    await pilot.press(queue_key)
    await settle(pilot, app)
    table = app.screen.query_one(TicketTable)
    for _ in range(table.total):
        if table.selected is not None and table.selected.number == number:
            break
        await pilot.press("down")
        await settle(pilot, app)
    assert table.selected is not None and table.selected.number == number
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, TicketScreen) and app.screen.number == number
    return app.screen


async def return_it(pilot: Any, app: HotlineApp, reason: str, basis: str) -> None:
    await pilot.press("t")
    await settle(pilot, app)
    assert isinstance(app.screen, ActionDialog)
    await pilot.press(*reason, "tab", *basis, "ctrl+s")
    await settle(pilot, app)
    assert isinstance(app.screen, TicketScreen), shown(app.screen.query_one("#dialog-error"))


async def test_complaint_returned_twice_becomes_complex_and_can_no_longer_be_returned(
    make_app, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(
        intake("小区楼下工地夜间施工噪声扰民"), unit_id="hn-rst"
    )
    store = screen_platform.backend(MANAGER)

    # 1. the hn-rst clerk signs it from the awaiting-signature queue, then returns it
    app = make_app(RST_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_from_queue(pilot, app, number, queue_key="4")  # 待签收
        await pilot.press("s")
        await settle(pilot, app)
        await pilot.press("enter")  # the sign dialog confirms with Enter
        await settle(pilot, app)
        assert store.ticket(number).state == State.HANDLING
        assert "办理中" in shown(screen.query_one("#ticket-header"))
        await return_it(
            pilot, app, "施工噪声不属于人社部门职责", "《湖南省人力资源和社会保障厅职能配置》"
        )
        view = store.ticket(number)
        assert view.state == State.RETURN_REQUESTED and view.return_count == 1 and not view.complex
        assert "退回待审核" in shown(screen.query_one("#ticket-header"))
        assert "施工噪声不属于人社部门职责" in shown(screen.query_one("#ticket-timeline"))

    # 2. the manager approves the return from the returns queue and re-dispatches to hn-zjt
    app = make_app(MANAGER)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_from_queue(pilot, app, number, queue_key="2")  # 退回待审核
        await pilot.press("t")  # 审核退回
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, ReviewReturnDialog)
        assert "施工噪声不属于人社部门职责" in shown(form.query_one("#dialog-intro"))
        assert form.query_one("#field-approve", RadioSet).pressed_index == 0  # 同意退回
        await pilot.press("tab")  # to the unit filter
        assert isinstance(app.focused, Input)
        await pilot.press(*"住建", "down")
        assert isinstance(app.focused, OptionList)
        await pilot.press("enter")  # choose it: focus moves on to the reason
        assert app.focused is form.query_one("#field-reason", Input)
        await pilot.press(*"属住建部门施工噪声监管职责", "ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen), shown(form.query_one("#dialog-error"))
        view = store.ticket(number)
        assert view.state == State.DISPATCHED and view.unit_id == "hn-zjt"
        assert "承办单位：省住房城乡建设厅" in shown(app.screen.query_one("#ticket-header"))

    # 3. hn-zjt returns it as well: the second return makes it 疑难复杂 (R-COMPLEX)
    app = make_app(ZJT_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_from_queue(pilot, app, number)
        await return_it(pilot, app, "夜间施工审批属城管部门", "《长沙市城市管理条例》")
        view = store.ticket(number)
        assert view.return_count == 2 and view.complex
        assert "疑难复杂" in shown(screen.query_one("#ticket-header"))
        assert "转为疑难复杂" in shown(screen.query_one("#ticket-timeline"))

    # 4. the manager refuses this return: hn-zjt keeps the ticket
    app = make_app(MANAGER)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_from_queue(pilot, app, number, queue_key="2")
        await pilot.press("t")
        await settle(pilot, app)
        await pilot.press("down", "enter")  # 不同意退回
        app.screen.query_one("#field-reason", Input).focus()
        await pilot.press(*"工地噪声属住建部门监管", "ctrl+s")
        await settle(pilot, app)
        assert store.ticket(number).state == State.HANDLING

    # 5. back at hn-zjt the return is refused with R-COMPLEX, on the screen and in the store
    app = make_app(ZJT_CLERK)
    notes: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: notes.append(str(message)))
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_from_queue(pilot, app, number)
        assert "疑难复杂" in shown(screen.query_one("#ticket-header"))
        refused = next(
            a
            for a in store_view_as(screen_platform, ZJT_CLERK, number).actions
            if a.action == "return"
        )
        assert not refused.allowed and refused.why_not.startswith("[R-COMPLEX]")
        assert not screen.active_bindings["t"].enabled
        panel = "".join(shown(screen.query_one("#ticket-actions")).split())  # lines wrap
        assert "退回（现在不能）[R-COMPLEX]疑难复杂事项不得退回" in panel
        await pilot.press("t")
        await settle(pilot, app)
        assert app.screen is screen  # no dialog
        assert any(n.startswith("[R-COMPLEX]") for n in notes)
    view = store.ticket(number)
    assert view.state == State.HANDLING and view.return_count == 2 and view.unit_id == "hn-zjt"


def store_view_as(platform: ScreenPlatform, actor: Actor, number: str) -> Any:
    return platform.backend(actor).ticket(number)


HOSTILE = "[bold]加粗[/bold] [@click=app.quit]点我退出[/] [/ 未闭合 \x1b[2J清屏 [TODO]"
SHOWN = "[bold]加粗[/bold] [@click=app.quit]点我退出[/] [/ 未闭合 ␛[2J清屏 [TODO]"


async def test_caller_text_is_shown_literally_and_does_nothing(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(
        intake(
            HOSTILE, caller_name="[red]王[/red]", enterprise_name="", place="[@click=app.quit]长沙"
        ),
        unit_id="hn-rst",
    )
    app = make_app(RST_CLERK)
    async with app.run_test(size=(200, 45)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(TicketTable)
        assert table.get_row(number)[-1].plain == SHOWN[:40].replace("␛", "␛")
        row_line = table.render_line(1).text
        assert "[bold]加粗[/bold] [@click=app.quit]点我退出" in row_line

        screen = await open_from_queue(pilot, app, number, queue_key="1")
        await pilot.press("t")
        await settle(pilot, app)
        await pilot.press(*"[/] [@click=app.quit]理由", "tab", *"[b]依据", "ctrl+s")
        await settle(pilot, app)
        header = shown(screen.query_one("#ticket-header"))
        assert "来电人：[red]王[/red] 138" in header
        assert "地点：[@click=app.quit]长沙" in header
        assert SHOWN in shown(screen.query_one("#ticket-text"))
        timeline = shown(screen.query_one("#ticket-timeline"))
        assert "理由：[/] [@click=app.quit]理由" in timeline and "依据：[b]依据" in timeline
        # clicking the "link" does nothing: the app is still running, the screen unchanged
        await pilot.click("#ticket-text", offset=(30, 0))
        await pilot.click("#ticket-timeline", offset=(20, 4))
        await settle(pilot, app)
        assert app.is_running and app.screen is screen
    assert screen_platform.backend(MANAGER).ticket(number).text == HOSTILE  # stored as typed
