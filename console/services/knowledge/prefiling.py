"""Pre-filed scopes (报备, R-PREFILING) filed by units and reviewed by the manager.

Art. 17 lets a handling unit file in advance the matters its calls will be about when the
cause is force majeure such as severe weather (不可抗力), a special work requirement
(特殊工作要求) or a caller's malicious demands (服务对象恶意诉求); an operator answers a call
that falls in the scope with the unit's explanation instead of dispatching it.

A scope's life::

    待审核 pending ──manager──▶ 已通过 approved ──unit──▶ 已撤回 withdrawn
        │  └──────manager──▶ 已退回 rejected (with the manager's reason)
        └──unit──▶ 已撤回 withdrawn

Only an approved scope within its dates is matched at intake (``knowledge.service``) and may
be explained from (``tickets.commands``). Seed scopes count as approved. The regulation sets
no longest duration; the console bounds a scope to ``MAX_SCOPE_DAYS`` so that no scope
silences a matter for good by mistake (a unit files again when a cause lasts longer).

Who may do what is the caller's business (``LocalBackend``): ``unit_id`` here is the acting
unit (None: any, the manager or the platform's own shell).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.calendar.workdays import MAX_YEAR, MIN_YEAR
from console.services.clock import SHANGHAI
from console.services.knowledge.seed import PREFILING_REASONS
from console.services.knowledge.service import AuditHook, _is_place
from console.services.knowledge.text import normalize
from console.services.views import PrefilingDraft, PrefilingScopeView
from console.store.engine import Store
from console.store.models import PrefilingRow, UnitRow

REASON_LABELS = {
    "force_majeure": "不可抗力",
    "special_work": "特殊工作要求",
    "malicious": "服务对象恶意诉求",
}
assert tuple(REASON_LABELS) == PREFILING_REASONS
STATE_LABELS = {
    "pending": "待审核",
    "approved": "已通过",
    "rejected": "已退回",
    "withdrawn": "已撤回",
}
MAX_SCOPE_DAYS = 366
"""Longest scope the console takes (the regulation names none)."""
MAX_TITLE = 200
MAX_KEYWORDS = 20
MAX_KEYWORD = 30
MAX_REGION = 40
MAX_EXPLANATION = 2000
MAX_NOTE = 2000


def reason_of(value: str) -> str:
    """A reason by its code or its Chinese label (不可抗力 …)."""
    text = value.strip()
    if text in REASON_LABELS:
        return text
    for code, label in REASON_LABELS.items():
        if text and text in (label, label.removeprefix("服务对象")):
            return code
    allowed = "、".join(f"{c}（{label}）" for c, label in REASON_LABELS.items())
    raise InputError("reason", f"报备事由应为：{allowed}（R-PREFILING）")


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=SHANGHAI)


def _text(value: str, field: str, label: str, longest: int, required: bool = True) -> str:
    text = " ".join(value.split()) if field != "explanation" else value.strip()
    if required and not text:
        raise InputError(field, f"{label}不能为空")
    if len(text) > longest:
        raise InputError(field, f"{label}过长（最多 {longest} 字）")
    return text


def check_draft(draft: PrefilingDraft, now: dt.datetime) -> PrefilingDraft:
    """The draft cleaned up, or the first bad field (InputError names it)."""
    title = _text(draft.title, "title", "报备标题", MAX_TITLE)
    reason = reason_of(draft.reason)
    region = _text(draft.region, "region", "区域", MAX_REGION, required=False)
    keywords: list[str] = []
    for word in draft.keywords:
        word = " ".join(str(word).split())
        if not word:
            continue
        if len(word) > MAX_KEYWORD:
            raise InputError(
                "keywords", f"关键词「{word[:MAX_KEYWORD]}…」过长（最多 {MAX_KEYWORD} 字）"
            )
        if word not in keywords:
            keywords.append(word)
    if not keywords:
        raise InputError("keywords", "至少写一个关键词（来电说到它才按报备答复）")
    if len(keywords) > MAX_KEYWORDS:
        raise InputError("keywords", f"关键词过多（最多 {MAX_KEYWORDS} 个）")
    place = normalize(region).removesuffix("市").removesuffix("州")
    if all(_is_place(normalize(k), place) for k in keywords):
        raise InputError("keywords", "关键词只有地名：须写明报备的事项（如 停电、停水）")
    for field, moment in (("starts", draft.starts), ("ends", draft.ends)):
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise InputError(field, f"应在 {MIN_YEAR}–{MAX_YEAR} 年之间，收到 {moment.year} 年")
    starts, ends = _aware(draft.starts), _aware(draft.ends)
    if abs(starts - now) > dt.timedelta(days=MAX_SCOPE_DAYS):
        raise InputError("starts", f"开始时间须在前后 {MAX_SCOPE_DAYS} 天之内")
    if ends <= starts:
        raise InputError("ends", "结束时间须晚于开始时间")
    if ends <= now:
        raise InputError("ends", "结束时间已过，报备没有意义")
    if ends - starts > dt.timedelta(days=MAX_SCOPE_DAYS):
        raise InputError("ends", f"报备期限最长 {MAX_SCOPE_DAYS} 天；更长请到期后重新报备")
    explanation = _text(draft.explanation, "explanation", "答复口径", MAX_EXPLANATION)
    return PrefilingDraft(title, reason, tuple(keywords), region, starts, ends, explanation)


def _note(note: str, field: str, label: str, required: bool) -> str:
    text = note.strip()
    if required and not text:
        raise InputError(field, f"{label}不能为空（R-PREFILING）")
    if len(text) > MAX_NOTE:
        raise InputError(field, f"{label}过长（最多 {MAX_NOTE} 字）")
    return text


def file_scope(
    store: Store,
    draft: PrefilingDraft,
    unit_id: str,
    by: str,
    now: dt.datetime,
    audit_with: AuditHook | None = None,
) -> str:
    """A unit files a scope; it waits for the manager's review (待审核). Answers its id."""
    clean = check_draft(draft, now)
    scope_id = f"pf-{now.astimezone(SHANGHAI):%Y%m%d}-{uuid.uuid4().hex[:8]}"
    with store.write() as s:
        if s.get(UnitRow, unit_id) is None:
            raise NotFound("单位", unit_id)
        s.add(
            PrefilingRow(
                id=scope_id,
                unit_id=unit_id,
                reason=clean.reason,
                title=clean.title,
                keywords=list(clean.keywords),
                region=clean.region,
                starts=clean.starts,
                ends=clean.ends,
                explanation=clean.explanation,
                filed_by=by[:80],
                filed_at=now,
                state="pending",
            )
        )
        if audit_with is not None:
            audit_with(
                s, scope_id, {"unit_id": unit_id, "reason": clean.reason, "state": "pending"}
            )
    return scope_id


def review_scope(
    store: Store,
    scope_id: str,
    approve: bool,
    note: str,
    by: str,
    now: dt.datetime,
    audit_with: AuditHook | None = None,
) -> None:
    """The manager approves a pending scope (from then on it is matched at intake) or sends it
    back with the reason (已退回)."""
    text = _note(note, "note", "退回理由", required=not approve)
    with store.write() as s:
        row = s.get(PrefilingRow, scope_id)
        if row is None:
            raise NotFound("报备", scope_id)
        if row.state != "pending":
            raise RuleError(
                "R-PREFILING",
                f"报备「{row.title}」{STATE_LABELS.get(row.state, row.state)}，只有待审核的报备可以审核",
            )
        if approve and row.ends <= now:
            raise RuleError(
                "R-PREFILING", f"报备「{row.title}」已过结束时间，不能通过", allowed="退回"
            )
        row.state = "approved" if approve else "rejected"
        row.reviewed_by, row.reviewed_at, row.review_note = by[:80], now, text
        if audit_with is not None:
            audit_with(s, scope_id, {"unit_id": row.unit_id, "state": row.state})


def withdraw_scope(
    store: Store,
    scope_id: str,
    unit_id: str | None,
    reason: str,
    by: str,
    now: dt.datetime,
    audit_with: AuditHook | None = None,
) -> None:
    """The unit withdraws its pending or approved scope (已撤回), with a reason; calls are no
    longer answered from it."""
    text = _note(reason, "reason", "撤回原因", required=True)
    with store.write() as s:
        row = s.get(PrefilingRow, scope_id)
        if row is None:
            raise NotFound("报备", scope_id)
        if unit_id is not None and row.unit_id != unit_id:
            raise PermissionDenied("该报备属于其他单位，只有报备单位可以撤回", rule="R-PREFILING")
        if row.state not in ("pending", "approved") or row.ends <= now:
            state = "已过期" if row.state == "approved" else STATE_LABELS.get(row.state, row.state)
            raise RuleError(
                "R-PREFILING",
                f"报备「{row.title}」{state}，只有待审核或未到期的报备可以撤回",
            )
        row.state = "withdrawn"
        row.withdrawn_by, row.withdrawn_at, row.withdraw_reason = by[:80], now, text
        if audit_with is not None:
            audit_with(s, scope_id, {"unit_id": row.unit_id, "state": "withdrawn"})


def list_scopes(
    store: Store, now: dt.datetime, unit_id: str | None = None, state: str | None = None
) -> list[PrefilingScopeView]:
    """Scopes of a unit (every unit's for None): pending first (oldest filed first), then
    the rest, latest start first."""
    if state is not None and state not in STATE_LABELS:
        allowed = "、".join(f"{c}（{label}）" for c, label in STATE_LABELS.items())
        raise InputError("state", f"状态应为：{allowed}")
    q = select(PrefilingRow, UnitRow.name).join(UnitRow, UnitRow.id == PrefilingRow.unit_id)
    if unit_id is not None:
        q = q.where(PrefilingRow.unit_id == unit_id)
    if state is not None:
        q = q.where(PrefilingRow.state == state)
    with store.read() as s:
        views = [_view(row, name, now) for row, name in s.execute(q).all()]
    pending = sorted(
        (v for v in views if v.state == "pending"), key=lambda v: (v.filed_at or v.starts, v.id)
    )
    rest = sorted(
        (v for v in views if v.state != "pending"), key=lambda v: (v.starts, v.id), reverse=True
    )
    return [*pending, *rest]


def _view(p: PrefilingRow, unit_name: str, now: dt.datetime) -> PrefilingScopeView:
    return PrefilingScopeView(
        id=p.id,
        unit_id=p.unit_id,
        unit_name=unit_name,
        reason=p.reason,
        reason_label=REASON_LABELS.get(p.reason, p.reason),
        title=p.title,
        keywords=tuple(p.keywords),
        region=p.region,
        starts=p.starts,
        ends=p.ends,
        explanation=p.explanation,
        state=p.state,
        state_label=STATE_LABELS.get(p.state, p.state),
        current=p.state == "approved" and p.starts <= now <= p.ends,
        filed_by=p.filed_by,
        filed_at=p.filed_at,
        reviewed_by=p.reviewed_by,
        reviewed_at=p.reviewed_at,
        review_note=p.review_note,
        withdrawn_by=p.withdrawn_by,
        withdrawn_at=p.withdrawn_at,
        withdraw_reason=p.withdraw_reason,
    )
