"""The ticket workflow, one test per rule (R-id), on SQLite and on PostgreSQL.

The drill clock starts on Wednesday 2026-11-25 09:00 (Shanghai); December 2026 has no
holidays, so 1 WD → 11-26, 2 WD → 11-27, 5 WD → 12-02, 10 WD → 12-09, 20 WD → 12-23.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from console.errors import Conflict, InputError, NotFound, PermissionDenied, RuleError
from console.services.values import Kind, Role, Satisfaction, Source, Special, State
from console.services.views import Actor
from console.store.models import EventRow, OutboxRow, TicketRow
from tests.conftest import at
from tests.store.conftest import Platform, intake

END = dt.time(23, 59, 59)


def due_of(view, key: str) -> dt.datetime:  # type: ignore[no-untyped-def]
    running = [c for c in view.clocks if c.key == key]
    assert running, f"no clock {key}"
    return running[-1].due_at


def eod(day: str) -> dt.datetime:
    return at(f"{day} 23:59:59")


def dispatched(p: Platform, kind: Kind = Kind.COMPLAINT, unit: str = "hn-rst", **kw: object) -> str:
    return p.operator.accept(intake(kind, **kw), unit_id=unit)


# ---------------------------------------------------------------- scope and intake
def test_r_scope_accepts_around_the_clock_on_holidays(platform: Platform) -> None:
    platform.clock.set(at("2026-10-03 03:00"))  # National Day, 3 a.m.
    number = dispatched(platform)
    assert platform.operator.ticket(number).state == State.DISPATCHED


def test_r_scope_only_seats_take_calls(platform: Platform) -> None:
    with pytest.raises(PermissionDenied):
        platform.rst.accept(intake())


def test_r_scope_a_request_text_holds_twenty_thousand_characters_and_no_more(
    platform: Platform,
) -> None:
    longest = "公司拖欠工资" + "请" * (20_000 - 6)
    number = platform.operator.accept(intake(text=longest), unit_id="hn-rst")
    assert len(platform.operator.ticket(number).text) == 20_000
    with pytest.raises(InputError) as err:
        platform.operator.accept(intake(text=longest + "。"), unit_id="hn-rst")
    assert err.value.field == "text"


def test_r_kind_every_ticket_has_one_of_five_kinds(platform: Platform) -> None:
    assert {k.label for k in Kind} == {"咨询", "求助", "投诉", "举报", "意见建议"}
    for kind in Kind:
        number = platform.operator.accept(intake(kind))
        assert platform.operator.ticket(number).kind is kind


def test_r_domain_every_ticket_has_a_domain(platform: Platform) -> None:
    number = platform.operator.accept(intake())
    view = platform.operator.ticket(number)
    assert view.domain.label == "社会管理"


def test_r_source_transferred_call_never_sent_back(platform: Platform) -> None:
    with pytest.raises(RuleError) as err:
        platform.operator.transfer(
            intake(source=Source.CITY_TRANSFER), "长沙12345", target_is_city_line=True
        )
    assert err.value.rule == "R-SOURCE"
    with platform.store.read() as s:
        assert s.execute(select(TicketRow)).first() is None  # nothing half-stored


def test_r_subcentre_transfer_to_subcentre_line_allowed(platform: Platform) -> None:
    number = platform.operator.transfer(
        intake(Kind.CONSULTATION), "12333", target_is_city_line=False
    )
    view = platform.operator.ticket(number)
    assert view.state == State.CLOSED and view.events[-1].details["target"] == "12333"


def test_r_inadmissible_ten_grounds_only(platform: Platform) -> None:
    for ground in range(1, 11):
        platform.operator.refuse(intake(), ground, reason=f"属于第{ground}项")
    with pytest.raises(InputError) as err:
        platform.operator.refuse(intake(), 11, reason="x")
    assert err.value.field == "ground"


def test_r_refusal_record_keeps_ground_reason_and_basis(platform: Platform) -> None:
    number = platform.operator.refuse(intake(text="家里着火了"), 5, reason="属于119受理范围")
    view = platform.operator.ticket(number)
    assert view.state == State.REFUSED and view.refusal_ground == 5
    event = view.events[-1]
    assert event.action == "refuse" and event.reason == "属于119受理范围"
    assert "第九条第（5）项" in event.details["basis"]
    with pytest.raises(InputError, match="R-REFUSAL-RECORD"):
        platform.operator.refuse(intake(), 5, reason="  ")


# ---------------------------------------------------------------- consultation
def test_r_consult_answer_within_24_hours(platform: Platform) -> None:
    number = platform.operator.promise_callback(intake(Kind.CONSULTATION, text="社保怎么转移"))
    view = platform.operator.ticket(number)
    assert due_of(view, "consult") == at("2026-11-26 09:00")
    platform.advance(hours=25)
    assert platform.operator.ticket(number).overdue
    platform.operator.answer_callback(number, "已短信答复转移流程")
    view = platform.operator.ticket(number)
    assert view.state == State.CLOSED and view.overdue  # answered, but late: stays on record
    with pytest.raises(RuleError) as err:
        platform.operator.promise_callback(intake(Kind.COMPLAINT))
    assert err.value.rule == "R-CONSULT"


def test_r_consult_answered_on_spot_records_article(platform: Platform) -> None:
    # seed articles are drafts until their owner verifies them: the operator confirms that
    number = platform.operator.answer(intake(Kind.CONSULTATION), "hn-rst-001", confirmed=["draft"])
    view = platform.operator.ticket(number)
    assert view.state == State.CLOSED and view.article_id == "hn-rst-001"
    answered = next(e for e in view.events if e.action == "answer")
    assert answered.details["confirmed"] == "draft"


def test_r_kb_a_draft_article_answers_only_when_confirmed(platform: Platform) -> None:
    """R-KB: a draft (not verified by its owner) answers a caller only knowingly."""
    with pytest.raises(RuleError) as err:
        platform.operator.answer(intake(Kind.CONSULTATION), "hn-rst-001")
    assert err.value.rule == "R-KB" and "草稿" in str(err.value)
    with platform.store.read() as s:  # nothing stored
        assert s.execute(select(func.count()).select_from(TicketRow)).scalar_one() == 0
    with pytest.raises(InputError) as bad:
        platform.operator.answer(intake(Kind.CONSULTATION), "hn-rst-001", confirmed=["whatever"])
    assert bad.value.field == "confirmed"
    with pytest.raises(NotFound):
        platform.operator.answer(intake(Kind.CONSULTATION), "hn-none-999", confirmed=["draft"])


def test_r_kb_an_article_due_for_review_today_is_not_yet_past_it(platform: Platform) -> None:
    """R-KB: on its review date itself an article is still current (past it the next day)."""
    review_by = platform.operator.article("hn-rst-001").review_by
    platform.clock.set(at(f"{review_by.isoformat()} 23:00"))
    number = platform.operator.answer(intake(Kind.CONSULTATION), "hn-rst-001", confirmed=["draft"])
    assert platform.operator.ticket(number).state == State.CLOSED
    platform.clock.set(at(f"{(review_by + dt.timedelta(days=1)).isoformat()} 09:00"))
    with pytest.raises(RuleError) as err:
        platform.operator.answer(intake(Kind.CONSULTATION), "hn-rst-001", confirmed=["draft"])
    assert "复核期" in str(err.value)


def test_r_kb_an_article_past_review_needs_its_own_confirmation(platform: Platform) -> None:
    """R-KB: past its review date an article may be outdated; confirming "draft" is not enough."""
    platform.advance(days=365 * 3)
    with pytest.raises(RuleError) as err:
        platform.operator.answer(intake(Kind.CONSULTATION), "hn-rst-001", confirmed=["draft"])
    assert err.value.rule == "R-KB" and "复核期" in str(err.value)
    number = platform.operator.answer(
        intake(Kind.CONSULTATION), "hn-rst-001", confirmed=["draft", "review_overdue"]
    )
    assert platform.operator.ticket(number).state == State.CLOSED


# ---------------------------------------------------------------- dispatch, sign, limits
def test_r_dispatch_requests_go_to_a_unit(platform: Platform) -> None:
    with pytest.raises(RuleError) as err:
        platform.operator.answer(intake(Kind.COMPLAINT), None)
    assert err.value.rule == "R-DISPATCH"
    number = platform.operator.accept(intake())
    platform.operator.dispatch(number, "hn-rst")
    view = platform.operator.ticket(number)
    assert view.state == State.DISPATCHED and view.unit_id == "hn-rst"
    with pytest.raises(InputError) as bad:
        platform.operator.dispatch(platform.operator.accept(intake()), "no-such-unit")
    assert bad.value.field == "unit_id"
    other = platform.operator.accept(intake())
    with pytest.raises(InputError) as bad:
        platform.manager.dispatch(other, "hn-rst", ["no-such-unit"])
    assert bad.value.field == "co_unit_ids"
    assert platform.operator.ticket(other).state == State.ACCEPTED  # nothing changed


def test_r_sign_within_one_working_day(platform: Platform) -> None:
    number = dispatched(platform)
    assert due_of(platform.operator.ticket(number), "sign") == eod("2026-11-26")
    with pytest.raises(NotFound):
        platform.zjt.sign(number)  # not their ticket: as for a number nobody issued
    platform.rst.sign(number)
    view = platform.rst.ticket(number)
    assert view.state == State.HANDLING
    sign = next(c for c in view.clocks if c.key == "sign")
    assert not sign.running and sign.met_at is not None and not sign.overdue


def test_r_sign_late_is_overdue(platform: Platform) -> None:
    number = dispatched(platform)
    platform.clock.set(at("2026-11-27 08:00"))
    assert platform.operator.ticket(number).overdue


def test_r_limit_by_kind(platform: Platform) -> None:
    expected = {
        Kind.CONSULTATION: "2026-12-02",
        Kind.HELP: "2026-12-02",
        Kind.SUGGESTION: "2026-12-02",
        Kind.COMPLAINT: "2026-12-09",
        Kind.REPORT: "2026-12-09",
    }
    for kind, day in expected.items():
        number = dispatched(platform, kind)
        assert due_of(platform.operator.ticket(number), "limit") == eod(day), kind


def test_r_limit_set_by_law_overrides_default(platform: Platform) -> None:
    override = platform.operator.rules.overrides
    if not override:
        pytest.skip("no law-set override shipped in knowledge_seed/limit_overrides.toml")
    ov = override[0]
    kinds = sorted(ov.kinds) or [Kind.COMPLAINT]
    number = dispatched(platform, kinds[0], matter_type=ov.matter_type)
    clock = next(c for c in platform.operator.ticket(number).clocks if c.key == ov.part)
    assert clock.amount == ov.amount


# ---------------------------------------------------------------- returns
def test_r_return_within_two_working_days_needs_reason_and_basis(platform: Platform) -> None:
    number = dispatched(platform)
    with pytest.raises(InputError) as err:
        platform.rst.return_ticket(number, "不属于本单位职责", "")
    assert err.value.field == "basis"
    platform.rst.return_ticket(number, "不属于本单位职责", "三定方案")
    view = platform.manager.ticket(number)
    assert view.state == State.RETURN_REQUESTED and not view.late_return and not view.overdue


def test_r_return_late_counts_as_overdue(platform: Platform) -> None:
    number = dispatched(platform)
    platform.rst.sign(number)
    platform.clock.set(at("2026-11-30 10:00"))  # 3rd working day
    platform.rst.return_ticket(number, "经核实不属于本单位", "职责清单")
    view = platform.manager.ticket(number)
    assert view.late_return and view.overdue


def test_r_return_review_approved_redispatches_and_restarts_limits(platform: Platform) -> None:
    number = dispatched(platform)
    platform.advance(days=1)
    platform.rst.return_ticket(number, "属住建部门职责", "三定方案")
    with pytest.raises(PermissionDenied):
        platform.operator.review_return(number, True, "同意", "hn-zjt")
    platform.manager.review_return(number, True, "经界定属住建部门", "hn-zjt")
    view = platform.manager.ticket(number)
    assert view.state == State.DISPATCHED and view.unit_id == "hn-zjt"
    assert due_of(view, "limit") == eod("2026-12-10")  # restarted from 11-26
    limits = [c for c in view.clocks if c.key == "limit"]
    assert len(limits) == 2 and limits[-1].running
    assert not limits[0].running and limits[0].met_at is None  # the first unit's: not met


def test_r_return_review_refused_keeps_unit_and_restarts_limit(platform: Platform) -> None:
    number = dispatched(platform)
    platform.advance(days=1)
    platform.rst.return_ticket(number, "不属于本单位", "职责清单")
    platform.manager.review_return(number, False, "属于人社部门欠薪监察职责")
    view = platform.rst.ticket(number)
    assert view.state == State.HANDLING and view.unit_id == "hn-rst"
    assert due_of(view, "limit") == eod("2026-12-10")


def test_r_complex_after_two_returns(platform: Platform) -> None:
    number = dispatched(platform)
    platform.rst.return_ticket(number, "不属于本单位", "职责清单")
    platform.manager.review_return(number, True, "转住建", "hn-zjt")
    platform.zjt.return_ticket(number, "也不属于本单位", "职责清单")
    view = platform.manager.ticket(number)
    assert view.complex and view.return_count == 2
    assert any(e.action == "became_complex" for e in view.events)
    platform.manager.review_return(number, False, "由住建牵头")
    with pytest.raises(RuleError) as err:
        platform.zjt.return_ticket(number, "还是不属于", "职责清单")
    assert err.value.rule == "R-COMPLEX"
    return_action = next(a for a in platform.zjt.ticket(number).actions if a.action == "return")
    assert not return_action.allowed and "R-COMPLEX" in return_action.why_not


def test_r_complex_lead_unit_and_co_units(platform: Platform) -> None:
    number = platform.operator.accept(intake())
    with pytest.raises(RuleError) as err:
        platform.operator.dispatch(number, "hn-rst", ["hn-zjt"])
    assert err.value.rule == "R-COMPLEX"
    platform.manager.designate_lead(number, "hn-rst", ["hn-zjt"], "涉及多个部门")
    view = platform.zjt.ticket(number)  # a co-unit sees the shared ticket …
    assert view.complex and view.co_unit_ids == ("hn-zjt",)
    with pytest.raises(PermissionDenied):
        platform.zjt.sign(number)  # … but the lead unit acts on it
    with pytest.raises(NotFound):
        platform.scj.ticket(number)  # an unrelated unit sees nothing, not even the number


# ---------------------------------------------------------------- completion
def test_r_complete_requires_contact_date_and_handling(platform: Platform) -> None:
    number = dispatched(platform)
    platform.rst.sign(number)
    with pytest.raises(RuleError) as err:
        platform.rst.request_completion(number, "电话", None, "")
    assert (
        err.value.rule == "R-COMPLETE"
        and "沟通日期" in str(err.value)
        and "事项办理情况" in str(err.value)
    )
    with pytest.raises(RuleError) as err:  # the element named as the unit's form names it
        platform.rst.request_completion(number, " ", dt.date(2026, 11, 25), "已责令企业支付工资")
    assert err.value.rule == "R-COMPLETE" and "与服务对象的沟通方式" in str(err.value)
    platform.rst.request_completion(
        number, "电话联系来电人", dt.date(2026, 11, 25), "已责令企业支付工资"
    )
    platform.manager.review_completion(number, True)
    view = platform.manager.ticket(number)
    assert view.state == State.COMPLETED


def test_r_complete_reject_limit_counts_from_first_receipt(platform: Platform) -> None:
    number = dispatched(platform)  # first receipt 11-25 → 10 WD = 12-09
    platform.rst.sign(number)
    platform.clock.set(at("2026-12-04 10:00"))
    platform.rst.request_completion(number, "电话", dt.date(2026, 12, 4), "已处理")
    platform.manager.review_completion(number, False, "未写明处理结果")
    view = platform.rst.ticket(number)
    assert view.state == State.HANDLING and due_of(view, "limit") == eod("2026-12-09")


def test_r_late_reply_after_second_rejection(platform: Platform) -> None:
    number = dispatched(platform)
    platform.rst.sign(number)
    for n in (1, 2):
        platform.rst.request_completion(number, "电话", dt.date(2026, 11, 25), f"第{n}次答复")
        platform.manager.review_completion(number, False, "要素不全")
    view = platform.manager.ticket(number)
    assert view.late_reply and view.completion_rejections == 2


# ---------------------------------------------------------------- extensions
def test_r_extend_before_expiry_within_ten_days(platform: Platform) -> None:
    number = dispatched(platform)
    platform.rst.sign(number)
    with pytest.raises(RuleError) as err:
        platform.rst.request_extension(number, 11, "情况复杂")
    assert err.value.rule == "R-EXTEND"
    platform.rst.request_extension(number, 5, "需现场核查")
    assert due_of(platform.rst.ticket(number), "limit") == eod("2026-12-09")  # not until approved
    platform.manager.review_extension(number, True, "同意")
    view = platform.rst.ticket(number)
    assert due_of(view, "limit") == eod("2026-12-16") and view.pending == ""
    with pytest.raises(RuleError):
        platform.rst.request_extension(number, 6, "再延")  # 5 + 6 > 10
    with platform.store.read() as s:  # the caller is told (R-EXTEND), with the new limit
        sms = s.execute(select(OutboxRow).where(OutboxRow.channel == "sms")).scalars()
        [told] = [m for m in sms if m.payload.get("kind") != "dispatch_notice"]
        assert told.payload["message"].endswith("办理时限延至2026-12-16。")
        assert told.payload["rule"] == "R-EXTEND"  # kept in the record, not in the SMS
        assert number in told.payload["message"]


def test_r_extend_refused_after_expiry(platform: Platform) -> None:
    number = dispatched(platform)
    platform.rst.sign(number)
    platform.clock.set(at("2026-12-10 09:00"))
    with pytest.raises(RuleError) as err:
        platform.rst.request_extension(number, 2, "来不及")
    assert err.value.rule == "R-EXTEND"


def test_r_extend_consult_at_most_three_days(platform: Platform) -> None:
    number = dispatched(platform, Kind.CONSULTATION)
    platform.rst.sign(number)
    with pytest.raises(RuleError) as err:
        platform.rst.request_extension(number, 4, "需请示")
    assert err.value.rule == "R-EXTEND-CONSULT"
    platform.rst.request_extension(number, 3, "需请示")


def test_r_extend_refusal_names_the_pending_request(platform: Platform) -> None:
    """A request while one is pending is refused naming it (延期, 终结); a review with none
    pending says there is none to review — the two messages are not interchangeable."""
    number = dispatched(platform)
    platform.rst.sign(number)
    platform.rst.request_extension(number, 2, "需现场核查")
    with pytest.raises(RuleError) as again:
        platform.rst.request_extension(number, 2, "再延")
    assert again.value.rule == "R-EXTEND"
    assert again.value.message == "工单有待审核的延期申请，不能「申请延期」"
    with pytest.raises(RuleError) as complete:
        platform.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已办理")
    assert complete.value.message == "工单有待审核的延期申请，不能「申请办结」"
    with pytest.raises(RuleError) as wrong:
        platform.manager.review_termination(number, True, "同意")
    assert wrong.value.rule == "R-TERMINATE"
    assert wrong.value.message == "工单没有待审核的终结申请"
    platform.manager.review_extension(number, True, "同意")
    with pytest.raises(RuleError) as none:
        platform.manager.review_extension(number, True, "再同意")
    assert none.value.rule == "R-EXTEND" and none.value.message == "工单没有待审核的延期申请"
    platform.rst.request_termination(number, "来电人诉求超出政策规定，已多次解释说明并依法答复。")
    with pytest.raises(RuleError) as pending:
        platform.rst.request_extension(number, 2, "再延")
    assert pending.value.message == "工单有待审核的终结申请，不能「申请延期」"


# ---------------------------------------------------------------- termination, pre-filing
def test_r_terminate_with_opinion_and_later_calls_refused(platform: Platform) -> None:
    number = dispatched(platform)
    platform.rst.sign(number)
    with pytest.raises(InputError) as err:
        platform.rst.request_termination(number, "已办结")
    assert err.value.field == "opinion"
    platform.rst.request_termination(
        number, "来电人就同一欠薪事项第五次反映，已依法作出处理决定并送达，事实清楚。"
    )
    platform.manager.review_termination(number, True, "经调查事实认定清楚，依规终结")
    assert platform.manager.ticket(number).state == State.TERMINATED
    with pytest.raises(RuleError) as refused:
        platform.operator.accept(intake(repeat_of=number), unit_id="hn-rst")
    assert refused.value.rule == "R-TERMINATE"
    platform.operator.refuse(intake(repeat_of=number), 4, reason="已终结事项，无新情况")


def test_r_terminate_an_opinion_of_exactly_the_least_length_is_detailed_enough(
    platform: Platform,
) -> None:
    number = dispatched(platform)
    platform.rst.sign(number)
    with pytest.raises(InputError):
        platform.rst.request_termination(number, "经" * 19)
    platform.rst.request_termination(number, "经" * 20)
    assert platform.manager.ticket(number).pending == "termination"


def test_an_unknown_or_malformed_ticket_number_is_refused_by_name(platform: Platform) -> None:
    with pytest.raises(NotFound):
        platform.rst.sign("HN000000000000")
    with pytest.raises(InputError) as err:
        platform.rst.sign("HN\x00261203000001")  # a NUL would break PostgreSQL's query
    assert err.value.field == "number"


def test_r_prefiling_explained_within_scope_only(platform: Platform) -> None:
    number = platform.operator.explain_prefiled(intake(Kind.HELP, text="岳阳停电了"), "pf-1")
    assert platform.operator.ticket(number).prefiling_id == "pf-1"
    platform.clock.set(at("2026-12-20 09:00"))
    with pytest.raises(RuleError) as err:
        platform.operator.explain_prefiled(intake(Kind.HELP, text="岳阳停电了"), "pf-1")
    assert err.value.rule == "R-PREFILING"


# ---------------------------------------------------------------- special incidents
def test_r_special_four_hours_and_three_working_days(platform: Platform) -> None:
    number = platform.operator.accept(
        intake(Kind.HELP, text="全镇停水两天"), "hn-zjt", special=Special.SPECIAL
    )
    view = platform.operator.ticket(number)
    assert due_of(view, "first_response") == at("2026-11-25 13:00")
    assert due_of(view, "progress") == eod("2026-11-30")
    platform.advance(hours=3)
    platform.zjt.first_response(number, "已派人抢修")
    fr = next(c for c in platform.zjt.ticket(number).clocks if c.key == "first_response")
    assert not fr.running and not fr.overdue


def test_r_special_urgent_two_hours_and_two_working_days(platform: Platform) -> None:
    number = platform.operator.accept(
        intake(Kind.HELP, text="山体滑坡"), "hn-zjt", special=Special.URGENT
    )
    view = platform.operator.ticket(number)
    assert due_of(view, "first_response") == at("2026-11-25 11:00")
    assert due_of(view, "progress") == eod("2026-11-27")
    platform.advance(hours=2, minutes=1)
    assert platform.operator.ticket(number).overdue


def test_r_special_report_notifies_unit_duty_office_and_emergency(platform: Platform) -> None:
    with pytest.raises(RuleError) as err:
        platform.operator.accept(intake(Kind.HELP), special=Special.URGENT)
    assert err.value.rule == "R-SPECIAL-REPORT"
    platform.operator.accept(intake(Kind.HELP, text="化工厂泄漏"), "hn-zjt", special=Special.URGENT)
    with platform.store.read() as s:
        rows = {r.channel: r.payload for r in s.execute(select(OutboxRow)).scalars()}
    assert {"sms", "phone", "duty_office", "emergency"} <= set(rows)
    # each says which ticket, how urgent, and by when the unit must respond (2 h: 11:00)
    assert "特殊紧急事项工单" in rows["sms"]["message"]
    assert "请于11-25 11:00前反馈初步响应（R-SPECIAL-URGENT）" in rows["sms"]["message"]
    assert rows["duty_office"]["message"].endswith("初步响应时限11-25 11:00（R-SPECIAL-REPORT）")
    assert "化工厂" not in str(rows)  # a caller's words go to nobody outside the platform


# ---------------------------------------------------------------- call-backs
def completed(p: Platform) -> str:
    number = dispatched(p)
    p.rst.sign(number)
    p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已处理")
    p.manager.review_completion(number, True)
    return number


def test_r_callback_24h_automatic_72h_manual(platform: Platform) -> None:
    number = completed(platform)
    view = platform.operator.ticket(number)
    assert due_of(view, "callback_auto") == at("2026-11-26 09:00")
    assert due_of(view, "callback_manual") == at("2026-11-28 09:00")
    platform.operator.record_callback(number, Satisfaction.SATISFIED, "manual")
    view = platform.operator.ticket(number)
    assert view.state == State.CLOSED and view.satisfaction == "satisfied"


def test_r_default_satisfied_no_rating_in_72_hours(platform: Platform) -> None:
    number = completed(platform)
    system = platform.operator.as_actor(Actor("system", "系统", Role.SYSTEM))
    system.record_callback(number, None, "auto")
    platform.advance(hours=71)
    assert system.settle_callbacks() == []
    platform.advance(hours=2)
    assert system.settle_callbacks() == [number]
    view = platform.operator.ticket(number)
    assert view.state == State.CLOSED and view.satisfaction == "basic"


def test_r_default_satisfied_after_unanswered_manual_calls(platform: Platform) -> None:
    number = completed(platform)
    for _ in range(3):
        platform.operator.record_callback(number, None, "manual")
    assert platform.operator.ticket(number).satisfaction == "basic"


def test_r_redo_restarts_limit_and_calls_back_again(platform: Platform) -> None:
    number = completed(platform)
    platform.operator.record_callback(number, Satisfaction.DISSATISFIED, "manual", "未联系我")
    assert platform.manager.ticket(number).state == State.DISSATISFIED
    platform.advance(days=1)
    platform.manager.decide_dissatisfied(number, "redo", "承办单位未联系来电人")
    view = platform.rst.ticket(number)
    assert view.state == State.HANDLING and due_of(view, "limit") == eod("2026-12-10")
    platform.rst.request_completion(number, "上门", dt.date(2026, 11, 26), "重新处理完毕")
    platform.manager.review_completion(number, True)
    assert platform.operator.ticket(number).state == State.COMPLETED  # a new call-back follows


def test_r_dissatisfied_outcomes_close_when_beyond_law(platform: Platform) -> None:
    number = completed(platform)
    platform.operator.record_callback(number, Satisfaction.DISSATISFIED, "manual")
    platform.manager.decide_dissatisfied(number, "close", "诉求超出法律法规规定")
    assert platform.manager.ticket(number).state == State.CLOSED


def test_r_archive_events_are_kept(platform: Platform) -> None:
    number = completed(platform)
    platform.operator.record_callback(number, Satisfaction.SATISFIED, "manual")
    view = platform.operator.ticket(number)
    actions = [e.action for e in view.events]
    assert actions == [
        "accept",
        "dispatch",
        "sign",
        "request_completion",
        "completion_approved",
        "callback",
    ]
    assert all(e.actor and e.at for e in view.events)


# ---------------------------------------------------------------- supervision
def test_r_supervise_when_grounds_are_checked(platform: Platform) -> None:
    number = dispatched(platform)
    with pytest.raises(RuleError) as err:
        platform.manager.open_supervision(number, 1, "written", "超期未办")
    assert err.value.rule == "R-SUPERVISE-WHEN"
    platform.clock.set(at("2026-12-10 09:00"))  # limit passed
    platform.supervisor.open_supervision(number, 1, "written", "超期未办理，请书面说明")
    with pytest.raises(PermissionDenied):
        platform.rst.open_supervision(number, 5, "written", "x")


def test_r_supervise_how_forms_ticket_and_uploads(platform: Platform) -> None:
    number = dispatched(platform)
    with pytest.raises(InputError) as err:
        platform.manager.open_supervision(number, 3, "email", "多次反映")
    assert err.value.field == "method"
    platform.manager.open_supervision(number, 3, "onsite", "多人多次反映")
    with platform.store.read() as s:
        assert s.execute(
            select(OutboxRow).where(OutboxRow.channel == "supervision_platform")
        ).first()
    assert platform.manager.ticket(number).supervisions[0].method == "onsite"


def test_r_supervise_limit_twenty_days_one_extension(platform: Platform) -> None:
    number = dispatched(platform)
    sid = platform.manager.open_supervision(number, 5, "meeting", "督办会议议定")
    sup = platform.manager.ticket(number).supervisions[0]
    assert sup.due_at == eod("2026-12-23")
    with pytest.raises(RuleError):
        platform.manager.extend_supervision(sid, 11, "复杂")
    platform.manager.extend_supervision(sid, 10, "情况复杂")
    assert platform.manager.ticket(number).supervisions[0].due_at == eod("2027-01-07")
    with pytest.raises(RuleError) as err:
        platform.manager.extend_supervision(sid, 1, "再延")
    assert err.value.rule == "R-SUPERVISE-LIMIT"
    with pytest.raises(RuleError):
        platform.manager.close_supervision(sid, "办结")  # no written explanation yet
    platform.rst.reply_supervision(sid, "已书面说明并整改")
    platform.manager.close_supervision(sid, "办结")
    assert platform.manager.ticket(number).supervisions[0].state == "closed"


def test_r_supervise_when_only_the_supervised_unit_explains_and_refusals_say_what_is_left(
    platform: Platform,
) -> None:
    """督办说明 is the supervised unit's alone (another unit, the manager: refused with
    R-SUPERVISE-WHEN); 督办延期/督办办结 are the manager's and the supervisor's (a unit: refused
    with R-SUPERVISE-LIMIT); a rule refusal lists the supervision actions still open."""
    p = platform
    number = dispatched(p)
    sid = p.manager.open_supervision(number, 5, "written", "请书面说明")
    for seat in (p.zjt, p.manager):
        with pytest.raises(PermissionDenied) as denied:
            seat.reply_supervision(sid, "代为说明")
        assert denied.value.rule == "R-SUPERVISE-WHEN"
        assert denied.value.message == "只有被督办单位可以书面说明"
    with pytest.raises(PermissionDenied) as denied:
        p.rst.extend_supervision(sid, 2, "需协调")
    assert denied.value.rule == "R-SUPERVISE-LIMIT"
    assert denied.value.message == "只有管理部门可以批准督办延期"
    with pytest.raises(PermissionDenied) as denied:
        p.rst.close_supervision(sid, "已办结")
    assert denied.value.message == "只有管理部门可以办结督办"
    with pytest.raises(RuleError) as early:
        p.manager.close_supervision(sid, "办结")  # no written explanation yet
    assert early.value.rule == "R-SUPERVISE-WHEN" and early.value.allowed == "督办延期"
    p.supervisor.extend_supervision(sid, 2, "需协调")
    with pytest.raises(RuleError) as twice:
        p.manager.extend_supervision(sid, 1, "再延")
    assert twice.value.rule == "R-SUPERVISE-LIMIT" and twice.value.allowed == ""
    p.rst.reply_supervision(sid, "已书面说明并整改")
    with pytest.raises(RuleError) as again:
        p.manager.extend_supervision(sid, 1, "再延")
    assert again.value.message == "督办事项只能延期1次" and again.value.allowed == "督办办结"
    actions = {a.action: a for a in p.manager.ticket(number).actions}
    assert actions["close_supervision"].allowed and actions["close_supervision"].targets == (sid,)
    assert not actions["extend_supervision"].allowed
    p.supervisor.close_supervision(sid, "办结")
    assert p.manager.ticket(number).supervisions[0].state == "closed"


# ---------------------------------------------------------------- concurrency and errors
def test_stale_write_names_who_changed_it(platform: Platform) -> None:
    number = dispatched(platform)
    version = platform.rst.ticket(number).version
    platform.rst.sign(number, version=version)
    with pytest.raises(Conflict) as err:
        platform.rst.return_ticket(number, "x", "y", version=version)
    assert "人社厅丙" in str(err.value)


def test_rule_error_says_what_is_allowed(platform: Platform) -> None:
    number = dispatched(platform)
    with pytest.raises(RuleError) as err:
        platform.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "x")
    assert err.value.rule == "R-COMPLETE" and "签收" in err.value.allowed


def test_every_event_has_an_actor(platform: Platform) -> None:
    completed(platform)
    with platform.store.read() as s:
        events = s.execute(select(EventRow)).scalars().all()
    assert events and all(e.actor and e.role for e in events)


def test_r_special_feedback_offered_only_on_special_tickets(platform: Platform) -> None:
    ordinary = dispatched(platform)
    action = next(a for a in platform.rst.ticket(ordinary).actions if a.action == "first_response")
    assert not action.allowed and "R-SPECIAL" in action.why_not
    with pytest.raises(RuleError) as err:
        platform.rst.first_response(ordinary, "已响应")
    assert err.value.rule == "R-SPECIAL"
    special = platform.operator.accept(
        intake(Kind.HELP, text="停水"), "hn-rst", special=Special.SPECIAL
    )
    action = next(a for a in platform.rst.ticket(special).actions if a.action == "first_response")
    assert action.allowed


def test_r_archive_recordings_kept_at_least_twelve_months(platform: Platform) -> None:
    from console.services.tickets.archive import add_recording, release_recordings

    rules = platform.operator.rules
    old = add_recording(platform.store, None, "rec://a", at("2025-11-24 10:00"))
    young = add_recording(platform.store, None, "rec://b", at("2025-11-26 10:00"))
    assert release_recordings(platform.store, platform.clock.now(), rules) == [old]
    assert release_recordings(platform.store, at("2026-11-26 10:00"), rules) == [young]
    from console.services.backend import Backend

    assert not [
        m for m in dir(Backend) if "delete" in m or "purge" in m
    ]  # tickets are never deleted


def _allowed(err: pytest.ExceptionInfo[RuleError]) -> set[str]:
    return set(err.value.allowed.split("、"))


def test_r_special_refusal_lists_no_special_actions_on_ordinary_ticket(platform: Platform) -> None:
    special_feedback = {"反馈初步响应", "反馈处理进度"}
    ordinary = dispatched(platform)
    with pytest.raises(RuleError) as err:
        platform.rst.request_completion(ordinary, "电话", dt.date(2026, 11, 25), "x")
    assert err.value.rule == "R-COMPLETE"
    assert "签收" in _allowed(err) and not special_feedback & _allowed(err)
    greyed = next(a for a in platform.rst.ticket(ordinary).actions if a.action == "sign")
    assert greyed.allowed  # the list the screen shows agrees with the use case
    refused = next(
        a for a in platform.rst.ticket(ordinary).actions if a.action == "request_completion"
    )
    assert "可以：" in refused.why_not and "反馈初步响应" not in refused.why_not
    special = platform.operator.accept(
        intake(Kind.HELP, text="停水"), "hn-rst", special=Special.SPECIAL
    )
    with pytest.raises(RuleError) as err:
        platform.rst.request_completion(special, "电话", dt.date(2026, 11, 25), "x")
    assert special_feedback <= _allowed(err)


def test_r_complex_refusal_lists_no_return(platform: Platform) -> None:
    number = dispatched(platform)
    platform.rst.sign(number)
    with pytest.raises(RuleError) as err:
        platform.rst.sign(number)
    assert "退回" in _allowed(err)  # an ordinary ticket in handling may still be returned
    platform.manager.designate_lead(number, "hn-rst", ["hn-zjt"], "多部门职责交叉")
    with pytest.raises(RuleError) as err:
        platform.rst.sign(number)
    assert err.value.rule == "R-SIGN"
    assert "退回" not in _allowed(err) and "申请办结" in _allowed(err)
    with pytest.raises(RuleError) as refused:
        platform.rst.return_ticket(number, "不属于本厅职责", "三定方案")
    assert refused.value.rule == "R-COMPLEX"


def test_r_complex_refusals_list_exactly_what_this_unit_may_do(platform: Platform) -> None:
    """The 「可以：」 of a state refusal is exactly the actions this seat may take now: its own
    role's, the lead unit's only for the lead, 协办反馈 only for a co-unit, none that wait on
    no pending request, none while a request is pending."""
    p = platform
    nothing = "（当前无可执行操作）"
    number = dispatched(p)
    with pytest.raises(RuleError) as err:
        p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "x")
    assert _allowed(err) == {"签收", "退回", "申请延期"}
    p.rst.sign(number)
    p.rst.request_extension(number, 2, "需现场核查")
    with pytest.raises(RuleError) as err:
        p.rst.sign(number)
    assert err.value.rule == "R-SIGN" and err.value.allowed == nothing  # the extension waits
    p.manager.review_extension(number, True, "同意")
    p.manager.designate_lead(number, "hn-rst", ["hn-zjt"], "多部门职责交叉")
    with pytest.raises(RuleError) as err:
        p.rst.sign(number)
    assert _allowed(err) == {"申请办结", "申请延期", "终结备案申请"}  # no 退回, no 协办反馈
    p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已处理")
    p.manager.review_completion(number, True)
    p.operator.record_callback(number, Satisfaction.DISSATISFIED, "manual", "未解决")
    assert p.manager.ticket(number).state == State.DISSATISFIED
    with pytest.raises(RuleError) as err:
        p.zjt.report_co_part(number, "已派员现场核查")
    assert err.value.rule == "R-COMPLEX"
    assert err.value.allowed == nothing  # 终结备案申请 is the lead unit's, not the co-unit's
    with pytest.raises(RuleError) as err:
        p.rst.sign(number)
    assert _allowed(err) == {"终结备案申请"}


def test_r_supervise_limit_a_closed_supervision_takes_no_more_actions(platform: Platform) -> None:
    number = dispatched(platform)
    sid = platform.manager.open_supervision(number, 5, "written", "请书面说明")
    platform.rst.reply_supervision(sid, "已书面说明")
    with pytest.raises(RuleError) as again:
        platform.rst.reply_supervision(sid, "再次说明")
    assert again.value.rule == "R-SUPERVISE-WHEN" and "督办办结" not in again.value.allowed
    platform.manager.close_supervision(sid, "办结")
    for call in (
        lambda: platform.manager.extend_supervision(sid, 5, "复杂"),
        lambda: platform.manager.close_supervision(sid, "再办结"),
        lambda: platform.rst.reply_supervision(sid, "补充"),
    ):
        with pytest.raises(RuleError) as err:
            call()
        assert err.value.rule == "R-SUPERVISE-LIMIT"
    sup = platform.manager.ticket(number).supervisions[0]
    assert sup.reply == "已书面说明" and not sup.extended and sup.state == "closed"
    actions = {a.action: a for a in platform.manager.ticket(number).actions}
    assert not actions["extend_supervision"].allowed
    assert "[R-SUPERVISE-LIMIT] 督办工单已办结" in actions["close_supervision"].why_not


def test_r_complex_a_co_unit_takes_none_of_the_lead_units_actions(platform: Platform) -> None:
    """A co-unit (配合单位) reads the lead unit's ticket and records its part, but signs,
    returns, responds, applies for completion, extension or termination only as the lead
    unit may: each is refused as another unit's action (R-SECURITY), not on the state."""
    p = platform
    number = p.operator.accept(
        intake(Kind.HELP, text="小区停水两天，涉及供水和物业"), "hn-rst", special=Special.SPECIAL
    )
    p.manager.designate_lead(number, "hn-rst", ["hn-zjt"], "涉及多个部门")
    attempts = {
        "sign": lambda: p.zjt.sign(number),
        "return": lambda: p.zjt.return_ticket(number, "不归我们管", "三定方案"),
        "first_response": lambda: p.zjt.first_response(number, "已到场"),
        "report_progress": lambda: p.zjt.report_progress(number, "已恢复一半"),
    }
    for name, attempt in attempts.items():
        with pytest.raises(PermissionDenied) as err:
            attempt()
        assert err.value.rule == "R-SECURITY", name
    p.rst.sign(number)
    p.rst.first_response(number, "已到场处置")
    later = {
        "request_completion": lambda: p.zjt.request_completion(
            number, "电话", dt.date(2026, 11, 25), "已处理"
        ),
        "request_extension": lambda: p.zjt.request_extension(number, 2, "需协调"),
        "request_termination": lambda: p.zjt.request_termination(
            number, "诉求人要求超出政策规定" * 3
        ),
    }
    for name, attempt in later.items():
        with pytest.raises(PermissionDenied) as err:
            attempt()
        assert err.value.rule == "R-SECURITY", name
    assert p.zjt.ticket(number).state == State.HANDLING.value  # nothing changed by the co-unit


def test_r_special_renotify_and_a_note_stay_on_the_timeline(platform: Platform) -> None:
    """R-SPECIAL: the shift lead's 重新通知 and 备注 are events of the ticket (who, when, what)."""
    lead = platform.operator.as_actor(Actor("lead-1", "班长庚", Role.SHIFT_LEAD))
    number = platform.operator.accept(
        intake(Kind.HELP, text="全镇停水两天"), "hn-zjt", special=Special.SPECIAL
    )
    assert lead.renotify(number, "一小时未反馈") == 1
    lead.add_note(number, "已电话联系住建厅值班室")
    events = platform.operator.ticket(number).events
    renotified = next(e for e in events if e.action == "renotify")
    assert renotified.reason == "一小时未反馈" and renotified.details["resend"] == "1"
    assert renotified.actor == "班长庚"
    noted = next(e for e in events if e.action == "note")
    assert noted.reason == "已电话联系住建厅值班室" and noted.actor == "班长庚"


def test_r_sign_stops_the_return_clock_without_meeting_it(platform: Platform) -> None:
    """Signing ends the unit's chance to return (R-SIGN, R-RETURN): the return clock stops, not
    met; the sign clock is met."""
    number = dispatched(platform)
    platform.rst.sign(number)
    clocks = {c.key: c for c in platform.manager.ticket(number).clocks}
    assert not clocks["return"].running and clocks["return"].met_at is None
    assert not clocks["sign"].running and clocks["sign"].met_at is not None


def test_r_dispatch_a_dispatched_ticket_is_not_dispatched_again(platform: Platform) -> None:
    number = dispatched(platform)
    with pytest.raises(RuleError) as err:
        platform.operator.dispatch(number, "hn-zjt")
    assert err.value.rule == "R-DISPATCH"
    assert platform.manager.ticket(number).unit_id == "hn-rst"


def test_r_complete_a_complaint_without_a_number_is_not_accepted(platform: Platform) -> None:
    """The unit must talk to the caller and the ticket is called back (R-COMPLETE): no number
    and no refusal on record, no ticket."""
    with pytest.raises(RuleError) as err:
        platform.operator.accept(intake(caller_phone=""), unit_id="hn-rst")
    assert err.value.rule == "R-COMPLETE"
    number = platform.operator.accept(intake(caller_phone="", phone_declined=True), "hn-rst")
    assert platform.manager.ticket(number).state == State.DISPATCHED


def terminated(platform: Platform) -> str:
    number = dispatched(platform)
    platform.rst.sign(number)
    platform.rst.request_termination(
        number, "来电人就同一欠薪事项第五次反映，已依法作出处理决定并送达，事实清楚。"
    )
    platform.manager.review_termination(number, True, "经调查事实认定清楚，依规终结")
    return number


def test_r_terminate_a_terminated_matter_is_neither_answered_nor_promised_a_call_back(
    platform: Platform,
) -> None:
    number = terminated(platform)
    consultation = intake(Kind.CONSULTATION, repeat_of=number)
    with pytest.raises(RuleError) as answered:
        platform.operator.answer(consultation, None, "已当场答复")
    assert answered.value.rule == "R-TERMINATE"
    with pytest.raises(RuleError) as promised:
        platform.operator.promise_callback(consultation)
    assert promised.value.rule == "R-TERMINATE"


def test_r_scope_a_repeat_of_is_looked_up_only_for_a_seat_that_takes_calls(
    platform: Platform,
) -> None:
    """A unit clerk is refused before the number is looked up (it learns nothing of which
    numbers exist); bad input is named before the look-up too; an operator is told the number
    does not exist."""
    with pytest.raises(PermissionDenied) as refused:
        platform.rst.accept(intake(repeat_of="HN000000000000"), unit_id="hn-rst")
    assert refused.value.rule == "R-SCOPE"
    with pytest.raises(InputError) as bad:
        platform.operator.accept(intake(text="", repeat_of="HN000000000000"), unit_id="hn-rst")
    assert bad.value.field == "text"
    with pytest.raises(InputError) as unknown:
        platform.operator.accept(intake(repeat_of="HN000000000000"), unit_id="hn-rst")
    assert unknown.value.field == "repeat_of"


def test_r_consult_a_promised_call_back_needs_a_number_and_is_on_the_timeline(
    platform: Platform,
) -> None:
    with pytest.raises(RuleError) as err:
        platform.operator.promise_callback(intake(Kind.CONSULTATION, caller_phone=""))
    assert err.value.rule == "R-CONSULT"
    number = platform.operator.promise_callback(intake(Kind.CONSULTATION), "查询后回复")
    [event] = [e for e in platform.manager.ticket(number).events if e.action == "promise_callback"]
    assert event.reason == "查询后回复"


def test_r_scope_only_a_call_taking_seat_refuses_or_answers_a_call(platform: Platform) -> None:
    with pytest.raises(PermissionDenied) as refused:
        platform.rst.refuse(intake(), 9, "骚扰电话")
    assert refused.value.rule == "R-SCOPE"
    with pytest.raises(PermissionDenied):
        platform.manager.answer(intake(Kind.CONSULTATION), None, "已当场答复")


def test_r_return_needs_a_reason_and_stops_the_units_clocks(platform: Platform) -> None:
    """A return names its reason (and basis); it meets the sign and return clocks (the unit
    responded in time) and stops the handling limit unmet; the manager's review names its own
    reason, and an approval names another unit (R-RETURN, R-RETURN-REVIEW)."""
    number = dispatched(platform)
    with pytest.raises(InputError) as no_reason:
        platform.rst.return_ticket(number, "  ", "三定方案")
    assert no_reason.value.field == "reason"
    platform.rst.return_ticket(number, "不属本单位职责", "三定方案")
    clocks = {c.key: c for c in platform.manager.ticket(number).clocks}
    assert not clocks["sign"].running and clocks["sign"].met_at is not None
    assert not clocks["return"].running and clocks["return"].met_at is not None
    assert not clocks["limit"].running and clocks["limit"].met_at is None
    with pytest.raises(InputError) as no_review_reason:
        platform.manager.review_return(number, True, " ", new_unit_id="hn-zjt")
    assert no_review_reason.value.field == "reason"
    with pytest.raises(InputError) as same_unit:
        platform.manager.review_return(number, True, "属人社职责", new_unit_id="hn-rst")
    assert same_unit.value.field == "new_unit_id"
    assert platform.manager.ticket(number).state == State.RETURN_REQUESTED


def test_r_return_review_is_on_the_timeline_either_way(platform: Platform) -> None:
    """Approved: 「同意退回」 with the reason, the ticket goes to the named unit (an unknown one is
    refused naming new_unit_id). Refused: 「不同意退回」 with the reason, back to handling at the
    unit that returned it (R-RETURN-REVIEW)."""
    approved, refused = dispatched(platform), dispatched(platform)
    for number in (approved, refused):
        platform.rst.return_ticket(number, "不属本单位职责", "三定方案")
    with pytest.raises(InputError) as unknown:
        platform.manager.review_return(approved, True, "属住建职责", new_unit_id="hn-none")
    assert unknown.value.field == "new_unit_id"
    platform.manager.review_return(approved, True, "属住建职责", new_unit_id="hn-zjt")
    view = platform.manager.ticket(approved)
    [event] = [e for e in view.events if e.action == "return_approved"]
    assert event.reason == "属住建职责" and view.unit_id == "hn-zjt"
    platform.manager.review_return(refused, False, "属人社职责，请继续办理")
    view = platform.manager.ticket(refused)
    [event] = [e for e in view.events if e.action == "return_refused"]
    assert event.reason == "属人社职责，请继续办理"
    assert view.state == State.HANDLING and view.unit_id == "hn-rst"


def test_r_complex_no_lead_is_designated_on_a_closed_ticket(platform: Platform) -> None:
    number = platform.operator.answer(intake(Kind.CONSULTATION), None, "已当场答复")
    with pytest.raises(RuleError) as err:
        platform.manager.designate_lead(number, "hn-rst", ["hn-zjt"], "涉及多个部门")
    assert err.value.rule == "R-COMPLEX"


def test_r_complex_designating_a_lead_ends_the_return_window_and_is_on_the_timeline(
    platform: Platform,
) -> None:
    number = dispatched(platform)
    platform.manager.designate_lead(number, "hn-rst", ["hn-zjt"], "涉及多个部门")
    view = platform.manager.ticket(number)
    window = {c.key: c for c in view.clocks}["return"]
    assert not window.running and window.met_at is None  # a complex ticket is not returned
    [event] = [e for e in view.events if e.action == "designate_lead"]
    assert event.reason == "涉及多个部门"


def test_r_special_a_first_response_needs_words_and_counts_as_signing(platform: Platform) -> None:
    number = platform.operator.accept(
        intake(Kind.HELP, text="全镇停水两天", incident_summary="全镇停水，约两万户"),
        "hn-zjt",
        special=Special.SPECIAL,
    )
    with pytest.raises(InputError) as empty:
        platform.zjt.first_response(number, "  ")
    assert empty.value.field == "note"
    platform.zjt.first_response(number, "已派抢修队赶赴现场")
    clocks = {c.key: c for c in platform.manager.ticket(number).clocks}
    assert clocks["sign"].met_at is not None and not clocks["sign"].running
    assert clocks["return"].met_at is None and not clocks["return"].running
    assert clocks["first_response"].met_at is not None  # the 4 h obligation fulfilled
