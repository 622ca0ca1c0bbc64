"""Live updates: what changed on the tickets since a console last asked (a cursor).

The feed is the tickets' timeline itself (``events``, append-only, written in the same
transaction as the change): every accepted special incident, dispatch, signature, return,
supervision … is an event, so a console that asks "what after event N?" learns of every change
the seat may see (a unit clerk: its unit's tickets, as everywhere) and, asking again from its
cursor after a lost connection or a server restart, misses none.

One limit, on PostgreSQL only: an event's id is taken when it is inserted and becomes visible
when its transaction commits, so two transactions committing in the other order can show the
later id first; a reader between the two commits moves its cursor past the earlier one. The
consoles keep their periodic full reload (board and queues, every 10 s) for that case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from console.errors import InputError
from console.services.tickets.queries import scope
from console.services.values import Special
from console.services.views import Actor, LiveChanges, TicketChange
from console.store.engine import Store
from console.store.models import AuditRow, CallEventRow, EventRow, TicketRow

MAX_CHANGES = 200


def changes_after(s: Session, actor: Actor, after: int | None) -> LiveChanges:
    """The changes after event ``after`` that ``actor`` may see, oldest first (at most
    :data:`MAX_CHANGES`; ask again from the cursor for more). ``None``: just the cursor."""
    if after is not None and after < 0:
        raise InputError("after", "游标不能为负")
    latest = int(s.execute(select(func.max(EventRow.id))).scalar_one() or 0)
    if after is None or latest <= after:
        return LiveChanges(cursor=latest if after is None else after)
    stmt = cast(
        Select[Any],
        select(
            EventRow.id,
            TicketRow.number,
            EventRow.action,
            TicketRow.unit_id,
            TicketRow.special,
            EventRow.at,
        )  # fmt: skip
        .join(TicketRow, TicketRow.id == EventRow.ticket_id)
        .where(EventRow.id > after, EventRow.id <= latest),
    )
    rows = s.execute(scope(stmt, actor).order_by(EventRow.id).limit(MAX_CHANGES)).all()
    changes = tuple(
        TicketChange(
            id=r[0],
            number=str(r[1] or ""),
            action=r[2],
            unit_id=r[3],
            special=Special(r[4]),
            at=r[5],
        )  # fmt: skip
        for r in rows
    )
    cursor = changes[-1].id if len(changes) == MAX_CHANGES else latest
    return LiveChanges(cursor=cursor, changes=changes)


@dataclass(frozen=True)
class Landed:
    """What landed in the store since a look, in brief: enough for a server to tell which of
    the questions it holds may have an answer now (``console.api.signal``)."""

    event_id: int  # the newest ticket event
    call_id: int  # the newest call event
    units: frozenset[str | None] = frozenset()  # units of the tickets that changed
    seats: frozenset[str] = frozenset()  # telephony seats a call was answered or put through at
    audit_id: int = 0  # the newest audit record
    kb: bool = False  # an article changed (an audit record of one of ``kb_actions``)

    @property
    def marks(self) -> tuple[int, int, int]:
        return self.event_id, self.call_id, self.audit_id


def landed_since(
    store: Store,
    event_id: int,
    call_id: int,
    audit_id: int = -1,
    kb_actions: frozenset[str] = frozenset(),
) -> Landed:
    """The brief of what landed after ``event_id`` / ``call_id`` / ``audit_id`` (any of them
    -1: just the newest ids). ``kb_actions``: the audit actions that change an article."""
    with store.read() as s:
        newest = (
            int(s.execute(select(func.max(EventRow.id))).scalar_one() or 0),
            int(s.execute(select(func.max(CallEventRow.id))).scalar_one() or 0),
            int(s.execute(select(func.max(AuditRow.id))).scalar_one() or 0),
        )
        if min(event_id, call_id, audit_id) < 0:
            return Landed(newest[0], newest[1], audit_id=newest[2])
        units = frozenset(
            s.execute(
                select(TicketRow.unit_id).distinct()
                .join(EventRow, EventRow.ticket_id == TicketRow.id)
                .where(EventRow.id > event_id, EventRow.id <= newest[0])
            ).scalars()
        ) if newest[0] > event_id else frozenset()  # fmt: skip
        seats: set[str] = set()
        if newest[1] > call_id:
            for payload in s.execute(
                select(CallEventRow.payload).where(
                    CallEventRow.id > call_id, CallEventRow.id <= newest[1],
                    CallEventRow.kind.in_(("answered", "transferred")),
                )
            ).scalars():  # fmt: skip
                seats.update(v for v in (payload.get("seat"), payload.get("to")) if v)
        kb = bool(kb_actions) and newest[2] > audit_id and s.execute(
            select(AuditRow.id).where(
                AuditRow.id > audit_id, AuditRow.id <= newest[2],
                AuditRow.action.in_(sorted(kb_actions)),
            ).limit(1)
        ).first() is not None  # fmt: skip
    return Landed(newest[0], newest[1], units, frozenset(seats), newest[2], kb)
