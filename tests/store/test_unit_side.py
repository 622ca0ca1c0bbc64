"""The unit side of the loop (issue 15 item 6): a unit hears of its tickets and deadlines
through the outbox (派单提醒, 黄灯, 红灯), the manager presses it (催办), and the co-units of a
complex matter record their part on the lead unit's ticket (协办反馈) — SQLite and PostgreSQL.

The drill clock starts on Wednesday 2026-11-25 09:00 (Shanghai): a dispatch then is due to be
signed by Thursday 11-26 24:00 (R-SIGN, 1 WD) and handled by 12-09 24:00 (R-LIMIT, 10 WD).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.delivery.outbox import WORKER_ACTOR, Worker
from console.services.delivery.sinks import FileSink
from console.services.tickets.commands import TicketService
from console.services.values import Kind, Special
from console.store.models import OutboxRow
from tests.conftest import at
from tests.store.conftest import Platform, intake


def service(p: Platform) -> TicketService:
    """The platform's own seat, as `hotline worker` runs the timers."""
    return TicketService(p.store, p.clock, p.operator.calendar, p.operator.rules, WORKER_ACTOR)


def to_units(p: Platform, kind: str | None = None) -> list[OutboxRow]:
    with p.store.read() as s:
        rows = s.execute(
            select(OutboxRow).where(OutboxRow.channel == "sms").order_by(OutboxRow.id)
        ).scalars()
        return [
            r for r in rows if r.target.startswith("hn-") and kind in (None, r.payload.get("kind"))
        ]


def dispatched(p: Platform, unit: str = "hn-rst", **kw: object) -> str:
    return p.operator.accept(intake(Kind.COMPLAINT), unit_id=unit, **kw)  # type: ignore[arg-type]


def move_to(p: Platform, moment: str) -> None:
    p.clock.advance(at(moment) - p.clock.now())


# ---------------------------------------------------------------- 派单提醒
def test_r_sign_dispatch_tells_the_unit_its_sign_and_limit_deadlines(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    [notice] = to_units(p, "dispatch_notice")
    assert notice.target == "hn-rst" and notice.next_attempt_at is None  # 09:00: sent at once
    message = notice.payload["message"]
    assert number in message and "11-26 24:00前签收" in message and "12-09 24:00前办结" in message
    assert "138" not in message and "张先生" not in message  # nothing about the caller


def test_r_callback_dispatch_notice_at_night_waits_for_the_morning(platform: Platform) -> None:
    p = platform
    move_to(p, "2026-11-25 22:30")
    dispatched(p)
    [notice] = to_units(p, "dispatch_notice")
    assert notice.next_attempt_at is not None
    assert notice.next_attempt_at == at("2026-11-26 08:00")


def test_r_special_incident_gets_its_own_notice_not_the_ordinary_one(platform: Platform) -> None:
    p = platform
    p.operator.accept(intake(Kind.HELP, text="全镇停水两天"), "hn-zjt", special=Special.URGENT)
    assert to_units(p, "dispatch_notice") == []
    assert len(to_units(p)) == 1  # the R-SPECIAL SMS (its phone call is another channel)


# ---------------------------------------------------------------- 黄灯 / 红灯
def test_r_sign_yellow_on_the_day_it_falls_due_then_red_once(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    timers = service(p)
    assert timers.remind_deadlines() == []  # Wednesday: the sign clock runs out tomorrow
    move_to(p, "2026-11-26 00:05")
    [yellow] = timers.remind_deadlines()
    assert yellow.startswith(f"{number}:remind:") and yellow.endswith(":yellow")
    assert timers.remind_deadlines() == []  # once per clock and colour
    [row] = to_units(p, "reminder")
    assert row.payload["clock"] == "sign" and row.payload["rule"] == "R-SIGN"
    assert row.next_attempt_at == at("2026-11-26 08:00")  # quiet hours for an ordinary ticket
    assert "黄灯" in row.payload["message"] and "签收" in row.payload["message"]
    move_to(p, "2026-11-27 00:30")
    [red] = timers.remind_deadlines()
    assert red.endswith(":red") and timers.remind_deadlines() == []
    assert "红灯" in to_units(p, "reminder")[-1].payload["message"]


def test_r_sign_a_signed_ticket_gets_no_sign_reminder(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    p.rst.sign(number)
    move_to(p, "2026-11-26 10:00")
    assert service(p).remind_deadlines() == []


def test_r_limit_yellow_on_the_last_day(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    p.rst.sign(number)
    move_to(p, "2026-12-08 23:00")
    assert service(p).remind_deadlines() == []
    move_to(p, "2026-12-09 09:00")
    [key] = service(p).remind_deadlines()
    [row] = to_units(p, "reminder")
    assert key == f"{number}:{row.idempotency_key.split(':', 1)[1]}"
    assert row.payload["clock"] == "limit" and row.payload["rule"] == "R-LIMIT"


def test_r_sign_an_old_breach_is_not_announced(platform: Platform) -> None:
    """A clock breached more than a day before the reminders first look is left to 督办."""
    p = platform
    dispatched(p)
    move_to(p, "2026-11-28 09:00")
    assert service(p).remind_deadlines() == []


def test_r_special_yellow_at_a_quarter_of_the_hours_left_and_sent_at_once(
    platform: Platform,
) -> None:
    p = platform
    move_to(p, "2026-11-25 23:00")  # quiet hours: a special incident's reminder still goes
    p.operator.accept(intake(Kind.HELP, text="全镇停水两天"), "hn-zjt", special=Special.SPECIAL)
    p.advance(hours=2, minutes=59)
    service(p).remind_deadlines()  # 4 h clock, 1 h 01 min left (the sign clock is due today)
    assert [r for r in to_units(p, "reminder") if r.payload["clock"] == "first_response"] == []
    p.advance(minutes=2)
    service(p).remind_deadlines()
    [row] = [r for r in to_units(p, "reminder") if r.payload["clock"] == "first_response"]
    assert row.next_attempt_at is None and row.payload["rule"] == "R-SPECIAL"


def test_r_security_only_the_platform_or_manager_sends_reminders(platform: Platform) -> None:
    p = platform
    with pytest.raises(PermissionDenied) as err:
        p.rst.tickets.remind_deadlines()
    assert err.value.rule == "R-SECURITY"


def test_r_sign_the_worker_writes_reminders_and_delivers_them_in_one_tick(
    platform: Platform, tmp_path: object
) -> None:
    from pathlib import Path

    p = platform
    dispatched(p)
    move_to(p, "2026-11-26 09:00")
    tickets = service(p)
    sink = FileSink(Path(str(tmp_path)) / "out.jsonl")
    try:
        work = Worker(
            p.store, sink, p.clock, tickets.settle_callbacks, remind=tickets.remind_deadlines
        )
        report = work.tick()
        again = work.tick()
    finally:
        sink.close()
    [key] = report.reminded
    assert key in report.delivery.delivered and again.reminded == ()


# ---------------------------------------------------------------- 催办
def test_r_limit_manager_urges_the_unit(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    p.manager.urge(number, "群众多次来电，请尽快联系处理")
    p.supervisor.urge(number, "请今日内反馈")
    first, second = to_units(p, "urge")
    assert first.target == "hn-rst" and "群众多次来电" in first.payload["message"]
    assert (
        "12-09 24:00" in first.payload["message"]
        and first.idempotency_key != second.idempotency_key
    )
    events = [e for e in p.rst.ticket(number).events if e.action == "urge"]
    assert [e.reason for e in events] == ["群众多次来电，请尽快联系处理", "请今日内反馈"]


def test_r_limit_urge_refused_to_others_and_outside_handling(platform: Platform) -> None:
    p = platform
    number = dispatched(p)
    with pytest.raises(PermissionDenied):
        p.operator.urge(number, "请尽快")
    with pytest.raises(PermissionDenied):
        p.rst.urge(number, "请尽快")
    with pytest.raises(InputError) as empty:
        p.manager.urge(number, "   ")
    assert empty.value.field == "note"
    consult = p.operator.answer(intake(Kind.CONSULTATION), None, "已当场答复")
    with pytest.raises(RuleError) as err:
        p.manager.urge(consult, "请尽快")
    assert err.value.rule == "R-LIMIT"
    assert to_units(p, "urge") == []  # nothing half-stored


# ---------------------------------------------------------------- 协办反馈
def complex_ticket(p: Platform) -> str:
    number = dispatched(p)
    p.manager.designate_lead(number, "hn-rst", ["hn-zjt"], "涉及多个部门")
    return number


def test_r_complex_co_unit_records_its_part_on_the_lead_units_ticket(platform: Platform) -> None:
    p = platform
    number = complex_ticket(p)
    [told] = to_units(p, "co_unit_notice")  # the co-unit hears it must cooperate, and with whom
    assert told.target == "hn-zjt" and "省人力资源社会保障厅牵头" in told.payload["message"]
    offered = {a.action: a for a in p.zjt.ticket(number).actions}
    assert offered["report_co_part"].allowed
    p.zjt.report_co_part(number, "已派员现场核查小区二次供水设施，结果已告知牵头单位。")
    [part] = [e for e in p.rst.ticket(number).events if e.action == "co_part"]
    assert part.reason.startswith("已派员现场核查") and part.unit_id == "hn-zjt"  # the actor's


def test_r_complex_only_a_co_unit_records_a_part(platform: Platform) -> None:
    p = platform
    number = complex_ticket(p)
    assert "report_co_part" not in {a.action for a in p.rst.ticket(number).actions}
    with pytest.raises(PermissionDenied) as lead:
        p.rst.report_co_part(number, "牵头单位自己写")
    assert lead.value.rule == "R-COMPLEX"
    with pytest.raises(NotFound):  # a unit outside the matter does not see the ticket at all
        p.scj.report_co_part(number, "无关单位")
    with pytest.raises(InputError) as empty:
        p.zjt.report_co_part(number, "")
    assert empty.value.field == "note"
    assert [e for e in p.manager.ticket(number).events if e.action == "co_part"] == []


def test_r_complex_no_part_after_the_matter_is_completed(platform: Platform) -> None:
    p = platform
    number = complex_ticket(p)
    p.rst.sign(number)
    p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已协调处理")
    p.zjt.report_co_part(number, "配合单位补充：设施已修复")  # still open for review
    p.manager.review_completion(number, True)
    with pytest.raises(RuleError) as err:
        p.zjt.report_co_part(number, "办结后再写")
    assert err.value.rule == "R-COMPLEX"


def test_r_sign_a_co_unit_has_nothing_to_sign(platform: Platform) -> None:
    p = platform
    number = complex_ticket(p)
    assert [r.number for r in p.rst.queue("awaiting_sign").rows] == [number]
    assert p.zjt.queue("awaiting_sign").rows == ()  # nothing to sign: the lead signs
    assert [r.number for r in p.zjt.queue("mine").rows] == [number]  # it still works on it
