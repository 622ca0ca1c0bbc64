"""Reads: a ticket with its timeline and clocks, and windows of the work queues.

Rows are turned into frozen views here; nothing that leaves this module holds a session.
A unit clerk sees only tickets dispatched to their unit or on which it co-operates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import Boolean, ScalarSelect, Select, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.access.masking import (
    SECRET,
    SEES_CONTACT,
    caller_identity,
    mask_name,
    mask_phone,
    mask_phone_full,
)
from console.services.calendar.workdays import WorkCalendar
from console.services.tickets import merging, workflow
from console.services.tickets.commands import OBLIGATIONS, clock_overdue, ticket_overdue, visible_to
from console.services.tickets.deadlines import Due, hours_due, wd_due
from console.services.tickets.notices import recipient_label
from console.services.values import (
    CITY_OWNER,
    CITY_SELF,
    QUEUES,
    CallerType,
    Domain,
    Kind,
    Role,
    Source,
    Special,
    State,
)
from console.services.views import (
    ActionView,
    Actor,
    CallerHistoryView,
    ClockView,
    EventView,
    NotificationStatus,
    NotificationView,
    Page,
    SupervisionView,
    TicketSummary,
    TicketView,
)
from console.store.models import (
    BureauRow,
    CallRow,
    ClockRow,
    CoUnitRow,
    EnterpriseAssignmentRow,
    EventRow,
    ExpertRow,
    MatterRow,
    OutboxRow,
    SupervisionRow,
    TicketRow,
    UnitRow,
)

EVENT_LABELS = {
    "refuse": "不予受理",
    "answer": "即时答复",
    "promise_callback": "承诺24小时内回复",
    "answer_callback": "回复来电人",
    "hand_to_expert": "转专家解答",
    "expert_take": "专家接手",
    "expert_answer": "专家答复",
    "expert_article": "专家答复整理为知识草稿（待核实）",
    "desk_claim": "政策专员认领（政企通）",  # R-ENTERPRISE: console.services.enterprise.desk
    "desk_assign": "分配政策专员（政企通）",
    "desk_reassign": "改派政策专员（政企通）",
    "desk_follow": "政企通跟进",
    "explain_prefiled": "按报备解释",
    "transfer": "转接",
    "accept": "受理",
    "dispatch": "派单",
    "sign": "签收",
    "return": "退回",
    "became_complex": "转为疑难复杂",
    "return_approved": "同意退回",
    "return_refused": "不同意退回",
    "designate_lead": "指定牵头单位",
    "first_response": "初步响应",
    "progress": "进度反馈",
    "request_completion": "申请办结",
    "completion_approved": "同意办结",
    "completion_rejected": "退回办结申请",
    "late_reply": "认定未按时回复",
    "request_extension": "申请延期",
    "extension_approved": "同意延期",
    "extension_refused": "不同意延期",
    "request_termination": "终结备案申请",
    "terminated": "认定终结",
    "termination_refused": "不同意终结",
    "callback_sent": "自动回访已发出",
    "callback_unanswered": "回访未接通",
    "callback": "回访",
    "default_satisfied": "视为基本满意",
    "redo": "重新办理",
    "close": "结案",
    "open_supervision": "督办",
    "supervision_reply": "书面说明",
    "supervision_extended": "督办延期",
    "supervision_closed": "督办办结",
    "renotify": "重新通知",
    "escalate": "上报优化办",
    "note": "备注",
    "urge": "催办",
    "co_part": "协办反馈",
    "law_case": "认定为调解、执法办案类",  # Art. 20: not scored on satisfaction
    "law_case_withdrawn": "撤销调解、执法办案类认定",
    "merge": "并入",  # another ticket was merged into this one (并单)
    "merged_into": "已并入",  # this ticket was merged into a master
    "master_completed": "主工单已办结",
}

# the outbox's channels (console.services.tickets.commands) as a seat reads them
CHANNEL_LABELS = {
    "sms": "短信通知",
    "phone": "电话通知",
    "duty_office": "值班报告",  # R-SPECIAL-REPORT: 省政府总值班室
    "emergency": "应急通报",  # R-SPECIAL-REPORT: 应急管理部门
    "supervision_platform": "督办上传",  # R-SUPERVISE-HOW: 省12345指挥监管平台
    "manager": "上报优化办",  # the shift lead escalates a special incident
    "government": "通知当地政府",  # R-SPECIAL-REPORT: 当地人民政府, when the operator chose so
}
MAX_ERROR = 200
"""A delivery error is shown on one line, at most this many characters."""

DUE_SOON = dt.timedelta(hours=24)
OPEN_STATES = (
    State.CALLBACK_PROMISED,
    State.ACCEPTED,
    State.DISPATCHED,
    State.HANDLING,
    State.RETURN_REQUESTED,
    State.COMPLETION_REQUESTED,
    State.COMPLETED,
    State.DISSATISFIED,
)


class AmongIds(ColumnElement[bool]):
    """``column`` is one of the ids a subquery yields.

    PostgreSQL: ``column = ANY(ARRAY(subquery))`` — the subquery runs once and the tickets are
    probed by primary key. As a semi-join the planner would guess the subquery's size from the
    whole clocks table (running clocks are ~1 % of it, but it cannot know that overdue ones are
    few among them) and scan a million tickets (bench_queues). Elsewhere: ``IN (subquery)``.
    """

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a predicate already: no "= 1" on SQLite
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("ids", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: Any, ids: Select[Any]) -> None:
        self.column = column
        self.ids = ids


@compiles(AmongIds)
def _among_ids(element: AmongIds, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column.in_(element.ids), **kw))


@compiles(AmongIds, "postgresql")
def _among_ids_pg(element: AmongIds, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    ids = compiler.process(element.ids.scalar_subquery(), **kw)
    return f"{column} = ANY(ARRAY{ids})"


_Query = TypeVar("_Query", bound=Select[Any])


def scope(stmt: _Query, actor: Actor) -> _Query:
    """Limit a ticket query to what the actor's role and unit may see (R-SECURITY)."""
    if actor.role is Role.UNIT_CLERK:
        # uncorrelated: evaluated once and hashed (a correlated EXISTS inside the OR is costed
        # per row, which pushes PostgreSQL's plan over its JIT threshold)
        co = TicketRow.id.in_(select(CoUnitRow.ticket_id).where(CoUnitRow.unit_id == actor.unit_id))
        return stmt.where(or_(TicketRow.unit_id == actor.unit_id, co))
    if actor.role is Role.ENTERPRISE_DESK:  # the same rule as visible_to
        return stmt.where(TicketRow.caller_type == CallerType.ENTERPRISE.value)
    return stmt


def may_see(t: TicketRow, actor: Actor) -> bool:
    return visible_to(t, actor)  # the same rule as every command's (TicketService._load)


def nearest_due() -> ScalarSelect[Any]:
    """A ticket's nearest running obligation clock (its ``next_due``), as a correlated
    subquery to order a queue by in SQL; NULL when no obligation runs."""
    return (
        select(func.min(ClockRow.due_at))
        .where(
            ClockRow.ticket_id == TicketRow.id,
            ClockRow.running.is_(True),
            ClockRow.key.in_(OBLIGATIONS),
        )
        .correlate(TicketRow)
        .scalar_subquery()
    )


class Queries:
    """Read use cases for one seat."""

    def __init__(
        self, reader: Callable[[], object], calendar: Callable[[], WorkCalendar], actor: Actor
    ) -> None:
        self._read = reader
        self.calendar = calendar
        self.actor = actor

    def ticket(self, s: Session, number: str, now: dt.datetime) -> TicketView:
        t = s.execute(select(TicketRow).where(TicketRow.number == number)).scalar_one_or_none()
        if t is None or not may_see(t, self.actor):
            # a clerk of another unit learns nothing, not even that the number exists: the
            # same answer as for a number nobody issued (R-SECURITY)
            raise NotFound("工单", number)
        events = s.execute(
            select(EventRow).where(EventRow.ticket_id == t.id).order_by(EventRow.id)
        ).scalars()
        sups = (
            s.execute(
                select(SupervisionRow)
                .where(SupervisionRow.ticket_id == t.id)
                .order_by(SupervisionRow.id)
            )
            .scalars()
            .all()
        )
        # who was notified and when: the ticket's outbox rows, a unit target with its name
        notes = s.execute(
            select(OutboxRow, UnitRow.name)
            .outerjoin(UnitRow, UnitRow.id == OutboxRow.target)
            .where(OutboxRow.ticket_id == t.id)
            .order_by(OutboxRow.id)
        ).all()
        view = self._view(
            t,
            list(events),
            sups,
            now,
            tuple(self._notification_view(t, row, unit) for row, unit in notes),
        )
        master = merging.master_number(s, t.id)
        merged = merging.merged_numbers(s, t.id)
        if master or merged:
            view = replace(view, merged_into=master or "", merged=tuple(merged))
        if t.caller_type == CallerType.ENTERPRISE.value:  # its policy specialist (R-ENTERPRISE)
            specialist = s.execute(
                select(ExpertRow.name)
                .join(
                    EnterpriseAssignmentRow, EnterpriseAssignmentRow.specialist_id == ExpertRow.id
                )
                .where(
                    EnterpriseAssignmentRow.ticket_id == t.id,
                    EnterpriseAssignmentRow.state == "live",
                )
            ).scalar_one_or_none()
            if specialist:
                view = replace(view, specialist=specialist)
        bureau = forwarded_to(s, t.unit_id, t.matter_type)
        if bureau:
            view = replace(view, bureau=bureau)
        if t.call_ref is not None and self.actor.role is not Role.UNIT_CLERK:
            call = s.get(CallRow, t.call_ref)  # the platform's archive, not the unit's business
            if call is not None:
                view = replace(view, call=f"{call.source}/{call.call_id}",
                               recording_id=call.recording_id)  # fmt: skip
        return view

    def _view(
        self,
        t: TicketRow,
        events: list[EventRow],
        sups: Sequence[SupervisionRow],
        now: dt.datetime,
        notifications: tuple[NotificationView, ...] = (),
    ) -> TicketView:
        name, phone, id_number, enterprise = caller_identity(t, self.actor)
        clocks = tuple(self._clock_view(c, now) for c in t.clocks)
        sup_views = []
        for sup in sups:
            clock = next((c for c in t.clocks if c.supervision_id == sup.id), None)
            sup_views.append(
                SupervisionView(
                    id=sup.id,
                    ground=sup.ground,
                    method=sup.method,
                    unit_id=sup.unit_id,
                    note=sup.note,
                    state=sup.state,
                    extended=sup.extended,
                    reply=sup.reply,
                    opened_at=sup.opened_at,
                    due_at=clock.due_at if clock else None,
                    overdue=bool(clock and clock_overdue(clock, now)),
                )
            )
        state = State(t.state)
        return TicketView(
            number=str(t.number),
            kind=Kind(t.kind),
            domain=Domain(t.domain),
            matter_type=t.matter_type,
            source=Source(t.source),
            source_line=t.source_line,
            caller_type=CallerType(t.caller_type),
            caller_name=name,
            caller_phone=phone,
            caller_id_number=id_number,
            enterprise_name=enterprise,
            confidential=t.confidential,
            place=t.place,
            text=t.text,
            state=t.state,
            state_label=state.label,
            special=Special(t.special),
            complex=t.complex,
            return_count=t.return_count,
            completion_rejections=t.completion_rejections,
            late_reply=t.late_reply,
            late_return=t.late_return,
            overdue=ticket_overdue(t, now),
            unit_id=t.unit_id,
            co_unit_ids=tuple(c.unit_id for c in t.co_units),
            pending=t.pending,
            pending_data={k: str(v) for k, v in t.pending_data.items()},
            refusal_ground=t.refusal_ground,
            article_id=t.article_id,
            prefiling_id=t.prefiling_id,
            satisfaction=t.satisfaction,
            created_at=t.created_at,
            updated_at=t.updated_at,
            updated_by=t.updated_by,
            version=t.version,
            clocks=clocks,
            events=tuple(
                EventView(
                    at=e.at,
                    actor=e.actor,
                    role=Role(e.role),
                    unit_id=e.unit_id,
                    action=e.action,
                    label=EVENT_LABELS.get(e.action, e.action),
                    reason=e.reason,
                    details={k: str(v) for k, v in e.details.items()},
                )
                for e in events
            ),
            actions=self._actions(t, sup_views, law_case=_found_law_case(events)),
            supervisions=tuple(sup_views),
            notifications=notifications,
        )

    def _notification_view(
        self, t: TicketRow, row: OutboxRow, unit_name: str | None
    ) -> NotificationView:
        """One outbox row as this seat may see it (a caller's phone masked, R-CONFIDENTIAL)."""
        if row.delivered_at is not None:
            status, label = NotificationStatus.DELIVERED, "已送达"
        elif row.gave_up_at is not None:
            status, label = NotificationStatus.GIVEN_UP, "已放弃"
        elif row.attempts > 0:
            status, label = NotificationStatus.RETRYING, f"重试中（第{row.attempts}次）"
        else:
            status, label = NotificationStatus.PENDING, "待发送"
        error = " ".join(row.last_error.split())
        if t.caller_phone and t.caller_phone in error:  # a gateway may quote the number
            error = error.replace(t.caller_phone, caller_identity(t, self.actor)[1])
        if len(error) > MAX_ERROR:
            error = error[: MAX_ERROR - 1] + "…"
        return NotificationView(
            id=row.id,
            channel=row.channel,
            channel_label=CHANNEL_LABELS.get(row.channel, row.channel),
            target_label=recipient_label(row.payload)
            or self._target_label(t, row.target, unit_name),
            created_at=row.created_at,
            delivered_at=row.delivered_at,
            attempts=row.attempts,
            status=status,
            status_label=label,
            last_error=error,
            next_attempt_at=row.next_attempt_at,
            gave_up_at=row.gave_up_at,
        )

    def _target_label(self, t: TicketRow, target: str, unit_name: str | None) -> str:
        """A unit's name, a fixed office as stored, or the caller as ``caller_identity`` shows
        them (the extension notice goes to the caller's phone, R-EXTEND)."""
        if unit_name is not None:
            return unit_name
        if target == "-":  # a caller who left no number
            return "来电人（未留电话）"
        if t.caller_phone and target == t.caller_phone:
            _, phone, _, _ = caller_identity(t, self.actor)
            return f"来电人 {phone}" if phone != SECRET else f"来电人{SECRET}"
        if _looks_like_phone(target):  # a number not the caller's: never shown in full
            hidden = t.confidential and (
                self.actor.role is Role.UNIT_CLERK or self.actor.role not in SEES_CONTACT
            )
            return SECRET if hidden else mask_phone(target)
        return target

    def _actions(
        self, t: TicketRow, sups: list[SupervisionView], law_case: bool = False
    ) -> tuple[ActionView, ...]:
        """Every action of the seat's role, allowed or not — and if not, why (with the R-id).

        Supervision actions (督办说明/督办延期/督办办结) appear once the ticket has a
        supervision: allowed when at least one supervision allows it (the dialog picks which);
        otherwise greyed with the refusal for the latest open one (or the latest one).
        """
        out = []
        unit_ids = (t.unit_id, *(c.unit_id for c in t.co_units))
        complex, special = t.complex, t.special != Special.NONE.value
        for name, spec in workflow.ACTIONS.items():
            if self.actor.role not in spec.roles:
                continue
            if name == ("withdraw_law_case" if not law_case else "mark_law_case"):
                continue  # one of the two, as the ticket stands (Art. 20)
            if spec.co_unit_bound and self.actor.unit_id not in unit_ids[1:]:
                continue  # 协办反馈 is offered to the co-units only, never greyed for the lead
            try:
                workflow.check(
                    name,
                    State(t.state),
                    t.pending,
                    self.actor,
                    unit_ids,
                    complex=complex,
                    special=special,
                )
            except (PermissionDenied, RuleError) as exc:
                out.append(_refused(name, spec.label, exc))
                continue
            refusal = workflow.condition_refusal(name, complex=complex, special=special)
            out.append(
                ActionView(name, spec.label, True)
                if refusal is None
                else _refused(name, spec.label, refusal)
            )
        if sups:
            shown = next((s for s in reversed(sups) if s.state == "open"), sups[-1])
            for name, spec in workflow.SUPERVISION_ACTIONS.items():
                if self.actor.role not in spec.roles:
                    continue
                candidates = workflow.supervision_candidates(name, sups, self.actor)
                if candidates:
                    targets = tuple(s.id for s in candidates)
                    out.append(ActionView(name, spec.label, True, targets=targets))
                    continue
                problem = workflow.supervision_refusal(name, shown, self.actor)
                out.append(
                    _refused(name, spec.label, problem)
                    if problem is not None
                    else ActionView(name, spec.label, False)
                )
        return tuple(out)

    def _clock_view(self, c: ClockRow, now: dt.datetime) -> ClockView:
        due = self._due(c)
        return ClockView(
            key=c.key,
            rule=c.rule,
            name=c.name,
            started_at=c.started_at,
            due_at=c.due_at,
            amount=c.amount,
            unit=c.unit,
            extension_wd=c.extension_wd,
            provisional=c.provisional,
            running=c.running,
            met_at=c.met_at,
            overdue=clock_overdue(c, now),
            why=self._why(c, due),
            explanation=tuple(due.explanation.lines()),
        )

    def _due(self, c: ClockRow) -> Due:
        """The clock's due moment computed again, with how it was counted."""
        if c.unit == "hours":
            return hours_due(c.started_at, c.amount, rule=c.rule)
        return wd_due(
            self.calendar(), c.started_at, c.amount, extension_wd=c.extension_wd, rule=c.rule
        )

    @staticmethod
    def _why(c: ClockRow, due: Due) -> str:
        """Why the clock is due then, one paragraph (the API's ``ClockView.why``): its name,
        rule and due moment, then the explanation's sentences."""
        return (
            f"{c.name}（{c.rule}）到期 {due.display()}。"
            + "；".join(due.explanation.lines())
            + "。"
        )

    # ------------------------------------------------------------------ queues
    def queue_statement(self, name: str, now: dt.datetime) -> Select[Any]:
        if name not in QUEUES:
            raise InputError("queue", f"未知队列 {name}（可选：{'、'.join(QUEUES)}）")
        open_states = [st.value for st in OPEN_STATES]

        def obligations_due(*when: Any) -> AmongIds:
            """Tickets with a running obligation clock due in the given range."""
            ids = select(ClockRow.ticket_id).where(
                ClockRow.running.is_(True), ClockRow.key.in_(OBLIGATIONS), *when
            )
            return AmongIds(TicketRow.id, ids)

        stmt = select(TicketRow)
        a = self.actor
        if name == "mine":
            if a.role is Role.UNIT_CLERK:
                stmt = stmt.where(
                    TicketRow.state.in_(
                        [State.DISPATCHED.value, State.HANDLING.value, State.DISSATISFIED.value]
                    )
                )
            elif a.role is Role.MANAGER:
                stmt = stmt.where(
                    or_(
                        TicketRow.state.in_(
                            [
                                State.RETURN_REQUESTED.value,
                                State.COMPLETION_REQUESTED.value,
                                State.DISSATISFIED.value,
                            ]
                        ),
                        TicketRow.pending != "",
                    )
                )
            else:
                stmt = stmt.where(TicketRow.created_by == a.name, TicketRow.state.in_(open_states))
        elif name == "due_soon":
            stmt = stmt.where(
                obligations_due(ClockRow.due_at >= now, ClockRow.due_at < now + DUE_SOON)
            )
        elif name == "overdue":
            stmt = stmt.where(obligations_due(ClockRow.due_at < now))
        elif name == "awaiting_sign":
            stmt = stmt.where(TicketRow.state == State.DISPATCHED.value)
            if a.role is Role.UNIT_CLERK:  # only the lead unit signs (R-SIGN); co-units do not
                stmt = stmt.where(TicketRow.unit_id == a.unit_id)
        elif name == "returns":
            stmt = stmt.where(TicketRow.state == State.RETURN_REQUESTED.value)
        elif name == "completions":
            stmt = stmt.where(TicketRow.state == State.COMPLETION_REQUESTED.value)
        elif name == "extensions":
            stmt = stmt.where(TicketRow.pending == "extension")
        elif name == "terminations":
            stmt = stmt.where(TicketRow.pending == "termination")
        elif name == "dissatisfied":
            stmt = stmt.where(TicketRow.state == State.DISSATISFIED.value)
        elif name == "callbacks":
            stmt = stmt.where(
                TicketRow.state.in_([State.COMPLETED.value, State.CALLBACK_PROMISED.value])
            )
        elif name == "supervision":
            stmt = stmt.where(
                exists().where(
                    SupervisionRow.ticket_id == TicketRow.id, SupervisionRow.state == "open"
                )
            )
        elif name == "special":
            stmt = stmt.where(
                TicketRow.special != Special.NONE.value, TicketRow.state.in_(open_states)
            )
        return scope(stmt, a)

    def by_phone(self, s: Session, phone: str, now: dt.datetime, limit: int = 20) -> Page:
        """The tickets of a caller's number this seat may see, newest first; callers masked.

        A confidential caller's tickets are not found by a unit (R-CONFIDENTIAL): the search
        would tell the unit who called.
        """
        from console.services.tickets.search import phone_variants  # shares the number forms

        variants = phone_variants(phone)
        if limit < 1 or limit > 100:
            raise InputError("limit", "每次 1–100 条")
        stmt = select(TicketRow).where(TicketRow.caller_phone.in_(variants))
        if self.actor.role is Role.UNIT_CLERK:
            stmt = stmt.where(TicketRow.confidential.is_(False))
        stmt = scope(stmt, self.actor)
        total = int(s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())
        rows = s.execute(stmt.order_by(TicketRow.id.desc()).limit(limit)).scalars().all()
        return Page(rows=self.summaries(s, rows, now), offset=0, total=total)

    def caller_history(
        self, s: Session, phone: str, now: dt.datetime, limit: int = 10
    ) -> CallerHistoryView:
        """Beside an intake: the caller's tickets this seat may see (newest first, masked; a
        terminated matter by its state, R-TERMINATE) and whether the caller asked for
        confidentiality before (R-CONFIDENTIAL) — on any ticket, not only the rows shown."""
        from console.services.tickets.search import phone_variants

        page = self.by_phone(s, phone, now, limit)  # checks the limit, hides what it must
        of_caller = TicketRow.caller_phone.in_(phone_variants(phone))
        if self.actor.role is Role.UNIT_CLERK:  # a unit never learns who asked for secrecy
            confidential = 0
        else:
            confidential = s.execute(
                scope(select(func.count()).select_from(TicketRow), self.actor).where(
                    of_caller, TicketRow.confidential.is_(True)
                )
            ).scalar_one()
        return CallerHistoryView(
            tickets=page.rows, total=page.total, confidential_before=bool(confidential)
        )

    def page(
        self, s: Session, name: str, now: dt.datetime, offset: int = 0, limit: int = 50
    ) -> Page:
        if limit < 1 or limit > 500:
            raise InputError("limit", "每页 1–500 条")
        if offset < 0:
            raise InputError("offset", "offset 不能为负")
        base = self.queue_statement(name, now)
        next_due = nearest_due()
        # One narrow pass picks the window's ids in queue order and counts the queue; only the
        # window's rows are then loaded (sorting full rows of a big queue costs ~10× more).
        window = (
            base.with_only_columns(TicketRow.id, func.count().over())
            .order_by(next_due.asc().nulls_last(), TicketRow.id)
            .offset(offset)
            .limit(limit)
        )
        picked = s.execute(window).all()
        if picked:
            total = int(picked[0][1])
        else:  # past the end (or empty): the total still counts
            total = int(s.execute(select(func.count()).select_from(base.subquery())).scalar_one())
        ids = [row[0] for row in picked]
        loaded = {
            t.id: t for t in s.execute(select(TicketRow).where(TicketRow.id.in_(ids))).scalars()
        }
        return Page(
            rows=self.summaries(s, (loaded[i] for i in ids if i in loaded), now),
            offset=offset,
            total=total,
        )

    def count(self, s: Session, name: str, now: dt.datetime) -> int:
        base = self.queue_statement(name, now)
        return int(s.execute(select(func.count()).select_from(base.subquery())).scalar_one())

    def summaries(
        self, s: Session, rows: Iterable[TicketRow], now: dt.datetime
    ) -> tuple[TicketSummary, ...]:
        """The rows of a list, each with the city bureau its city 优化办 forwards it to (one
        query for the whole list)."""
        rows = list(rows)
        bureaus = forwarded_to_each(s, [(t.unit_id, t.matter_type) for t in rows])
        return tuple(
            self.summary(t, now, bureaus.get((t.unit_id or "", t.matter_type), "")) for t in rows
        )

    def summary(self, t: TicketRow, now: dt.datetime, bureau: str = "") -> TicketSummary:
        running = [c for c in t.clocks if c.running and c.key in OBLIGATIONS]
        nearest = min(running, key=lambda c: c.due_at) if running else None
        caller = (
            SECRET
            if t.confidential
            else (mask_phone_full(t.caller_phone) or mask_name(t.caller_name))
        )
        title = " ".join(t.text.split())[:40]
        return TicketSummary(
            number=str(t.number),
            kind=Kind(t.kind),
            domain=Domain(t.domain),
            state=t.state,
            state_label=State(t.state).label,
            special=Special(t.special),
            unit_id=t.unit_id,
            caller=caller,
            title=title,
            created_at=t.created_at,
            next_due=nearest.due_at if nearest else None,
            next_rule=nearest.rule if nearest else "",
            overdue=ticket_overdue(t, now),
            complex=t.complex,
            pending=t.pending,
            version=t.version,
            bureau=bureau,
        )


def forwarded_to(s: Session, unit_id: str | None, matter_type: str) -> str:
    """The city bureau a city 优化办 forwards a ticket to: the one its matter type names in the
    matter catalogue (事项清单: owner ``city:<bureau>``); "" for a provincial unit, a matter the
    office handles itself, or none recorded."""
    return forwarded_to_each(s, [(unit_id, matter_type)]).get((unit_id or "", matter_type), "")


def forwarded_to_each(
    s: Session, tickets: Iterable[tuple[str | None, str]]
) -> dict[tuple[str, str], str]:
    """``forwarded_to`` for many (unit, matter type) pairs at once: the pairs of a city 优化办
    with a matter forwarded to a city bureau, each with the bureau's name."""
    wanted = {(unit, matter) for unit, matter in tickets if unit and matter}
    if not wanted:
        return {}
    rows = s.execute(
        select(UnitRow.id, MatterRow.name, BureauRow.name)
        .join(MatterRow, MatterRow.owner == CITY_OWNER + BureauRow.id)
        .join(UnitRow, UnitRow.category == "city")
        .where(
            UnitRow.id.in_({unit for unit, _ in wanted}),
            MatterRow.name.in_({matter for _, matter in wanted}),
            MatterRow.owner != CITY_SELF,
        )
    ).all()
    return {(unit, matter): name for unit, matter, name in rows if (unit, matter) in wanted}


def _looks_like_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 5 and all(ch.isdigit() or ch in "+- " for ch in text)


def _found_law_case(events: Iterable[EventRow]) -> bool:
    """Whether the ticket stands found an Art. 20 case: findings outnumber withdrawals."""
    actions = [e.action for e in events]
    return actions.count("law_case") > actions.count("law_case_withdrawn")


def _refused(name: str, label: str, refusal: RuleError | PermissionDenied) -> ActionView:
    return ActionView(name, label, False, str(refusal), refusal.rule, refusal.message)
