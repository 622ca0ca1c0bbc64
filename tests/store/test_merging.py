"""并单 (merge): tickets on one matter merged into a master, on SQLite and PostgreSQL.

The drill clock starts on Wednesday 2026-11-25 09:00 (Shanghai).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from console.errors import NotFound, PermissionDenied, RuleError
from console.services.access.audit import entries
from console.services.values import Kind, Satisfaction, Special, State
from console.store.models import AuditRow, OutboxRow
from tests.store.conftest import Platform, intake


def dispatched(p: Platform, unit: str = "hn-rst", phone: str = "13812341234", **kw: object) -> str:
    return p.operator.accept(intake(Kind.COMPLAINT, caller_phone=phone, **kw), unit_id=unit)


def surveys(p: Platform) -> list[OutboxRow]:
    with p.store.read() as s:
        rows = s.execute(select(OutboxRow).order_by(OutboxRow.id)).scalars()
        return [r for r in rows if r.payload.get("kind") == "survey"]


def complete(p: Platform, number: str) -> None:
    p.rst.sign(number)
    p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已协调企业发放工资")
    p.manager.review_completion(number, True)


def test_merge_links_stops_clocks_and_leaves_queues(platform: Platform) -> None:
    p = platform
    master, other = dispatched(p), dispatched(p, phone="13900001111")
    p.advance(days=5)  # the other ticket's 签收 clock has run out: it is in the overdue queue
    assert other in {r.number for r in p.manager.queue("overdue").rows}
    p.manager.merge_ticket(other, master, "同一企业欠薪，多名职工反映")
    view = p.manager.ticket(other)
    assert view.state == State.MERGED.value and view.merged_into == master
    assert not view.overdue and not any(c.running for c in view.clocks)
    assert p.manager.ticket(master).merged == (other,)
    for name in ("overdue", "due_soon", "awaiting_sign", "mine"):
        assert other not in {r.number for r in p.manager.queue(name).rows}
        assert other not in {r.number for r in p.rst.queue(name).rows}
    labels = [e.label for e in view.events]
    assert labels[-1] == "已并入" and p.manager.ticket(master).events[-1].label == "并入"


def test_merge_is_audited_one_event_per_ticket(platform: Platform) -> None:
    p = platform
    master, other = dispatched(p), dispatched(p, phone="13900001111")
    p.manager.merge_ticket(other, master, "同一事项")
    records = entries(p.store, action="merged_into") + entries(p.store, action="merge")
    assert {(r.action, r.target) for r in records} == {("merged_into", other), ("merge", master)}
    with p.store.read() as s:
        assert s.execute(select(func.count()).select_from(AuditRow)).scalar_one() > 0


def test_r_callback_merged_callers_get_the_masters_survey(platform: Platform) -> None:
    p = platform
    master = dispatched(p)
    other = dispatched(p, phone="13900001111")
    same_caller = dispatched(p)  # the master's caller called twice: asked once
    p.manager.merge_ticket(other, master, "同一事项")
    p.manager.merge_ticket(same_caller, master, "同一来电人重复反映")
    complete(p, master)
    sent = surveys(p)
    assert [r.target for r in sent] == ["13812341234", "13900001111"]
    assert master in sent[1].payload["message"] and other in sent[1].payload["message"]
    assert "R-" not in sent[1].payload["message"]  # never a rule id to a citizen
    assert p.manager.ticket(other).events[-1].label == "主工单已办结"
    assert p.manager.ticket(same_caller).events[-1].label == "主工单已办结"


def test_r_callback_merged_survey_waits_for_quiet_hours_to_end(platform: Platform) -> None:
    p = platform
    master, other = dispatched(p), dispatched(p, phone="13900001111")
    p.manager.merge_ticket(other, master, "同一事项")
    p.rst.sign(master)
    p.rst.request_completion(master, "电话", dt.date(2026, 11, 25), "已协调")
    p.advance(hours=14, minutes=30)  # 23:30
    p.manager.review_completion(master, True)
    for row in surveys(p):
        assert row.next_attempt_at is not None
        assert row.next_attempt_at.astimezone(dt.UTC).hour == 0  # 08:00 Shanghai


def test_r_callback_redo_round_surveys_merged_callers_again(platform: Platform) -> None:
    p = platform
    master, other = dispatched(p), dispatched(p, phone="13900001111")
    p.manager.merge_ticket(other, master, "同一事项")
    complete(p, master)
    p.operator.record_callback(master, Satisfaction.DISSATISFIED, "manual", "没解决")
    p.manager.decide_dissatisfied(master, "redo", "未联系来电人")
    p.rst.request_completion(master, "上门", dt.date(2026, 11, 25), "重新处理")
    p.manager.review_completion(master, True)
    assert [r.target for r in surveys(p)].count("13900001111") == 2


def test_r_security_unit_merges_only_tickets_it_handles(platform: Platform) -> None:
    p = platform
    ours, ours2, theirs = dispatched(p), dispatched(p), dispatched(p, unit="hn-zjt")
    with pytest.raises(NotFound):  # another unit's ticket: not found, as any unseen read
        p.rst.merge_ticket(ours, theirs, "同一事项")
    with pytest.raises(NotFound):
        p.rst.merge_ticket(theirs, ours, "同一事项")
    with pytest.raises(PermissionDenied):
        p.operator.merge_ticket(ours2, ours, "同一事项")
    p.rst.merge_ticket(ours2, ours, "同一事项")
    assert p.rst.ticket(ours2).merged_into == ours


def test_r_security_co_unit_may_not_merge(platform: Platform) -> None:
    p = platform
    lead = p.operator.accept(intake(Kind.COMPLAINT))
    p.manager.designate_lead(lead, "hn-zjt", ("hn-rst",), "涉及多个部门")
    assert p.rst.ticket(lead).co_unit_ids == ("hn-rst",)  # the co-unit reads it
    ours = dispatched(p)
    with pytest.raises(PermissionDenied, match="R-SECURITY"):
        p.rst.merge_ticket(ours, lead, "同一事项")


def test_merge_refusals_name_the_rule(platform: Platform) -> None:
    p = platform
    master, other, third = dispatched(p), dispatched(p), dispatched(p)
    with pytest.raises(RuleError, match="R-ARCHIVE.*自身"):
        p.manager.merge_ticket(master, master, "x")
    p.manager.merge_ticket(other, master, "同一事项")
    with pytest.raises(RuleError, match="R-ARCHIVE.*已并单"):
        p.manager.merge_ticket(third, other, "x")  # into a merged ticket
    with pytest.raises(RuleError, match="R-ARCHIVE.*已并单"):
        p.manager.merge_ticket(other, third, "x")  # merged twice
    special = p.operator.accept(intake(Kind.COMPLAINT), unit_id="hn-rst", special=Special.SPECIAL)
    with pytest.raises(RuleError, match="R-SPECIAL-REPORT"):
        p.manager.merge_ticket(special, master, "x")
    with pytest.raises(RuleError, match="R-SPECIAL-REPORT"):
        p.manager.merge_ticket(third, special, "x")


def test_r_terminate_terminated_ticket_is_not_merged(platform: Platform) -> None:
    p = platform
    master, ended = dispatched(p), dispatched(p)
    p.rst.sign(ended)
    p.rst.request_termination(ended, "来电人就同一事项反复投诉，事实已查清，依法已处理完毕。")
    p.manager.review_termination(ended, True, "事实清楚")
    with pytest.raises(RuleError, match="R-TERMINATE"):
        p.manager.merge_ticket(ended, master, "x")
    with pytest.raises(RuleError, match="R-TERMINATE"):
        p.manager.merge_ticket(master, ended, "x")


def test_r_archive_closed_ticket_is_not_merged(platform: Platform) -> None:
    p = platform
    master, closed = dispatched(p), dispatched(p)
    complete(p, closed)
    with pytest.raises(RuleError, match="R-CALLBACK"):
        p.manager.merge_ticket(closed, master, "x")
    p.operator.record_callback(closed, Satisfaction.SATISFIED, "manual", "")
    with pytest.raises(RuleError, match="R-ARCHIVE"):
        p.manager.merge_ticket(closed, master, "x")
    assert p.manager.ticket(master).state == State.DISPATCHED.value
