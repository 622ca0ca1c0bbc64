"""The audit trail (R-SECURITY, R-ARCHIVE): one record per event, in the same transaction,
hash-chained so that an edited or deleted record is found — on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import gc
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from console.bootstrap import open_store
from console.errors import PermissionDenied, RuleError
from console.services.access import audit
from console.services.calendar.provider import save_schedule
from console.services.calendar.schedule_file import load_schedule_file
from console.services.values import Role, Satisfaction
from console.services.views import Actor
from console.store.engine import Store
from console.store.models import AuditRow, EventRow, SeatRow, TicketRow
from tests.conftest import REPO
from tests.store.conftest import Platform, intake


def records(store: Store) -> list[AuditRow]:
    with store.read() as s:
        return list(s.execute(select(AuditRow).order_by(AuditRow.id)).scalars())


def event_count(store: Store) -> int:
    with store.read() as s:
        return int(s.execute(select(func.count()).select_from(EventRow)).scalar_one())


def last_ids(store: Store) -> tuple[int, int]:
    with store.read() as s:
        a = s.execute(select(func.max(AuditRow.id))).scalar_one() or 0
        e = s.execute(select(func.max(EventRow.id))).scalar_one() or 0
    return a, e


def full_workflow(p: Platform) -> str:
    """Accept → dispatch → sign → extension → completion → call-back, and a reveal."""
    number = p.operator.accept(intake(caller_id_number="430102199001011234"), unit_id="hn-rst")
    p.rst.sign(number)
    p.rst.request_extension(number, 2, "需要现场核查")
    p.manager.review_extension(number, True, "同意")
    p.rst.request_completion(number, "电话", p.clock.now().date(), "已协调企业支付工资")
    p.manager.review_completion(number, True)
    p.operator.record_callback(number, Satisfaction.SATISFIED)
    return number


def test_every_command_leaves_exactly_one_record_per_event(platform: Platform) -> None:
    p = platform
    steps = [
        lambda: p.operator.accept(intake(), unit_id="hn-rst"),
        lambda n: p.rst.sign(n),
        lambda n: p.rst.return_ticket(n, "不属于本单位职责", "三定方案"),
        lambda n: p.manager.review_return(n, True, "改派", new_unit_id="hn-zjt"),
        lambda n: p.zjt.sign(n),
        lambda n: p.zjt.request_extension(n, 3, "需要协调"),
        lambda n: p.manager.review_extension(n, False, "时限内可办结"),
        lambda n: p.zjt.request_completion(n, "电话", p.clock.now().date(), "已办理"),
        lambda n: p.manager.review_completion(n, True),
        lambda n: p.operator.record_callback(n, Satisfaction.DISSATISFIED),
        lambda n: p.manager.decide_dissatisfied(n, "close", "诉求已依法答复"),
    ]
    a0, e0 = last_ids(p.store)
    number = steps[0]()
    for step in [None, *steps[1:]]:
        if step is not None:
            step(number)  # type: ignore[call-arg]
        a1, e1 = last_ids(p.store)
        with p.store.read() as s:
            new_events = list(
                s.execute(select(EventRow).where(EventRow.id > e0).order_by(EventRow.id)).scalars()
            )
            new_records = list(
                s.execute(select(AuditRow).where(AuditRow.id > a0).order_by(AuditRow.id)).scalars()
            )
        assert new_events, "each command appends at least one event"
        assert [r.detail["event_id"] for r in new_records] == [e.id for e in new_events]
        assert [r.action for r in new_records] == [e.action for e in new_events]
        assert {r.target for r in new_records} == {number}
        assert all(
            r.actor == e.actor and r.role == e.role
            for r, e in zip(new_records, new_events, strict=True)
        )
        a0, e0 = a1, e1
    assert audit.verify(p.store).ok


def test_a_failed_command_leaves_no_record(platform: Platform) -> None:
    p = platform
    number = p.operator.accept(intake(), unit_id="hn-rst")
    before = records(p.store)
    with pytest.raises(PermissionDenied):
        p.zjt.sign(number)  # not their unit
    with pytest.raises(RuleError):
        p.rst.request_completion(number, "电话", p.clock.now().date(), "已办理")  # not signed
    assert [r.hash for r in records(p.store)] == [r.hash for r in before]


def test_an_event_rolled_back_after_its_flush_takes_its_record_with_it(platform: Platform) -> None:
    """The record is part of the change's transaction: roll one back, both are gone."""
    p = platform
    number = p.operator.accept(intake(), unit_id="hn-rst")
    n_records, n_events = len(records(p.store)), event_count(p.store)
    with pytest.raises(ZeroDivisionError), p.store.write() as s:
        t = s.execute(select(TicketRow).where(TicketRow.number == number)).scalar_one()
        s.add(
            EventRow(
                ticket_id=t.id,
                at=p.clock.now(),
                actor="x",
                role="operator",
                action="progress",
            )
        )
        s.flush()
        assert audit._PENDING in s.info  # queued, written only at commit
        _ = 1 / 0
    assert len(records(p.store)) == n_records
    assert event_count(p.store) == n_events


def test_records_name_the_seat_the_origin_and_never_the_callers_words(platform: Platform) -> None:
    p = platform
    with audit.audit_context(origin="api:127.0.0.9"):
        number = full_workflow(p)
    p.operator.reveal_contact(number, "回访需要核对号码")
    rows = [r for r in records(p.store) if r.target == number]
    by_action = {r.action: r for r in rows}
    assert by_action["accept"].seat == "seat-1"
    assert by_action["accept"].origin == "api:127.0.0.9"
    assert by_action["sign"].seat == "u-rst" and by_action["sign"].unit_id == "hn-rst"
    assert by_action["dispatch"].detail["unit_id"] == "hn-rst"
    assert by_action["request_extension"].detail["days"] == 2
    reveal = by_action["reveal_contact"]
    assert reveal.detail == {"reason": "回访需要核对号码"} and reveal.seat == "seat-1"
    assert reveal.origin != "api:127.0.0.9"  # the context ended with its block
    everything = "\n".join(audit.canonical(audit._fields(r)) for r in records(p.store))
    for secret in ("13812341234", "430102199001011234", "张先生", "拖欠工资", "现场核查", "已协调"):
        assert secret not in everything


def test_verify_reports_an_intact_chain(platform: Platform) -> None:
    full_workflow(platform)
    result = audit.verify(platform.store)
    assert result.ok, result.problem
    assert result.count == len(records(platform.store))
    assert result.message == f"{result.count} 条记录，链完整"


def test_verify_finds_an_edited_record(platform: Platform) -> None:
    full_workflow(platform)
    victim = records(platform.store)[4]
    with platform.store.write_engine.begin() as conn:
        conn.execute(text("UPDATE audit SET seat = 'intruder' WHERE id = :id"), {"id": victim.id})
    result = audit.verify(platform.store)
    assert not result.ok and result.record_id == victim.id
    assert "被改动" in result.problem


def test_verify_finds_an_edit_whose_hash_was_recomputed(platform: Platform) -> None:
    """Re-hashing the edited record does not help: without the key its keyed hash is wrong,
    and the next record still points at the old hash."""
    full_workflow(platform)
    victim = records(platform.store)[3]
    fields = audit._fields(victim) | {"target": "HN000000000000"}
    forged = audit.chain_hash(fields)
    with platform.store.write_engine.begin() as conn:
        conn.execute(
            text("UPDATE audit SET target = :t, hash = :h WHERE id = :id"),
            {"t": fields["target"], "h": forged, "id": victim.id},
        )
    result = audit.verify(platform.store)
    assert not result.ok and result.record_id == victim.id
    assert "密钥哈希不符" in result.problem
    assert any("前一哈希" in f.text and f.record_id == victim.id + 1 for f in result.findings)


def test_verify_finds_a_deleted_record(platform: Platform) -> None:
    full_workflow(platform)
    victim = records(platform.store)[5]
    with platform.store.write_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit WHERE id = :id"), {"id": victim.id})
    result = audit.verify(platform.store)
    assert not result.ok and result.record_id == victim.id
    assert "缺失" in result.problem


def test_verify_finds_a_deleted_tail_through_the_events(platform: Platform) -> None:
    number = full_workflow(platform)
    last = records(platform.store)[-1]
    with platform.store.write_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit WHERE id = :id"), {"id": last.id})
    result = audit.verify(platform.store)
    assert not result.ok
    assert number in result.problem and "没有审计记录" in result.problem


def test_audit_records_cannot_be_written_through_the_orm(platform: Platform) -> None:
    full_workflow(platform)
    with pytest.raises(RuleError, match="R-ARCHIVE"), platform.store.write() as s:
        row = s.get(AuditRow, 1)
        assert row is not None
        row.target = "changed"
    assert audit.verify(platform.store).ok


def test_seats_flags_and_schedules_are_audited(platform: Platform) -> None:
    p = platform
    now = p.clock.now()
    admin = Actor("adm-1", "管理员", Role.ADMIN)
    with audit.audit_context(admin, "cli"), p.store.write() as s:
        s.add(
            SeatRow(
                id="seat-9", name="九号席", role="operator", token_hash="h" * 64, created_at=now
            )
        )
    with audit.audit_context(admin, "cli"), p.store.write() as s:
        seat = s.get(SeatRow, "seat-9")
        assert seat is not None
        seat.revoked_at = now
    rows = [r for r in records(p.store) if r.target == "seat-9"]
    assert [r.action for r in rows] == ["seat_add", "seat_revoke"]
    assert rows[0].seat == "adm-1" and rows[0].origin == "cli"
    assert "h" * 64 not in audit.canonical(audit._fields(rows[0]))
    assert audit.verify(p.store).ok


def test_many_seats_at_once_keep_one_linear_chain(platform: Platform) -> None:
    """Eight seats writing at the same moment (own connection pools): no fork, no gap."""
    p = platform
    if p.store.dialect != "postgresql":
        pytest.skip("concurrent writers run on PostgreSQL (SQLite serialises them)")
    threads, per_thread = 8, 6
    stores = [open_store(p.store.url) for _ in range(threads)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def work(i: int) -> None:
        op = p.operator.__class__(
            stores[i], p.clock, Actor(f"seat-{i}", f"话务员{i}", Role.OPERATOR), p.operator.rules
        )
        try:
            barrier.wait()
            for _ in range(per_thread):
                number = op.accept(intake(), unit_id="hn-rst")
                op.claim_next("callbacks")  # nothing there: a no-op read
                op.ticket(number)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    a0, e0 = last_ids(p.store)
    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    try:
        for t in ts:
            t.start()
        for t in ts:
            t.join(timeout=120)
    finally:
        for st in stores:
            st.dispose()
    assert not errors, errors
    result = audit.verify(p.store)
    assert result.ok, result.problem
    a1, e1 = last_ids(p.store)
    # accept + dispatch per ticket, one record each
    assert e1 - e0 == a1 - a0 == threads * per_thread * 2


def test_show_filters_by_seat_action_target_and_time(platform: Platform) -> None:
    p = platform
    number = full_workflow(p)
    signs = audit.entries(p.store, seat="u-rst", action="sign")
    assert [(e.action, e.target) for e in signs] == [("sign", number)]
    mine = audit.entries(p.store, target=number)
    assert {e.action for e in mine} >= {"accept", "dispatch", "sign", "callback"}
    assert audit.entries(p.store, since=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == []
    assert len(audit.entries(p.store, target=number, limit=2)) == 2


def test_calendar_loads_and_reference_data_are_audited(platform: Platform) -> None:
    p = platform
    schedule = load_schedule_file(REPO / "knowledge_seed" / "calendar" / "EXAMPLE-2027.toml")
    with audit.audit_context(Actor("adm-1", "管理员", Role.ADMIN), "cli"):
        save_schedule(p.store, schedule, "calendar load", p.clock.now())
    (row,) = [r for r in records(p.store) if r.action == "calendar_load"]
    assert row.target == str(schedule.year) and row.seat == "adm-1" and row.origin == "cli"
    # the seed's units went in as one summary record per table, counts only
    units = [r for r in records(p.store) if r.action == "data_change" and r.target == "units"]
    assert units and units[0].detail == {"added": 4}
    assert audit.verify(p.store).ok


def test_every_store_opened_is_audited(tmp_path: Path) -> None:
    """A process opens and closes many stores; each new writer is watched (a garbage-collected
    factory's class id is reused, and SQLAlchemy's event registry then answers for the old one)."""
    for i in range(30):
        st = open_store(f"sqlite:///{tmp_path / f's{i}.db'}")
        try:
            with st.writer() as s:
                assert audit.installed(s)
            assert st.reader is not st.writer
            with st.reader() as s:
                assert not audit.installed(s)  # reads are not written to the trail
        finally:
            st.dispose()
        del st
        gc.collect()
