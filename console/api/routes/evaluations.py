"""Quarterly and annual evaluations (考核评价, R-GRADES).

The manager (省优化办) computes a period's draft from the units' KPIs, publishes it, and
corrects a published one only as a new version with its reason. Supervisors and auditors read
every unit's grades; a unit clerk reads its own unit's line of published evaluations (a draft
or another unit's line is the same 404 as a missing one). Other seats are refused (403).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path, Query

from console.api.deps import Seat
from console.api.schemas import NO_NUL, EvaluationIn, EvaluationOut
from console.services.views import EvaluationView, Finding

router = APIRouter(tags=["evaluations"])
EvaluationId = Annotated[str, Path(max_length=40, pattern=NO_NUL, description="考核评价编号")]


@router.get("/evaluations", operation_id="evaluations", response_model=list[EvaluationView])
def evaluations(
    backend: Seat,
    period: Annotated[
        str | None, Query(max_length=20, pattern=NO_NUL, description="2026Q4 或 2026")
    ] = None,
) -> Sequence[EvaluationView]:
    """The evaluations this seat may read (without grades), newest first."""
    return backend.evaluations(period)


@router.get(
    "/evaluations/{evaluation_id}", operation_id="evaluation", response_model=EvaluationView
)
def evaluation(backend: Seat, evaluation_id: EvaluationId) -> EvaluationView:
    """One evaluation with each unit's score, grade and KPI figures (a unit: its own line)."""
    return backend.evaluation(evaluation_id)


@router.post("/evaluations", operation_id="draft_evaluation", response_model=EvaluationOut)
def draft_evaluation(backend: Seat, body: EvaluationIn) -> EvaluationOut:
    """The manager computes (or recomputes) the period's draft; after publication only as a
    correction with its reason (409 naming R-GRADES without one)."""
    return EvaluationOut(id=backend.draft_evaluation(body.period, body.reason))


@router.post(
    "/evaluations/{evaluation_id}/publish", operation_id="publish_evaluation", status_code=204
)
def publish_evaluation(backend: Seat, evaluation_id: EvaluationId) -> None:
    """The manager publishes a draft (409 when it is published already)."""
    backend.publish_evaluation(evaluation_id)


@router.post(
    "/evaluations/{evaluation_id}/discard", operation_id="discard_evaluation", status_code=204
)
def discard_evaluation(backend: Seat, evaluation_id: EvaluationId) -> None:
    """The manager deletes a draft (409 for a published one: it stays for good)."""
    backend.discard_evaluation(evaluation_id)


@router.get("/accountability", operation_id="accountability", response_model=list[Finding])
def accountability(
    backend: Seat,
    period: Annotated[str, Query(max_length=20, pattern=NO_NUL, description="2026Q4 或 2026")],
    unit: Annotated[str | None, Query(max_length=40, pattern=NO_NUL, description="单位")] = None,
) -> Sequence[Finding]:
    """The period's Art. 25 leads against units (a unit clerk: its own unit's)."""
    return backend.accountability(period, unit)
