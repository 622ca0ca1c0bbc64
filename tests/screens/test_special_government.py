"""R-SPECIAL-REPORT (Art. 18) in the console: the special-incident dialog's level also offers
「并通知当地人民政府」 (Ctrl+L cycles it); chosen, the ticket's reports include the local
government's."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from textual.widgets import Input

from console.services.knowledge.seed import DutyOfficeRecord, Seed
from console.services.knowledge.seeding import apply_seed
from console.services.values import Role
from console.store.models import OutboxRow
from console.widgets.dialogs import InfoDialog
from tests.screens.conftest import ScreenPlatform, wait_for
from tests.screens.test_intake import SIZE, choice_ready, ticket_number, type_call

pytestmark = pytest.mark.anyio


async def test_r_special_report_the_special_dialog_can_notify_the_local_government(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    office = DutyOfficeRecord("cs-zf", "长沙市人民政府", "长沙市", duty_sms="13900000009")
    apply_seed(screen_platform.store, Seed(duty_offices=(office,)), screen_platform.clock.now())
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13700002222", "小区燃气管道泄漏，闻到很大的味道")
        app.screen.query_one("#place", Input).value = "长沙市芙蓉区"
        await pilot.press("f10")
        await wait_for(pilot, lambda: choice_ready(app), what="unit choice")
        # a gas leak: the caller's words make 特殊紧急事项 the level offered first
        assert "特殊紧急事项" in str(app.screen.query_one("#choice-level").render())
        await pilot.press("ctrl+l", "ctrl+l")  # → 特殊事项 → 特殊紧急事项，并通知当地人民政府
        level = app.screen.query_one("#choice-level").render()
        assert "并通知当地人民政府" in str(level)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)
    with screen_platform.store.read() as s:
        rows = s.execute(select(OutboxRow).where(OutboxRow.channel == "government")).scalars()
        [gov] = list(rows)
    assert gov.target == "13900000009" and number in gov.payload["message"]
