"""Sub-centre KPIs (R-SUBCENTRE-KPI, Art. 34): each indicator defined once, computed in SQL.

The words a sub-centre reads when it disputes a figure are in ``docs/subcentre_kpi.zh.md``;
this module and that document say the same thing (a test keeps the labels equal).

Periods are Asia/Shanghai calendar spans, start included and end excluded: ``2026`` (a year),
``2026Q4`` (a quarter), ``2026-11`` (a month).

A sub-centre's platform tickets (its 工单) are the tickets one of its call records names
(``ticket_number``, outcome 转办) and the tickets taken as transferred from it (source
``subcentre`` with ``source_line`` equal to its line number).

- 接通率 = calls answered / calls offered, calls by ``started_at`` in the period.
- 在线办结率 = answered calls closed at first contact / calls answered, same calls.
- 按时办结率 = of its tickets whose completion the manager approved in the period
  (``completion_approved``), those never late: no 办理时限 (``limit`` clock) stopped after its
  due moment and no R-LATE-REPLY mark, both as of the period's end.
- 回访率 = of the same tickets, those with a call-back (人工回访、自动回访发出、人工回访未接通)
  recorded after the approval and before the period's end + 72 h (R-CALLBACK's longest limit):
  the figure of a period is final 72 hours after it ends.
- 回访满意率 = of the call-back results recorded in the period on its tickets (a manual or
  automatic rating, or 视为基本满意 by R-DEFAULT-SATISFIED), those 满意 or 基本满意.
- 数据准确度: the platform holds no check of the sub-centres' data (no sampling or comparison
  record): None, with that reason.

A rate is None when its denominator is 0 (nothing to rate), with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, literal, or_, select, union
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from console.services.analytics.kpi import Period, found_law_case, parse_period
from console.services.subcentre.calls import Subcentre, find_subcentre, list_subcentres
from console.store.engine import Store
from console.store.models import ClockRow, EventRow, SubcentreCallRow, TicketRow

CALLBACK_WINDOW = dt.timedelta(hours=72)  # R-CALLBACK: a manual call-back within 72 h
CALLBACK_ACTIONS = ("callback", "callback_sent", "callback_unanswered")
RESULT_ACTIONS = ("callback", "default_satisfied")
SATISFIED = ("satisfied", "basic")

INDICATORS: dict[str, str] = {
    "connection": "接通率",
    "first_contact": "在线办结率",
    "on_time": "按时办结率",
    "callback": "回访率",
    "callback_satisfaction": "回访满意率",
    "data_accuracy": "数据准确度",
}
NO_ACCURACY = "平台尚无分中心数据核验记录（抽检、比对差错），暂不能计算"
EMPTY = "本期没有可计算的记录（分母为 0）"


@dataclass(frozen=True)
class Indicator:
    """One KPI figure: numerator / denominator, or None with the reason."""

    key: str
    label: str
    numerator: int | None
    denominator: int | None
    rate: float | None
    note: str = ""


@dataclass(frozen=True)
class SubcentreKpis:
    """A sub-centre's KPIs for one period."""

    code: str
    unit_id: str
    name: str
    period: str
    indicators: tuple[Indicator, ...]

    def get(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


def _indicator(key: str, numerator: int, denominator: int) -> Indicator:
    if denominator == 0:
        return Indicator(key, INDICATORS[key], numerator, denominator, None, EMPTY)
    return Indicator(key, INDICATORS[key], numerator, denominator, numerator / denominator)


def _tickets_of(centre: Subcentre) -> ColumnElement[bool]:
    """The condition "this ticket is one of the sub-centre's" (see the module's docstring): two
    small id sets, each found by its own index, rather than a test on every ticket."""
    named = select(TicketRow.id).where(
        TicketRow.number.in_(
            select(SubcentreCallRow.ticket_number).where(
                SubcentreCallRow.unit_id == centre.unit_id,
                SubcentreCallRow.ticket_number.is_not(None),
            )
        )
    )
    transferred = select(TicketRow.id).where(
        TicketRow.source == "subcentre", TicketRow.source_line == centre.code
    )
    return TicketRow.id.in_(union(named, transferred))


def _calls(s: Session, centre: Subcentre, period: Period) -> tuple[Indicator, Indicator]:
    c = SubcentreCallRow
    answered = case((c.answered.is_(True), 1), else_=0)
    closed = case((and_(c.answered.is_(True), c.outcome == "first_contact"), 1), else_=0)
    offered, took, settled = s.execute(
        select(
            func.count(), func.coalesce(func.sum(answered), 0), func.coalesce(func.sum(closed), 0)
        ).where(
            c.unit_id == centre.unit_id,
            c.started_at >= period.start_at,
            c.started_at < period.end_at,
        )
    ).one()
    return (
        _indicator("connection", int(took), int(offered)),
        _indicator("first_contact", int(settled), int(took)),
    )


def _completions(s: Session, centre: Subcentre, period: Period) -> tuple[Indicator, Indicator]:
    approved = aliased(EventRow)
    # tickets of the sub-centre approved as completed in the period (once each)
    done = (
        select(TicketRow.id.label("tid"), func.min(approved.at).label("approved_at"))
        .join(approved, approved.ticket_id == TicketRow.id)
        .where(
            _tickets_of(centre),
            approved.action == "completion_approved",
            approved.at >= period.start_at,
            approved.at < period.end_at,
        )
        .group_by(TicketRow.id)
        .subquery()
    )
    late_clock = exists().where(
        ClockRow.ticket_id == done.c.tid,
        ClockRow.key == "limit",
        ClockRow.met_at.is_not(None),
        ClockRow.met_at < period.end_at,
        ClockRow.met_at > ClockRow.due_at,
    )
    late_mark = exists().where(
        EventRow.ticket_id == done.c.tid,
        EventRow.action == "late_reply",
        EventRow.at < period.end_at,
    )
    called = exists().where(
        EventRow.ticket_id == done.c.tid,
        EventRow.action.in_(CALLBACK_ACTIONS),
        EventRow.at >= done.c.approved_at,
        EventRow.at < period.end_at + CALLBACK_WINDOW,
    )
    total, on_time, called_back = s.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((or_(late_clock, late_mark), 0), else_=1)), 0),
            func.coalesce(func.sum(case((called, 1), else_=0)), 0),
        ).select_from(done)
    ).one()
    return (
        _indicator("on_time", int(on_time), int(total)),
        _indicator("callback", int(called_back), int(total)),
    )


def _satisfaction(s: Session, centre: Subcentre, period: Period) -> Indicator:
    e = EventRow
    result = e.details["result"].as_string()
    # a call-back's rating, or 视为基本满意 (its event records result "basic" too)
    good = case((result.in_(SATISFIED), 1), else_=0)
    rated, pleased = s.execute(
        select(func.count(), func.coalesce(func.sum(good), literal(0)))
        .select_from(e)
        .join(TicketRow, TicketRow.id == e.ticket_id)
        .where(
            _tickets_of(centre),
            e.action.in_(RESULT_ACTIONS),
            e.at >= period.start_at,
            e.at < period.end_at,
            ~found_law_case(e.ticket_id, period.end_at),  # Art. 20
        )
    ).one()
    return _indicator("callback_satisfaction", int(pleased), int(rated))


def subcentre_kpis(store: Store, code: str, period: Period | str) -> SubcentreKpis:
    """The six KPIs of the sub-centre whose line is ``code`` for ``period``."""
    p = parse_period(period) if isinstance(period, str) else period
    with store.read() as s:
        centre = find_subcentre(s, code)
        connection, first_contact = _calls(s, centre, p)
        on_time, callback = _completions(s, centre, p)
        satisfaction = _satisfaction(s, centre, p)
    accuracy = Indicator(
        "data_accuracy", INDICATORS["data_accuracy"], None, None, None, NO_ACCURACY
    )
    return SubcentreKpis(
        code=centre.code,
        unit_id=centre.unit_id,
        name=centre.name,
        period=p.label,
        indicators=(connection, first_contact, on_time, callback, satisfaction, accuracy),
    )


def all_subcentre_kpis(store: Store, period: Period | str) -> list[SubcentreKpis]:
    """Every sub-centre's KPIs for ``period``, by line number."""
    p = parse_period(period) if isinstance(period, str) else period
    return [subcentre_kpis(store, c.code, p) for c in list_subcentres(store)]
