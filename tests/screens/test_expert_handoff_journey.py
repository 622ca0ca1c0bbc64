"""The expert hand-off journey (R-EXPERT, R-CONSULT, R-KB), pressing the keys the seats press:
an operator hands a consultation to the on-duty expert of the right field (Ctrl+S); the expert's
console opens on its queue, Enter shows the consultation with the operator's context, A answers,
K turns the answer into a draft article; the owner unit verifies it; the next operator's search
finds it."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static

from console.screens.expert_queue import ConsultationScreen, ExpertQueueScreen
from console.services.values import Role, State
from console.services.views import Actor, ExpertDraft
from console.widgets.answer_list import AnswerList
from console.widgets.dialogs import ChoiceDialog, InfoDialog, PromptDialog
from tests.screens.conftest import ScreenPlatform, screen_text, wait_for
from tests.screens.test_intake import SIZE, type_call

pytestmark = pytest.mark.anyio

CALLER = "13812345678"
ASKED = "退休以后养老保险交满多少年能领退休金，[/b]我差半年怎么办"
WANG = Actor("ex-wang", "王社保", Role.EXPERT)
ANSWER = "可以延长缴费至满十五年后按月领取基本养老金"
BASIS = "《中华人民共和国社会保险法》第十六条"
TITLE = "养老保险缴费差半年能否延长缴费"


async def test_r_expert_consultation_handed_answered_captured_verified_and_found(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    manager = screen_platform.backend(Role.MANAGER)
    wang = manager.add_expert(
        ExpertDraft("王社保", "hn-rst", ("公共服务",), ("每天 00:00-00:00",), seat="ex-wang")
    )
    manager.add_expert(  # on duty, another field: not offered for this consultation
        ExpertDraft("李住建", "hn-zjt", ("生态环境保护",), ("每天 00:00-00:00",), seat="ex-li")
    )

    # 1. the operator hands it to the on-duty expert of the field (F11)
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, CALLER, ASKED)
        await wait_for(pilot, lambda: app.screen.query_one(AnswerList).hits, what="answers")
        tried = [h.article_id for h in app.screen.query_one(AnswerList).hits]
        assert any(  # the key is bound (kept off the full footer; the palette lists it)
            b.action == "hand_to_expert" for _, b, enabled, _ in app.screen.active_bindings.values()
        )
        await pilot.press("f11")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog), what="expert dialog")
        rows = [o.id or "" for o in app.screen.query_one(OptionList).options]
        assert f"公共服务|{wang}" in rows and "公共服务|" in rows
        assert not any(r.endswith("|" + "ex-li") for r in rows)
        assert "李住建" not in screen_text(app)
        assert "答复方式：来电人同意：短信答复" in screen_text(app)  # the reply channel, not a 级别
        options = app.screen.query_one(OptionList)
        options.focus()
        while options.highlighted is None or rows[options.highlighted] != f"公共服务|{wang}":
            await pilot.press("down")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="done")
        told = screen_text(app)
        assert "请告知来电人" in told and "2026-11-26 09:00" in told  # the R-CONSULT 24 h
        await pilot.press("escape")
    operator = screen_platform.backend(Role.OPERATOR)
    [number] = [
        r.number for r in operator.tickets_by_phone(CALLER).rows
    ]  # the one ticket of this caller
    handed = operator.expert_handoff(number)
    assert handed.expert_id == wang and handed.field == "public_service"
    assert [t.split("：")[0] for t in handed.tried] == tried[:8]
    assert operator.ticket(number).state == State.CALLBACK_PROMISED

    # 2. the expert opens its queue (command palette); Enter shows the operator's context
    app = make_app(WANG)
    async with app.run_test(size=(130, 45)) as pilot:
        await wait_for(pilot, lambda: app.backend is not None, what="the platform")
        await pilot.press("ctrl+p")
        await pilot.press(*"专家队列")
        await wait_for(pilot, lambda: "专家队列（转来的咨询）" in screen_text(app), what="command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExpertQueueScreen), what="queue")
        await wait_for(pilot, lambda: app.screen.handoffs, what="queue rows")
        assert [h.number for h in app.screen.handoffs] == [number]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConsultationScreen), what="open")
        await wait_for(pilot, lambda: "话务员已查看的知识" in screen_text(app), what="painted")
        shown = screen_text(app)
        assert "[/b]我差半年怎么办" in shown  # the caller's words, literal
        assert "话务员已查看的知识" in shown and tried[0] in shown and "同意以短信答复" in shown
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="answer")
        app.screen.query_one(Input).value = ANSWER
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog)
                       and "依据" in app.screen.title_text, what="basis")  # fmt: skip
        app.screen.query_one(Input).value = BASIS
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ConsultationScreen)
                and app.screen.handoff.state == "answered"
            ),
            what="answered",
        )
        await pilot.press("k")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="capture")
        app.screen.query_one(Input).value = TITLE
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ConsultationScreen) and app.screen.handoff.article_id,
            what="captured",
        )
        article_id = app.screen.handoff.article_id
        assert article_id in str(app.screen.query_one("#consultation-status", Static).render())
    ticket = operator.ticket(number)
    assert ticket.state == State.CLOSED
    assert [e.action for e in ticket.events][-2:] == ["expert_answer", "expert_article"]
    draft = operator.article(article_id)
    assert draft.status == "draft" and draft.unit_id == "hn-rst" and draft.basis == BASIS

    # 3. the owner unit verifies it (R-KB) …
    screen_platform.backend(
        Actor("clerk-rst", "人社厅经办戊", Role.UNIT_CLERK, "hn-rst")
    ).verify_article(article_id)

    # 4. … and the next operator's search finds it, verified
    app = make_app(Actor("seat-9", "话务员丙", Role.OPERATOR))
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, "13900001111", "养老保险缴费差半年能不能延长缴费")
        await wait_for(
            pilot,
            lambda: any(h.article_id == article_id for h in app.screen.query_one(AnswerList).hits),
            what="the captured article among the answers",
        )
        hit = next(h for h in app.screen.query_one(AnswerList).hits if h.article_id == article_id)
        assert hit.status == "verified"


async def test_r_expert_a_complaint_is_not_handed_to_an_expert(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    from textual.widgets import Select

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await type_call(pilot, CALLER, "物业乱收费，投诉")
        app.screen.query_one("#kind", Select).value = "complaint"
        await pilot.pause()
        await pilot.press("f11")
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceDialog)
        assert "R-CONSULT" in app.screen._error_text and "咨询" in app.screen._error_text
