"""The 政企通 desk journey (R-ENTERPRISE, Art. 29), pressing the keys the seats press: an
operator accepts an enterprise's complaint and dispatches it (F9); the manager opens the desk
from the command palette, U shows it unassigned, S assigns it to a policy specialist with a
reason; the specialist's console lands on the desk, M shows it, N records a follow-up on the
timeline; the handling unit signs and completes it, the manager approves, the call-back closes
it; the assignment closes with it and D shows it ended. The enterprise's and the caller's
words are shown literally throughout."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Select

from console.screens.desk import DeskScreen
from console.screens.ticket import TicketScreen
from console.services.values import CallerType, Role, Satisfaction, State
from console.services.views import Actor, ExpertDraft
from console.widgets.dialogs import InfoDialog, PromptDialog
from tests.screens.conftest import ScreenPlatform, screen_text, wait_for
from tests.screens.test_intake import SIZE, choice_ready, type_call

pytestmark = pytest.mark.anyio

CALLER = "13811112222"
COMPANY = "湘江[/b]机械制造有限公司"
ASKED = "我们企业申请的稳岗返还补贴三个月了还没到账，[bold]请帮忙催办"
ZHAO = Actor("pol-zhao", "赵政策", Role.ENTERPRISE_DESK)
FOLLOW = "已电话联系企业财务，推送稳岗返还政策解读"


def desk(app: Any) -> DeskScreen:
    assert isinstance(app.screen, DeskScreen)
    return app.screen


async def test_r_enterprise_request_assigned_followed_and_closed_with_the_ticket(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    manager = screen_platform.backend(Role.MANAGER)
    zhao_id = manager.add_expert(
        ExpertDraft("赵政策", "hn-rst", ("营商环境",), ("每天 00:00-00:00",), seat="pol-zhao",
                    kind="policy")
    )  # fmt: skip

    # 1. the operator accepts the enterprise's complaint and dispatches it (F9)
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, CALLER, ASKED)
        app.screen.query_one("#kind", Select).value = "complaint"
        app.screen.query_one("#caller_type", Select).value = CallerType.ENTERPRISE.value
        company = app.screen.query_one("#enterprise_name", Input)
        await wait_for(pilot, lambda: not company.disabled, what="enterprise name enabled")
        company.value = COMPANY
        await wait_for(pilot, lambda: app.screen.suggestions, what="unit suggestions")
        await pilot.press("f9")
        await wait_for(pilot, lambda: choice_ready(app), what="unit choice")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="dispatched")
        await pilot.press("enter")
    operator = screen_platform.backend(Role.OPERATOR)
    [number] = [r.number for r in operator.tickets_by_phone(CALLER).rows]
    ticket = manager.ticket(number)
    assert ticket.caller_type is CallerType.ENTERPRISE and ticket.state == State.DISPATCHED
    unit = ticket.unit_id
    assert unit

    # 2. the manager opens the desk from the palette; U: unassigned; S: assign with a reason
    app = make_app(Role.MANAGER)
    async with app.run_test(size=(130, 45)) as pilot:
        await wait_for(pilot, lambda: app.backend is not None, what="the platform")
        await pilot.press("ctrl+p")
        await pilot.press(*"政企通")
        await wait_for(pilot, lambda: "切换到：政企通专席" in screen_text(app), what="command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DeskScreen), what="the desk")
        await pilot.press("u")
        await wait_for(pilot, lambda: desk(app).which == "unassigned" and desk(app).items,
                       what="unassigned rows")  # fmt: skip
        assert [i.ticket.number for i in desk(app).items] == [number]
        await wait_for(pilot, lambda: COMPANY in screen_text(app) and "未分配（C 认领）"
                       in screen_text(app), what="the enterprise's name, literal")  # fmt: skip
        await pilot.press("s")
        await wait_for(pilot, lambda: choice_ready(app), what="specialists")
        rows = [o.id for o in app.screen.query_one(OptionList).options]
        assert rows == [zhao_id]
        assert "姓名" in str(app.screen.query_one("#choice-filter", Input).placeholder)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="reason")
        app.screen.query_one(Input).value = "赵政策熟悉人社援企政策"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DeskScreen)
                       and not desk(app).items, what="assigned")  # fmt: skip
        await pilot.press("a")
        await wait_for(pilot, lambda: desk(app).which == "all" and desk(app).items,
                       what="all rows")  # fmt: skip
        [item] = desk(app).items
        assert (item.specialist_name, item.how) == ("赵政策", "assign")

    # 3. the specialist lands on the desk: M (its own) shows it; N records a follow-up
    app = make_app(ZHAO)
    async with app.run_test(size=(130, 45)) as pilot:
        await wait_for(pilot, lambda: app.current_mode == "desk", what="landing")
        await wait_for(pilot, lambda: desk(app).which == "mine" and desk(app).items,
                       what="its rows")  # fmt: skip
        assert [i.ticket.number for i in desk(app).items] == [number]
        await wait_for(pilot, lambda: "赵政策熟悉人社援企政策" in screen_text(app)
                       and "[bold]请帮忙催办" in screen_text(app), what="the detail")  # fmt: skip
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="follow-up")
        app.screen.query_one(Input).value = FOLLOW
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DeskScreen)
                       and desk(app).items and desk(app).items[0].follow_ups == 1,
                       what="followed")  # fmt: skip
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen), what="the ticket")
        await wait_for(pilot, lambda: FOLLOW in screen_text(app), what="on the timeline")
        assert "政企通跟进" in screen_text(app) and "政策专员：赵政策" in screen_text(app)

    # 4. the handling unit completes it, the manager approves, the call-back closes it
    clerk = screen_platform.backend(Actor("clerk", "经办人", Role.UNIT_CLERK, unit))
    clerk.sign(number)
    clerk.request_completion(number, "电话", dt.date(2026, 11, 25), "已协调发放稳岗返还资金")
    manager.review_completion(number, True)
    operator.record_callback(number, Satisfaction.SATISFIED, "manual", "企业满意")
    assert manager.ticket(number).state == State.CLOSED

    # 5. the assignment closed with the ticket: gone from M, shown under D as ended
    app = make_app(ZHAO)
    async with app.run_test(size=(130, 45)) as pilot:
        await wait_for(pilot, lambda: app.current_mode == "desk", what="landing")
        await wait_for(pilot, lambda: "我的 0 件" in screen_text(app), what="nothing live")
        await pilot.press("d")
        await wait_for(pilot, lambda: desk(app).which == "done" and desk(app).items,
                       what="ended rows")  # fmt: skip
        [done] = desk(app).items
        assert (done.ticket.number, done.close_reason, done.follow_ups) == (number, "ended", 1)
        await wait_for(pilot, lambda: "诉求已办结" in screen_text(app), what="ended detail")


async def test_r_enterprise_a_capped_desk_says_so(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desk lists at most DESK_OPEN_LIMIT open requests (the nearest clocks): when it is
    full, the status line says that the rest are in the work queues — a seat is not led to
    believe the list is the whole backlog."""
    from console.screens import desk as desk_screen
    from console.services.enterprise import desk as desk_service
    from tests.screens.test_snapshots_desk import seed_desk

    seed_desk(screen_platform)  # two open enterprise requests
    monkeypatch.setattr(desk_service, "OPEN_LIMIT", 1)
    monkeypatch.setattr(desk_screen, "DESK_OPEN_LIMIT", 1)
    app = make_app(ZHAO)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DeskScreen), what="the desk")
        await pilot.press("a")
        await wait_for(pilot, lambda: desk(app).which == "all" and desk(app).items, what="all")
        assert len(desk(app).items) == 1
        await wait_for(
            pilot,
            lambda: "只列时限最近的 1 件，其余在工单队列中" in screen_text(app),
            what="the cap",
        )
        monkeypatch.setattr(desk_service, "OPEN_LIMIT", 10)
        monkeypatch.setattr(desk_screen, "DESK_OPEN_LIMIT", 10)
        await pilot.press("r")
        await wait_for(pilot, lambda: len(desk(app).items) == 2, what="both")
        await wait_for(pilot, lambda: "其余在工单队列中" not in screen_text(app), what="no cap")
