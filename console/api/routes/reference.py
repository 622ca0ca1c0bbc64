"""Reference data: units, inadmissibility grounds, pre-filed scopes, due previews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query

from console.api.deps import Seat
from console.errors import InputError
from console.services.calendar.workdays import MAX_YEAR, MIN_YEAR
from console.services.clock import SHANGHAI
from console.services.values import Kind
from console.services.views import DuePreview, GroundView, PrefilingView, UnitView

router = APIRouter(tags=["reference"])


def _aware(moment: dt.datetime | None, field: str) -> dt.datetime | None:
    """A time without offset is Beijing time (as everywhere in the console); a year the work
    calendar does not count in is refused naming the field (it overflowed into a 500)."""
    if moment is None:
        return None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise InputError(field, f"应在 {MIN_YEAR}–{MAX_YEAR} 年之间，收到 {moment.year} 年")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment


@router.get("/units", operation_id="units", response_model=list[UnitView])
def units(backend: Seat) -> Sequence[UnitView]:
    """The handling-unit catalogue (派单目录), active units only."""
    return backend.units()


@router.get("/grounds", operation_id="grounds", response_model=list[GroundView])
def grounds(backend: Seat) -> Sequence[GroundView]:
    """The ten inadmissibility grounds with their scripts (R-INADMISSIBLE)."""
    return backend.grounds()


@router.get(
    "/prefiling/active", operation_id="prefiling_active", response_model=list[PrefilingView]
)
def prefiling_active(
    backend: Seat,
    at: Annotated[dt.datetime | None, Query(description="时刻（ISO 8601）；缺省为现在")] = None,
) -> Sequence[PrefilingView]:
    """Pre-filed scopes (报备) in force at a moment (R-PREFILING)."""
    return backend.prefiling_active(_aware(at, "at"))


@router.get("/due-preview", operation_id="due_preview", response_model=list[DuePreview])
def due_preview(
    backend: Seat,
    kind: Annotated[Kind, Query(description="工单类型")],
    start: Annotated[dt.datetime | None, Query(description="起算时刻；缺省为现在")] = None,
) -> Sequence[DuePreview]:
    """Each clock that would start now for a ticket of this kind, with its due moment."""
    return backend.due_preview(kind.value, _aware(start, "start"))
