"""The expert seats' measures (R-EXPERT, R-CONSULT, R-KB, R-ENTERPRISE) on SQLite and
PostgreSQL: queue wait from the hand-off to the first opening by an expert (or the answer, when
it was answered unopened), answer time from the hand-off to the answer, nearest-rank p50/p90 and
the mean per field and per unit; the answers turned into draft and verified articles; policy
push reach; what a unit clerk reads; a later take or answer leaves a past period as it was.

Clock: Wednesday 2026-11-25 09:00 (Beijing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from console.errors import InputError, PermissionDenied
from console.services.values import Role
from console.services.views import Actor, ExpertMeasureLine, PolicySubscriptionDraft
from tests.conftest import at
from tests.store.conftest import Platform
from tests.store.test_expert_handoff import consult, experts  # noqa: F401 — the fixture

SUBSCRIBER = PolicySubscriptionDraft("citizen", "丁女士", "13900000004", True, topics=("社保",))


def _line(lines: tuple[ExpertMeasureLine, ...], key: str) -> ExpertMeasureLine:
    return next(x for x in lines if x.key == key)


@pytest.fixture
def month(experts) -> tuple[Platform, dict[str, str]]:  # type: ignore[no-untyped-def]  # noqa: F811
    """Four hand-offs on 2026-11-25:

    - A 09:00 to 王社保 by name: opened 09:10, answered 10:00, captured, verified (a policy);
    - B 10:00 to the 社会管理 queue: opened by 李住建 10:30, answered 12:00;
    - C 12:00 to the 社保缴费 queue: answered unopened by 王社保 12:20, captured (a draft);
    - D 13:00 to the 社保缴费 queue: never opened.
    """
    p, wang, _, wang_seat, li_seat = experts
    p.operator.subscribe_policy(SUBSCRIBER)
    a = p.operator.hand_to_expert(consult(), "社保缴费", wang, consent=True)
    p.advance(minutes=10)
    assert wang_seat.take_handoff(a).taken_at == p.clock.now()
    p.advance(minutes=50)
    wang_seat.take_handoff(a)  # a second opening does not move the take
    wang_seat.answer_consultation(a, "不能一次性提取，退休后按月领取。")
    article = wang_seat.capture_article(a, "养老保险个人账户余额能否一次性提取", ("政策", "社保"))
    p.rst.verify_article(article, review_by=dt.date(2027, 6, 30))
    b = p.operator.hand_to_expert(consult("小区加装电梯怎么申请补贴？"), "社会管理", consent=True)
    p.advance(minutes=30)
    li_seat.take_handoff(b)
    p.advance(minutes=90)
    li_seat.answer_consultation(b, "向街道提出申请。")
    c = p.operator.hand_to_expert(consult("社保断缴三个月怎么补？"), "社保缴费", consent=True)
    p.advance(minutes=20)
    wang_seat.answer_consultation(c, "到社保经办机构补缴。")
    wang_seat.capture_article(c, "社保断缴后怎么补缴")
    p.advance(minutes=40)
    d = p.operator.hand_to_expert(consult("灵活就业社保怎么交？"), "社保缴费", consent=True)
    return p, {"a": a, "b": b, "c": c, "d": d, "wang": wang}


def test_r_expert_wait_counts_from_handoff_to_first_opening_or_unopened_answer(month) -> None:  # type: ignore[no-untyped-def]
    p, _ = month
    m = p.manager.expert_measures("2026-11")
    # waits 600 s (A, opened), 1800 s (B, opened), 1200 s (C, answered unopened); D untaken
    assert dataclasses.astuple(m.total.wait) == (3, 1200.0, 1200.0, 1800.0)
    assert m.total.handed == 4 and m.total.untaken == 1
    rst = _line(m.fields, "social-insurance")
    assert (rst.handed, rst.untaken) == (3, 1)
    assert dataclasses.astuple(rst.wait) == (2, 900.0, 600.0, 1200.0)


def test_r_consult_answer_time_counts_from_handoff_to_answer(month) -> None:  # type: ignore[no-untyped-def]
    p, _ = month
    m = p.manager.expert_measures("2026Q4")
    # 3600 s (A), 7200 s (B), 1200 s (C)
    assert dataclasses.astuple(m.total.answer) == (3, 4000.0, 3600.0, 7200.0)
    assert dataclasses.astuple(_line(m.fields, "social_management").answer) == (
        1, 7200.0, 7200.0, 7200.0,
    )  # fmt: skip
    # per unit: the answering expert's unit; D, a queue hand-off unanswered, has none yet
    assert [u.key for u in m.units] == ["", "hn-rst", "hn-zjt"]
    assert dataclasses.astuple(_line(m.units, "hn-rst").answer) == (2, 2400.0, 1200.0, 3600.0)
    assert _line(m.units, "").handed == 1 and _line(m.units, "").untaken == 1


def test_r_kb_share_of_answers_turned_into_draft_and_verified_articles(month) -> None:  # type: ignore[no-untyped-def]
    p, _ = month
    m = p.manager.expert_measures("2026")
    assert (m.total.drafted, m.total.verified) == (2, 1)
    assert m.total.draft_share == pytest.approx(2 / 3)
    assert m.total.verified_share == pytest.approx(1 / 3)
    zjt = _line(m.units, "hn-zjt")
    assert (zjt.drafted, zjt.verified, zjt.draft_share) == (0, 0, 0.0)


def test_r_enterprise_push_reach_is_the_push_reports(month) -> None:  # type: ignore[no-untyped-def]
    p, _ = month
    m = p.manager.expert_measures("2026-11")
    report = p.manager.policy_push_report("2026-11")
    assert report.pushed == 1  # the verified policy article reached the subscriber's topic
    assert (m.push.articles, m.push.pushed, m.push.delivered) == (1, 1, 0)
    assert m.push.subscriptions == report.subscriptions == 1 and m.push.reach == 0.0
    assert p.zjt.expert_measures("2026-11").push.pushed == 0  # another unit's article


def test_r_security_a_unit_clerk_reads_its_own_units_measures_only(month) -> None:  # type: ignore[no-untyped-def]
    p, _ = month
    own = p.rst.expert_measures("2026-11")
    assert own.unit == "hn-rst" and [u.key for u in own.units] == ["hn-rst"]
    assert own.total.handed == 2 and own.total.answer.count == 2  # A and C, not B or D
    with pytest.raises(PermissionDenied) as err:
        p.rst.expert_measures("2026-11", "hn-zjt")
    assert err.value.rule == "R-SECURITY"
    with pytest.raises(PermissionDenied):
        p.operator.expert_measures("2026-11")
    with pytest.raises(InputError) as bad:
        p.manager.expert_measures("2026-13")
    assert bad.value.field == "period"
    with pytest.raises(InputError) as bad:
        p.manager.expert_measures("2026-11", "hn-none")
    assert bad.value.field == "unit"


def test_r_expert_a_later_take_or_answer_leaves_a_past_period_as_it_was(month) -> None:  # type: ignore[no-untyped-def]
    p, ids = month
    before = p.manager.expert_measures("2026-11")
    p.clock.set(at("2026-12-01 09:00"))
    wang_seat = p.operator.as_actor(Actor("ex-wang", "王社保", Role.EXPERT))
    wang_seat.take_handoff(ids["d"])  # D taken and answered in December
    wang_seat.answer_consultation(ids["d"], "可以按月缴纳。")
    assert p.manager.expert_measures("2026-11") == before
    december = p.manager.expert_measures("2026-12")
    assert december.total.handed == 0 and december.total.untaken == 0
    assert december.total.wait.count == 1 and december.total.answer.count == 1
    assert december.total.wait.p50_s == (5 * 24 + 20) * 3600.0  # 11-25 13:00 → 12-01 09:00


def test_r_expert_handoffs_are_listed_with_their_clocks(month) -> None:  # type: ignore[no-untyped-def]
    p, ids = month
    listed = p.manager.expert_handoffs()
    assert [h.number for h in listed] == [ids["d"], ids["c"], ids["b"], ids["a"]]  # newest first
    a = listed[-1]
    assert (a.handed_at, a.taken_at, a.answered_at) == (
        at("2026-11-25 09:00"), at("2026-11-25 09:10"), at("2026-11-25 10:00"),
    )  # fmt: skip
    assert a.due_at == at("2026-11-26 09:00")  # R-CONSULT, 24 hours
    c = listed[1]
    assert c.taken_at == c.answered_at == at("2026-11-25 12:20")  # answered unopened
    assert listed[0].taken_at is None and listed[0].state == "open"
    assert [h.number for h in p.manager.expert_handoffs(waiting=True)] == [ids["d"]]
    assert [h.number for h in p.manager.expert_handoffs("社会管理")] == [ids["b"]]
    p.clock.set(at("2026-12-03 09:00"))
    assert p.manager.expert_handoffs(days=7) == []
    assert len(p.manager.expert_handoffs(days=8)) == 4
    with pytest.raises(InputError) as bad:
        p.manager.expert_handoffs(days=0)
    assert bad.value.field == "days"
    with pytest.raises(PermissionDenied) as err:
        p.rst.expert_handoffs()
    assert err.value.rule == "R-EXPERT"


def test_r_expert_percentiles_are_nearest_rank(experts) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    p, wang, _, wang_seat, _ = experts
    for minutes in range(1, 11):  # opened 1, 2, … 10 minutes after each hand-off
        number = p.operator.hand_to_expert(
            consult(f"社保问题{minutes}"), "社保缴费", wang, consent=True
        )
        p.advance(minutes=minutes)
        wang_seat.take_handoff(number)
    wait = p.manager.expert_measures("2026-11").total.wait
    # the 5th and the 9th of ten (not interpolated: 330 s and 546 s; not the largest, 600 s)
    assert dataclasses.astuple(wait) == (10, 330.0, 300.0, 540.0)
