"""Supervision tickets (督办): the unit's written reply, extension and closing."""

from __future__ import annotations

from fastapi import APIRouter

from console.api.deps import Seat, SupervisionId
from console.api.schemas import CloseSupervisionIn, ExtendSupervisionIn, ReplySupervisionIn

router = APIRouter(prefix="/supervisions", tags=["supervision"])


@router.post("/{supervision_id}/reply", operation_id="reply_supervision", status_code=204)
def reply_supervision(
    backend: Seat, supervision_id: SupervisionId, body: ReplySupervisionIn
) -> None:
    """The supervised unit explains in writing (R-SUPERVISE-WHEN)."""
    backend.reply_supervision(supervision_id, body.reply)


@router.post("/{supervision_id}/extend", operation_id="extend_supervision", status_code=204)
def extend_supervision(
    backend: Seat, supervision_id: SupervisionId, body: ExtendSupervisionIn
) -> None:
    """Extend a complex supervision item once, by at most 10 WD (R-SUPERVISE-LIMIT)."""
    backend.extend_supervision(supervision_id, body.days, body.reason)


@router.post("/{supervision_id}/close", operation_id="close_supervision", status_code=204)
def close_supervision(
    backend: Seat, supervision_id: SupervisionId, body: CloseSupervisionIn
) -> None:
    """Close a supervision item after the unit's written reply."""
    backend.close_supervision(supervision_id, body.note)
