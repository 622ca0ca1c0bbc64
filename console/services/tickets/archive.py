"""The hotline archive (R-ARCHIVE): tickets, events and call records are kept permanently;
call recordings at least 12 months. Nothing here deletes a ticket or an event — there is
no such use case — and a recording is released only once its retention has passed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from console.errors import InputError
from console.services.tickets.rules import RuleTable
from console.store.engine import Store
from console.store.models import RecordingRow


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` later (the month's last day where it is shorter)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def keep_until(recorded_at: dt.datetime, rules: RuleTable) -> dt.datetime:
    return add_months(recorded_at, rules.limit("R-ARCHIVE").amount)


def add_recording(store: Store, ticket_id: int | None, uri: str, recorded_at: dt.datetime) -> int:
    """Register a call recording kept by the telephony system."""
    if not uri.strip():
        raise InputError("uri", "录音地址不能为空")
    with store.write() as s:
        row = RecordingRow(ticket_id=ticket_id, uri=uri, recorded_at=recorded_at)
        s.add(row)
        s.flush()
        return row.id


def release_recordings(store: Store, now: dt.datetime, rules: RuleTable) -> list[int]:
    """Mark as releasable the recordings whose 12-month retention has passed; never younger ones."""
    released = []
    with store.write() as s:
        for row in s.execute(
            select(RecordingRow).where(RecordingRow.purged_at.is_(None))
        ).scalars():
            if keep_until(row.recorded_at, rules) <= now:
                row.purged_at = now
                released.append(row.id)
    return released
