"""Policy subscriptions (精准推送, R-ENTERPRISE, Art. 29; R-KB "precise push").

An enterprise — or a citizen who consents to it — asks to be told of policy articles by
industry (行业), enterprise size (规模), region (地区: a city of Hunan) or topic (主题: a word
of the article's tags or question). Every criterion left empty means "any". A subscription
is entered by the seat that took the request (operator, shift lead) or the manager, with the
subscriber's consent: a citizen's subscription without consent is refused (R-CONFIDENTIAL:
a caller's number is used for nothing they did not agree to). Ending a subscription (退订)
is kept with who and why; its messages not yet sent are withdrawn.

Who reads: the seats that enter subscriptions and the manager, numbers masked for all but the
manager. A unit clerk reads no subscriber (the push counts of its own articles are in
``push.report``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable

from sqlalchemy import select

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.access.masking import mask_phone
from console.services.knowledge.catalogue import HUNAN_CITIES, city_stem
from console.services.knowledge.service import AuditHook
from console.services.values import Role
from console.services.views import Actor, PolicySubscriptionDraft, PolicySubscriptionView
from console.store.engine import Store
from console.store.models import OutboxRow, PolicySubscriptionRow

RULE = "R-ENTERPRISE"
KINDS = {"enterprise": "企业", "citizen": "群众"}
SIZES: tuple[str, ...] = ("大型", "中型", "小型", "微型", "个体工商户")
"""Enterprise sizes (企业规模) a subscription may name; 个体工商户 stands with them."""
INDUSTRIES: tuple[str, ...] = (
    "农业",
    "制造业",
    "建筑业",
    "批发零售",
    "交通运输",
    "物流",
    "住宿餐饮",
    "软件和信息技术",
    "金融",
    "房地产",
    "外贸",
    "文化旅游",
    "教育",
    "医疗卫生",
    "能源",
    "科技",
)
"""Industries (行业) a subscription may name: broad classes, each matched by its own words
in an article (see ``push.industries_of``)."""
MAX_NAME = 80
MAX_ITEMS = 20
MAX_WORD = 20
MAX_REASON = 500
_PHONE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")

KEEPERS = frozenset({Role.MANAGER, Role.OPERATOR, Role.SHIFT_LEAD})
"""Who enters and ends subscriptions: the seats that take the request, and the manager."""


def require_keeper(actor: Actor, what: str) -> None:
    if actor.role not in KEEPERS:
        raise PermissionDenied(
            f"{actor.role.label}不能{what}：政策订阅由受理座席、值班长或管理部门办理", rule=RULE
        )


def split_words(values: Iterable[str]) -> tuple[str, ...]:
    """Items given one per value or several in one (``外贸,物流`` / ``外贸、物流``)."""
    seen: list[str] = []
    for v in values:
        for p in re.split(r"[,，、;；\s]+", v):
            if p.strip() and p.strip() not in seen:
                seen.append(p.strip())
    return tuple(seen)


def _region(word: str) -> str:
    """A city of Hunan as a subscription keeps it (its short name: 长沙, 湘西), or InputError."""
    for city in HUNAN_CITIES:
        stem = city_stem(city)
        if word in (city, stem, f"{stem}州", f"{stem}市"):
            return stem
    names = "、".join(city_stem(c) for c in HUNAN_CITIES)
    raise InputError("regions", f"地区「{word[:20]}」不是湖南省的市州：写 {names} 之一")


def check_draft(draft: PolicySubscriptionDraft) -> PolicySubscriptionDraft:
    """The draft cleaned up, or the first bad field (a one-line reason naming it)."""
    if draft.kind not in KINDS:
        raise InputError("kind", "订阅人类型应为 enterprise（企业）或 citizen（群众）")
    name = " ".join(draft.name.split())
    if not name:
        raise InputError("name", "订阅人名称不能为空（企业名称或群众姓名）")
    if len(name) > MAX_NAME:
        raise InputError("name", f"订阅人名称过长（最多 {MAX_NAME} 字）")
    phone = "".join(draft.phone.split())
    if not _PHONE.match(phone):
        raise InputError("phone", f"接收号码「{phone[:20]}」应为手机号或带区号的固定电话")
    if draft.kind == "citizen" and not draft.consent:
        raise RuleError(
            "R-CONFIDENTIAL",
            "群众订阅政策推送须本人同意：未经同意不得用其号码发送信息",
            "征得来电人同意后勾选「同意推送」",
        )
    if not draft.consent:
        raise InputError("consent", "须经订阅企业同意（联系人确认接收推送）")
    industries = split_words(draft.industries)
    sizes = split_words(draft.sizes)
    if draft.kind == "citizen" and (industries or sizes):
        raise InputError("industries", "群众订阅不按行业和企业规模：只写地区和主题")
    for word in industries:
        if word not in INDUSTRIES:
            raise InputError(
                "industries", f"行业「{word[:20]}」不在行业表中：{'、'.join(INDUSTRIES)}"
            )
    for word in sizes:
        if word not in SIZES:
            raise InputError("sizes", f"企业规模「{word[:20]}」应为 {'、'.join(SIZES)} 之一")
    regions = tuple(dict.fromkeys(_region(w) for w in split_words(draft.regions)))
    topics = split_words(draft.topics)
    for field, items in (
        ("industries", industries), ("sizes", sizes), ("regions", regions), ("topics", topics)
    ):  # fmt: skip
        if len(items) > MAX_ITEMS:
            raise InputError(field, f"条目过多（最多 {MAX_ITEMS} 个）")
        for word in items:
            if len(word) > MAX_WORD:
                raise InputError(field, f"「{word[:20]}…」过长（每项最多 {MAX_WORD} 字）")
    return PolicySubscriptionDraft(
        draft.kind, name, phone, True, industries, sizes, regions, topics
    )


def subscribe(
    store: Store,
    draft: PolicySubscriptionDraft,
    actor: Actor,
    now: dt.datetime,
    audit_with: AuditHook | None = None,
) -> str:
    """Enter a subscription; answers its id (ps-…). One live subscription per number and
    subscriber: a second is refused (change it by ending the first)."""
    require_keeper(actor, "登记政策订阅")
    clean = check_draft(draft)
    sub_id = f"ps-{uuid.uuid4().hex[:10]}"
    with store.write() as s:
        twin = s.execute(
            select(PolicySubscriptionRow.id).where(
                PolicySubscriptionRow.phone == clean.phone,
                PolicySubscriptionRow.name == clean.name,
                PolicySubscriptionRow.ended_at.is_(None),
            )
        ).first()
        if twin is not None:
            raise RuleError(
                RULE, f"「{clean.name}」用该号码的订阅已在册（{twin[0]}）：先退订再重新登记"
            )
        s.add(
            PolicySubscriptionRow(
                id=sub_id,
                kind=clean.kind,
                name=clean.name,
                phone=clean.phone,
                consent=True,
                industries=list(clean.industries),
                sizes=list(clean.sizes),
                regions=list(clean.regions),
                topics=list(clean.topics),
                added_by=actor.name[:80],
                added_at=now,
            )
        )
        if audit_with is not None:
            audit_with(s, sub_id, {"kind": clean.kind})
    return sub_id


def unsubscribe(
    store: Store,
    sub_id: str,
    reason: str,
    actor: Actor,
    now: dt.datetime,
    audit_with: AuditHook | None = None,
) -> int:
    """End a subscription (退订) with the reason; its messages not yet sent are withdrawn.
    Answers how many were withdrawn."""
    require_keeper(actor, "办理退订")
    text = " ".join(reason.split())
    if not text:
        raise InputError("reason", "退订原因不能为空（如：来电人回复退订）")
    if len(text) > MAX_REASON:
        raise InputError("reason", f"退订原因过长（最多 {MAX_REASON} 字）")
    with store.write() as s:
        row = s.get(PolicySubscriptionRow, sub_id)
        if row is None:
            raise NotFound("政策订阅", sub_id)
        if row.ended_at is not None:
            raise RuleError(RULE, f"订阅 {sub_id} 已于 {row.ended_at:%Y-%m-%d} 退订")
        row.ended_at, row.ended_by, row.end_reason = now, actor.name[:80], text
        pending = (
            s.execute(
                select(OutboxRow).where(
                    OutboxRow.idempotency_key.like(f"policy:%:{sub_id}"),
                    OutboxRow.delivered_at.is_(None),
                    OutboxRow.gave_up_at.is_(None),
                )
            )
            .scalars()
            .all()
        )
        for message in pending:
            message.gave_up_at, message.last_error = now, "unsubscribed"
        withdrawn = len(pending)
        if audit_with is not None:
            audit_with(s, sub_id, {"withdrawn": withdrawn, "reason": text[:200]})
    return withdrawn


def list_subscriptions(
    store: Store, actor: Actor, include_ended: bool = False
) -> list[PolicySubscriptionView]:
    """The subscriptions, newest first; numbers masked for every seat but the manager."""
    if actor.role not in KEEPERS:
        raise PermissionDenied(
            f"{actor.role.label}不能查看政策订阅人：订阅人的号码只用于推送（R-CONFIDENTIAL）",
            rule=RULE,
        )
    q = select(PolicySubscriptionRow)
    if not include_ended:
        q = q.where(PolicySubscriptionRow.ended_at.is_(None))
    with store.read() as s:
        rows = list(s.execute(q).scalars())
    full = actor.role is Role.MANAGER
    return [
        PolicySubscriptionView(
            id=r.id,
            kind=r.kind,
            kind_label=KINDS.get(r.kind, r.kind),
            name=r.name,
            phone=r.phone if full else mask_phone(r.phone),
            industries=tuple(r.industries),
            sizes=tuple(r.sizes),
            regions=tuple(r.regions),
            topics=tuple(r.topics),
            added_by=r.added_by,
            added_at=r.added_at,
            ended_at=r.ended_at,
            end_reason=r.end_reason,
        )
        for r in sorted(rows, key=lambda r: (r.added_at, r.id), reverse=True)
    ]
