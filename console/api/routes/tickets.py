"""Tickets: read one, page through queues, claim work, and every workflow command.

Commands are POST with the ticket's ``version`` (as read) in the body: a stale version is
refused with 409 ``conflict`` naming who changed the ticket and when. A command answers 204.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import StringConstraints

from console.api.deps import QueueName, Seat, TicketNumber, ensure_visible
from console.api.schemas import (
    INT32,
    NO_NUL,
    AnswerCallbackIn,
    CallbackIn,
    CallerHistoryIn,
    ClaimOut,
    CompletionIn,
    DesignateLeadIn,
    DispatchIn,
    DissatisfiedIn,
    EscalateIn,
    ExtensionIn,
    IdOut,
    MergeIn,
    NoteIn,
    OpenSupervisionIn,
    PhoneSearchIn,
    RenotifyIn,
    RenotifyOut,
    ReturnIn,
    RevealIn,
    ReviewIn,
    ReviewReturnIn,
    ReviewTerminationIn,
    TerminationIn,
    TicketSearchIn,
    VersionIn,
)
from console.services.views import CallerHistoryView, ContactView, Page, TicketView

router = APIRouter(tags=["tickets"])
QueueNames = Annotated[
    list[Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]],
    Query(max_length=20, description="队列名，可重复：?names=mine&names=overdue"),
]


# ---------------------------------------------------------------- reads
@router.get("/tickets/{number}", operation_id="ticket", response_model=TicketView)
def ticket(backend: Seat, number: TicketNumber) -> TicketView:
    """A ticket with its timeline, clocks and the actions this seat may take now."""
    return backend.ticket(number)


@router.get("/queues/{name}", operation_id="queue", response_model=Page)
def queue(
    backend: Seat,
    name: QueueName,
    offset: Annotated[int, Query(ge=-INT32, le=INT32)] = 0,
    limit: Annotated[int, Query(ge=-INT32, le=INT32)] = 50,
) -> Page:
    """A window of a work queue, nearest deadline first."""
    return backend.queue(name, offset, limit)


@router.post("/ticket-search", operation_id="tickets_by_phone", response_model=Page)
def tickets_by_phone(backend: Seat, body: PhoneSearchIn) -> Page:
    """The tickets of a caller's number this seat may see, newest first; callers masked."""
    return backend.tickets_by_phone(body.phone, body.limit)


@router.post("/caller-history", operation_id="caller_history", response_model=CallerHistoryView)
def caller_history(backend: Seat, body: CallerHistoryIn) -> CallerHistoryView:
    """Beside an intake: the caller's earlier tickets (masked), whether they asked for
    confidentiality before (R-CONFIDENTIAL), their terminated matters (R-TERMINATE)."""
    return backend.caller_history(body.phone, body.limit)


@router.post("/tickets/search", operation_id="search_tickets", response_model=Page)
def search_tickets(backend: Seat, body: TicketSearchIn) -> Page:
    """工单查询 by number, caller phone, words, dates, unit and state; newest first, paged.

    POST, as ``tickets_by_phone``: a caller's number and words stay out of URLs and access logs
    (R-CONFIDENTIAL). Scoped like every read: a unit finds only its own tickets.
    """
    return backend.search_tickets(
        body.number,
        body.phone,
        body.text,
        body.since,
        body.until,
        body.unit,
        body.state,
        body.offset,
        body.limit,
    )


@router.get("/queue-counts", operation_id="queue_counts", response_model=dict[str, int])
def queue_counts(backend: Seat, names: QueueNames) -> dict[str, int]:
    """How many tickets each named queue holds for this seat."""
    return backend.queue_counts(names)


@router.post(
    "/tickets/{number}/reveal-contact", operation_id="reveal_contact", response_model=ContactView
)
def reveal_contact(backend: Seat, number: TicketNumber, body: RevealIn) -> ContactView:
    """The caller's full phone and ID number, with a reason; audited (R-CONFIDENTIAL)."""
    # No ensure_visible here: the service checks the unit itself and audits a refused attempt.
    return backend.reveal_contact(number, body.reason)


@router.post("/queues/{name}/claim", operation_id="claim_next", response_model=ClaimOut)
def claim_next(backend: Seat, name: QueueName) -> ClaimOut:
    """Claim the next free ticket of a work queue for this seat (``null``: none free)."""
    return ClaimOut(number=backend.claim_next(name))


@router.post("/tickets/{number}/release", operation_id="release", status_code=204)
def release(backend: Seat, number: TicketNumber) -> None:
    """Give a ticket this seat claimed back to its queue."""
    ensure_visible(backend, number)
    backend.release(number)


# ---------------------------------------------------------------- commands
@router.post("/tickets/{number}/dispatch", operation_id="dispatch", status_code=204)
def dispatch(backend: Seat, number: TicketNumber, body: DispatchIn) -> None:
    """Dispatch to the responsible handling unit (R-DISPATCH)."""
    ensure_visible(backend, number)
    backend.dispatch(number, body.unit_id, tuple(body.co_unit_ids), body.version)


@router.post("/tickets/{number}/sign", operation_id="sign", status_code=204)
def sign(backend: Seat, number: TicketNumber, body: VersionIn) -> None:
    """The unit signs for the ticket (签收, R-SIGN)."""
    ensure_visible(backend, number)
    backend.sign(number, body.version)


@router.post("/tickets/{number}/return", operation_id="return_ticket", status_code=204)
def return_ticket(backend: Seat, number: TicketNumber, body: ReturnIn) -> None:
    """A unit that is not responsible returns the ticket with reason and basis (R-RETURN)."""
    ensure_visible(backend, number)
    backend.return_ticket(number, body.reason, body.basis, body.version)


@router.post("/tickets/{number}/review-return", operation_id="review_return", status_code=204)
def review_return(backend: Seat, number: TicketNumber, body: ReviewReturnIn) -> None:
    """The manager approves or refuses a return (R-RETURN-REVIEW)."""
    ensure_visible(backend, number)
    backend.review_return(
        number, body.approve, body.reason, body.new_unit_id, tuple(body.co_unit_ids), body.version
    )


@router.post("/tickets/{number}/designate-lead", operation_id="designate_lead", status_code=204)
def designate_lead(backend: Seat, number: TicketNumber, body: DesignateLeadIn) -> None:
    """Name a lead unit and co-units for a complex matter (R-COMPLEX)."""
    ensure_visible(backend, number)
    backend.designate_lead(
        number, body.lead_unit_id, tuple(body.co_unit_ids), body.reason, body.version
    )


@router.post("/tickets/{number}/first-response", operation_id="first_response", status_code=204)
def first_response(backend: Seat, number: TicketNumber, body: NoteIn) -> None:
    """The unit's initial response to a special incident (R-SPECIAL)."""
    ensure_visible(backend, number)
    backend.first_response(number, body.note, body.version)


@router.post("/tickets/{number}/progress", operation_id="report_progress", status_code=204)
def report_progress(backend: Seat, number: TicketNumber, body: NoteIn) -> None:
    """Progress on a special incident (R-SPECIAL)."""
    ensure_visible(backend, number)
    backend.report_progress(number, body.note, body.version)


@router.post("/tickets/{number}/co-part", operation_id="report_co_part", status_code=204)
def report_co_part(backend: Seat, number: TicketNumber, body: NoteIn) -> None:
    """A co-unit's part of the work on a complex matter (协办反馈, R-COMPLEX)."""
    ensure_visible(backend, number)
    backend.report_co_part(number, body.note, body.version)


@router.post("/tickets/{number}/urge", operation_id="urge", status_code=204)
def urge(backend: Seat, number: TicketNumber, body: NoteIn) -> None:
    """催办: the manager or a supervisor presses the unit holding the ticket."""
    ensure_visible(backend, number)
    backend.urge(number, body.note, body.version)


@router.post("/tickets/{number}/mark-law-case", operation_id="mark_law_case", status_code=204)
def mark_law_case(backend: Seat, number: TicketNumber, body: NoteIn) -> None:
    """Art. 20: an administrative-mediation or law-enforcement case, not scored on
    satisfaction (the manager)."""
    ensure_visible(backend, number)
    backend.mark_law_case(number, body.note, body.version)


@router.post(
    "/tickets/{number}/withdraw-law-case", operation_id="withdraw_law_case", status_code=204
)
def withdraw_law_case(backend: Seat, number: TicketNumber, body: NoteIn) -> None:
    """Take back an Art. 20 finding made in error, with the reason (the manager; 409 when the
    ticket is not found such a case)."""
    ensure_visible(backend, number)
    backend.withdraw_law_case(number, body.note, body.version)


@router.post(
    "/tickets/{number}/request-completion", operation_id="request_completion", status_code=204
)
def request_completion(backend: Seat, number: TicketNumber, body: CompletionIn) -> None:
    """Apply for completion with contact method, date and handling (R-COMPLETE)."""
    ensure_visible(backend, number)
    backend.request_completion(
        number, body.contact_method, body.contact_date, body.handling, body.version
    )


@router.post(
    "/tickets/{number}/review-completion", operation_id="review_completion", status_code=204
)
def review_completion(backend: Seat, number: TicketNumber, body: ReviewIn) -> None:
    """The manager approves a completion, or rejects it with reasons (R-COMPLETE-REJECT)."""
    ensure_visible(backend, number)
    backend.review_completion(number, body.approve, body.reason, body.version)


@router.post(
    "/tickets/{number}/request-extension", operation_id="request_extension", status_code=204
)
def request_extension(backend: Seat, number: TicketNumber, body: ExtensionIn) -> None:
    """Apply for an extension before the limit expires (R-EXTEND, R-EXTEND-CONSULT)."""
    ensure_visible(backend, number)
    backend.request_extension(number, body.days, body.reason, body.version)


@router.post("/tickets/{number}/review-extension", operation_id="review_extension", status_code=204)
def review_extension(backend: Seat, number: TicketNumber, body: ReviewIn) -> None:
    """The manager approves or refuses an extension (R-EXTEND)."""
    ensure_visible(backend, number)
    backend.review_extension(number, body.approve, body.reason, body.version)


@router.post(
    "/tickets/{number}/request-termination", operation_id="request_termination", status_code=204
)
def request_termination(backend: Seat, number: TicketNumber, body: TerminationIn) -> None:
    """File a detailed written opinion for termination (终结备案, R-TERMINATE)."""
    ensure_visible(backend, number)
    backend.request_termination(number, body.opinion, body.version)


@router.post(
    "/tickets/{number}/review-termination", operation_id="review_termination", status_code=204
)
def review_termination(backend: Seat, number: TicketNumber, body: ReviewTerminationIn) -> None:
    """The manager terminates the matter, or refuses (R-TERMINATE)."""
    ensure_visible(backend, number)
    backend.review_termination(number, body.approve, body.reason, body.version)


@router.post("/tickets/{number}/answer-callback", operation_id="answer_callback", status_code=204)
def answer_callback(backend: Seat, number: TicketNumber, body: AnswerCallbackIn) -> None:
    """Answer a consultation promised within 24 hours (R-CONSULT)."""
    ensure_visible(backend, number)
    backend.answer_callback(number, body.answer, body.version)


@router.post("/tickets/{number}/callback", operation_id="record_callback", status_code=204)
def record_callback(backend: Seat, number: TicketNumber, body: CallbackIn) -> None:
    """Record a call-back and its result; ``null`` when unanswered (R-CALLBACK)."""
    ensure_visible(backend, number)
    backend.record_callback(number, body.result, body.method, body.note, body.version)


@router.post("/callbacks/settle", operation_id="settle_callbacks", response_model=list[str])
def settle_callbacks(backend: Seat) -> list[str]:
    """Close call-backs with no rating in time as basically satisfied (R-DEFAULT-SATISFIED).

    Platform-wide: only the manager (or the platform's worker) may (R-SECURITY).
    """
    return backend.settle_callbacks()


@router.post(
    "/tickets/{number}/decide-dissatisfied", operation_id="decide_dissatisfied", status_code=204
)
def decide_dissatisfied(backend: Seat, number: TicketNumber, body: DissatisfiedIn) -> None:
    """``redo`` or ``close`` a ticket whose caller was dissatisfied (R-REDO)."""
    ensure_visible(backend, number)
    backend.decide_dissatisfied(number, body.decision, body.reason, body.version)


@router.post("/tickets/{number}/merge", operation_id="merge_ticket", status_code=204)
def merge_ticket(backend: Seat, number: TicketNumber, body: MergeIn) -> None:
    """并单: merge this ticket into a master ticket on the same matter (manager, or the unit
    handling both); its clocks stop, its caller is told the master's outcome on call-back."""
    ensure_visible(backend, number)
    backend.merge_ticket(number, body.master, body.reason, body.version)


@router.post(
    "/tickets/{number}/supervisions",
    operation_id="open_supervision",
    response_model=IdOut,
    status_code=201,
)
def open_supervision(backend: Seat, number: TicketNumber, body: OpenSupervisionIn) -> IdOut:
    """Open a supervision ticket (督办, R-SUPERVISE-WHEN, R-SUPERVISE-HOW)."""
    ensure_visible(backend, number)
    return IdOut(
        id=backend.open_supervision(number, body.ground, body.method, body.note, body.version)
    )


# ---------------------------------------------------------------- the shift lead's board
@router.post(
    "/tickets/{number}/renotify",
    operation_id="renotify",
    response_model=RenotifyOut,
    status_code=200,
)
def renotify(backend: Seat, number: TicketNumber, body: RenotifyIn) -> RenotifyOut:
    """Send a special incident's notices again (R-SPECIAL, R-SPECIAL-REPORT); shift lead."""
    ensure_visible(backend, number)
    return RenotifyOut(resend=backend.renotify(number, body.note, body.version))


@router.post("/tickets/{number}/escalate", operation_id="escalate", status_code=204)
def escalate(backend: Seat, number: TicketNumber, body: EscalateIn) -> None:
    """Report a special incident to the manager (省优化办); shift lead."""
    ensure_visible(backend, number)
    backend.escalate(number, body.reason, body.version)


@router.post("/tickets/{number}/notes", operation_id="add_note", status_code=204)
def add_note(backend: Seat, number: TicketNumber, body: NoteIn) -> None:
    """A line of text on the ticket's timeline; shift lead."""
    ensure_visible(backend, number)
    backend.add_note(number, body.note, body.version)
