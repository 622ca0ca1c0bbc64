"""Who is calling, and the platform's clock."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from console.api.deps import Seat, get_platform
from console.api.schemas import ClockOut
from console.bootstrap import Platform
from console.services.views import Actor

router = APIRouter(tags=["session"])


@router.get("/me", operation_id="actor", response_model=Actor)
def me(backend: Seat) -> Actor:
    """The seat the token belongs to: name, role and (for a unit clerk) unit."""
    return backend.actor


@router.get("/clock", operation_id="now", response_model=ClockOut)
def clock(backend: Seat, platform: Annotated[Platform, Depends(get_platform)]) -> ClockOut:
    """The platform's time; ``drill`` when HOTLINE_NOW pins it (the console shows a banner),
    ``running`` unless a drill clock stands still."""
    running = not backend.drill or platform.settings.clock_running
    return ClockOut(now=backend.now(), drill=backend.drill, running=running)
