"""Sub-centres (分中心): their call records in real time (R-SUBCENTRE) and their KPIs
(R-SUBCENTRE-KPI).

A sub-centre sends its records with its own seat and token (role ``subcentre_operator``, bound
to it); a seat of another sub-centre or role is refused (403). The manager's side and the
sub-centre's own seat read its KPIs.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import JSONResponse

from console.api import errors
from console.api.deps import current_actor, get_platform
from console.api.schemas import NO_NUL
from console.bootstrap import Platform
from console.errors import PermissionDenied
from console.services.access import audit
from console.services.analytics.kpi import parse_period
from console.services.analytics.subcentre_kpi import SubcentreKpis, subcentre_kpis
from console.services.subcentre.calls import (
    FIELDS,
    BatchRejected,
    IngestResult,
    Subcentre,
    ingest_calls,
    list_subcentres,
    may_view,
)
from console.services.values import Role
from console.services.views import Actor

router = APIRouter(tags=["subcentres"])
Code = Annotated[str, Path(max_length=20, pattern=NO_NUL, description="分中心热线号码，如 12333")]
Me = Annotated[Actor, Depends(current_actor)]
Plat = Annotated[Platform, Depends(get_platform)]
RECORD_EXAMPLE = {
    "record_id": "20261125-000123",
    "started_at": "2026-11-25T09:00:00+08:00",
    "answered": True,
    "answered_at": "2026-11-25T09:00:12+08:00",
    "ended_at": "2026-11-25T09:04:30+08:00",
    "seat": "A012",
    "caller_phone": "13812341234",
    "outcome": "first_contact",
    "ticket_number": None,
    "own_ticket_id": "RS20261125001",
}
Records = Annotated[
    list[Any],
    Body(
        description="话务记录数组，每条字段："
        + "、".join(FIELDS)
        + "；outcome 为 first_contact（在线办结）、ticket（转办，附平台工单编号 ticket_number）"
        "或 none（未接通或无结果）；时间须带时区",
        examples=[[RECORD_EXAMPLE]],
    ),
]


@router.get("/subcentres", operation_id="subcentres", response_model=list[Subcentre])
def subcentres(actor: Me, platform: Plat) -> list[Subcentre]:
    """The sub-centres of the catalogue and their lines (any seat)."""
    return list_subcentres(platform.store)


@router.post(
    "/subcentres/{code}/calls", operation_id="subcentre_calls", response_model=IngestResult
)
def subcentre_calls(code: Code, records: Records, actor: Me, platform: Plat) -> Any:
    """A sub-centre's call records, all or nothing: a record sent again with the same content
    is 已存在 and changes nothing; any bad record refuses the whole batch (422), one problem
    per bad record in ``problems`` (index from 1, record_id, field)."""
    if actor.role is not Role.SUBCENTRE_OPERATOR:  # over HTTP only the sub-centre's own seat
        raise PermissionDenied(
            f"{actor.role.label}不能报送分中心话务数据（只有该分中心的席位可以）",
            rule="R-SUBCENTRE",
        )
    try:
        with audit.audit_context(actor):
            return ingest_calls(platform.store, actor, code, records, platform.clock.now())
    except BatchRejected as exc:
        problems = [
            {"index": p.index, "record_id": p.record_id, "field": p.field, "problem": p.problem}
            for p in exc.problems
        ]
        content = errors.body(
            "input", str(exc), field=exc.field, problem=exc.problem, problems=problems
        )
        return JSONResponse(status_code=errors.STATUS["input"], content=content)


@router.get("/subcentres/{code}/kpi", operation_id="subcentre_kpi", response_model=SubcentreKpis)
def subcentre_kpi(
    code: Code,
    actor: Me,
    platform: Plat,
    period: Annotated[
        str, Query(max_length=10, pattern=NO_NUL, description="期间：2026、2026Q4 或 2026-11")
    ],
) -> SubcentreKpis:
    """The six KPIs of a sub-centre for a period (R-SUBCENTRE-KPI); rates are null when there
    is nothing to rate, with the reason in ``note``."""
    centre = may_view(platform.store, actor, code)
    return subcentre_kpis(platform.store, centre.code, parse_period(period))
