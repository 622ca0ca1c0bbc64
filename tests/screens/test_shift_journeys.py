"""Issue 13, "Done when": one shift per kind of seat, driven through the keyboard as the seat
drives it — several calls, a special incident that breaches and is escalated, a return and a
reassignment. Each journey asserts what the seat reads on the screen (in Chinese) and what was
stored (through the backend's plain views).

Only the seat under test presses keys. Where another party has to act (the unit clerk in the
operator's shift, the operator in the unit clerk's …) the test calls the backend as that party
and says so in a comment.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select
from textual.widgets import Input, OptionList, Select, Static, TextArea

from console.screens.actions import ReviewDialog, ReviewReturnDialog, UnitPicker
from console.screens.board import BoardScreen
from console.screens.queues import QueuesScreen
from console.screens.ticket import TicketScreen
from console.services.values import Kind, Role, Special, State
from console.services.views import Actor
from console.store.models import ArticleFlagRow, AuditRow, OutboxRow
from console.widgets.answer_list import AnswerList
from console.widgets.article import ArticleDialog
from console.widgets.checklist import GroundChecklist
from console.widgets.dialogs import ChoiceDialog, ConfirmDialog, InfoDialog, PromptDialog
from console.widgets.intake_form import IntakeForm
from console.widgets.ticket_table import TicketTable
from tests.screens.conftest import ScreenPlatform, Toasts, screen_text, wait_for
from tests.screens.test_intake import choice_ready, ticket_number
from tests.screens.test_issue13 import feed_burst
from tests.screens.test_queues import intake, settle, shown

pytestmark = pytest.mark.anyio

SIZE = (120, 40)
OPERATOR = Actor("seat-01", "话务员甲", Role.OPERATOR)
RST_CLERK = Actor("clerk-rst", "人社厅经办戊", Role.UNIT_CLERK, "hn-rst")
ZJT_CLERK = Actor("clerk-zjt", "住建厅经办庚", Role.UNIT_CLERK, "hn-zjt")
LEAD = Actor("lead-01", "班长丁", Role.SHIFT_LEAD)
MANAGER = Actor("mgr-01", "优化办己", Role.MANAGER)


def flat(text: str) -> str:
    """Screen text without the line breaks and padding a narrow pane puts into it."""
    return "".join(text.split())


def error_line(app: Any) -> str:
    return str(app.screen.query_one("#intake-error", Static).render())


def draft(app: Any) -> dict[str, str]:
    """The intake draft on disk now (empty when there is none)."""
    path = app.screen.drafts.path
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text("utf-8"))["fields"])


def audit(platform: ScreenPlatform, number: str) -> list[tuple[str, str]]:
    with platform.store.read() as s:
        rows = s.execute(
            select(AuditRow).where(AuditRow.target == number).order_by(AuditRow.id)
        ).scalars()
        return [(r.action, r.seat) for r in rows]


def outbox(platform: ScreenPlatform, number: str) -> list[OutboxRow]:
    with platform.store.read() as s:
        return list(
            s.execute(
                select(OutboxRow)
                .where(OutboxRow.idempotency_key.startswith(f"{number}:"))
                .order_by(OutboxRow.id)
            ).scalars()
        )


async def finish_call(pilot: Any, app: Any) -> str:
    """Confirm the dialog with Enter, read the ticket number, close the result with Enter;
    the form is then empty for the next call."""
    await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
    number = ticket_number(app.screen)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, InfoDialog), what="result closed")
    form = app.screen.query_one(IntakeForm)
    await wait_for(pilot, lambda: form.text == "", what="cleared form")
    assert form.fields()["caller_phone"] == "" and form.fields()["caller_name"] == ""
    assert app.screen.query_one(GroundChecklist).ticked is None
    assert app.focused is app.screen.query_one("#caller_phone", Input)
    await wait_for(pilot, lambda: draft(app) == {}, what="draft cleared after the call")
    return number


async def type_text(pilot: Any, text: str) -> None:
    """Type words into the focused field as the terminal delivers them (through the console's
    own parser: Pilot.press drops full-width punctuation such as 「，」 on its way)."""
    field = pilot.app.focused
    before = field.value if isinstance(field, Input) else field.text
    await feed_burst(pilot, text)
    await wait_for(
        pilot,
        lambda: (field.value if isinstance(field, Input) else field.text) == before + text,
        what=f"typed {text!r}",
    )


async def tab_to(pilot: Any, widget: Any, most: int = 8) -> None:
    """Tab (as the seat does) until ``widget`` has the focus."""
    for _ in range(most):
        if pilot.app.focused is widget:
            return
        await pilot.press("tab")
    assert pilot.app.focused is widget, pilot.app.focused


async def new_call(pilot: Any, phone: str, text: str, name: str = "") -> None:
    """Type as the operator does from the phone field: number, Tab, name, Ctrl+E, the words.

    The characters arrive as a terminal delivers a typist's burst (one read, parsed by the
    console's own terminal parser); the function keys are pressed one by one."""
    app = pilot.app
    if phone:
        await feed_burst(pilot, phone)
    if name:
        await pilot.press("tab")
        await feed_burst(pilot, name)
    await pilot.press("ctrl+e")
    await feed_burst(pilot, text)
    form = app.screen.query_one(IntakeForm)
    await wait_for(pilot, lambda: form.text == text, what="the caller's words typed")
    await wait_for(pilot, lambda: form.fields()["caller_phone"] == phone, what="the number typed")


# ====================================================================== 话务员
async def test_operator_shift_five_calls_in_a_row(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One operator, five callers, one app session: answered from the KB (F6), refused on a
    ground (Ctrl+R), a complaint dispatched (F9) to a unit chosen by typing its name, a gas leak
    reported as an urgent incident (F10) after the triage hint, a call-back promised (F7) only
    once a number is given. Between calls the form is empty and no draft of the previous caller
    is left to leak into the next."""
    app = make_app(OPERATOR)
    toasts = Toasts(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.units, what="the unit catalogue")
        answers = app.screen.query_one(AnswerList)

        # --- call 1: a consultation the knowledge base answers (F6)
        await new_call(pilot, "13812341234", "养老保险要交满多少年才能领退休金", name="王女士")
        await wait_for(pilot, lambda: answers.hits, what="KB answers")
        assert answers.highlighted_hit is not None
        assert answers.highlighted_hit.article_id == "hn-rst-001"
        assert "养老保险交满多少年才能领退休金" in flat(shown(answers))
        await wait_for(pilot, lambda: draft(app).get("caller_name") == "王女士", what="draft 1")
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="answer confirm")
        assert app.screen.title_text == "答复结案"
        assert "王女士" in app.screen.body.plain and "已校核" in app.screen.body.plain
        await pilot.press("enter")
        consulted = await finish_call(pilot, app)
        assert "已答复结案（知识库 hn-rst-001）" in toasts.text()

        # --- call 2: 撤销法院判决 — the hint names ground 2; the operator ticks it and refuses
        await new_call(pilot, "13900001111", "我想撤销法院判决，法院判错了")
        hints = app.screen.query_one("#triage-hints", Static)
        await wait_for(pilot, lambda: "第2项" in str(hints.render()), what="ground 2 hint")
        assert "王女士" not in screen_text(app)  # nothing of the previous caller is shown
        await pilot.press("ctrl+r")  # nothing ticked yet: asked to tick, the list takes focus
        await pilot.pause()
        assert "请先勾选不予受理的情形" in error_line(app)
        await pilot.press("2")
        await wait_for(pilot, lambda: "请先勾选" not in error_line(app), what="stale hint gone")
        script = str(app.screen.query_one("#ground-script", Static).render())
        assert "请向来电人宣读" in script and "第九条第（2）项" in script
        await wait_for(pilot, lambda: draft(app).get("ground") == "2", what="draft 2")
        assert draft(app)["caller_phone"] == "13900001111" and "王女士" not in draft(app).values()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="refuse confirm")
        assert "不予受理：第2项" in app.screen.body.plain
        await pilot.press("enter")
        refused = await finish_call(pilot, app)

        # --- call 3: a complaint dispatched with F9; nothing is chosen until the operator types
        await new_call(
            pilot, "13700002222", "公司拖欠工资三个月了，老板一直不接电话", name="李先生"
        )
        await pilot.press("ctrl+l")
        kind = app.screen.query_one("#kind", Select)
        await wait_for(pilot, lambda: kind.expanded, what="kind list")
        await pilot.press("down", "down", "enter")  # 咨询 求助 投诉
        await wait_for(pilot, lambda: kind.value == "complaint", what="投诉")
        assert app.screen.query_one(GroundChecklist).ticked is None  # call 2's ground is gone
        await pilot.press("ctrl+e", "f9")
        await wait_for(pilot, lambda: choice_ready(app), what="unit choice")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert dialog.title_text == "受理并派单：选择承办单位"
        assert dialog.query_one(OptionList).highlighted is None  # no preselected unit
        assert "李先生" in dialog.body.plain and "投诉" in dialog.body.plain
        await type_text(pilot, "人力资源")
        await wait_for(
            pilot, lambda: dialog.query_one(OptionList).option_count == 1, what="filtered"
        )
        await pilot.press("down", "enter")
        complaint = await finish_call(pilot, app)
        assert "已受理并派单至 省人力资源社会保障厅" in toasts.text()

        # --- call 4: a gas leak; the hint says urgent (and 119); the operator reports it (F10)
        await new_call(pilot, "13600003333", "小区三栋一楼燃气泄漏了，整栋楼都是味道")
        await wait_for(pilot, lambda: "特殊紧急" in str(hints.render()), what="urgent hint")
        hint = str(hints.render())
        assert "119" in hint and "类别建议：求助" in hint
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: kind.expanded, what="kind list")
        await pilot.press("down", "enter")  # 求助, as the hint suggests
        await wait_for(pilot, lambda: kind.value == "help", what="求助")
        await wait_for(pilot, lambda: "类别建议" not in str(hints.render()), what="hint followed")
        await pilot.press("ctrl+e", "f10")
        await wait_for(pilot, lambda: choice_ready(app), what="special dialog")
        dialog = app.screen
        assert dialog.title_text == "特殊事项：选择承办单位并立即派单"
        assert dialog.query_one(OptionList).highlighted is None
        # the caller's words say a gas leak: 特殊紧急事项 is the level offered first
        assert "特殊紧急事项（2小时内初步响应" in shown(dialog.query_one("#choice-level"))
        await type_text(pilot, "住房城乡")
        await wait_for(
            pilot, lambda: dialog.query_one(OptionList).option_count == 1, what="filtered"
        )
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        told = app.screen.body.plain
        assert "请告知来电人" in told and "初步响应" in told
        incident = await finish_call(pilot, app)

        # --- call 5: a call-back (F7) needs a number; the caller gives one
        await new_call(pilot, "", "公积金异地贷款怎么办理，需要哪些材料")
        await wait_for(pilot, lambda: answers.query_text, what="KB searched")
        await pilot.press("f7")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert "请填写来电人电话" in error_line(app) and "拒留电话" in error_line(app)
        assert app.focused is app.screen.query_one("#caller_phone", Input)
        await feed_burst(pilot, "13512340000")
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="promise")
        assert "13512340000" in app.screen.body.plain and "R-CONSULT" in app.screen.body.plain
        await pilot.press("enter")
        promised = await finish_call(pilot, app)

    # what was stored, as the manager's plain views read it
    store = screen_platform.backend(MANAGER)
    t1 = store.ticket(consulted)
    assert t1.state == State.CLOSED and t1.article_id == "hn-rst-001"
    assert t1.caller_name == "王女士"
    t2 = store.ticket(refused)
    assert t2.state == State.REFUSED and t2.refusal_ground == 2
    assert t2.caller_name == "" and "法院判决" in t2.text
    t3 = store.ticket(complaint)
    assert t3.state == State.DISPATCHED and t3.unit_id == "hn-rst" and t3.kind == Kind.COMPLAINT
    assert t3.refusal_ground is None and t3.caller_name == "李先生"
    t4 = store.ticket(incident)
    assert t4.special == Special.URGENT and t4.kind == Kind.HELP and t4.unit_id == "hn-zjt"
    assert t4.caller_name == "" and "李先生" not in t4.text
    assert {r.channel for r in outbox(screen_platform, incident)} == {
        "sms", "phone", "duty_office", "emergency",
    }  # fmt: skip
    t5 = store.ticket(promised)
    assert t5.state == State.CALLBACK_PROMISED and "13512340000".endswith(t5.caller_phone[-4:])
    assert len({consulted, refused, complaint, incident, promised}) == 5

    # the seat comes back: nothing of the five callers is restored
    again = make_app(OPERATOR)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = again.screen.query_one(IntakeForm)
        assert form.text == "" and form.fields()["caller_phone"] == ""


# ====================================================================== 专家坐席
def kb_article(app: Any) -> str:
    return flat(str(app.screen.query_one("#kb-article-body", Static).render()))


async def search_kb(pilot: Any, words: str, first: str) -> None:
    """Ctrl+F, clear the box (Ctrl+U), type the words; wait for ``first`` to be read."""
    app = pilot.app
    await pilot.press("ctrl+f", "ctrl+u")
    await type_text(pilot, words)
    await wait_for(
        pilot,
        lambda: app.screen.article is not None and app.screen.article.id == first,
        what=f"{first} shown",
    )


async def test_expert_shift_search_read_copy_flag(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The expert seat, over SSH, lands on the knowledge base: searches, reads an overdue
    article beside the results, opens a draft one in full and copies its answer (F12, through
    the terminal), then finds an article that is wrong and reports it to its owner unit."""
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.8 52000 10.0.0.1 22")  # copies go by OSC 52
    for name in ("TMUX", "STY"):
        monkeypatch.delenv(name, raising=False)
    expert = Actor("exp-01", "专家丙", Role.EXPERT)
    app = make_app(expert)
    toasts = Toasts(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        assert app.current_mode == "knowledge"
        assert app.focused is app.screen.query_one("#kb-query", Input)
        results = app.screen.query_one(AnswerList)

        # --- 公积金提取: the article beside the list says it is past its review date
        await type_text(pilot, "租房提取公积金")
        await wait_for(pilot, lambda: app.screen.article is not None, what="article")
        assert results.hits[0].article_id == "hn-gjj-001"
        shown_now = kb_article(app)
        assert "已过复核期" in shown_now and "《住房公积金管理条例》第二十四条" in shown_now
        assert "省住房公积金管理中心" in shown_now

        # --- 失业保险金: a draft; read in full (Ctrl+B), copy the answer (F12)
        await search_kb(pilot, "失业保险金怎么领", "hn-rst-003")
        await pilot.press("enter")  # from the box to the results …
        assert app.focused is results
        await pilot.press("ctrl+b")  # … and the article in full
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleDialog), what="in full")
        body = flat(str(app.screen.query_one("#article-body", Static).render()))
        assert "草稿：未经承办单位校核" in body
        article = screen_platform.backend(expert).article("hn-rst-003")
        assert flat(article.answer) in body and "《失业保险条例》第十四条" in body  # not cut
        await pilot.press("f12")
        await wait_for(pilot, lambda: not isinstance(app.screen, ArticleDialog), what="closed")
        await wait_for(pilot, lambda: "已通过终端（OSC 52）复制" in toasts.text(), what="copied")
        assert app.clipboard == article.answer.strip()

        # --- 个税汇算: the dates are wrong this year; report it (Ctrl+B, 1, a note)
        await search_kb(pilot, "个税汇算", "hn-tax-001")
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleDialog), what="in full")
        await pilot.press("1")  # 报告有误
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="note prompt")
        assert app.screen.title_text == "报告知识内容有误"
        await type_text(pilot, "今年汇算截止日期延至7月15日，答复口径仍写6月30日")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "已报告「内容有误」" in toasts.text(), what="reported")
        assert app.current_mode == "knowledge" and app.clipboard == article.answer.strip()

    with screen_platform.store.read() as s:
        flags = s.execute(select(ArticleFlagRow)).scalars().all()
        assert [(f.article_id, f.unit_id, f.problem, f.note) for f in flags] == [
            ("hn-tax-001", "hn-tax", "wrong", "今年汇算截止日期延至7月15日，答复口径仍写6月30日")
        ]
    # nothing else was flagged, and reading or copying changed no article
    assert screen_platform.backend(expert).article("hn-rst-003").status == "draft"


# ====================================================================== 值班长
def board_of(app: Any) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen), screen
    return screen


def special_incidents(platform: ScreenPlatform) -> tuple[str, str, str]:
    """The night's special incidents, as other seats left them at 09:00: an urgent chemical
    leak at 省人社厅 (wrongly, it will breach), a special outage answered in time by 住建厅,
    and a plain complaint that is not on the board."""
    # the operator's part: three calls taken on intake
    op = platform.backend(OPERATOR)
    urgent = op.accept(
        intake("化工厂管道泄漏，气味刺鼻", Kind.HELP, caller_phone="13912345678",
               incident_summary="开福区化工厂管道泄漏，约30户需疏散"),
        unit_id="hn-rst",
        special=Special.URGENT,
    )  # fmt: skip
    special = op.accept(
        intake("小区停水两天，三百户无水可用", Kind.HELP, caller_phone="13800001111"),
        unit_id="hn-zjt",
        special=Special.SPECIAL,
    )
    plain = op.accept(intake("公司拖欠工资三个月"), unit_id="hn-rst")
    # the 住建厅 clerk's part: signs and answers within the 4 h
    zjt = platform.backend(ZJT_CLERK)
    zjt.sign(special)
    zjt.first_response(special, "已派抢修队赶赴现场，预计今晚恢复供水")
    return urgent, special, plain


async def test_shift_lead_night_watch_breach_renotify_escalate_note(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lead lands on the board and watches; at 11:00:01 the urgent incident's 2 h first
    response breaches: one toast, one bell, however often the board refreshes. The lead sends
    the notices again (N), escalates to 省优化办 (G) and notes a phone call (M); the ticket's
    timeline reads all three in Chinese. The caller rings again: Ctrl+O by phone finds it."""
    urgent, special, plain = special_incidents(screen_platform)
    app = make_app(LEAD)
    toasts = Toasts(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        board = board_of(app)
        assert [i.number for i in board.items] == [urgent, special]  # nearest clock first
        summary = board.query_one("#board-summary")
        assert "在办 2 件" in shown(summary) and "已超时 0" in shown(summary)
        detail = flat(shown(board.query_one("#board-detail")))
        assert urgent in detail and "特殊紧急事项" in detail and "化工厂管道泄漏" in detail
        assert not toasts.said and toasts.bells == 0

        # 10:55: close, not yet late — nothing rings
        screen_platform.clock.advance(dt.timedelta(hours=1, minutes=55))
        await pilot.press("r")
        await settle(pilot, app)
        assert "临近时限 1" in shown(summary) and toasts.bells == 0

        # 11:00:01: the urgent incident breaches; refreshed three times, it rings once
        screen_platform.clock.advance(dt.timedelta(minutes=5, seconds=1))
        for _ in range(3):
            await pilot.press("r")
            await settle(pilot, app)
        assert [m for _, m in toasts.said] == [f"工单 {urgent} 初步响应已超时"]
        assert toasts.said[0][0] == "特殊紧急事项" and toasts.bells == 1
        assert "已超时 1" in shown(summary)

        # N: the notices again (the cursor is on the breached incident, first row)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="renotify")
        assert "省政府总值班室" in app.screen.body.plain
        await pilot.press("enter")
        await wait_for(pilot, lambda: "已重新通知（第1次）" in toasts.text(), what="re-sent")

        # G: escalate to the manager with a reason typed in the prompt
        await settle(pilot, app)
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="escalate")
        assert urgent in app.screen.title_text and "上报优化办" in app.screen.title_text
        await type_text(pilot, "超时未响应，值班电话无人接")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "已上报优化办" in toasts.text(), what="escalated")

        # M: a note of what the lead did
        await settle(pilot, app)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="note")
        await type_text(pilot, "已电话联系人社厅值班室，转应急局")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "已添加备注" in toasts.text(), what="noted")
        await settle(pilot, app)
        assert toasts.bells == 1  # still one bell for one breach

        # Enter: the ticket; its timeline says what happened, in Chinese
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen), what="ticket")
        await settle(pilot, app)
        timeline = flat(shown(app.screen.query_one("#ticket-timeline")))
        for said in (
            "重新通知班长丁·班长",
            "第几次重新通知：1",
            "上报优化办班长丁·班长",
            "理由：超时未响应，值班电话无人接",
            "上报至：省优化办",
            "第几次上报：1",
            "备注班长丁·班长",
            "备注：已电话联系人社厅值班室，转应急局",  # a note, not a reason
        ):
            assert said in timeline, (said, timeline)
        assert "renotify" not in timeline and "escalate" not in timeline
        notices = flat(shown(app.screen.query_one("#ticket-notifications")))
        assert "上报优化办" in notices
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen), what="back on board")

        # the caller rings again: Ctrl+O by the number finds the incident, masked
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="open prompt")
        await pilot.press(*"13912345678", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog), what="by phone")
        listed = "".join(t.plain for _, t in app.screen.rows)
        assert urgent in listed and "139****5678" in listed and "13912345678" not in listed
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, TicketScreen) and app.screen.number == urgent,
            what="the incident opened",
        )

    # stored: one re-send of the four notices, one escalation to the office, one note, audited
    view = screen_platform.backend(MANAGER).ticket(urgent)
    actions = [e.action for e in view.events]
    assert actions.count("renotify") == 1 and actions.count("escalate") == 1
    assert actions.count("note") == 1
    escalation = next(e for e in view.events if e.action == "escalate")
    assert escalation.actor == "班长丁" and escalation.details["to"] == "省优化办"
    rows = outbox(screen_platform, urgent)
    assert len(rows) == 4 + 4 + 1
    assert [r.target for r in rows if r.channel == "manager"] == ["省优化办"]
    assert {a for a, seat in audit(screen_platform, urgent) if seat == "lead-01"} >= {
        "renotify", "escalate", "note",
    }  # fmt: skip
    # the other incident and the plain complaint were left alone
    assert not [e for e in screen_platform.backend(MANAGER).ticket(special).events
                if e.action in ("renotify", "escalate", "note")]  # fmt: skip
    assert screen_platform.backend(MANAGER).ticket(plain).special == Special.NONE


# ====================================================================== 承办单位
async def open_from_queue(pilot: Any, app: Any, number: str, queue_key: str) -> TicketScreen:
    """From the queues screen: the queue's digit, ↓ to the ticket, Enter."""
    await settle(pilot, app)
    assert isinstance(app.screen, QueuesScreen), app.screen
    await pilot.press(queue_key)
    await settle(pilot, app)
    table = app.screen.query_one(TicketTable)
    for _ in range(table.total):
        if table.selected is not None and table.selected.number == number:
            break
        await pilot.press("down")
        await settle(pilot, app)
    assert table.selected is not None and table.selected.number == number, number
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, TicketScreen) and app.screen.number == number
    return app.screen


def tickets_for_the_clerk(platform: ScreenPlatform) -> tuple[str, str, str]:
    """What the operators sent 省人社厅 (the operator's part, through the backend): a noise
    complaint on Wednesday that nobody at 人社厅 looked at until Monday, then on Monday a
    parking-fee complaint (another unit's) and a wage arrears complaint (theirs)."""
    op = platform.backend(OPERATOR)
    stale = op.accept(intake("小区楼下工地夜间施工噪声扰民"), unit_id="hn-rst")
    platform.clock.advance(dt.timedelta(days=5))  # Wed 2026-11-25 → Mon 2026-11-30 09:00
    misdirected = op.accept(
        intake("小区物业乱收停车费，一个车位每月八百", caller_phone="13700001234"),
        unit_id="hn-rst",
    )
    wages = op.accept(
        intake("公司拖欠工资三个月，老板失联", caller_phone="13812345678", caller_name="周女士"),
        unit_id="hn-rst",
    )
    return stale, misdirected, wages


async def test_unit_clerk_shift_sign_reveal_complete_return(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """省人社厅's clerk on Monday morning: sees the queue (three tickets, one overdue), signs
    the wage complaint (S), reveals the caller's number to call her (V, a reason, audited),
    asks to close it (C); a return of it is then refused with its rule. The parking-fee
    complaint is another unit's: signed and returned (T) with reason and basis, in time. The
    noise complaint from last Wednesday is returned too, and counted as a late return."""
    stale, misdirected, wages = tickets_for_the_clerk(screen_platform)
    app = make_app(RST_CLERK)
    toasts = Toasts(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        queues = app.screen
        assert isinstance(queues, QueuesScreen)
        tabs = flat(screen_text(app))
        assert "我的工单3" in tabs and "已超期1" in tabs and "待签收3" in tabs, tabs
        assert "超期3天9时" in tabs  # the sign window of last Thursday

        # --- the wage complaint: sign, reveal the number, ask to close
        screen = await open_from_queue(pilot, app, wages, "4")  # 待签收
        header = flat(shown(screen.query_one("#ticket-header")))
        assert "待签收" in header and "周女士" in header and "13812345678" not in header
        await pilot.press("s")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "SignDialog", what="sign")
        assert "1个工作日内签收" in flat(shown(app.screen.query_one("#dialog-intro")))
        await pilot.press("enter")
        await settle(pilot, app)
        assert "办理中" in shown(screen.query_one("#ticket-header"))
        assert "已提交，工单已更新" in toasts.text()

        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="reason prompt")
        assert app.screen.title_text == "联系来电人"
        await type_text(pilot, "电话核实欠薪金额和用工单位")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="the number")
        said = app.screen.body.plain
        assert "电话：13812345678" in said and "姓名：周女士" in said and "已记入审计" in said
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, what="back on the ticket")
        assert "13812345678" not in shown(screen.query_one("#ticket-header"))

        await pilot.press("c")
        await wait_for(
            pilot, lambda: app.screen.__class__.__name__ == "CompletionDialog", what="completion"
        )
        form = app.screen
        assert form.query_one("#field-contact_date", Input).value == "2026-11-30"
        await type_text(pilot, "电话")
        await pilot.press("tab", "tab")
        assert app.focused is form.query_one("#field-handling", TextArea)
        await type_text(pilot, "已约谈用人单位，承诺本月底前结清欠薪，已电话告知周女士")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, what="completion sent")
        await settle(pilot, app)
        assert "办结待审核" in shown(screen.query_one("#ticket-header"))
        # now a return of it is refused, with the rule, and no dialog opens
        await pilot.press("t")
        await settle(pilot, app)
        assert app.screen is screen
        title, why = toasts.said[-1]
        assert title == "不能「退回」" and why.startswith("[R-RETURN]") and "办结待审核" in why
        await pilot.press("escape")
        await settle(pilot, app)

        # --- the parking-fee complaint belongs to 住建: sign it, then return it in time
        screen = await open_from_queue(pilot, app, misdirected, "4")
        await pilot.press("s")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "SignDialog", what="sign")
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("t")
        await wait_for(
            pilot, lambda: app.screen.__class__.__name__ == "ReturnDialog", what="return form"
        )
        intro = flat(shown(app.screen.query_one("#dialog-intro")))
        assert "2个工作日内退回" in intro and "写明理由和依据" in intro
        await pilot.press("ctrl+s")  # nothing typed: refused, naming the field by its label
        await settle(pilot, app)
        assert "理由：退回须注明理由" in shown(app.screen.query_one("#dialog-error"))
        await type_text(pilot, "物业收费属住建部门监管，非人社职责")
        await pilot.press("tab")
        await type_text(pilot, "《物业管理条例》第四十条")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, what="returned")
        await settle(pilot, app)
        assert "退回待审核" in shown(screen.query_one("#ticket-header"))
        timeline = flat(shown(screen.query_one("#ticket-timeline")))
        assert "退回人社厅经办戊" in timeline and "依据：《物业管理条例》第四十条" in timeline
        assert "逾期退回" not in timeline
        await pilot.press("escape")
        await settle(pilot, app)

        # --- last Wednesday's noise complaint: overdue; returned now, it counts as late
        screen = await open_from_queue(pilot, app, stale, "3")  # 已超期
        await pilot.press("t")
        await wait_for(
            pilot, lambda: app.screen.__class__.__name__ == "ReturnDialog", what="return form"
        )
        await type_text(pilot, "施工噪声属住建部门")
        await pilot.press("tab")
        await type_text(pilot, "《环境噪声污染防治法》")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, what="returned late")
        await settle(pilot, app)
        assert "逾期退回：是" in flat(shown(screen.query_one("#ticket-timeline")))
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("1")  # 我的工单: nothing left to do here but wait for the reviews
        await settle(pilot, app)
        assert app.screen.query_one(TicketTable).total == 0

    store = screen_platform.backend(MANAGER)
    w = store.ticket(wages)
    assert w.state == State.COMPLETION_REQUESTED and w.return_count == 0
    done = next(e for e in w.events if e.action == "request_completion")
    assert done.details["contact_method"] == "电话" and done.details["contact_date"] == "2026-11-30"
    assert ("reveal_contact", "clerk-rst") in audit(screen_platform, wages)
    m = store.ticket(misdirected)
    assert m.state == State.RETURN_REQUESTED and m.return_count == 1 and not m.complex
    returned = next(e for e in m.events if e.action == "return")
    assert returned.reason == "物业收费属住建部门监管，非人社职责"
    assert returned.details["late"] in (False, "False")
    s = store.ticket(stale)
    assert s.state == State.RETURN_REQUESTED
    assert next(e for e in s.events if e.action == "return").details["late"] in (True, "True")


# ====================================================================== 省优化办
def the_managers_morning(platform: ScreenPlatform) -> dict[str, str]:
    """What reaches 省优化办 on Monday by 11:10 (every party but the manager, through the
    backend): the clerk's two returns and a completion request, an urgent incident the shift
    lead escalated after its 2 h breached, and 住建厅's extension request on a water cut."""
    stale, misdirected, wages = tickets_for_the_clerk(platform)
    # the 人社厅 clerk's part
    rst = platform.backend(RST_CLERK)
    rst.sign(misdirected)
    rst.return_ticket(misdirected, "物业收费属住建部门监管，非人社职责", "《物业管理条例》")
    rst.return_ticket(stale, "施工噪声属生态环境部门", "《噪声污染防治法》")
    rst.sign(wages)
    rst.request_completion(wages, "电话", dt.date(2026, 11, 30), "已督促企业结清欠薪，来电人认可")
    # the operator's part: two special incidents at 09:00
    op = platform.backend(OPERATOR)
    urgent = op.accept(
        intake("化工厂管道泄漏，气味刺鼻", Kind.HELP,
               incident_summary="开福区化工厂管道泄漏，约30户需疏散"),
        unit_id="hn-rst",
        special=Special.URGENT,
    )  # fmt: skip
    water = op.accept(
        intake("小区停水两天，三百户无水可用", Kind.HELP), unit_id="hn-zjt", special=Special.SPECIAL
    )
    # the 住建厅 clerk's part: signed, answered in time, asks for more days
    zjt = platform.backend(ZJT_CLERK)
    zjt.sign(water)
    zjt.first_response(water, "已派抢修队赶赴现场")
    zjt.request_extension(water, 5, "主管道破裂需整段更换，材料两天后到场")
    # the shift lead's part: the urgent one breached at 11:00, escalated at 11:10
    platform.clock.advance(dt.timedelta(hours=2, minutes=10))
    platform.backend(LEAD).escalate(urgent, "超时未响应，人社厅值班电话无人接")
    return {
        "stale": stale, "misdirected": misdirected, "wages": wages,
        "urgent": urgent, "water": water,
    }  # fmt: skip


async def review_return_to(pilot: Any, app: Any, typed: str, unit_id: str, reason: str) -> None:
    """T on a returned ticket: agree (the default), type part of the new unit's name, Enter
    (the only match is chosen), the opinion, Ctrl+S."""
    await pilot.press("t")
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewReturnDialog), what="review")
    form = app.screen
    picker = form.query_one(UnitPicker)
    assert picker.value is None and "未选择" in shown(picker.query_one(".picker-chosen"))
    await pilot.press("tab")  # from 同意/不同意 to the unit filter
    await type_text(pilot, typed)
    await pilot.press("enter")
    assert picker.value == unit_id, picker.value
    assert "已选" in shown(picker.query_one(".picker-chosen"))
    assert app.focused is form.query_one("#field-reason", Input)
    await type_text(pilot, reason)
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen), what="reviewed")
    await settle(pilot, app)


async def test_manager_shift_reassign_returns_review_requests_see_escalation(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """省优化办 at 11:10: two returns to review — each reassigned (改派) to a unit the manager
    chooses by typing (nothing preselected; one Ctrl+S without a unit is refused); the wage
    completion approved; 住建厅's extension refused with a reason; then the escalated urgent
    incident found on the board, its escalation read in the timeline, and a supervision opened
    on it because its first response is overdue."""
    t = the_managers_morning(screen_platform)
    app = make_app(MANAGER)
    toasts = Toasts(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        tabs = flat(screen_text(app))
        assert "退回待审核2" in tabs and "办结待审核1" in tabs and "延期待审核1" in tabs, tabs

        # --- the parking-fee return: read why, try to send it nowhere, then to 住建厅
        screen = await open_from_queue(pilot, app, t["misdirected"], "2")
        assert "退回待审核" in shown(screen.query_one("#ticket-header"))
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewReturnDialog), what="review")
        form = app.screen
        intro = flat(shown(form.query_one("#dialog-intro")))
        assert "退回理由：物业收费属住建部门监管，非人社职责" in intro
        assert "退回单位：省人力资源社会保障厅" in intro
        await tab_to(pilot, form.query_one("#field-reason", Input))
        await type_text(pilot, "同意")
        await pilot.press("ctrl+s")  # no unit chosen: nothing is sent anywhere
        await settle(pilot, app)
        assert app.screen is form and "改派" in shown(form.query_one("#dialog-error"))
        assert app.focused is form.query_one(UnitPicker).query_one(Input)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, what="cancelled")
        await review_return_to(pilot, app, "住房城乡", "hn-zjt", "物业收费由住建部门监管")
        assert "承办单位：省住房城乡建设厅" in flat(shown(screen.query_one("#ticket-header")))
        timeline = flat(shown(screen.query_one("#ticket-timeline")))
        assert "同意退回" in timeline and "原承办单位：省人力资源社会保障厅" in timeline
        await pilot.press("escape")

        # --- the late noise return: to 生态环境厅; the timeline still says it was late
        screen = await open_from_queue(pilot, app, t["stale"], "2")
        assert "逾期退回：是" in flat(shown(screen.query_one("#ticket-timeline")))
        await review_return_to(pilot, app, "生态", "hn-sthjt", "噪声污染由生态环境部门查处")
        assert "承办单位：省生态环境厅" in flat(shown(screen.query_one("#ticket-header")))
        await pilot.press("escape")

        # --- the wage completion: read the clerk's account, approve (the default)
        screen = await open_from_queue(pilot, app, t["wages"], "3")
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewDialog), what="completion")
        intro = flat(shown(app.screen.query_one("#dialog-intro")))
        assert "沟通方式：电话" in intro and "办理情况：已督促企业结清欠薪，来电人认可" in intro
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, what="approved")
        await settle(pilot, app)
        assert "已办结" in flat(shown(screen.query_one("#ticket-header")))
        await pilot.press("escape")

        # --- 住建厅's extension: refused, with the reason the unit will read
        screen = await open_from_queue(pilot, app, t["water"], "4")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewDialog), what="extension")
        form = app.screen
        intro = flat(shown(form.query_one("#dialog-intro")))
        assert "申请延期：5个工作日" in intro and "主管道破裂需整段更换" in intro
        await pilot.press("down", "enter")  # 不同意延期
        await pilot.press("tab")
        assert app.focused is form.query_one("#field-reason", TextArea)
        await type_text(pilot, "停水事项须尽快恢复，请调配临时供水")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, what="refused")
        await settle(pilot, app)
        assert "不同意延期" in flat(shown(screen.query_one("#ticket-timeline")))
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("1")  # 我的工单: the morning's pile is done
        await settle(pilot, app)
        assert app.screen.query_one(TicketTable).total == 0

        # --- the escalated incident, on the board (F5)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen), what="board")
        await settle(pilot, app)
        board = board_of(app)
        assert board.items[0].number == t["urgent"]
        assert "已超时 1" in shown(board.query_one("#board-summary"))
        detail = flat(shown(board.query_one("#board-detail")))
        assert "上报优化办" in detail and "省优化办" in detail
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen), what="ticket")
        await settle(pilot, app)
        screen = app.screen
        timeline = flat(shown(screen.query_one("#ticket-timeline")))
        assert "上报优化办班长丁·班长" in timeline
        assert "理由：超时未响应，人社厅值班电话无人接" in timeline
        # 督办 on ground 1 (超期未办理: the first response is overdue), by written notice
        await pilot.press("u")
        await wait_for(
            pilot, lambda: app.screen.__class__.__name__ == "SupervisionDialog", what="督办"
        )
        await pilot.press("tab", "tab")
        assert app.focused is app.screen.query_one("#field-note", TextArea)
        await type_text(pilot, "请人社厅立即作出初步响应并报告处置情况")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, what="supervised")
        await settle(pilot, app)
        assert "督办中" in flat(shown(screen.query_one("#ticket-supervisions")))
        assert "已提交，工单已更新" in toasts.text()

    store = screen_platform.backend(MANAGER)
    m = store.ticket(t["misdirected"])
    assert m.state == State.DISPATCHED and m.unit_id == "hn-zjt" and m.return_count == 1
    s = store.ticket(t["stale"])
    assert s.state == State.DISPATCHED and s.unit_id == "hn-sthjt"
    assert store.ticket(t["wages"]).state == State.COMPLETED
    w = store.ticket(t["water"])
    assert w.pending == "" and w.state == State.HANDLING
    refusal = next(e for e in w.events if e.action == "extension_refused")
    assert refusal.reason == "停水事项须尽快恢复，请调配临时供水"
    u = store.ticket(t["urgent"])
    (sup,) = u.supervisions
    assert sup.ground == 1 and sup.unit_id == "hn-rst"
    # the new units were notified of nothing special: plain tickets; the urgent one's unit is
    # unchanged (the manager supervises it, does not move it)
    assert u.unit_id == "hn-rst"
