"""The expert seats' measures (专家座席, R-EXPERT, R-CONSULT, R-KB, R-ENTERPRISE), in SQL.

For a period (``2026``, ``2026Q4``, ``2026-11``, as ``hotline report kpi`` reads it), over the
consultations handed to experts:

- **queue wait** (排队等待): hand-off → taken. A hand-off is *taken* (接手) when an expert
  first opens it (the ``expert_take`` event, written by ``HandoffService.take_handoff``), or — an
  answer given without opening it first, from a shell or a script — when it is answered;
  counted in the period the hand-off was taken;
- **answer time** (答复用时): hand-off → answered, counted in the period of the answer;
- each as a count, the mean and the nearest-rank median and 90th percentile, for all
  hand-offs, per field (the domain or matter type handed to) and per unit (the unit of the
  expert who answered, else of the expert it was handed to by name; "" while a field queue's
  hand-off is unanswered);
- **knowledge capture** (R-KB): of the period's answers, how many became a draft article, and
  how many of those articles the owner unit has verified (the articles as they stand now:
  a capture or verification after the period's end counts for the period of the answer);
- **untaken**: hand-offs made in the period and not yet taken at its end;
- **policy push reach** (R-ENTERPRISE): the period's push report (what ``hotline policy
  report`` shows), totalled; the caller reads it (``enterprise.push.counts``) and passes it in.

The period is the KPIs' (``analytics.kpi.parse_period``), passed in as a value: the expert
concern imports neither the analytics nor the enterprise desk.

Everything is aggregated by the database: one statement for the durations (nearest-rank
percentiles: ``percentile_disc`` on PostgreSQL, ranked with window functions on SQLite — the
same values), one for the counts per field and unit (a few rows, totalled here). An item is decided by facts dated before the
period end (a take or answer after it does not move a wait or answer into it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from console.services.experts.handoff import TAKE
from console.services.views import (
    DurationStats,
    ExpertMeasureLine,
    ExpertMeasures,
    PolicyPushReach,
    PolicyPushReport,
)
from console.store.engine import Store
from console.store.models import ArticleRow, EventRow, ExpertHandoffRow, ExpertRow, UnitRow


class Period(Protocol):
    """A period as ``analytics.kpi.Period`` is: its label, its dates and its bounds in time."""

    @property
    def label(self) -> str: ...
    @property
    def start(self) -> dt.date: ...
    @property
    def end(self) -> dt.date: ...
    @property
    def start_at(self) -> dt.datetime: ...
    @property
    def end_at(self) -> dt.datetime: ...


class seconds_between(FunctionElement[float]):  # noqa: N801 — reads as a SQL function
    """``later - earlier`` in seconds, on either store."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION)"


def _in(moment: ColumnElement[Any], period: Period) -> ColumnElement[bool]:
    return and_(moment >= period.start_at, moment < period.end_at)


def items(period: Period, unit: str | None = None) -> Select[Any]:
    """One row per hand-off that may count in the period: field, unit, handed, taken and
    answered moments, whether its answer became an article and whether that is verified."""
    h = ExpertHandoffRow
    take = (
        select(EventRow.ticket_id.label("ticket_id"), func.min(EventRow.at).label("at"))
        .where(EventRow.action == TAKE, EventRow.at < period.end_at)
        .group_by(EventRow.ticket_id)
        .subquery("take")
    )
    answerer = aliased(ExpertRow)
    named = aliased(ExpertRow)
    taken_at = case(
        (
            and_(take.c.at.is_not(None), or_(h.answered_at.is_(None), take.c.at < h.answered_at)),
            take.c.at,
        ),
        else_=h.answered_at,
    )
    # the answering expert's unit once the answer is in (by the period's end)
    answered_by_unit = case((h.answered_at < period.end_at, answerer.unit_id))
    unit_id = func.coalesce(answered_by_unit, named.unit_id, literal_column("''"))
    q = (
        select(
            h.field.label("field"),
            h.field_label.label("field_label"),
            unit_id.label("unit_id"),
            h.handed_at.label("handed_at"),
            taken_at.label("taken_at"),
            h.answered_at.label("answered_at"),
            case((h.article_id.is_not(None), 1), else_=0).label("drafted"),
            case((ArticleRow.status == "verified", 1), else_=0).label("verified"),
        )
        .select_from(h)
        .outerjoin(take, take.c.ticket_id == h.ticket_id)
        .outerjoin(answerer, answerer.id == h.answered_by)
        .outerjoin(named, named.id == h.expert_id)
        .outerjoin(ArticleRow, ArticleRow.id == h.article_id)
        # a hand-off answered before the period began was taken before it too: not counted
        .where(
            h.handed_at < period.end_at,
            or_(h.answered_at.is_(None), h.answered_at >= period.start_at),
        )
    )
    if unit is not None:
        q = q.where(unit_id == unit)
    return q


def _durations(base: Any, period: Period, dialect: str = "sqlite") -> Select[Any]:
    """count, mean, p50, p90 of the waits and answer times, per field, per unit and overall:
    rows (measure, dimension, key, count, mean, p50, p90).

    The percentiles are nearest-rank (the ⌈p·n⌉-th smallest): PostgreSQL's ``percentile_disc``
    per group; SQLite, which has no ordered-set aggregates, ranks the rows of each group with
    window functions and takes the first whose rank reaches p·n — the same values."""
    measures = (
        ("wait", seconds_between(base.c.taken_at, base.c.handed_at), _in(base.c.taken_at, period)),
        (
            "answer",
            seconds_between(base.c.answered_at, base.c.handed_at),
            _in(base.c.answered_at, period),
        ),
    )
    if dialect == "postgresql":
        rows = union_all(
            *(
                select(
                    literal_column(f"'{m}'").label("m"),
                    base.c.field.label("field"),
                    base.c.unit_id.label("unit_id"),
                    value.label("v"),
                ).where(cond)
                for m, value, cond in measures
            )
        ).cte("d")
        stats = (
            func.count(),
            func.avg(rows.c.v),
            func.percentile_disc(0.5).within_group(rows.c.v),
            func.percentile_disc(0.9).within_group(rows.c.v),
        )
        per = [
            select(rows.c.m, literal_column(f"'{d}'").label("d"), key.label("k"), *stats).group_by(
                rows.c.m, key
            )
            for d, key in (("field", rows.c.field), ("unit", rows.c.unit_id))
        ]
        total = select(
            rows.c.m, literal_column("'total'").label("d"), literal_column("''").label("k"), *stats
        ).group_by(rows.c.m)
        return select(union_all(*per, total).subquery("p"))
    dims: tuple[tuple[str, ColumnElement[Any]], ...] = (
        ("field", base.c.field),
        ("unit", base.c.unit_id),
        ("total", literal_column("''")),
    )
    parts = [
        select(
            literal_column(f"'{m}'").label("m"),
            literal_column(f"'{d}'").label("d"),
            key.label("k"),
            value.label("v"),
        ).where(cond)
        for m, value, cond in measures
        for d, key in dims
    ]
    u = union_all(*parts).subquery("d")
    group = (u.c.m, u.c.d, u.c.k)
    r = select(
        *group,
        u.c.v,
        func.row_number().over(partition_by=group, order_by=u.c.v).label("rn"),
        func.count().over(partition_by=group).label("n"),
    ).subquery("r")
    return select(
        r.c.m,
        r.c.d,
        r.c.k,
        func.count(),
        func.avg(r.c.v),
        func.min(case((r.c.rn * 2 >= r.c.n, r.c.v))),  # nearest rank: the ⌈n/2⌉-th
        func.min(case((r.c.rn * 10 >= r.c.n * 9, r.c.v))),  # the ⌈0.9·n⌉-th
    ).group_by(r.c.m, r.c.d, r.c.k)


def _counts(base: Any, period: Period) -> Select[Any]:
    """Per field and unit: handed in the period, of those untaken at its end, and the
    period's answers drafted and verified."""
    handed = _in(base.c.handed_at, period)
    answered = _in(base.c.answered_at, period)
    untaken = and_(handed, or_(base.c.taken_at.is_(None), base.c.taken_at >= period.end_at))
    return select(
        base.c.field,
        func.max(base.c.field_label),
        base.c.unit_id,
        func.sum(case((handed, 1), else_=0)),
        func.sum(case((untaken, 1), else_=0)),
        func.sum(case((answered, base.c.drafted), else_=0)),
        func.sum(case((answered, base.c.verified), else_=0)),
    ).group_by(base.c.field, base.c.unit_id)


def _stats(row: tuple[Any, ...] | None) -> DurationStats:
    if row is None:
        return DurationStats(0, None, None, None)
    count, mean, p50, p90 = row

    def seconds(x: Any) -> float | None:
        return None if x is None else round(float(x), 1)

    return DurationStats(int(count), seconds(mean), seconds(p50), seconds(p90))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def reach(r: PolicyPushReport) -> PolicyPushReach:
    """A period's policy push report, totalled."""
    return PolicyPushReach(
        articles=len(r.lines),
        pushed=r.pushed,
        delivered=r.delivered,
        not_sent=sum(line.not_sent for line in r.lines),
        subscriptions=r.subscriptions,
        unsubscribed=r.unsubscribed,
        reach=_share(r.delivered, r.pushed),
    )


def expert_measures(
    store: Store, period: Period, pushed: PolicyPushReport, unit: str | None = None
) -> ExpertMeasures:
    """The period's measures of every hand-off (or of one unit's experts' hand-offs), with
    ``pushed`` — the same period's policy push report (of that unit's articles) — totalled."""
    base = items(period, unit).cte("h")
    with store.read() as s:
        dialect = s.get_bind().dialect.name
        if dialect == "postgresql":
            # a year's durations sort in memory instead of spilling to disk (as the KPIs do)
            s.execute(text("SET LOCAL work_mem = '64MB'"))
        durations = {
            (m, d, k): (n, mean, p50, p90)
            for m, d, k, n, mean, p50, p90 in s.execute(_durations(base, period, dialect))
        }
        counted = [tuple(row) for row in s.execute(_counts(base, period))]
        unit_names = {str(i): str(n) for i, n in s.execute(select(UnitRow.id, UnitRow.name))}

    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    field_labels: dict[str, str] = {}
    for field, label, unit_id, *numbers in counted:
        field_labels[field] = label
        for key in (("field", field), ("unit", unit_id), ("total", "")):
            for i, x in enumerate(numbers):
                sums[key][i] += int(x or 0)

    def line(dim: str, key: str, label: str) -> ExpertMeasureLine:
        handed, untaken, drafted, verified = sums[(dim, key)]
        answer = _stats(durations.get(("answer", dim, key)))
        return ExpertMeasureLine(
            key=key,
            label=label,
            handed=handed,
            untaken=untaken,
            wait=_stats(durations.get(("wait", dim, key))),
            answer=answer,
            drafted=drafted,
            verified=verified,
            draft_share=_share(drafted, answer.count),
            verified_share=_share(verified, answer.count),
        )

    def keys(dim: str) -> Iterable[str]:
        found = {k for d, k in sums if d == dim} | {k for _, d, k in durations if d == dim}
        return sorted(found)

    fields = tuple(
        sorted(
            (line("field", k, field_labels.get(k, k)) for k in keys("field")),
            key=lambda x: (-x.handed, x.key),
        )
    )
    units = tuple(
        line("unit", k, unit_names.get(k, "（领域队列，未答复）" if not k else k))
        for k in keys("unit")
    )
    return ExpertMeasures(
        period=period.label,
        start=period.start,
        end=period.end,
        unit=unit,
        total=line("total", "", "全部"),
        fields=fields,
        units=units,
        push=reach(pushed),
    )
