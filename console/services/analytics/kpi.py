"""The unit KPIs of R-UNIT-KPI (Art. 34), each defined once and computed in SQL.

An ``Indicator`` holds what a unit reads when it disputes its figure (the Chinese words of
``docs/kpi.zh.md`` are generated from these objects: ``doc_markdown``) and the one SQL
statement that lists the *items* it counts: one row per counted item with the unit scored, the
ticket, whether the item is in the numerator (``ok``) and why not. The period figures are that
statement aggregated per unit (``unit_kpis``); the drill-down is the same statement filtered to
one unit (``drill_down``) — figure and tickets cannot disagree.

Reproducibility: an item belongs to a period by the moment of the event or deadline that
decides it, and every item is decided by facts dated before the period end (a deadline inside
the period, an event inside the period). Recomputing a past period later gives the same
figures: events after the period end never change them (tested). The knowledge-base
maintenance rate is the exception the regulation's own measure forces: it is a state (the
articles as they stand), taken on the period's last day (``knowledge.upkeep``).

Not scored anywhere: tickets merged into another (并单, only the master counts; a merge dated
after the period end does not change the period), and tickets never dispatched (answered at
first contact, refused, transferred).
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import SQLCoreOperations as _SQLCol

from console.errors import InputError
from console.services.clock import SHANGHAI
from console.services.knowledge.upkeep import maintenance_rates
from console.services.views import CountedTicket, KpiFigure, KpiReport, UnitKpis
from console.store.engine import Store
from console.store.models import ClockRow, EventRow, MergeRow, TicketRow, UnitRow

# ------------------------------------------------------------------------------- periods
_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|-(0[1-9]|1[0-2]))?$", re.ASCII)


@dataclass(frozen=True)
class Period:
    """A year ("2026"), a quarter ("2026Q4") or a month ("2026-11"): Asia/Shanghai dates,
    ``end`` exclusive."""

    label: str
    start: dt.date
    end: dt.date
    as_of: dt.datetime | None = None
    """The platform's now for a period not over yet: a deadline still ahead counts only once
    it is met (a dispatch signed tomorrow morning is not yet a miss)."""

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), SHANGHAI)

    @property
    def end_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time(), SHANGHAI)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


def parse_period(text: str) -> Period:
    """``2026`` / ``2026Q4`` (``2026q4``) / ``2026-11``; anything else is an InputError naming
    period. The one definition of a period: unit KPIs, sub-centre KPIs and grades read it."""
    label = text.strip().upper()
    m = _PERIOD.match(label)
    if not m:
        raise InputError(
            "period", f"「{text}」不是考核期：应为 2026（年度）、2026Q4（季度）或 2026-11（月）"
        )
    year = int(m.group(1))
    if year < 2000 or year > 2100:
        raise InputError("period", f"「{text}」年份应在2000至2100之间")
    if m.group(2):
        q = int(m.group(2))
        start = dt.date(year, 3 * q - 2, 1)
        end = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    elif m.group(3):
        month = int(m.group(3))
        start = dt.date(year, month, 1)
        end = start + dt.timedelta(days=pycalendar.monthrange(year, month)[1])
    else:
        start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return Period(label, start, end)


# ------------------------------------------------------------------------------- definitions
ItemsQuery = Callable[[Period], Select[tuple[str | None, int, int, dt.datetime, str]]]
"""A period → SELECT unit_id, ticket_id, ok (1 = in the numerator), at (the deciding moment),
why (the reason the item is not in the numerator, "" when it is)."""


@dataclass(frozen=True)
class Indicator:
    """One indicator of R-UNIT-KPI: its words (for units and the document) and its items."""

    id: str
    name: str
    numerator: str
    denominator: str
    events: str
    period: str
    rules: tuple[tuple[str, str], ...]
    """(topic, how it counts): 延期, 退回, 重办, 终结, 并单, 协办, … in Chinese."""
    items: ItemsQuery | None
    """None: not from tickets (知识库维护率, computed by knowledge.upkeep)."""


SATISFIED_RESULTS = ("satisfied", "basic")
NOT_SCORED_ON_SATISFACTION = ("调解", "执法")
"""Art. 20: administrative mediation and law-enforcement cases are handled by law and not
scored on satisfaction. Nothing in the ticket marks such a case yet: a ticket whose matter type
(``tickets.matter_type``) names 调解 or 执法 is taken as one."""


def _not_merged(ticket_id: _SQLCol[int], period: Period) -> ColumnElement[bool]:
    # NOT IN, not NOT EXISTS: the few merged tickets are read once into a hash that each item
    # is looked up in, where an anti-join may probe the merges' index once per item (neither
    # column is ever NULL, so the two say the same)
    merged = select(MergeRow.ticket_id).where(MergeRow.merged_at < period.end_at)
    return ticket_id.not_in(merged)


def _in(moment: _SQLCol[dt.datetime], period: Period) -> ColumnElement[bool]:
    return and_(moment >= period.start_at, moment < period.end_at)


def _sign_clocks(clock: type[ClockRow], period: Period) -> tuple[ColumnElement[bool], ...]:
    """The sign deadlines falling in the period (one per dispatch, supervisions aside)."""
    return (clock.key == "sign", clock.supervision_id.is_(None), _in(clock.due_at, period))


def _response_items(period: Period) -> Select[tuple[str | None, int, int, dt.datetime, str]]:
    dispatch = aliased(EventRow)
    ok = and_(ClockRow.met_at.is_not(None), ClockRow.met_at <= ClockRow.due_at)
    # the earliest dispatch any of the period's sign deadlines started at: the dispatches are
    # read from there to the period's end, not from the beginning of the history
    other = aliased(ClockRow)
    first_start = select(func.min(other.started_at)).where(*_sign_clocks(other, period))
    return (
        select(
            dispatch.details["unit_id"].as_string().label("unit_id"),
            ClockRow.ticket_id.label("ticket_id"),
            case((ok, 1), else_=0).label("ok"),
            ClockRow.due_at.label("at"),
            case((ok, literal("")), else_=literal("签收时限内未签收也未退回")).label("why"),
        )
        .select_from(ClockRow)
        .join(
            dispatch,
            and_(
                dispatch.ticket_id == ClockRow.ticket_id,
                dispatch.action == "dispatch",
                dispatch.at == ClockRow.started_at,
                # implied (a deadline starts before it falls due); they let the index bound
                # the dispatches read
                dispatch.at >= first_start.scalar_subquery(),
                dispatch.at < period.end_at,
            ),
        )
        .where(
            *_sign_clocks(ClockRow, period),
            _not_merged(ClockRow.ticket_id, period),
            *_decided(ClockRow, period),
        )
    )


def _decided(clock: type[ClockRow], period: Period) -> tuple[ColumnElement[bool], ...]:
    """A deadline counts once it is met or past (``as_of``): not while it is still ahead. A
    deadline falling due at the very instant of ``as_of`` is still ahead: a sign or a reply at
    ``due_at`` is in time (``met_at <= due_at``)."""
    if period.as_of is None or period.as_of >= period.end_at:
        return ()
    return (or_(clock.met_at.is_not(None), clock.due_at < period.as_of),)


def _on_time_items(period: Period) -> Select[tuple[str | None, int, int, dt.datetime, str]]:
    approved = aliased(EventRow)
    request = aliased(EventRow)
    # the request an approval approved: the ticket's last completion request before it (the
    # first of its earlier requests, newest first)
    rounds = (
        select(
            approved.ticket_id.label("ticket_id"),
            approved.at.label("at"),
            request.at.label("requested_at"),
            request.unit_id.label("unit_id"),
            func.row_number()
            .over(partition_by=approved.id, order_by=request.id.desc())
            .label("newest"),
        )
        .select_from(approved)
        .join(
            request,
            and_(
                request.ticket_id == approved.ticket_id,
                request.action == "request_completion",
                request.id < approved.id,
            ),
        )
        .where(
            approved.action == "completion_approved",
            _in(approved.at, period),
            _not_merged(approved.ticket_id, period),
        )
        .subquery("rounds")
    )
    ok = rounds.c.requested_at <= ClockRow.due_at
    return (
        select(
            rounds.c.unit_id.label("unit_id"),
            rounds.c.ticket_id.label("ticket_id"),
            case((ok, 1), else_=0).label("ok"),
            rounds.c.at.label("at"),
            case((ok, literal("")), else_=literal("超过办理时限才申请办结")).label("why"),
        )
        .select_from(rounds)
        .join(
            ClockRow,
            and_(
                ClockRow.ticket_id == rounds.c.ticket_id,
                ClockRow.key == "limit",
                ClockRow.supervision_id.is_(None),
                ClockRow.met_at == rounds.c.requested_at,
            ),
        )
        .where(rounds.c.newest == 1, rounds.c.requested_at < period.end_at)
    )


def _outcome_result() -> ColumnElement[str]:
    return EventRow.details["result"].as_string()


def _resolution_items(period: Period) -> Select[tuple[str | None, int, int, dt.datetime, str]]:
    # a satisfied call-back, or an outcome without a rating: one list of actions, so that the
    # period's events are read from the (action, at) index alone
    outcome = and_(
        EventRow.action.in_(("callback", "default_satisfied", "redo", "close")),
        or_(EventRow.action != "callback", _outcome_result().in_(SATISFIED_RESULTS)),
    )
    ok = EventRow.action != "redo"
    return (
        select(
            TicketRow.unit_id.label("unit_id"),
            EventRow.ticket_id.label("ticket_id"),
            case((ok, 1), else_=0).label("ok"),
            EventRow.at.label("at"),
            case(
                (ok, literal("")), else_=literal("来电人不满意，管理部门认定未解决、责令重办")
            ).label("why"),
        )
        .select_from(EventRow)
        .join(TicketRow, TicketRow.id == EventRow.ticket_id)
        .where(outcome, _in(EventRow.at, period), _not_merged(EventRow.ticket_id, period))
    )


def found_law_case(ticket_id: _SQLCol[int], before: dt.datetime) -> ColumnElement[bool]:
    """The manager found the ticket an administrative-mediation or law-enforcement case
    (Art. 20, event ``law_case``) before ``before`` and had not taken the finding back
    (``law_case_withdrawn``) by then: its call-backs are not scored on satisfaction from that
    period on; a later finding, or a later withdrawal, leaves a period as it was."""
    marked = aliased(EventRow)
    withdrawn = aliased(EventRow)
    return exists().where(
        marked.ticket_id == ticket_id,
        marked.action == "law_case",
        marked.at < before,
        ~exists().where(
            # the finding's own ticket: ``ticket_id`` belongs to the statement two levels up,
            # which the inner EXISTS would not correlate (it would read any ticket's withdrawal)
            withdrawn.ticket_id == marked.ticket_id,
            withdrawn.action == "law_case_withdrawn",
            withdrawn.id > marked.id,  # written after it (the same instant is not "after")
            withdrawn.at < before,
        ),
    )


def _satisfaction_items(period: Period) -> Select[tuple[str | None, int, int, dt.datetime, str]]:
    rating = EventRow.action.in_(("callback", "default_satisfied"))
    ok = _outcome_result().in_(SATISFIED_RESULTS)  # default_satisfied carries result "basic"
    # each exclusion a condition of its own (not one NOT over an OR): PostgreSQL turns a
    # top-level NOT EXISTS into an anti-join instead of testing every rating
    not_law_case = (
        *(~TicketRow.matter_type.contains(word) for word in NOT_SCORED_ON_SATISFACTION),
        ~found_law_case(EventRow.ticket_id, period.end_at),
    )
    return (
        select(
            TicketRow.unit_id.label("unit_id"),
            EventRow.ticket_id.label("ticket_id"),
            case((ok, 1), else_=0).label("ok"),
            EventRow.at.label("at"),
            case((ok, literal("")), else_=literal("回访不满意")).label("why"),
        )
        .select_from(EventRow)
        .join(TicketRow, TicketRow.id == EventRow.ticket_id)
        .where(
            rating,
            *not_law_case,
            _in(EventRow.at, period),
            _not_merged(EventRow.ticket_id, period),
        )
    )


_COMMON = (
    ("并单", "被并入其他工单的工单不计（只计主工单）；考核期结束后才并单的，不改变该期数字。"),
    ("协办", "疑难复杂事项只考核牵头单位；配合单位不因该工单计分。"),
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        id="response_rate",
        name="事项响应率",
        numerator="签收时限内签收或退回的派单次数",
        denominator="签收时限届满于考核期内的派单次数（每派给单位一次计一次）",
        events="派单（dispatch）开始签收计时；签收（sign）或退回（return）结束计时",
        period="签收时限（1个工作日）届满的时刻所在的考核期",
        rules=(
            ("延期", "延期不影响签收时限。"),
            (
                "未到期",
                "考核期尚未结束时，签收时限还没有过去、也还没有签收或退回的派单暂不计入；"
                "时限的最后一秒仍在时限内（在该秒签收算按时），所以截至该秒仍不计入，"
                "过了该秒才计为超时。",
            ),
            ("退回", "在签收时限内退回也算响应；退回获批后改派的单位，按新的派单另计一次。"),
            ("重办", "重办不重新签收，不计入。"),
            ("终结", "终结前已派单的，照常计入。"),
            *_COMMON,
        ),
        items=_response_items,
    ),
    Indicator(
        id="on_time_rate",
        name="按时办结率",
        numerator="在办理时限（含批准的延期）内提出、并获管理部门审核通过的办结申请数",
        denominator="考核期内审核通过的办结数（每一轮办理计一次，重办轮次另计）",
        events="办结审核通过（completion_approved）；其前最近一次办结申请（request_completion）的时刻与该轮办理时限比较",
        period="管理部门审核通过办结的时刻所在的考核期；尚未办结的工单在办结的考核期计入（逾期办结即不按时）",
        rules=(
            ("延期", "批准的延期顺延办理时限，按延期后的时限判断。"),
            ("退回", "退回获批的单位不就该工单考核办结；改派后的单位按其办理轮次考核。"),
            ("重办", "重办是新的一轮，时限重新计算，由重办单位另计一次。"),
            ("终结", "终结备案的工单不计入。"),
            ("驳回", "办结申请被退回后再申请的，时限从首次收到工单起算，以获批的那次申请为准。"),
            *_COMMON,
        ),
        items=_on_time_items,
    ),
    Indicator(
        id="resolution_rate",
        name="问题解决率",
        numerator="回访满意或基本满意（含默认基本满意）、或不满意但管理部门认定依法依规已办理而结案的次数",
        denominator="考核期内得出回访结论的次数：满意、基本满意、默认基本满意，以及不满意后管理部门的认定（重办或结案）",
        events="回访（callback，结果满意/基本满意）、默认基本满意（default_satisfied）、重办（redo）、结案（close）",
        period="回访结果登记或管理部门作出认定的时刻所在的考核期",
        rules=(
            (
                "默认基本满意",
                "自动回访后72小时未评价、或人工回访多次未接通，视为基本满意，计为已解决。",
            ),
            ("重办", "被责令重办计为未解决一次；重办后的回访结论另计一次。"),
            ("终结", "终结备案的工单没有回访结论，不计入。"),
            ("退回", "退回获批的单位不就该工单考核。"),
            *_COMMON,
        ),
        items=_resolution_items,
    ),
    Indicator(
        id="satisfaction_rate",
        name="群众满意率",
        numerator="回访满意、基本满意和默认基本满意的次数",
        denominator="考核期内登记的回访评价次数（满意、基本满意、不满意）加默认基本满意次数",
        events="回访（callback）的评价结果；默认基本满意（default_satisfied）",
        period="回访评价登记（或视为基本满意）的时刻所在的考核期",
        rules=(
            (
                "默认基本满意",
                "自动回访后72小时未评价、或人工回访多次未接通，视为基本满意，计入分子。",
            ),
            (
                "调解、执法",
                "行政调解类、执法办案类事项不片面追求满意率（第二十条）：管理部门在考核期结束前"
                "认定为此类的工单（工单页 F 键，R-DISSATISFIED-OUTCOMES），以及事项类型含“调解”"
                "或“执法”的工单，其回访不计入。考核期结束后才认定的，不改变该期数字；认定有误"
                "而撤销的（同一 F 键），自撤销所在考核期起重新计入，已结束的考核期不变。",
            ),
            ("重办", "重办后的回访再计一次，由重办单位计分。"),
            ("终结", "终结备案的工单没有回访，不计入。"),
            ("退回", "退回获批的单位不就该工单考核。"),
            *_COMMON,
        ),
        items=_satisfaction_items,
    ),
    Indicator(
        id="kb_upkeep_rate",
        name="知识库维护率",
        numerator="考核期最后一天处于维护状态的知识条目数（未过复核日期，且没有超过7天未处理的纠错反馈）",
        denominator="考核期最后一天本单位的知识条目数",
        events="知识条目的复核日期和纠错反馈（不取工单事件）",
        period="考核期最后一天的状态",
        rules=(("草稿", "未核实（草稿）不降低维护率，单独列示。"),),
        items=None,
    ),
)
BY_ID = {i.id: i for i in INDICATORS}


# ------------------------------------------------------------------------------- results
PG_WORK_MEM = "64MB"
"""PostgreSQL's work_mem for an indicator's statement: the per-unit sort of a quarter's items
fits in memory instead of spilling to disk."""


def figure(ind: Indicator, num: int, den: int) -> KpiFigure:
    return KpiFigure(ind.id, ind.name, num, den, num / den if den else None)


def unit_kpis(store: Store, period: Period, unit: str | None = None) -> KpiReport:
    """Every active unit's (or one unit's) five indicators for the period: one aggregate
    query per ticket indicator, and the knowledge base's rate on the period's last day."""
    units_q = select(UnitRow.id, UnitRow.name).where(UnitRow.active.is_(True))
    if unit is not None:
        units_q = select(UnitRow.id, UnitRow.name).where(UnitRow.id == unit)

    def aggregate(ind: Indicator) -> Callable[[Session], dict[str, tuple[int, int]]]:
        assert ind.items is not None
        items = ind.items(period).subquery()
        q = select(items.c.unit_id, func.sum(items.c.ok), func.count()).group_by(items.c.unit_id)
        if unit is not None:
            q = q.where(items.c.unit_id == unit)

        def run(s: Session) -> dict[str, tuple[int, int]]:
            if s.get_bind().dialect.name == "postgresql":
                s.execute(text(f"SET LOCAL work_mem = '{PG_WORK_MEM}'"))
            return {
                uid: (int(num or 0), int(den)) for uid, num, den in s.execute(q) if uid is not None
            }

        return run

    counted = [ind for ind in INDICATORS if ind.items is not None]
    # the indicators' statements side by side on one snapshot (PostgreSQL's cores)
    per_indicator = store.read_together([aggregate(ind) for ind in counted])
    counts = {ind.id: by_unit for ind, by_unit in zip(counted, per_indicator, strict=True)}
    with store.read() as s:
        units = [(str(i), str(n)) for i, n in s.execute(units_q.order_by(UnitRow.id))]
    kb = {
        r.unit_id: (r.current, r.articles) for r in maintenance_rates(store, period.last_day, unit)
    }
    counts["kb_upkeep_rate"] = kb
    result = []
    for uid, name in units:
        figures = tuple(figure(ind, *counts.get(ind.id, {}).get(uid, (0, 0))) for ind in INDICATORS)
        result.append(UnitKpis(uid, name, figures))
    return KpiReport(period.label, period.start, period.end, tuple(result))


def drill_down(
    store: Store, period: Period, unit: str, indicator: str, only_against: bool = True
) -> list[CountedTicket]:
    """The tickets behind a unit's figure: by default those that count against it (not in
    the numerator), oldest first. The knowledge-base rate has no tickets (an empty list)."""
    ind = BY_ID.get(indicator)
    if ind is None:
        raise InputError("indicator", f"没有指标「{indicator}」；可用：{'、'.join(BY_ID)}")
    if ind.items is None:
        return []
    items = ind.items(period).subquery()
    q = (
        select(TicketRow.number, items.c.at, items.c.ok, items.c.why)
        .join(TicketRow, TicketRow.id == items.c.ticket_id)
        .where(items.c.unit_id == unit)
        .order_by(items.c.at, TicketRow.number)
    )
    if only_against:
        q = q.where(items.c.ok == 0)
    with store.read() as s:
        return [CountedTicket(str(n), at, bool(ok), why) for n, at, ok, why in s.execute(q)]


# ------------------------------------------------------------------------------- the document
def doc_markdown() -> str:
    """docs/kpi.zh.md, generated from the definitions (``tests`` check it is current)."""
    out = [
        "# 承办单位考核指标口径（R-UNIT-KPI，《运行管理办法》第三十四条）",
        "",
        "本文件由 `console/services/analytics/kpi.py` 中的指标定义生成（`hotline report kpi --doc`），"
        "单位对考核数字有异议时，以本口径核对；每项指标可用 "
        "`hotline report kpi --unit 单位编号 --tickets 指标编号` 列出扣分的工单。",
        "",
        "考核期：年度（2026）、季度（2026Q4）或月（2026-11），按北京时间自然日划分。"
        "某一事项归入哪个考核期，由决定它的时限或事件的时刻确定；考核期结束后发生的事件不改变"
        "已结束考核期的数字（重新计算结果相同）。分母为0时该项指标无数值，不计0分。",
        "",
    ]
    for ind in INDICATORS:
        out += [
            f"## {ind.name}（`{ind.id}`）",
            "",
            "| 项目 | 口径 |",
            "| --- | --- |",
            f"| 分子 | {ind.numerator} |",
            f"| 分母 | {ind.denominator} |",
            f"| 计入的事件 | {ind.events} |",
            f"| 所属考核期 | {ind.period} |",
            *(f"| {topic} | {text} |" for topic, text in ind.rules),
            "",
        ]
    return "\n".join(out)
