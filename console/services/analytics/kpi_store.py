"""A period's unit KPIs kept as last computed (R-UNIT-KPI): what lets the dashboard open at once
on a large store, and a past quarter's figures be read without computing them again.

A period that is over is computed once and kept: its figures no longer change (every indicator
counts what was decided within the period, and a later merge, finding or withdrawal leaves an
ended period as it was — see ``kpi``). The current period keeps its latest computation, with the
moment it stands at: the dashboard shows it at once (「截至 …」) while it computes the period
again. Figures kept under other definitions of the indicators (a changed statement) are never
read: each row names the digest of the statements it was computed with.

The knowledge-base rate is not kept: it is read from the articles each time (it is cheap, and
a period's rate is the knowledge base as it stands).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from functools import cache
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError

from console.services.analytics import kpi
from console.services.knowledge.upkeep import maintenance_rates
from console.services.views import KpiReport, UnitKpis
from console.store.engine import Store
from console.store.models import KpiSnapshotRow, UnitRow

KB = "kb_upkeep_rate"
_REFERENCE = kpi.parse_period("2026Q1")


@cache
def definitions() -> str:
    """The digest of the ticket indicators' statements (as PostgreSQL would run them for a
    fixed period) and of the words that leave a matter out of satisfaction."""
    h = hashlib.sha256()
    for ind in kpi.INDICATORS:
        h.update(ind.id.encode())
        if ind.items is not None:
            sql = ind.items(_REFERENCE).compile(
                dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
            )
            h.update(str(sql).encode())
    h.update("|".join(kpi.NOT_SCORED_ON_SATISFACTION).encode())
    return h.hexdigest()


def _final(period: kpi.Period) -> bool:
    return period.as_of is None or period.as_of >= period.end_at


def _figures(report: KpiReport) -> dict[str, Any]:
    return {
        u.unit_id: {
            f.indicator: [f.numerator, f.denominator] for f in u.figures if f.indicator != KB
        }
        for u in report.units
    }


def _report(store: Store, period: kpi.Period, row: KpiSnapshotRow, unit: str | None) -> KpiReport:
    """The kept figures as a report of every active unit (or one), with today's KB rate."""
    units_q = select(UnitRow.id, UnitRow.name).where(UnitRow.active.is_(True))
    if unit is not None:
        units_q = select(UnitRow.id, UnitRow.name).where(UnitRow.id == unit)
    with store.read() as s:
        units = [(str(i), str(n)) for i, n in s.execute(units_q.order_by(UnitRow.id))]
    rates = {
        r.unit_id: (r.current, r.articles) for r in maintenance_rates(store, period.last_day, unit)
    }
    result = []
    for uid, name in units:
        kept = row.figures.get(uid, {})
        figures = []
        for ind in kpi.INDICATORS:
            num, den = rates.get(uid, (0, 0)) if ind.id == KB else kept.get(ind.id, (0, 0))
            figures.append(kpi.figure(ind, int(num), int(den)))
        result.append(UnitKpis(uid, name, tuple(figures)))
    as_of = None if row.final else row.as_of
    return KpiReport(period.label, period.start, period.end, tuple(result), as_of, stored=True)


def _kept(store: Store, period: kpi.Period, final: bool) -> KpiSnapshotRow | None:
    with store.read() as s:
        row = s.execute(
            select(KpiSnapshotRow).where(
                KpiSnapshotRow.period == period.label,
                KpiSnapshotRow.definitions == definitions(),
                KpiSnapshotRow.final.is_(final),
            )
        ).scalar_one_or_none()
        if row is not None:
            s.expunge(row)
        return row


def _keep(store: Store, period: kpi.Period, report: KpiReport, now: dt.datetime) -> None:
    final = _final(period)
    try:
        with store.write() as s:
            s.execute(
                delete(KpiSnapshotRow).where(
                    KpiSnapshotRow.period == period.label, KpiSnapshotRow.final.is_(final)
                )
            )  # the current period's older computation, or figures of other definitions
            s.add(
                KpiSnapshotRow(
                    period=period.label,
                    definitions=definitions(),
                    final=final,
                    as_of=period.end_at if final else (period.as_of or now),
                    computed_at=now,
                    figures=_figures(report),
                )
            )
    except IntegrityError:
        pass  # another seat kept the same period's figures at the same moment: theirs stand


def unit_kpis(
    store: Store, period: kpi.Period, unit: str | None, now: dt.datetime, reuse: bool = True
) -> KpiReport:
    """Every active unit's (or one unit's) five indicators for the period: an ended period's
    kept figures when there are (computed and kept otherwise); the current period computed,
    and kept as its latest computation when it covers every unit."""
    if reuse and _final(period):
        row = _kept(store, period, final=True)
        if row is not None:
            return _report(store, period, row, unit)
    report = kpi.unit_kpis(store, period, unit)
    if unit is None:
        _keep(store, period, report, now)
    as_of = None if _final(period) else period.as_of
    return replace(report, as_of=as_of)


def latest(store: Store, period: kpi.Period, unit: str | None) -> KpiReport | None:
    """The period's figures as last computed, without computing (None: never computed)."""
    row = _kept(store, period, final=True) or _kept(store, period, final=False)
    return None if row is None else _report(store, period, row, unit)
