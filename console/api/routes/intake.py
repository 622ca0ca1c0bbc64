"""Intake: each command creates a ticket and answers its number (201)."""

from __future__ import annotations

from fastapi import APIRouter

from console.api.deps import Seat
from console.api.schemas import (
    AcceptIn,
    AnswerIn,
    ExplainPrefiledIn,
    IntakeIn,
    NumberOut,
    PromiseCallbackIn,
    RefuseIn,
    TransferIn,
)
from console.services.views import Intake

router = APIRouter(prefix="/intake", tags=["intake"])


def to_intake(body: IntakeIn) -> Intake:
    return Intake(**body.model_dump())


@router.post("/refuse", operation_id="refuse", response_model=NumberOut, status_code=201)
def refuse(backend: Seat, body: RefuseIn) -> NumberOut:
    """Refuse a request on one of the ten grounds, with reason and basis (R-REFUSAL-RECORD)."""
    return NumberOut(
        number=backend.refuse(to_intake(body.intake), body.ground, body.reason, body.basis)
    )


@router.post("/answer", operation_id="answer", response_model=NumberOut, status_code=201)
def answer(backend: Seat, body: AnswerIn) -> NumberOut:
    """A consultation answered on the spot (R-CONSULT)."""
    return NumberOut(
        number=backend.answer(
            to_intake(body.intake), body.article_id, body.note, tuple(body.confirmed)
        )
    )


@router.post(
    "/promise-callback", operation_id="promise_callback", response_model=NumberOut, status_code=201
)
def promise_callback(backend: Seat, body: PromiseCallbackIn) -> NumberOut:
    """A consultation to be answered within 24 hours (R-CONSULT)."""
    return NumberOut(number=backend.promise_callback(to_intake(body.intake), body.note))


@router.post(
    "/explain-prefiled", operation_id="explain_prefiled", response_model=NumberOut, status_code=201
)
def explain_prefiled(backend: Seat, body: ExplainPrefiledIn) -> NumberOut:
    """A call within a pre-filed scope, answered with its explanation (R-PREFILING)."""
    return NumberOut(number=backend.explain_prefiled(to_intake(body.intake), body.scope_id))


@router.post("/transfer", operation_id="transfer", response_model=NumberOut, status_code=201)
def transfer(backend: Seat, body: TransferIn) -> NumberOut:
    """Transfer the call to another line (never back to a city line, R-SOURCE)."""
    return NumberOut(
        number=backend.transfer(to_intake(body.intake), body.target_line, body.target_is_city_line)
    )


@router.post("/accept", operation_id="accept", response_model=NumberOut, status_code=201)
def accept(backend: Seat, body: AcceptIn) -> NumberOut:
    """Accept a request; with a unit it is dispatched at once (R-DISPATCH, R-SPECIAL)."""
    return NumberOut(
        number=backend.accept(
            to_intake(body.intake), body.unit_id, tuple(body.co_unit_ids), body.special
        )
    )
