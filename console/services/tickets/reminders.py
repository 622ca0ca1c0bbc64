"""Deadline reminders to the unit holding a ticket (红黄灯预警): the unit side of the clocks.

A unit hears about its deadlines through the outbox, at the 值班短信号码 registered for it
(``hotline unit set``; a unit without one is said on the notice, tickets/notices.py), not
only by looking at its queue. The texts are templates (delivery/templates.zh.toml):

- 派单提醒 on dispatch: the ticket's number and the sign (R-SIGN) and handling (R-LIMIT)
  deadlines. A special incident gets its own SMS-and-phone notice instead (R-SPECIAL).
- 黄灯 (deadline near) once per clock: a clock counted in working days on the day it falls
  due (Asia/Shanghai); a clock counted in hours once a quarter of its span is left
  (the 4 h first response of a special incident at 1 h, the 2 h one at 30 min).
- 红灯 (deadline missed) once per clock, when it runs past its due moment. A clock already
  more than :data:`RED_FRESH` past due when the reminders first see it is not announced
  any more: an old breach is the supervision's business (督办, R-SUPERVISE-WHEN ground 1),
  and a database taken over from elsewhere does not flood the units.

The clocks reminded are the unit's obligations (:data:`UNIT_CLOCKS`); the platform's own
(call-backs, the 24 h consultation answer) and the return window are not. Reminders of an
ordinary ticket respect the quiet hours like every message (held to 08:00); a special
incident's are sent at once. Each reminder is one outbox row whose idempotency key names
the clock and the level, so a reminder is never sent twice however often the worker runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.services.clock import local
from console.services.delivery.templates import render
from console.services.tickets.deadlines import END_OF_DAY
from console.store.models import ClockRow, OutboxRow, TicketRow

UNIT_CLOCKS = {
    "sign": "签收",
    "limit": "办结",
    "first_response": "初步响应",
    "progress": "进度反馈",
    "supervise": "督办办结",
}
"""The clocks a unit answers for, and what the unit must do before each runs out."""

HOURS_WARN_SHARE = 4
"""An hours clock turns yellow when 1/HOURS_WARN_SHARE of its span is left."""
LOOKAHEAD = dt.timedelta(hours=24)
"""No clock turns yellow earlier than this before it is due (bounds the query)."""
RED_FRESH = dt.timedelta(hours=24)
"""A breach older than this when first seen is not announced (see the module doc)."""


class Level(Enum):
    """The colour of a reminder."""

    YELLOW = "yellow", "黄灯", "即将到期"
    RED = "red", "红灯", "已超期"

    def __init__(self, key: str, light: str, words: str) -> None:
        self.key = key
        self.light = light
        self.words = words


@dataclass(frozen=True)
class Reminder:
    """One reminder due now: the ticket, the clock and its colour."""

    ticket: TicketRow
    clock: ClockRow
    level: Level

    @property
    def key(self) -> str:
        """The outbox idempotency key (without the ticket number the outbox prefixes)."""
        return reminder_key(self.clock.id, self.level)


def reminder_key(clock_id: int, level: Level) -> str:
    return f"remind:{clock_id}:{level.key}"


def level_of(clock: ClockRow, now: dt.datetime) -> Level | None:
    """The colour a running unit clock has reached at ``now`` (None: nothing to say yet)."""
    if clock.key not in UNIT_CLOCKS or not clock.running:
        return None
    due = clock.due_at
    if now > due:
        return Level.RED if now - due <= RED_FRESH else None
    if clock.unit == "hours":
        left = due - now
        return Level.YELLOW if left * HOURS_WARN_SHARE <= due - clock.started_at else None
    return Level.YELLOW if local(due).date() == local(now).date() else None


def due_reminders(s: Session, now: dt.datetime) -> list[Reminder]:
    """Every reminder due at ``now`` and not yet in the outbox.

    The candidates are the running unit clocks due within :data:`LOOKAHEAD` or breached
    within :data:`RED_FRESH` (the running-clock index keeps this a small read); the ones
    already reminded at that level are left out by their outbox key.
    """
    rows = s.execute(
        select(ClockRow, TicketRow)
        .join(TicketRow, TicketRow.id == ClockRow.ticket_id)
        .where(
            ClockRow.running.is_(True),
            ClockRow.key.in_(tuple(UNIT_CLOCKS)),
            ClockRow.due_at <= now + LOOKAHEAD,
            ClockRow.due_at >= now - RED_FRESH,
            TicketRow.unit_id.is_not(None),
        )
        .order_by(ClockRow.due_at, ClockRow.id)
    ).all()
    wanted = []
    for clock, ticket in rows:
        level = level_of(clock, now)
        if level is not None:
            wanted.append(Reminder(ticket, clock, level))
    if not wanted:
        return []
    keys = {f"{r.ticket.number}:{r.key}" for r in wanted}
    sent = set(
        s.execute(select(OutboxRow.idempotency_key).where(OutboxRow.idempotency_key.in_(keys)))
        .scalars()
        .all()
    )
    return [r for r in wanted if f"{r.ticket.number}:{r.key}" not in sent]


def when(moment: dt.datetime) -> str:
    """A deadline as a unit reads it: ``12-04 24:00`` for the end of a working day."""
    here = local(moment)
    if here.time().replace(microsecond=0) == END_OF_DAY:
        return f"{here:%m-%d} 24:00"
    return f"{here:%m-%d %H:%M}"


def reminder_message(number: str, unit_name: str, clock: ClockRow, level: Level) -> str:
    """What the unit reads: number, what is due, when, and the rule."""
    template = "deadline_red" if level is Level.RED else "deadline_yellow"
    what, due = UNIT_CLOCKS[clock.key], when(clock.due_at)
    return render(template, number=number, unit=unit_name, what=what, due=due, rule=clock.rule)


def dispatch_message(
    number: str, unit_name: str, sign_due: dt.datetime, limit_due: dt.datetime
) -> str:
    """The 派单提醒 of an ordinary ticket."""
    return render(
        "dispatch_notice",
        number=number,
        unit=unit_name,
        sign_due=when(sign_due),
        limit_due=when(limit_due),
    )


def urge_message(number: str, unit_name: str, note: str, limit_due: dt.datetime | None) -> str:
    """A 催办 from the manager or a supervisor."""
    limit = f"，办结时限{when(limit_due)}" if limit_due else ""
    return render("urge", number=number, unit=unit_name, note=note, limit=limit)


def co_unit_message(number: str, lead_name: str, co_name: str) -> str:
    """To a co-unit named on a complex matter (R-COMPLEX, Art. 16)."""
    return render("co_unit_notice", number=number, lead=lead_name, unit=co_name)
