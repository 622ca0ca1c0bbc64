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


# ---------------------------------------------------------------- item 4: overdue articles warn on F6
async def test_item4_f6_with_an_overdue_article_asks_and_records_the_confirmation(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """hn-gjj-001 was due for review on 2026-10-31: the answers pane says so beside it (with
    its status and review date), F6 asks before closing the call with it, and the answer
    records that the operator confirmed it (only F3 used to warn)."""
    from console.widgets.answer_list import AnswerList
    from tests.screens.test_intake import ticket_number, type_call
    from tests.screens.test_queues import shown

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13812341234", "租房提取公积金需要什么条件")
        answers = app.screen.query_one(AnswerList)
        await wait_for(pilot, lambda: answers.hits, what="KB answers")
        assert answers.highlighted_hit is not None
        assert answers.highlighted_hit.article_id == "hn-gjj-001"
        pane = "".join(shown(answers).split())
        assert "〔已过复核期〕" in pane and "复核期限2026-10-31" in pane and "已校核" in pane
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirmation")
        assert app.screen.title_text == "确认以此答复？"
        assert "已过复核期：内容可能已过时" in app.screen.body.plain
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)
    answered = next(
        e for e in screen_platform.backend(Role.MANAGER).ticket(number).events
        if e.action == "answer"
    )  # fmt: skip
    assert answered.details["confirmed"] == "review_overdue"


# ---------------------------------------------------------------- raw terminal bytes
def parsed(*chunks: str) -> list[Any]:
    """What the console's terminal parser makes of the bytes a terminal sends, read by read."""
    from console.terminal import HotlineParser

    parser = HotlineParser()
    tokens: list[Any] = []
    for chunk in chunks:
        tokens += list(parser.feed(chunk))
    return tokens


async def feed_terminal(pilot: Any, *chunks: str) -> None:
    """Send raw terminal bytes to the running app as its driver does: parse, then post."""
    for token in parsed(*chunks):
        pilot.app.post_message(token)
        await pilot.pause()
    await pilot.pause()


# ---------------------------------------------------------------- item 2: Alt+digit in tmux
@pytest.mark.parametrize("digit", list("1234567890"))
def test_item2_esc_digit_is_alt_digit_never_a_character(digit: str) -> None:
    # tmux, screen, PuTTY, Xshell and the Linux console send Alt+digit as ESC + digit
    (key,) = parsed(f"\x1b{digit}")
    assert key.key == f"alt+{digit}"
    assert not key.is_printable and key.character is None


@pytest.mark.parametrize(
    ("sent", "key"),
    [
        ("\x1b\x1b[B", "alt+down"),  # PuTTY, Xshell, rxvt: ESC, then the arrow
        ("\x1b\x1b[A", "alt+up"),
        ("\x1b\x1bOB", "alt+down"),  # the arrow in application cursor mode
        ("\x1b\x1b[5~", "alt+pageup"),
        ("\x1b\x1b[6~", "alt+pagedown"),
        ("\x1b[1;3B", "alt+down"),  # xterm, tmux
    ],
)
def test_item2_alt_arrow_sent_with_esc_first_is_one_alt_key_not_escape(sent: str, key: str) -> None:
    assert [k.key for k in parsed(sent)] == [key]


def test_item2_two_escapes_stay_two_escapes_and_a_paste_stays_text() -> None:
    assert [k.key for k in parsed("\x1b\x1b", "")] == ["escape", "escape"]
    (paste,) = parsed("\x1b[200~甲\x1b\x1b[B乙\x1b[201~")
    assert paste.text == "甲\u241b\u241b[B乙"


async def test_item2_alt_down_from_putty_moves_to_the_next_answer_and_keeps_the_search(
    make_app: Any,
) -> None:
    """The expert seat reads down the answers with Alt+↓ / Alt+↑ as PuTTY and rxvt send them
    (ESC, then the arrow), the search keeping the focus and its words."""
    from tests.screens.test_knowledge import results

    app = make_app(Role.EXPERT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"怎么办理")
        await wait_for(pilot, lambda: len(results(app).hits) >= 2, what="two answers")
        first = results(app).highlighted_hit
        await feed_terminal(pilot, "\x1b\x1b[B")
        search = app.screen.query_one("#kb-query", Input)
        assert search.has_focus and search.value == "怎么办理"
        second = results(app).highlighted_hit
        assert first is not None and second is not None and second != first
        await feed_terminal(pilot, "\x1b\x1b[A")
        assert results(app).highlighted_hit == first


async def test_item2_alt_digit_from_tmux_ticks_a_ground_and_types_nothing(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13900001111", "想撤销法院判决")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "请先勾选" in error_text(app)
        app.screen.query_one("#text", TextArea).focus()
        await feed_terminal(pilot, "\x1b2")  # Alt+2 as tmux sends it
        area = app.screen.query_one("#text", TextArea)
        assert area.text == "想撤销法院判决"  # no 「™」 in the caller's words
        assert app.screen.query_one("#grounds").ticked == 2
        assert "请先勾选" not in error_text(app)  # the stale hint is gone
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirmation")
        assert "第2项" in app.screen.body.plain
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)
    ticket = screen_platform.backend(Role.MANAGER).ticket(number)
    assert ticket.refusal_ground == 2 and "™" not in ticket.text


async def test_item2_a_digit_ticks_a_ground_where_alt_does_not_reach(make_app: Any) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13900001111", "楼下着火了")
        await pilot.press("ctrl+r")  # nothing ticked: the list takes the focus
        await pilot.pause()
        await feed_terminal(pilot, "5")
        assert app.screen.query_one("#grounds").ticked == 5


# ---------------------------------------------------------------- item 6: bracketed paste
async def test_item6_paste_with_control_bytes_stays_text_in_order(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        area = app.screen.query_one("#text", TextArea)
        area.focus()
        # the paste split across reads as a pty may deliver it, ESC and C0 controls inside
        await feed_terminal(pilot, "\x1b[20", "0~ABC甲乙\x1b[31m丙丁\x11\x0b\x0c戊\x1b", "[201~")
        # in order; ESC and Ctrl+Q shown as ␛ ␑, vertical tab and form feed break the line
        assert area.text == "ABC甲乙␛[31m丙丁␑\n\n戊"
        assert app.is_running  # the pasted \x11 (Ctrl+Q) did not quit
        assert not isinstance(app.screen, ConfirmDialog)  # nor fire a shortcut
        await feed_terminal(pilot, "己")  # typing goes on after the paste
        assert area.text.endswith("戊己")


# ---------------------------------------------------------------- item 3: no preselected unit
async def test_item3_return_review_sends_nowhere_until_a_unit_is_chosen(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    from console.screens.actions import ReviewReturnDialog, UnitPicker
    from console.screens.ticket import TicketScreen
    from tests.screens.test_journeys import MANAGER, RST_CLERK, open_from_queue
    from tests.screens.test_queues import intake, settle, shown

    number = screen_platform.backend(Role.OPERATOR).accept(
        intake("小区楼下工地夜间施工噪声扰民"), unit_id="hn-rst"
    )
    clerk = screen_platform.backend(RST_CLERK)
    clerk.sign(number)
    clerk.return_ticket(number, "施工噪声不属于人社部门职责", "《职能配置》")
    store = screen_platform.backend(MANAGER)

    app = make_app(MANAGER)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_from_queue(pilot, app, number, queue_key="2")  # 退回待审核
        await pilot.press("t")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, ReviewReturnDialog)
        picker = form.query_one(UnitPicker)
        assert picker.value is None and "未选择" in shown(picker.query_one(".picker-chosen"))
        form.query_one("#field-reason", Input).focus()
        await pilot.press(*"同意", "ctrl+s")  # one Ctrl+S must not send it to the first unit
        await settle(pilot, app)
        assert isinstance(app.screen, ReviewReturnDialog)
        assert "改派" in shown(form.query_one("#dialog-error"))
        assert store.ticket(number).state == State.RETURN_REQUESTED
        # the fast path: type to filter, Enter on the only match chooses it
        picker.focus()
        await pilot.press(*"住房城乡", "enter")
        await settle(pilot, app)
        assert picker.value == "hn-zjt" and "已选" in shown(picker.query_one(".picker-chosen"))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen)
    assert store.ticket(number).unit_id == "hn-zjt"


async def test_item3_unit_chosen_by_typing_moves_on_to_the_reason(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """Type part of the unit's name, Enter (the only match is chosen): the focus moves on to
    the opinion, so what the seat types next lands there (it used to stay in the picker's own
    list, where the typed opinion went nowhere)."""
    from console.screens.actions import ReviewReturnDialog, UnitPicker
    from tests.screens.test_journeys import MANAGER, RST_CLERK, open_from_queue
    from tests.screens.test_queues import intake, settle

    number = screen_platform.backend(Role.OPERATOR).accept(
        intake("小区物业乱收停车费"), unit_id="hn-rst"
    )
    screen_platform.backend(RST_CLERK).return_ticket(number, "物业收费不属人社职责", "《职能配置》")
    app = make_app(MANAGER)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_from_queue(pilot, app, number, queue_key="2")  # 退回待审核
        await pilot.press("t")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, ReviewReturnDialog)
        await pilot.press("tab", *"住房城乡", "enter")
        assert form.query_one(UnitPicker).value == "hn-zjt"
        assert app.focused is form.query_one("#field-reason", Input)
        await pilot.press(*"属住建监管", "ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, ReviewReturnDialog)
    view = screen_platform.backend(MANAGER).ticket(number)
    assert view.unit_id == "hn-zjt"
    assert next(e for e in view.events if e.action == "return_approved").reason == "属住建监管"


async def test_item3_f9_dispatch_sends_nowhere_until_a_unit_is_chosen(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """F9 highlights no unit: Enter at once sends nothing. A city bureau's suggestion whose
    city is not typed yet is named with what is missing (it used to be dropped, so the first
    row left was a provincial department). Typing filters the units."""
    from console.widgets.dialogs import ChoiceDialog
    from tests.screens.test_intake import choice_ready

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13812341234", "我家门口的路灯坏了一个多月了，晚上一片漆黑")
        await wait_for(
            pilot,
            lambda: any(s.target.startswith("city:") and not s.unit_id
                        for s in app.screen.suggestions),
            what="a city suggestion waiting for its city",
        )  # fmt: skip
        await pilot.press("f9")
        await wait_for(pilot, lambda: choice_ready(app), what="unit choice")
        dialog = app.screen
        from textual.widgets import OptionList

        options = dialog.query_one(OptionList)
        assert options.highlighted is None
        said = dialog.body.plain  # the city suggestion is named with what it lacks, not dropped
        assert "请先填写地点（市州）" in said and "市城市管理和综合执法局" in said, said
        await pilot.press("enter")  # in the filter, nothing typed: to the list, still no choice
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ChoiceDialog), what="closed")
        await pilot.press("f9")
        await wait_for(pilot, lambda: choice_ready(app), what="unit choice again")
        await pilot.press(*"长沙")
        await wait_for(
            pilot, lambda: app.screen.query_one(OptionList).option_count < len(app.screen.rows),
            what="filtered",
        )  # fmt: skip
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)
    assert screen_platform.backend(Role.MANAGER).ticket(number).unit_id == "cs-yhb"


# ---------------------------------------------------------------- item 5: the unit contacts the caller
async def _reveal_attempts(screen_platform: ScreenPlatform, number: str) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from console.store.models import AuditRow

    with screen_platform.store.read() as s:
        rows = s.execute(select(AuditRow).where(AuditRow.target == number)).scalars()
        return [(r.action, r.seat) for r in rows if r.action.startswith("reveal")]


async def test_item5_unit_clerk_reveals_the_callers_number_audited(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    from tests.screens.test_journeys import RST_CLERK
    from tests.screens.test_queues import intake, settle
    from tests.screens.test_ticket import open_ticket

    number = screen_platform.backend(Role.OPERATOR).accept(
        intake("公司拖欠工资三个月", caller_phone="13812345678"), unit_id="hn-rst"
    )
    app = make_app(RST_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_ticket(pilot, app, number)
        assert "13812345678" not in str(app.screen.query_one("#ticket-header").render())
        await pilot.press("v")
        await settle(pilot, app)
        await pilot.press(*"电话核实欠薪情况", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="contact")
        assert "13812345678" in app.screen.body.plain
    assert await _reveal_attempts(screen_platform, number) == [("reveal_contact", "clerk-rst")]


async def test_item5_confidential_caller_is_not_revealed_to_the_unit(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    from tests.screens.test_journeys import RST_CLERK
    from tests.screens.test_queues import intake, settle
    from tests.screens.test_ticket import open_ticket

    number = screen_platform.backend(Role.OPERATOR).accept(
        intake("举报单位违法用工", caller_phone="13812345678", confidential=True),
        unit_id="hn-rst",
    )
    app = make_app(RST_CLERK)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_ticket(pilot, app, number)
        await pilot.press("v")
        await settle(pilot, app)
        assert app.screen is screen  # no reason asked, nothing shown
        assert "13812345678" not in str(screen.query_one("#ticket-header").render())
    assert await _reveal_attempts(screen_platform, number) == []


# ---------------------------------------------------------------- item 7: triage hints
async def test_item7_gas_leak_shows_urgent_and_ground5_hints_and_suggests_help(
    make_app: Any,
) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13900001111", "家里燃气泄漏了")
        box = app.screen.query_one("#triage-hints", Static)
        await wait_for(pilot, lambda: "特殊紧急" in str(box.render()), what="triage hint")
        shown = str(box.render())
        assert "119" in shown and "第5项" in shown
        assert "类别建议：求助" in shown  # suggested; the kind is not changed for the seat
        assert app.screen.kind.value == "consultation"
        app.screen.query_one("#text", TextArea).text = "我想撤销法院判决"
        await wait_for(pilot, lambda: "第2项" in str(box.render()), what="ground 2 hint")
        assert "119" not in str(box.render())


# ---------------------------------------------------------------- item 8: Ctrl+O by caller phone
async def test_item8_ctrl_o_finds_tickets_by_caller_phone_masked(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    from console.screens.ticket import TicketScreen
    from console.widgets.dialogs import ChoiceDialog
    from tests.screens.test_journeys import MANAGER
    from tests.screens.test_queues import intake, settle

    op = screen_platform.backend(Role.OPERATOR)
    older = op.accept(intake("路灯坏了", caller_phone="13912345678"), unit_id="hn-rst")
    newer = op.accept(intake("又来反映路灯", caller_phone="13912345678"), unit_id="hn-rst")
    app = make_app(MANAGER)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+o")
        await settle(pilot, app)
        await pilot.press(*"13912345678", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog), what="phone results")
        listed = [rid for rid, _ in app.screen.rows]
        assert listed == [newer, older]
        shown = "".join(text.plain for _, text in app.screen.rows)
        assert "13912345678" not in shown and "139****5678" in shown
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen), what="ticket")
        assert app.screen.number == older


# ---------------------------------------------------------------- item 9/10: what people read
def test_item9_duplicates_panel_reads_states_in_chinese_and_says_same_caller_once() -> None:
    from console.services.views import DuplicateView
    from console.widgets.suggestions import duplicate_row

    view = DuplicateView(
        number="HN261125000001",
        score=0.91,
        same_caller=True,
        state="handling",
        terminated=False,
        reason="同一来电人，同一事项的把握 0.91，工单办理中",
    )
    row = duplicate_row(view).plain
    assert "handling" not in row and "办理中" in row
    assert row.count("同一来电人") == 1


async def test_item9_command_palette_speaks_chinese(make_app: Any) -> None:
    from textual.command import CommandInput, CommandList

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#grounds").focus()  # a list whose own bindings are English
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        palette = app.screen
        assert palette.query_one(CommandInput).placeholder.startswith("搜索命令")
        commands = palette.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count > 0, what="commands")
        texts = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        assert not any("Cursor" in t or "cursor" in t for t in texts), texts
        await pilot.press(*"zzzz")
        await pilot.pause(1.5)
        texts = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        assert any("没有匹配的命令" in t for t in texts), texts
        assert "Dismiss" not in str(palette.query_one(CommandInput).render())


def test_item8_running_drill_clock_is_not_called_pinned() -> None:
    import datetime as dt

    from console.widgets.banner import drill_text

    now = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
    assert "固定" not in drill_text(now, running=True) and "运行" in drill_text(now, running=True)
    assert "时钟固定于 2026-11-25 09:00" in drill_text(now)


async def test_item2_space_ticks_the_highlighted_ground(make_app: Any) -> None:
    """Space in the focused list ticks the highlighted ground (its own action, not DOM toggle)."""
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13900001111", "楼下着火了")
        await pilot.press("ctrl+r")  # nothing ticked: the list takes the focus
        await pilot.pause()
        grounds = app.screen.query_one("#grounds")
        grounds.highlighted = 4
        await feed_terminal(pilot, " ")
        assert grounds.ticked == 5


# ---------------------------------------------------------------- keys that arrive in one read
async def feed_burst(pilot: Any, data: str) -> None:
    """Bytes a terminal delivers in one read (a fast typist, a paste, tmux send-keys): the
    driver posts every key at once, without waiting for the focused widget to take them."""
    for token in parsed(data):
        pilot.app.post_message(token)
    await pilot.pause()
    await pilot.pause()


async def test_keys_in_one_read_a_finishing_key_waits_for_the_typing_before_it(
    make_app: Any,
) -> None:
    """F9 right behind the last characters sees them: the dialog echoes the whole request
    (a priority binding used to act before the text area had taken the keys in its queue)."""
    from tests.screens.test_intake import choice_ready

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13700002222", "")
        app.screen.query_one("#text", TextArea).focus()
        await pilot.pause()
        await feed_burst(pilot, "公司拖欠工资三个月\x1b[20~")  # ESC [ 2 0 ~ is F9
        await wait_for(pilot, lambda: choice_ready(app), what="unit choice")
        assert "公司拖欠工资三个月" in app.screen.body.plain


async def intake_focused_on(pilot: Any, app: Any, field: str) -> None:
    """The intake drawn, with the focus on one of its fields."""
    await wait_for(pilot, lambda: app.screen.focused is not None, what="intake")
    app.screen.query_one(field).focus()
    await pilot.pause()


async def test_keys_in_one_read_ctrl_e_sends_what_follows_to_the_request(make_app: Any) -> None:
    """A number, Ctrl+E and the caller's words in one read (a typist faster than the screen, as
    when the intake is drawn again after a dispatch): the words after Ctrl+E are the request's,
    none in the phone field (they filled it to its limit and the rest was lost) or dropped;
    Ctrl+L alike sends the arrows and Enter behind it to the category list."""
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await intake_focused_on(pilot, app, "#caller_phone")
        await feed_burst(pilot, "13807310003\x05举报龙塘安置小区里的歌厅深夜营业扰民。")
        assert app.screen.query_one("#caller_phone", Input).value == "13807310003"
        assert (
            app.screen.query_one("#text", TextArea).text == "举报龙塘安置小区里的歌厅深夜营业扰民。"
        )
        await feed_burst(pilot, "\x0c\x1b[B\x1b[B\r")  # Ctrl+L, ↓, ↓, Enter: 投诉
        await wait_for(
            pilot, lambda: app.screen.query_one("#kind").value == "complaint", what="投诉"
        )


async def test_keys_in_one_read_seat_name_then_ctrl_s_starts_the_shift(
    screen_platform: ScreenPlatform,
) -> None:
    from console.app import HotlineApp
    from console.screens.seat import SeatScreen

    app = HotlineApp(
        None, screen_platform.settings, opener=lambda: screen_platform, cursor_blink=False
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SeatScreen), what="seat screen")
        app.screen.query_one("#seat-name", Input).focus()
        await pilot.pause()
        await feed_burst(pilot, "王芳\x13")  # Ctrl+S right behind the name
        await wait_for(pilot, lambda: not isinstance(app.screen, SeatScreen), what="shift on")
        assert app.backend is not None and app.backend.actor.name == "王芳"


async def test_item10_at_80x24_the_footer_keeps_the_keys_that_finish_a_call() -> None:
    """A cut footer loses field shortcuts, not 派单 (80×24 is PuTTY's and Xshell's default):
    function keys are shown first, whatever the order of the bindings."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets._footer import FooterKey

    from console.widgets.footer import KeyFooter

    class Narrow(App[None]):
        BINDINGS = [
            *(Binding(f"ctrl+{c}", f"noop_{c}", "字段快捷键说明") for c in "ekltn"),
            Binding("f9", "dispatch", "派单"),
            Binding("f6", "answer", "答复结案"),
        ]

        def compose(self) -> ComposeResult:
            yield KeyFooter()

    app = Narrow()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.query(FooterKey), what="footer keys")
        keys = [k for k in app.screen.query(FooterKey) if "-command-palette" not in k.classes]
        assert [k.key for k in keys][:2] == ["f6", "f9"]
        await pilot.pause()
        visible = [k.key for k in keys if k.region.right <= 80 and k.region.width > 0]
        assert "f9" in visible and "f6" in visible, visible


async def test_item9_an_open_list_says_how_to_close_it_in_chinese(make_app: Any) -> None:
    """The kind list open: the footer said 「esc Dismiss menu」."""
    from textual.widgets import Select
    from textual.widgets._footer import FooterKey

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l")
        kind = app.screen.query_one("#kind", Select)
        await wait_for(pilot, lambda: kind.expanded, what="kind list")
        await pilot.pause(0.3)
        said = [k.description for k in app.screen.query(FooterKey)]
        assert "收起列表" in said and "Dismiss menu" not in said, said


# ---------------------------------------------------------------- item 9: a toast keeps its characters
@pytest.mark.parametrize("size", [(120, 40), (140, 45)])
async def test_item9_a_toast_over_two_panes_keeps_every_character(
    make_app: Any, screen_platform: ScreenPlatform, size: tuple[int, int]
) -> None:
    """The toast after an action lies across the ticket view's two panes: a Chinese character
    on a pane's edge was cut in two and both halves blanked (「已提交，工 已更新」 at 120×40,
    「已提 ，工单已更新」 at 140×45)."""
    from tests.screens.conftest import screen_text
    from tests.screens.test_journeys import RST_CLERK
    from tests.screens.test_queues import intake, settle
    from tests.screens.test_ticket import open_ticket

    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    app = make_app(RST_CLERK)
    async with app.run_test(size=size, notifications=True) as pilot:
        await open_ticket(pilot, app, number)
        await pilot.press("s")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        await wait_for(pilot, lambda: "已提" in screen_text(app), what="the toast")
        toast = [line for line in screen_text(app).splitlines() if "已提" in line]
        assert "已提交，工单已更新" in toast[0], toast


def test_item9_in_tmux_the_toast_keeps_every_character(
    screen_platform: ScreenPlatform, tmp_path: Any
) -> None:
    """The same toast in a real terminal (tmux), where Textual redraws only what changed:
    writing a space into either half of a wide character erases all of it."""
    import os
    import shutil
    import subprocess
    import sys
    import time

    from tests.screens.test_queues import intake

    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed here")
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")
    socket = str(tmp_path / "tmux.sock")
    env = {
        **os.environ,
        "HOTLINE_DB": screen_platform.settings.db_url,
        "HOTLINE_NOW": "2026-11-25 09:00",
        "HOTLINE_DATA_DIR": str(screen_platform.settings.data_dir),
        "HOTLINE_CONFIG": str(tmp_path / "none.toml"),
        "HOTLINE_SEAT": "经办戊:unit_clerk:hn-rst",
        "TERM": "xterm-256color",
    }
    command = f"{sys.executable} -m console; sleep 30"

    def tmux(*args: str) -> str:
        done = subprocess.run(["tmux", "-S", socket, *args], capture_output=True, text=True)
        return done.stdout

    def until(what: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = tmux("capture-pane", "-p", "-t", "hl")
            if what in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"「{what}」 never shown:\n{screen}")

    subprocess.run(
        ["tmux", "-S", socket, "-f", os.devnull, "new-session", "-d", "-s", "hl",
         "-x", "140", "-y", "45", command],
        check=True, env=env, cwd=os.getcwd(),
    )  # fmt: skip
    try:
        until("待签收")
        tmux("send-keys", "-t", "hl", "C-o")
        until("打开工单")
        tmux("send-keys", "-t", "hl", "-l", number)
        tmux("send-keys", "-t", "hl", "Enter")
        until("联系来电人")
        for attempt in range(5):  # a key before the ticket's actions have loaded does nothing
            tmux("send-keys", "-t", "hl", "s")
            try:
                until("确认签收", timeout=3.0)
                break
            except AssertionError:
                if attempt == 4:
                    raise
        tmux("send-keys", "-t", "hl", "Enter")
        screen = until("已提")
        toast = [line for line in screen.splitlines() if "已提" in line]
        assert "已提交，工单已更新" in toast[0], toast
    finally:
        tmux("kill-server")


async def test_keys_in_one_read_ctrl_n_sends_the_next_number_to_the_phone(make_app: Any) -> None:
    """Ctrl+N (a new call) and the next caller's number in one read, typed from the request
    field: the number is the phone's, not words in the request the form has just cleared."""
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await intake_focused_on(pilot, app, "#text")
        await feed_burst(pilot, "\x0e13807310004")
        assert app.screen.query_one("#caller_phone", Input).value == "13807310004"
        assert app.screen.query_one("#text", TextArea).text == ""


async def test_keys_in_one_read_ctrl_f_sends_the_words_behind_it_to_the_search(
    make_app: Any,
) -> None:
    """On the knowledge screen, Ctrl+F and the next words in one read from the result list:
    the words are the new search's, in place of the last (in the list they were keys that
    moved nothing and were lost); from the search box itself alike."""
    from console.widgets.answer_list import AnswerList

    app = make_app(Role.EXPERT)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.current_mode == "knowledge", what="knowledge")
        await wait_for(pilot, lambda: app.screen.focused is not None, what="focus")
        await pilot.press(*"医保")
        app.screen.query_one(AnswerList).focus()
        await pilot.pause()
        await feed_burst(pilot, "\x06公积金提取")
        assert app.screen.query_one("#kb-query", Input).value == "公积金提取"
        await feed_burst(pilot, "\x06社保卡")  # in the box already
        assert app.screen.query_one("#kb-query", Input).value == "社保卡"
