"""Precise policy push (精准推送, R-ENTERPRISE, Art. 29; R-KB): when a policy article is
verified — first published, or a changed text cross-checked — one message goes through the
outbox to each live subscription it concerns.

A *policy article* is one of the 政企通 policy knowledge base (``enterprise``) or one tagged
as a policy (a tag holding 政策). What it concerns, read from its owner and tags:

- **region**: the owner's city for a city unit's article, and any Hunan city named in its
  tags; none → the whole province;
- **sizes**: 中小企业 → 中型/小型/微型, 小微企业 → 小型/微型, 个体工商户 … ; none → every size;
- **industries**: an industry whose words appear in its tags or question (外贸: 进出口, 通关 …);
  none → every industry;
- **topics**: its tags, its question's words, its domain's name.

A subscription matches when every criterion it names meets the article's (an empty criterion
matches anything; a subscription naming 长沙 gets province-wide articles and 长沙's, not
常德's). A version is pushed to a subscription once (``policy_pushes`` unique); a
verification that only confirms the text as it was (a review renewed) pushes nothing. The
messages wait for the quiet hours' end like every text to a caller, and say how to stop
them (回复TD退订).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from console.errors import PermissionDenied
from console.services.delivery.templates import render
from console.services.knowledge.catalogue import HUNAN_CITIES, city_stem
from console.services.values import Domain, Role
from console.services.views import Actor, PolicyPushLine, PolicyPushReport
from console.store.engine import Store
from console.store.models import (
    ArticleRow,
    OutboxRow,
    PolicyPushRow,
    PolicySubscriptionRow,
    UnitRow,
)

RULE = "R-ENTERPRISE"
SUMMARY_CHARS = 60

SIZE_TAGS: dict[str, tuple[str, ...]] = {
    "中小企业": ("中型", "小型", "微型"),
    "小微企业": ("小型", "微型"),
    "小型微利企业": ("小型", "微型"),
    "微型企业": ("微型",),
    "大型企业": ("大型",),
    "个体工商户": ("个体工商户",),
    "个体户": ("个体工商户",),
}
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "农业": ("农业", "农产品", "种植", "养殖"),
    "制造业": ("制造", "工厂", "厂房", "工业"),
    "建筑业": ("建筑业", "施工", "工程建设", "报建"),
    "批发零售": ("批发", "零售", "商超"),
    "交通运输": ("交通运输", "货运", "客运"),
    "物流": ("物流", "快递"),
    "住宿餐饮": ("餐饮", "住宿", "酒店"),
    "软件和信息技术": ("软件", "信息技术", "互联网", "数据"),
    "金融": ("金融", "贷款", "融资", "信贷"),
    "房地产": ("房地产", "开发商"),
    "外贸": ("外贸", "进出口", "通关", "跨境", "外商投资", "自贸"),
    "文化旅游": ("旅游", "文旅", "文化"),
    "教育": ("教育", "培训", "学校"),
    "医疗卫生": ("医疗", "医药", "药品", "卫生"),
    "能源": ("能源", "电力", "燃气", "用电", "用气"),
    "科技": ("科技", "高新技术", "研发", "加计扣除"),
}

PUSH_READERS = frozenset({Role.MANAGER, Role.SUPERVISOR, Role.AUDITOR, Role.UNIT_CLERK})
"""Who reads the push counts: the manager's office and supervisors every unit's; a unit
clerk its own unit's articles."""


def is_policy(article: ArticleRow) -> bool:
    return bool(article.enterprise) or any("政策" in t for t in article.tags or ())


def regions_of(article: ArticleRow, unit_city: str) -> frozenset[str]:
    found = {city_stem(unit_city)} if unit_city else set()
    for tag in article.tags or ():
        for city in HUNAN_CITIES:
            stem = city_stem(city)
            if tag in (city, stem) or tag.startswith(stem) and tag.endswith("片区"):
                found.add(stem)
    return frozenset(found)


def sizes_of(article: ArticleRow) -> frozenset[str]:
    return frozenset(s for tag in article.tags or () for s in SIZE_TAGS.get(tag, ()))


def industries_of(article: ArticleRow) -> frozenset[str]:
    text = " ".join([*(article.tags or ()), article.question])
    return frozenset(ind for ind, words in INDUSTRY_WORDS.items() if any(w in text for w in words))


def _topic_hit(topics: Iterable[str], article: ArticleRow) -> bool:
    domain = Domain(article.domain).label if article.domain in Domain._value2member_map_ else ""
    tags = set(article.tags or ())
    return any(t in tags or t in article.question or (domain and t in domain) for t in topics)


def concerns(sub: PolicySubscriptionRow, article: ArticleRow, unit_city: str) -> bool:
    """Whether the article is one the subscription asked for (see the module's words)."""
    if sub.regions:
        regions = regions_of(article, unit_city)
        if regions and not regions & set(sub.regions):
            return False
    if sub.sizes:
        sizes = sizes_of(article)
        if sizes and not sizes & set(sub.sizes):
            return False
    if sub.industries:
        industries = industries_of(article)
        if industries and not industries & set(sub.industries):
            return False
    return not sub.topics or _topic_hit(sub.topics, article)


def _summary(answer: str) -> str:
    text = " ".join(answer.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def push_verified(s: Session, article: ArticleRow, now: dt.datetime) -> int:
    """Queue the article's current version for every live subscription it concerns, in the
    verification's transaction; answers how many messages were queued."""
    if not is_policy(article):
        return 0
    from console.services.tickets.commands import first_allowed_moment

    unit = s.get(UnitRow, article.unit_id)
    unit_city = (unit.city or "") if unit is not None and unit.category == "city" else ""
    unit_name = unit.name if unit is not None else article.unit_id
    already = set(
        s.execute(
            select(PolicyPushRow.subscription_id).where(
                PolicyPushRow.article_id == article.id, PolicyPushRow.version == article.version
            )
        ).scalars()
    )
    subs = s.execute(
        select(PolicySubscriptionRow).where(
            PolicySubscriptionRow.ended_at.is_(None), PolicySubscriptionRow.consent.is_(True)
        )
    ).scalars()
    send_at = first_allowed_moment(now)
    queued = 0
    for sub in subs:
        if sub.id in already or not concerns(sub, article, unit_city):
            continue
        key = f"policy:{article.id}:v{article.version}:{sub.id}"
        message = render(
            "policy_push",
            unit=unit_name,
            question=" ".join(article.question.split()),
            summary=_summary(article.answer),
        )
        s.add(
            OutboxRow(
                ticket_id=None,
                channel="sms",
                target=sub.phone,
                payload={
                    "kind": "policy_push",
                    "message": message,
                    "article_id": article.id,
                    "version": article.version,
                    "subscription_id": sub.id,
                    "rule": RULE,
                },
                idempotency_key=key,
                created_at=now,
                next_attempt_at=send_at if send_at > now else None,
            )
        )
        s.add(
            PolicyPushRow(
                article_id=article.id,
                version=article.version,
                subscription_id=sub.id,
                unit_id=article.unit_id,
                outbox_key=key,
                pushed_at=now,
            )
        )
        queued += 1
    return queued


def report(store: Store, actor: Actor, start: dt.datetime, end: dt.datetime) -> PolicyPushReport:
    """What was pushed within [start, end): per article version, to how many subscribers and
    how many reached them; a unit clerk sees its own unit's articles only."""
    if actor.role not in PUSH_READERS:
        raise PermissionDenied(
            f"{actor.role.label}不能查看政策推送统计：管理部门、督办、审计人员和本单位经办人可以",
            rule=RULE,
        )
    unit_only = actor.unit_id if actor.role is Role.UNIT_CLERK else None
    if actor.role is Role.UNIT_CLERK and not unit_only:
        raise PermissionDenied("承办单位经办人未绑定单位，不能查看推送统计", rule=RULE)
    return counts(store, start, end, unit_only)


def counts(
    store: Store, start: dt.datetime, end: dt.datetime, unit_only: str | None = None
) -> PolicyPushReport:
    """The push report's figures for [start, end), every unit's articles or one unit's, for
    a caller that has already checked who reads them (``report``, the expert measures)."""
    delivered = func.sum(case((OutboxRow.delivered_at.is_not(None), 1), else_=0))
    not_sent = func.sum(
        case(
            (and_(OutboxRow.delivered_at.is_(None), OutboxRow.gave_up_at.is_not(None)), 1), else_=0
        )
    )
    q = (
        select(
            PolicyPushRow.article_id,
            PolicyPushRow.version,
            PolicyPushRow.unit_id,
            ArticleRow.question,
            func.count(),
            delivered,
            not_sent,
            func.min(PolicyPushRow.pushed_at),
        )
        .join(ArticleRow, ArticleRow.id == PolicyPushRow.article_id)
        .join(OutboxRow, OutboxRow.idempotency_key == PolicyPushRow.outbox_key)
        .where(PolicyPushRow.pushed_at >= start, PolicyPushRow.pushed_at < end)
        .group_by(
            PolicyPushRow.article_id, PolicyPushRow.version, PolicyPushRow.unit_id,
            ArticleRow.question,
        )
    )  # fmt: skip
    if unit_only is not None:
        q = q.where(PolicyPushRow.unit_id == unit_only)
    with store.read() as s:
        rows = s.execute(q).all()
        live = s.execute(
            select(func.count()).where(
                PolicySubscriptionRow.added_at < end,
                (PolicySubscriptionRow.ended_at.is_(None))
                | (PolicySubscriptionRow.ended_at >= end),
            )
        ).scalar_one()
        ended = s.execute(
            select(func.count()).where(
                PolicySubscriptionRow.ended_at >= start, PolicySubscriptionRow.ended_at < end
            )
        ).scalar_one()
    lines = tuple(
        PolicyPushLine(
            article_id=a, version=int(v), unit_id=u, question=qn, pushed=int(n),
            delivered=int(d or 0), waiting=int(n) - int(d or 0) - int(x or 0),
            not_sent=int(x or 0), first_at=first,
        )
        for a, v, u, qn, n, d, x, first in rows
    )  # fmt: skip
    lines = tuple(sorted(lines, key=lambda line: (line.first_at, line.article_id, line.version)))
    return PolicyPushReport(start, end, lines, int(live), int(ended))
