"""Ticket use cases: intake, dispatch, handling, review, call-back, supervision.

Each command checks role, state and rule (``workflow.check`` plus the rule's own
condition), then appends an event and updates the ticket in one transaction, or raises an
error naming the R-id. Overdue is derived from the clocks, never stored.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.errors import Conflict, InputError, NotFound, PermissionDenied, RuleError
from console.services.calendar.workdays import WorkCalendar
from console.services.clock import Clock, local
from console.services.delivery.templates import render
from console.services.inputs import check_text
from console.services.telephony.pops import link_call
from console.services.tickets import merging, reminders, workflow
from console.services.tickets.deadlines import Due, hours_due, wd_due
from console.services.tickets.notices import (
    special_notices,
    supervision_replies,
    supervision_upload,
    unit_sms,
)
from console.services.tickets.rules import RuleTable
from console.services.values import (
    ANSWER_CONCERNS,
    SUPERVISION_GROUNDS,
    SUPERVISION_METHODS,
    CallerType,
    Kind,
    Role,
    Satisfaction,
    Source,
    Special,
    State,
)
from console.services.views import Actor, Intake
from console.store.engine import Store
from console.store.models import (
    ArticleRow,
    ClockRow,
    CoUnitRow,
    EventRow,
    ExpertHandoffRow,
    GroundRow,
    OutboxRow,
    PrefilingRow,
    SupervisionRow,
    TicketRow,
    UnitRow,
)

MAX_TEXT = 20_000
MANUAL_CALLBACK_ATTEMPTS = 3  # R-DEFAULT-SATISFIED: "several unanswered manual attempts"
MIN_OPINION_CHARS = 20  # R-TERMINATE: a *detailed* written opinion
SETTLE_ROLES = frozenset({Role.MANAGER, Role.SYSTEM})
"""Who may settle unrated call-backs platform-wide (R-DEFAULT-SATISFIED)."""
LEAD_ROLES = frozenset({Role.SHIFT_LEAD, Role.MANAGER})
"""Who acts on the special-incident board: re-notify, escalate, note (班长, and the manager)."""
OPEN_SPECIAL_STATES = frozenset(
    {
        State.ACCEPTED,
        State.DISPATCHED,
        State.HANDLING,
        State.RETURN_REQUESTED,
        State.COMPLETION_REQUESTED,
    }
)
"""States in which a special incident is still on the board (escalation allowed)."""
HANDLED_STATES = frozenset({State.DISPATCHED, State.HANDLING})
"""States in which a unit holds the ticket (its notices may be sent again)."""
MANAGER_OFFICE = "省优化办"
INTAKE_COLUMNS = {
    "text": TicketRow.text,
    "caller_phone": TicketRow.caller_phone,
    "caller_name": TicketRow.caller_name,
    "enterprise_name": TicketRow.enterprise_name,
    "caller_id_number": TicketRow.caller_id_number,
    "source_line": TicketRow.source_line,
    "place": TicketRow.place,
    "matter_type": TicketRow.matter_type,
    "repeat_of": TicketRow.repeat_of,
    "incident_summary": TicketRow.incident_summary,
}
"""Each free-text field of an Intake and the ticket column it is stored in."""


def _name_the_writer(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a bare optimistic-lock Conflict into "changed by X at T" by re-reading the ticket."""

    @functools.wraps(method)
    def wrapper(self: TicketService, number: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, number, *args, **kwargs)
        except Conflict as exc:
            if exc.changed_by:
                raise
            with self.store.read() as s:
                t = s.execute(
                    select(TicketRow).where(TicketRow.number == number)
                ).scalar_one_or_none()
                if t is None:
                    raise
                raise Conflict(
                    f"工单 {number}",
                    t.updated_by,
                    local(t.updated_at).strftime("%Y-%m-%d %H:%M:%S"),
                ) from None

    return wrapper


class TicketService:
    """The workflow's commands over one store, for one acting seat."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        calendar: Callable[[], WorkCalendar],
        rules: RuleTable,
        actor: Actor,
    ) -> None:
        self.store = store
        self.clock = clock
        self.calendar = calendar
        self.rules = rules
        self.actor = actor

    # ------------------------------------------------------------------ helpers
    def _event(
        self,
        s: Session,
        t: TicketRow,
        action: str,
        reason: str = "",
        now: dt.datetime | None = None,
        **details: Any,
    ) -> None:
        s.add(
            EventRow(
                ticket_id=t.id,
                at=now or self.clock.now(),
                actor=self.actor.name,
                role=self.actor.role.value,
                unit_id=self.actor.unit_id,
                action=action,
                reason=reason,
                details={k: _plain(v) for k, v in details.items()},
            )
        )
        t.updated_at = now or self.clock.now()
        t.updated_by = self.actor.name

    def _load(self, s: Session, number: str, version: int | None) -> TicketRow:
        check_text("number", number)
        t = s.execute(select(TicketRow).where(TicketRow.number == number)).scalar_one_or_none()
        if t is None:
            raise NotFound("工单", number)
        # scope before version: a stale version would name who changed the ticket and when
        refuse_unseen(t, self.actor)
        if version is not None and t.version != version:
            raise Conflict(
                f"工单 {number}", t.updated_by, local(t.updated_at).strftime("%Y-%m-%d %H:%M:%S")
            )
        return t

    def _check(self, action: str, t: TicketRow) -> None:
        workflow.check(
            action,
            State(t.state),
            t.pending,
            self.actor,
            _unit_ids(t),
            complex=t.complex,
            special=t.special != Special.NONE.value,
        )
        refusal = workflow.condition_refusal(
            action, complex=t.complex, special=t.special != Special.NONE.value
        )
        if refusal is not None:
            raise refusal

    def _due(self, start: dt.datetime, amount: int, unit: str, extension_wd: int = 0) -> Due:
        if unit == "hours":
            return hours_due(start, amount)
        return wd_due(self.calendar(), start, amount, extension_wd=extension_wd)

    def _start(
        self,
        t: TicketRow,
        key: str,
        rule: str,
        start: dt.datetime,
        kind: str | None = None,
        supervision_id: int | None = None,
    ) -> ClockRow:
        """Start (or restart) the clock ``key`` of a ticket from ``start``."""
        limit = self.rules.limit(rule, kind=kind, matter_type=t.matter_type or None, part=key)
        amount, unit = limit.amount, limit.unit
        self._stop(t, key, met=False, supervision_id=supervision_id)
        due = self._due(start, amount, unit)
        row = ClockRow(
            key=key,
            rule=rule,
            name=limit.name,
            started_at=start,
            due_at=due.due,
            amount=amount,
            unit=unit,
            extension_wd=0,
            provisional=due.provisional,
            running=True,
            met_at=None,
            supervision_id=supervision_id,
        )
        t.clocks.append(row)
        return row

    def _stop(
        self,
        t: TicketRow,
        key: str,
        met: bool,
        now: dt.datetime | None = None,
        supervision_id: int | None = None,
    ) -> ClockRow | None:
        """Stop the running clock ``key``: met (obligation fulfilled) or merely not applicable."""
        for c in t.clocks:
            if c.key == key and c.running and c.supervision_id == supervision_id:
                c.running = False
                c.met_at = (now or self.clock.now()) if met else None
                return c
        return None

    def _clock(self, t: TicketRow, key: str) -> ClockRow | None:
        rows = [c for c in t.clocks if c.key == key]
        return rows[-1] if rows else None

    def _outbox(
        self, s: Session, t: TicketRow, channel: str, target: str, key: str, **payload: Any
    ) -> None:
        self._message(s, t, channel, target, key, payload)

    def _message(
        self,
        s: Session,
        t: TicketRow,
        channel: str,
        target: str,
        key: str,
        payload: dict[str, Any],
        not_before: dt.datetime | None = None,
    ) -> None:
        """A message to send through the outbox; ``not_before`` holds it back (quiet hours)."""
        now = self.clock.now()
        s.add(
            OutboxRow(
                ticket_id=t.id,
                channel=channel,
                target=target,
                payload=payload,
                idempotency_key=f"{t.number}:{key}",
                created_at=now,
                next_attempt_at=not_before if not_before is not None and not_before > now else None,
            )
        )

    def _survey(self, s: Session, t: TicketRow, now: dt.datetime) -> None:
        """The automatic call-back (R-CALLBACK, Art. 19): an SMS survey to the caller, held
        back to the first allowed hour when the approval falls in quiet hours."""
        if not t.caller_phone:
            return
        n = sum(1 for c in t.clocks if c.key == "callback_auto")
        payload = {
            "kind": "survey",
            "message": render("survey", number=t.number),
            "rule": "R-CALLBACK",
        }
        self._message(
            s, t, "sms", t.caller_phone, f"survey:{n}", payload, first_allowed_moment(now)
        )

    def _unit(self, s: Session, unit_id: str, field: str = "unit_id") -> UnitRow:
        u = s.get(UnitRow, unit_id)
        if u is None or not u.active:
            raise InputError(field, f"承办单位 {unit_id} 不在派单目录中")
        return u

    # ------------------------------------------------------------------ intake
    def _new_ticket(self, s: Session, intake: Intake, state: State, now: dt.datetime) -> TicketRow:
        _validate_intake(intake)
        if self.actor.role not in workflow.INTAKE_ROLES:
            raise PermissionDenied("只有坐席可以受理来电", rule="R-SCOPE")
        t = TicketRow(
            kind=intake.kind.value,
            domain=intake.domain.value,
            matter_type=intake.matter_type,
            source=intake.source.value,
            source_line=intake.source_line,
            caller_type=intake.caller_type.value,
            caller_name=intake.caller_name,
            caller_phone=intake.caller_phone,
            caller_id_number=intake.caller_id_number,
            enterprise_name=intake.enterprise_name,
            confidential=intake.confidential,
            place=intake.place,
            text=intake.text,
            incident_summary=intake.incident_summary.strip(),
            state=state.value,
            repeat_of=intake.repeat_of or None,
            pending="",
            pending_data={},
            created_at=now,
            created_by=self.actor.name,
            updated_at=now,
            updated_by=self.actor.name,
        )
        s.add(t)
        s.flush()
        t.number = f"HN{local(now):%y%m%d}{t.id:06d}"
        if intake.call_id:
            link_call(s, t, intake.call_source, intake.call_id)
        return t

    def _terminated_matter(self, s: Session, intake: Intake) -> TicketRow | None:
        # input and role first: the lookup below would tell anyone whether a number exists
        _validate_intake(intake)
        if self.actor.role not in workflow.INTAKE_ROLES:
            raise PermissionDenied("只有坐席可以受理来电", rule="R-SCOPE")
        if not intake.repeat_of:
            return None
        earlier = s.execute(
            select(TicketRow).where(TicketRow.number == intake.repeat_of)
        ).scalar_one_or_none()
        if earlier is None:
            raise InputError("repeat_of", f"工单 {intake.repeat_of} 不存在")
        return earlier if earlier.state == State.TERMINATED.value else None

    def refuse(self, intake: Intake, ground: int, reason: str, basis: str = "") -> str:
        """Refuse a request on one of the ten grounds (R-INADMISSIBLE), recorded (R-REFUSAL-RECORD)."""
        if not reason.strip():
            raise InputError("reason", "不予受理须记录原因（R-REFUSAL-RECORD）")
        now = self.clock.now()
        with self.store.write() as s:
            g = s.get(GroundRow, ground)
            if g is None:
                raise InputError(
                    "ground", f"不予受理情形应为 1–10，收到 {ground}（R-INADMISSIBLE）"
                )
            t = self._new_ticket(s, intake, State.REFUSED, now)
            t.refusal_ground = ground
            self._event(
                s,
                t,
                "refuse",
                reason,
                now,
                ground=ground,
                ground_title=g.title,
                basis=basis.strip() or g.basis,
                script=g.script,
            )
            return str(t.number)

    def answer(
        self,
        intake: Intake,
        article_id: str | None,
        note: str = "",
        confirmed: Sequence[str] = (),
    ) -> str:
        """Answer a consultation on the spot (R-CONSULT), recording the article used.

        A draft article (not verified by its owner) or one past its review date answers a
        caller only when the operator confirmed it (R-KB); what was confirmed is recorded.
        """
        now = self.clock.now()
        unknown = sorted(set(confirmed) - set(ANSWER_CONCERNS))
        if unknown:
            raise InputError("confirmed", f"未知的确认项：{'、'.join(unknown)}")
        with self.store.write() as s:
            self._refuse_terminated(s, intake)
            if intake.kind is not Kind.CONSULTATION:
                raise RuleError(
                    "R-DISPATCH",
                    f"{intake.kind.label}类诉求须派单办理，不能即时答复结案",
                    allowed="派单",
                )
            if article_id:
                article = s.get(ArticleRow, article_id)
                if article is None:
                    raise NotFound("知识", article_id)
                needed = []
                if article.status == "draft":
                    needed.append("draft")
                if article.review_by < local(now).date():
                    needed.append("review_overdue")
                missing = [c for c in needed if c not in confirmed]
                if missing:
                    raise RuleError(
                        "R-KB",
                        f"知识 {article_id} "
                        + "，".join(ANSWER_CONCERNS[c] for c in missing)
                        + "；须确认后方可据此答复",
                        allowed="确认后答复、承诺24小时内回复",
                    )
            t = self._new_ticket(s, intake, State.CLOSED, now)
            t.article_id = article_id or None
            self._event(
                s,
                t,
                "answer",
                note,
                now,
                article_id=article_id or "",
                confirmed=",".join(sorted(set(confirmed))),
            )
            return str(t.number)

    def promise_callback(self, intake: Intake, note: str = "") -> str:
        """A consultation answered later: the caller agreed; answer within 24 h (R-CONSULT)."""
        now = self.clock.now()
        with self.store.write() as s:
            self._refuse_terminated(s, intake)
            if intake.kind is not Kind.CONSULTATION:
                raise RuleError("R-CONSULT", "只有咨询类可以承诺24小时内回复", allowed="派单")
            require_contact(intake, "R-CONSULT", "承诺24小时内以短信或电话回复，须留回复号码")
            t = self._new_ticket(s, intake, State.CALLBACK_PROMISED, now)
            self._start(t, "consult", "R-CONSULT", now)
            self._event(s, t, "promise_callback", note, now, **_contact_details(intake))
            return str(t.number)

    def explain_prefiled(self, intake: Intake, scope_id: str) -> str:
        """The call falls in a pre-filed scope: the operator explains (R-PREFILING)."""
        now = self.clock.now()
        with self.store.write() as s:
            scope = s.get(PrefilingRow, scope_id)
            if scope is None:
                raise InputError("scope_id", f"报备 {scope_id} 不存在")
            if scope.state != "approved":
                raise RuleError(
                    "R-PREFILING",
                    f"报备「{scope.title}」未经审核通过，不能按报备答复",
                    allowed="受理并派单",
                )
            if not scope.starts <= now <= scope.ends:
                raise RuleError(
                    "R-PREFILING",
                    f"报备「{scope.title}」不在有效期内，不能按报备答复",
                    allowed="受理并派单",
                )
            t = self._new_ticket(s, intake, State.CLOSED, now)
            t.prefiling_id = scope_id
            self._event(
                s,
                t,
                "explain_prefiled",
                scope.explanation,
                now,
                scope=scope_id,
                unit_id=scope.unit_id,
            )
            return str(t.number)

    def transfer(self, intake: Intake, target_line: str, target_is_city_line: bool) -> str:
        """Transfer the call to another line: to a sub-centre (R-SUBCENTRE), never back to a city line (R-SOURCE)."""
        if target_is_city_line and intake.source is Source.CITY_TRANSFER:
            raise RuleError(
                "R-SOURCE",
                "市州12345转接来的电话实行单向转接，不得转回",
                allowed="受理、答复或不予受理",
            )
        now = self.clock.now()
        with self.store.write() as s:
            t = self._new_ticket(s, intake, State.CLOSED, now)
            self._event(s, t, "transfer", "", now, target=target_line)
            return str(t.number)

    def _refuse_terminated(self, s: Session, intake: Intake) -> None:
        earlier = self._terminated_matter(s, intake)
        if earlier is not None:
            raise RuleError(
                "R-TERMINATE",
                f"该事项已于工单 {earlier.number} 认定终结办理，不再受理，请向来电人解释",
                allowed="不予受理（第四项）并解释",
            )

    def accept(
        self,
        intake: Intake,
        unit_id: str | None = None,
        co_unit_ids: Iterable[str] = (),
        special: Special = Special.NONE,
    ) -> str:
        """Accept a request; with a unit, dispatch it in the same transaction (R-DISPATCH)."""
        now = self.clock.now()
        with self.store.write() as s:
            self._refuse_terminated(s, intake)
            if special is not Special.NONE and not unit_id:
                raise RuleError(
                    "R-SPECIAL-REPORT",
                    "特殊事项须立即生成特殊工单并派单",
                    allowed="选择承办单位后派单",
                )
            require_contact(
                intake, "R-COMPLETE", "承办单位须与来电人沟通，办结后还要回访，须留联系电话"
            )
            if intake.notify_government and special is Special.NONE:
                raise InputError(
                    "notify_government", "只有特殊事项、特殊紧急事项才通知当地人民政府"
                )
            t = self._new_ticket(s, intake, State.ACCEPTED, now)
            t.special = special.value
            t.notify_government = intake.notify_government  # 当地人民政府 (R-SPECIAL-REPORT)
            extra = {"notify_government": True} if intake.notify_government else {}
            self._event(
                s, t, "accept", "", now, special=special.value, **extra, **_contact_details(intake)
            )
            if unit_id:
                self._dispatch(s, t, unit_id, tuple(co_unit_ids), now)
            return str(t.number)

    # ------------------------------------------------------------------ dispatch and handling
    @_name_the_writer
    def dispatch(
        self, number: str, unit_id: str, co_unit_ids: Iterable[str] = (), version: int | None = None
    ) -> None:
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("dispatch", t)
            self._dispatch(s, t, unit_id, tuple(co_unit_ids), now)

    def _dispatch(
        self,
        s: Session,
        t: TicketRow,
        unit_id: str,
        co_unit_ids: tuple[str, ...],
        now: dt.datetime,
        reason: str = "",
    ) -> None:
        unit = self._unit(s, unit_id)
        for co in co_unit_ids:
            self._unit(s, co, "co_unit_ids")
        if co_unit_ids and not t.complex and self.actor.role is not Role.MANAGER:
            raise RuleError(
                "R-COMPLEX",
                "牵头单位加配合单位只用于疑难复杂事项，由管理部门指定",
                allowed="派给一个承办单位",
            )
        t.unit_id = unit.id
        t.co_units = [CoUnitRow(unit_id=c) for c in co_unit_ids if c != unit.id]
        t.first_received_at = now
        # a dispatch opens a new round for the receiving unit (see CLOCK OWNERSHIP below):
        # its own full extension budget (R-EXTEND), and the previous unit's late return stays
        # on that unit's record (the return event), not on this unit's ticket (R-RETURN)
        t.extension_wd = 0
        t.late_return = False
        t.state = State.DISPATCHED.value
        kind = t.kind
        self._start(t, "sign", "R-SIGN", now)
        if not t.complex:
            self._start(t, "return", "R-RETURN", now)
        self._start(t, "limit", "R-LIMIT", now, kind=kind)
        special = Special(t.special)
        if special is not Special.NONE:
            rule = "R-SPECIAL" if special is Special.SPECIAL else "R-SPECIAL-URGENT"
            self._start(t, "first_response", rule, now)
            self._start(t, "progress", rule, now)
            # R-SPECIAL: notify the unit by SMS and phone; R-SPECIAL-REPORT: duty office + emergency.
            # one set per dispatch: the clock count tells this dispatch from an earlier one
            n = len(t.clocks)
            first = self._clock(t, "first_response")
            assert first is not None
            due = local(first.due_at).strftime("%m-%d %H:%M")
            # the unit's notices say number, level, deadline; the duty office and emergency
            # department get what happened (the operator's summary), never who called (Art. 18)
            fields = dict(
                unit=unit.name,
                level=special.label,
                rule=rule,
                due=due,
                first_response_due=first.due_at.isoformat(),
            )
            for m in special_notices(s, t, unit, str(n), fields):
                self._outbox(s, t, m.channel, m.target, m.key, **m.payload)
        else:
            self._dispatch_notice(s, t, unit, now)
        self._event(
            s, t, "dispatch", reason, now, unit_id=unit.id, co_unit_ids=",".join(co_unit_ids)
        )

    def _dispatch_notice(self, s: Session, t: TicketRow, unit: UnitRow, now: dt.datetime) -> None:
        """派单提醒 to the unit of an ordinary ticket: its sign and handling deadlines, sent
        outside the quiet hours (reminders.py)."""
        sign, limit = self._clock(t, "sign"), self._clock(t, "limit")
        assert sign is not None and limit is not None
        message = reminders.dispatch_message(str(t.number), unit.name, sign.due_at, limit.due_at)
        payload = {
            "kind": "dispatch_notice",
            "unit": unit.name,
            "sign_due": sign.due_at.isoformat(),
            "limit_due": limit.due_at.isoformat(),
            "message": message,
        }
        m = unit_sms(unit, f"dispatch:{unit.id}:{len(t.clocks)}", payload)
        self._message(s, t, m.channel, m.target, m.key, m.payload, first_allowed_moment(now))

    @_name_the_writer
    def sign(self, number: str, version: int | None = None) -> None:
        """签收 (R-SIGN)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("sign", t)
            self._stop(t, "sign", met=True, now=now)
            self._stop(t, "return", met=False, now=now)
            t.state = State.HANDLING.value
            self._event(s, t, "sign", "", now)

    @_name_the_writer
    def return_ticket(
        self, number: str, reason: str, basis: str, version: int | None = None
    ) -> None:
        """退回: the unit is not responsible (R-RETURN); a complex ticket may not be returned (R-COMPLEX)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("return", t)  # a complex ticket is not returned (R-COMPLEX)
            if not reason.strip():
                raise InputError("reason", "退回须注明理由（R-RETURN）")
            if not basis.strip():
                raise InputError("basis", "退回须注明依据（R-RETURN）")
            window = self._clock(t, "return")
            late = window is None or window.due_at < now
            t.late_return = t.late_return or late
            self._stop(t, "sign", met=True, now=now)
            self._stop(t, "return", met=True, now=now)
            self._stop(t, "limit", met=False, now=now)
            t.return_count += 1
            t.state = State.RETURN_REQUESTED.value
            self._event(
                s, t, "return", reason, now, basis=basis, late=late, unit_id=t.unit_id or ""
            )
            if t.return_count >= self.rules.limit("R-COMPLEX").amount and not t.complex:
                t.complex = True
                self._event(
                    s, t, "became_complex", "退回2次，自动转为疑难复杂事项（R-COMPLEX）", now
                )

    @_name_the_writer
    def review_return(
        self,
        number: str,
        approve: bool,
        reason: str,
        new_unit_id: str | None = None,
        co_unit_ids: Iterable[str] = (),
        version: int | None = None,
    ) -> None:
        """The manager reviews a return (R-RETURN-REVIEW): approve → re-dispatch; refuse → back."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("review_return", t)
            if not reason.strip():
                raise InputError("reason", "审核退回须说明理由（R-RETURN-REVIEW）")
            if approve:
                if not new_unit_id:
                    raise InputError(
                        "new_unit_id", "同意退回须指定重新派往的承办单位（R-RETURN-REVIEW）"
                    )
                if new_unit_id == t.unit_id and not co_unit_ids:
                    raise InputError("new_unit_id", "同意退回后应派往其他承办单位")
                self._unit(s, new_unit_id, "new_unit_id")  # named as the caller named it
                self._event(s, t, "return_approved", reason, now, from_unit=t.unit_id or "")
                self._dispatch(
                    s, t, new_unit_id, tuple(co_unit_ids), now, reason="退回审核后重新派单"
                )
            else:
                t.state = State.HANDLING.value
                self._start(t, "limit", "R-LIMIT", now, kind=t.kind)
                t.first_received_at = t.first_received_at or now
                self._event(s, t, "return_refused", reason, now, unit_id=t.unit_id or "")

    @_name_the_writer
    def designate_lead(
        self,
        number: str,
        lead_unit_id: str,
        co_unit_ids: Iterable[str],
        reason: str = "",
        version: int | None = None,
    ) -> None:
        """For a complex matter the manager names a lead unit and co-units (R-COMPLEX, Art. 16)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("designate_lead", t)
            lead = self._unit(s, lead_unit_id, "lead_unit_id")
            cos = tuple(c for c in co_unit_ids if c != lead_unit_id)
            co_rows = [self._unit(s, c, "co_unit_ids") for c in cos]
            t.complex = True
            if t.unit_id != lead_unit_id:
                self._dispatch(s, t, lead_unit_id, cos, now, reason="指定牵头单位")
            else:
                t.co_units = [CoUnitRow(unit_id=c) for c in cos]
            self._stop(t, "return", met=False, now=now)
            n = self._count_events(s, t, "designate_lead") + 1
            for co in co_rows:  # each co-unit hears it must cooperate, and with whom
                payload = {
                    "kind": "co_unit_notice",
                    "unit": co.name,
                    "lead": lead.name,
                    "message": reminders.co_unit_message(str(t.number), lead.name, co.name),
                }
                m, wait = unit_sms(co, f"co_unit:{co.id}:{n}", payload), first_allowed_moment(now)
                self._message(s, t, m.channel, m.target, m.key, m.payload, wait)
            self._event(
                s, t, "designate_lead", reason, now, lead=lead_unit_id, co_unit_ids=",".join(cos)
            )

    @_name_the_writer
    def first_response(self, number: str, note: str, version: int | None = None) -> None:
        self._special_feedback(number, "first_response", note, version)

    @_name_the_writer
    def report_progress(self, number: str, note: str, version: int | None = None) -> None:
        self._special_feedback(number, "progress", note, version)

    def _special_feedback(self, number: str, key: str, note: str, version: int | None) -> None:
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            # only a special ticket gets these (R-SPECIAL): refused in _check
            self._check("first_response" if key == "first_response" else "report_progress", t)
            if not note.strip():
                raise InputError("note", "反馈内容不能为空")
            self._stop(t, key, met=True, now=now)
            if key == "first_response":
                self._stop(t, "sign", met=True, now=now)
                self._stop(t, "return", met=False, now=now)
                if t.state == State.DISPATCHED.value:
                    t.state = State.HANDLING.value
            self._event(s, t, key, note, now)

    # ------------------------------------------------------------------ shift lead (班长)
    def _lead(self, label: str, rule: str) -> None:
        """Refuse a board action to any seat but the shift lead and the manager."""
        if self.actor.role not in LEAD_ROLES:
            raise PermissionDenied(
                f"{self.actor.role.label}不能「{label}」，只有班长、管理部门可以操作", rule=rule
            )

    @staticmethod
    def _count_events(s: Session, t: TicketRow, action: str) -> int:
        return int(
            s.execute(
                select(func.count())
                .select_from(EventRow)
                .where(EventRow.ticket_id == t.id, EventRow.action == action)
            ).scalar_one()
        )

    @staticmethod
    def _special_of(t: TicketRow, label: str) -> Special:
        special = Special(t.special)
        if special is Special.NONE:
            raise RuleError("R-SPECIAL", f"只有特殊事项工单可以「{label}」")
        return special

    @_name_the_writer
    def renotify(self, number: str, note: str = "", version: int | None = None) -> int:
        """Send the unit's SMS and phone notice and the duty-office and emergency report of a
        special incident again (R-SPECIAL, R-SPECIAL-REPORT); returns the re-send number.

        Each re-send has its own idempotency keys (``…:resend<N>``), so the gateway does not
        take it for a repeat of the first notice."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._lead("重新通知", "R-SPECIAL-REPORT")
            special = self._special_of(t, "重新通知")
            if t.unit_id is None or State(t.state) not in HANDLED_STATES:
                raise RuleError(
                    "R-SPECIAL-REPORT",
                    f"工单当前状态为「{State(t.state).label}」，不能「重新通知」"
                    "（派单后、办结前才有通知可重发）",
                )
            unit = self._unit(s, t.unit_id)
            resend = 1 + self._count_events(s, t, "renotify")
            rule = "R-SPECIAL" if special is Special.SPECIAL else "R-SPECIAL-URGENT"
            first = self._clock(t, "first_response")
            due_at = first.due_at if first is not None else now
            due = local(due_at).strftime("%m-%d %H:%M")
            state = "已超时" if first is not None and first.running and due_at < now else "请尽快"
            fields = dict(
                unit=unit.name,
                level=special.label,
                rule=rule,
                due=due,
                state=state,
                first_response_due=due_at.isoformat(),
            )
            for m in special_notices(s, t, unit, f"resend{resend}", fields, resend=resend):
                self._outbox(s, t, m.channel, m.target, m.key, **m.payload)
            self._event(s, t, "renotify", note.strip(), now, resend=resend, unit_id=unit.id)
            return resend

    @_name_the_writer
    def escalate(self, number: str, reason: str, version: int | None = None) -> None:
        """Report a special incident to the manager (省优化办) with the shift lead's reason:
        an event on the ticket and a notice to the manager through the outbox."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._lead("上报优化办", "R-SUPERVISE-WHEN")
            special = self._special_of(t, "上报优化办")
            if State(t.state) not in OPEN_SPECIAL_STATES:
                raise RuleError(
                    "R-SPECIAL",
                    f"工单当前状态为「{State(t.state).label}」，不能「上报优化办」",
                )
            reason = reason.strip()
            if not reason:
                raise InputError("reason", "上报优化办须说明理由（R-SUPERVISE-WHEN）")
            count = 1 + self._count_events(s, t, "escalate")
            self._outbox(
                s,
                t,
                "manager",
                MANAGER_OFFICE,
                f"escalate:{count}",
                level=special.label,
                by=self.actor.name,
                reason=reason,
                message=render(
                    "escalate",
                    level=special.label,
                    number=t.number,
                    role=self.actor.role.label,
                    by=self.actor.name,
                    reason=reason,
                ),
            )
            self._event(s, t, "escalate", reason, now, to=MANAGER_OFFICE, count=count)

    @_name_the_writer
    def urge(self, number: str, note: str, version: int | None = None) -> None:
        """催办: the manager or a supervisor presses the unit holding the ticket: an event on
        the timeline and a message to the unit (its liaison) through the outbox."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("urge", t)
            note = _note("note", note, "催办内容")
            unit = self._unit(s, str(t.unit_id))
            count = self._count_events(s, t, "urge") + 1
            limit = self._clock(t, "limit")
            due = limit.due_at if limit is not None and limit.running else None
            payload = {
                "kind": "urge",
                "unit": unit.name,
                "message": reminders.urge_message(str(t.number), unit.name, note, due),
            }
            m = unit_sms(unit, f"urge:{unit.id}:{count}", payload)
            self._message(s, t, m.channel, m.target, m.key, m.payload)
            self._event(s, t, "urge", note, now, unit_id=unit.id, urge_count=count)

    @_name_the_writer
    def mark_law_case(self, number: str, note: str, version: int | None = None) -> None:
        """The manager finds the ticket an administrative-mediation or law-enforcement case
        (行政调解类、执法办案类, Art. 20): handled by law, its call-backs no longer count in
        the unit's satisfaction rate from this moment's period on (R-DISSATISFIED-OUTCOMES).
        The note says which kind and why; a ticket is marked once."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("mark_law_case", t)
            note = _note("note", note, "认定理由")
            if self._law_case(s, t):
                raise RuleError(
                    "R-DISSATISFIED-OUTCOMES",
                    "该工单已认定为调解、执法办案类事项",
                    allowed="查看时间线上的认定记录，或撤销认定",
                )
            self._event(s, t, "law_case", note, now)

    @_name_the_writer
    def withdraw_law_case(self, number: str, note: str, version: int | None = None) -> None:
        """The manager takes back an Art. 20 finding made in error, with the reason: from this
        moment's period on the ticket's call-backs count in the satisfaction rates again (a
        period that ended before stays as it was)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("withdraw_law_case", t)
            note = _note("note", note, "撤销理由")
            if not self._law_case(s, t):
                raise RuleError(
                    "R-DISSATISFIED-OUTCOMES",
                    "该工单未认定为调解、执法办案类事项，无可撤销",
                    allowed="认定调解、执法办案类",
                )
            self._event(s, t, "law_case_withdrawn", note, now)

    def _law_case(self, s: Session, t: TicketRow) -> bool:
        """Whether the ticket stands found a mediation or enforcement case (Art. 20)."""
        return self._count_events(s, t, "law_case") > self._count_events(s, t, "law_case_withdrawn")

    @_name_the_writer
    def report_co_part(self, number: str, note: str, version: int | None = None) -> None:
        """协办反馈: a co-unit (配合单位) of a complex matter records its part of the work on
        the lead unit's ticket (R-COMPLEX, Art. 16: 事项涉及的单位应当积极配合办理). The lead
        unit reads it on the timeline before it applies for completion."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("report_co_part", t)
            note = _note("note", note, "协办情况")
            self._event(s, t, "co_part", note, now)  # the actor's unit is the co-unit

    def remind_deadlines(self) -> list[str]:
        """红黄灯预警: a reminder to the unit for each of its clocks that has turned yellow or
        red since the last run (reminders.py). Run by the platform (``hotline worker``) or
        the manager; returns the outbox keys written."""
        if self.actor.role not in SETTLE_ROLES:
            raise PermissionDenied(
                f"{self.actor.role.label}不能发送时限提醒（只有管理部门或系统可以）",
                rule="R-SECURITY",
            )
        now = self.clock.now()
        written = []
        with self.store.write() as s:
            units = {u.id: u for u in s.execute(select(UnitRow)).scalars()}
            for r in reminders.due_reminders(s, now):
                t, clock = r.ticket, r.clock
                unit = units[str(t.unit_id)]
                unit_name = unit.name
                special = t.special != Special.NONE.value
                payload = {
                    "kind": "reminder",
                    "level": r.level.key,
                    "clock": clock.key,
                    "rule": clock.rule,
                    "due": clock.due_at.isoformat(),
                    "unit": unit_name,
                    "message": reminders.reminder_message(str(t.number), unit_name, clock, r.level),
                }
                wait = None if special else first_allowed_moment(now)
                m = unit_sms(unit, r.key, payload)
                self._message(s, t, m.channel, m.target, m.key, m.payload, wait)
                written.append(f"{t.number}:{r.key}")
        return written

    @_name_the_writer
    def add_note(self, number: str, note: str, version: int | None = None) -> None:
        """A line of text on the ticket's timeline (班长备注)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._lead("添加备注", "R-SPECIAL")
            note = note.strip()
            if not note:
                raise InputError("note", "备注内容不能为空")
            if "\n" in note or "\r" in note:
                raise InputError("note", "备注只写一行")
            self._event(s, t, "note", note, now)

    @_name_the_writer
    def request_completion(
        self,
        number: str,
        contact_method: str,
        contact_date: dt.date | None,
        handling: str,
        version: int | None = None,
    ) -> None:
        """办结申请 with its three required elements (R-COMPLETE)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("request_completion", t)
            missing = [
                label
                for label, value in (
                    ("与服务对象的沟通方式", contact_method.strip()),
                    ("沟通日期", contact_date),
                    ("事项办理情况", handling.strip()),
                )
                if not value
            ]
            if missing:
                raise RuleError("R-COMPLETE", "办结申请缺少要素：" + "、".join(missing))
            if contact_date is not None and contact_date > local(now).date():
                raise InputError("contact_date", "沟通日期不能晚于今天")
            self._stop(t, "limit", met=True, now=now)
            t.state = State.COMPLETION_REQUESTED.value
            self._event(
                s,
                t,
                "request_completion",
                handling,
                now,
                contact_method=contact_method,
                contact_date=contact_date.isoformat() if contact_date else "",
            )

    @_name_the_writer
    def review_completion(
        self, number: str, approve: bool, reason: str = "", version: int | None = None
    ) -> None:
        """Approve a completion (call-back clocks start) or reject it (R-COMPLETE-REJECT, R-LATE-REPLY)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("review_completion", t)
            if approve:
                t.state = State.COMPLETED.value
                self._start(t, "callback_auto", "R-CALLBACK", now)
                self._start(t, "callback_manual", "R-CALLBACK", now)
                self._event(s, t, "completion_approved", reason, now)
                self._survey(s, t, now)
                merging.survey_merged(
                    self, s, t, now
                )  # the callers of tickets merged into it (并单)
                return
            if not reason.strip():
                raise InputError("reason", "退回办结申请须说明理由（R-COMPLETE）")
            t.completion_rejections += 1
            t.state = State.HANDLING.value
            # R-COMPLETE-REJECT: the limit counts from the unit's FIRST receipt, no restart.
            first = t.first_received_at or now
            limit = self._start(t, "limit", "R-LIMIT", first, kind=t.kind)
            if t.extension_wd:
                limit.extension_wd = t.extension_wd
                due = wd_due(self.calendar(), first, limit.amount, extension_wd=t.extension_wd)
                limit.due_at, limit.provisional = due.due, due.provisional
            self._event(
                s, t, "completion_rejected", reason, now, rejections=t.completion_rejections
            )
            if (
                t.completion_rejections >= self.rules.limit("R-LATE-REPLY").amount
                and not t.late_reply
            ):
                t.late_reply = True
                self._event(
                    s,
                    t,
                    "late_reply",
                    "办结申请两次被退回，认定为未按时回复工单（R-LATE-REPLY）",
                    now,
                    unit_id=t.unit_id or "",
                )

    @_name_the_writer
    def request_extension(
        self, number: str, days: int, reason: str, version: int | None = None
    ) -> None:
        """延期申请, before the limit expires, within the cap (R-EXTEND, R-EXTEND-CONSULT)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("request_extension", t)
            if not reason.strip():
                raise InputError("reason", "延期申请须说明理由（R-EXTEND）")
            cap_limit = self.rules.limit("R-EXTEND", kind=t.kind)
            rule, cap = cap_limit.rule, cap_limit.amount
            if days < 1:
                raise InputError("days", "延期天数应为正整数")
            if t.extension_wd + days > cap:
                left = cap - t.extension_wd
                raise RuleError(
                    rule,
                    f"延期累计不得超过{cap}个工作日（已延期{t.extension_wd}个）",
                    allowed=f"最多再申请{left}个工作日" if left > 0 else "按期办结",
                )
            limit = self._clock(t, "limit")
            if limit is None or not limit.running or limit.due_at < now:
                raise RuleError(
                    "R-EXTEND", "延期须在办理时限期满前申请，时限已过", allowed="申请办结"
                )
            t.pending = "extension"
            t.pending_data = {"days": days, "reason": reason}
            self._event(s, t, "request_extension", reason, now, days=days)

    @_name_the_writer
    def review_extension(
        self, number: str, approve: bool, reason: str = "", version: int | None = None
    ) -> None:
        """The manager approves (the limit moves, the caller is told) or refuses an extension."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("review_extension", t)
            days = int(t.pending_data.get("days", 0))
            t.pending, t.pending_data = "", {}
            if not approve:
                if not reason.strip():
                    raise InputError("reason", "不同意延期须说明理由")
                self._event(s, t, "extension_refused", reason, now, days=days)
                return
            limit = self._clock(t, "limit")
            assert limit is not None
            t.extension_wd += days
            limit.extension_wd += days
            due = wd_due(
                self.calendar(), limit.started_at, limit.amount, extension_wd=limit.extension_wd
            )
            limit.due_at, limit.provisional = due.due, due.provisional
            self._outbox(
                s,
                t,
                "sms",
                t.caller_phone or "-",
                f"extension:{t.extension_wd}",
                message=render(
                    "extension_approved", number=t.number, due=f"{local(due.due):%Y-%m-%d}"
                ),
                due=due.due.isoformat(),
                rule="R-EXTEND",  # the rule stays in the internal record, not in the SMS
            )
            self._event(s, t, "extension_approved", reason, now, days=days, due=due.due.isoformat())

    @_name_the_writer
    def request_termination(self, number: str, opinion: str, version: int | None = None) -> None:
        """The unit files its detailed written opinion for termination (终结备案, R-TERMINATE)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("request_termination", t)
            if len(opinion.strip()) < MIN_OPINION_CHARS:
                raise InputError(
                    "opinion", f"终结须提交详细书面意见（不少于{MIN_OPINION_CHARS}字，R-TERMINATE）"
                )
            t.pending = "termination"
            t.pending_data = {"opinion": opinion}
            self._event(s, t, "request_termination", opinion, now)

    @_name_the_writer
    def review_termination(
        self, number: str, approve: bool, reason: str, version: int | None = None
    ) -> None:
        """The manager terminates (终结) after establishing the facts, or refuses (R-TERMINATE)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("review_termination", t)
            if not reason.strip():
                raise InputError("reason", "终结审核须写明事实认定与依据（R-TERMINATE）")
            opinion = t.pending_data.get("opinion", "")
            t.pending, t.pending_data = "", {}
            if not approve:
                self._event(s, t, "termination_refused", reason, now)
                return
            for c in t.clocks:
                if c.running:
                    c.running = False
            t.state = State.TERMINATED.value
            self._event(s, t, "terminated", reason, now, opinion=opinion)

    # ------------------------------------------------------------------ consultation call-back
    @_name_the_writer
    def answer_callback(self, number: str, answer: str, version: int | None = None) -> None:
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("answer_callback", t)
            if _with_expert(s, t):
                raise RuleError(
                    "R-EXPERT",
                    f"工单 {t.number} 已转专家解答，由专家答复来电人",
                    allowed="在专家队列查看进度",
                )
            if not answer.strip():
                raise InputError("answer", "答复内容不能为空")
            self._stop(t, "consult", met=True, now=now)
            t.state = State.CLOSED.value
            self._event(s, t, "answer_callback", answer, now)

    # ------------------------------------------------------------------ call-back and satisfaction
    @_name_the_writer
    def record_callback(
        self,
        number: str,
        result: Satisfaction | None,
        method: str = "manual",
        note: str = "",
        version: int | None = None,
    ) -> None:
        """Record a call-back (R-CALLBACK). ``result`` None: an automatic call-back was sent, or
        a manual one went unanswered; several unanswered attempts count as basic (R-DEFAULT-SATISFIED)."""
        if method not in ("auto", "manual"):
            raise InputError(
                "method", "回访方式应为 auto（短信/语音自动回访）或 manual（人工回访）"
            )
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("record_callback", t)
            if result is None:
                if method == "auto":
                    self._stop(t, "callback_auto", met=True, now=now)
                    self._stop(t, "callback_manual", met=False, now=now)
                    self._start(t, "rating", "R-DEFAULT-SATISFIED", now)
                    self._event(s, t, "callback_sent", note, now, method="auto")
                    return
                t.callback_attempts += 1
                self._event(s, t, "callback_unanswered", note, now, attempt=t.callback_attempts)
                if t.callback_attempts >= MANUAL_CALLBACK_ATTEMPTS:
                    self._settle(
                        s,
                        t,
                        now,
                        f"人工回访{t.callback_attempts}次未接通，视为基本满意（R-DEFAULT-SATISFIED）",
                    )
                return
            for key in ("callback_auto", "callback_manual", "rating"):
                self._stop(t, key, met=True, now=now)
            t.satisfaction = result.value
            t.state = (
                State.DISSATISFIED.value
                if result is Satisfaction.DISSATISFIED
                else State.CLOSED.value
            )
            self._event(s, t, "callback", note, now, method=method, result=result.value)

    def _settle(self, s: Session, t: TicketRow, now: dt.datetime, why: str) -> None:
        for c in t.clocks:
            if c.running and c.key in ("callback_auto", "callback_manual", "rating"):
                c.running = False
                c.met_at = now
        t.satisfaction = Satisfaction.BASIC.value
        t.state = State.CLOSED.value
        self._event(s, t, "default_satisfied", why, now, result=Satisfaction.BASIC.value)

    def settle_callbacks(self) -> list[str]:
        """No rating within 72 h of an automatic call-back → basically satisfied (R-DEFAULT-SATISFIED).

        Run by the platform (``hotline worker``, Role.SYSTEM) or the manager; it settles every
        unit's tickets and answers their numbers, so no other seat may (R-SECURITY).
        """
        if self.actor.role not in SETTLE_ROLES:
            raise PermissionDenied(
                f"{self.actor.role.label}不能结算回访（只有管理部门或系统可以）", rule="R-SECURITY"
            )
        now = self.clock.now()
        settled = []
        with self.store.write() as s:
            rows = (
                s.execute(
                    select(TicketRow)
                    .join(ClockRow)
                    .where(
                        TicketRow.state == State.COMPLETED.value,
                        ClockRow.key == "rating",
                        ClockRow.running.is_(True),
                        ClockRow.due_at <= now,
                    )
                )
                .scalars()
                .unique()
                .all()
            )
            for t in rows:
                self._settle(
                    s, t, now, "自动回访72小时内未评价，视为基本满意（R-DEFAULT-SATISFIED）"
                )
                settled.append(str(t.number))
        return settled

    @_name_the_writer
    def decide_dissatisfied(
        self, number: str, decision: str, reason: str, version: int | None = None
    ) -> None:
        """After a dissatisfied call-back: redo (R-REDO) or close (R-DISSATISFIED-OUTCOMES)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("decide_dissatisfied", t)
            if not reason.strip():
                raise InputError("reason", "须写明认定理由")
            if decision == "redo":
                t.state = State.HANDLING.value
                t.satisfaction = ""
                self._start(t, "limit", "R-LIMIT", now, kind=t.kind)
                t.first_received_at = now
                t.extension_wd = 0  # the redo round has its own extension budget (R-REDO, R-EXTEND)
                self._event(s, t, "redo", reason, now, unit_id=t.unit_id or "")
            elif decision == "close":
                t.state = State.CLOSED.value
                self._event(s, t, "close", reason, now)
            else:
                raise InputError("decision", "应为 redo（重新办理）或 close（结案）")

    # ------------------------------------------------------------------ supervision
    @_name_the_writer
    def open_supervision(
        self, number: str, ground: int, method: str, note: str, version: int | None = None
    ) -> int:
        """A supervision ticket (督办工单) on one of the five grounds (R-SUPERVISE-WHEN/HOW)."""
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            self._check("open_supervision", t)
            if ground not in SUPERVISION_GROUNDS:
                raise InputError("ground", "督办情形应为 1–5（R-SUPERVISE-WHEN）")
            if method not in SUPERVISION_METHODS:
                raise InputError(
                    "method", "督办方式应为 written、onsite 或 meeting（R-SUPERVISE-HOW）"
                )
            if not note.strip():
                raise InputError("note", "督办须记录内容（R-SUPERVISE-HOW）")
            if ground == 1 and not ticket_overdue(t, now):
                raise RuleError(
                    "R-SUPERVISE-WHEN",
                    "工单未超期，不能按「超期未办理」督办",
                    allowed="选择其他督办情形",
                )
            if ground == 2 and t.satisfaction != Satisfaction.DISSATISFIED.value:
                raise RuleError(
                    "R-SUPERVISE-WHEN",
                    "来电人未表示不满意，不能按「结果不满意」督办",
                    allowed="选择其他督办情形",
                )
            if not t.unit_id:
                raise RuleError("R-SUPERVISE-WHEN", "工单尚未派单，无承办单位可督办")
            sup = SupervisionRow(
                ticket_id=t.id,
                unit_id=t.unit_id,
                ground=ground,
                method=method,
                note=note,
                state="open",
                opened_at=now,
                opened_by=self.actor.name,
            )
            s.add(sup)
            s.flush()
            self._start(t, "supervise", "R-SUPERVISE-LIMIT", now, supervision_id=sup.id)
            # Art. 23: the supervision record itself is uploaded, not just its existence
            clock = self._clock(t, "supervise")
            assert clock is not None
            self._outbox(
                s,
                t,
                "supervision_platform",
                "省12345指挥监管平台",
                f"supervision:{sup.id}",
                **supervision_upload(s, t, sup, clock.due_at.isoformat(), []),
            )
            self._event(
                s,
                t,
                "open_supervision",
                note,
                now,
                supervision=sup.id,
                ground=ground,
                method=method,
            )
            return sup.id

    def _supervision_due(self, t: TicketRow, sup: SupervisionRow) -> str:
        rows = [c for c in t.clocks if c.key == "supervise" and c.supervision_id == sup.id]
        return rows[-1].due_at.isoformat() if rows else ""

    def _supervision(self, s: Session, supervision_id: int) -> tuple[SupervisionRow, TicketRow]:
        sup = s.get(SupervisionRow, supervision_id)
        if sup is None:
            raise NotFound("督办工单", str(supervision_id))
        t = s.get(TicketRow, sup.ticket_id)
        assert t is not None
        return sup, t

    def reply_supervision(self, supervision_id: int, reply: str) -> None:
        """The unit explains in writing (R-SUPERVISE-WHEN: 书面说明情况)."""
        now = self.clock.now()
        with self.store.write() as s:
            sup, t = self._supervision(s, supervision_id)
            refusal = workflow.supervision_refusal("reply_supervision", sup, self.actor)
            if refusal is not None:
                raise refusal
            if not reply.strip():
                raise InputError("reply", "书面说明不能为空")
            sup.reply = reply
            self._event(s, t, "supervision_reply", reply, now, supervision=sup.id)
            replies = s.execute(
                select(func.count())
                .select_from(EventRow)
                .where(EventRow.ticket_id == t.id, EventRow.action == "supervision_reply")
            ).scalar_one()
            answers = supervision_replies(s, t, sup)
            self._outbox(
                s,
                t,
                "supervision_platform",
                "省12345指挥监管平台",
                f"supervision:{sup.id}:reply:{replies}",
                **supervision_upload(s, t, sup, self._supervision_due(t, sup), answers),
            )

    def extend_supervision(self, supervision_id: int, days: int, reason: str) -> None:
        """Complex supervision items may be extended once by at most 10 WD (R-SUPERVISE-LIMIT)."""
        now = self.clock.now()
        with self.store.write() as s:
            sup, t = self._supervision(s, supervision_id)
            refusal = workflow.supervision_refusal("extend_supervision", sup, self.actor)
            if refusal is not None:
                raise refusal
            cap = self.rules.limit("R-SUPERVISE-LIMIT", part="extension").amount
            if not 1 <= days <= cap:
                raise RuleError("R-SUPERVISE-LIMIT", f"督办延期不得超过{cap}个工作日")
            if not reason.strip():
                raise InputError("reason", "督办延期须说明理由")
            clock = next(
                c
                for c in t.clocks
                if c.key == "supervise" and c.supervision_id == sup.id and c.running
            )
            clock.extension_wd = days
            due = wd_due(self.calendar(), clock.started_at, clock.amount, extension_wd=days)
            clock.due_at, clock.provisional = due.due, due.provisional
            sup.extended = True
            self._event(s, t, "supervision_extended", reason, now, supervision=sup.id, days=days)

    def close_supervision(self, supervision_id: int, note: str) -> None:
        now = self.clock.now()
        with self.store.write() as s:
            sup, t = self._supervision(s, supervision_id)
            refusal = workflow.supervision_refusal("close_supervision", sup, self.actor)
            if refusal is not None:
                raise refusal
            sup.state = "closed"
            sup.closed_at = now
            self._stop(t, "supervise", met=True, now=now, supervision_id=sup.id)
            self._event(s, t, "supervision_closed", note, now, supervision=sup.id)

    # ------------------------------------------------------------------ calendar
    def recompute_provisional(self) -> int:
        """After a schedule is loaded: recompute every running provisional WD clock."""
        count = 0
        with self.store.write() as s:
            rows = (
                s.execute(
                    select(ClockRow).where(
                        ClockRow.running.is_(True),
                        ClockRow.provisional.is_(True),
                        ClockRow.unit == "wd",
                    )
                )
                .scalars()
                .all()
            )
            cal = self.calendar()
            for c in rows:
                due = wd_due(cal, c.started_at, c.amount, extension_wd=c.extension_wd)
                if due.due != c.due_at or due.provisional != c.provisional:
                    c.due_at, c.provisional = due.due, due.provisional
                    count += 1
        return count


# ---------------------------------------------------------------------- derived facts
# CLOCK OWNERSHIP. Every clock and the extension budget belong to one unit and one round:
# a dispatch (first, or after an approved return) starts the receiving unit's round, a redo
# (R-REDO) starts a new round for the same unit. A round's clocks (sign, return, limit) and its
# extension budget (``TicketRow.extension_wd``, R-EXTEND) start fresh with the round; a rejected
# completion (R-COMPLETE-REJECT) stays in its round and keeps that round's extensions. A late
# return (R-RETURN) is the returning unit's fault: it stays recorded on its ``return`` event
# (``late``), and ``TicketRow.late_return`` only lasts while that unit holds the ticket.

QUIET_START = dt.time(21, 0)
QUIET_END = dt.time(8, 0)
"""No message to a citizen between 21:00 and 08:00 Shanghai time (R-CALLBACK: 选择合适时间)."""


def first_allowed_moment(now: dt.datetime) -> dt.datetime:
    """``now`` if outside quiet hours, else the next 08:00 (Asia/Shanghai)."""
    here = local(now)
    if QUIET_END <= here.time() < QUIET_START:
        return now
    day = here.date() if here.time() < QUIET_END else here.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_END, tzinfo=here.tzinfo).astimezone(now.tzinfo)


OBLIGATIONS = {
    "sign",
    "limit",
    "consult",
    "first_response",
    "progress",
    "supervise",
    "callback_auto",
    "callback_manual",
}


def clock_overdue(c: ClockRow, now: dt.datetime) -> bool:
    """A clock is overdue if it runs past its due moment, or was met after it."""
    if c.key not in OBLIGATIONS:
        return False
    if c.running:
        return now > c.due_at
    return c.met_at is not None and c.met_at > c.due_at


def ticket_overdue(t: TicketRow, now: dt.datetime) -> bool:
    """Overdue is derived from the clocks (and a late return, R-RETURN), never typed in."""
    if t.state == State.MERGED.value:  # its clocks stopped: the master carries the matter
        return False
    if t.late_return:
        return True
    if t.state == State.RETURN_REQUESTED.value:
        return False
    if t.state == State.COMPLETED.value:
        # once any call-back was made, the unmade alternative is moot
        made = any(c.key.startswith("callback") and c.met_at for c in t.clocks)
        return not made and all(
            now > c.due_at for c in t.clocks if c.key.startswith("callback") and c.running
        )
    return any(
        clock_overdue(c, now) for c in t.clocks if c.key not in ("callback_auto", "callback_manual")
    )


def visible_to(t: TicketRow, actor: Actor) -> bool:
    """A unit clerk sees only their unit's tickets, as lead or co-unit (R-SECURITY)."""
    if actor.role is Role.UNIT_CLERK:
        return actor.unit_id == t.unit_id or any(c.unit_id == actor.unit_id for c in t.co_units)
    if actor.role is Role.ENTERPRISE_DESK:  # the 政企通 desk serves enterprises (R-ENTERPRISE)
        return t.caller_type == CallerType.ENTERPRISE.value
    return True


def refuse_unseen(t: TicketRow, actor: Actor) -> None:
    """The refusal a seat gets for a ticket it may not read (as ``Queries.ticket`` gives it)."""
    if not visible_to(t, actor):  # the same answer as for a number nobody issued
        raise NotFound("工单", t.number or "")


def _with_expert(s: Session, t: TicketRow) -> bool:
    """The consultation waits on an expert: its latest hand-off is open (experts/handoff.py)."""
    state = s.execute(
        select(ExpertHandoffRow.state)
        .where(ExpertHandoffRow.ticket_id == t.id)
        .order_by(ExpertHandoffRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return state == "open"


def _unit_ids(t: TicketRow) -> tuple[str | None, ...]:
    return (t.unit_id, *(c.unit_id for c in t.co_units))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


MAX_NOTE = 2_000
"""The longest note a unit or the manager writes on a ticket (协办反馈, 催办)."""


def _note(field: str, value: object, what: str) -> str:
    """A note as typed, trimmed: text, not empty, at most :data:`MAX_NOTE` characters."""
    text = check_text(field, value, limit=MAX_NOTE).strip()
    if not text:
        raise InputError(field, f"{what}不能为空")
    return text


def require_contact(intake: Intake, rule: str, why: str) -> None:
    """Someone will call the caller back: a number, or the caller's refusal on record."""
    if intake.reachable:
        return
    raise RuleError(
        rule,
        f"来电人电话（caller_phone）未填写：{why}",
        allowed="填写来电人电话，或记为「来电人拒绝留电话」",
    )


def _contact_details(intake: Intake) -> dict[str, Any]:
    """What the ticket's first event records about reaching the caller."""
    if intake.phone_declined and not intake.caller_phone.strip():
        return {"phone_declined": True}
    return {}


def _validate_intake(intake: Intake) -> None:
    for field, column in INTAKE_COLUMNS.items():
        check_text(field, getattr(intake, field), column=column)
    if not intake.text.strip():
        raise InputError("text", "诉求内容不能为空")
    if len(intake.text) > MAX_TEXT:
        raise InputError("text", f"诉求内容过长（最多 {MAX_TEXT} 字）")
    phone = intake.caller_phone.replace("-", "").replace(" ", "")
    if phone and not (phone.isdigit() and 5 <= len(phone) <= 15):
        raise InputError("caller_phone", "电话号码应为 5–15 位数字")
    for field, other, limit in (("call_source", "call_id", 40), ("call_id", "call_source", 80)):
        value = getattr(intake, field)
        if value and not getattr(intake, other):
            raise InputError(field, f"来电记录须同时写明话务来源与通话编号（缺 {other}）")
        check_text(field, value, limit=limit)
    if intake.caller_type.value == "enterprise" and not intake.enterprise_name.strip():
        raise InputError("enterprise_name", "企业来电须填写企业名称")
