"""Work-queue claims: a seat takes the next ticket of a queue, and no two seats take the same.

On PostgreSQL the candidate row is locked with ``SELECT … FOR UPDATE SKIP LOCKED``: seats
claiming at the same moment each get a different ticket without waiting on each other. On
SQLite the write transaction (``BEGIN IMMEDIATE``) already serialises claims. A claim lasts
:data:`CLAIM_TTL`; after that the ticket is free again (the seat went away). Claims do not
touch the ticket's version, so a claim never turns another seat's next command into a
conflict. Each claim and release is audited.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update

from console.errors import InputError, NotFound, PermissionDenied
from console.services.access import audit
from console.services.inputs import check_text
from console.services.tickets import workflow
from console.services.tickets.commands import refuse_unseen
from console.services.tickets.queries import Queries, nearest_due
from console.services.values import QUEUES, Role
from console.services.views import Actor
from console.store.engine import Store
from console.store.models import TicketRow

CLAIM_TTL = dt.timedelta(minutes=15)

# Which roles work each claimable queue (the roles of the action the queue waits for).
CLAIMABLE: dict[str, frozenset[Role]] = {
    "callbacks": workflow.CALLBACK_ROLES | workflow.INTAKE_ROLES,
    "returns": workflow.ACTIONS["review_return"].roles,
    "completions": workflow.ACTIONS["review_completion"].roles,
    "extensions": workflow.ACTIONS["review_extension"].roles,
    "terminations": workflow.ACTIONS["review_termination"].roles,
    "dissatisfied": workflow.ACTIONS["decide_dissatisfied"].roles,
    "awaiting_sign": workflow.ACTIONS["sign"].roles,
    "supervision": workflow.ACTIONS["open_supervision"].roles,
    "due_soon": frozenset(Role) - {Role.AUDITOR},
    "overdue": frozenset(Role) - {Role.AUDITOR},
    "special": workflow.INTAKE_ROLES | {Role.MANAGER, Role.UNIT_CLERK},
}


def claim_next(
    store: Store, queries: Queries, actor: Actor, queue: str, now: dt.datetime
) -> str | None:
    """Claim the next free ticket of ``queue`` for this seat; None when the queue is empty.

    The order is the queue's own: nearest running deadline first, then oldest. The queue is
    scoped by ``queries``' seat (a unit clerk claims only its unit's tickets), so that seat
    must be ``actor``.
    """
    if queries.actor != actor:
        raise ValueError("claim_next: queries and actor are different seats")
    if queue not in CLAIMABLE:
        names = "、".join(CLAIMABLE)
        known = "未知队列" if queue not in QUEUES else "该队列不按认领分配"
        raise InputError("queue", f"{known} {queue}（可认领：{names}）")
    if actor.role not in CLAIMABLE[queue]:
        raise PermissionDenied(
            f"{actor.role.label}不处理「{QUEUES[queue]}」队列", rule="R-SECURITY"
        )
    free = or_(TicketRow.claimed_by.is_(None), TicketRow.claimed_at < now - CLAIM_TTL)
    next_due = nearest_due()
    stmt = (
        queries.queue_statement(queue, now)
        .where(free)
        .with_only_columns(TicketRow.id, TicketRow.number)
        .order_by(next_due.is_(None), next_due, TicketRow.id)
        .limit(1)
    )
    with store.write() as s:
        if store.dialect == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True, of=TicketRow)
        row = s.execute(stmt).first()
        if row is None:
            return None
        s.execute(
            update(TicketRow)
            .where(TicketRow.id == row.id)
            .values(claimed_by=actor.seat, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        audit.record(s, "claim", str(row.number), {"queue": queue}, actor)
        return str(row.number)


def release(store: Store, actor: Actor, number: str) -> None:
    """Give a claimed ticket back to its queue (only the seat holding it may).

    A ticket the seat may not read is refused as reading it is (R-SECURITY): the answer tells
    a clerk of another unit neither who holds it nor whether anyone does.
    """
    check_text("number", number)
    with store.write() as s:
        row = s.execute(select(TicketRow).where(TicketRow.number == number)).scalar_one_or_none()
        if row is None:
            raise NotFound("工单", number)
        refuse_unseen(row, actor)
        if row.claimed_by is None:
            return
        if row.claimed_by != actor.seat:
            raise PermissionDenied(
                f"工单 {number} 已由席位 {row.claimed_by} 认领，只有认领席位可以释放",
                rule="R-SECURITY",
            )
        s.execute(
            update(TicketRow)
            .where(TicketRow.id == row.id)
            .values(claimed_by=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )
        audit.record(s, "release", number, {}, actor)
