"""The expert roster (专家座席, R-EXPERT, Art. 28): the experts the units' expert teams send to
the platform's expert seats, the fields each covers and when each is on duty.

Art. 28 staffs the expert seats from the units' expert teams and puts their day-to-day
management with the platform: the manager (省优化办) adds, edits and retires experts; every
seat that takes or answers calls reads the roster (who covers 社保 tonight?), a unit clerk
reads its own unit's experts only.

An expert's fields are domains (``Domain``: 公共服务 …) and matter types of the catalogue
(事项清单: 公交线路 …); a request's matter type is covered by an expert of that matter type
or of its domain. Shifts are in ``shifts.py``. A retired expert stays on the roster (who
answered what stays traceable) and is never on duty.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable

from sqlalchemy import select

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.calendar.workdays import WorkCalendar
from console.services.clock import SHANGHAI
from console.services.experts.shifts import parse_shift
from console.services.knowledge.service import AuditHook
from console.services.values import Domain, Role
from console.services.views import Actor, ExpertDraft, ExpertView
from console.store.engine import Store
from console.store.models import ExpertRow, MatterRow, UnitRow

RULE = "R-EXPERT"
MAX_NAME = 40
MAX_FIELDS = 20
MAX_SHIFTS = 14
MAX_NOTE = 500
MAX_SEAT = 80
_PHONE = re.compile(r"^\d[\d-]{4,18}\d$")

KINDS = {"expert": "专家", "policy": "政策专员"}
"""The roster's two kinds: the expert seats (R-EXPERT) and the 政企通 desk's policy
specialists (政策专员库, R-ENTERPRISE, Art. 29)."""

MANAGERS = frozenset({Role.MANAGER})
"""Who keeps the roster (Art. 28: day-to-day management by the platform)."""


# ------------------------------------------------------------------------------ who may
def reader_unit(actor: Actor) -> str | None:
    """The unit whose experts this seat reads (None: every unit's)."""
    if actor.role is Role.UNIT_CLERK:
        if not actor.unit_id:
            raise PermissionDenied("承办单位经办人未绑定单位，不能查看专家名册", rule=RULE)
        return actor.unit_id
    return None


def require_keeper(actor: Actor, what: str) -> None:
    if actor.role not in MANAGERS:
        raise PermissionDenied(
            f"{actor.role.label}不能{what}：专家座席由管理部门（省优化办）日常管理", rule=RULE
        )


# ------------------------------------------------------------------------------ checking
Fields = dict[str, str]  # code → label


def field_labels(store: Store) -> tuple[Fields, dict[str, str]]:
    """Every field an expert may cover (domains, then matter types: code → label), and each
    matter type's domain."""
    labels: Fields = {d.value: d.label for d in Domain}
    domains: dict[str, str] = {}
    with store.read() as s:
        for mid, name, domain in s.execute(
            select(MatterRow.id, MatterRow.name, MatterRow.domain).where(MatterRow.active)
        ):
            labels[mid] = name
            domains[mid] = domain
    return labels, domains


def field_of(value: str, labels: Fields, name: str = "fields") -> str:
    """A field's code from its code or its Chinese name, or InputError."""
    text = value.strip()
    if text in labels:
        return text
    for code, label in labels.items():
        if text == label:
            return code
    domains = "、".join(d.label for d in Domain)
    raise InputError(
        name, f"领域「{text[:30]}」不认识：写领域（{domains}）或事项清单中的事项类型（R-EXPERT）"
    )


def _text(value: str, field: str, label: str, longest: int, required: bool) -> str:
    text = " ".join(value.split())
    if required and not text:
        raise InputError(field, f"{label}不能为空")
    if len(text) > longest:
        raise InputError(field, f"{label}过长（最多 {longest} 字）")
    return text


def check_kind(kind: str) -> str:
    """A roster kind (expert | policy, or its Chinese name), or InputError naming ``kind``."""
    text = kind.strip()
    for code, label in KINDS.items():
        if text in (code, label):
            return code
    raise InputError("kind", f"名册类别「{text[:20]}」应为 expert（专家）或 policy（政策专员）")


def check_draft(draft: ExpertDraft, labels: Fields) -> ExpertDraft:
    """The draft cleaned up (fields as codes, shifts canonical), or the first bad field."""
    kind = check_kind(draft.kind)
    if draft.desk_lead and kind != "policy":
        raise InputError("desk_lead", "只有政策专员可以担任政企通专席负责人（R-ENTERPRISE）")
    name = _text(draft.name, "name", "专家姓名", MAX_NAME, True)
    unit_id = _text(draft.unit_id, "unit_id", "所属单位", 40, True)
    fields: list[str] = []
    for value in split_fields(draft.fields):
        if value.strip() and (code := field_of(value, labels)) not in fields:
            fields.append(code)
    if not fields:
        raise InputError("fields", "至少写一个擅长领域或事项类型（派给专家时按它匹配）")
    if len(fields) > MAX_FIELDS:
        raise InputError("fields", f"领域过多（最多 {MAX_FIELDS} 个）")
    shifts: list[str] = []
    for value in split_shifts(draft.shifts):
        if value.strip() and (text := parse_shift(value).text()) not in shifts:
            shifts.append(text)
    if not shifts:
        raise InputError("shifts", "至少写一个值班时间，如 工作日 09:00-17:30")
    if len(shifts) > MAX_SHIFTS:
        raise InputError("shifts", f"值班时间过多（最多 {MAX_SHIFTS} 个）")
    phone = "".join(draft.phone.split())
    if phone and not _PHONE.match(phone):
        raise InputError(
            "phone", f"值班电话「{phone[:20]}」应为数字（可带区号横线），如 0731-88888888"
        )
    seat = _text(draft.seat, "seat", "坐席账号", MAX_SEAT, False)
    note = _text(draft.note, "note", "备注", MAX_NOTE, False)
    return ExpertDraft(
        name, unit_id, tuple(fields), tuple(shifts), phone, seat, note, kind, draft.desk_lead
    )


# ------------------------------------------------------------------------------ commands
def add_expert(
    store: Store,
    draft: ExpertDraft,
    by: str,
    now: dt.datetime,
    audit_with: AuditHook | None = None,
) -> str:
    """Put an expert on the roster; answers the expert's id (ex-…)."""
    labels, _ = field_labels(store)
    clean = check_draft(draft, labels)
    expert_id = f"ex-{uuid.uuid4().hex[:10]}"
    with store.write() as s:
        if s.get(UnitRow, clean.unit_id) is None:
            raise NotFound("单位", clean.unit_id)
        twin = s.execute(
            select(ExpertRow.id).where(
                ExpertRow.unit_id == clean.unit_id, ExpertRow.name == clean.name, ExpertRow.active
            )
        ).first()
        if twin is not None:
            raise RuleError(
                RULE,
                f"该单位已有在册专家「{clean.name}」（{twin[0]}）：修改其领域或值班时间，或先退出名册",
            )
        s.add(
            ExpertRow(
                id=expert_id,
                name=clean.name,
                unit_id=clean.unit_id,
                fields=list(clean.fields),
                shifts=list(clean.shifts),
                phone=clean.phone,
                seat=clean.seat,
                note=clean.note,
                kind=clean.kind,
                desk_lead=clean.desk_lead,
                active=True,
                added_by=by[:80],
                added_at=now,
            )
        )
        if audit_with is not None:
            audit_with(
                s,
                expert_id,
                {
                    "unit_id": clean.unit_id,
                    "fields": ",".join(clean.fields),
                    "kind": clean.kind,
                    "desk_lead": int(clean.desk_lead),
                },
            )
    return expert_id


def edit_expert(
    store: Store,
    expert_id: str,
    draft: ExpertDraft,
    by: str,
    now: dt.datetime,
    audit_with: AuditHook | None = None,
) -> None:
    """Change an expert's entry (fields, shifts, phone …); a retired expert is not edited."""
    labels, _ = field_labels(store)
    clean = check_draft(draft, labels)
    with store.write() as s:
        row = s.get(ExpertRow, expert_id)
        if row is None:
            raise NotFound("专家", expert_id)
        if not row.active:
            raise RuleError(RULE, f"专家「{row.name}」已退出名册，不能修改")
        if s.get(UnitRow, clean.unit_id) is None:
            raise NotFound("单位", clean.unit_id)
        before: dict[str, str | int] = {
            "unit_id": row.unit_id,
            "fields": ",".join(row.fields),
            "kind": row.kind,
            "desk_lead": int(row.desk_lead),
        }
        row.name, row.unit_id = clean.name, clean.unit_id
        row.fields, row.shifts = list(clean.fields), list(clean.shifts)
        row.phone, row.seat, row.note = clean.phone, clean.seat, clean.note
        row.kind, row.desk_lead = clean.kind, clean.desk_lead
        row.changed_by, row.changed_at = by[:80], now
        if audit_with is not None:
            audit_with(
                s,
                expert_id,
                {
                    "unit_id": clean.unit_id,
                    "fields": ",".join(clean.fields),
                    "kind": clean.kind,
                    "desk_lead": int(clean.desk_lead),
                    "before_unit_id": before["unit_id"],
                    "before_fields": before["fields"],
                    "before_kind": before["kind"],
                    "before_desk_lead": before["desk_lead"],
                },
            )


def retire_expert(
    store: Store,
    expert_id: str,
    reason: str,
    by: str,
    now: dt.datetime,
    audit_with: AuditHook | None = None,
) -> None:
    """Take an expert off duty for good (退出名册), with the reason; the entry stays."""
    text = _text(reason, "reason", "退出原因", MAX_NOTE, True)
    with store.write() as s:
        row = s.get(ExpertRow, expert_id)
        if row is None:
            raise NotFound("专家", expert_id)
        if not row.active:
            raise RuleError(RULE, f"专家「{row.name}」已于 {_day(row.retired_at)} 退出名册")
        row.active = False
        row.retired_by, row.retired_at, row.retire_reason = by[:80], now, text
        if audit_with is not None:
            audit_with(s, expert_id, {"unit_id": row.unit_id, "reason": text[:200]})


def _day(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d}" if moment else "此前"


# ------------------------------------------------------------------------------ reading
def list_experts(
    store: Store,
    calendar: WorkCalendar,
    now: dt.datetime,
    unit_id: str | None = None,
    field: str | None = None,
    on_duty: bool = False,
    include_retired: bool = False,
    kind: str | None = None,
) -> list[ExpertView]:
    """The roster (one unit's for ``unit_id``), optionally only the experts covering
    ``field`` (a domain or matter type, code or name), only those on duty at ``now`` and only
    one ``kind`` (expert | policy). On duty first, then by unit and name."""
    labels, matter_domains = field_labels(store)
    wanted: set[str] | None = None
    if field is not None and field.strip():
        code = field_of(field, labels, "field")
        wanted = {code} | ({matter_domains[code]} if code in matter_domains else set())
    q = select(ExpertRow, UnitRow.name).join(UnitRow, UnitRow.id == ExpertRow.unit_id)
    if unit_id is not None:
        q = q.where(ExpertRow.unit_id == unit_id)
    if not include_retired:
        q = q.where(ExpertRow.active)
    if kind is not None and kind.strip():
        q = q.where(ExpertRow.kind == check_kind(kind))
    with store.read() as s:
        rows = [(row, name) for row, name in s.execute(q).all()]
    views = [_view(row, name, labels, calendar, now) for row, name in rows]
    if wanted is not None:
        views = [v for v in views if wanted & set(v.fields)]
    if on_duty:
        views = [v for v in views if v.on_duty]
    return sorted(views, key=lambda v: (not v.on_duty, not v.active, v.unit_id, v.name, v.id))


def _view(
    row: ExpertRow, unit_name: str, labels: Fields, calendar: WorkCalendar, now: dt.datetime
) -> ExpertView:
    shifts = [parse_shift(text) for text in row.shifts]
    return ExpertView(
        id=row.id,
        name=row.name,
        unit_id=row.unit_id,
        unit_name=unit_name,
        fields=tuple(row.fields),
        field_labels=tuple(labels.get(code, code) for code in row.fields),
        shifts=tuple(row.shifts),
        shift_labels=tuple(s.label() for s in shifts),
        phone=row.phone,
        seat=row.seat,
        note=row.note,
        active=row.active,
        on_duty=row.active and any(s.covers(now, calendar) for s in shifts),
        added_by=row.added_by,
        added_at=row.added_at,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        retired_by=row.retired_by,
        retired_at=row.retired_at,
        retire_reason=row.retire_reason,
        kind=row.kind,
        kind_label=KINDS.get(row.kind, row.kind),
        desk_lead=row.desk_lead,
    )


def split_fields(values: Iterable[str]) -> tuple[str, ...]:
    """Fields given one per item or several in one (``社保,医保`` / ``社保、医保``)."""
    return tuple(p.strip() for v in values for p in re.split(r"[,，、;；\n]", v) if p.strip())


def split_shifts(values: Iterable[str]) -> tuple[str, ...]:
    """Shifts given one per item or several in one, separated by ``;`` (a shift's own days
    may hold commas: ``周六,周日 09:00-17:00``)."""
    return tuple(p.strip() for v in values for p in re.split(r"[;；\n]", v) if p.strip())
