"""Screen-pop: the calls answered at a seat, and the ticket that names its call.

A console that knows its telephony seat (``HOTLINE_PHONE_SEAT``, the agent id or extension
the ACD reports as ``seat``) asks for the calls answered — or transferred — to that seat
after a cursor. The cursor is the id of the last call event seen: events only ever append, so
a console that asks again from its cursor after a pause, a lost connection or a restart
misses none and sees none twice. A call already ended is not popped (the caller is gone).

A ticket taken on a popped call keeps a reference to the call (``tickets.call_ref``); the
call's recording is registered for the ticket in the hotline archive (R-ARCHIVE) as soon as
both are known — at acceptance when the recording id came first, else when the call's
``ended`` event brings it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.errors import InputError
from console.services.access.masking import mask_phone_full
from console.services.views import CallPop, CallPops
from console.store.engine import Store
from console.store.models import CallEventRow, CallRow, RecordingRow, TicketRow

POP_KINDS = ("answered", "transferred")
RECENT = dt.timedelta(minutes=2)
"""A console that starts (or first asks) within this long of a call being answered at its
seat still pops it: the operator opened the console as the phone rang."""
MAX_POPS = 20


def _pop(call: CallRow) -> CallPop:
    return CallPop(
        source=call.source,
        call_id=call.call_id,
        caller_phone=call.caller_phone,
        caller_masked=mask_phone_full(call.caller_phone),
        line=call.line,
        seat=call.seat,
        answered_at=call.answered_at or call.transferred_at,
        recording_id=call.recording_id,
    )


def answered_at_seat(store: Store, seat: str, after: int | None, now: dt.datetime) -> CallPops:
    """Calls answered or transferred to ``seat`` after event ``after`` and not yet ended.

    ``after=None`` (a console's first question): the cursor is the latest event, and the call
    answered at the seat last, within :data:`RECENT` and still going, is popped (a seat takes
    one call at a time: an earlier one still "going" lacks its ``ended`` event).
    """
    seat = seat.strip()
    if not seat:
        raise InputError("seat", "须写话务坐席号（HOTLINE_PHONE_SEAT）")
    if len(seat) > 80:
        raise InputError("seat", "话务坐席号过长（最多 80 字）")
    if after is not None and after < 0:
        raise InputError("after", "游标不能为负")
    with store.read() as s:
        latest = s.execute(select(func.max(CallEventRow.id))).scalar_one() or 0
        if after is None:
            calls = s.execute(
                select(CallRow)
                .where(
                    CallRow.seat == seat,
                    CallRow.state.in_(POP_KINDS),
                    CallRow.updated_at >= now - RECENT,
                )
                .order_by(CallRow.updated_at.desc(), CallRow.id.desc())
                .limit(1)
            ).scalars()
            return CallPops(cursor=latest, calls=tuple(_pop(c) for c in calls))
        if latest <= after:
            return CallPops(cursor=after)
        rows = s.execute(
            select(CallEventRow.id, CallRow)
            .join(
                CallRow,
                (CallRow.source == CallEventRow.source) & (CallRow.call_id == CallEventRow.call_id),
            )
            .where(
                CallEventRow.id > after,
                CallEventRow.id <= latest,
                CallEventRow.kind.in_(POP_KINDS),
                CallRow.seat == seat,
                CallRow.state != "ended",
            )
            .order_by(CallEventRow.id)
        ).all()
    pops: dict[tuple[str, str], CallPop] = {}
    for _event_id, call in rows:  # a call answered and then transferred here pops once
        pops.setdefault((call.source, call.call_id), _pop(call))
    return CallPops(cursor=latest, calls=tuple(pops.values())[:MAX_POPS])


def link_call(s: Session, ticket: TicketRow, source: str, call_id: str) -> None:
    """Record on a new ticket the call it was taken on, and file the call's recording."""
    call = s.execute(
        select(CallRow).where(CallRow.source == source, CallRow.call_id == call_id)
    ).scalar_one_or_none()
    if call is None:
        raise InputError("call_id", f"没有来电记录 {source}/{call_id}（话务系统未报告该通话）")
    ticket.call_ref = call.id
    file_recording(s, call, [ticket.id])


def file_recording(s: Session, call: CallRow, ticket_ids: list[int] | None = None) -> None:
    """Register the call's recording for its tickets (R-ARCHIVE), once per ticket."""
    if not call.recording_id:
        return
    if ticket_ids is None:
        ticket_ids = list(
            s.execute(select(TicketRow.id).where(TicketRow.call_ref == call.id)).scalars()
        )
    uri = recording_uri(call.source, call.recording_id)
    recorded_at = call.answered_at or call.rang_at or call.updated_at
    for ticket_id in ticket_ids:
        known = s.execute(
            select(RecordingRow.id).where(
                RecordingRow.ticket_id == ticket_id, RecordingRow.uri == uri
            )
        ).first()
        if known is None:
            s.add(RecordingRow(ticket_id=ticket_id, uri=uri, recorded_at=recorded_at))


def recording_uri(source: str, recording_id: str) -> str:
    """How the archive names a recording the telephony keeps: ``cti:<source>/<id>``."""
    return f"cti:{source}/{recording_id}"
