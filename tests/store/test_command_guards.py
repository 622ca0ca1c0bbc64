"""The guards of the ticket commands, each refusing what its rule refuses and each recording
what it did, on SQLite and PostgreSQL: written from the commands' surviving mutants (a guard
removed, a count or a comparison changed) so that breaking any of them fails a test.

Clock: Wednesday 2026-11-25 09:00 (Beijing); a special ticket's first response is due 4 h
after dispatch (13:00), an ordinary complaint's limit after 10 WD.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.local import LocalBackend
from console.services.values import Kind, Role, Satisfaction, Special
from console.services.views import Actor, EventView
from console.store.models import OutboxRow
from tests.conftest import at
from tests.store.conftest import Platform, intake

TODAY = dt.date(2026, 11, 25)


def lead(p: Platform) -> LocalBackend:
    return p.operator.as_actor(Actor("lead-1", "班长庚", Role.SHIFT_LEAD))


def special(p: Platform, level: Special = Special.SPECIAL) -> str:
    return p.operator.accept(intake(Kind.HELP, text="全镇停水两天"), "hn-zjt", special=level)


def dispatched(p: Platform) -> str:
    return p.operator.accept(intake(), unit_id="hn-rst")


def events(p: Platform, number: str, action: str) -> list[EventView]:
    return [e for e in p.manager.ticket(number).events if e.action == action]


def outbox(p: Platform, key_part: str) -> list[OutboxRow]:
    with p.store.read() as s:
        rows = s.execute(select(OutboxRow).order_by(OutboxRow.id)).scalars().all()
        return [r for r in rows if key_part in r.idempotency_key]


def completion_requested(p: Platform) -> str:
    number = dispatched(p)
    p.rst.sign(number)
    p.rst.request_completion(number, "电话", TODAY, "已协调用人单位结清工资")
    return number


def dissatisfied(p: Platform) -> str:
    number = completion_requested(p)
    p.manager.review_completion(number, True)
    p.operator.record_callback(number, Satisfaction.DISSATISFIED, "manual")
    return number


# ---------------------------------------------------------------- special incidents
def test_r_special_first_response_and_progress_are_on_the_timeline(platform: Platform) -> None:
    number = special(platform)
    platform.zjt.first_response(number, "已派抢修队赶赴现场")
    platform.zjt.report_progress(number, "已恢复一半供水")
    [first] = events(platform, number, "first_response")
    [progress] = events(platform, number, "progress")
    assert first.reason == "已派抢修队赶赴现场" and first.actor == "住建厅丁"
    assert progress.reason == "已恢复一半供水"


def test_r_special_report_renotify_only_by_the_lead_on_a_held_special_ticket(
    platform: Platform,
) -> None:
    p = platform
    number = special(p)
    with pytest.raises(PermissionDenied) as seat:
        p.operator.renotify(number, "未反馈")
    assert seat.value.rule == "R-SPECIAL-REPORT"
    with pytest.raises(RuleError) as ordinary:
        lead(p).renotify(dispatched(p), "未反馈")
    assert ordinary.value.rule == "R-SPECIAL"
    p.clock.set(at("2026-11-25 10:00"))
    assert lead(p).renotify(number, "一小时未反馈") == 1
    [sms] = outbox(p, "sms:hn-zjt:resend1")
    assert "初步响应时限11-25 13:00请尽快" in sms.payload["message"]
    assert sms.payload["message"].endswith("（R-SPECIAL）")
    p.clock.set(at("2026-11-25 13:00"))  # due now, not yet past
    assert lead(p).renotify(number, "仍未反馈") == 2
    [sms] = outbox(p, "sms:hn-zjt:resend2")
    assert "13:00请尽快" in sms.payload["message"] and "第2次" in sms.payload["message"]
    p.clock.set(at("2026-11-25 13:01"))
    lead(p).renotify(number, "超时")
    [sms] = outbox(p, "sms:hn-zjt:resend3")
    assert "13:00已超时" in sms.payload["message"]
    # once the unit has applied for completion there is no notice left to send again
    p.zjt.first_response(number, "已处置")
    p.zjt.request_completion(number, "电话", TODAY, "已恢复供水")
    with pytest.raises(RuleError) as done:
        lead(p).renotify(number, "再通知")
    assert done.value.rule == "R-SPECIAL-REPORT"


def test_r_special_urgent_renotice_names_its_own_rule(platform: Platform) -> None:
    number = special(platform, Special.URGENT)
    lead(platform).renotify(number, "")
    [sms] = outbox(platform, "sms:hn-zjt:resend1")
    assert sms.payload["message"].endswith("（R-SPECIAL-URGENT）")


def test_r_supervise_when_escalation_by_the_lead_with_a_reason_counted(
    platform: Platform,
) -> None:
    p = platform
    number = special(p)
    with pytest.raises(PermissionDenied) as seat:
        p.operator.escalate(number, "事态扩大")
    assert seat.value.rule == "R-SUPERVISE-WHEN"
    with pytest.raises(InputError) as empty:
        lead(p).escalate(number, "  ")
    assert empty.value.field == "reason"
    lead(p).escalate(number, "事态扩大，需协调多部门")
    lead(p).escalate(number, "仍未控制")
    assert [r.idempotency_key.rsplit(":", 1)[-1] for r in outbox(p, "escalate:")] == ["1", "2"]
    escalations = events(p, number, "escalate")
    assert [e.reason for e in escalations] == ["事态扩大，需协调多部门", "仍未控制"]
    assert escalations[1].details["count"] == "2"
    p.zjt.first_response(number, "已处置")
    p.zjt.request_completion(number, "电话", TODAY, "已恢复供水")
    p.manager.review_completion(number, True)
    with pytest.raises(RuleError) as closed:
        lead(p).escalate(number, "再上报")
    assert closed.value.rule == "R-SPECIAL"


def test_r_special_a_board_note_by_the_lead_is_one_line(platform: Platform) -> None:
    p = platform
    number = special(p)
    with pytest.raises(PermissionDenied) as seat:
        p.operator.add_note(number, "备注")
    assert seat.value.rule == "R-SPECIAL"
    for bad in ("  ", "第一行\n第二行", "第一行\r第二行"):
        with pytest.raises(InputError) as refused:
            lead(p).add_note(number, bad)
        assert refused.value.field == "note"
    assert events(p, number, "note") == []


# ---------------------------------------------------------------- 催办 and Art. 20
def test_r_limit_each_urge_is_counted(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    p.manager.urge(number, "请尽快办理")
    p.supervisor.urge(number, "再次催办")
    assert [e.details["urge_count"] for e in events(p, number, "urge")] == ["1", "2"]
    assert [r.idempotency_key.rsplit(":", 1)[-1] for r in outbox(p, "urge:hn-rst:")] == ["1", "2"]
    [first, _] = outbox(p, "urge:hn-rst:")
    assert "办结时限12-09" in first.payload["message"]


def test_r_dissatisfied_outcomes_a_law_case_is_found_once_by_the_manager(
    platform: Platform,
) -> None:
    p = platform
    number = dispatched(p)
    with pytest.raises(PermissionDenied):
        p.supervisor.mark_law_case(number, "行政调解类")
    p.manager.mark_law_case(number, "劳动争议，已转劳动仲裁（执法办案类）")
    [found] = events(p, number, "law_case")
    assert found.reason == "劳动争议，已转劳动仲裁（执法办案类）" and found.actor == "优化办乙"
    with pytest.raises(RuleError) as again:
        p.manager.mark_law_case(number, "再认定")
    assert again.value.rule == "R-DISSATISFIED-OUTCOMES"
    assert len(events(p, number, "law_case")) == 1


# ---------------------------------------------------------------- completion
def test_r_complete_contact_date_not_in_the_future_and_recorded(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    p.rst.sign(number)
    with pytest.raises(InputError) as future:
        p.rst.request_completion(number, "电话", TODAY + dt.timedelta(days=1), "已处理")
    assert future.value.field == "contact_date"
    p.rst.request_completion(number, "电话", TODAY, "已处理")
    [asked] = events(p, number, "request_completion")
    assert (
        asked.details["contact_date"] == "2026-11-25" and asked.details["contact_method"] == "电话"
    )
    limit = [c for c in p.manager.ticket(number).clocks if c.key == "limit"][-1]
    assert not limit.running and limit.met_at == at("2026-11-25 09:00")


def test_r_complete_review_by_the_manager_rejection_needs_a_reason(platform: Platform) -> None:
    p = platform
    number = completion_requested(p)
    with pytest.raises(PermissionDenied):
        p.rst.review_completion(number, True)
    with pytest.raises(InputError) as bare:
        p.manager.review_completion(number, False, " ")
    assert bare.value.field == "reason"
    p.manager.review_completion(number, True, "同意办结")
    [approved] = events(p, number, "completion_approved")
    assert approved.reason == "同意办结" and approved.actor == "优化办乙"


def test_r_late_reply_only_at_the_second_rejection_names_the_unit(platform: Platform) -> None:
    p = platform
    number = completion_requested(p)
    p.manager.review_completion(number, False, "沟通情况不实")
    assert events(p, number, "late_reply") == []
    p.rst.request_completion(number, "电话", TODAY, "已再次沟通")
    p.manager.review_completion(number, False, "仍不实")
    [late] = events(p, number, "late_reply")
    assert late.details["unit_id"] == "hn-rst"


# ---------------------------------------------------------------- extensions
def test_r_extend_needs_a_reason_and_whole_days_and_says_what_is_left(
    platform: Platform,
) -> None:
    p = platform
    number = dispatched(p)
    p.rst.sign(number)
    with pytest.raises(InputError) as bare:
        p.rst.request_extension(number, 3, " ")
    assert bare.value.field == "reason"
    with pytest.raises(InputError) as none:
        p.rst.request_extension(number, 0, "需协调")
    assert none.value.field == "days"
    p.rst.request_extension(number, 1, "需协调")  # one working day is a whole extension
    p.manager.review_extension(number, True)
    p.rst.request_extension(number, 7, "仍需协调")
    p.manager.review_extension(number, True)
    with pytest.raises(RuleError) as over:
        p.rst.request_extension(number, 5, "还要协调")
    assert over.value.allowed == "最多再申请2个工作日"
    p.rst.request_extension(number, 2, "最后协调")
    p.manager.review_extension(number, True)
    with pytest.raises(RuleError) as spent:
        p.rst.request_extension(number, 1, "再延")
    assert spent.value.allowed == "按期办结"


# ---------------------------------------------------------------- dissatisfied tickets
def test_r_redo_close_is_on_the_timeline_and_a_decision_is_redo_or_close(
    platform: Platform,
) -> None:
    p = platform
    number = dissatisfied(p)
    with pytest.raises(InputError) as unknown:
        p.manager.decide_dissatisfied(number, "maybe", "再看看")
    assert unknown.value.field == "decision"
    p.manager.decide_dissatisfied(number, "close", "诉求超出法律法规规定")
    [closed] = events(p, number, "close")
    assert closed.reason == "诉求超出法律法规规定"


# ---------------------------------------------------------------- supervision
def test_r_supervise_how_ground_and_content_required_and_recorded(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    for ground in (0, 6):
        with pytest.raises(InputError) as bad:
            p.manager.open_supervision(number, ground, "written", "多次反映")
        assert bad.value.field == "ground"
    with pytest.raises(InputError) as empty:
        p.manager.open_supervision(number, 3, "written", "  ")
    assert empty.value.field == "note"
    sid = p.manager.open_supervision(number, 3, "written", "多人多次反映")
    [opened] = events(p, number, "open_supervision")
    assert opened.reason == "多人多次反映" and opened.details["supervision"] == str(sid)
    assert opened.details["ground"] == "3" and opened.details["method"] == "written"


def test_r_supervise_limit_replies_and_extensions_of_one_supervision(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    first = p.manager.open_supervision(number, 5, "meeting", "督办会议议定")
    p.clock.set(at("2026-11-26 09:00"))
    second = p.manager.open_supervision(number, 3, "written", "多人多次反映")
    with pytest.raises(NotFound):
        p.rst.reply_supervision(first + second + 100, "说明")
    with pytest.raises(InputError) as empty:
        p.rst.reply_supervision(first, "  ")
    assert empty.value.field == "reply"
    p.rst.reply_supervision(first, "已书面说明")
    p.rst.reply_supervision(second, "已书面说明第二项")
    [one] = outbox(p, f"supervision:{first}:reply:")
    [two] = outbox(p, f"supervision:{second}:reply:")
    # numbered by the ticket's written replies, each upload with its own due date
    # (the first opened 11-25: 20 WD → 12-23; the second 11-26 → 12-24)
    assert one.idempotency_key.endswith(":reply:1") and two.idempotency_key.endswith(":reply:2")
    assert one.payload["due"].startswith("2026-12-23") and two.payload["due"].startswith(
        "2026-12-24"
    )
    assert one.payload["replies"] == ["已书面说明"]
    with pytest.raises(RuleError) as zero:
        p.manager.extend_supervision(first, 0, "复杂")
    assert zero.value.rule == "R-SUPERVISE-LIMIT"
    with pytest.raises(InputError) as bare:
        p.manager.extend_supervision(first, 1, " ")
    assert bare.value.field == "reason"
    p.manager.extend_supervision(first, 1, "需会商")  # one working day is an extension
    [extended] = events(p, number, "supervision_extended")
    assert extended.reason == "需会商" and extended.details["days"] == "1"
    assert extended.details["supervision"] == str(first)


# ---------------------------------------------------------------- extensions, reviewed
def test_r_extend_the_last_working_day_left_and_the_last_moment(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    p.rst.sign(number)
    p.rst.request_extension(number, 9, "需协调")
    p.manager.review_extension(number, True)
    with pytest.raises(RuleError) as over:
        p.rst.request_extension(number, 2, "还要协调")
    assert over.value.allowed == "最多再申请1个工作日"
    # the limit (10 + 9 WD from 11-25: 12-22) may still be extended at its very last moment
    limit = [c for c in p.manager.ticket(number).clocks if c.key == "limit"][-1]
    p.clock.set(limit.due_at)
    p.rst.request_extension(number, 1, "最后一天申请")
    assert p.manager.ticket(number).pending == "extension"


def test_r_extend_a_refusal_names_its_reason_both_on_the_timeline(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    p.rst.sign(number)
    p.rst.request_extension(number, 3, "需协调")
    with pytest.raises(InputError) as bare:
        p.manager.review_extension(number, False, "  ")
    assert bare.value.field == "reason"
    assert p.manager.ticket(number).pending == "extension"  # nothing half-done
    p.manager.review_extension(number, False, "理由不充分")
    [refused] = events(p, number, "extension_refused")
    assert refused.reason == "理由不充分" and refused.details["days"] == "3"
    p.rst.request_extension(number, 2, "确需协调")
    p.manager.review_extension(number, True, "同意")
    [approved] = events(p, number, "extension_approved")
    assert approved.details["days"] == "2" and approved.details["due"].startswith("2026-12-11")


# ---------------------------------------------------------------- termination
def test_r_terminate_every_step_is_on_the_timeline_and_ends_every_clock(
    platform: Platform,
) -> None:
    p = platform
    number = dispatched(p)
    p.rst.sign(number)
    opinion = "经多次协调，诉求人要求超出政策规定，已依法依规答复，申请终结备案。"
    p.rst.request_termination(number, opinion)
    [asked] = events(p, number, "request_termination")
    assert asked.reason == opinion
    with pytest.raises(InputError) as bare:
        p.manager.review_termination(number, False, " ")
    assert bare.value.field == "reason"
    p.manager.review_termination(number, False, "事实尚未查清")
    [refused] = events(p, number, "termination_refused")
    assert refused.reason == "事实尚未查清"
    p.rst.request_termination(number, opinion)
    p.manager.review_termination(number, True, "事实清楚，依据充分")
    clocks = p.manager.ticket(number).clocks
    assert clocks and not [c.key for c in clocks if c.running]
    [ended] = events(p, number, "terminated")
    assert ended.reason == "事实清楚，依据充分" and ended.details["opinion"] == opinion


# ---------------------------------------------------------------- supervision closed
def test_r_supervise_limit_closing_meets_the_clock_and_is_recorded(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    sid = p.manager.open_supervision(number, 5, "meeting", "督办会议议定")
    p.rst.reply_supervision(sid, "已书面说明")
    p.clock.set(at("2026-11-27 10:00"))
    p.manager.close_supervision(sid, "已整改到位")
    [closed] = events(p, number, "supervision_closed")
    assert closed.reason == "已整改到位" and closed.details["supervision"] == str(sid)
    [clock] = [c for c in p.manager.ticket(number).clocks if c.key == "supervise"]
    assert not clock.running and clock.met_at == at("2026-11-27 10:00")


# ---------------------------------------------------------------- a year's schedule loaded
def test_r_limit_provisional_clocks_are_recomputed_once_the_schedule_is_loaded(
    platform: Platform,
) -> None:
    from console.services.calendar.provider import save_schedule
    from console.services.calendar.workdays import YearSchedule

    p = platform
    p.clock.set(at("2026-12-25 09:00"))  # 10 WD from here run into 2027, not yet published
    number = dispatched(p)
    before = [c for c in p.manager.ticket(number).clocks if c.key == "limit"][-1]
    assert before.provisional
    assert p.manager.tickets.recompute_provisional() == 0  # nothing new: nothing changes
    days_off = {dt.date(2027, 1, 1): "元旦", dt.date(2027, 1, 4): "元旦"}
    save_schedule(
        p.store, YearSchedule(2027, days_off, {}, "国务院办公厅通知", True), "t", p.clock.now()
    )
    p.manager.calendar.invalidate()
    assert p.manager.tickets.recompute_provisional() == 1
    after = [c for c in p.manager.ticket(number).clocks if c.key == "limit"][-1]
    assert not after.provisional and after.due_at > before.due_at  # one more day off
    assert p.manager.tickets.recompute_provisional() == 0


# ---------------------------------------------------------------- quiet hours
@pytest.mark.parametrize(
    ("moment", "sent"),
    [
        ("2026-11-25 08:00", "2026-11-25 08:00"),
        ("2026-11-25 20:59", "2026-11-25 20:59"),
        ("2026-11-25 21:00", "2026-11-26 08:00"),
        ("2026-11-25 23:30", "2026-11-26 08:00"),
        ("2026-11-26 07:59", "2026-11-26 08:00"),
        ("2026-11-26 00:00", "2026-11-26 08:00"),
    ],
)
def test_r_callback_no_message_to_a_citizen_in_quiet_hours(moment: str, sent: str) -> None:
    from console.services.tickets.commands import first_allowed_moment

    assert first_allowed_moment(at(moment)) == at(sent)


# ---------------------------------------------------------------- call-backs and answers
def test_r_consult_a_promised_answer_needs_words_meets_its_clock_and_is_recorded(
    platform: Platform,
) -> None:
    p = platform
    number = p.operator.promise_callback(intake(Kind.CONSULTATION, text="社保怎么转移"))
    with pytest.raises(PermissionDenied):
        p.supervisor.answer_callback(number, "请登录国家社会保险公共服务平台办理")
    with pytest.raises(InputError) as bare:
        p.operator.answer_callback(number, "  ")
    assert bare.value.field == "answer"
    p.clock.set(at("2026-11-25 15:00"))
    p.operator.answer_callback(number, "请登录国家社会保险公共服务平台办理")
    [answered] = events(p, number, "answer_callback")
    assert answered.reason == "请登录国家社会保险公共服务平台办理"
    [consult] = [c for c in p.manager.ticket(number).clocks if c.key == "consult"]
    assert not consult.running and consult.met_at == at("2026-11-25 15:00")


def test_r_callback_an_automatic_call_back_meets_its_clock_and_ends_the_manual_one(
    platform: Platform,
) -> None:
    p = platform
    number = completion_requested(p)
    p.manager.review_completion(number, True)
    with pytest.raises(InputError) as how:
        p.operator.record_callback(number, None, "letter")
    assert how.value.field == "method"
    with pytest.raises(PermissionDenied):
        p.rst.record_callback(number, None, "auto")
    p.clock.set(at("2026-11-25 10:00"))
    p.operator.record_callback(number, None, "auto")
    clocks = {c.key: c for c in p.manager.ticket(number).clocks}
    assert not clocks["callback_auto"].running and clocks["callback_auto"].met_at is not None
    assert not clocks["callback_manual"].running and clocks["callback_manual"].met_at is None
    assert clocks["rating"].running


def test_r_limit_a_merged_ticket_is_never_overdue(platform: Platform) -> None:
    p = platform
    master = dispatched(p)
    other = p.operator.accept(intake(caller_phone="13900001111"), unit_id="hn-rst")
    p.manager.merge_ticket(other, master, "同一事项")
    p.clock.set(at("2026-12-31 09:00"))  # far past every limit
    assert p.manager.ticket(master).overdue
    assert not p.manager.ticket(other).overdue


def test_r_complete_a_rejection_is_on_the_timeline_with_its_count(platform: Platform) -> None:
    p = platform
    number = completion_requested(p)
    p.manager.review_completion(number, False, "沟通情况不实")
    [rejected] = events(p, number, "completion_rejected")
    assert rejected.reason == "沟通情况不实" and rejected.details["rejections"] == "1"


def test_r_callback_every_attempt_and_rating_is_recorded_and_stops_the_clocks(
    platform: Platform,
) -> None:
    p = platform
    auto = completion_requested(p)
    p.manager.review_completion(auto, True)
    p.operator.record_callback(auto, None, "auto", "短信回访已发出")
    [sent] = events(p, auto, "callback_sent")
    assert sent.reason == "短信回访已发出" and sent.details["method"] == "auto"
    manual = p.operator.accept(intake(caller_phone="13900002222"), unit_id="hn-rst")
    p.rst.sign(manual)
    p.rst.request_completion(manual, "电话", TODAY, "已处理")
    p.manager.review_completion(manual, True)
    p.operator.record_callback(manual, None, "manual", "无人接听")
    [missed] = events(p, manual, "callback_unanswered")
    assert missed.reason == "无人接听" and missed.details["attempt"] == "1"
    p.clock.set(at("2026-11-25 11:00"))
    p.operator.record_callback(manual, Satisfaction.SATISFIED, "manual", "满意")
    clocks = {c.key: c for c in p.manager.ticket(manual).clocks}
    for key in ("callback_auto", "callback_manual"):
        assert not clocks[key].running and clocks[key].met_at == at("2026-11-25 11:00"), key


def test_r_callback_a_completed_ticket_is_overdue_only_when_every_call_back_is(
    platform: Platform,
) -> None:
    """Completed 11-25 09:00: the automatic call-back is due in 24 h, the manual one in 72 h.
    Overdue once both have passed with neither made — whatever else still runs (a supervision
    opened on it); not once one of them was made."""
    p = platform
    silent = completion_requested(p)
    p.manager.review_completion(silent, True)
    p.manager.open_supervision(silent, 3, "written", "多人多次反映")  # its own clock runs on
    called = p.operator.accept(intake(caller_phone="13900003333"), unit_id="hn-rst")
    p.rst.sign(called)
    p.rst.request_completion(called, "电话", TODAY, "已处理")
    p.manager.review_completion(called, True)
    p.operator.record_callback(called, None, "auto")
    p.clock.set(at("2026-11-27 09:00"))  # past the automatic one only
    assert not p.manager.ticket(silent).overdue
    p.clock.set(at("2026-11-28 09:01"))  # past both
    assert p.manager.ticket(silent).overdue
    assert not p.manager.ticket(called).overdue


def test_r_default_satisfied_settling_stops_the_call_back_clocks_only(platform: Platform) -> None:
    """Settled as basically satisfied 72 h after the automatic call-back: the rating clock is
    met then; the automatic call-back keeps the moment it was made; a supervision opened on
    the ticket keeps running."""
    p = platform
    number = completion_requested(p)
    p.manager.review_completion(number, True)
    p.manager.open_supervision(number, 3, "written", "多人多次反映")
    p.clock.set(at("2026-11-25 10:00"))
    p.operator.record_callback(number, None, "auto")
    p.clock.set(at("2026-11-28 10:30"))
    with pytest.raises(PermissionDenied) as seat:
        p.operator.tickets.settle_callbacks()
    assert seat.value.rule == "R-SECURITY"
    assert p.manager.tickets.settle_callbacks() == [number]
    [settled] = events(p, number, "default_satisfied")
    assert settled.details["result"] == "basic"
    clocks = {c.key: c for c in p.manager.ticket(number).clocks}
    assert clocks["callback_auto"].met_at == at("2026-11-25 10:00")
    assert clocks["rating"].met_at == at("2026-11-28 10:30") and not clocks["rating"].running
    assert clocks["supervise"].running


def test_a_note_holds_two_thousand_characters_and_no_more(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    with pytest.raises(InputError) as long:
        p.manager.urge(number, "催" * 2001)
    assert long.value.field == "note"
    p.manager.urge(number, "催" * 2000)
    [urged] = events(p, number, "urge")
    assert len(urged.reason) == 2000


def test_r_limit_a_schedule_that_confirms_the_assumed_days_only_makes_clocks_final(
    platform: Platform,
) -> None:
    """Loaded, a year's official schedule that names only the day off already assumed (元旦)
    leaves the due moment where it was and makes it final (no longer 临时)."""
    from console.services.calendar.provider import save_schedule
    from console.services.calendar.workdays import YearSchedule

    p = platform
    p.clock.set(at("2026-12-25 09:00"))
    number = dispatched(p)
    before = [c for c in p.manager.ticket(number).clocks if c.key == "limit"][-1]
    assert before.provisional
    confirmed = YearSchedule(2027, {dt.date(2027, 1, 1): "元旦"}, {}, "国务院办公厅通知", True)
    save_schedule(p.store, confirmed, "t", p.clock.now())
    p.manager.calendar.invalidate()
    assert p.manager.tickets.recompute_provisional() == 1
    after = [c for c in p.manager.ticket(number).clocks if c.key == "limit"][-1]
    assert after.due_at == before.due_at and not after.provisional


def test_r_redo_only_the_manager_decides_a_dissatisfied_ticket(platform: Platform) -> None:
    p = platform
    number = dissatisfied(p)
    for seat in (p.rst, p.supervisor):
        with pytest.raises(PermissionDenied):
            seat.decide_dissatisfied(number, "close", "诉求超出法律法规规定")
    assert p.manager.ticket(number).state == "dissatisfied"


def test_r_confidential_a_caller_who_declines_a_number_is_recorded_so(platform: Platform) -> None:
    p = platform
    number = p.operator.accept(intake(caller_phone="", phone_declined=True), unit_id="hn-rst")
    first = p.manager.ticket(number).events[0]
    assert first.details.get("phone_declined") == "True"
    given = p.operator.accept(intake(caller_phone="13900004444", phone_declined=True), "hn-rst")
    assert "phone_declined" not in p.manager.ticket(given).events[0].details


def test_r_redo_a_decision_names_its_reason_and_a_redo_is_on_the_timeline(
    platform: Platform,
) -> None:
    p = platform
    number = dissatisfied(p)
    with pytest.raises(InputError) as bare:
        p.manager.decide_dissatisfied(number, "redo", "  ")
    assert bare.value.field == "reason"
    p.manager.decide_dissatisfied(number, "redo", "诉求合理，重新办理")
    [redo] = events(p, number, "redo")
    assert redo.reason == "诉求合理，重新办理" and redo.details["unit_id"] == "hn-rst"


@pytest.mark.parametrize("phone", ["call-me-now", "1234", "1" * 16])
def test_r_scope_a_callers_number_is_five_to_fifteen_digits(platform: Platform, phone: str) -> None:
    with pytest.raises(InputError) as bad:
        platform.operator.accept(intake(caller_phone=phone), unit_id="hn-rst")
    assert bad.value.field == "caller_phone"
    for good in ("0731-8888 1234", "95598", "1" * 15):  # 5 and 15 digits are numbers too
        platform.operator.accept(intake(caller_phone=good), unit_id="hn-rst")
