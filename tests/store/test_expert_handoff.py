"""Handing a consultation to an expert (R-EXPERT, R-CONSULT, R-KB) on SQLite and PostgreSQL:
an operator hands it to the on-duty expert of a field or to the field's queue, with what was
tried and the caller's consent; the R-CONSULT clock runs 24 h; the expert's queue holds its own
and its fields' hand-offs only; the answer closes the ticket and goes to the caller through the
outbox; the answer becomes a draft article of the expert's unit, verified by that unit, then
found by the next operator's search.

Clock: Wednesday 2026-11-25 09:00 (Beijing).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.local import LocalBackend
from console.services.values import Kind, Role, State
from console.services.views import Actor, ExpertDraft, Intake
from console.store.models import (
    ArticleRow,
    ExpertHandoffRow,
    MatterRow,
    OutboxRow,
    TicketRow,
)
from tests.conftest import at
from tests.store.conftest import Platform, intake

QUESTION = "退休后社保卡里的个人账户余额能一次性取出来吗？"


def consult(text: str = QUESTION, **kw: object) -> Intake:
    return intake(Kind.CONSULTATION, text, **kw)


@pytest.fixture
def experts(platform: Platform) -> tuple[Platform, str, str, LocalBackend, LocalBackend]:
    """王社保 (hn-rst, social insurance, on duty now) with an expert seat; 李住建 (hn-zjt,
    social management, on duty) with another."""
    p = platform
    with p.store.write() as s:
        s.add(
            MatterRow(
                id="social-insurance",
                name="社保缴费",
                domain="public_service",
                owner="hn-rst",
                describe="社会保险费的缴纳与补缴",
                terms=["社保"],
            )
        )
    wang = p.manager.add_expert(
        ExpertDraft(
            "王社保", "hn-rst", ("social-insurance",), ("每天 00:00-00:00",), seat="ex-wang"
        )  # fmt: skip
    )
    li = p.manager.add_expert(
        ExpertDraft("李住建", "hn-zjt", ("社会管理",), ("每天 00:00-00:00",), seat="ex-li")
    )
    wang_seat = p.operator.as_actor(Actor("ex-wang", "王社保", Role.EXPERT))
    li_seat = p.operator.as_actor(Actor("ex-li", "李住建", Role.EXPERT))
    return p, wang, li, wang_seat, li_seat


def test_r_expert_hand_off_starts_the_r_consult_clock_and_marks_the_ticket(experts) -> None:  # type: ignore[no-untyped-def]
    p, wang, _, _, _ = experts
    number = p.operator.hand_to_expert(
        consult(),
        "社保缴费",
        wang,
        consent=True,
        channel="sms",
        tried=["hn-rst-001"],
        ground=4,
        reasons=("关键词：社保",),
        note="来电人已问过社保局窗口",
    )
    t = p.operator.ticket(number)
    assert t.state == State.CALLBACK_PROMISED.value  # waits on the answer, as a promise does
    [clock] = [c for c in t.clocks if c.key == "consult"]
    assert clock.rule == "R-CONSULT" and clock.running
    assert clock.due_at == at("2026-11-26 09:00")  # 24 calendar hours
    [event] = [e for e in t.events if e.action == "hand_to_expert"]
    assert event.label == "转专家解答" and event.details["expert"] == "王社保"
    assert event.details["tried"] == "hn-rst-001" and event.details["field_label"] == "社保缴费"
    h = p.operator.expert_handoff(number)
    assert h.tried == ("hn-rst-001：社保关系怎么转移？",)
    assert h.ground == "第4项 情形4" and h.channel == "sms" and h.expert_name == "王社保"
    assert h.due_at == clock.due_at and h.reasons == ("关键词：社保",)
    # the operator's own answer waits: the ticket is with an expert
    with pytest.raises(RuleError) as err:
        p.operator.answer_callback(number, "我来回复")
    assert err.value.rule == "R-EXPERT"


def test_r_consult_hand_off_needs_consent_a_number_and_a_consultation(experts) -> None:  # type: ignore[no-untyped-def]
    p, wang, _, _, _ = experts

    def count() -> int:
        with p.store.read() as s:
            return int(s.execute(select(func.count()).select_from(TicketRow)).scalar_one())

    before = count()
    with pytest.raises(RuleError) as err:
        p.operator.hand_to_expert(consult(), "社保缴费", wang, consent=False)
    assert err.value.rule == "R-CONSULT"
    with pytest.raises(RuleError) as err:
        p.operator.hand_to_expert(consult(caller_phone=""), "社保缴费", wang, consent=True)
    assert err.value.rule == "R-CONSULT"
    with pytest.raises(RuleError) as err:
        p.operator.hand_to_expert(intake(), "社保缴费", wang, consent=True)  # a complaint
    assert err.value.rule == "R-CONSULT"
    with pytest.raises(InputError) as bad:
        p.operator.hand_to_expert(consult(), "天文", wang, consent=True)
    assert bad.value.field == "field"
    with pytest.raises(InputError) as bad:
        p.operator.hand_to_expert(consult(), "社保缴费", wang, consent=True, tried=["nope"])
    assert bad.value.field == "tried"
    with pytest.raises(InputError) as bad:
        p.operator.hand_to_expert(consult(), "社保缴费", wang, consent=True, channel="fax")
    assert bad.value.field == "channel"
    assert count() == before  # nothing half-stored


def test_r_expert_only_an_on_duty_expert_of_the_field(experts) -> None:  # type: ignore[no-untyped-def]
    p, wang, li, _, _ = experts
    with pytest.raises(RuleError) as err:
        p.operator.hand_to_expert(consult(), "社保缴费", li, consent=True)
    assert err.value.rule == "R-EXPERT" and "不擅长" in err.value.message
    night = p.manager.add_expert(
        ExpertDraft("赵夜班", "hn-rst", ("公共服务",), ("每天 20:00-08:00",))
    )
    with pytest.raises(RuleError) as err:
        p.operator.hand_to_expert(consult(), "社保缴费", night, consent=True)
    assert err.value.rule == "R-EXPERT" and "不在班" in err.value.message
    with pytest.raises(NotFound):
        p.operator.hand_to_expert(consult(), "社保缴费", "ex-none", consent=True)


def test_r_expert_a_unit_clerk_or_an_expert_cannot_hand_off(experts) -> None:  # type: ignore[no-untyped-def]
    p, wang, _, wang_seat, _ = experts
    for seat in (p.rst, wang_seat, p.manager):
        with pytest.raises(PermissionDenied) as err:
            seat.hand_to_expert(consult(), "社保缴费", wang, consent=True)
        assert err.value.rule == "R-EXPERT"


def test_r_expert_the_queue_holds_own_and_fields_hand_offs_soonest_due_first(experts) -> None:  # type: ignore[no-untyped-def]
    p, wang, _, wang_seat, li_seat = experts
    first = p.operator.hand_to_expert(consult(), "社保缴费", wang, consent=True)
    p.advance(hours=1)
    queued = p.operator.hand_to_expert(consult(text="社保缴费基数怎么调整？"), "社保缴费",
                                       consent=True)  # fmt: skip
    p.advance(hours=1)
    other = p.operator.hand_to_expert(consult(text="物业费怎么收？"), "社会管理", consent=True)
    assert [h.number for h in wang_seat.expert_queue()] == [first, queued]
    assert [h.number for h in li_seat.expert_queue()] == [other]
    assert [h.number for h in p.manager.expert_queue()] == [first, queued, other]
    for seat in (p.rst, p.operator):
        with pytest.raises(PermissionDenied) as err:
            seat.expert_queue()
        assert err.value.rule == "R-EXPERT"
    # another field's expert neither reads nor answers it
    for act in (
        lambda: li_seat.expert_handoff(first),
        lambda: li_seat.take_handoff(first),
        lambda: li_seat.answer_consultation(first, "可以。"),
    ):
        with pytest.raises(PermissionDenied) as err:
            act()
        assert err.value.rule == "R-EXPERT"
    # an expert seat not on the roster sees nothing
    stranger = p.operator.as_actor(Actor("ex-x", "无名", Role.EXPERT))
    assert stranger.expert_queue() == []


def test_r_consult_the_expert_answer_closes_and_goes_to_the_caller(experts) -> None:  # type: ignore[no-untyped-def]
    p, wang, _, wang_seat, _ = experts
    number = p.operator.hand_to_expert(consult(), "社保缴费", wang, consent=True, channel="phone")
    p.advance(hours=2)
    with pytest.raises(InputError) as bad:
        wang_seat.answer_consultation(number, "  ")
    assert bad.value.field == "answer"
    with pytest.raises(InputError) as bad:
        wang_seat.answer_consultation(number, "按 R-CONSULT 办")  # a rule id is not for callers
    assert bad.value.field == "answer"
    with pytest.raises(PermissionDenied):
        p.operator.answer_consultation(number, "可以。")
    wang_seat.answer_consultation(
        number, "个人账户余额不能一次性提取，按月领取。", "《社会保险法》"
    )
    t = p.operator.ticket(number)
    assert t.state == State.CLOSED.value
    [clock] = [c for c in t.clocks if c.key == "consult"]
    assert not clock.running and clock.met_at == at("2026-11-25 11:00") and not clock.overdue
    [event] = [e for e in t.events if e.action == "expert_answer"]
    assert event.reason.startswith("个人账户余额") and event.details["basis"] == "《社会保险法》"
    with p.store.read() as s:
        [msg] = s.execute(select(OutboxRow).where(OutboxRow.ticket_id == t_id(p, number))).scalars()
        assert msg.channel == "phone" and msg.target == "13812341234"
        assert (
            "个人账户余额不能一次性提取" in msg.payload["message"]
            and number in msg.payload["message"]
        )
    assert wang_seat.expert_queue() == []
    with pytest.raises(RuleError) as err:
        wang_seat.answer_consultation(number, "再答一次")
    assert err.value.rule in ("R-EXPERT", "R-CONSULT")


def test_r_consult_an_answer_in_quiet_hours_waits_for_the_morning(experts) -> None:  # type: ignore[no-untyped-def]
    p, wang, _, wang_seat, _ = experts
    number = p.operator.hand_to_expert(consult(), "社保缴费", wang, consent=True)
    p.clock.set(at("2026-11-25 23:30"))
    wang_seat.answer_consultation(number, "可以按月领取。")
    with p.store.read() as s:
        [msg] = s.execute(select(OutboxRow).where(OutboxRow.ticket_id == t_id(p, number))).scalars()
        assert msg.next_attempt_at == at("2026-11-26 08:00")


def t_id(p: Platform, number: str) -> int:
    with p.store.read() as s:
        return int(s.execute(select(TicketRow.id).where(TicketRow.number == number)).scalar_one())


def test_r_kb_the_answer_becomes_a_draft_the_owner_unit_verifies_then_search_finds(experts) -> None:  # type: ignore[no-untyped-def]
    p, wang, _, wang_seat, li_seat = experts
    number = p.operator.hand_to_expert(consult(), "社保缴费", consent=True)  # the field's queue
    with pytest.raises(RuleError) as err:
        wang_seat.capture_article(number, "退休后个人账户余额能否一次性提取")
    assert err.value.rule == "R-KB"  # not answered yet
    wang_seat.answer_consultation(number, "养老保险个人账户余额不能一次性提取，退休后按月领取养老金。",
                                  "《中华人民共和国社会保险法》第十六条")  # fmt: skip
    with pytest.raises(PermissionDenied):
        li_seat.capture_article(number, "退休后个人账户余额能否一次性提取")
    with pytest.raises(InputError) as bad:
        wang_seat.capture_article(number, "")
    assert bad.value.field == "question"
    article_id = wang_seat.capture_article(number, "退休后养老保险个人账户余额能否一次性提取")
    with pytest.raises(RuleError):
        wang_seat.capture_article(number, "再来一次")
    with p.store.read() as s:
        a = s.get(ArticleRow, article_id)
        assert a is not None and a.unit_id == "hn-rst" and a.status == "draft"
        assert a.basis == "《中华人民共和国社会保险法》第十六条" and a.updated_by == "王社保"
        assert a.answer.startswith("养老保险个人账户余额")
    [event] = [e for e in p.operator.ticket(number).events if e.action == "expert_article"]
    assert event.details["article_id"] == article_id
    assert p.operator.expert_handoff(number).article_id == article_id
    # an operator sees it only as a draft until the owner unit verifies it
    hit = next(
        h for h in p.operator.search_kb("个人账户余额一次性提取") if h.article_id == article_id
    )
    assert hit.status == "draft"
    # the owner unit finds it among its drafts waiting for the cross-check (知识维护)
    [draft] = [d for d in p.rst.article_drafts() if d.article_id == article_id]
    assert draft.question == "退休后养老保险个人账户余额能否一次性提取"
    with pytest.raises(PermissionDenied):
        p.zjt.verify_article(article_id)  # another unit's article (R-KB)
    p.rst.verify_article(article_id, review_by=dt.date(2027, 6, 30))
    assert [d for d in p.rst.article_drafts() if d.article_id == article_id] == []
    fresh = p.operator.as_actor(Actor("seat-2", "话务员乙", Role.OPERATOR))
    hit = next(h for h in fresh.search_kb("个人账户余额一次性提取") if h.article_id == article_id)
    assert hit.status == "verified"


def test_r_expert_hand_offs_are_kept_per_ticket(experts) -> None:  # type: ignore[no-untyped-def]
    p, wang, _, _, _ = experts
    p.operator.hand_to_expert(consult(), "社保缴费", wang, consent=True)
    with p.store.read() as s:
        [h] = s.execute(select(ExpertHandoffRow)).scalars()
        assert h.state == "open" and h.expert_id == wang and h.field == "social-insurance"
