"""Reports (报表): the unit KPIs of a period (R-UNIT-KPI), scoped to the seat."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query

from console.api.deps import Seat
from console.services.views import CountedTicket, ExpertMeasures, KpiReport

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/kpi", operation_id="unit_kpis", response_model=KpiReport)
def unit_kpis(
    backend: Seat,
    period: Annotated[str, Query(max_length=20, description="2026Q4、2026 或 2026-11")],
    unit: Annotated[str | None, Query(max_length=40, description="单位编号")] = None,
) -> KpiReport:
    """事项响应率、按时办结率、问题解决率、群众满意率、知识库维护率 per unit for the period.

    The manager, supervisors and auditors see every unit; a unit clerk only its own (another
    unit's is 403, R-SECURITY); other seats 403. A bad period or unknown unit is 422 naming it.
    """
    return backend.unit_kpis(period, unit)


@router.get("/kpi/latest", operation_id="kpi_latest", response_model=KpiReport | None)
def kpi_latest(
    backend: Seat,
    period: Annotated[str, Query(max_length=20, description="2026Q4、2026 或 2026-11")],
) -> KpiReport | None:
    """The period's KPIs as last computed, at once (``as_of``: when they stood; null: never
    computed), scoped like ``/reports/kpi`` — what a dashboard shows while it computes."""
    return backend.kpi_latest(period)


@router.get("/kpi/tickets", operation_id="kpi_tickets", response_model=list[CountedTicket])
def kpi_tickets(
    backend: Seat,
    period: Annotated[str, Query(max_length=20, description="2026Q4、2026 或 2026-11")],
    unit: Annotated[str, Query(max_length=40, description="单位编号")],
    indicator: Annotated[str, Query(max_length=40, description="指标编号，如 on_time_rate")],
) -> Sequence[CountedTicket]:
    """The tickets that count against a unit's figure (why each), scoped like the KPIs."""
    return backend.kpi_tickets(period, unit, indicator)


@router.get("/experts", operation_id="expert_measures", response_model=ExpertMeasures)
def expert_measures(
    backend: Seat,
    period: Annotated[str, Query(max_length=20, description="2026Q4、2026 或 2026-11")],
    unit: Annotated[str | None, Query(max_length=40, description="单位编号")] = None,
) -> ExpertMeasures:
    """The expert seats' measures of the period (R-EXPERT, R-KB, R-ENTERPRISE): queue wait
    and answer time (count, mean, p50, p90) overall, per field and per unit; the answers
    turned into draft and verified articles; policy push reach. Scoped like ``/reports/kpi``:
    a unit clerk only its own unit (another unit's is 403), seats other than the manager,
    supervisors, auditors and shift leads 403; a bad period or unknown unit is 422."""
    return backend.expert_measures(period, unit)
