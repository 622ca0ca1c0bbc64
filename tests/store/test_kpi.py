"""Unit KPIs (R-UNIT-KPI) from hand-made event histories, SQLite and PostgreSQL.

The drill clock starts on Wednesday 2026-11-25 09:00 (Shanghai). A dispatch then must be signed
by Thursday 11-26 24:00 (R-SIGN, 1 WD) and handled by Wednesday 12-09 24:00 (R-LIMIT, 10 WD).
Every figure below is worked out by hand in the test's docstring.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from console.errors import InputError, PermissionDenied, RuleError
from console.services.analytics import kpi
from console.services.analytics.kpi import parse_period, unit_kpis
from console.services.values import Kind, Role, Satisfaction
from console.services.views import Actor
from tests.conftest import at
from tests.store.conftest import Platform, intake

NOV, DEC, Q4 = parse_period("2026-11"), parse_period("2026-12"), parse_period("2026Q4")
OPINION = "来电人诉求已超出法定职责范围，事实清楚，已多次解释说明，建议终结备案。"


def dispatched(p: Platform, unit: str = "hn-rst", phone: str = "13812341234", **kw: object) -> str:
    return p.operator.accept(intake(Kind.COMPLAINT, caller_phone=phone, **kw), unit_id=unit)


def finish(p: Platform, clerk_of: str, number: str, sign: bool = True) -> None:
    clerk = {"hn-rst": p.rst, "hn-zjt": p.zjt, "hn-scjgj": p.scj}[clerk_of]
    if sign:
        clerk.sign(number)
    clerk.request_completion(number, "电话", p.clock.now().date(), "已处理")
    p.manager.review_completion(number, True)


def figure(
    p: Platform, period: kpi.Period, indicator: str, unit: str = "hn-rst"
) -> tuple[int, int]:
    f = unit_kpis(p.store, period, unit).units[0].figure(indicator)
    return f.numerator, f.denominator


def move_to(p: Platform, moment: str) -> None:
    p.clock.advance(at(moment) - p.clock.now())


def test_r_unit_kpi_response_rate_counts_signs_and_returns_within_the_sign_limit(
    platform: Platform,
) -> None:
    """Four dispatches in November, sign limits all due 11-26 24:00:

    * A to 人社厅, signed at once                     → responded
    * B to 人社厅, never signed                       → not responded
    * C to 人社厅, returned the same day (in time)     → responded; the manager approves and
      re-dispatches C to 住建厅, which signs          → 住建厅 1/1
    * D to 人社厅, signed on 11-27 (after the limit)  → not responded

    人社厅 2/4 = 50 %; 住建厅 1/1. The drill-down of 人社厅 lists B and D, and only them.
    """
    p = platform
    a, b, c, d = (dispatched(p, phone=f"1381234000{i}") for i in range(4))
    p.rst.sign(a)
    p.advance(hours=1)
    p.rst.return_ticket(c, "不属本单位职责", "三定方案")
    p.advance(hours=1)
    p.manager.review_return(c, True, "属住建职责", new_unit_id="hn-zjt")
    p.zjt.sign(c)
    move_to(p, "2026-11-27 10:00")
    p.rst.sign(d)
    assert figure(p, NOV, "response_rate") == (2, 4)
    assert figure(p, NOV, "response_rate", "hn-zjt") == (1, 1)
    against = kpi.drill_down(p.store, NOV, "hn-rst", "response_rate")
    assert [t.number for t in against] == [b, d] and all(t.why for t in against)
    assert unit_kpis(p.store, NOV, "hn-rst").units[0].figure("response_rate").rate == 0.5


def test_r_unit_kpi_the_last_second_of_a_limit_is_in_time_and_a_moment_belongs_to_one_period(
    platform: Platform,
) -> None:
    """A, dispatched Friday 11-27 10:00, must be signed by Monday 11-30 23:59:59 (R-SIGN, 1 WD):
    signed at 23:59:59 exactly, the last second of its limit → in time. 人社厅 then asks to
    complete it at once, and the manager approves at 12-01 00:00 exactly, the first moment of
    December: the completion is a December item, not a November one.

    人社厅 response November 1/1; on time November 0/0, December 1/1."""
    p = platform
    move_to(p, "2026-11-27 10:00")
    a = dispatched(p, phone="13812345001")
    move_to(p, "2026-11-30 23:59:59")
    p.rst.sign(a)
    p.rst.request_completion(a, "电话", p.clock.now().date(), "已处理")
    move_to(p, "2026-12-01 00:00")
    p.manager.review_completion(a, True)
    assert figure(p, NOV, "response_rate") == (1, 1)
    assert figure(p, NOV, "on_time_rate") == (0, 0)
    assert figure(p, DEC, "on_time_rate") == (1, 1)


def test_r_unit_kpi_asking_to_complete_in_the_last_second_of_the_limit_is_on_time(
    platform: Platform,
) -> None:
    """A, dispatched Wednesday 11-25 09:00, must be handled by 12-09 23:59:59 (R-LIMIT, 10 WD):
    人社厅 signs at once and asks to complete at 12-09 23:59:59 exactly; approved the next
    morning → on time. B, asked one second later, at 12-10 00:00 → late.

    人社厅 December 1/2; the drill-down lists B only."""
    p = platform
    a, b = (dispatched(p, phone=f"1381234600{i}") for i in range(2))
    p.rst.sign(a)
    p.rst.sign(b)
    move_to(p, "2026-12-09 23:59:59")
    p.rst.request_completion(a, "电话", p.clock.now().date(), "已处理")
    move_to(p, "2026-12-10 00:00")
    p.rst.request_completion(b, "电话", p.clock.now().date(), "已处理")
    move_to(p, "2026-12-10 09:00")
    p.manager.review_completion(a, True)
    p.manager.review_completion(b, True)
    assert figure(p, DEC, "on_time_rate") == (1, 2)
    assert [t.number for t in kpi.drill_down(p.store, DEC, "hn-rst", "on_time_rate")] == [b]


def test_r_unit_kpi_response_rate_waits_for_a_deadline_still_ahead(platform: Platform) -> None:
    """On 11-25 10:00 (the quarter not over): A signed, B not yet — its limit (11-26 24:00) is
    still ahead, so 人社厅 is 1/1, not 1/2; once the limit has passed unsigned, 1/2. The same
    through the backend the console and the API use (its clock is the platform's)."""
    p = platform
    a, b = (dispatched(p, phone=f"1381234100{i}") for i in range(2))
    p.rst.sign(a)
    p.advance(hours=1)
    report = p.manager.unit_kpis("2026Q4", "hn-rst")
    assert report.units[0].figure("response_rate").numerator == 1
    assert report.units[0].figure("response_rate").denominator == 1
    move_to(p, "2026-11-27 09:00")
    report = p.manager.unit_kpis("2026Q4", "hn-rst")
    assert (report.units[0].figure("response_rate").denominator, b) == (2, b)
    assert [t.number for t in p.manager.kpi_tickets("2026Q4", "hn-rst", "response_rate")] == [b]


def test_r_unit_kpi_on_time_rate_counts_approved_completions_against_the_round_limit(
    platform: Platform,
) -> None:
    """人社厅 in 2026Q4 (limits due 12-09 24:00):

    * A: completed 11-25, approved                   → on time
    * B: completion asked 12-11 (after 12-09), approved → late
    * C: extension of 5 WD approved (due 12-16), completed 12-14 → on time
    * D: terminated (终结备案)                        → not counted
    * E: returned, return approved → 住建厅 completes on time → counted for 住建厅 only
    * A again: dissatisfied, the manager orders a redo on 11-26; the redo round has its own
      limit (10 WD from 11-26: 12-10 24:00) and is completed 12-11 → a second item, late;
      A's first round stays on time (judged by the request it approved, not a later one)

    人社厅 2/4; 住建厅 1/1. Drill-down: A (its redo round) and B, both approved 12-11.
    """
    p = platform
    a, b, c, d, e = (dispatched(p, phone=f"1381234100{i}") for i in range(5))
    finish(p, "hn-rst", a)
    for n in (b, c, d):
        p.rst.sign(n)
    p.advance(hours=1)
    p.rst.return_ticket(e, "不属本单位职责", "三定方案")
    p.advance(hours=1)
    p.manager.review_return(e, True, "属住建职责", new_unit_id="hn-zjt")
    finish(p, "hn-zjt", e)
    p.rst.request_extension(c, 5, "需要现场核查")
    p.manager.review_extension(c, True, "同意")
    p.rst.request_termination(d, OPINION)
    p.manager.review_termination(d, True, "事实清楚，同意终结")
    p.operator.record_callback(a, Satisfaction.DISSATISFIED, "manual")
    move_to(p, "2026-11-26 10:00")
    p.manager.decide_dissatisfied(a, "redo", "承办单位未联系来电人")
    move_to(p, "2026-12-11 10:00")
    finish(p, "hn-rst", a, sign=False)
    finish(p, "hn-rst", b, sign=False)
    move_to(p, "2026-12-14 10:00")
    finish(p, "hn-rst", c, sign=False)
    assert figure(p, Q4, "on_time_rate") == (2, 4)
    assert figure(p, Q4, "on_time_rate", "hn-zjt") == (1, 1)
    assert [t.number for t in kpi.drill_down(p.store, Q4, "hn-rst", "on_time_rate")] == [a, b]


def test_r_unit_kpi_satisfaction_rate_counts_default_satisfied_and_skips_mediation(
    platform: Platform,
) -> None:
    """人社厅, all completed and called back in November:

    * A: 满意                                               → satisfied
    * B: 不满意                                             → not
    * C: three unanswered manual call-backs → 基本满意 by default (R-DEFAULT-SATISFIED) → satisfied
    * D: automatic call-back, no rating in 72 h → settled 基本满意 → satisfied
    * E: matter type 劳动争议调解 (Art. 20), 不满意          → not counted at all

    人社厅 3/4 = 75 %. Drill-down: only B.
    """
    p = platform
    a, b, c, d = (dispatched(p, phone=f"1381234200{i}") for i in range(4))
    e = dispatched(p, phone="13812342009", matter_type="劳动争议调解")
    for n in (a, b, c, d, e):
        finish(p, "hn-rst", n)
    p.operator.record_callback(a, Satisfaction.SATISFIED, "manual")
    p.operator.record_callback(b, Satisfaction.DISSATISFIED, "manual")
    p.operator.record_callback(e, Satisfaction.DISSATISFIED, "manual")
    for _ in range(3):
        p.operator.record_callback(c, None, "manual")
    system = p.operator.as_actor(Actor("system", "系统", Role.SYSTEM))
    system.record_callback(d, None, "auto")
    p.advance(hours=73)
    assert system.settle_callbacks() == [d]
    assert figure(p, NOV, "satisfaction_rate") == (3, 4)
    assert [t.number for t in kpi.drill_down(p.store, NOV, "hn-rst", "satisfaction_rate")] == [b]


def test_r_unit_kpi_resolution_rate_counts_a_redo_as_unresolved_and_a_close_as_resolved(
    platform: Platform,
) -> None:
    """人社厅 in November:

    * A: 满意                                          → resolved
    * B: 不满意, the manager orders a redo             → unresolved;
         the redo round completed, call-back 基本满意   → resolved (a second item)
    * C: 不满意, the manager closes (结案: handled per law) → resolved
    * D: 3 unanswered manual call-backs → default 基本满意 → resolved
    * E: co-unit ticket led by 人社厅 with 住建厅 cooperating, 满意 → resolved for 人社厅 only

    人社厅 5/6; 住建厅 0/0 (no rate). Drill-down: B once.
    """
    p = platform
    a, b, c, d = (dispatched(p, phone=f"1381234300{i}") for i in range(4))
    e = p.operator.accept(intake(Kind.COMPLAINT, caller_phone="13812343009"))
    p.manager.dispatch(e, "hn-rst", ["hn-zjt"])
    for n in (a, b, c, d, e):
        finish(p, "hn-rst", n)
    p.operator.record_callback(a, Satisfaction.SATISFIED, "manual")
    p.operator.record_callback(e, Satisfaction.SATISFIED, "manual")
    p.operator.record_callback(b, Satisfaction.DISSATISFIED, "manual")
    p.operator.record_callback(c, Satisfaction.DISSATISFIED, "manual")
    for _ in range(3):
        p.operator.record_callback(d, None, "manual")
    p.manager.decide_dissatisfied(b, "redo", "承办单位未联系来电人")
    p.manager.decide_dissatisfied(c, "close", "诉求超出法律规定，已依法答复")
    p.advance(days=1)
    finish(p, "hn-rst", b, sign=False)
    p.operator.record_callback(b, Satisfaction.BASIC, "manual")
    assert figure(p, NOV, "resolution_rate") == (5, 6)
    zjt = unit_kpis(p.store, NOV, "hn-zjt").units[0].figure("resolution_rate")
    assert (zjt.numerator, zjt.denominator, zjt.rate) == (0, 0, None)
    assert [t.number for t in kpi.drill_down(p.store, NOV, "hn-rst", "resolution_rate")] == [b]


def test_r_unit_kpi_merged_ticket_is_counted_once_through_its_master(platform: Platform) -> None:
    """Master M and ticket O (same matter) both go to 人社厅; neither is signed; O is merged
    into M on 11-25. Response in November: only M counts (0/1, not 0/2); M is then completed
    and called back 满意: satisfaction 1/1 (O's callers' survey does not count again)."""
    p = platform
    m, o = dispatched(p), dispatched(p, phone="13900001111")
    p.manager.merge_ticket(o, m, "同一企业欠薪，多名职工反映")
    assert figure(p, NOV, "response_rate") == (0, 1)
    finish(p, "hn-rst", m)
    p.operator.record_callback(m, Satisfaction.SATISFIED, "manual")
    assert figure(p, NOV, "satisfaction_rate") == (1, 1)


def test_r_unit_kpi_a_past_period_recomputes_to_the_same_figures(platform: Platform) -> None:
    """November's figures are taken on 11-30; December then brings a late sign, late
    completions, call-backs and a redo of November's tickets. Recomputed, November is the
    same; December has what happened in December."""
    p = platform
    a, b, c = (dispatched(p, phone=f"1381234400{i}") for i in range(3))
    finish(p, "hn-rst", a)
    p.operator.record_callback(a, Satisfaction.DISSATISFIED, "manual")
    move_to(p, "2026-11-30 12:00")
    before = unit_kpis(p.store, NOV)
    move_to(p, "2026-12-02 10:00")
    p.rst.sign(b)
    p.manager.merge_ticket(c, b, "同一事项")
    p.manager.decide_dissatisfied(a, "redo", "未联系来电人")
    finish(p, "hn-rst", a, sign=False)
    p.operator.record_callback(a, Satisfaction.SATISFIED, "manual")
    finish(p, "hn-rst", b, sign=False)
    p.operator.record_callback(b, Satisfaction.SATISFIED, "manual")
    assert unit_kpis(p.store, NOV) == before
    assert figure(p, NOV, "response_rate") == (1, 3)
    assert figure(p, DEC, "satisfaction_rate") == (2, 2)


def test_r_unit_kpi_kb_upkeep_rate_is_the_knowledge_base_rate_on_the_last_day(
    platform: Platform,
) -> None:
    """人社厅 has one article, review due 2027-06-30: current on 2026-12-31 → 1/1; in 2027 it
    is past review by the year's last day → 0/1."""
    assert figure(platform, Q4, "kb_upkeep_rate") == (1, 1)
    assert figure(platform, parse_period("2027"), "kb_upkeep_rate") == (0, 1)


@pytest.mark.parametrize("text", ["2026Q5", "26", "2026-13", "2026-q4", "", "1999", "2101"])
def test_period_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InputError) as e:
        parse_period(text)
    assert e.value.field == "period"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026Q1", "2026-01-01", "2026-04-01"),
        ("2026Q2", "2026-04-01", "2026-07-01"),
        ("2026Q3", "2026-07-01", "2026-10-01"),
        ("2026Q4", "2026-10-01", "2027-01-01"),
        (" 2026q4 ", "2026-10-01", "2027-01-01"),
        ("2026", "2026-01-01", "2027-01-01"),
        ("2028-02", "2028-02-01", "2028-03-01"),
        ("2026-12", "2026-12-01", "2027-01-01"),
        ("2000", "2000-01-01", "2001-01-01"),
        ("2100Q4", "2100-10-01", "2101-01-01"),
    ],
)
def test_periods(text: str, start: str, end: str) -> None:
    """Each quarter, a year, a month (a leap February, a December); the end is exclusive and
    the last day the one before it. One definition for unit KPIs, sub-centre KPIs and grades
    (2026q4 is 2026Q4 everywhere)."""
    period = parse_period(text)
    assert period.label == text.strip().upper()
    assert (period.start, period.end) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    assert period.last_day == period.end - dt.timedelta(days=1)
    assert period.start_at == at(f"{start} 00:00") and period.end_at == at(f"{end} 00:00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        period.label = "2027"  # type: ignore[misc]


def test_indicator_definitions_are_fixed() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        kpi.INDICATORS[0].name = "别的指标"  # type: ignore[misc]


def test_drill_down_names_an_unknown_indicator_and_the_kb_rate_has_no_tickets(
    platform: Platform,
) -> None:
    with pytest.raises(InputError) as e:
        kpi.drill_down(platform.store, NOV, "hn-rst", "speed_rate")
    assert e.value.field == "indicator" and "response_rate" in str(e.value)
    assert kpi.drill_down(platform.store, NOV, "hn-rst", "kb_upkeep_rate") == []


def test_r_unit_kpi_a_unit_no_longer_active_is_left_out(platform: Platform) -> None:
    """A unit taken out of the catalogue (inactive) is not graded; the others are."""
    from console.store.models import UnitRow

    listed = {u.unit_id for u in unit_kpis(platform.store, NOV).units}
    assert "hn-rst" in listed
    with platform.store.write() as s:
        row = s.get(UnitRow, "hn-rst")
        assert row is not None
        row.active = False
    after = {u.unit_id for u in unit_kpis(platform.store, NOV).units}
    assert after == listed - {"hn-rst"}


def test_kpi_document_is_generated_from_the_definitions() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "kpi.zh.md").read_text(encoding="utf-8")
    assert doc == kpi.doc_markdown() + "\n"
    for ind in kpi.INDICATORS:
        assert f"`{ind.id}`" in doc and ind.name in doc


def test_r_unit_kpi_the_indicators_are_read_from_one_picture_of_the_data(
    platform: Platform,
) -> None:
    """The indicators' statements run side by side (PostgreSQL) yet see the same committed
    data: a unit added while the report is being read is in none of its parts."""
    import threading
    import time

    from sqlalchemy import func, select

    from console.store.models import UnitRow

    store = platform.operator.store
    written = threading.Event()

    def count_then_add(s: Any) -> int:
        seen = s.execute(select(func.count()).select_from(UnitRow)).scalar_one()
        with store.write() as w:  # another seat's commit, while the report is being read
            w.add(UnitRow(id="hn-new", name="新单位", full_name="新单位", category="省直"))
        written.set()
        return int(seen)

    def count_after(s: Any) -> int:
        written.wait(10)
        time.sleep(0.05)
        return int(s.execute(select(func.count()).select_from(UnitRow)).scalar_one())

    first, second = store.read_together([count_then_add, count_after])
    assert first == second
    with store.read() as s:
        assert s.execute(select(func.count()).select_from(UnitRow)).scalar_one() == first + 1


def test_r_unit_kpi_a_co_handled_ticket_scores_its_lead_unit_only(platform: Platform) -> None:
    """人社厅 leads, 住建厅 co-handles (协办) one ticket: the lead signs, the co-unit sends its
    part, the lead completes on time and the caller is satisfied. Every indicator counts the
    ticket once, for 人社厅; 住建厅 is scored on nothing (its own tickets only)."""
    p = platform
    number = dispatched(p)
    p.manager.designate_lead(number, "hn-rst", ["hn-zjt"], "涉及多个部门")
    p.rst.sign(number)
    p.zjt.report_co_part(number, "已核实本单位职责部分，已处理完毕并告知牵头单位")
    finish(p, "hn-rst", number, sign=False)
    p.operator.record_callback(number, Satisfaction.SATISFIED, "manual", "满意")
    move_to(p, "2026-12-31 10:00")
    for indicator in ("response_rate", "on_time_rate", "resolution_rate", "satisfaction_rate"):
        assert figure(p, Q4, indicator) == (1, 1), indicator
        assert figure(p, Q4, indicator, "hn-zjt") == (0, 0), indicator


def test_r_dissatisfied_outcomes_a_law_case_found_by_the_manager_is_not_scored_on_satisfaction(
    platform: Platform,
) -> None:
    """Art. 20: 人社厅's tickets A (满意) and B (不满意) in November. The manager finds B an
    administrative-mediation case on 11-28: November's satisfaction is 1/1, not 1/2, and B's
    rating leaves the drill-down. A finding made only after the period ended changes nothing
    in it (C, rated 不满意 in November, marked in December: November stays as it was)."""
    p = platform
    a, b, c = (dispatched(p, phone=f"1381234300{i}") for i in range(3))
    for n in (a, b, c):
        finish(p, "hn-rst", n)
    p.operator.record_callback(a, Satisfaction.SATISFIED, "manual")
    p.operator.record_callback(b, Satisfaction.DISSATISFIED, "manual")
    p.operator.record_callback(c, Satisfaction.DISSATISFIED, "manual")
    assert figure(p, NOV, "satisfaction_rate") == (1, 3)
    with pytest.raises(PermissionDenied):  # the manager's finding, not the unit's
        p.rst.mark_law_case(b, "属劳动争议调解案件")
    with pytest.raises(InputError) as empty:
        p.manager.mark_law_case(b, "  ")
    assert empty.value.field == "note"
    move_to(p, "2026-11-28 10:00")
    p.manager.mark_law_case(b, "属劳动争议行政调解案件，已依法调解")
    assert figure(p, NOV, "satisfaction_rate") == (1, 2)
    assert [t.number for t in kpi.drill_down(p.store, NOV, "hn-rst", "satisfaction_rate")] == [c]
    with pytest.raises(RuleError) as again:
        p.manager.mark_law_case(b, "再次认定")
    assert again.value.rule == "R-DISSATISFIED-OUTCOMES"
    move_to(p, "2026-12-02 10:00")
    p.manager.mark_law_case(c, "属行政执法办案类事项")
    assert figure(p, NOV, "satisfaction_rate") == (1, 2)  # November already over
    [marked] = [e for e in p.manager.ticket(b).events if e.action == "law_case"]
    assert marked.reason.startswith("属劳动争议") and marked.actor == "优化办乙"
    assert marked.label == "认定为调解、执法办案类"


def test_r_dissatisfied_outcomes_a_finding_made_in_error_is_withdrawn_and_scored_again(
    platform: Platform,
) -> None:
    """The manager finds B (不满意, November) a mediation case on 11-28, then takes the
    finding back on 12-02 as made in error: November — over before the withdrawal — stays
    1/1; Q4, which the withdrawal falls in, scores B again (1/2). Only a ticket that stands
    found can have its finding withdrawn; once withdrawn it may be found again."""
    p = platform
    a, b = (dispatched(p, phone=f"1381234310{i}") for i in range(2))
    for n in (a, b):
        finish(p, "hn-rst", n)
    p.operator.record_callback(a, Satisfaction.SATISFIED, "manual")
    p.operator.record_callback(b, Satisfaction.DISSATISFIED, "manual")
    with pytest.raises(RuleError) as nothing:
        p.manager.withdraw_law_case(b, "认定有误")
    assert nothing.value.rule == "R-DISSATISFIED-OUTCOMES"
    move_to(p, "2026-11-28 10:00")
    p.manager.mark_law_case(b, "属劳动争议行政调解案件")
    assert [a.action for a in p.manager.ticket(b).actions if a.action.endswith("law_case")] == [
        "withdraw_law_case"
    ]
    move_to(p, "2026-12-02 10:00")
    with pytest.raises(PermissionDenied):
        p.rst.withdraw_law_case(b, "不是调解案件")
    with pytest.raises(InputError) as bare:
        p.manager.withdraw_law_case(b, " ")
    assert bare.value.field == "note"
    assert figure(p, Q4, "satisfaction_rate") == (1, 1)
    p.manager.withdraw_law_case(b, "经核实不属调解案件，认定有误")
    assert figure(p, NOV, "satisfaction_rate") == (1, 1)  # November already over
    assert figure(p, Q4, "satisfaction_rate") == (1, 2)
    [undone] = [e for e in p.manager.ticket(b).events if e.action == "law_case_withdrawn"]
    assert undone.label == "撤销调解、执法办案类认定" and undone.reason.startswith("经核实")
    assert [a.action for a in p.manager.ticket(b).actions if a.action.endswith("law_case")] == [
        "mark_law_case"
    ]
    p.manager.mark_law_case(b, "复核后确属行政调解案件")
    assert figure(p, Q4, "satisfaction_rate") == (1, 1)


def test_r_dissatisfied_outcomes_a_withdrawal_undoes_only_its_own_tickets_finding(
    platform: Platform,
) -> None:
    """人社厅's A (满意), B and C (不满意) in November. The manager finds B a mediation case
    on 11-28, finds C one too, then withdraws C's finding as made in error: C is scored again,
    B stays found (a withdrawal written after B's finding, on another ticket, leaves B's
    finding standing) — 1/2, with only C against the unit."""
    p = platform
    a, b, c = (dispatched(p, phone=f"1381234320{i}") for i in range(3))
    for n in (a, b, c):
        finish(p, "hn-rst", n)
    p.operator.record_callback(a, Satisfaction.SATISFIED, "manual")
    p.operator.record_callback(b, Satisfaction.DISSATISFIED, "manual")
    p.operator.record_callback(c, Satisfaction.DISSATISFIED, "manual")
    move_to(p, "2026-11-28 10:00")
    p.manager.mark_law_case(b, "属劳动争议行政调解案件")
    p.manager.mark_law_case(c, "属行政执法办案类事项")
    assert figure(p, NOV, "satisfaction_rate") == (1, 1)
    p.advance(hours=1)
    p.manager.withdraw_law_case(c, "经核实不属执法办案类，认定有误")
    assert figure(p, NOV, "satisfaction_rate") == (1, 2)
    assert [t.number for t in kpi.drill_down(p.store, NOV, "hn-rst", "satisfaction_rate")] == [c]
