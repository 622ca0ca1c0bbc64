"""Pre-filed scopes (报备, R-PREFILING): a unit files its own, the manager reviews them all.

A unit clerk sees and files only its unit's scopes and withdraws them; the manager (省优化办)
sees every unit's and approves or sends back the pending ones. Other seats are refused (403).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from console.api.deps import Seat
from console.api.routes.reference import _aware
from console.api.schemas import (
    NO_NUL,
    PrefilingIn,
    PrefilingOut,
    PrefilingReviewIn,
    PrefilingWithdrawIn,
)
from console.services.views import PrefilingDraft, PrefilingScopeView

router = APIRouter(tags=["prefiling"])
ScopeId = Annotated[str, Path(max_length=40, pattern=NO_NUL, description="报备编号")]
State = Literal["pending", "approved", "rejected", "withdrawn"]


@router.get(
    "/prefiling/scopes", operation_id="prefiling_scopes", response_model=list[PrefilingScopeView]
)
def prefiling_scopes(
    backend: Seat,
    state: Annotated[State | None, Query(description="只看该状态")] = None,
) -> Sequence[PrefilingScopeView]:
    """The scopes this seat keeps: its unit's (unit clerk) or every unit's (manager)."""
    return backend.prefiling_scopes(state)


@router.post("/prefiling/scopes", operation_id="file_prefiling", response_model=PrefilingOut)
def file_prefiling(backend: Seat, body: PrefilingIn) -> PrefilingOut:
    """A unit clerk files a scope for the clerk's own unit; it waits for review (待审核).

    A bad field is 422 naming it (reason outside Art. 17's grounds, ends not after starts …).
    """
    starts = _aware(body.starts, "starts")
    ends = _aware(body.ends, "ends")
    assert starts is not None and ends is not None
    draft = PrefilingDraft(
        title=body.title,
        reason=body.reason,
        keywords=tuple(body.keywords),
        region=body.region,
        starts=starts,
        ends=ends,
        explanation=body.explanation,
    )
    return PrefilingOut(id=backend.file_prefiling(draft))


@router.post(
    "/prefiling/scopes/{scope_id}/review", operation_id="review_prefiling", status_code=204
)
def review_prefiling(backend: Seat, scope_id: ScopeId, body: PrefilingReviewIn) -> None:
    """The manager approves a pending scope or sends it back with the reason (409 when it
    is not pending)."""
    backend.review_prefiling(scope_id, body.approve, body.note)


@router.post(
    "/prefiling/scopes/{scope_id}/withdraw", operation_id="withdraw_prefiling", status_code=204
)
def withdraw_prefiling(backend: Seat, scope_id: ScopeId, body: PrefilingWithdrawIn) -> None:
    """The unit withdraws its pending or unexpired approved scope, with a reason."""
    backend.withdraw_prefiling(scope_id, body.reason)
