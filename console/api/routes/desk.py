"""The 政企通 desk (R-ENTERPRISE, Art. 5(6), 29): enterprise requests, each followed one to one
by a policy specialist.

The desk (``GET /desk``) and its specialists (``GET /specialists``) are read by the desk's
seats (enterprise tickets only) and the manager; every other seat gets 403 naming
R-ENTERPRISE. A specialist claims a ticket nobody follows; the manager or the desk lead
assigns and reassigns with a reason; the specialist following the ticket records follow-ups
on its timeline. A ticket a seat may not read is 404, as everywhere. The desk's policy search
(``POST /kb/policy-search``) is open to every seat that reads the knowledge base.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from console.api.deps import Seat, TicketNumber
from console.api.schemas import AssignSpecialistIn, ClaimIn, FollowIn, PolicySearchIn
from console.services.views import DeskItemView, PolicyHitView, SpecialistView

router = APIRouter(tags=["desk"])


@router.get("/desk", operation_id="desk", response_model=list[DeskItemView])
def desk(
    backend: Seat,
    which: Annotated[
        Literal["mine", "unassigned", "all", "done"],
        Query(description="mine 我跟进的，unassigned 未分配，all 全部（未结束），done 已结束"),
    ] = "all",
) -> Sequence[DeskItemView]:
    """The desk's enterprise requests, the nearest clock first."""
    return backend.desk(which)


@router.get("/specialists", operation_id="specialists", response_model=list[SpecialistView])
def specialists(backend: Seat) -> Sequence[SpecialistView]:
    """The desk's policy specialists, on duty first, with the tickets each follows now."""
    return backend.specialists()


@router.post("/tickets/{number}/specialist/claim", operation_id="claim_enterprise", status_code=204)
def claim_enterprise(backend: Seat, number: TicketNumber, body: ClaimIn) -> None:
    """A policy specialist claims an enterprise ticket nobody follows (409 when one does)."""
    backend.claim_enterprise(number, body.version)


@router.post("/tickets/{number}/specialist", operation_id="assign_specialist", status_code=204)
def assign_specialist(backend: Seat, number: TicketNumber, body: AssignSpecialistIn) -> None:
    """The manager or the desk lead assigns or reassigns the ticket, with the reason."""
    backend.assign_specialist(number, body.specialist_id, body.reason, body.version)


@router.post("/tickets/{number}/follow", operation_id="follow_enterprise", status_code=204)
def follow_enterprise(backend: Seat, number: TicketNumber, body: FollowIn) -> None:
    """The specialist following the ticket records a follow-up on its timeline."""
    backend.follow_enterprise(number, body.note, body.version)


@router.post("/kb/policy-search", operation_id="policy_search", response_model=list[PolicyHitView])
def policy_search(backend: Seat, body: PolicySearchIn) -> Sequence[PolicyHitView]:
    """Policy articles by industry, enterprise size and region, ranked by the query."""
    return backend.policy_search(
        body.query, tuple(body.industries), tuple(body.sizes), tuple(body.regions), body.limit
    )
