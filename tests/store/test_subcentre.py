"""Sub-centres' call records (R-SUBCENTRE) and their KPIs (R-SUBCENTRE-KPI) — SQLite and
PostgreSQL.

The small platform of tests/store/conftest.py, with two sub-centres: 省人社厅 on 12333 and
国网湖南电力 on 95598. The drill clock starts on Wednesday 2026-11-25 09:00 (Shanghai).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, update

from console.errors import InputError, NotFound, PermissionDenied
from console.services.access import seats
from console.services.analytics.subcentre_kpi import (
    NO_ACCURACY,
    all_subcentre_kpis,
    parse_period,
    subcentre_kpis,
)
from console.services.subcentre.calls import (
    EXISTS,
    STORED,
    BatchRejected,
    ingest_calls,
    list_subcentres,
    read_records,
)
from console.services.values import Kind, Role, Satisfaction, Source
from console.services.views import Actor
from console.store.models import AuditRow, SubcentreCallRow, UnitRow
from tests.conftest import at
from tests.store.conftest import Platform, intake

NOW = at("2026-11-25 09:00")


@pytest.fixture
def centres(platform: Platform) -> dict[str, Actor]:
    """The two sub-centres' lines, and one seat of each bound to it."""
    with platform.store.write() as s:
        s.execute(update(UnitRow).where(UnitRow.id == "hn-rst").values(hotline="12333"))
        s.execute(
            update(UnitRow).where(UnitRow.id == "hn-sgcc").values(subcentre=True, hotline="95598")
        )
    out = {}
    for code, unit in (("12333", "hn-rst"), ("95598", "hn-sgcc")):
        info, _ = seats.add_seat(
            platform.store, f"{code}坐席", Role.SUBCENTRE_OPERATOR, unit, now=NOW
        )
        out[code] = Actor(info.id, info.name, Role.SUBCENTRE_OPERATOR)
    return out


def call(record_id: str, started: str = "2026-11-25T08:00:00+08:00", **kw: Any) -> dict[str, Any]:
    """An answered call closed at first contact, one minute long, unless ``kw`` says otherwise."""
    start = dt.datetime.fromisoformat(started)
    base: dict[str, Any] = {
        "record_id": record_id,
        "started_at": started,
        "answered": True,
        "answered_at": (start + dt.timedelta(seconds=10)).isoformat(),
        "ended_at": (start + dt.timedelta(minutes=1)).isoformat(),
        "seat": "A01",
        "caller_phone": "138-1234-1234",
        "outcome": "first_contact",
        "own_ticket_id": "",
    }
    base.update(kw)
    return base


def missed(record_id: str, started: str = "2026-11-25T08:00:00+08:00") -> dict[str, Any]:
    start = dt.datetime.fromisoformat(started)
    return {
        "record_id": record_id,
        "started_at": started,
        "answered": False,
        "ended_at": (start + dt.timedelta(seconds=30)).isoformat(),
        "outcome": "none",
    }


def stored(platform: Platform) -> list[tuple[str, str, str]]:
    with platform.store.read() as s:
        rows = s.execute(
            select(
                SubcentreCallRow.unit_id, SubcentreCallRow.record_id, SubcentreCallRow.outcome
            ).order_by(SubcentreCallRow.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


# ---------------------------------------------------------------- the catalogue
def test_r_subcentre_the_catalogue_lists_units_marked_subcentre_with_their_line(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    assert [(c.code, c.unit_id) for c in list_subcentres(platform.store)] == [
        ("12333", "hn-rst"),
        ("95598", "hn-sgcc"),
    ]


# ---------------------------------------------------------------- ingest
def test_r_subcentre_a_resent_batch_changes_nothing_and_says_already_there(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    batch = [call("c-1"), missed("c-2")]
    first = ingest_calls(platform.store, centres["12333"], "12333", batch, NOW)
    assert (first.stored, first.existing) == (2, 0)
    assert [r.status for r in first.records] == [STORED, STORED]
    before = stored(platform)
    with platform.store.read() as s:
        audits = s.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    again = ingest_calls(platform.store, centres["12333"], "12333", batch, NOW)
    assert (again.stored, again.existing) == (0, 2)
    assert [r.status for r in again.records] == [EXISTS, EXISTS]
    assert (
        stored(platform)
        == before
        == [("hn-rst", "c-1", "first_contact"), ("hn-rst", "c-2", "none")]
    )
    with platform.store.read() as s:
        assert s.execute(select(func.count()).select_from(AuditRow)).scalar_one() == audits
        phone = s.execute(select(SubcentreCallRow.caller_phone)).scalars().first()
    assert phone == "13812341234"  # stored as tickets store a phone: digits


def test_r_subcentre_the_same_record_id_with_other_content_is_refused_naming_it(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    ingest_calls(platform.store, centres["12333"], "12333", [call("c-1")], NOW)
    changed = call("c-1", outcome="none")
    with pytest.raises(BatchRejected) as refused:
        ingest_calls(platform.store, centres["12333"], "12333", [call("c-9"), changed], NOW)
    [problem] = refused.value.problems
    assert (problem.index, problem.record_id, problem.field) == (2, "c-1", "outcome")
    assert "第 2 条记录" in str(refused.value) and "c-1" in str(refused.value)
    assert [r[1] for r in stored(platform)] == ["c-1"]  # c-9 not stored either


def test_r_subcentre_a_bad_batch_stores_nothing_and_names_each_bad_record_and_field(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    batch = [
        call("ok-1"),
        call("bad-1", answered_at=None),  # answered but no answer time
        call("ok-2"),
        call("bad-2", caller_phone="12ab"),
        {**missed("bad-3"), "outcome": "first_contact"},  # unanswered, yet closed?
        call("bad-4", started="2026-11-25T08:00:00"),  # no offset
        call("bad-5", ticket_number="HN000000000000", outcome="ticket"),  # no such ticket
        call("bad-6", colour="red"),
    ]
    with pytest.raises(BatchRejected) as refused:
        ingest_calls(platform.store, centres["12333"], "12333", batch, NOW)
    assert [(p.index, p.record_id, p.field) for p in refused.value.problems] == [
        (2, "bad-1", "answered_at"),
        (4, "bad-2", "caller_phone"),
        (5, "bad-3", "outcome"),
        (6, "bad-4", "started_at"),
        (7, "bad-5", "ticket_number"),
        (8, "bad-6", "colour"),
    ]
    assert refused.value.field == "answered_at"
    assert stored(platform) == []
    for bad in ([], {"record_id": "x"}, ["not a record"]):
        with pytest.raises(InputError):
            ingest_calls(platform.store, centres["12333"], "12333", bad, NOW)
    assert stored(platform) == []


def test_r_subcentre_a_seat_of_another_sub_centre_or_role_is_refused(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    with pytest.raises(PermissionDenied) as other:
        ingest_calls(platform.store, centres["95598"], "12333", [call("c-1")], NOW)
    assert "R-SUBCENTRE" in str(other.value)
    operator = Actor("seat-1", "话务员甲", Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        ingest_calls(platform.store, operator, "12333", [call("c-1")], NOW)
    unbound, _ = seats.add_seat(platform.store, "无绑定", Role.SUBCENTRE_OPERATOR, now=NOW)
    with pytest.raises(PermissionDenied):
        ingest_calls(
            platform.store,
            Actor(unbound.id, "无绑定", Role.SUBCENTRE_OPERATOR),
            "12333",
            [call("c-1")],
            NOW,
        )
    with pytest.raises(NotFound):
        ingest_calls(platform.store, centres["12333"], "12366", [call("c-1")], NOW)
    assert stored(platform) == []
    # a record naming another sub-centre inside a batch is a bad record
    with pytest.raises(BatchRejected) as named:
        ingest_calls(
            platform.store, centres["12333"], "12333", [call("c-1", subcentre="95598")], NOW
        )
    assert named.value.problems[0].field == "subcentre"


def test_r_subcentre_operator_seats_bind_only_to_a_sub_centre(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    with pytest.raises(InputError) as refused:
        seats.add_seat(platform.store, "错绑", Role.SUBCENTRE_OPERATOR, "hn-zjt", now=NOW)
    assert refused.value.field == "unit" and "不是分中心" in refused.value.problem


def test_r_subcentre_files_are_read_as_json_lines_or_csv() -> None:
    lines = '{"record_id": "a", "answered": true}\n\n{"record_id": "b"}\n'
    assert [r["record_id"] for r in read_records("x.jsonl", lines)] == ["a", "b"]
    table = "record_id,answered,answered_at\na,true,\n"
    assert read_records("x.csv", table) == [
        {"record_id": "a", "answered": "true", "answered_at": None}
    ]
    with pytest.raises(InputError) as bad:
        read_records("x.jsonl", '{"record_id": "a"}\n{oops\n')
    assert "第 2 行" in str(bad.value)


# ---------------------------------------------------------------- KPIs
def test_r_subcentre_kpi_periods_are_shanghai_calendar_spans() -> None:
    q4 = parse_period("2026q4")
    assert (q4.label, q4.start_at, q4.end_at) == (
        "2026Q4",
        at("2026-10-01 00:00"),
        at("2027-01-01 00:00"),
    )
    assert parse_period("2026-11").end_at == at("2026-12-01 00:00")
    assert parse_period("2026").start_at == at("2026-01-01 00:00")
    for bad in ("2026Q5", "2026-13", "26", "", "1999"):
        with pytest.raises(InputError):
            parse_period(bad)


def test_r_subcentre_kpi_connection_and_first_contact_rates_count_the_period_calls(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    """2026Q4 of 12333, calls by their start (Shanghai):

    - q3: answered, 在线办结, 09-30 23:59:59 — before the quarter, not counted
    - c1: answered, 在线办结; c6: answered, 在线办结 at 10-01 00:00:00 (in the quarter)
    - c2: answered, passed on as a ticket; c3, c5: answered, no outcome; c4: not answered
    - the 95598 call: another sub-centre's, not counted

    接通率 = answered / offered = {c1, c2, c3, c5, c6} / {c1 … c6} = 5/6;
    在线办结率 = 在线办结 / answered = {c1, c6} / {c1, c2, c3, c5, c6} = 2/5 = 0.4.
    A year without calls (2025): 0/0 for both, no rate.
    """
    number = platform.operator.accept(intake(Kind.COMPLAINT), unit_id="hn-zjt")
    ingest_calls(
        platform.store,
        centres["12333"],
        "12333",
        [
            call("q3", "2026-09-30T23:59:59+08:00"),
            call("c1"),
            call("c2", outcome="ticket", ticket_number=number),
            call("c3", outcome="none"),
            missed("c4"),
            call("c5", outcome="none"),
            call("c6", "2026-10-01T00:00:00+08:00"),
        ],
        NOW,
    )
    ingest_calls(platform.store, centres["95598"], "95598", [missed("e1"), call("e2")], NOW)
    kpis = subcentre_kpis(platform.store, "12333", "2026Q4")
    connection, first = kpis.get("connection"), kpis.get("first_contact")
    assert (connection.numerator, connection.denominator) == (5, 6)
    assert (first.numerator, first.denominator, first.rate) == (2, 5, 0.4)
    q3 = subcentre_kpis(platform.store, "12333", "2026Q3")
    assert (q3.get("connection").numerator, q3.get("connection").denominator) == (1, 1)
    empty = subcentre_kpis(platform.store, "12333", "2025")
    for key in ("connection", "first_contact", "on_time", "callback", "callback_satisfaction"):
        figure = empty.get(key)
        assert (figure.numerator, figure.denominator, figure.rate) == (0, 0, None), key
        assert figure.note
    accuracy = kpis.get("data_accuracy")
    assert accuracy.rate is None and accuracy.note == NO_ACCURACY


def _complete(p: Platform, number: str, moment: str) -> None:
    p.clock.advance(at(moment) - p.clock.now())
    p.zjt.request_completion(number, "电话", at(moment).date(), "已处理并答复来电人。")
    p.clock.advance(dt.timedelta(hours=1))
    p.manager.review_completion(number, True)


def test_r_subcentre_kpi_on_time_callback_and_satisfaction_rates_from_its_tickets(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    """12333's tickets, all dispatched to 省住建厅 on 11-25 09:00 (complaint: 10 WD, due 12-09
    24:00 or later):

    - T1 (taken as transferred from 12333): completion approved 11-26 11:00; manual call-back
      11-27 09:00, 满意.
    - T2 (named by 12333's call record c2): completion requested 12-15 (after its limit: late),
      approved 12-15 10:00; manual call-back 12-16 09:00, 不满意.
    - T3 (transferred from 12333): approved 11-26 11:00; manual call-back 12-01 09:00 (late, but
      within the 72 h after November ends), 基本满意.
    - T5 (transferred from 12333): approved 11-26 11:00; automatic call-back sent 11-26 12:00,
      no rating in 72 h → 11-30 13:00 视为基本满意 (R-DEFAULT-SATISFIED).
    - T6 (transferred from 12333): approved 11-26 11:00; never called back.
    - T4 (from 长沙12345, not 12333's): approved and called back, 满意 — never counted.

    2026Q4: 按时办结率 = {T1, T3, T5, T6} / {T1, T2, T3, T5, T6} = 4/5; 回访率 = {T1, T2, T3, T5}
    / the same 5 = 4/5; 回访满意率 = {T1 满意, T3 基本满意, T5 基本满意} / {T1, T2, T3, T5 results} = 3/4.
    2026-11: 按时 4/4; 回访 {T1, T3, T5} / {T1, T3, T5, T6} = 3/4 (T3's call-back on 12-01 is
    before 11-30 24:00 + 72 h); 满意: results in November {T1 满意, T5 基本满意} = 2/2.
    2026-12: 按时 0/1 (T2 late); 回访 1/1; 满意: results in December {T3 基本满意, T2 不满意} = 1/2.
    """
    p = platform
    from_12333 = {"source": Source.SUBCENTRE, "source_line": "12333"}
    t1 = p.operator.accept(intake(Kind.COMPLAINT, **from_12333), unit_id="hn-zjt")
    t2 = p.operator.accept(intake(Kind.COMPLAINT, text="物业乱收费一"), unit_id="hn-zjt")
    t3 = p.operator.accept(
        intake(Kind.COMPLAINT, text="物业乱收费二", **from_12333), unit_id="hn-zjt"
    )
    t4 = p.operator.accept(intake(Kind.COMPLAINT, text="物业乱收费三"), unit_id="hn-zjt")
    t5 = p.operator.accept(
        intake(Kind.COMPLAINT, text="物业乱收费四", **from_12333), unit_id="hn-zjt"
    )
    t6 = p.operator.accept(
        intake(Kind.COMPLAINT, text="物业乱收费五", **from_12333), unit_id="hn-zjt"
    )
    ingest_calls(
        p.store, centres["12333"], "12333", [call("c2", outcome="ticket", ticket_number=t2)], NOW
    )
    for n in (t1, t2, t3, t4, t5, t6):
        p.zjt.sign(n)
    p.clock.advance(at("2026-11-26 10:00") - p.clock.now())
    for n in (t1, t3, t4, t5, t6):
        p.zjt.request_completion(n, "电话", dt.date(2026, 11, 26), "已处理并答复来电人。")
    p.clock.advance(at("2026-11-26 11:00") - p.clock.now())
    for n in (t1, t3, t4, t5, t6):
        p.manager.review_completion(n, True)
    p.clock.advance(at("2026-11-26 12:00") - p.clock.now())
    p.operator.record_callback(t5, None, method="auto")
    p.clock.advance(at("2026-11-27 09:00") - p.clock.now())
    p.operator.record_callback(t1, Satisfaction.SATISFIED)
    p.operator.record_callback(t4, Satisfaction.SATISFIED)
    p.clock.advance(at("2026-11-30 13:00") - p.clock.now())
    assert t5 in p.manager.settle_callbacks()
    p.clock.advance(at("2026-12-01 09:00") - p.clock.now())
    p.operator.record_callback(t3, Satisfaction.BASIC)
    _complete(p, t2, "2026-12-15 09:00")
    p.clock.advance(at("2026-12-16 09:00") - p.clock.now())
    p.operator.record_callback(t2, Satisfaction.DISSATISFIED)

    def figures(period: str) -> list[tuple[int | None, int | None]]:
        k = subcentre_kpis(p.store, "12333", period)
        return [
            (k.get(key).numerator, k.get(key).denominator)
            for key in ("on_time", "callback", "callback_satisfaction")
        ]

    assert figures("2026Q4") == [(4, 5), (4, 5), (3, 4)]
    assert figures("2026-11") == [(4, 4), (3, 4), (2, 2)]
    assert figures("2026-12") == [(0, 1), (1, 1), (1, 2)]
    # the same inputs give the same figures later
    assert figures("2026Q4") == [(4, 5), (4, 5), (3, 4)]
    # another sub-centre has none of these tickets
    other = subcentre_kpis(p.store, "95598", "2026Q4")
    assert other.get("on_time").denominator == 0 and other.get("on_time").rate is None
    # Art. 20: T2 found a law-enforcement case before the quarter ends: its 不满意 leaves the
    # satisfaction rate of the quarter and of December
    p.manager.mark_law_case(t2, "属行政执法办案类事项，依法处置")
    assert figures("2026Q4")[2] == (3, 3)
    assert figures("2026-12")[2] == (1, 1)


def test_r_subcentre_kpi_the_document_defines_every_indicator_of_the_module() -> None:
    from pathlib import Path

    from console.services.analytics.subcentre_kpi import INDICATORS

    doc = (Path(__file__).parents[2] / "docs" / "subcentre_kpi.zh.md").read_text(encoding="utf-8")
    headings = [line[4:].strip() for line in doc.splitlines() if line.startswith("### ")]
    assert headings == list(INDICATORS.values())
    assert NO_ACCURACY in doc


def test_r_subcentre_kpi_the_last_second_of_the_limit_is_on_time_and_the_callback_window_is_72_hours(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    """Three 12333 tickets to 省住建厅, dispatched 11-25 09:00, handling limit 12-09 23:59:59:

    - A: completion asked at 12-09 23:59:59, the limit's last second (on time), approved
      12-10 09:00 and called back by hand at that same instant;
    - B: completion asked at 11-26 10:00, approved 11-26 11:00; called back 12-03 23:59:59,
      the last second of the 72 h after November;
    - C: like B, called back 12-04 00:00:00, when those 72 h are over.

    按时办结率 2026Q4 3/3; December 1/1. 回访率 November {B} / {B, C} = 1/2 (C's call-back is
    too late for November's figure); December {A} / {A} = 1/1: a call-back at the moment of
    the approval is after it."""
    p = platform
    from_12333 = {"source": Source.SUBCENTRE, "source_line": "12333"}
    a, b, c = (
        p.operator.accept(
            intake(Kind.COMPLAINT, text=f"物业乱收费{i}", **from_12333), unit_id="hn-zjt"
        )
        for i in "甲乙丙"
    )
    for n in (a, b, c):
        p.zjt.sign(n)
    p.clock.advance(at("2026-11-26 10:00") - p.clock.now())
    for n in (b, c):
        p.zjt.request_completion(n, "电话", dt.date(2026, 11, 26), "已处理并答复来电人。")
    p.clock.advance(at("2026-11-26 11:00") - p.clock.now())
    for n in (b, c):
        p.manager.review_completion(n, True)
    p.clock.advance(at("2026-12-03 23:59:59") - p.clock.now())
    p.operator.record_callback(b, Satisfaction.SATISFIED)
    p.clock.advance(at("2026-12-04 00:00") - p.clock.now())
    p.operator.record_callback(c, Satisfaction.SATISFIED)
    p.clock.advance(at("2026-12-09 23:59:59") - p.clock.now())
    p.zjt.request_completion(a, "电话", dt.date(2026, 12, 9), "已处理并答复来电人。")
    p.clock.advance(at("2026-12-10 09:00") - p.clock.now())
    p.manager.review_completion(a, True)
    p.operator.record_callback(a, Satisfaction.SATISFIED)

    def rate(period: str, key: str) -> tuple[int | None, int | None]:
        figure = subcentre_kpis(p.store, "12333", period).get(key)
        return figure.numerator, figure.denominator

    assert rate("2026Q4", "on_time") == (3, 3)
    assert rate("2026-12", "on_time") == (1, 1)
    assert rate("2026-11", "callback") == (1, 2)
    assert rate("2026-12", "callback") == (1, 1)


def test_r_subcentre_kpi_an_approval_and_a_rating_at_00_00_belong_to_the_new_month(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    """A 12333 ticket asked to be completed on 11-30 23:00, approved at 12-01 00:00:00 exactly,
    and rated 满意 at that same instant: both are December's, none November's (November
    0/0 on time and satisfaction; December 1/1 each)."""
    p = platform
    number = p.operator.accept(
        intake(Kind.COMPLAINT, source=Source.SUBCENTRE, source_line="12333"), unit_id="hn-zjt"
    )
    p.zjt.sign(number)
    p.clock.advance(at("2026-11-30 23:00") - p.clock.now())
    p.zjt.request_completion(number, "电话", dt.date(2026, 11, 30), "已处理并答复来电人。")
    p.clock.advance(at("2026-12-01 00:00") - p.clock.now())
    p.manager.review_completion(number, True)
    p.operator.record_callback(number, Satisfaction.SATISFIED)
    for period, want in (("2026-11", (0, 0)), ("2026-12", (1, 1))):
        k = subcentre_kpis(p.store, "12333", period)
        for key in ("on_time", "callback_satisfaction"):
            assert (k.get(key).numerator, k.get(key).denominator) == want, (period, key)


def test_r_subcentre_kpi_every_sub_centre_by_line_for_a_period_given_either_way(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    ingest_calls(platform.store, centres["95598"], "95598", [missed("e1"), call("e2")], NOW)
    by_text = all_subcentre_kpis(platform.store, "2026q4")
    by_period = all_subcentre_kpis(platform.store, parse_period("2026Q4"))
    assert by_text == by_period
    assert [k.code for k in by_text] == ["12333", "95598"]
    assert {k.period for k in by_text} == {"2026Q4"}
    assert (by_text[1].get("connection").numerator, by_text[1].get("connection").denominator) == (
        1,
        2,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        by_text[0].code = "12366"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        by_text[0].indicators[0].rate = 1.0  # type: ignore[misc]


def test_r_subcentre_kpi_on_time_counts_a_late_reply_mark_as_late(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    """A 12333 ticket whose completion the manager rejected twice (R-LATE-REPLY: 未按时答复),
    then approved on 11-26, long before its limit: 按时办结率 2026Q4 = 0/1, not 1/1."""
    p = platform
    number = p.operator.accept(
        intake(Kind.COMPLAINT, source=Source.SUBCENTRE, source_line="12333"), unit_id="hn-zjt"
    )
    p.zjt.sign(number)
    p.clock.advance(at("2026-11-26 10:00") - p.clock.now())
    for _ in range(2):
        p.zjt.request_completion(number, "电话", dt.date(2026, 11, 26), "已处理。")
        p.manager.review_completion(number, False, "未说明处理结果")
    p.zjt.request_completion(number, "电话", dt.date(2026, 11, 26), "已处理并答复来电人。")
    p.manager.review_completion(number, True)
    on_time = subcentre_kpis(p.store, "12333", "2026Q4").get("on_time")
    assert (on_time.numerator, on_time.denominator) == (0, 1)


def test_r_subcentre_the_same_batch_sent_twice_at_once_is_stored_once(
    platform: Platform, centres: dict[str, Actor]
) -> None:
    """Two requests with the same records at the same moment: one stores them, the other finds
    them there (PostgreSQL: the loser of the unique key judges the batch again)."""
    import threading

    batch = [call(f"p-{i}") for i in range(20)]
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def send() -> None:
        barrier.wait()
        try:
            results.append(ingest_calls(platform.store, centres["12333"], "12333", batch, NOW))
        except Exception as exc:  # noqa: BLE001 — the finding
            results.append(exc)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted((r.stored, r.existing) for r in results) == [(0, 20), (20, 0)], results
    assert len(stored(platform)) == 20
