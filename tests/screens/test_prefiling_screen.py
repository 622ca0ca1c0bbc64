"""Pre-filed scopes in the console (R-PREFILING): from the work queues (B) a unit clerk files a
scope through the form, the manager approves it from the pending queue, and an operator's
intake then finds it matched and explains from it (F8); a pending or rejected scope is never
offered at intake; the words are shown literally."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static, TextArea

from console.screens.prefiling import PrefilingScreen
from console.screens.prefiling_form import FileScopeDialog
from console.screens.queues import QueuesScreen
from console.services.values import Role, State
from console.services.views import Actor
from console.widgets.dialogs import ConfirmDialog, InfoDialog, PromptDialog
from console.widgets.suggestions import TextList
from tests.screens.conftest import ScreenPlatform, wait_for
from tests.screens.test_intake import ticket_number, type_call

pytestmark = pytest.mark.anyio

SIZE = (120, 40)
SGCC_CLERK = Actor("clerk-sgcc", "电力经办辛", Role.UNIT_CLERK, "hn-sgcc")
CALL = "株洲这边线路覆冰突然停电了，什么时候能来电"


def footer_keys(app: Any) -> dict[str, str]:
    return {
        b.key: b.description
        for _, b, enabled, _ in app.screen.active_bindings.values()
        if enabled and b.show
    }


async def open_prefiling(pilot: Any, app: Any) -> PrefilingScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, QueuesScreen), what="queues")
    assert footer_keys(app).get("b") == "报备"
    await pilot.press("b")
    await wait_for(pilot, lambda: isinstance(app.screen, PrefilingScreen), what="prefiling")
    screen: PrefilingScreen = app.screen
    await wait_for(pilot, lambda: screen.loaded_at is not None, what="loaded")
    return screen


async def type_into(pilot: Any, widget: Input | TextArea, text: str) -> None:
    widget.focus()
    await pilot.press(*text)


async def test_r_prefiling_clerk_files_manager_approves_operator_explains(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    # 1. the unit clerk files a scope through the form
    app = make_app(SGCC_CLERK)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_prefiling(pilot, app)
        keys = footer_keys(app)
        assert keys.get("n") == "新报备" and "a" not in keys and "x" not in keys
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, FileScopeDialog), what="form")
        form: FileScopeDialog = app.screen
        await pilot.press("ctrl+s")  # empty: refused in the form, naming the field
        error = form.query_one("#pf-error", Static)
        await wait_for(pilot, lambda: error.display, what="refusal")
        assert "标题" in str(error.render())
        await type_into(pilot, form.query_one("#pf-title", Input), "寒潮[red]线路覆冰停电")
        await type_into(pilot, form.query_one("#pf-keywords", Input), "停电,覆冰")
        await type_into(pilot, form.query_one("#pf-region", Input), "株洲市")
        await type_into(
            pilot, form.query_one("#pf-explanation", TextArea), "株洲部分线路覆冰正在抢修"
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, what="back on the list")
        table = screen.query_one("#prefiling-table", DataTable)
        await wait_for(
            pilot, lambda: any(s.state == "pending" for s in screen.scopes), what="filed"
        )
        assert table.row_count == 2  # the seed scope and the new one
        assert screen.scopes[0].state_label == "待审核"
        assert screen.scopes[0].title == "寒潮[red]线路覆冰停电"
        detail = str(screen.query_one("#prefiling-detail", Static).render())
        assert "株洲部分线路覆冰正在抢修" in detail
    [scope] = [s for s in screen_platform.backend(SGCC_CLERK).prefiling_scopes("pending")]
    assert scope.filed_by == "电力经办辛" and scope.keywords == ("停电", "覆冰")

    # pending: not offered at intake
    operator = screen_platform.backend(Role.OPERATOR)
    assert operator.match_prefiling(CALL, "株洲市") == []

    # 2. the manager approves it from the pending queue
    app = make_app(Role.MANAGER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_prefiling(pilot, app)
        assert screen.scopes[0].id == scope.id
        keys = footer_keys(app)
        assert keys.get("a") == "通过" and keys.get("x") == "退回" and "n" not in keys
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="review")
        await pilot.press("enter")  # a note is optional when approving
        await wait_for(pilot, lambda: app.screen is screen, what="back on the list")
        await wait_for(
            pilot, lambda: screen.scopes and screen.scopes[0].state == "approved", what="approved"
        )
        assert "a" not in footer_keys(app)  # nothing pending left to review
        await pilot.press("f4")  # the queues key goes back to the queues
        await wait_for(pilot, lambda: isinstance(app.screen, QueuesScreen), what="queues again")

    # 3. an operator's intake sees it matched and explains from it
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13811112222", CALL)
        matches = app.screen.query_one("#prefiling", TextList)
        await wait_for(pilot, lambda: scope.id in matches.row_ids, what="scope matched")
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirm")
        assert "株洲部分线路覆冰正在抢修" in app.screen.body.plain
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)
    ticket = screen_platform.backend(Role.MANAGER).ticket(number)
    assert ticket.prefiling_id == scope.id and ticket.state == State.CLOSED.value
    assert any(e.action == "explain_prefiled" for e in ticket.events)


async def test_r_prefiling_manager_sends_a_scope_back_with_the_reason(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    from tests.store.test_prefiling import DRAFT

    scope_id = screen_platform.backend(SGCC_CLERK).file_prefiling(DRAFT)
    app = make_app(Role.MANAGER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_prefiling(pilot, app)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="reason")
        await pilot.press("enter")  # no reason: the dialog stays
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"停水不属电力公司报备", "enter")
        await wait_for(pilot, lambda: app.screen is screen, what="back")
        await wait_for(
            pilot, lambda: any(s.state == "rejected" for s in screen.scopes), what="rejected"
        )
    [view] = [s for s in screen_platform.backend(SGCC_CLERK).prefiling_scopes() if s.id == scope_id]
    assert view.review_note == "停水不属电力公司报备" and view.reviewed_by == "优化办己"
    assert screen_platform.backend(Role.OPERATOR).match_prefiling("长沙停水了", "长沙市") == []


async def test_r_prefiling_not_offered_to_an_operator_in_the_queues(make_app: Any) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, QueuesScreen), what="queues")
        assert "b" not in footer_keys(app)
