"""Ticket view: header, caller's words, timeline, clocks with "why", the actions of the seat's
role (greyed with the rule when not allowed now), and the action dialogs with their errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from textual.widgets import Button, Input, RadioSet, TextArea

from console.app import HotlineApp
from console.errors import Unavailable
from console.screens import actions
from console.screens.actions import ActionDialog, ReturnDialog
from console.screens.ticket import TicketScreen
from console.services.values import Kind, Role, Satisfaction, Special, State
from tests.conftest import at
from tests.screens.conftest import ScreenPlatform
from tests.screens.test_queues import intake, settle, shown

pytestmark = pytest.mark.anyio


async def open_ticket(pilot: Any, app: HotlineApp, number: str) -> TicketScreen:
    await settle(pilot, app)
    app.open_ticket(number)
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, TicketScreen), screen
    return screen


def dialog(app: HotlineApp) -> ActionDialog:
    screen = app.screen
    assert isinstance(screen, ActionDialog), screen
    return screen


async def action_dialog(pilot: Any, app: HotlineApp, number: str, key: str) -> ActionDialog:
    """Open the ticket, press an action's key, and the dialog it opens."""
    await open_ticket(pilot, app, number)
    await pilot.press(key)
    await settle(pilot, app)
    return dialog(app)


class Notes:
    """The notifications an app shows (message, title)."""

    def __init__(self, app: HotlineApp, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[tuple[str, str]] = []
        monkeypatch.setattr(app, "notify", self.notify)

    def notify(self, message: str, *, title: str = "", **_: Any) -> None:
        self.seen.append((str(message), title))


async def test_header_timeline_clocks_and_actions_of_a_dispatched_ticket(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(
        intake("单位拖欠工资三个月"), unit_id="hn-rst"
    )
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_ticket(pilot, app, number)
        header = shown(screen.query_one("#ticket-header"))
        assert (
            f"工单 {number}" in header and "投诉 · 社会管理" in header and "已派单待签收" in header
        )
        assert "承办单位：省人力资源社会保障厅" in header
        view = screen_platform.backend(Role.UNIT_CLERK).ticket(number)
        assert (
            f"来电人：张先生 {view.caller_phone}（个人）" in header
        )  # masked or not, as the view says
        assert "单位拖欠工资三个月" in shown(screen.query_one("#ticket-text"))
        timeline = shown(screen.query_one("#ticket-timeline"))
        assert "2026-11-25 09:00  受理  话务员甲·话务员" in timeline
        assert "派单" in timeline and "承办单位：省人力资源社会保障厅" in timeline
        clocks = screen.query_one("#ticket-clocks").render
        assert clocks is not None
        text = shown(screen.query_one("#ticket-clocks"))
        assert "签收时限（R-SIGN）  剩1天14时" in text and "到期 2026-11-26 24:00" in text
        assert "计入的工作日：11-26" in text  # why it is due then
        assert "办理时限（R-LIMIT）" in text
        # one sentence a line, the head not said again; the ten days of the limit whole,
        # however the list wraps (a list with no space broke inside a date)
        lines = [line.strip() for line in text.split("\n")]
        assert "起算：2026-11-25 09:00（星期三）" in lines
        assert "签收时限（R-SIGN）到期" not in text
        days = ("11-26", "11-27", "11-30", "12-01", "12-02", "12-03", "12-04", "12-07", "12-08")
        limit = " ".join(lines[lines.index("到期 2026-12-09 24:00") :])
        assert all(any(f"{sep}{day}" in limit for sep in " ：、") for day in days), limit
        actions_text = shown(screen.query_one("#ticket-actions"))
        assert " s  签收" in actions_text
        assert "申请办结（现在不能）" in actions_text and "[R-COMPLETE]" in actions_text
        # footer: allowed actions enabled, refused ones greyed, other roles' actions absent
        bindings = screen.active_bindings
        assert bindings["s"].enabled and bindings["s"].binding.description == "签收"
        assert not bindings["c"].enabled and bindings["c"].binding.description == "申请办结"
        assert "d" not in bindings and "u" not in bindings  # the manager's actions


async def test_a_greyed_key_says_why_with_the_rule(
    make_app,
    screen_platform: ScreenPlatform,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    app = make_app(Role.UNIT_CLERK)
    notes = Notes(app, monkeypatch)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_ticket(pilot, app, number)
        await pilot.press("c")
        await settle(pilot, app)
        assert app.screen is screen  # no dialog opened
        assert any(
            "[R-COMPLETE]" in message and title == "不能「申请办结」"
            for message, title in notes.seen
        )


async def test_provisional_deadline_is_flagged(make_app, screen_platform: ScreenPlatform) -> None:  # type: ignore[no-untyped-def]
    screen_platform.clock.set(at("2026-12-28 10:00"))  # no 2027 schedule loaded in the screen seed
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 60)) as pilot:
        screen = await open_ticket(pilot, app, number)
        text = shown(screen.query_one("#ticket-clocks"))
        assert "到期 2027-01-12 24:00  暂定" in text
        assert "放假安排尚未公布" in text


async def test_return_dialog_keeps_what_was_typed_on_a_refusal(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        form = await action_dialog(pilot, app, number, "t")
        assert isinstance(form, ReturnDialog)
        await pilot.press(*"不属于本厅职责")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        error = shown(form.query_one("#dialog-error"))
        assert "退回须注明依据（R-RETURN）" in error
        assert form.query_one("#field-reason", TextArea).text == "不属于本厅职责"  # kept
        assert form.query_one("#field-basis", Input).has_focus  # the field named by the error
        await pilot.press(*"三定方案")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen)
        view = screen_platform.backend(Role.MANAGER).ticket(number)
        assert view.state == State.RETURN_REQUESTED
        assert (
            view.events[-1].reason == "不属于本厅职责"
            and view.events[-1].details["basis"] == "三定方案"
        )
        assert "退回待审核" in shown(app.screen.query_one("#ticket-header"))


async def test_r_return_after_signing_the_dialog_still_names_the_window(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    """Signing stops the return clock, not the right to return within it (R-RETURN; a later
    return counts as overdue): the clocks pane and the dialog of a signed ticket say so (the
    pane said 已停止, as of a clock that no longer matters)."""
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    screen_platform.backend(Role.UNIT_CLERK).sign(number)
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_ticket(pilot, app, number)
        clocks = shown(screen.query_one("#ticket-clocks"))
        assert "退回时限（R-RETURN）  已签收，到期前仍可退回" in clocks, clocks
        assert "已停止" not in clocks
        form = await action_dialog(pilot, app, number, "t")
        assert isinstance(form, ReturnDialog)
        said = shown(form.query_one("#dialog-intro"))
        assert "退回时限：2026-11-27 24:00" in said and "已签收，仍按此时限计" in said, said


async def test_conflict_offers_reload(make_app, screen_platform: ScreenPlatform) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    other = screen_platform.backend(actor_for_clerk("人社厅另一经办"))
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_ticket(pilot, app, number)
        await pilot.press("e")  # 申请延期
        await settle(pilot, app)
        other.sign(number)  # another seat of the unit signs first
        await pilot.press(*"3", "tab", *"需要现场核实")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        form = dialog(app)
        error = shown(form.query_one("#dialog-error"))
        assert "已被 人社厅另一经办 于 2026-11-25 09:00:00 修改" in error and "Ctrl+R" in error
        assert form.active_bindings["ctrl+r"].enabled
        await pilot.press("ctrl+r")
        await settle(pilot, app)
        assert app.screen is screen
        assert screen.view is not None and screen.view.state == State.HANDLING


def actor_for_clerk(name: str) -> Any:
    from console.services.views import Actor

    return Actor("clerk-2", name, Role.UNIT_CLERK, "hn-rst")


class FlakyBackend:
    """Forwards to a backend; the first ``failures`` calls of ``method`` find the store down."""

    def __init__(self, inner: Any, method: str, failures: int) -> None:
        self.inner, self.method, self.failures = inner, method, failures

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.inner, name)
        if name != self.method:
            return value

        def flaky(*args: Any, **kwargs: Any) -> Any:
            if self.failures > 0:
                self.failures -= 1
                raise Unavailable("数据库暂时无法连接，请稍后重试")
            return value(*args, **kwargs)

        return flaky


async def test_a_lost_connection_is_retried_and_nothing_typed_is_lost(
    make_app,
    screen_platform: ScreenPlatform,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(actions, "RETRY_SECONDS", 0.2)
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    flaky = FlakyBackend(screen_platform.backend(Role.UNIT_CLERK), "return_ticket", failures=1)
    app = make_app(Role.UNIT_CLERK, backend=flaky)
    async with app.run_test(size=(140, 45)) as pilot:
        form = await action_dialog(pilot, app, number, "t")
        await pilot.press(*"不属于本厅职责", "tab", *"三定方案", "ctrl+s")
        await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.screen is form:  # the outage is shown while the retry waits
            assert "正在重试" in shown(form.query_one("#dialog-error"))
            assert form.query_one("#field-reason", TextArea).text == "不属于本厅职责"
        await pilot.pause(0.5)
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen)
        assert screen_platform.backend(Role.MANAGER).ticket(number).state == State.RETURN_REQUESTED


async def test_extension_days_must_be_a_number(make_app, screen_platform: ScreenPlatform) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    screen_platform.backend(Role.UNIT_CLERK).sign(number)
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        form = await action_dialog(pilot, app, number, "e")
        await pilot.press("tab", *"等待鉴定结果", "ctrl+s")
        await settle(pilot, app)
        assert "请填写延期的工作日天数" in shown(form.query_one("#dialog-error"))
        form.query_one("#field-days", Input).value = "12"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "[R-EXTEND] 延期累计不得超过10个工作日" in shown(form.query_one("#dialog-error"))
        form.query_one("#field-days", Input).value = "5"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen)
        view = screen_platform.backend(Role.MANAGER).ticket(number)
        assert view.pending == "extension" and view.pending_data["days"] == "5"


async def test_manager_rejects_a_completion_with_a_reason(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    clerk = screen_platform.backend(Role.UNIT_CLERK)
    clerk.sign(number)
    clerk.request_completion(number, "电话", dt.date(2026, 11, 25), "已协调企业支付工资")
    app = make_app(Role.MANAGER)
    async with app.run_test(size=(140, 45)) as pilot:
        # 审核办结: the manager's key for the same matter
        form = await action_dialog(pilot, app, number, "c")
        assert "已协调企业支付工资" in shown(form.query_one("#dialog-intro"))
        await pilot.press("down", "enter")  # 退回办结申请
        assert form.query_one("#field-approve", RadioSet).pressed_index == 1
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "退回办结申请须说明理由（R-COMPLETE）" in shown(form.query_one("#dialog-error"))
        form.query_one("#field-reason", TextArea).focus()
        await pilot.press(*"未提供支付凭证", "ctrl+s")
        await settle(pilot, app)
        view = screen_platform.backend(Role.MANAGER).ticket(number)
        assert view.state == State.HANDLING and view.completion_rejections == 1


async def test_supervision_on_a_ground_that_does_not_hold_is_refused_inline(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    app = make_app(Role.MANAGER)
    async with app.run_test(size=(140, 45)) as pilot:
        form = await action_dialog(pilot, app, number, "u")
        form.query_one("#field-note", TextArea).text = "请说明超期原因"
        await pilot.press("ctrl+s")  # ground (1) 超期未办理, but the ticket is not overdue
        await settle(pilot, app)
        assert "[R-SUPERVISE-WHEN] 工单未超期" in shown(form.query_one("#dialog-error"))
        ground = form.query_one("#field-ground", RadioSet)
        ground.focus()
        await pilot.press("down", "down", "enter")  # (3) 多次集中反映
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen)
        view = screen_platform.backend(Role.MANAGER).ticket(number)
        assert view.supervisions and view.supervisions[0].ground == 3
        assert "督办 #" in shown(app.screen.query_one("#ticket-supervisions"))


async def test_callback_result_is_recorded(make_app, screen_platform: ScreenPlatform) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    clerk = screen_platform.backend(Role.UNIT_CLERK)
    clerk.sign(number)
    clerk.request_completion(number, "电话", dt.date(2026, 11, 25), "已协调企业支付工资")
    screen_platform.backend(Role.MANAGER).review_completion(number, True)
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_ticket(pilot, app, number)
        await pilot.press("k")
        await settle(pilot, app)
        await pilot.press("down", "enter", "ctrl+s")  # 基本满意, 人工回访
        await settle(pilot, app)
        view = screen_platform.backend(Role.MANAGER).ticket(number)
        assert view.state == State.CLOSED and view.satisfaction == Satisfaction.BASIC.value


async def test_sign_confirms_with_enter_and_the_view_reloads(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(kind=Kind.HELP), unit_id="hn-rst")
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_ticket(pilot, app, number)
        assert screen.has_class("-narrow")
        await pilot.press("s")
        await settle(pilot, app)
        assert dialog(app).query_one("#dialog-submit", Button).has_focus
        await pilot.press("enter")
        await settle(pilot, app)
        assert (
            app.screen is screen and screen.view is not None and screen.view.state == State.HANDLING
        )
        assert not screen.active_bindings["s"].enabled


async def test_another_units_ticket_is_not_shown(make_app, screen_platform: ScreenPlatform) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-zjt")
    app = make_app(Role.UNIT_CLERK)  # a clerk of hn-rst
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_ticket(pilot, app, number)
        said = shown(screen.query_one("#ticket-banner"))
        assert number in said and "不存在" in said, said  # as for a number nobody issued
        assert screen.view is None and "s" not in screen.active_bindings


# ---------------------------------------------------------------------- every other dialog, one pass each
def _handling(p: ScreenPlatform, **kw: Any) -> str:
    number = p.backend(Role.OPERATOR).accept(intake(**kw), unit_id="hn-rst")
    p.backend(Role.UNIT_CLERK).sign(number)
    return number


def _special(p: ScreenPlatform) -> str:
    return p.backend(Role.OPERATOR).accept(
        intake("变电站故障，全镇停电", Kind.HELP), unit_id="hn-rst", special=Special.URGENT
    )


def _extension_asked(p: ScreenPlatform) -> str:
    number = _handling(p)
    p.backend(Role.UNIT_CLERK).request_extension(number, 3, "需等待鉴定结论")
    return number


def _termination_asked(p: ScreenPlatform) -> str:
    number = _handling(p)
    p.backend(Role.UNIT_CLERK).request_termination(number, OPINION)
    return number


def _dissatisfied(p: ScreenPlatform) -> str:
    number = _handling(p)
    p.backend(Role.UNIT_CLERK).request_completion(number, "电话", dt.date(2026, 11, 25), "已协调")
    p.backend(Role.MANAGER).review_completion(number, True)
    p.backend(Role.OPERATOR).record_callback(number, Satisfaction.DISSATISFIED)
    return number


def _promised(p: ScreenPlatform) -> str:
    return p.backend(Role.OPERATOR).promise_callback(
        intake("灵活就业人员社保怎么交", Kind.CONSULTATION)
    )


def _accepted(p: ScreenPlatform) -> str:
    return p.backend(Role.OPERATOR).accept(intake())


OPINION = "同一事项反复投诉六次，已依法处理并当面解释，无新情况新理由。"
# (setup, seat, key, keys typed in the dialog, what the store shows afterwards)
DIALOG_CASES: dict[str, tuple[Any, Role, str, tuple[str, ...], Any]] = {
    "first_response": (
        _special,
        Role.UNIT_CLERK,
        "x",
        (*"抢修队已出发", "ctrl+s"),
        lambda v: any(c.key == "first_response" and c.met_at for c in v.clocks),
    ),
    "report_progress": (
        _special,
        Role.UNIT_CLERK,
        "j",
        (*"已恢复一半用户供电", "ctrl+s"),
        lambda v: any(c.key == "progress" and c.met_at for c in v.clocks),
    ),
    "request_completion": (
        _handling,
        Role.UNIT_CLERK,
        "c",
        (*"电话", "tab", "tab", *"已协调企业补发工资", "ctrl+s"),
        lambda v: v.state == State.COMPLETION_REQUESTED,
    ),
    "request_termination": (
        _handling,
        Role.UNIT_CLERK,
        "z",
        (*OPINION, "ctrl+s"),
        lambda v: v.pending == "termination",
    ),
    "review_extension": (
        _extension_asked,
        Role.MANAGER,
        "e",
        ("ctrl+s",),
        lambda v: (
            v.pending == "" and any(c.key == "limit" and c.extension_wd == 3 for c in v.clocks)
        ),
    ),
    "review_termination": (
        _termination_asked,
        Role.MANAGER,
        "z",
        ("tab", *"经核实属重复投诉", "ctrl+s"),
        lambda v: v.state == State.TERMINATED,
    ),
    "decide_dissatisfied": (
        _dissatisfied,
        Role.MANAGER,
        "d",
        ("tab", *"承办单位未实际办理", "ctrl+s"),
        lambda v: v.state == State.HANDLING and v.events[-1].action == "redo",
    ),
    "designate_lead": (
        _handling,
        Role.MANAGER,
        "l",
        (*"住建", "down", "enter", "tab", *"多部门职责交叉", "ctrl+s"),
        lambda v: v.complex and v.unit_id == "hn-zjt",
    ),
    "answer_callback": (
        _promised,
        Role.OPERATOR,
        "h",
        (*"已电话答复缴费方式", "ctrl+s"),
        lambda v: v.state == State.CLOSED,
    ),
    "dispatch": (
        _accepted,
        Role.MANAGER,
        "p",
        (*"市场监管", "down", "enter", "ctrl+s"),
        lambda v: v.state == State.DISPATCHED and v.unit_id == "hn-scjgj",
    ),
}


@pytest.mark.parametrize("case", list(DIALOG_CASES))
async def test_each_action_dialog_does_its_action(
    make_app, screen_platform: ScreenPlatform, case: str
) -> None:  # type: ignore[no-untyped-def]
    setup, seat, key, typed, check = DIALOG_CASES[case]
    number = setup(screen_platform)
    app = make_app(seat)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_ticket(pilot, app, number)
        assert screen.active_bindings[key].enabled, shown(screen.query_one("#ticket-actions"))
        await pilot.press(key)
        await settle(pilot, app)
        form = dialog(app)
        await pilot.press(*typed)
        await settle(pilot, app)
        assert app.screen is screen, shown(form.query_one("#dialog-error"))
    assert check(screen_platform.backend(Role.MANAGER).ticket(number))


# ---------------------------------------------------------------------- supervision (督办)
def _supervision_text(screen: TicketScreen) -> str:
    return shown(screen.query_one("#ticket-supervisions"))


def _flat(widget: Any) -> str:
    """What a panel shows, wrapping undone (no whitespace)."""
    return "".join(shown(widget).split())


async def test_r_supervise_journey_open_reply_extend_once_close(
    make_app, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    store = screen_platform.backend(Role.MANAGER)

    # the manager opens a supervision (ground 5) and may not close it before the reply
    app = make_app(Role.MANAGER)
    notes = Notes(app, monkeypatch)
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_ticket(pilot, app, number)
        await pilot.press("u")
        await settle(pilot, app)
        form = dialog(app)
        await pilot.press("down", "down", "down", "down", "enter")  # (5) 其他需要督办的事项
        form.query_one("#field-note", TextArea).focus()
        await pilot.press(*"请书面说明欠薪处理进展", "ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen, shown(form.query_one("#dialog-error"))
        (sup,) = store.ticket(number).supervisions
        assert sup.ground == 5 and sup.state == "open" and not sup.reply
        assert "督办 #" in _supervision_text(screen) and "督办中" in _supervision_text(screen)
        bindings = screen.active_bindings
        assert bindings["b"].binding.description == "督办办结" and not bindings["b"].enabled
        assert bindings["y"].binding.description == "督办延期" and bindings["y"].enabled
        panel = _flat(screen.query_one("#ticket-actions"))
        assert "督办办结（现在不能）" in panel
        assert "[R-SUPERVISE-WHEN]承办单位尚未书面说明情况" in panel
        await pilot.press("b")
        await settle(pilot, app)
        assert app.screen is screen  # refused on screen, no dialog
        assert any(
            "[R-SUPERVISE-WHEN]" in message and title == "不能「督办办结」"
            for message, title in notes.seen
        )
        assert store.ticket(number).supervisions[0].state == "open"

    # the clerk of the supervised unit writes the explanation with its key
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_ticket(pilot, app, number)
        reply = screen.active_bindings["u"]
        assert reply.enabled and reply.binding.description == "督办说明"
        await pilot.press("u")
        await settle(pilot, app)
        form = dialog(app)
        assert "请书面说明欠薪处理进展" in shown(form.query_one("#dialog-intro"))
        assert form.query_one("#field-reply", TextArea).has_focus
        await pilot.press(*"已约谈企业工资于12月5日前补发", "ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen, shown(form.query_one("#dialog-error"))
        assert store.ticket(number).supervisions[0].reply == "已约谈企业工资于12月5日前补发"
        text = _supervision_text(screen)
        assert "已书面说明" in text and "已约谈企业工资于12月5日前补发" in text
        assert not screen.active_bindings["u"].enabled  # once
        assert "[R-SUPERVISE-WHEN]已书面说明情况" in _flat(screen.query_one("#ticket-actions"))

    # the manager extends once (a second extension is greyed), then closes it
    app = make_app(Role.MANAGER)
    notes = Notes(app, monkeypatch)
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_ticket(pilot, app, number)
        due_before = store.ticket(number).supervisions[0].due_at
        await pilot.press("y")
        await settle(pilot, app)
        form = dialog(app)
        assert form.query_one("#field-days", Input).has_focus
        await pilot.press(*"10", "tab", *"涉及多家企业情况复杂", "ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen, shown(form.query_one("#dialog-error"))
        sup = store.ticket(number).supervisions[0]
        assert sup.extended and sup.due_at is not None and due_before is not None
        assert sup.due_at > due_before
        assert "已延期" in _supervision_text(screen)
        assert not screen.active_bindings["y"].enabled
        assert "[R-SUPERVISE-LIMIT]督办事项只能延期1次" in _flat(
            screen.query_one("#ticket-actions")
        )
        await pilot.press("y")
        await settle(pilot, app)
        assert app.screen is screen
        assert any(
            "[R-SUPERVISE-LIMIT]" in message and title == "不能「督办延期」"
            for message, title in notes.seen
        )
        assert screen.active_bindings["b"].enabled
        await pilot.press("b")
        await settle(pilot, app)
        form = dialog(app)
        assert "已约谈企业" in shown(form.query_one("#dialog-intro"))  # the reply is read first
        await pilot.press(*"已补发督办办结", "ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen, shown(form.query_one("#dialog-error"))
        sup = store.ticket(number).supervisions[0]
        assert sup.state == "closed" and sup.extended
        assert "已办结" in _supervision_text(screen)
        assert not screen.active_bindings["b"].enabled
        assert "[R-SUPERVISE-LIMIT]督办工单已办结" in _flat(screen.query_one("#ticket-actions"))


async def test_several_open_supervisions_the_dialog_picks_the_latest(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    manager = screen_platform.backend(Role.MANAGER)
    first = manager.open_supervision(number, 5, "written", "第一次督办")
    latest = manager.open_supervision(number, 3, "onsite", "多次反映，现场督导")
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await action_dialog(pilot, app, number, "u")
        picker = form.query_one("#field-supervision", RadioSet)
        assert picker.pressed_index == 0 and f"#{latest}" in str(picker.pressed_button.label)
        form.query_one("#field-reply", TextArea).focus()
        await pilot.press(*"已现场核实并整改", "ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen), shown(form.query_one("#dialog-error"))
    replies = {s.id: s.reply for s in manager.ticket(number).supervisions}
    assert replies == {first: "", latest: "已现场核实并整改"}


async def test_a_supervision_refusal_from_the_backend_shows_in_the_dialog(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    sid = screen_platform.backend(Role.MANAGER).open_supervision(number, 5, "written", "请说明")
    app = make_app(Role.MANAGER)
    async with app.run_test(size=(140, 50)) as pilot:
        form = await action_dialog(pilot, app, number, "y")
        # meanwhile a supervisor extends it: the form was read before
        screen_platform.backend(Role.SUPERVISOR).extend_supervision(sid, 5, "情况复杂")
        await pilot.press(*"10", "tab", *"再延期", "ctrl+s")
        await settle(pilot, app)
        assert app.screen is form
        assert "[R-SUPERVISE-LIMIT]督办事项只能延期1次" in _flat(form.query_one("#dialog-error"))
        assert form.value("reason") == "再延期"  # what was typed stays
    clocks = screen_platform.backend(Role.MANAGER).ticket(number).clocks
    assert [c.extension_wd for c in clocks if c.key == "supervise"] == [5]  # not 5 + 10


async def test_supervision_actions_are_in_the_command_palette(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    sid = screen_platform.backend(Role.MANAGER).open_supervision(number, 5, "written", "请说明")
    screen_platform.backend(Role.UNIT_CLERK).reply_supervision(sid, "已整改")
    app = make_app(Role.SUPERVISOR)
    async with app.run_test(size=(140, 50)) as pilot:
        await open_ticket(pilot, app, number)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"督办办结")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot, app)
        form = dialog(app)
        assert isinstance(form, actions.SupervisionActionDialog)
        assert f"督办办结 · 工单 {number}" in shown(form.query_one("#dialog-title"))


async def test_r_dissatisfied_outcomes_the_manager_marks_a_law_case_from_the_ticket(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    """F on a dissatisfied ticket: the dialog says what the finding does (Art. 20), an empty
    reason is refused naming the rule's field, the finding lands on the timeline in Chinese."""
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    clerk = screen_platform.backend(Role.UNIT_CLERK)
    clerk.sign(number)
    clerk.request_completion(number, "电话", dt.date(2026, 11, 25), "已组织劳动争议调解")
    screen_platform.backend(Role.MANAGER).review_completion(number, True)
    screen_platform.backend(Role.OPERATOR).record_callback(
        number, Satisfaction.DISSATISFIED, "manual", "对调解结果不满意"
    )
    app = make_app(Role.MANAGER)
    async with app.run_test(size=(140, 45)) as pilot:
        form = await action_dialog(pilot, app, number, "f")
        assert "不片面追求满意率" in shown(form.query_one("#dialog-intro"))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "认定理由不能为空" in shown(form.query_one("#dialog-error"))
        form.query_one("#field-note", TextArea).focus()
        await pilot.press(*"属劳动争议行政调解案件", "ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen)
        await settle(pilot, app)
        assert "认定为调解、执法办案类" in shown(app.screen.query_one("#ticket-timeline"))
        # the same key now takes a finding made in error back, with its own reason
        await pilot.press("f")
        await settle(pilot, app)
        form = dialog(app)
        assert "撤销调解、执法办案类认定" in shown(form.query_one("#dialog-title"))
        assert "已结束的考核期不变" in shown(form.query_one("#dialog-intro"))
        form.query_one("#field-note", TextArea).focus()
        await pilot.press(*"经核实不属调解案件", "ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen)
        await settle(pilot, app)
        assert "撤销理由" in shown(app.screen.query_one("#ticket-timeline"))


async def test_r_complex_a_return_window_is_only_said_to_bind_while_a_return_is_possible(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    """A difficult, complex ticket is not returned (R-COMPLEX): once it is declared one, its
    stopped return clock does not invite a return."""
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    clerk = screen_platform.backend(Role.UNIT_CLERK)
    clerk.sign(number)
    screen_platform.backend(Role.MANAGER).designate_lead(number, "hn-rst", ())
    assert screen_platform.backend(Role.UNIT_CLERK).ticket(number).complex
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_ticket(pilot, app, number)
        clocks = shown(screen.query_one("#ticket-clocks"))
        assert "退回时限（R-RETURN）  已停止" in clocks, clocks
        assert "已签收" not in clocks


async def test_r_analytics_a_ticket_names_the_other_tickets_of_its_matter_and_offers_the_first(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    """Three callers about the street light at one junction, in their own words: the unit
    clerk opening the last ticket reads that two more are on the same matter, and 并单 offers
    the first of them as the master; an operator's seat (no hot matters) shows no such line."""
    from tests.screens.conftest import wait_for
    from tests.services.test_hot import STREET_LIGHT

    operator = screen_platform.backend(Role.OPERATOR)
    numbers = [
        operator.accept(intake(text, caller_phone=f"1380731000{i}"), unit_id="hn-rst")
        for i, text in enumerate(STREET_LIGHT)
    ]
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_ticket(pilot, app, numbers[2])
        line = screen.query_one("#ticket-related")
        # no board has made the groups: the screen's question begins it (a small window) and
        # asks again within seconds, well before its own 30-s refresh
        await wait_for(pilot, lambda: "同一事项" in shown(line), timeout=10,
                       what="the same-matter line")  # fmt: skip
        said = shown(line)
        assert "同一事项：另有 2 件（3 位来电人）" in said and f"{numbers[0]} {numbers[1]}" in said
        await pilot.press("m")
        await settle(pilot, app)
        prompt = app.screen.query_one(Input)
        assert prompt.value == numbers[0]
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_ticket(pilot, app, numbers[2])
        await settle(pilot, app)
        assert not screen.query_one("#ticket-related").display
