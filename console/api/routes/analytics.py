"""Hot, concentrated, sudden and emerging matters (R-ANALYTICS), scoped like the console: the
manager, shift leads and supervisors see every unit's tickets, a unit clerk its own unit's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query

from console.api.deps import Seat, TicketNumber
from console.services.views import HotAlertView, HotGroupView

router = APIRouter(prefix="/analytics", tags=["analytics"])


@router.get("/hot", operation_id="hot_matters", response_model=list[HotGroupView])
def hot_matters(
    backend: Seat,
    limit: Annotated[int, Query(ge=1, le=500, description="最多几组")] = 20,
) -> Sequence[HotGroupView]:
    """Groups of tickets on one matter and place, hottest first."""
    return backend.hot_matters(limit)


@router.get("/hot/of/{number}", operation_id="hot_matter_of", response_model=HotGroupView | None)
def hot_matter_of(backend: Seat, number: TicketNumber) -> HotGroupView | None:
    """The group of tickets on the same matter and place as this ticket; null when it is the
    only one."""
    return backend.hot_matter_of(number)


@router.get("/alerts", operation_id="hot_alerts", response_model=list[HotAlertView])
def hot_alerts(backend: Seat) -> Sequence[HotAlertView]:
    """Sudden (突发) and emerging (苗头) matters of the last hours, newest first."""
    return backend.hot_alerts()
