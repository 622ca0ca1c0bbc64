"""The Backend contract: one set of tests, three backends (LocalBackend on SQLite and on
PostgreSQL, RemoteBackend against a real ``hotline serve``) — the same calls, the same
results, the same exceptions with the same attributes.

The world's clock stands at Wednesday 2026-11-25 09:00 (Beijing); December 2026 has no
holidays, so 1 WD → 11-26, 5 WD → 12-02, 10 WD → 12-09, 15 WD → 12-16, 20 WD → 12-23.
Tests share one seeded platform per backend and make their own tickets; units hn-sgcc and
hn-scjgj receive tickets only in the paging and claiming tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import pytest
from sqlalchemy import func, select

from console.errors import Conflict, InputError, NotFound, PermissionDenied, RuleError
from console.services.values import Kind, Role, Satisfaction, Special, State
from console.services.views import (
    ActionView,
    ArticleDraftView,
    ArticleEditView,
    ArticleFlagView,
    ArticleHit,
    ArticleView,
    ClockView,
    ContactView,
    DuePreview,
    DuplicateView,
    EventView,
    GroundView,
    NotificationStatus,
    NotificationView,
    Page,
    PrefilingDraft,
    PrefilingScopeView,
    PrefilingView,
    ReviewDueView,
    TicketSummary,
    TicketView,
    UnitSuggestionView,
    UnitView,
)
from console.store.models import TicketRow
from tests.conftest import at
from tests.contract.harness import EARLIER_PHONE, NOW, SEATS, World, intake, twin


def eod(day: str) -> dt.datetime:
    return at(f"{day} 23:59:59")


def due_of(view: TicketView, key: str) -> dt.datetime:
    clocks = [c for c in view.clocks if c.key == key]
    assert clocks, f"no clock {key}"
    return clocks[-1].due_at


def ticket_count(world: World) -> int:
    with world.store.read() as s:
        return int(s.execute(select(func.count()).select_from(TicketRow)).scalar_one())


# ---------------------------------------------------------------- identity, clock, reference data
def test_identity_clock_and_drill(world: World) -> None:
    for key, (name, role, unit) in SEATS.items():
        actor = world.backends[key].actor
        assert (actor.name, actor.role, actor.unit_id) == (name, role, unit)
        assert isinstance(actor.role, Role)
    now = world.operator.now()
    assert now == NOW and now.tzinfo is not None
    assert world.operator.drill is True


def test_reference_data(world: World) -> None:
    units = world.operator.units()
    assert [u.id for u in units] == ["hn-rst", "hn-scjgj", "hn-sgcc", "hn-zjt"]
    assert all(isinstance(u, UnitView) and isinstance(u.keywords, tuple) for u in units)
    grounds = world.operator.grounds()
    assert [g.number for g in grounds] == list(range(1, 11))
    assert isinstance(grounds[0], GroundView) and "第九条" in grounds[4].basis
    active = world.operator.prefiling_active()
    assert [p.id for p in active] == ["pf-1"] and isinstance(active[0], PrefilingView)
    assert active[0].starts == at("2026-11-20 00:00") and active[0].keywords == ("停电",)
    assert world.operator.prefiling_active(at("2026-12-20 09:00")) == []
    preview = world.operator.due_preview("complaint")
    assert all(isinstance(p, DuePreview) for p in preview)
    dues = {p.rule: p.due for p in preview}
    assert dues["R-SIGN"] == eod("2026-11-26") and dues["R-LIMIT"] == eod("2026-12-09")
    later = world.operator.due_preview("consultation", at("2026-11-26 10:00"))
    assert {p.rule: p.due for p in later}["R-LIMIT"] == eod("2026-12-03")


# ---------------------------------------------------------------- the workflow
def test_dispatch_sign_return_twice_becomes_complex(world: World) -> None:
    w = world
    number = w.operator.accept(intake(text="公司拖欠工资，退回两次后转为疑难"))
    view = w.operator.ticket(number)
    assert view.state == State.ACCEPTED and view.unit_id is None
    w.operator.dispatch(number, "hn-rst", version=view.version)
    assert w.rst.ticket(number).state == State.DISPATCHED
    w.rst.sign(number)
    assert due_of(w.rst.ticket(number), "limit") == eod("2026-12-09")
    w.rst.return_ticket(number, "不属于本单位职责", "三定方案")
    assert w.manager.ticket(number).state == State.RETURN_REQUESTED
    w.manager.review_return(number, True, "经界定属住建部门", "hn-zjt")
    assert w.zjt.ticket(number).unit_id == "hn-zjt"
    w.zjt.return_ticket(number, "也不属于本单位", "职责清单")
    view = w.manager.ticket(number)
    assert view.complex and view.return_count == 2
    assert [e.action for e in view.events] == [
        "accept",
        "dispatch",
        "sign",
        "return",
        "return_approved",
        "dispatch",
        "return",
        "became_complex",
    ]
    w.manager.review_return(number, False, "由住建部门牵头办理")
    with pytest.raises(RuleError) as err:
        w.zjt.return_ticket(number, "还是不属于", "职责清单")
    assert err.value.rule == "R-COMPLEX"
    action = next(a for a in w.zjt.ticket(number).actions if a.action == "return")
    assert isinstance(action, ActionView) and not action.allowed and "R-COMPLEX" in action.why_not


def test_designated_lead_and_co_units(world: World) -> None:
    w = world
    number = w.operator.accept(intake(text="多部门职责交叉的欠薪与物业纠纷"))
    with pytest.raises(RuleError) as err:
        w.operator.dispatch(number, "hn-rst", ["hn-zjt"])
    assert err.value.rule == "R-COMPLEX"
    w.manager.designate_lead(number, "hn-rst", ["hn-zjt"], "涉及多个部门")
    view = w.zjt.ticket(number)
    assert view.complex and view.unit_id == "hn-rst" and view.co_unit_ids == ("hn-zjt",)
    with pytest.raises(PermissionDenied):
        w.zjt.sign(number)  # a co-unit reads, the lead unit acts
    w.rst.sign(number)


def test_refusal_keeps_ground_reason_and_basis(world: World) -> None:
    w = world
    number = w.operator.refuse(intake(text="家里着火了"), 5, reason="属于119受理范围")
    view = w.operator.ticket(number)
    assert view.state == State.REFUSED and view.refusal_ground == 5
    event = view.events[-1]
    assert event.action == "refuse" and event.reason == "属于119受理范围"
    assert "第九条第（5）项" in event.details["basis"]
    before = ticket_count(w)
    with pytest.raises(InputError) as blank:
        w.operator.refuse(intake(), 5, reason="  ")
    assert blank.value.field == "reason" and "R-REFUSAL-RECORD" in str(blank.value)
    with pytest.raises(InputError) as ground:
        w.operator.refuse(intake(), 11, reason="x")
    assert ground.value.field == "ground"
    assert ticket_count(w) == before  # nothing half-stored


def test_completion_needs_every_element_then_callback_closes(world: World) -> None:
    w = world
    number = w.operator.accept(intake(text="公司拖欠工资，申请办结"), unit_id="hn-rst")
    with pytest.raises(RuleError) as early:
        w.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "x")
    assert early.value.rule == "R-COMPLETE" and "签收" in early.value.allowed
    w.rst.sign(number)
    with pytest.raises(RuleError) as err:
        w.rst.request_completion(number, "电话", None, "")
    assert err.value.rule == "R-COMPLETE"
    assert "沟通日期" in str(err.value) and "事项办理情况" in str(err.value)
    w.rst.request_completion(number, "电话联系来电人", dt.date(2026, 11, 25), "已责令企业支付工资")
    w.manager.review_completion(number, True)
    view = w.operator.ticket(number)
    assert view.state == State.COMPLETED
    assert due_of(view, "callback_manual") == at("2026-11-28 09:00")
    w.operator.record_callback(number, Satisfaction.SATISFIED, "manual")
    view = w.operator.ticket(number)
    assert view.state == State.CLOSED and view.satisfaction == "satisfied"
    assert [e.action for e in view.events][-3:] == [
        "request_completion",
        "completion_approved",
        "callback",
    ]


def test_completion_rejected_twice_is_a_late_reply(world: World) -> None:
    w = world
    number = w.operator.accept(intake(text="拖欠工资，办结被退回两次"), unit_id="hn-rst")
    w.rst.sign(number)
    with pytest.raises(InputError) as err:
        w.rst.request_completion(number, "电话", dt.date(2026, 11, 26), "明天的沟通")
    assert err.value.field == "contact_date"
    for n in (1, 2):
        w.rst.request_completion(number, "电话", dt.date(2026, 11, 25), f"第{n}次答复")
        w.manager.review_completion(number, False, "要素不全")
    view = w.manager.ticket(number)
    assert view.late_reply and view.completion_rejections == 2 and view.state == State.HANDLING


def test_extension_caps(world: World) -> None:
    w = world
    number = w.operator.accept(intake(text="拖欠工资，申请延期"), unit_id="hn-rst")
    w.rst.sign(number)
    with pytest.raises(RuleError) as err:
        w.rst.request_extension(number, 11, "情况复杂")
    assert err.value.rule == "R-EXTEND"
    w.rst.request_extension(number, 5, "需现场核查")
    assert due_of(w.rst.ticket(number), "limit") == eod("2026-12-09")  # not until approved
    assert w.rst.ticket(number).pending == "extension"
    w.manager.review_extension(number, True, "同意")
    view = w.rst.ticket(number)
    assert due_of(view, "limit") == eod("2026-12-16") and view.pending == ""
    with pytest.raises(RuleError):
        w.rst.request_extension(number, 6, "再延")  # 5 + 6 > 10
    consult = w.operator.accept(intake(Kind.CONSULTATION, text="社保转移咨询需请示"), "hn-rst")
    w.rst.sign(consult)
    with pytest.raises(RuleError) as c:
        w.rst.request_extension(consult, 4, "需请示")
    assert c.value.rule == "R-EXTEND-CONSULT"
    w.rst.request_extension(consult, 3, "需请示")
    w.manager.review_extension(consult, False, "理由不足")
    assert w.rst.ticket(consult).pending == ""


def test_stale_version_is_a_conflict_naming_who_and_when(world: World) -> None:
    w = world
    number = w.operator.accept(intake(text="拖欠工资，两个席位同时操作"), unit_id="hn-rst")
    version = w.rst.ticket(number).version
    w.rst.sign(number, version=version)
    with pytest.raises(Conflict) as err:
        w.rst.return_ticket(number, "不属于", "职责清单", version=version)
    assert err.value.changed_by == "人社厅丙"
    assert err.value.changed_at == "2026-11-25 09:00:00"
    assert "人社厅丙" in str(err.value) and "刷新" in str(err.value)
    assert w.rst.ticket(number).state == State.HANDLING  # the stale command changed nothing


def test_termination_with_opinion_and_later_calls_refused(world: World) -> None:
    w = world
    number = w.operator.accept(intake(text="同一欠薪事项第五次反映"), unit_id="hn-rst")
    w.rst.sign(number)
    with pytest.raises(InputError) as err:
        w.rst.request_termination(number, "已办结")
    assert err.value.field == "opinion"
    w.rst.request_termination(
        number, "来电人就同一欠薪事项第五次反映，已依法作出处理决定并送达，事实清楚。"
    )
    w.manager.review_termination(number, True, "经调查事实认定清楚，依规终结")
    assert w.manager.ticket(number).state == State.TERMINATED
    with pytest.raises(RuleError) as refused:
        w.operator.accept(intake(repeat_of=number), unit_id="hn-rst")
    assert refused.value.rule == "R-TERMINATE"


def test_dissatisfied_callback_redo(world: World) -> None:
    w = world
    number = w.operator.accept(intake(text="拖欠工资，回访不满意"), unit_id="hn-rst")
    w.rst.sign(number)
    w.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已处理")
    w.manager.review_completion(number, True)
    w.operator.record_callback(number, Satisfaction.DISSATISFIED, "manual", "未联系我")
    assert w.manager.ticket(number).state == State.DISSATISFIED
    with pytest.raises(InputError) as err:
        w.manager.decide_dissatisfied(number, "ignore", "x")
    assert err.value.field == "decision"
    w.manager.decide_dissatisfied(number, "redo", "承办单位未联系来电人")
    assert w.rst.ticket(number).state == State.HANDLING


def test_consultations_answers_and_transfers(world: World) -> None:
    w = world
    on_spot = w.operator.answer(intake(Kind.CONSULTATION, text="社保关系怎么转移"), "kb-rst-002")
    view = w.operator.ticket(on_spot)
    assert view.state == State.CLOSED and view.article_id == "kb-rst-002"
    # what the operator confirmed is recorded, the caller's words reading as a complaint too
    words = intake(Kind.CONSULTATION, text="社保关系怎么转移？窗口推诿，我要投诉")
    knowingly = w.operator.answer(words, "kb-rst-002", confirmed=["reads_as_grievance"])
    answered = next(e for e in w.operator.ticket(knowingly).events if e.action == "answer")
    assert answered.details["confirmed"] == "reads_as_grievance"
    promised = w.operator.promise_callback(intake(Kind.CONSULTATION, text="社保断缴怎么补"))
    assert due_of(w.operator.ticket(promised), "consult") == at("2026-11-26 09:00")
    w.operator.answer_callback(promised, "已短信答复补缴流程")
    assert w.operator.ticket(promised).state == State.CLOSED
    with pytest.raises(RuleError) as err:
        w.operator.promise_callback(intake(Kind.COMPLAINT))
    assert err.value.rule == "R-CONSULT"
    before = ticket_count(w)
    with pytest.raises(RuleError) as back:
        w.operator.transfer(intake(), "长沙12345", target_is_city_line=True)
    assert back.value.rule == "R-SOURCE" and ticket_count(w) == before
    moved = w.operator.transfer(intake(Kind.CONSULTATION), "12333", target_is_city_line=False)
    assert w.operator.ticket(moved).events[-1].details["target"] == "12333"


def test_special_incident_first_response_and_progress(world: World) -> None:
    w = world
    with pytest.raises(RuleError) as err:
        w.operator.accept(intake(Kind.HELP, text="化工厂泄漏"), special=Special.URGENT)
    assert err.value.rule == "R-SPECIAL-REPORT"
    number = w.operator.accept(
        intake(Kind.HELP, text="全镇停水两天"), "hn-zjt", special=Special.SPECIAL
    )
    view = w.operator.ticket(number)
    assert view.special is Special.SPECIAL
    assert due_of(view, "first_response") == at("2026-11-25 13:00")
    w.zjt.first_response(number, "已派人抢修")
    w.zjt.report_progress(number, "已恢复一半供水")
    first = next(c for c in w.zjt.ticket(number).clocks if c.key == "first_response")
    assert not first.running and first.met_at == NOW
    with pytest.raises(InputError) as blank:
        w.zjt.report_progress(number, " ")
    assert blank.value.field == "note"


def test_supervision_open_extend_reply_close(world: World) -> None:
    w = world
    number = w.operator.accept(intake(text="多人多次反映欠薪未解决"), unit_id="hn-rst")
    with pytest.raises(InputError) as bad:
        w.manager.open_supervision(number, 3, "email", "多次反映")
    assert bad.value.field == "method"
    sid = w.manager.open_supervision(number, 5, "meeting", "督办会议议定")
    assert isinstance(sid, int)
    sup = w.manager.ticket(number).supervisions[0]
    assert sup.id == sid and sup.due_at == eod("2026-12-23") and sup.method == "meeting"
    with pytest.raises(RuleError):
        w.manager.extend_supervision(sid, 11, "复杂")
    w.manager.extend_supervision(sid, 10, "情况复杂")
    assert w.manager.ticket(number).supervisions[0].due_at == eod("2027-01-07")
    with pytest.raises(RuleError) as again:
        w.manager.extend_supervision(sid, 1, "再延")
    assert again.value.rule == "R-SUPERVISE-LIMIT"
    with pytest.raises(RuleError):
        w.manager.close_supervision(sid, "办结")  # no written explanation yet
    with pytest.raises(PermissionDenied):
        w.zjt.reply_supervision(sid, "不是我们的")
    w.rst.reply_supervision(sid, "已书面说明并整改")
    w.manager.close_supervision(sid, "办结")
    assert w.manager.ticket(number).supervisions[0].state == "closed"
    with pytest.raises(NotFound):
        w.manager.close_supervision(2_000_000, "x")


# ---------------------------------------------------------------- scoping and privacy
def test_unit_clerk_sees_only_its_units_tickets(world: World) -> None:
    w = world
    number = w.operator.accept(intake(text="拖欠工资，只给人社厅看"), unit_id="hn-rst")
    assert w.rst.ticket(number).number == number
    with pytest.raises(NotFound) as err:  # the same answer as for a number nobody issued
        w.zjt.ticket(number)
    with pytest.raises(NotFound) as missing:
        w.zjt.ticket("HN991231999999")
    assert type(err.value) is type(missing.value)
    with pytest.raises(NotFound):
        w.zjt.sign(number)
    for queue in ("mine", "awaiting_sign", "due_soon", "overdue"):
        rows = w.zjt.queue(queue, 0, 500).rows
        assert number not in {r.number for r in rows}
    assert number in {r.number for r in w.rst.queue("awaiting_sign", 0, 500).rows}


def test_contact_is_masked_and_revealed_with_a_reason(world: World) -> None:
    w = world
    number = w.operator.accept(
        intake(text="拖欠工资，需完整号码回访", caller_id_number="430102199001011234"),
        unit_id="hn-rst",
    )
    view = w.operator.ticket(number)
    assert view.caller_phone == "138****1234" and view.caller_id_number == "4301**********1234"
    with pytest.raises(InputError) as err:
        w.operator.reveal_contact(number, " ")
    assert err.value.field == "reason"
    contact = w.operator.reveal_contact(number, "回访需要完整号码")
    assert isinstance(contact, ContactView)
    assert contact.caller_phone == "13812341234" and contact.number == number
    with pytest.raises(NotFound):  # not the handling unit's: as for a number nobody issued
        w.zjt.reveal_contact(number, "想看看")
    with pytest.raises(PermissionDenied):
        w.supervisor.reveal_contact(number, "督办需要")


def test_claims_take_each_ticket_once(world: World) -> None:
    w = world
    numbers = {
        w.operator.accept(intake(Kind.REPORT, text=f"商品价格欺诈{i}"), unit_id="hn-scjgj")
        for i in range(2)
    }
    first = w.scj.claim_next("awaiting_sign")
    second = w.scj.claim_next("awaiting_sign")
    assert {first, second} == numbers
    assert w.scj.claim_next("awaiting_sign") is None
    assert first is not None
    w.scj.release(first)
    assert w.scj.claim_next("awaiting_sign") == first
    with pytest.raises(InputError) as err:
        w.scj.claim_next("nonsense")
    assert err.value.field == "queue"
    with pytest.raises(PermissionDenied):
        w.scj.claim_next("completions")


# ---------------------------------------------------------------- knowledge, routing, duplicates
def test_search_kb_and_articles(world: World) -> None:
    w = world
    hits = w.operator.search_kb("被拖欠工资怎么办")
    assert hits and isinstance(hits[0], ArticleHit)
    assert hits[0].article_id == "kb-rst-001" and hits[0].unit_name == "省人力资源社会保障厅"
    assert isinstance(hits[0].score, float) and isinstance(hits[0].question_spans, tuple)
    assert all(isinstance(span, tuple) for span in hits[0].snippet_spans)
    assert all(h.unit_id == "hn-zjt" for h in w.operator.search_kb("物业费", unit="hn-zjt"))
    assert len(w.operator.search_kb("工资", limit=1)) <= 1
    article = w.operator.article("kb-rst-001")
    assert isinstance(article, ArticleView) and article.effective == dt.date(2026, 1, 1)
    assert not article.review_overdue
    with pytest.raises(NotFound):
        w.operator.article("kb-none")
    w.operator.flag_article("kb-rst-001", "outdated", "仲裁时效表述已更新")
    with pytest.raises(InputError) as err:
        w.operator.flag_article("kb-rst-001", "ugly", "")
    assert err.value.field == "problem"


def test_r_kb_unit_resolves_a_report_of_its_article(world: World) -> None:
    w = world
    note = "转移渠道名称有误（契约）"
    w.operator.flag_article("kb-rst-002", "wrong", note)
    mine = w.rst.article_flags()
    assert mine and all(isinstance(f, ArticleFlagView) for f in mine)
    assert {f.unit_id for f in mine} == {"hn-rst"}
    [flag] = [f for f in mine if f.note == note]
    assert flag.article_id == "kb-rst-002" and flag.question == "社保关系怎么转移？"
    assert flag.problem == "wrong" and flag.problem_label == "内容有误"
    assert flag.flagged_by == "话务员甲" and flag.at == NOW and flag.age_days == 0
    assert flag.unit_name == "省人力资源社会保障厅"
    assert flag.id in [f.id for f in w.manager.article_flags()]
    assert flag.id not in [f.id for f in w.zjt.article_flags()]
    with pytest.raises(PermissionDenied) as refused:  # a seat that keeps no articles
        w.operator.article_flags()
    assert refused.value.rule == "R-KB"
    with pytest.raises(PermissionDenied) as refused:  # another unit's article
        w.zjt.resolve_article_flag(flag.id, "fixed", "已改")
    assert refused.value.rule == "R-KB" and "R-KB" in str(refused.value)
    with pytest.raises(PermissionDenied):
        w.operator.resolve_article_flag(flag.id, "fixed", "已改")
    with pytest.raises(InputError) as bad:
        w.rst.resolve_article_flag(flag.id, "not_wrong", "  ")
    assert bad.value.field == "note"
    with pytest.raises(InputError) as bad:
        w.rst.resolve_article_flag(flag.id, "maybe", "看过了")
    assert bad.value.field == "outcome"
    with pytest.raises(NotFound):
        w.rst.resolve_article_flag(987654321, "fixed", "已改")
    assert flag.id in [f.id for f in w.rst.article_flags()]  # nothing refused changed it
    w.rst.resolve_article_flag(flag.id, "not_wrong", "经核实渠道名称无误")
    assert flag.id not in [f.id for f in w.rst.article_flags()]
    assert flag.id not in [f.id for f in w.manager.article_flags()]
    with pytest.raises(RuleError) as again:
        w.rst.resolve_article_flag(flag.id, "fixed", "再处理一次")
    assert again.value.rule == "R-KB"


def test_r_kb_unit_verifies_an_article_and_sets_its_review_date(world: World) -> None:
    w = world
    w.operator.flag_article("kb-zjt-001", "outdated", "收费标准已调整（契约）")
    with pytest.raises(PermissionDenied) as refused:  # another unit's article
        w.rst.verify_article("kb-zjt-001")
    assert refused.value.rule == "R-KB"
    with pytest.raises(PermissionDenied):
        w.supervisor.verify_article("kb-zjt-001")
    with pytest.raises(InputError) as bad:
        w.zjt.verify_article("kb-zjt-001", dt.date(2026, 11, 25))  # not after today
    assert bad.value.field == "review_by"
    with pytest.raises(NotFound):
        w.zjt.verify_article("kb-none")
    assert any(f.article_id == "kb-zjt-001" for f in w.zjt.article_flags())
    assert w.zjt.verify_article("kb-zjt-001", dt.date(2026, 12, 10)) == 1
    assert not any(f.article_id == "kb-zjt-001" for f in w.zjt.article_flags())
    article = w.operator.article("kb-zjt-001")
    assert article.status == "verified" and article.review_by == dt.date(2026, 12, 10)
    [due] = [d for d in w.zjt.articles_due_review() if d.article_id == "kb-zjt-001"]
    assert isinstance(due, ReviewDueView) and due.days_overdue == -15  # due in 15 days
    assert due.unit_name == "省住房城乡建设厅" and due.status == "verified"
    assert "kb-zjt-001" in [d.article_id for d in w.manager.articles_due_review()]
    assert "kb-zjt-001" not in [d.article_id for d in w.rst.articles_due_review()]
    assert w.zjt.verify_article("kb-zjt-001") == 0  # nothing left open; a year on
    assert w.operator.article("kb-zjt-001").review_by == dt.date(2027, 11, 25)
    assert "kb-zjt-001" not in [d.article_id for d in w.zjt.articles_due_review()]


def test_suggest_units_and_prefiling(world: World) -> None:
    w = world
    suggestions = w.operator.suggest_units("小区停电三天了，供电公司一直不来修", k=2)
    assert 1 <= len(suggestions) <= 2
    assert all(isinstance(s, UnitSuggestionView) for s in suggestions)
    assert suggestions[0].unit_id == "hn-sgcc" and isinstance(suggestions[0].reasons, tuple)
    matched = w.operator.match_prefiling("岳阳这边停电了", "岳阳市")
    assert [p.id for p in matched] == ["pf-1"]
    assert w.operator.match_prefiling("长沙停电了", "长沙市") == []
    number = w.operator.explain_prefiled(intake(Kind.HELP, text="岳阳停电了"), "pf-1")
    assert w.operator.ticket(number).prefiling_id == "pf-1"
    with pytest.raises(InputError) as err:
        w.operator.explain_prefiled(intake(Kind.HELP, text="岳阳停电了"), "pf-none")
    assert err.value.field == "scope_id"


def test_find_duplicates_names_earlier_ticket_of_same_caller(world: World) -> None:
    found = world.operator.find_duplicates("小区电梯坏了一个多月没人修理", EARLIER_PHONE, k=5)
    assert all(isinstance(d, DuplicateView) for d in found)
    dup = next(d for d in found if d.number == world.earlier)
    assert dup.same_caller and not dup.terminated and dup.reason
    assert dup.state == State.DISPATCHED and isinstance(dup.score, float) and dup.score > 0
    others = world.operator.find_duplicates("小区电梯坏了一个多月没人修理", "13000000000", k=5)
    assert all(not d.same_caller for d in others if d.number == world.earlier)


# ---------------------------------------------------------------- queues
def test_queue_paging_and_counts(world: World) -> None:
    w = world
    numbers = [
        w.operator.accept(intake(Kind.HELP, text=f"第{i}户停电，请求抢修"), unit_id="hn-sgcc")
        for i in range(7)
    ]
    pages: list[Page] = []
    offset = 0
    while offset < 7 and len(pages) < 5:
        page = w.sgcc.queue("awaiting_sign", offset, 3)
        assert isinstance(page, Page) and page.total == 7 and page.offset == offset
        pages.append(page)
        offset += len(page.rows)
    assert [len(p.rows) for p in pages] == [3, 3, 1]
    seen = [r.number for p in pages for r in p.rows]
    assert sorted(seen) == sorted(numbers) and len(set(seen)) == 7
    row = pages[0].rows[0]
    assert isinstance(row, TicketSummary) and row.kind is Kind.HELP
    assert row.next_due == eod("2026-11-26") and row.caller == "138****1234"
    assert w.sgcc.queue("awaiting_sign", 7, 3).rows == ()
    assert w.sgcc.queue_counts(["awaiting_sign", "overdue"]) == {"awaiting_sign": 7, "overdue": 0}
    assert w.sgcc.queue_counts([]) == {}
    with pytest.raises(InputError) as bad_limit:
        w.sgcc.queue("awaiting_sign", 0, 0)
    assert bad_limit.value.field == "limit"
    with pytest.raises(InputError) as bad_queue:
        w.sgcc.queue("nonsense")
    assert bad_queue.value.field == "queue"


def test_settle_callbacks_answers_a_list(world: World) -> None:
    assert world.manager.settle_callbacks() == []  # nothing is 72 hours old at the pinned time
    for seat in (world.operator, world.rst):  # platform-wide: the manager or the system only
        with pytest.raises(PermissionDenied) as refused:
            seat.settle_callbacks()
        assert refused.value.rule == "R-SECURITY"


# ---------------------------------------------------------------- the values themselves
def test_views_are_the_frozen_dataclasses_with_aware_times_and_enums(world: World) -> None:
    w = world
    number = w.operator.accept(intake(text="拖欠工资，检查返回值类型"), unit_id="hn-rst")
    view = w.rst.ticket(number)
    assert type(view) is TicketView
    assert view.kind is Kind.COMPLAINT and isinstance(view.events, tuple)
    assert all(type(c) is ClockView and c.due_at.tzinfo is not None for c in view.clocks)
    assert all(type(e) is EventView and isinstance(e.role, Role) for e in view.events)
    assert view.created_at.tzinfo is not None and view.created_at == NOW
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.state = "closed"  # type: ignore[misc]


def test_a_screen_cannot_tell_the_transport(world: World) -> None:
    """What a backend answers equals what LocalBackend answers on the same store as the same seat."""
    w = world
    number = w.operator.accept(intake(text="拖欠工资，两种传输比对"), unit_id="hn-rst")
    w.rst.sign(number)
    for seat in (w.operator, w.rst, w.manager):
        local = twin(w, seat)
        assert seat.ticket(number) == local.ticket(number)
        assert seat.queue("mine", 0, 20) == local.queue("mine", 0, 20)
        assert seat.units() == local.units()
        assert seat.due_preview("help") == local.due_preview("help")
    local = twin(w, w.operator)
    assert _unordered_why(w.operator.search_kb("社保转移")) == _unordered_why(
        local.search_kb("社保转移")
    )
    assert w.operator.article("kb-zjt-001") == local.article("kb-zjt-001")


def _unordered_why(hits: Sequence[ArticleHit]) -> list[ArticleHit]:
    # search_explain._quoted orders equally long quotes by set iteration (hash seed), so two
    # processes may word "问题含「转移」「社保」" in either order; everything else must match.
    return [
        dataclasses.replace(h, why=tuple(sorted("".join(sorted(w)) for w in h.why))) for h in hits
    ]


# ---------------------------------------------------------------- notifications (outbox, read only)
def test_r_special_dispatch_lists_its_four_notifications_pending_masked(
    world: World,
) -> None:
    """R-SPECIAL / R-SPECIAL-REPORT: SMS and phone to the unit, duty office and emergency
    management — each listed with who and when; the caller's phone only ever masked."""
    w = world
    number = w.operator.accept(
        intake(Kind.HELP, text="全镇停水，通知记录核对"), "hn-zjt", special=Special.SPECIAL
    )
    for seat in (w.operator, w.zjt, w.manager):
        notes = seat.ticket(number).notifications
        assert all(type(n) is NotificationView for n in notes)
        assert [(n.channel, n.target_label) for n in notes] == [
            # no duty numbers registered in the test catalogue: said on each notice
            ("sms", "省住房城乡建设厅（未登记值班短信号码）"),
            ("phone", "省住房城乡建设厅（未登记值班电话）"),
            ("duty_office", "省政府总值班室（未登记值班短信号码）"),
            ("emergency", "省应急管理厅（未登记值班短信号码）"),
        ]
        assert {(n.status, n.status_label, n.attempts) for n in notes} == {
            (NotificationStatus.PENDING, "待发送", 0)
        }
        assert all(n.created_at == NOW and n.created_at.tzinfo is not None for n in notes)
        assert all(n.delivered_at is None and n.last_error == "" for n in notes)
        assert len({n.channel_label for n in notes}) == 4
    # the caller is told of an extension by SMS (R-EXTEND): their phone appears masked only
    w.zjt.sign(number)
    w.zjt.request_extension(number, 2, "管网抢修需协调多个部门")
    w.manager.review_extension(number, True, "同意延期")
    for seat in (w.zjt, w.manager, w.operator):
        view = seat.ticket(number)
        assert view.notifications[-1].channel == "sms"
        assert view.notifications[-1].target_label == "来电人 138****1234"
        assert "13812341234" not in repr(view.notifications)
        assert view == twin(w, seat).ticket(number)  # the same over either transport


def test_r_special_report_local_government_notified_when_the_operator_chose_so(
    world: World,
) -> None:
    """R-SPECIAL-REPORT (Art. 18): the notice to the incident's local government is chosen on
    intake (the API's ``notify_government``), goes to its duty SMS number, and is listed the
    same over either transport."""
    w = world
    number = w.operator.accept(
        intake(
            Kind.HELP,
            text="小区燃气管道泄漏",
            place="长沙市芙蓉区",
            incident_summary="燃气管道泄漏，已疏散一栋楼",
            notify_government=True,
        ),
        "hn-zjt",
        special=Special.URGENT,
    )
    notes = w.manager.ticket(number).notifications
    assert [(n.channel, n.target_label) for n in notes][-1] == ("government", "长沙市人民政府")
    assert notes[-1].channel_label == "通知当地政府"
    assert w.manager.ticket(number) == twin(w, w.manager).ticket(number)
    plain = w.operator.accept(intake(Kind.HELP, text="停水"), "hn-zjt", special=Special.SPECIAL)
    assert "government" not in {n.channel for n in w.manager.ticket(plain).notifications}


def test_item8_tickets_by_caller_phone(world: World) -> None:
    """Issue 13 item 8: the same look-up by caller phone, masked, over every backend."""
    w = world
    number = w.operator.accept(intake(caller_phone="13912340000"), unit_id="hn-rst")
    page = w.operator.tickets_by_phone("13912340000")
    assert [r.number for r in page.rows] == [number] and page.total == 1
    assert "13912340000" not in page.rows[0].caller
    assert w.zjt.tickets_by_phone("13912340000").rows == ()
    with pytest.raises(InputError):
        w.operator.tickets_by_phone("abc%")


# ---------------------------------------------------------------- pre-filed scopes (报备)
def test_r_prefiling_filed_reviewed_withdrawn_on_every_backend(world: World) -> None:
    """A unit files a scope (待审核), the manager approves it, intake matches it; another unit
    neither sees nor reviews it; a rejected or withdrawn scope never matches."""
    w = world
    draft = PrefilingDraft(
        title="检修停气（契约）",
        reason="special_work",
        keywords=("燃气检修",),
        region="株洲市",
        starts=at("2026-11-25 08:00"),
        ends=at("2026-11-27 18:00"),
        explanation="株洲部分片区燃气管网计划检修，11月27日18时前恢复。",
    )
    call = "株洲我家燃气检修停了好久"
    scope_id = w.zjt.file_prefiling(draft)
    mine = [s for s in w.zjt.prefiling_scopes() if s.id == scope_id]
    assert len(mine) == 1 and type(mine[0]) is PrefilingScopeView
    view = mine[0]
    assert (view.state, view.state_label, view.current) == ("pending", "待审核", False)
    assert view.filed_by == "住建厅丁" and view.filed_at == NOW and view.keywords == ("燃气检修",)
    assert view.starts.tzinfo is not None and view.reason_label == "特殊工作要求"
    assert scope_id not in [s.id for s in w.rst.prefiling_scopes()]
    assert w.operator.match_prefiling(call, "株洲市") == []
    assert scope_id in [s.id for s in w.manager.prefiling_scopes("pending")]
    with pytest.raises(PermissionDenied) as denied:
        w.zjt.review_prefiling(scope_id, True)
    assert denied.value.rule == "R-PREFILING"
    with pytest.raises(PermissionDenied):
        w.operator.prefiling_scopes()
    with pytest.raises(InputError) as bad:
        w.zjt.file_prefiling(dataclasses.replace(draft, reason="holiday"))
    assert bad.value.field == "reason"
    with pytest.raises(InputError) as bad:
        w.zjt.file_prefiling(dataclasses.replace(draft, ends=at("2026-11-24 08:00")))
    assert bad.value.field == "ends"
    with pytest.raises(InputError) as bad:
        w.manager.review_prefiling(scope_id, False, "")
    assert bad.value.field == "note"
    w.manager.review_prefiling(scope_id, True, "同意")
    [view] = [s for s in w.zjt.prefiling_scopes() if s.id == scope_id]
    assert view.state == "approved" and view.current and view.reviewed_by == "优化办乙"
    assert view.reviewed_at == NOW and view.review_note == "同意"
    assert [s.id for s in w.operator.match_prefiling(call, "株洲市")] == [scope_id]
    assert view == [s for s in twin(w, w.zjt).prefiling_scopes() if s.id == scope_id][0]
    with pytest.raises(RuleError) as again:
        w.manager.review_prefiling(scope_id, False, "再审")
    assert again.value.rule == "R-PREFILING"
    with pytest.raises(PermissionDenied):
        w.rst.withdraw_prefiling(scope_id, "不是本单位的")
    w.zjt.withdraw_prefiling(scope_id, "检修提前完成")
    assert w.operator.match_prefiling(call, "株洲市") == []
    rejected = w.zjt.file_prefiling(draft)
    w.manager.review_prefiling(rejected, False, "检修应提前公告，不属报备范围")
    [view] = [s for s in w.zjt.prefiling_scopes() if s.id == rejected]
    assert view.state == "rejected" and view.review_note == "检修应提前公告，不属报备范围"
    assert w.operator.match_prefiling(call, "株洲市") == []
    with pytest.raises(NotFound):
        w.manager.review_prefiling("pf-none", True)


def test_merge_ticket_into_a_master(world: World) -> None:
    """并单 over every backend: linked both ways, clocks stopped, refusals the same."""
    w = world
    master = w.operator.accept(intake(text="并单主工单：同一工地欠薪"), unit_id="hn-rst")
    other = w.operator.accept(
        intake(text="并单：同一工地欠薪", caller_phone="13700001111"), unit_id="hn-rst"
    )
    theirs = w.operator.accept(intake(text="并单：住建厅的工单"), unit_id="hn-zjt")
    with pytest.raises(NotFound):  # another unit's ticket: not found, as every unseen read
        w.rst.merge_ticket(other, theirs, "同一事项")
    with pytest.raises(RuleError) as err:
        w.manager.merge_ticket(master, master, "同一事项")
    assert err.value.rule == "R-ARCHIVE"
    w.rst.merge_ticket(other, master, "同一工地多名职工反映", w.rst.ticket(other).version)
    view = w.rst.ticket(other)
    assert view.state == State.MERGED.value and view.merged_into == master
    assert not any(c.running for c in view.clocks) and view.events[-1].action == "merged_into"
    assert w.manager.ticket(master).merged == (other,)
    with pytest.raises(InputError) as bad:
        w.manager.merge_ticket(other, "", "x")
    assert bad.value.field == "master"


def test_search_tickets_scoped_and_paged(world: World) -> None:
    """工单查询 over every backend: the same rows, masked, a unit sees its own."""
    w = world
    ours = w.operator.accept(intake(text="查询契约：社保断缴补缴"), unit_id="hn-rst")
    theirs = w.operator.accept(intake(text="查询契约：物业乱收费"), unit_id="hn-zjt")
    page = w.manager.search_tickets(text="查询契约", limit=1)
    assert isinstance(page, Page) and page.total == 2 and [r.number for r in page.rows] == [theirs]
    assert isinstance(page.rows[0], TicketSummary) and "13812341234" not in page.rows[0].caller
    assert [r.number for r in w.rst.search_tickets(text="查询契约").rows] == [ours]
    assert w.zjt.search_tickets(number=ours).rows == ()
    found = w.manager.search_tickets(text="查询契约", since=dt.date(2026, 11, 25), unit="hn-rst")
    assert [r.number for r in found.rows] == [ours]
    with pytest.raises(InputError) as bad:
        w.manager.search_tickets(state="nope")
    assert bad.value.field == "state"


def test_r_kb_edit_waits_for_a_cross_check_then_operators_read_it(world: World) -> None:
    """An edit is a draft (operators keep the verified text) until someone other than its
    editor verifies it; a stale save is a conflict; another unit is refused (R-KB)."""
    w = world
    new = "可在营业厅、网上国网App或湘电缴费码缴纳（契约）。"
    view = w.sgcc.article_for_edit("kb-sgcc-001")
    assert isinstance(view, ArticleEditView) and view.draft is None
    assert view.answer == "可在营业厅或网上国网App缴纳。" and view.unit_id == "hn-sgcc"
    with pytest.raises(PermissionDenied) as refused:
        w.zjt.article_for_edit("kb-sgcc-001")
    assert refused.value.rule == "R-KB"
    with pytest.raises(PermissionDenied):
        w.operator.edit_article(
            "kb-sgcc-001", view.version, "电费", new, "", (), dt.date(2027, 6, 30)
        )
    with pytest.raises(InputError) as bad:
        w.sgcc.edit_article("kb-sgcc-001", view.version, "", new, "", (), dt.date(2027, 6, 30))
    assert bad.value.field == "question"
    saved = w.sgcc.edit_article(
        "kb-sgcc-001",
        view.version,
        "电费在哪里缴纳？",
        new,
        "供电营业规则",
        ("电费", "缴费"),
        dt.date(2027, 6, 30),
    )
    assert isinstance(saved, ArticleEditView) and saved.version == view.version + 1
    assert saved.draft is not None and saved.draft.edited_by == "电力庚"
    assert saved.draft.state == "draft" and saved.history[0].state_label == "待核实"
    with pytest.raises(Conflict):  # a second editor who read the older version
        w.manager.edit_article(
            "kb-sgcc-001", view.version, "电费", "别的改法", "", (), dt.date(2027, 6, 30)
        )
    shown = w.operator.article("kb-sgcc-001")
    assert shown.answer == "可在营业厅或网上国网App缴纳。" and shown.draft_pending
    [draft] = [d for d in w.manager.article_drafts() if d.article_id == "kb-sgcc-001"]
    assert isinstance(draft, ArticleDraftView) and draft.edited_by == "电力庚"
    assert draft.version == saved.version and draft.unit_name == "国网湖南省电力有限公司"
    assert all(d.unit_id == "hn-zjt" for d in w.zjt.article_drafts())
    with pytest.raises(RuleError) as own:
        w.sgcc.verify_article("kb-sgcc-001")
    assert own.value.rule == "R-KB" and "R-KB" in str(own.value)
    assert w.manager.verify_article("kb-sgcc-001", version=saved.version) == 0
    after = w.operator.article("kb-sgcc-001")
    assert after.answer == new and after.question == "电费在哪里缴纳？"
    assert after.status == "verified" and after.verified_by == "优化办乙"
    assert after.verified_at == NOW and not after.draft_pending
    [rev] = after.history
    assert rev.edited_by == "电力庚" and rev.verified_by == "优化办乙" and rev.verified_at == NOW
    hits = w.operator.search_kb("湘电缴费码")
    assert hits and hits[0].article_id == "kb-sgcc-001" and hits[0].status == "verified"


def test_r_unit_kpi_report_scoped_to_the_seat(world: World) -> None:
    """Every seat that may read KPIs gets the same figures; a unit clerk only its own unit's."""
    from console.services.views import KpiFigure, KpiReport

    w = world
    number = w.operator.accept(intake(text="拖欠工资，考核指标"), unit_id="hn-rst")
    w.rst.sign(number)
    every = w.manager.unit_kpis("2026Q4")
    assert isinstance(every, KpiReport) and every.period == "2026Q4"
    assert every.start == dt.date(2026, 10, 1) and every.end == dt.date(2027, 1, 1)
    assert {"hn-rst", "hn-zjt"} <= {u.unit_id for u in every.units}
    [own] = w.rst.unit_kpis("2026Q4").units
    assert own.unit_id == "hn-rst" and all(isinstance(f, KpiFigure) for f in own.figures)
    assert w.supervisor.unit_kpis("2026Q4", "hn-rst").units == (own,)
    [mine] = [u for u in every.units if u.unit_id == "hn-rst"]
    assert mine == own and own.figure("response_rate").denominator >= 1
    assert [f.indicator for f in own.figures] == [
        "response_rate",
        "on_time_rate",
        "resolution_rate",
        "satisfaction_rate",
        "kb_upkeep_rate",
    ]
    with pytest.raises(PermissionDenied) as other:
        w.rst.unit_kpis("2026Q4", "hn-zjt")
    assert other.value.rule == "R-SECURITY"
    with pytest.raises(PermissionDenied):
        w.operator.unit_kpis("2026Q4")
    with pytest.raises(InputError) as bad:
        w.manager.unit_kpis("2026Q5")
    assert bad.value.field == "period"
    with pytest.raises(InputError) as unknown:
        w.manager.unit_kpis("2026", "hn-none")
    assert unknown.value.field == "unit"


def test_r_expert_measures_and_hand_offs_alike_on_every_backend(world: World) -> None:
    """An expert's first opening takes the hand-off; the list shows its clocks; the measures
    count it in its field and unit, the same on each backend; a unit clerk reads its own unit's
    measures only (R-EXPERT, R-SECURITY)."""
    from console.services.views import DurationStats, ExpertDraft, ExpertMeasures

    w = world
    expert_id = w.manager.add_expert(
        ExpertDraft("周环保", "hn-zjt", ("生态环境保护",), ("每天 00:00-00:00",), seat="周环保")
    )
    expert = w.seat("周环保", Role.EXPERT, None)
    number = w.operator.hand_to_expert(
        intake(Kind.CONSULTATION, text="装修噪声晚上几点以后不允许？"),
        "生态环境保护",
        expert_id,
        consent=True,
    )
    assert w.manager.expert_handoff(number).taken_at is None  # the manager's reading takes nothing
    assert expert.expert_handoff(number).taken_at is None  # nor does the expert's
    with pytest.raises(PermissionDenied) as refused:
        w.manager.take_handoff(number)  # only an expert takes a hand-off
    assert refused.value.rule == "R-EXPERT"
    assert expert.take_handoff(number).taken_at == NOW  # opened: the clock stands still here
    assert expert.take_handoff(number).taken_at == NOW  # a second opening changes nothing
    expert.answer_consultation(number, "晚上十点至次日六点不得进行产生噪声的装修作业。")
    [listed] = w.manager.expert_handoffs(field="生态环境保护")
    assert listed.number == number and listed.taken_at == listed.answered_at == NOW
    assert w.manager.expert_handoffs(field="生态环境保护", waiting=True) == []
    m = w.manager.expert_measures("2026-11")
    assert isinstance(m, ExpertMeasures) and m.start == dt.date(2026, 11, 1)
    [line] = [f for f in m.fields if f.label == "生态环境保护"]
    assert (line.handed, line.untaken, line.drafted, line.verified_share) == (1, 0, 0, 0.0)
    assert line.wait == line.answer == DurationStats(1, 0.0, 0.0, 0.0)
    zjt = w.zjt.expert_measures("2026-11")
    assert zjt.unit == "hn-zjt" and zjt.units == tuple(u for u in m.units if u.key == "hn-zjt")
    with pytest.raises(PermissionDenied) as other:
        w.rst.expert_measures("2026-11", "hn-zjt")
    assert other.value.rule == "R-SECURITY"
    with pytest.raises(PermissionDenied) as refused:
        w.rst.expert_handoffs()
    assert refused.value.rule == "R-EXPERT"
    with pytest.raises(InputError) as bad:
        w.manager.expert_measures("Q4")
    assert bad.value.field == "period"
