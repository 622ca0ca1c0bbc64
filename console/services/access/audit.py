"""The audit trail (R-SECURITY, R-ARCHIVE): who changed or looked at what, from where.

Every write transaction of the store is watched: each new timeline event (``EventRow``), each
seat added or changed, each article flag and calendar schedule, every revealed contact and
every claim becomes one ``AuditRow`` written in the SAME transaction as the change (a failed
command leaves none). Other tables written through the ORM leave one summary record per table
and transaction (counts only). Bulk Core statements bypass the unit of work and must call
:func:`record` themselves.

Records are append-only and chained: ``hash = sha256(prev_hash + canonical JSON)`` over every
field including the id, and ids are dense (assigned here, not by a sequence that a rolled-back
transaction could skip), so an edited, inserted or deleted record breaks the chain at the first
place it touches (:func:`verify`). The chain stays linear under many writers: on PostgreSQL the
writer takes a transaction-level advisory lock just before reading the last hash, at commit
time (after the transaction's own row locks, so no lock-order deadlock); SQLite's
``BEGIN IMMEDIATE`` already serialises writers.

What a record never holds: a caller's words, name, phone or ID number. An event is recorded by
its ticket number, action, the resulting state and a few plain facts (unit, days …), never by
its free text.

The acting seat and the origin ("from where") come from context variables: LocalBackend sets
:data:`ACTOR` for each call, the HTTP API sets :data:`ORIGIN` per request (``api:<ip>``), an entry
point sets the process default with :func:`set_default_origin` (``tui:<host>``, ``cli``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, insert, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.util import identity_key

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.access import auditkey
from console.services.values import Role
from console.services.views import Actor, ContactView
from console.store.models import (
    ArticleFlagRow,
    AuditRow,
    CalendarScheduleRow,
    ClockRow,
    CoUnitRow,
    DraftRow,
    EventRow,
    MergeRow,
    OutboxRow,
    SeatRow,
    SupervisionRow,
    TicketRow,
)

log = logging.getLogger(__name__)

GENESIS = "0" * 64
"""``prev_hash`` of the first record."""

PG_LOCK_KEY = 0x12345_A0D17
"""The advisory lock that serialises appends to the chain on PostgreSQL."""

ACTOR: ContextVar[Actor | None] = ContextVar("hotline_audit_actor", default=None)
"""The seat acting in this context (set per call by LocalBackend and by the API)."""

ORIGIN: ContextVar[str | None] = ContextVar("hotline_audit_origin", default=None)
"""Where the action comes from: ``tui:<host>``, ``api:<client ip>``, ``cli`` …"""

_default_origin: list[str] = []

# Plain facts of an event's details that may go into an audit record (no free text).
EVENT_FACTS = (
    "unit_id",
    "co_unit_ids",
    "lead",
    "from_unit",
    "days",
    "due",
    "special",
    "article_id",
    "scope",
    "target",
    "method",
    "result",
    "supervision",
    "ground",
    "rejections",
    "attempt",
    "late",
    "master",
    "merged",
)
# Rows that travel with an event (the event's record covers them) or are a seat's scratch pad.
COVERED = (TicketRow, ClockRow, CoUnitRow, MergeRow, OutboxRow, SupervisionRow, DraftRow)
REVEAL_ROLES = frozenset(
    {
        Role.OPERATOR,
        Role.EXPERT,
        Role.ENTERPRISE_DESK,
        Role.SHIFT_LEAD,
        Role.SUBCENTRE_OPERATOR,
        Role.UNIT_CLERK,
        Role.MANAGER,
    }
)
"""Roles that may see a caller's full phone and ID number, with a reason (R-CONFIDENTIAL)."""
MAX_REASON = 200

_PENDING = "hotline_audit_pending"
_SUMMARY = "hotline_audit_summary"
# what a pending record speaks for (taken off before it is written): an event, a seat
_EVENT = "_event"
_SEAT = "_seat"
_TICKET = "_ticket"
SCHEME_KEYED = "hmac"
SCHEME_PLAIN = "sha256"
SEAT_ACTIONS = frozenset({"seat_add", "seat_change", "seat_revoke", "seat_token", "seat_delete"})


# ---------------------------------------------------------------------- context
@contextmanager
def audit_context(actor: Actor | None = None, origin: str | None = None) -> Iterator[None]:
    """Run a block as ``actor`` from ``origin``; ``None`` keeps what the outer context set."""
    actor_token = ACTOR.set(actor) if actor is not None else None
    origin_token = ORIGIN.set(origin) if origin is not None else None
    try:
        yield
    finally:
        if origin_token is not None:
            ORIGIN.reset(origin_token)
        if actor_token is not None:
            ACTOR.reset(actor_token)


def set_default_origin(origin: str) -> None:
    """The origin of this process when no request sets one (``tui:<host>``, ``cli``)."""
    _default_origin[:] = [origin]


def current_origin() -> str:
    """The origin recorded for a write made now."""
    origin = ORIGIN.get()
    if origin:
        return origin[:100]
    if _default_origin:
        return _default_origin[0]
    return f"local:{socket.gethostname()}"[:100]


C = TypeVar("C", bound=type)


def per_call_actor(cls: C) -> C:
    """Class decorator for a backend: each public method runs with :data:`ACTOR` = its seat."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or isinstance(member, (staticmethod, classmethod, type)):
            continue
        if not callable(member):
            continue
        setattr(cls, name, _with_actor(member))
    return cls


def _with_actor(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        token = ACTOR.set(self.actor)
        try:
            return method(self, *args, **kwargs)
        finally:
            ACTOR.reset(token)

    return wrapper


# ---------------------------------------------------------------------- the listener
def install(factory: sessionmaker[Session], key_file: Path) -> None:
    """Watch every session ``factory`` makes (the store's writer), keying its records with the
    key in ``key_file`` (created on first use). Idempotent."""
    # a mark on this factory's own Session subclass (event.contains() can answer for a
    # garbage-collected factory whose class id was reused, and skip a new one)
    factory.class_._hotline_audit_key = Path(key_file)  # type: ignore[attr-defined]
    if "_hotline_audited" in vars(factory.class_):
        return
    factory.class_._hotline_audited = True  # type: ignore[attr-defined]
    event.listen(factory, "before_flush", _refuse_rewrites)
    event.listen(factory, "after_flush", _collect)
    event.listen(factory, "before_commit", _append)
    event.listen(factory, "after_transaction_end", _forget)


def installed(session: Session) -> bool:
    return bool(getattr(session, "_hotline_audited", False))


def key_file_of(store: Any) -> Path:
    """The audit key file of ``store`` (set when it was opened, console.bootstrap.open_store)."""
    path = getattr(store.writer.class_, "_hotline_audit_key", None)
    if path is None:
        raise RuntimeError("the store was not opened with an audit key (bootstrap.open_store)")
    return Path(path)


def record(
    session: Session,
    action: str,
    target: str,
    detail: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> None:
    """Add an audit record to the session's transaction (written at its commit).

    For writes the unit of work does not see (Core statements) and for reads worth tracing
    (a revealed contact).
    """
    if not installed(session):
        raise RuntimeError("audit.record needs a session of the store's writer")
    who = actor or ACTOR.get()
    _pending(session).append(
        _entry(
            action,
            target,
            detail or {},
            seat=who.seat if who else "",
            name=who.name if who else "",
            role=who.role.value if who else "",
            unit_id=who.unit_id if who else None,
        )
    )


def _pending(session: Session) -> list[dict[str, Any]]:
    return session.info.setdefault(_PENDING, [])  # type: ignore[no-any-return]


def _entry(
    action: str,
    target: str,
    detail: dict[str, Any],
    seat: str = "",
    name: str = "",
    role: str = "",
    unit_id: str | None = None,
) -> dict[str, Any]:
    return {
        "seat": seat[:40],
        "actor": name[:80],
        "role": role[:20],
        "unit_id": unit_id,
        "action": action[:40],
        "target": target[:60],
        "detail": detail,
        "origin": current_origin(),
    }


def _refuse_rewrites(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, AuditRow):
            raise RuleError("R-ARCHIVE", "审计记录只能由系统追加，不能新增、修改或删除")


def _collect(session: Session, _flush_context: Any) -> None:
    """After each flush (ids known, histories still there): queue one record per change."""
    who = ACTOR.get()
    out = _pending(session)
    events = sorted((o for o in session.new if isinstance(o, EventRow)), key=lambda e: e.id)
    for e in events:
        out.append(_event_entry(session, e, who))
    summary: dict[str, tuple[Counter[str], Actor | None]] = session.info.setdefault(_SUMMARY, {})
    for kind, objs in (
        ("added", session.new),
        ("changed", session.dirty),
        ("deleted", session.deleted),
    ):
        for obj in objs:
            if isinstance(obj, EventRow) and kind == "added":
                continue
            if kind == "changed" and not session.is_modified(obj, include_collections=False):
                continue
            entry = _row_entry(obj, kind, who)
            if entry is not None:
                out.append(entry)
            elif not isinstance(obj, (*COVERED, AuditRow)) or (
                kind == "deleted" and isinstance(obj, TicketRow)
            ):
                table = str(getattr(type(obj), "__tablename__", type(obj).__name__))
                counts, _ = summary.get(table, (Counter(), None))
                counts[kind] += 1
                summary[table] = (counts, who)


def _who(entry: dict[str, Any], who: Actor | None) -> dict[str, Any]:
    if who is not None:
        entry.update(
            seat=who.seat[:40], actor=who.name[:80], role=who.role.value, unit_id=who.unit_id
        )
    return entry


def _event_entry(session: Session, e: EventRow, who: Actor | None) -> dict[str, Any]:
    t = session.identity_map.get(identity_key(TicketRow, e.ticket_id))
    if t is not None:
        number, state = t.number or "", t.state
    else:  # not loaded in this session: ask the database (same transaction)
        row = (
            session.connection()
            .execute(select(TicketRow.number, TicketRow.state).where(TicketRow.id == e.ticket_id))
            .one()
        )
        number, state = row.number or "", row.state
    detail: dict[str, Any] = {"event_id": e.id, "state": state}
    for key in EVENT_FACTS:
        value = (e.details or {}).get(key)
        if value not in (None, ""):
            detail[key] = value if isinstance(value, (int, bool)) else str(value)[:60]
    same_seat = who is not None and who.name == e.actor
    entry = _entry(
        e.action,
        number,
        detail,
        seat=who.seat if same_seat and who else "",
        name=e.actor,
        role=e.role,
        unit_id=e.unit_id,
    )
    entry[_EVENT] = (e.id, e.ticket_id)
    return entry


def _row_entry(obj: Any, kind: str, who: Actor | None) -> dict[str, Any] | None:
    """The record of an audited non-event row, or None (then it is summarised per table)."""
    if isinstance(obj, SeatRow):
        if kind == "added":
            action, detail = "seat_add", {"role": obj.role, "unit_id": obj.unit_id or ""}
        elif kind == "deleted":
            action, detail = "seat_delete", {}
        else:
            changed = sorted(a.key for a in _changed_attrs(obj) if a.key not in ("token_hash",))
            token = any(a.key == "token_hash" for a in _changed_attrs(obj))
            if obj.revoked_at is not None and "revoked_at" in changed:
                action = "seat_revoke"
            elif token and not changed:
                action = "seat_token"
            else:
                action = "seat_change"
            detail = {"fields": ",".join(changed + (["token"] if token else []))}
        entry = _who(_entry(action, obj.id, detail, "", "", "", None), who)
        entry[_SEAT] = obj.id
        return entry
    if isinstance(obj, ArticleFlagRow) and kind == "added":
        entry = _entry(
            "flag_article",
            obj.article_id,
            {"problem": obj.problem, "unit_id": obj.unit_id},
            seat="",
            name=obj.flagged_by,
            role="",
            unit_id=None,
        )
        return _who(entry, who)
    if isinstance(obj, CalendarScheduleRow) and kind in ("added", "changed"):
        entry = _entry(
            "calendar_load",
            str(obj.year),
            {"official": bool(obj.official), "source": str(obj.source)[:60]},
            seat="",
            name=obj.loaded_by,
            role="",
            unit_id=None,
        )
        return _who(entry, who)
    if isinstance(obj, EventRow) and kind in ("changed", "deleted"):
        # the timeline is append-only; should anything rewrite it, say so
        return _who(_entry(f"event_{kind}", str(obj.id), {}, "", "", "", None), who)
    return None


def _changed_attrs(obj: Any) -> list[Any]:
    state = sa_inspect(obj)
    return [a for a in state.attrs if a.history.has_changes()]


def _append(session: Session) -> None:
    """At commit: chain the transaction's records onto the last one and insert them.

    Each record of an event or a seat carries the digest of that row as committed (read
    back here, in the same transaction); the last record of each ticket's events in the
    transaction carries the state the ticket is committed in. Every record is keyed
    (HMAC-SHA256 under the key kept outside the database).
    """
    session.flush()
    pending = session.info.pop(_PENDING, None) or []
    summary = session.info.pop(_SUMMARY, None) or {}
    for table, (counts, who) in sorted(summary.items()):
        pending.append(_who(_entry("data_change", table, dict(sorted(counts.items()))), who))
    if not pending:
        return
    secret = auditkey.key(session._hotline_audit_key)  # type: ignore[attr-defined]
    conn = session.connection()
    digests = _digests(conn, secret, pending)
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
    last = conn.execute(
        select(AuditRow.id, AuditRow.hash).order_by(AuditRow.id.desc()).limit(1)
    ).first()
    last_id, prev = (last.id, last.hash) if last else (0, GENESIS)
    rows = []
    stamp = dt.datetime.now(dt.UTC)  # when the records joined the chain: in chain order
    for i, entry in enumerate(pending, start=last_id + 1):
        event_ref, seat_ref = entry.pop(_EVENT, None), entry.pop(_SEAT, None)
        of_ticket = entry.pop(_TICKET, "")
        digest = ""
        if event_ref is not None:
            digest = digests.get(("event", event_ref[0]), "")
        elif seat_ref is not None:
            digest = digests.get(("seat", seat_ref), "")
        row = {
            "id": i,
            **entry,
            "at": stamp,
            "prev_hash": prev,
            "scheme": SCHEME_KEYED,
            "digest": digest,
            "ticket_digest": of_ticket,
        }
        row["hash"] = keyed_hash(secret, row)
        prev = row["hash"]
        rows.append(row)
    conn.execute(insert(AuditRow), rows)
    log.debug("audit: %d record(s) appended, last id %d", len(rows), rows[-1]["id"])


def _digests(conn: Any, secret: bytes, pending: list[dict[str, Any]]) -> dict[tuple[str, Any], str]:
    """Digests of the events and seats the pending records speak for, as committed; and the
    committed state written into the last record of each ticket's events."""
    out: dict[tuple[str, Any], str] = {}
    event_ids = [e[_EVENT][0] for e in pending if _EVENT in e]
    if event_ids:
        for row in conn.execute(select(*EVENT_COLUMNS).where(EventRow.id.in_(event_ids))):
            out[("event", row.id)] = event_digest(secret, row)
        last_of: dict[int, dict[str, Any]] = {}
        for e in pending:
            if _EVENT in e:
                last_of[e[_EVENT][1]] = e
        tickets = conn.execute(select(*TICKET_COLUMNS).where(TicketRow.id.in_(list(last_of))))
        for t in tickets:
            e = last_of[t.id]
            e["detail"] = {**e["detail"], "state": t.state}
            e[_TICKET] = ticket_digest(secret, t)
    seat_ids = [e[_SEAT] for e in pending if _SEAT in e]
    if seat_ids:
        for row in conn.execute(select(*SEAT_COLUMNS).where(SeatRow.id.in_(seat_ids))):
            out[("seat", row.id)] = seat_digest(secret, row)
    return out


EVENT_COLUMNS = (
    EventRow.id,
    EventRow.ticket_id,
    EventRow.at,
    EventRow.actor,
    EventRow.role,
    EventRow.unit_id,
    EventRow.action,
    EventRow.reason,
    EventRow.details,
)
SEAT_COLUMNS = (
    SeatRow.id,
    SeatRow.name,
    SeatRow.role,
    SeatRow.unit_id,
    SeatRow.token_hash,
    SeatRow.created_at,
    SeatRow.expires_at,
    SeatRow.revoked_at,
)


# the ticket as an event leaves it: every column but the work-queue claim (claims are
# recorded by their own records and come and go between events)
TICKET_COLUMNS = tuple(
    c for c in TicketRow.__table__.c if c.key not in ("claimed_by", "claimed_at")
)


def _plain_row(row: Any, columns: tuple[Any, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in columns:
        value = getattr(row, column.key)
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC).isoformat()
        out[column.key] = value
    return out


def event_digest(secret: bytes, row: Any) -> str:
    """The keyed digest of a timeline event as stored (every column, its words included)."""
    return auditkey.mac(secret, "event", auditkey.canonical_json(_plain_row(row, EVENT_COLUMNS)))


LATER_TICKET_COLUMNS: dict[str, Any] = {"notify_government": False}
"""Ticket columns added after the keyed audit (migration 0010), with their default: one is
in a ticket's digest only when it differs from the default, so a ticket signed before the
column existed still verifies after the upgrade. A new ticket column goes here too."""


def ticket_digest(secret: bytes, row: Any) -> str:
    """The keyed digest of a ticket as stored (its caller, words, unit, state, counters …)."""
    plain = _plain_row(row, TICKET_COLUMNS)
    for key, default in LATER_TICKET_COLUMNS.items():
        if key in plain and plain[key] == default:
            del plain[key]
    return auditkey.mac(secret, "ticket", auditkey.canonical_json(plain))


def seat_digest(secret: bytes, row: Any) -> str:
    """The keyed digest of a seat as stored (role, unit, token hash, validity)."""
    return auditkey.mac(secret, "seat", auditkey.canonical_json(_plain_row(row, SEAT_COLUMNS)))


def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_SUMMARY, None)


# ---------------------------------------------------------------------- the chain
FIELDS = (
    "id",
    "at",
    "seat",
    "actor",
    "role",
    "unit_id",
    "action",
    "target",
    "detail",
    "origin",
    "prev_hash",
)


def canonical(fields: dict[str, Any]) -> str:
    """The record's fields as canonical JSON (sorted keys, UTC ISO time, no spaces)."""
    at = fields["at"]
    if isinstance(at, dt.datetime):
        at = at.astimezone(dt.UTC).isoformat()
    body = {k: fields[k] for k in FIELDS}
    body["at"] = at
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


KEYED_FIELDS = (*FIELDS, "scheme", "digest", "ticket_digest")


def chain_hash(fields: dict[str, Any]) -> str:
    """sha256(prev_hash + canonical JSON of the record's fields): records before the key."""
    return hashlib.sha256((fields["prev_hash"] + canonical(fields)).encode("utf-8")).hexdigest()


def keyed_canonical(fields: dict[str, Any]) -> str:
    """Canonical JSON of a keyed record: every field, the scheme and the digest included."""
    body = json.loads(canonical(fields))
    body["scheme"] = fields["scheme"]
    body["digest"] = fields["digest"]
    body["ticket_digest"] = fields["ticket_digest"]
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def keyed_hash(secret: bytes, fields: dict[str, Any]) -> str:
    """HMAC-SHA256(key, prev_hash + canonical JSON of the record's fields)."""
    return auditkey.mac(secret, "audit", fields["prev_hash"] + keyed_canonical(fields))


def _fields(row: AuditRow) -> dict[str, Any]:
    return {k: getattr(row, k) for k in KEYED_FIELDS}


def verify(store: Any, write_checkpoint: bool = True) -> Any:
    """Check the whole trail (``hotline audit verify``): see
    :func:`console.services.access.verification.verify`."""
    from console.services.access.verification import verify as run

    return run(store, write_checkpoint=write_checkpoint)


# ---------------------------------------------------------------------- reading the trail
@dataclass(frozen=True)
class AuditEntry:
    """One audit record, as shown by ``hotline audit show``."""

    id: int
    at: dt.datetime
    seat: str
    actor: str
    role: str
    unit_id: str | None
    action: str
    target: str
    detail: dict[str, Any]
    origin: str
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "seat": self.seat,
            "actor": self.actor,
            "role": self.role,
            "unit_id": self.unit_id,
            "action": self.action,
            "target": self.target,
            "detail": self.detail,
            "origin": self.origin,
            "hash": self.hash,
        }


def entries(
    store: Any,
    seat: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: dt.datetime | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Audit records matching every given filter, oldest first (the newest ``limit`` of them)."""
    stmt = select(AuditRow)
    if seat:
        stmt = stmt.where(AuditRow.seat == seat)
    if action:
        stmt = stmt.where(AuditRow.action == action)
    if target:
        stmt = stmt.where(AuditRow.target == target)
    if since is not None:
        stmt = stmt.where(AuditRow.at >= since)
    stmt = stmt.order_by(AuditRow.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.read() as s:
        rows = s.execute(stmt).scalars().all()
        out = [
            AuditEntry(
                r.id,
                r.at,
                r.seat,
                r.actor,
                r.role,
                r.unit_id,
                r.action,
                r.target,
                dict(r.detail or {}),
                r.origin,
                r.hash,
            )
            for r in rows
        ]
    return out[::-1]


# ---------------------------------------------------------------------- revealing a contact
def reveal_contact(store: Any, actor: Actor, number: str, reason: str) -> ContactView:
    """A caller's full name, phone and ID number for a seat that needs them (R-CONFIDENTIAL).

    Needs a reason, which is audited with the reveal. Refused for roles that do not contact
    callers, for a unit other than the ticket's handling unit, and for the handling unit when
    the caller asked for confidentiality; a refused attempt is audited too.
    """
    reason = reason.strip()
    if not reason:
        raise InputError("reason", "查看来电人完整联系方式须说明理由（R-CONFIDENTIAL）")
    if len(reason) > MAX_REASON:
        raise InputError("reason", f"理由过长（最多 {MAX_REASON} 字）")
    try:
        with store.write() as s:
            t = s.execute(select(TicketRow).where(TicketRow.number == number)).scalar_one_or_none()
            if t is None:
                raise NotFound("工单", number)
            _may_reveal(t, actor)
            record(s, "reveal_contact", number, {"reason": reason}, actor)
            return ContactView(
                number=number,
                caller_name=t.caller_name,
                caller_phone=t.caller_phone,
                caller_id_number=t.caller_id_number,
                enterprise_name=t.enterprise_name,
                confidential=t.confidential,
            )
    except (PermissionDenied, NotFound) as exc:  # another unit's ticket is "not found" too
        with store.write() as s:
            record(s, "reveal_refused", number, {"rule": getattr(exc, "rule", "R-SECURITY")}, actor)
        raise


def _may_reveal(t: TicketRow, actor: Actor) -> None:
    if actor.role not in REVEAL_ROLES:
        raise PermissionDenied(
            f"{actor.role.label}无权查看来电人完整联系方式", rule="R-CONFIDENTIAL"
        )
    if actor.role is Role.UNIT_CLERK:
        co = any(c.unit_id == actor.unit_id for c in t.co_units)
        if actor.unit_id != t.unit_id and not co:  # as for a number nobody issued
            raise NotFound("工单", t.number or "")
        if actor.unit_id != t.unit_id:
            raise PermissionDenied(
                "只有承办（牵头）单位可以查看来电人联系方式", rule="R-CONFIDENTIAL"
            )
        if t.confidential:
            raise PermissionDenied(
                "来电人要求保密，姓名和联系方式不向承办单位提供", rule="R-CONFIDENTIAL"
            )
