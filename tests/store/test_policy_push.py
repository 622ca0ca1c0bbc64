"""Precise policy push (精准推送, R-ENTERPRISE, Art. 29; R-KB) on SQLite and PostgreSQL.

Enterprises (and citizens who consent) subscribe by industry, size, region or topic; when a
policy article is verified — first published, or a changed text cross-checked — one message
per matching live subscription goes into the outbox in the verification's transaction, once
per article version; the worker sends it; an unsubscription withdraws what is not yet sent;
the manager counts what was pushed; a unit clerk reads neither subscribers nor another unit's
counts.

Articles (all drafts until verified):
- ``pol-small``: 省市场监管局, 政企通, tags 小微企业/税收优惠 — the whole province, small and
  micro enterprises;
- ``pol-cs``: 长沙市优化办 (a city unit of 长沙), 政企通, tags 外贸/自贸区 — 长沙, foreign trade;
- ``hn-rst-001``: 社保 (not a policy article).
Subscriptions: 甲 (小型, 长沙), 乙 (制造业, 常德), 丙 (大型), a citizen 丁 (社保, consenting).

Clock: Wednesday 2026-11-25 09:00 (Beijing).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from console.errors import InputError, PermissionDenied, RuleError
from console.services.delivery.outbox import deliver_due
from console.services.delivery.sinks import FileSink
from console.services.local import LocalBackend
from console.services.values import Role
from console.services.views import Actor, PolicySubscriptionDraft
from console.store.models import (
    ArticleRow,
    AuditRow,
    OutboxRow,
    PolicyPushRow,
    PolicySubscriptionRow,
    UnitRow,
)
from tests.conftest import at
from tests.store.conftest import Platform

JIA = PolicySubscriptionDraft(
    "enterprise", "甲科技有限公司", "13900000001", True, sizes=("小型",), regions=("长沙市",)
)
YI = PolicySubscriptionDraft(
    "enterprise", "乙机械厂", "13900000002", True, industries=("制造业",), regions=("常德",)
)
BING = PolicySubscriptionDraft("enterprise", "丙集团", "13900000003", True, sizes=("大型",))
DING = PolicySubscriptionDraft("citizen", "丁女士", "13900000004", True, topics=("社保",))


def _article(aid: str, unit_id: str, question: str, tags: list[str]) -> ArticleRow:
    return ArticleRow(
        id=aid,
        unit_id=unit_id,
        question=question,
        alt_questions=[],
        answer="符合条件的企业按现行规定申请，具体以主管部门公布的办理指南为准。",
        basis="《湖南省优化营商环境条例》",
        domain="business_environment",
        tags=tags,
        enterprise=True,
        effective=dt.date(2026, 1, 1),
        review_by=dt.date(2027, 6, 30),
        status="draft",
        updated_at=at("2026-11-20 09:00"),
    )


@pytest.fixture
def p(platform: Platform) -> Platform:
    with platform.store.write() as s:
        s.add(
            UnitRow(
                id="cs-yhb", name="长沙市优化办", full_name="长沙市优化营商环境办公室",
                category="city", city="长沙市", active=True,
            )
        )  # fmt: skip
        s.flush()
        s.add(
            _article("pol-small", "hn-scjgj", "小微企业有哪些税收优惠？", ["小微企业", "税收优惠"])
        )
        s.add(
            _article(
                "pol-cs", "cs-yhb", "长沙自贸片区进出口企业有哪些通关便利？", ["外贸", "自贸区"]
            )
        )
    return platform


def cs_clerk(p: Platform) -> LocalBackend:
    return p.operator.as_actor(Actor("u-cs", "长沙优化办庚", Role.UNIT_CLERK, "cs-yhb"))


def pushes(p: Platform) -> list[tuple[str, int, str]]:
    with p.store.read() as s:
        rows = s.execute(
            select(PolicyPushRow.article_id, PolicyPushRow.version, PolicySubscriptionRow.name)
            .join(PolicySubscriptionRow)
            .order_by(PolicyPushRow.id)
        ).all()
    return [(a, v, n) for a, v, n in rows]


def messages(p: Platform) -> list[OutboxRow]:
    with p.store.read() as s:
        return list(
            s.execute(select(OutboxRow).where(OutboxRow.ticket_id.is_(None)).order_by(OutboxRow.id))
            .scalars()
            .all()
        )


def subscribe_all(p: Platform) -> dict[str, str]:
    return {
        "甲": p.operator.subscribe_policy(JIA),
        "乙": p.operator.subscribe_policy(YI),
        "丙": p.manager.subscribe_policy(BING),
        "丁": p.operator.subscribe_policy(DING),
    }


def test_r_enterprise_a_verified_policy_article_goes_to_the_subscribers_it_concerns(
    p: Platform,
) -> None:
    subscribe_all(p)
    p.manager.verify_article("pol-small")  # province-wide, 小型/微型
    assert pushes(p) == [("pol-small", 2, "甲科技有限公司"), ("pol-small", 2, "乙机械厂")]
    cs_clerk(p).verify_article("pol-cs")  # 长沙, 外贸: 甲 (长沙) and 丙 (any region); 乙 is 常德
    assert [n for a, _, n in pushes(p) if a == "pol-cs"] == ["甲科技有限公司", "丙集团"]
    p.manager.verify_article("hn-rst-001")  # not a policy article: nobody
    assert len(pushes(p)) == 4
    sent = messages(p)
    assert [m.target for m in sent] == ["13900000001", "13900000002", "13900000001", "13900000003"]
    first = sent[0]
    assert first.channel == "sms" and first.next_attempt_at is None  # 09:00: not quiet hours
    assert first.idempotency_key == f"policy:pol-small:v2:{first.payload['subscription_id']}"
    assert "小微企业有哪些税收优惠" in first.payload["message"]
    assert "省市场监管局" in first.payload["message"] and "回复TD退订" in first.payload["message"]
    assert "R-" not in first.payload["message"]  # no rule id in a text to the public
    with p.store.read() as s:
        audited = s.execute(
            select(AuditRow.detail).where(
                AuditRow.action == "verify_article", AuditRow.target == "pol-small"
            )
        ).scalar_one()
    assert "pushed" in json.dumps(audited)


def test_r_enterprise_a_version_is_pushed_once_a_changed_text_again(p: Platform) -> None:
    subscribe_all(p)
    p.manager.verify_article("pol-small")
    assert len(pushes(p)) == 2
    p.manager.verify_article("pol-small", review_by=dt.date(2027, 9, 1))  # renewed as it was
    assert len(pushes(p)) == 2
    edit = p.scj.article_for_edit("pol-small")
    p.scj.edit_article(
        "pol-small", edit.version, "小微企业和个体工商户有哪些税收优惠？", edit.answer,
        edit.basis, ["小微企业", "税收优惠"], dt.date(2027, 6, 30),
    )  # fmt: skip
    assert len(pushes(p)) == 2  # a draft pushes nothing: operators do not see it either
    p.manager.verify_article("pol-small")  # the change cross-checked: pushed again
    assert [(a, v) for a, v, _ in pushes(p)][2:] == [("pol-small", 5), ("pol-small", 5)]
    assert "个体工商户" in messages(p)[-1].payload["message"]


def test_r_enterprise_quiet_hours_hold_the_push_until_morning(p: Platform) -> None:
    subscribe_all(p)
    p.clock.set(at("2026-11-25 22:30"))
    p.manager.verify_article("pol-small")
    assert {m.next_attempt_at for m in messages(p)} == {at("2026-11-26 08:00")}


def test_r_enterprise_the_worker_sends_and_an_unsubscription_withdraws_the_rest(
    p: Platform, tmp_path: Path
) -> None:
    subs = subscribe_all(p)
    p.clock.set(at("2026-11-25 22:30"))
    p.manager.verify_article("pol-small")  # held until 08:00 for 甲 and 乙
    assert p.operator.unsubscribe_policy(subs["甲"], "来电人回复TD退订") == 1
    p.clock.set(at("2026-11-26 08:05"))
    sink = tmp_path / "sms.jsonl"
    report = deliver_due(p.store, FileSink(sink), p.clock)
    assert len(report.delivered) == 1
    [line] = [json.loads(x) for x in sink.read_text().splitlines()]
    assert line["target"] == "13900000002" and line["key"].startswith("policy:pol-small:")
    # ended: never pushed again, and counted
    p.clock.set(at("2026-12-01 09:00"))
    cs_clerk(p).verify_article("pol-cs")
    assert "甲科技有限公司" not in [n for a, _, n in pushes(p) if a == "pol-cs"]
    month = p.manager.policy_push_report("2026-11")
    assert [(x.article_id, x.pushed, x.delivered, x.waiting, x.not_sent) for x in month.lines] == [
        ("pol-small", 2, 1, 0, 1),
    ]
    assert (month.subscriptions, month.unsubscribed) == (3, 1)
    december = p.manager.policy_push_report("2026-12")
    assert [(x.article_id, x.pushed, x.waiting) for x in december.lines] == [("pol-cs", 1, 1)]
    assert [x.article_id for x in p.manager.policy_push_report("2026Q4").lines] == [
        "pol-small", "pol-cs",
    ]  # fmt: skip


def test_r_confidential_a_citizen_is_pushed_nothing_without_consent(p: Platform) -> None:
    with pytest.raises(RuleError) as refused:
        p.operator.subscribe_policy(
            PolicySubscriptionDraft("citizen", "戊先生", "13900000005", False, topics=("社保",))
        )
    assert refused.value.rule == "R-CONFIDENTIAL"
    with pytest.raises(InputError) as no_consent:
        p.operator.subscribe_policy(
            PolicySubscriptionDraft("enterprise", "己公司", "13900000006", False)
        )
    assert no_consent.value.field == "consent"
    with p.store.read() as s:
        assert s.execute(select(func.count()).select_from(PolicySubscriptionRow)).scalar_one() == 0


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (PolicySubscriptionDraft("shop", "甲", "13900000001", True), "kind"),
        (PolicySubscriptionDraft("enterprise", " ", "13900000001", True), "name"),
        (PolicySubscriptionDraft("enterprise", "甲", "12345", True), "phone"),
        (
            PolicySubscriptionDraft("enterprise", "甲", "13900000001", True, sizes=("巨型",)),
            "sizes",
        ),
        (
            PolicySubscriptionDraft("enterprise", "甲", "13900000001", True, regions=("广州",)),
            "regions",
        ),
        (
            PolicySubscriptionDraft("enterprise", "甲", "13900000001", True, industries=("挖矿",)),
            "industries",
        ),
        (
            PolicySubscriptionDraft("citizen", "甲", "13900000001", True, sizes=("小型",)),
            "industries",
        ),
    ],
)
def test_r_enterprise_a_bad_field_is_named_and_nothing_stored(
    p: Platform, draft: PolicySubscriptionDraft, field: str
) -> None:
    with pytest.raises(InputError) as bad:
        p.operator.subscribe_policy(draft)
    assert bad.value.field == field
    with p.store.read() as s:
        assert s.execute(select(func.count()).select_from(PolicySubscriptionRow)).scalar_one() == 0


def test_r_enterprise_scope_who_reads_subscribers_and_counts(p: Platform) -> None:
    subs = subscribe_all(p)
    assert {v.phone for v in p.manager.policy_subscriptions()} >= {"13900000001"}
    assert {v.phone for v in p.operator.policy_subscriptions()} == {
        "139****0001", "139****0002", "139****0003", "139****0004",
    }  # fmt: skip
    for clerk in (p.rst, cs_clerk(p)):
        with pytest.raises(PermissionDenied) as denied:
            clerk.policy_subscriptions()
        assert denied.value.rule == "R-ENTERPRISE"
        with pytest.raises(PermissionDenied):
            clerk.subscribe_policy(JIA)
        with pytest.raises(PermissionDenied):
            clerk.unsubscribe_policy(subs["甲"], "退订")
    with pytest.raises(PermissionDenied):
        p.operator.policy_push_report("2026Q4")
    p.manager.verify_article("pol-small")
    cs_clerk(p).verify_article("pol-cs")
    assert [x.article_id for x in cs_clerk(p).policy_push_report("2026Q4").lines] == ["pol-cs"]
    assert [x.article_id for x in p.scj.policy_push_report("2026Q4").lines] == ["pol-small"]
    assert [x.article_id for x in p.rst.policy_push_report("2026Q4").lines] == []
    assert len(p.supervisor.policy_push_report("2026Q4").lines) == 2


def test_r_enterprise_one_live_subscription_per_subscriber_and_number(p: Platform) -> None:
    first = p.operator.subscribe_policy(JIA)
    with pytest.raises(RuleError) as twin:
        p.operator.subscribe_policy(JIA)
    assert twin.value.rule == "R-ENTERPRISE" and first in str(twin.value)
    p.operator.unsubscribe_policy(first, "换号码")
    with pytest.raises(RuleError):
        p.operator.unsubscribe_policy(first, "再次退订")
    assert p.operator.subscribe_policy(JIA) != first  # ended: a new one may be entered
    assert first not in {v.id for v in p.manager.policy_subscriptions()}
    [ended] = [v for v in p.manager.policy_subscriptions(include_ended=True) if v.id == first]
    assert ended.ended_at is not None and ended.end_reason == "换号码"


@pytest.mark.parametrize(
    ("criteria", "gets"),
    [
        ({"regions": ("常德",)}, ["pol-small"]),  # province-wide yes, 长沙's no
        ({"regions": ("长沙",)}, ["pol-small", "pol-cs"]),
        ({"sizes": ("大型",)}, ["pol-cs"]),  # pol-small is for small and micro enterprises
        ({"sizes": ("微型",)}, ["pol-small", "pol-cs"]),
        ({"industries": ("制造业",)}, ["pol-small"]),  # pol-cs is foreign trade's
        ({"industries": ("外贸",)}, ["pol-small", "pol-cs"]),
        ({"topics": ("税收优惠",)}, ["pol-small"]),
        ({"topics": ("通关",)}, ["pol-cs"]),
        ({}, ["pol-small", "pol-cs"]),  # nothing named: every policy article
    ],
)
def test_r_enterprise_each_criterion_narrows_on_its_own(
    p: Platform, criteria: dict[str, tuple[str, ...]], gets: list[str]
) -> None:
    p.operator.subscribe_policy(
        PolicySubscriptionDraft("enterprise", "戊公司", "13900000009", True, **criteria)  # type: ignore[arg-type]
    )
    p.manager.verify_article("pol-small")
    cs_clerk(p).verify_article("pol-cs")
    p.manager.verify_article("hn-rst-001")
    assert [a for a, _, _ in pushes(p)] == gets
