"""Per-request dependencies: the platform, the seat behind the bearer token, its backend."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from console.api.errors import Unauthenticated
from console.api.schemas import INT32, NO_NUL
from console.bootstrap import Platform
from console.errors import PermissionDenied
from console.services.access import seats
from console.services.backend import Backend
from console.services.values import Role
from console.services.views import Actor

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="seat_token",
    description="席位令牌（hotline seat add 发放）：Authorization: Bearer <token>",
)


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def current_actor(
    request: Request,
    platform: Annotated[Platform, Depends(get_platform)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The seat the bearer token belongs to; 401 for none, an unknown, revoked or expired one.

    Token expiry is judged by the real time, never by a drill clock (HOTLINE_NOW).
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("需要席位令牌：请求头 Authorization: Bearer <token>")
    try:
        actor = seats.authenticate(platform.store, credentials.credentials, dt.datetime.now(dt.UTC))
    except PermissionDenied as exc:
        raise Unauthenticated(str(exc).removeprefix(f"[{exc.rule}] "), rule=exc.rule) from None
    request.state.seat = actor.seat
    return actor


def current_backend(
    platform: Annotated[Platform, Depends(get_platform)],
    actor: Annotated[Actor, Depends(current_actor)],
) -> Backend:
    """The platform's use cases acting as this seat (one cheap object per request)."""
    return platform.backend(actor)


Seat = Annotated[Backend, Depends(current_backend)]
"""An endpoint parameter: the calling seat's backend."""

TicketNumber = Annotated[
    str,
    Path(
        max_length=40,
        pattern=NO_NUL,
        description="工单编号",
        openapi_examples={"ticket": {"summary": "工单编号", "value": "HN261125000001"}},
    ),
]
QueueName = Annotated[str, Path(max_length=40, pattern=NO_NUL, description="队列名，如 mine")]
SupervisionId = Annotated[int, Path(ge=-INT32, le=INT32, description="督办工单编号")]


def ensure_visible(backend: Backend, number: str) -> None:
    """Before a command on a ticket: a unit clerk must be able to read it (R-SECURITY).

    The services check roles and units per action, but some answers come before that check
    (a stale ``version`` names who changed the ticket; releasing an unclaimed ticket does
    nothing): over the network a clerk of another unit gets 403/404 and learns nothing else.
    """
    if backend.actor.role is Role.UNIT_CLERK:
        backend.ticket(number)
