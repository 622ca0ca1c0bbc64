"""The expert roster (专家座席, R-EXPERT): kept by the manager, read by the seats.

Consultations handed to an expert (R-EXPERT, R-CONSULT, R-KB): operators and shift leads
hand off (others 403 naming R-EXPERT); an expert reads its own and its fields' queue, answers
and turns the answer into a draft article of its unit; an expert's first reading of an open
hand-off takes it (接手, the end of its queue wait). The manager and shift leads list the
hand-offs with their clocks.

Every seat reads the roster (a unit clerk its own unit's experts only); only the manager
(省优化办) adds, edits and retires experts (others: 403 naming R-EXPERT). A bad field is 422
naming it (an unknown domain, a shift that cannot be read …).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path, Query

from console.api.deps import Seat, TicketNumber
from console.api.routes.intake import to_intake
from console.api.schemas import (
    NO_NUL,
    ArticleIdOut,
    ExpertAnswerIn,
    ExpertArticleIn,
    ExpertIn,
    ExpertOut,
    ExpertRetireIn,
    HandToExpertIn,
    NumberOut,
)
from console.services.views import ExpertDraft, ExpertHandoffView, ExpertView

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
        kind=body.kind,
        desk_lead=body.desk_lead,
    )


@router.get("/experts", operation_id="experts", response_model=list[ExpertView])
def experts(
    backend: Seat,
    field: Annotated[
        str | None, Query(max_length=60, pattern=NO_NUL, description="只看擅长该领域或事项类型的")
    ] = None,
    on_duty: Annotated[bool, Query(description="只看此刻在班的")] = False,
    include_retired: Annotated[bool, Query(description="含已退出名册的")] = False,
    kind: Annotated[
        str | None,
        Query(max_length=20, pattern=NO_NUL, description="名册类别：expert 专家，policy 政策专员"),
    ] = None,
) -> Sequence[ExpertView]:
    """The roster, those on duty first (a unit clerk: its own unit's experts)."""
    return backend.experts(field, on_duty, include_retired, kind)


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


# ---------------------------------------------------------------- hand-offs to experts
@router.post(
    "/intake/hand-to-expert",
    operation_id="hand_to_expert",
    response_model=NumberOut,
    status_code=201,
)
def hand_to_expert(backend: Seat, body: HandToExpertIn) -> NumberOut:
    """Take a consultation and hand it to an on-duty expert or a field's expert queue."""
    return NumberOut(
        number=backend.hand_to_expert(
            to_intake(body.intake),
            body.field,
            body.expert_id,
            consent=body.consent,
            channel=body.channel,
            tried=tuple(body.tried),
            ground=body.ground,
            reasons=tuple(body.reasons),
            note=body.note,
        )
    )


@router.get("/experts/queue", operation_id="expert_queue", response_model=list[ExpertHandoffView])
def expert_queue(backend: Seat) -> Sequence[ExpertHandoffView]:
    """The open hand-offs this expert answers (its own and its fields'), soonest due first."""
    return backend.expert_queue()


@router.get(
    "/experts/handoffs", operation_id="expert_handoffs", response_model=list[ExpertHandoffView]
)
def expert_handoffs(
    backend: Seat,
    field: Annotated[
        str | None, Query(max_length=60, pattern=NO_NUL, description="只看转给该领域或事项类型的")
    ] = None,
    waiting: Annotated[bool, Query(description="只看尚未答复的")] = False,
    days: Annotated[int, Query(ge=1, le=366, description="最近几天转交的")] = 7,
) -> Sequence[ExpertHandoffView]:
    """The hand-offs of the last ``days`` days with their clocks (handed, taken, answered,
    due), newest first; the manager and shift leads read them (others 403, R-EXPERT)."""
    return backend.expert_handoffs(field, waiting, days)


@router.get(
    "/tickets/{number}/expert-handoff",
    operation_id="expert_handoff",
    response_model=ExpertHandoffView,
)
def expert_handoff(backend: Seat, number: TicketNumber) -> ExpertHandoffView:
    """A ticket's latest hand-off to an expert (a read: opening it is ``…/take``)."""
    return backend.expert_handoff(number)


@router.post(
    "/tickets/{number}/expert-handoff/take",
    operation_id="take_handoff",
    response_model=ExpertHandoffView,
)
def take_handoff(backend: Seat, number: TicketNumber) -> ExpertHandoffView:
    """An expert opens the hand-off: the first opening of an open one takes it (接手); a
    repeat changes nothing. Experts only (403 R-EXPERT)."""
    return backend.take_handoff(number)


@router.post("/tickets/{number}/expert-answer", operation_id="answer_consultation", status_code=204)
def answer_consultation(backend: Seat, number: TicketNumber, body: ExpertAnswerIn) -> None:
    """The expert's answer: on the ticket, to the caller through the outbox; the ticket closes."""
    backend.answer_consultation(number, body.answer, body.basis, body.version)


@router.post(
    "/tickets/{number}/expert-article",
    operation_id="capture_article",
    response_model=ArticleIdOut,
    status_code=201,
)
def capture_article(backend: Seat, number: TicketNumber, body: ExpertArticleIn) -> ArticleIdOut:
    """The answering expert's answer as a draft article of its unit (R-KB)."""
    return ArticleIdOut(id=backend.capture_article(number, body.question, tuple(body.tags)))
