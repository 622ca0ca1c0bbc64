"""Live updates (推送): the ticket changes a seat may see after its cursor, held until one comes.

``GET /api/v1/live?after=N&wait=20`` answers at once when there are changes after event N and
otherwise holds the question until a write answered by this server wakes it (or, for writes
made elsewhere, within a second), at most ``wait`` seconds. The answer's ``cursor`` is where
to ask from next: a console that lost the connection asks again from it and misses nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from console.api.deps import Seat
from console.api.signal import MAX_WAIT, held
from console.services.tickets.live import Landed
from console.services.values import Role
from console.services.views import LiveChanges

router = APIRouter(tags=["live"])


@router.get("/live", operation_id="live_changes", response_model=LiveChanges)
async def live_changes(
    request: Request,
    backend: Seat,
    after: Annotated[int | None, Query(ge=0, description="上次收到的游标；首次不填")] = None,
    wait: Annotated[float, Query(ge=0, le=MAX_WAIT, description="没有新变化时最多等待的秒数")] = 0.0,
) -> LiveChanges:
    """The ticket changes after ``after`` this seat may see (a unit clerk: its unit's)."""
    actor = backend.actor
    unit = actor.unit_id if actor.role is Role.UNIT_CLERK else None

    def concerns(landed: Landed) -> bool:  # a unit clerk: its unit's tickets; others: any
        return bool(landed.units) if unit is None else unit in landed.units

    return await held(request, lambda cursor: backend.live_changes(cursor, 0.0),
                      lambda found: bool(found.changes), lambda found: found.cursor, after, wait,
                      concerns)  # fmt: skip
