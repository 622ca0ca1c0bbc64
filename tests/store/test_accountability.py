"""Accountability lists (Art. 25): the manager's leads against units, from the event history,
on SQLite and PostgreSQL. The drill clock starts on Wednesday 2026-11-25 09:00 (Shanghai)."""

from __future__ import annotations

import datetime as dt

from console.services.analytics import accountability
from console.services.analytics.kpi import parse_period
from console.services.knowledge.upkeep import maintenance_rates
from console.services.values import Kind, Satisfaction
from tests.conftest import at
from tests.store.conftest import Platform, intake

Q4 = parse_period("2026Q4")


def dispatched(p: Platform, unit: str = "hn-rst") -> str:
    return p.operator.accept(intake(Kind.COMPLAINT), unit_id=unit)


def leads(p: Platform, unit: str | None = None) -> list[tuple[int, str, str]]:
    found = accountability.findings(p.store, Q4, p.clock.now(), unit)
    return [(f.ground, f.unit_id, f.number) for f in found if f.number]


def test_r_accountability_a_refused_and_a_late_return_are_passing_the_ticket_on(
    platform: Platform,
) -> None:
    """(1) 推诿、不当退单: 人社厅's return refused by the manager is one lead; 住建厅's return on
    the 3rd working day (past R-RETURN's window) another; 人社厅's timely, approved return none."""
    p = platform
    refused = dispatched(p)
    p.rst.return_ticket(refused, "不属于本单位职责", "三定方案")
    p.manager.review_return(refused, False, "属人社部门职责，退回理由不成立")
    approved = dispatched(p)
    p.rst.return_ticket(approved, "属住建部门职责", "三定方案")
    p.manager.review_return(approved, True, "同意", "hn-zjt")
    late = dispatched(p, "hn-zjt")
    p.zjt.sign(late)
    p.clock.set(at("2026-11-30 10:00"))  # 3rd working day
    p.zjt.return_ticket(late, "经核实不属于本单位", "职责清单")
    assert sorted(leads(p)) == sorted([(1, "hn-rst", refused), (1, "hn-zjt", late)])
    assert leads(p, "hn-zjt") == [(1, "hn-zjt", late)]
    [finding] = [
        f for f in accountability.findings(p.store, Q4, p.clock.now()) if f.number == refused
    ]
    assert finding.ground_label == "推诿扯皮、不当退单" and "退回理由不成立" in finding.what


def test_r_accountability_a_late_reply_and_an_unanswered_supervision_are_delays(
    platform: Platform,
) -> None:
    """(2) 督办后仍不落实、拖延不办: a completion sent back twice (R-LATE-REPLY) and a 督办
    whose limit passes before it is closed (R-SUPERVISE-LIMIT); one replied and closed in
    time is none."""
    p = platform
    slow = dispatched(p)
    p.rst.sign(slow)
    for n in (1, 2):
        p.rst.request_completion(slow, "电话", dt.date(2026, 11, 25), f"第{n}次答复")
        p.manager.review_completion(slow, False, "要素不全")
    ignored = dispatched(p, "hn-zjt")
    p.manager.open_supervision(ignored, 3, "written", "多人反映")
    answered = dispatched(p)
    sid = p.manager.open_supervision(answered, 3, "written", "多人反映")
    p.rst.reply_supervision(sid, "已约谈企业")
    p.manager.close_supervision(sid, "已落实")
    assert leads(p) == [(2, "hn-rst", slow)]  # the 督办 limit has not passed yet
    [late] = accountability.findings(p.store, Q4, p.clock.now())[-1:]
    # the finding says what was late, not the manager's words on the second refusal
    assert late.what == "办结申请两次被退回，认定未按时回复（R-LATE-REPLY）"
    p.clock.set(at("2026-12-28 09:00"))
    assert sorted(leads(p)) == sorted([(2, "hn-rst", slow), (2, "hn-zjt", ignored)])
    assert leads(p, "hn-zjt") == [(2, "hn-zjt", ignored)]


def test_r_accountability_a_redo_is_poor_quality(platform: Platform) -> None:
    """(3) 完成质量差: a dissatisfied call-back the manager sends back to be redone."""
    p = platform
    number = dispatched(p)
    p.rst.sign(number)
    p.rst.request_completion(number, "电话", dt.date(2026, 11, 25), "已处理")
    p.manager.review_completion(number, True)
    p.operator.record_callback(number, Satisfaction.DISSATISFIED, "manual", "没人联系我")
    p.manager.decide_dissatisfied(number, "redo", "承办单位未联系来电人")
    assert leads(p) == [(3, "hn-rst", number)]


def test_r_accountability_a_late_return_is_held_against_the_unit_that_returned_it(
    platform: Platform,
) -> None:
    """住建厅 returns on the 3rd working day (late); the manager still approves and sends the
    ticket to 人社厅. The lead is 住建厅's, whose return it was, not 人社厅's, which holds the
    ticket now."""
    p = platform
    late = dispatched(p, "hn-zjt")
    p.zjt.sign(late)
    p.clock.set(at("2026-11-30 10:00"))
    p.zjt.return_ticket(late, "经核实不属于本单位", "职责清单")
    p.manager.review_return(late, True, "属人社部门职责", "hn-rst")
    assert leads(p) == [(1, "hn-zjt", late)]


def test_r_accountability_knowledge_past_its_review_is_a_lead_in_the_period_it_lapses(
    platform: Platform,
) -> None:
    """(4) 人社厅's seed article is due for review on 2027-06-30: current on the last day of
    December 2026 and on 2027-06-30 itself, the last day of June (no lead); past review on the
    last day of July 2027 — one lead, ground 4, dated the period's end."""
    p = platform

    def knowledge(month: str) -> list[accountability.Finding]:
        found = accountability.findings(
            p.store, parse_period(month), at("2027-09-01 09:00"), "hn-rst"
        )
        return [f for f in found if f.ground == 4]

    assert knowledge("2026-12") == []
    assert knowledge("2027-06") == []  # due on June's last day
    [lead] = knowledge("2027-07")
    assert (lead.unit_id, lead.number, lead.ground_label) == (
        "hn-rst",
        "",
        "知识库维护不及时、不准确",
    )
    assert lead.what.startswith("1 条知识逾期未复核") and lead.at == at("2027-08-01 00:00")


def test_r_accountability_stale_knowledge_is_listed_per_unit(platform: Platform) -> None:
    """(4) 知识库维护不及时: an article past its review date on the period's last day."""
    p = platform
    kb = [f for f in accountability.findings(p.store, Q4, p.clock.now()) if f.ground == 4]
    before = {f.unit_id for f in kb}
    rates = {r.unit_id: r for r in maintenance_rates(p.store, Q4.last_day)}
    assert before == {u for u, r in rates.items() if r.articles > r.current}


def test_r_accountability_outside_the_period_nothing(platform: Platform) -> None:
    p = platform
    refused = dispatched(p)
    p.rst.return_ticket(refused, "不属于本单位职责", "三定方案")
    p.manager.review_return(refused, False, "不成立")
    october = accountability.findings(p.store, parse_period("2026-10"), p.clock.now())
    assert [f for f in october if f.number] == []
