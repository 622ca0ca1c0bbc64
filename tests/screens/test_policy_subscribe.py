"""An operator enters a calling enterprise's policy subscription from intake (R-ENTERPRISE):
Ctrl+G opens the form with the caller's number and the enterprise's name; without the caller's
consent it is refused in the form, naming the field, nothing typed lost; with it the
subscription is entered with the industries and regions typed; a citizen's form starts as a
citizen's."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Checkbox, Input, Select, Static

from console.screens.intake import IntakeScreen
from console.screens.policy_form import SubscribeDialog
from console.services.values import CallerType, Role
from console.widgets.intake_form import IntakeForm
from tests.screens.conftest import ScreenPlatform, wait_for

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


async def open_form(pilot: Any, app: Any, call: dict[str, str] | None = None) -> SubscribeDialog:
    """Ctrl+G on the intake, with ``call`` in its form first when given."""
    if call is not None:
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen), what="intake")
        app.screen.query_one(IntakeForm).load(call)
    await pilot.press("ctrl+g")
    await wait_for(pilot, lambda: isinstance(app.screen, SubscribeDialog), what="the form")
    dialog: SubscribeDialog = app.screen
    return dialog


async def test_r_enterprise_an_operator_enters_the_callers_subscription_with_consent(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen), what="intake")
        app.screen.query_one(IntakeForm).load(
            {
                "caller_phone": "13900000041",
                "caller_type": CallerType.ENTERPRISE.value,
                "enterprise_name": "湘江外贸有限公司",
                "text": "想了解进出口企业有什么新的通关便利政策",
            }
        )
        app.screen.query_one("#text").focus()  # typing the request: the key still works
        dialog = await open_form(pilot, app)
        assert dialog.query_one("#ps-phone", Input).value == "13900000041"
        assert dialog.query_one("#ps-name", Input).value == "湘江外贸有限公司"
        assert dialog.query_one("#ps-kind", Select).value == "enterprise"
        dialog.query_one("#ps-industries", Input).focus()
        await pilot.press(*"外贸")
        await pilot.press("ctrl+s")  # no consent yet
        error = dialog.query_one("#ps-error", Static)
        await wait_for(pilot, lambda: error.display, what="the refusal")
        assert "同意推送" in str(error.render())
        assert dialog.focused is dialog.query_one("#ps-consent", Checkbox)
        assert dialog.query_one("#ps-industries", Input).value == "外贸"  # nothing lost
        await pilot.press("space")  # the consent box, focused
        dialog.query_one("#ps-regions", Input).focus()
        await pilot.press(*"长沙", "comma", *"株洲", "ctrl+s")
        await wait_for(
            pilot, lambda: isinstance(app.screen, IntakeScreen), what=f"entered {error.render()}"
        )
    [sub] = screen_platform.backend(Role.MANAGER).policy_subscriptions()
    assert (sub.name, sub.phone, sub.kind) == ("湘江外贸有限公司", "13900000041", "enterprise")
    assert sub.industries == ("外贸",) and sub.regions == ("长沙", "株洲")


async def test_r_confidential_a_citizens_form_needs_the_callers_own_consent(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen), what="intake")
        app.screen.query_one(IntakeForm).load(
            {"caller_phone": "13900000042", "caller_name": "王女士", "text": "社保新政策"}
        )
        dialog = await open_form(pilot, app)
        assert dialog.query_one("#ps-kind", Select).value == "citizen"
        assert dialog.query_one("#ps-name", Input).value == "王女士"
        await pilot.press("ctrl+s")
        error = dialog.query_one("#ps-error", Static)
        await wait_for(pilot, lambda: error.display, what="the refusal")
        assert "R-CONFIDENTIAL" in str(error.render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen), what="cancelled")
    assert screen_platform.backend(Role.MANAGER).policy_subscriptions() == []


async def test_keys_in_one_read_a_kind_chosen_then_ctrl_s_registers_that_kind(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """The kind list open on an enterprise's form, ↓ Enter (群众) and Ctrl+S in one read: the
    subscription is a citizen's (Ctrl+S read the kind before the list's choice reached it)."""
    from tests.screens.test_issue13 import feed_burst

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        call = {
            "caller_phone": "13900000043",
            "caller_type": CallerType.ENTERPRISE.value,
            "enterprise_name": "王女士",
            "text": "社保新政策",
        }
        dialog = await open_form(pilot, app, call)
        dialog.query_one("#ps-consent", Checkbox).value = True
        kind = dialog.query_one("#ps-kind", Select)
        assert kind.value == "enterprise"
        kind.focus()
        await pilot.pause()
        await pilot.press("enter")  # the list opens
        await pilot.pause()
        await feed_burst(pilot, "\x1b[B\r\x13")
        await wait_for(pilot, lambda: isinstance(app.screen, IntakeScreen), what="entered")
    [sub] = screen_platform.backend(Role.MANAGER).policy_subscriptions()
    assert (sub.name, sub.kind) == ("王女士", "citizen")
