"""Accountability lists (问责线索, Art. 25): what the manager can act on, unit by unit.

Art. 25 names four situations in which the manager (省优化办), with the departments concerned,
supervises how a unit handled its matters. Each becomes a list of findings from the event
history, one finding per occurrence, dated when it happened, in the period asked for:

1. 推诿扯皮、不当退单 — a return the manager refused (``return_refused``: the unit tried to pass
   the ticket on), and a return asked after the return window (``return`` marked late, R-RETURN);
2. 督办后仍不落实、拖延不办 — a supervision (督办) whose time limit passed before it was
   closed as done (R-SUPERVISE-LIMIT), and a ticket found not replied on time (``late_reply``,
   R-LATE-REPLY: the completion sent back twice);
3. 完成质量差 — a redo ordered after a dissatisfied call-back (``redo``, R-REDO);
4. 知识库维护不及时、不准确 — the unit's articles past their review date or with an error report
   left open more than 7 days on the period's last day (the 知识库维护率's own counts).

The unit of a finding is the unit the ticket was with at the time: the event's own unit for a
unit's action (a return), the ``unit_id`` the event records for the manager's decisions.
Computed in SQL on both stores; nothing here loads tickets into Python beyond the findings.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from console.services.analytics.kpi import Period
from console.services.knowledge.upkeep import maintenance_rates
from console.services.views import Finding
from console.store.engine import Store
from console.store.models import ClockRow, EventRow, SupervisionRow, TicketRow, UnitRow

GROUNDS = {
    1: "推诿扯皮、不当退单",
    2: "督办后仍不落实、拖延不办",
    3: "完成质量差",
    4: "知识库维护不及时、不准确",
}


def findings(
    store: Store, period: Period, now: dt.datetime, unit: str | None = None
) -> list[Finding]:
    """The period's findings (its Shanghai days, end exclusive), oldest first; ``unit``: that
    unit's only."""
    low, high = period.start_at, period.end_at
    with store.read() as s:
        names = {str(i): str(n) for i, n in s.execute(select(UnitRow.id, UnitRow.name))}
        found = [
            *_event_findings(s, low, high, unit),
            *_supervision_findings(s, low, min(high, now), unit),
        ]
    for rate in maintenance_rates(store, period.last_day, unit):
        lapses = rate.articles - rate.current
        if lapses > 0:
            found.append(
                (
                    4,
                    rate.unit_id,
                    "",
                    min(high, now),
                    f"{lapses} 条知识逾期未复核或纠错超过7天未处理",
                )
            )
    return sorted(
        (
            Finding(g, GROUNDS[g], u, names.get(u, u), number, at, what)
            for g, u, number, at, what in found
            if unit is None or u == unit
        ),
        key=lambda f: (f.at, f.ground, f.number),
    )


_EVENTS = {
    # action: (ground, where the unit is, what it means)
    "return_refused": (1, "detail", "退回申请被管理部门驳回"),
    "return": (1, "actor", "超过退回时限才申请退回（R-RETURN）"),
    "late_reply": (2, "detail", "办结申请两次被退回，认定未按时回复（R-LATE-REPLY）"),
    "redo": (3, "detail", "回访不满意，责令重办（R-REDO）"),
}


def _event_findings(
    s: Session, low: dt.datetime, high: dt.datetime, unit: str | None
) -> list[tuple[int, str, str, dt.datetime, str]]:
    detail_unit = EventRow.details["unit_id"].as_string()
    late = EventRow.details["late"].as_boolean()
    query = (
        select(
            EventRow.action,
            EventRow.unit_id,
            detail_unit,
            TicketRow.number,
            EventRow.at,
            TicketRow.unit_id,
            EventRow.reason,
        )
        .join(TicketRow, TicketRow.id == EventRow.ticket_id)
        .where(
            EventRow.at >= low,
            EventRow.at < high,
            or_(
                EventRow.action.in_(("return_refused", "late_reply", "redo")),
                and_(EventRow.action == "return", late.is_(True)),
            ),
        )
    )
    out = []
    for action, actor_unit, recorded, number, at, current, reason in s.execute(query):
        ground, where, meaning = _EVENTS[action]
        # events written before a decision recorded its unit: the ticket's unit then and now
        who = (actor_unit if where == "actor" else recorded) or current or ""
        if not who or (unit is not None and who != unit):
            continue
        what = meaning + (f"：{reason}" if reason and action != "late_reply" else "")
        out.append((ground, who, str(number), at, what))
    return out


def _supervision_findings(
    s: Session, low: dt.datetime, high: dt.datetime, unit: str | None
) -> list[tuple[int, str, str, dt.datetime, str]]:
    """Supervisions whose limit fell in the period and passed before they were closed."""
    query = (
        select(SupervisionRow.unit_id, TicketRow.number, ClockRow.due_at, SupervisionRow.ground)
        .join(ClockRow, ClockRow.supervision_id == SupervisionRow.id)
        .join(TicketRow, TicketRow.id == SupervisionRow.ticket_id)
        .where(
            ClockRow.key == "supervise",
            ClockRow.due_at >= low,
            ClockRow.due_at < high,
            or_(ClockRow.met_at.is_(None), ClockRow.met_at > ClockRow.due_at),
        )
    )
    if unit is not None:
        query = query.where(SupervisionRow.unit_id == unit)
    return [
        (2, who, str(number), due, f"督办（第{ground}项情形）到期未落实办结（R-SUPERVISE-LIMIT）")
        for who, number, due, ground in s.execute(query)
    ]
