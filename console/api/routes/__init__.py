"""The endpoints, one module per area; every Backend use case is one operation whose
``operationId`` is the Backend method's name."""

from __future__ import annotations

from fastapi import APIRouter

from console.api.routes import (
    analytics,
    desk,
    evaluations,
    experts,
    intake,
    knowledge,
    live,
    policy,
    prefiling,
    reference,
    reports,
    session,
    subcentres,
    supervision,
    telephony,
    tickets,
)
from console.api.schemas import ERROR_RESPONSES

PREFIX = "/api/v1"


def router() -> APIRouter:
    """All endpoints under :data:`PREFIX`."""
    api = APIRouter(prefix=PREFIX, responses=ERROR_RESPONSES)  # type: ignore[arg-type]
    for module in (
        session,
        reference,
        knowledge,
        prefiling,
        experts,
        desk,
        policy,
        intake,
        tickets,
        supervision,
        subcentres,
        telephony,
        live,
        reports,
        evaluations,
        analytics,
    ):
        api.include_router(module.router)
    return api
