"""Merging tickets (并单): several tickets on one matter handled as one master ticket.

The regulation has no article on merging; the choices below follow the rules it does have.

Who may merge:
- the manager (管理部门), who coordinates tickets across units and cities (Art. 5) and reviews
  every outcome (R-COMPLETE, R-TERMINATE);
- a unit clerk, when the clerk's unit is the responsible (lead) unit of both tickets: a unit
  answers for its own tickets only (R-SECURITY); a co-unit reads a ticket but does not act on
  it (R-COMPLEX).
Other seats are refused. A ticket this seat may not read is "not found", the same answer as for
a number nobody issued (R-SECURITY).

What may be merged (one-line refusals, with the rule):
- the merged ticket is accepted, dispatched or in handling, with no pending request; the
  master is any of those or awaits the review of a return or a completion (its outcome is
  still to come, so the merged callers can be told it);
- a terminated ticket is not (R-TERMINATE: later calls on it are not accepted); a refused,
  closed or answered one is archived (R-ARCHIVE); a completed or dissatisfied one is in its
  call-back (R-CALLBACK); a special incident is its own special ticket (R-SPECIAL-REPORT);
- not into itself, nor into a ticket already merged: merge into that one's master (R-ARCHIVE,
  each matter keeps one clear record).

What merging does, in one transaction: the merged ticket goes to 已并单 with a link to its
master (``MergeRow``); its running clocks stop (not met: nothing is owed on it any more, so no
queue and no overdue count shows it); one event on each ticket (已并入 on the merged one, 并入
on the master), each audited. When the master's completion is approved, every merged ticket's
caller gets the same survey as the master's caller (:func:`survey_merged`, R-CALLBACK), unless
it is the same number (避免频繁).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.errors import InputError, PermissionDenied, RuleError
from console.services.delivery.templates import render
from console.services.inputs import check_text
from console.services.values import MERGE_ROLES, Role, Special, State
from console.store.models import MergeRow, TicketRow

if TYPE_CHECKING:
    from console.services.tickets.commands import TicketService

MERGEABLE = frozenset({State.ACCEPTED, State.DISPATCHED, State.HANDLING})
"""States of a ticket that may be merged into another."""
MASTER_STATES = MERGEABLE | {State.RETURN_REQUESTED, State.COMPLETION_REQUESTED}
"""States of a ticket that may take others in (its outcome is still to come)."""
MAX_REASON = 2000


def refusal(t: TicketRow, *, master: bool) -> RuleError | None:
    """Why this ticket may not be merged (``master`` False) or merged into (True)."""
    state = State(t.state)
    role = "主工单" if master else "工单"
    if state is State.MERGED:
        return RuleError("R-ARCHIVE", f"{role} {t.number} 已并单，请并入其主工单")
    if state is State.TERMINATED:
        return RuleError("R-TERMINATE", f"{role} {t.number} 已终结，终结事项不再受理，不能并单")
    if state in (State.COMPLETED, State.DISSATISFIED):
        return RuleError("R-CALLBACK", f"{role} {t.number} 已办结，正在回访，不能并单")
    if t.special != Special.NONE.value:
        return RuleError(
            "R-SPECIAL-REPORT", f"{role} {t.number} 是特殊事项工单，须单独办理，不能并单"
        )
    allowed = MASTER_STATES if master else MERGEABLE
    if state not in allowed:
        return RuleError("R-ARCHIVE", f"{role} {t.number} 状态为「{state.label}」，不能并单")
    if not master and t.pending:
        what = {"extension": "延期", "termination": "终结"}.get(t.pending, t.pending)
        rule = "R-TERMINATE" if t.pending == "termination" else "R-EXTEND"
        return RuleError(rule, f"工单 {t.number} 有待审核的{what}申请，审核后再并单")
    return None


def merge(
    svc: TicketService, number: str, master: str, reason: str, version: int | None = None
) -> None:
    """Merge ticket ``number`` into ``master`` (并单); see the module's docstring."""
    check_text("master", master)
    check_text("reason", reason)
    if len(reason) > MAX_REASON:
        raise InputError("reason", f"并单说明不超过{MAX_REASON}字")
    actor = svc.actor
    if actor.role not in MERGE_ROLES:
        raise PermissionDenied(f"{actor.role.label}不能并单（只有管理部门或承办单位可以）")
    if not master.strip():
        raise InputError("master", "请填写主工单编号")
    now = svc.clock.now()
    with svc.store.write() as s:
        t = svc._load(s, number, version)  # noqa: SLF001 — the commands' own scoped load
        m = svc._load(s, master.strip(), None)  # noqa: SLF001
        if m.id == t.id:
            raise RuleError("R-ARCHIVE", "工单不能并入自身")
        if actor.role is Role.UNIT_CLERK and not (actor.unit_id == t.unit_id == m.unit_id):
            raise PermissionDenied("只有同时承办两张工单的单位可以并单，请联系管理部门")
        for row, is_master in ((t, False), (m, True)):
            problem = refusal(row, master=is_master)
            if problem is not None:
                raise problem
        for c in t.clocks:
            if c.running:
                c.running = False
                c.met_at = None
        t.state = State.MERGED.value
        s.add(MergeRow(ticket_id=t.id, master_id=m.id, merged_at=now, merged_by=actor.name))
        svc._event(s, t, "merged_into", reason, now, master=m.number)  # noqa: SLF001
        svc._event(s, m, "merge", reason, now, merged=t.number)  # noqa: SLF001


def merged_numbers(s: Session, master_id: int) -> list[str]:
    """The numbers of the tickets merged into a master, in merge order."""
    rows = s.execute(
        select(TicketRow.number)
        .join(MergeRow, MergeRow.ticket_id == TicketRow.id)
        .where(MergeRow.master_id == master_id)
        .order_by(MergeRow.merged_at, MergeRow.ticket_id)
    ).scalars()
    return [str(n) for n in rows]


def master_number(s: Session, ticket_id: int) -> str | None:
    """The number of the master a ticket was merged into (None: not merged)."""
    return s.execute(
        select(TicketRow.number)
        .join(MergeRow, MergeRow.master_id == TicketRow.id)
        .where(MergeRow.ticket_id == ticket_id)
    ).scalar_one_or_none()


def survey_merged(svc: TicketService, s: Session, master: TicketRow, now: dt.datetime) -> None:
    """The master's automatic call-back (R-CALLBACK) to every merged ticket's caller: the same
    survey, naming both numbers; one message per number (a caller who called twice is asked
    once), none to the master's own caller (already asked). Each merged ticket's timeline says
    so (one event each)."""
    from console.services.tickets.commands import first_allowed_moment

    send_at = first_allowed_moment(now)  # quiet hours, as the master's own survey
    round_no = sum(1 for c in master.clocks if c.key == "callback_auto")
    rows = s.execute(
        select(TicketRow)
        .join(MergeRow, MergeRow.ticket_id == TicketRow.id)
        .where(MergeRow.master_id == master.id)
        .order_by(MergeRow.merged_at, MergeRow.ticket_id)
    ).scalars()
    asked = {master.caller_phone} if master.caller_phone else set()
    for t in rows:
        if not t.caller_phone or t.caller_phone in asked:
            why = "来电人未留电话" if not t.caller_phone else "与已回访的来电人同一号码"
            svc._event(s, t, "master_completed", why, now, master=master.number)  # noqa: SLF001
            continue
        asked.add(t.caller_phone)
        svc._event(s, t, "master_completed", "", now, master=master.number)  # noqa: SLF001
        payload = {
            "kind": "survey",
            "master": master.number,
            "rule": "R-CALLBACK",  # kept in the record, never in the citizen's text
            "message": render("merged_survey", number=t.number, master=master.number),
        }
        key = f"survey:{master.number}:{round_no}"
        svc._message(s, t, "sms", t.caller_phone, key, payload, send_at)  # noqa: SLF001


__all__ = ["MERGE_ROLES", "merge", "master_number", "merged_numbers", "refusal", "survey_merged"]
