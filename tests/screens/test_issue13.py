"""Issue 13 (what a night shift found), one test per item, pressing the keys a seat presses."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Checkbox, Input, Static, TextArea

from console.services.values import Role, State
from console.widgets.dialogs import ConfirmDialog, InfoDialog
from tests.screens.conftest import ScreenPlatform, wait_for
from tests.screens.test_intake import ticket_number, type_call

pytestmark = pytest.mark.anyio

SIZE = (120, 40)


def error_text(app: Any) -> str:
    return str(app.screen.query_one("#intake-error", Static).render())


# ---------------------------------------------------------------- item 1: no call-back without a number
async def test_item1_f7_callback_needs_a_phone_or_the_callers_refusal(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#text", TextArea).focus()
        await pilot.press(*"公积金异地贷款怎么办理")
        await pilot.press("f7")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert "请填写来电人电话" in error_text(app) and "拒留电话" in error_text(app)
        assert app.focused is app.screen.query_one("#caller_phone", Input)

        # the caller will not give a number: tick 拒留电话, and the promise goes through
        app.screen.query_one("#phone_declined", Checkbox).value = True
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirmation")
        assert "来电人拒绝留电话" in app.screen.body.plain
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)

    ticket = screen_platform.backend(Role.MANAGER).ticket(number)
    assert ticket.state == State.CALLBACK_PROMISED.value
    promise = next(e for e in ticket.events if e.action == "promise_callback")
    assert promise.details.get("phone_declined") in (True, "True")


async def test_item1_f9_dispatch_needs_a_phone(make_app: Any) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#text", TextArea).focus()
        await pilot.press(*"公司拖欠工资三个月了")
        for key in ("f9", "f10"):
            await pilot.press(key)
            await pilot.pause()
            assert "请填写来电人电话" in error_text(app)
            assert app.screen.__class__.__name__ == "IntakeScreen"
        await type_call(pilot, "13700002222", "")
        await pilot.press("f9")
        await wait_for(
            pilot, lambda: app.screen.__class__.__name__ == "ChoiceDialog", what="unit choice"
        )
