"""Issue 15: six rule defects and three rule checks no test caught, on SQLite and PostgreSQL.

The drill clock starts on Wednesday 2026-11-25 09:00 (Shanghai); December 2026 has no
holidays, so 2 WD → 11-27, 10 WD → 12-09, 20 WD → 12-23.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from console.errors import PermissionDenied, RuleError
from console.services.knowledge.upkeep import maintenance_rates, open_flags
from console.services.values import Kind, Role, Satisfaction, Special, State
from console.services.views import Actor
from console.store.models import OutboxRow
from tests.conftest import at
from tests.store.conftest import Platform, intake


def eod(day: str) -> dt.datetime:
    return at(f"{day} 23:59:59")


def limit_due(p: Platform, number: str) -> dt.datetime:
    return [c for c in p.manager.ticket(number).clocks if c.key == "limit"][-1].due_at


def dispatched(p: Platform, unit: str = "hn-rst", **kw: object) -> str:
    return p.operator.accept(intake(Kind.COMPLAINT, **kw), unit_id=unit)


def extended(p: Platform, number: str, clerk: str, days: int) -> None:
    getattr(p, clerk).request_extension(number, days, "需现场核查")
    p.manager.review_extension(number, True, "同意")


def dissatisfied_after_extension(p: Platform) -> str:
    number = dispatched(p)
    p.rst.sign(number)
    extended(p, number, "rst", 8)
    p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已处理")
    p.manager.review_completion(number, True)
    p.operator.record_callback(number, Satisfaction.DISSATISFIED, "manual", "没解决")
    return number


def outbox(p: Platform, channel: str) -> list[OutboxRow]:
    with p.store.read() as s:
        return list(
            s.execute(
                select(OutboxRow).where(OutboxRow.channel == channel).order_by(OutboxRow.id)
            ).scalars()
        )


# ---------------------------------------------------------------- defect 1: R-EXTEND per round
def test_r_extend_redo_round_gets_full_budget(platform: Platform) -> None:
    number = dissatisfied_after_extension(platform)
    platform.manager.decide_dissatisfied(number, "redo", "承办单位未联系来电人")
    platform.rst.request_extension(number, 10, "重新办理需现场核查")  # not only 10 - 8 = 2
    platform.manager.review_extension(number, True, "同意")
    assert limit_due(platform, number) == eod("2026-12-23")  # 10 WD + 10 WD from 11-25


def test_r_extend_rejected_completion_in_redo_round_keeps_no_old_extension(
    platform: Platform,
) -> None:
    number = dissatisfied_after_extension(platform)
    platform.manager.decide_dissatisfied(number, "redo", "承办单位未联系来电人")
    platform.rst.request_completion(number, "上门", dt.date(2026, 11, 25), "重新处理")
    platform.manager.review_completion(number, False, "未联系来电人")
    assert limit_due(platform, number) == eod("2026-12-09")  # no +8 WD from the first round


def test_r_complete_reject_keeps_the_rounds_approved_extension(platform: Platform) -> None:
    """A completion sent back in the same round: the limit still counts from the first receipt,
    with the extension the manager approved in that round (R-COMPLETE-REJECT, R-EXTEND)."""
    number = dispatched(platform)
    platform.rst.sign(number)
    extended(platform, number, "rst", 8)
    extended_due = limit_due(platform, number)
    platform.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已处理")
    platform.manager.review_completion(number, False, "未联系来电人")
    assert limit_due(platform, number) == extended_due


def test_r_extend_new_unit_after_return_starts_with_full_budget(platform: Platform) -> None:
    number = dispatched(platform)
    extended(platform, number, "rst", 6)
    platform.rst.return_ticket(number, "属住建部门职责", "三定方案")
    platform.manager.review_return(number, True, "经界定属住建部门", "hn-zjt")
    extended(platform, number, "zjt", 10)  # not refused as 6 + 10 > 10
    assert limit_due(platform, number) == eod("2026-12-23")


# ---------------------------------------------------------------- defect 2: R-RETURN
def test_r_return_late_return_stays_with_the_unit_that_returned(platform: Platform) -> None:
    number = dispatched(platform)
    platform.rst.sign(number)
    platform.clock.set(at("2026-11-30 10:00"))  # 3rd working day: late
    platform.rst.return_ticket(number, "经核实不属于本单位", "职责清单")
    assert platform.manager.ticket(number).overdue  # the returning unit's fault
    platform.manager.review_return(number, True, "经界定属住建部门", "hn-zjt")
    view = platform.manager.ticket(number)
    assert not view.overdue and not view.late_return
    with pytest.raises(RuleError) as err:  # no 督办 ground (1) against the new unit
        platform.manager.open_supervision(number, 1, "written", "超期未办")
    assert err.value.rule == "R-SUPERVISE-WHEN"
    late = [e for e in view.events if e.action == "return"]
    assert late and late[0].details.get("late") == "True"  # kept on the record


# ---------------------------------------------------------------- defect 3: R-KB flags close
def test_r_kb_error_report_can_be_resolved(platform: Platform) -> None:
    platform.operator.flag_article("hn-rst-001", "wrong", "平台名称有误")
    today = dt.date(2026, 12, 5)
    [flag] = open_flags(platform.store, today)
    [rate] = [r for r in maintenance_rates(platform.store, today) if r.unit_id == "hn-rst"]
    assert rate.stale_flagged == 1
    with pytest.raises(PermissionDenied) as err:  # another unit's article
        platform.zjt.resolve_article_flag(flag.id, "fixed", "已改")
    assert err.value.rule == "R-KB"
    with pytest.raises(PermissionDenied):
        platform.operator.resolve_article_flag(flag.id, "fixed", "已改")
    platform.rst.resolve_article_flag(flag.id, "fixed", "已更正平台名称")
    assert open_flags(platform.store, today) == []
    [rate] = [r for r in maintenance_rates(platform.store, today) if r.unit_id == "hn-rst"]
    assert rate.stale_flagged == 0 and rate.open_flags == 0


def test_r_kb_resolved_report_no_longer_lowers_the_upkeep_rate(platform: Platform) -> None:
    """知识库维护率 (R-UNIT-KPI): a report left open past the grace days lowers the owner
    unit's rate; answered (here: checked and not wrong), it no longer does."""

    def rst_rate(day: dt.date) -> tuple[float | None, int, int]:
        [r] = maintenance_rates(platform.store, day, "hn-rst")
        return r.rate, r.stale_flagged, r.open_flags

    late = dt.date(2026, 12, 3)  # 8 days after the report of 11-25
    assert rst_rate(late) == (1.0, 0, 0)
    platform.operator.flag_article("hn-rst-001", "wrong", "平台名称有误")
    rate, stale, open_n = rst_rate(late)
    assert stale == 1 and open_n == 1 and rate is not None and rate < 1.0
    platform.clock.set(at("2026-12-03 10:00"))
    [flag] = platform.rst.article_flags()
    assert flag.age_days == 8
    platform.rst.resolve_article_flag(flag.id, "not_wrong", "经核实平台名称无误")
    assert rst_rate(late) == (1.0, 0, 0)
    assert rst_rate(dt.date(2027, 1, 1)) == (1.0, 0, 0)  # for good, not only today
    assert platform.rst.article_flags() == []


def test_r_kb_reverified_article_closes_its_reports(platform: Platform) -> None:
    platform.operator.flag_article("hn-rst-001", "outdated", "政策已调整")
    assert platform.manager.verify_article("hn-rst-001") == 1
    assert open_flags(platform.store, dt.date(2026, 12, 5)) == []
    assert platform.manager.article("hn-rst-001").status == "verified"


# ---------------------------------------------------------------- defect 4: R-SUPERVISE-HOW
def test_r_supervise_how_upload_carries_the_record(platform: Platform) -> None:
    number = dispatched(platform)
    sid = platform.manager.open_supervision(number, 3, "onsite", "多人多次反映欠薪")
    [up] = outbox(platform, "supervision_platform")
    assert up.payload["ground"] == 3 and up.payload["method"] == "onsite"
    assert up.payload["content"] == "多人多次反映欠薪"
    assert up.payload["unit_id"] == "hn-rst" and up.payload["ticket"] == number
    assert up.payload["due"] == eod("2026-12-23").isoformat()
    platform.rst.reply_supervision(sid, "已约谈企业，限期支付")
    reply = outbox(platform, "supervision_platform")[-1]
    assert reply.payload["replies"] == ["已约谈企业，限期支付"]


# ---------------------------------------------------------------- defect 6: R-CALLBACK
def completed_at(p: Platform, moment: str) -> str:
    number = dispatched(p)
    p.rst.sign(number)
    p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已处理")
    p.clock.set(at(moment))
    p.manager.review_completion(number, True)
    return number


def test_r_callback_survey_sent_on_completion_approval(platform: Platform) -> None:
    number = completed_at(platform, "2026-11-25 15:00")
    [sms] = [r for r in outbox(platform, "sms") if r.payload.get("kind") == "survey"]
    assert sms.target == "13812341234" and number in sms.payload["message"]
    assert sms.next_attempt_at is None  # daytime: at once
    assert "R-" not in sms.payload["message"]  # no rule ids in a citizen's message


def test_r_callback_survey_waits_for_the_end_of_quiet_hours(platform: Platform) -> None:
    completed_at(platform, "2026-11-25 23:30")
    [sms] = [r for r in outbox(platform, "sms") if r.payload.get("kind") == "survey"]
    assert sms.next_attempt_at == at("2026-11-26 08:00")


# ---------------------------------------------------------------- checks no test caught
def test_r_supervise_when_ground_two_needs_a_dissatisfied_caller(platform: Platform) -> None:
    number = dispatched(platform)
    with pytest.raises(RuleError) as err:
        platform.manager.open_supervision(number, 2, "written", "结果不满意")
    assert err.value.rule == "R-SUPERVISE-WHEN"
    platform.rst.sign(number)
    platform.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已处理")
    platform.manager.review_completion(number, True)
    platform.operator.record_callback(number, Satisfaction.DISSATISFIED, "manual", "没解决")
    platform.manager.open_supervision(number, 2, "written", "来电人不满意，请说明")


def test_r_special_first_response_stops_the_sign_clock(platform: Platform) -> None:
    number = platform.operator.accept(
        intake(Kind.HELP, text="全镇停水两天"), "hn-zjt", special=Special.SPECIAL
    )
    platform.advance(hours=1)
    platform.zjt.first_response(number, "已派人抢修")
    view = platform.zjt.ticket(number)
    sign = [c for c in view.clocks if c.key == "sign"][-1]
    assert not sign.running and view.state == State.HANDLING
    platform.clock.set(at("2026-11-27 09:00"))  # well past the 签收 deadline
    assert not platform.zjt.ticket(number).overdue


def test_r_default_satisfied_settlement_stops_the_rating_clock(platform: Platform) -> None:
    number = completed_at(platform, "2026-11-25 10:00")
    system = platform.operator.as_actor(Actor("system", "系统", Role.SYSTEM))
    system.record_callback(number, None, "auto")
    platform.advance(hours=73)
    assert system.settle_callbacks() == [number]
    rating = [c for c in platform.operator.ticket(number).clocks if c.key == "rating"][-1]
    assert not rating.running
    assert system.settle_callbacks() == []  # settled once


# ---------------------------------------------------------------- defect 5: R-SPECIAL-REPORT
def test_r_special_report_carries_the_incident_summary_not_the_caller(platform: Platform) -> None:
    summary = "11月25日8时40分，岳阳市某化工厂储罐泄漏，周边约200户受影响，消防已到场处置"
    number = platform.operator.accept(
        intake(
            Kind.HELP,
            text="我是张先生，化工厂那边味道很大，快来人",
            incident_summary=summary,
        ),
        "hn-zjt",
        special=Special.URGENT,
    )
    for channel in ("duty_office", "emergency"):
        [report] = outbox(platform, channel)
        assert summary in report.payload["message"] and report.payload["incident"] == summary
        assert number in report.payload["message"]
        words = str(report.payload)
        for identity in ("张先生", "13812341234", "我是张先生"):  # the caller stays out
            assert identity not in words
