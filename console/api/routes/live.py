"""Live updates (推送): the ticket and article changes a seat may see after its cursors.

``GET /api/v1/live/stream`` is the push: a Server-Sent Events stream (``text/event-stream``)
that sends each batch of changes as it lands — an event ``changes`` whose ``id`` is the pair
of cursors ``<ticket cursor>.<knowledge cursor>`` and whose ``data`` is the JSON of
:class:`LiveChanges` — and, when nothing came for ``HOLD_S`` seconds, an event ``cursor`` with
the cursors alone (it keeps the connection and the client's resume point fresh). A client that
lost the stream asks again with ``Last-Event-ID`` (or ``?after=&kb_after=``) and misses
nothing; without either, the stream starts with a ``cursor`` event at the newest change. A
stream ends after ``STREAM_S`` seconds or the ``seconds`` asked (a proxy with a shorter idle
limit asks less); the client reconnects from its id: the seat's token is checked again, and a
load balancer may move it.

``GET /api/v1/live?after=N&kb_after=K&wait=20`` is the same question held once (long poll),
for clients that cannot read a stream: it answers at once when there are changes and otherwise
holds until a write answered by this server wakes it (or, for writes made elsewhere, within a
second), at most ``wait`` seconds.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse

from console.api.deps import Seat
from console.api.signal import MAX_WAIT, held
from console.errors import InputError
from console.services.backend import Backend
from console.services.tickets.live import Landed
from console.services.values import Role
from console.services.views import LiveChanges

router = APIRouter(tags=["live"])

HOLD_S = 15.0
"""Seconds without changes after which the stream sends its cursors (a keep-alive)."""
STREAM_S = 300.0
"""Seconds after which the server ends a stream; the client reconnects from its last id."""
MAX_CURSOR = 2**63 - 1
"""The largest cursor (an event's id is a 64-bit integer on every store)."""


@router.get("/live/stream", operation_id="live_feed", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}}})  # fmt: skip
async def live_stream(
    request: Request,
    backend: Seat,
    after: Annotated[
        int | None, Query(ge=0, le=MAX_CURSOR, description="上次收到的游标；首次不填")
    ] = None,
    kb_after: Annotated[
        int | None, Query(ge=0, le=MAX_CURSOR, description="上次收到的知识库游标")
    ] = None,
    last_event_id: Annotated[str | None, Header(description="断线重连：上次收到的事件 id")] = None,
    seconds: Annotated[
        float, Query(gt=0, le=STREAM_S, description="流保持的秒数，到时带 Last-Event-ID 重连")
    ] = STREAM_S,
) -> StreamingResponse:
    """The live feed pushed as Server-Sent Events (see the module's words)."""
    if last_event_id:
        after, kb_after = resume_point(last_event_id)
    ask, found, cursor, concerns = _question(backend, kb_after)

    async def frames() -> AsyncIterator[str]:
        position = after
        ends = time.monotonic() + seconds
        while (left := ends - time.monotonic()) > 0:
            hold = min(HOLD_S, left)
            answer = await held(request, ask, found, cursor, position, hold, concerns)
            if await request.is_disconnected():
                return
            position = answer.cursor
            yield frame(answer, "changes" if answer.news else "cursor")

    return StreamingResponse(frames(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})  # fmt: skip


def resume_point(event_id: str) -> tuple[int, int | None]:
    """``Last-Event-ID`` → (ticket cursor, knowledge cursor); a bare number is a ticket cursor."""
    head, _, tail = event_id.strip().partition(".")
    try:
        ticket, kb = int(head), (int(tail) if tail else None)
    except ValueError:
        raise InputError(
            "Last-Event-ID", f"应为「游标.知识库游标」，收到 {event_id[:40]!r}"
        ) from None
    if ticket < 0 or (kb is not None and kb < 0):
        raise InputError("Last-Event-ID", "游标不能为负")
    if ticket > MAX_CURSOR or (kb is not None and kb > MAX_CURSOR):
        raise InputError("Last-Event-ID", "游标超出范围")
    return ticket, kb


def frame(answer: LiveChanges, event: str) -> str:
    """One Server-Sent Event: the answer's cursors as its id, the answer as its data."""
    data = json.dumps(jsonable_encoder(answer), ensure_ascii=False, separators=(",", ":"))
    return f"id: {answer.cursor}.{answer.kb_cursor}\nevent: {event}\ndata: {data}\n\n"


@router.get("/live", operation_id="live_changes", response_model=LiveChanges)
async def live_changes(
    request: Request,
    backend: Seat,
    after: Annotated[
        int | None, Query(ge=0, le=MAX_CURSOR, description="上次收到的游标；首次不填")
    ] = None,
    wait: Annotated[
        float, Query(ge=0, le=MAX_WAIT, description="没有新变化时最多等待的秒数")
    ] = 0.0,
    kb_after: Annotated[
        int | None, Query(ge=0, le=MAX_CURSOR, description="上次收到的知识库游标（kb_cursor）")
    ] = None,
) -> LiveChanges:
    """The ticket changes after ``after`` this seat may see (a unit clerk: its unit's) and the
    article changes after ``kb_after``."""
    ask, found, cursor, concerns = _question(backend, kb_after)
    return await held(request, ask, found, cursor, after, wait, concerns)


def _question(backend: Backend, kb_after: int | None) -> tuple[
    Callable[[int | None], LiveChanges], Callable[[LiveChanges], bool],
    Callable[[LiveChanges], int], Callable[[Landed], bool],
]:  # fmt: skip
    """How a held question of the live feed asks, knows it has news, moves on and is woken:
    the knowledge cursor moves with each answer (the ticket cursor is ``held``'s)."""
    actor = backend.actor
    unit = actor.unit_id if actor.role is Role.UNIT_CLERK else None
    kb = [kb_after]

    def ask(cursor: int | None) -> LiveChanges:
        answer = backend.live_changes(cursor, 0.0, kb[0] if cursor is not None else None)
        kb[0] = answer.kb_cursor
        return answer

    def concerns(landed: Landed) -> bool:  # a unit clerk: its unit's tickets; others: any
        return landed.kb or (bool(landed.units) if unit is None else unit in landed.units)

    return ask, lambda found: found.news, lambda found: found.cursor, concerns
