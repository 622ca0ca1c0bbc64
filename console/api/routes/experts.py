"""The expert roster (专家座席, R-EXPERT): kept by the manager, read by the seats.

Every seat reads the roster (a unit clerk its own unit's experts only); only the manager
(省优化办) adds, edits and retires experts (others: 403 naming R-EXPERT). A bad field is 422
naming it (an unknown domain, a shift that cannot be read …).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path, Query

from console.api.deps import Seat
from console.api.schemas import NO_NUL, ExpertIn, ExpertOut, ExpertRetireIn
from console.services.views import ExpertDraft, ExpertView

router = APIRouter(tags=["experts"])
ExpertId = Annotated[str, Path(max_length=40, pattern=NO_NUL, description="专家编号")]


def _draft(body: ExpertIn) -> ExpertDraft:
    return ExpertDraft(
        name=body.name,
        unit_id=body.unit_id,
        fields=tuple(body.fields),
        shifts=tuple(body.shifts),
        phone=body.phone,
        seat=body.seat,
        note=body.note,
    )


@router.get("/experts", operation_id="experts", response_model=list[ExpertView])
def experts(
    backend: Seat,
    field: Annotated[
        str | None, Query(max_length=60, pattern=NO_NUL, description="只看擅长该领域或事项类型的")
    ] = None,
    on_duty: Annotated[bool, Query(description="只看此刻在班的")] = False,
    include_retired: Annotated[bool, Query(description="含已退出名册的")] = False,
) -> Sequence[ExpertView]:
    """The roster, those on duty first (a unit clerk: its own unit's experts)."""
    return backend.experts(field, on_duty, include_retired)


@router.post("/experts", operation_id="add_expert", response_model=ExpertOut)
def add_expert(backend: Seat, body: ExpertIn) -> ExpertOut:
    """The manager puts an expert on the roster."""
    return ExpertOut(id=backend.add_expert(_draft(body)))


@router.post("/experts/{expert_id}", operation_id="edit_expert", status_code=204)
def edit_expert(backend: Seat, expert_id: ExpertId, body: ExpertIn) -> None:
    """The manager replaces an expert's entry (409 when the expert has retired)."""
    backend.edit_expert(expert_id, _draft(body))


@router.post("/experts/{expert_id}/retire", operation_id="retire_expert", status_code=204)
def retire_expert(backend: Seat, expert_id: ExpertId, body: ExpertRetireIn) -> None:
    """The manager takes an expert off the roster, with the reason."""
    backend.retire_expert(expert_id, body.reason)
