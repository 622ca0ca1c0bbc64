"""The 政企通 desk (R-ENTERPRISE, Art. 5(6), 29): enterprise requests, each followed one to one
by a policy specialist (政策专员) of the roster.

An *enterprise request* is a ticket whose caller is an enterprise (intake's caller type 企业,
which also requires the enterprise's name). While it is open it is on the desk; a policy
specialist **claims** it (认领), or the manager (省优化办) or the desk lead (专席负责人, a policy
specialist the manager marked so) **assigns** it to a specialist, or **reassigns** it (改派)
to another, always with a reason. A ticket has at most one live assignment — the store itself
refuses a second (``uq_enterprise_assignments_live``), so two specialists claiming at once
cannot both win. The specialist records **follow-ups** (跟进: what was done for the
enterprise, which policy was pushed …) on the ticket's timeline, the audit trail. The
assignment **closes** when the ticket ends (结案, 终结, 并单, 不予受理), whatever command ends
it: ``install`` watches every write for it.

Who: the desk's seats (role ``enterprise_desk``) read enterprise tickets only (the rest is not
their business, R-SECURITY); the manager reads the whole desk; nobody else does. A seat is
matched to its roster entry by the entry's seat (else its name), as expert seats are. Every
refusal names R-ENTERPRISE.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.calendar.workdays import WorkCalendar
from console.services.experts.shifts import parse_shift
from console.services.inputs import check_text
from console.services.tickets.commands import TicketService, _name_the_writer
from console.services.tickets.queries import OPEN_STATES, Queries, nearest_due
from console.services.values import (
    DESK_DONE_LIMIT,
    DESK_OPEN_LIMIT,
    CallerType,
    Role,
    State,
)
from console.services.views import Actor, DeskItemView, SpecialistView, TicketSummary
from console.store.models import (
    EnterpriseAssignmentRow,
    ExpertRow,
    TicketRow,
    UnitRow,
)

RULE = "R-ENTERPRISE"
DESK_ROLES = frozenset({Role.ENTERPRISE_DESK, Role.MANAGER})
"""Who reads the desk: its policy specialists, and the manager that set it up (Art. 5(6))."""
WHICH = {"mine": "我的", "unassigned": "未分配", "all": "全部", "done": "已结束"}
ENDED = frozenset({State.CLOSED.value, State.TERMINATED.value, State.MERGED.value,
                   State.REFUSED.value})  # fmt: skip
"""A ticket in one of these has ended: its assignment closes."""
MAX_NOTE = 2_000
MAX_REASON = 500
DONE_LIMIT = DESK_DONE_LIMIT
OPEN_LIMIT = DESK_OPEN_LIMIT
"""Open requests listed at most, the nearest clocks first (a backlog beyond it is reached by
the work queues' pages and by number)."""


def specialists_of(s: Session, actor: Actor) -> list[ExpertRow]:
    """The live policy-specialist entries of this seat: by seat, else (no seat on the entry)
    by name."""
    rows = (
        s.execute(select(ExpertRow).where(ExpertRow.active, ExpertRow.kind == "policy"))
        .scalars()
        .all()
    )
    by_seat = [r for r in rows if r.seat and r.seat in (actor.seat, actor.name)]
    return by_seat or [r for r in rows if not r.seat and r.name == actor.name]


def require_reader(actor: Actor) -> None:
    if actor.role not in DESK_ROLES:
        raise PermissionDenied(
            f"{actor.role.label}不能查看政企通专席：由政策专员和管理部门（省优化办）办理",
            rule=RULE,
        )


class DeskService(TicketService):
    """The desk's reads and commands, on the ticket workflow's helpers."""

    # ------------------------------------------------------------------ reads
    def desk(self, which: str = "all") -> list[DeskItemView]:
        """The desk: ``mine`` (this specialist's live assignments), ``unassigned`` (open
        enterprise tickets nobody follows), ``all`` (every open enterprise ticket) or ``done``
        (assignments closed, newest first, at most ``DONE_LIMIT``). Open tickets: the nearest
        clock first, at most ``OPEN_LIMIT``, chosen in SQL."""
        require_reader(self.actor)
        if which not in WHICH:
            raise InputError("which", f"未知视图 {which[:20]}（可选：{'、'.join(WHICH)}）")
        now = self.clock.now()
        queries = Queries(self.store.read, self.calendar, self.actor)
        with self.store.read() as s:
            own = [e.id for e in specialists_of(s, self.actor)]
            live = EnterpriseAssignmentRow.state == "live"
            if which == "done":
                q = (
                    select(TicketRow, EnterpriseAssignmentRow)
                    .join(EnterpriseAssignmentRow, EnterpriseAssignmentRow.ticket_id == TicketRow.id)
                    .where(EnterpriseAssignmentRow.state == "closed")
                    .order_by(EnterpriseAssignmentRow.closed_at.desc(), EnterpriseAssignmentRow.id.desc())
                    .limit(DONE_LIMIT)
                )  # fmt: skip
                if self.actor.role is Role.ENTERPRISE_DESK:
                    q = q.where(EnterpriseAssignmentRow.specialist_id.in_(own))
            else:
                q = (
                    select(TicketRow, EnterpriseAssignmentRow)
                    .outerjoin(
                        EnterpriseAssignmentRow,
                        (EnterpriseAssignmentRow.ticket_id == TicketRow.id) & live,
                    )
                    .where(
                        TicketRow.caller_type == CallerType.ENTERPRISE.value,
                        TicketRow.state.in_([st.value for st in OPEN_STATES]),
                    )
                )
                if which == "mine":
                    q = q.where(EnterpriseAssignmentRow.specialist_id.in_(own))
                elif which == "unassigned":
                    q = q.where(EnterpriseAssignmentRow.id.is_(None))
                next_due = nearest_due()
                q = q.order_by(
                    next_due.asc().nulls_last(), TicketRow.created_at, TicketRow.number
                ).limit(OPEN_LIMIT)
            # readers are the desk's seats (enterprise tickets only: the query's own filter)
            # and the manager (every ticket): scope() would add nothing
            rows = s.execute(q).all()
            names = self._names(s, [a.specialist_id for _, a in rows if a is not None])
            items = [_item(queries.summary(t, now), t, a, names) for t, a in rows]
        if which == "done":
            return items
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return sorted(
            items,
            key=lambda i: (i.ticket.next_due or far, i.ticket.created_at, i.ticket.number),
        )

    def specialists(self) -> list[SpecialistView]:
        """The desk's policy specialists on the roster, on duty first, with how many enterprise
        tickets each follows now (for assigning)."""
        require_reader(self.actor)
        now = self.clock.now()
        calendar = self.calendar()
        with self.store.read() as s:
            rows = s.execute(
                select(ExpertRow, UnitRow.name)
                .join(UnitRow, UnitRow.id == ExpertRow.unit_id)
                .where(ExpertRow.active, ExpertRow.kind == "policy")
            ).all()
            load = dict(
                s.execute(
                    select(EnterpriseAssignmentRow.specialist_id, func.count())
                    .where(EnterpriseAssignmentRow.state == "live")
                    .group_by(EnterpriseAssignmentRow.specialist_id)
                ).all()
            )
        views = [
            SpecialistView(
                id=e.id,
                name=e.name,
                unit_id=e.unit_id,
                unit_name=unit_name,
                seat=e.seat,
                on_duty=_on_duty(e, now, calendar),
                desk_lead=e.desk_lead,
                live=int(load.get(e.id, 0)),
            )
            for e, unit_name in rows
        ]
        return sorted(views, key=lambda v: (not v.on_duty, v.live, v.name, v.id))

    # ------------------------------------------------------------------ commands
    @_name_the_writer
    def claim(self, number: str, version: int | None = None) -> None:
        """A policy specialist takes an enterprise ticket nobody follows (认领)."""
        if self.actor.role is not Role.ENTERPRISE_DESK:
            raise PermissionDenied(
                f"{self.actor.role.label}不能认领企业诉求：由政企通政策专员认领", rule=RULE
            )
        now = self.clock.now()
        with _one_live(number), self.store.write() as s:
            t = self._enterprise(s, number, version)
            mine = specialists_of(s, self.actor)
            if not mine:
                raise PermissionDenied("您不在政策专员名册中（由管理部门登记）", rule=RULE)
            current = _live(s, t)
            if current is not None:
                who = s.get(ExpertRow, current.specialist_id)
                raise RuleError(
                    RULE,
                    f"工单 {t.number} 已由政策专员「{who.name if who else current.specialist_id}」"
                    "跟进：一件企业诉求只由一名专员跟进，如需调整请专席负责人或管理部门改派",
                )
            specialist = mine[0]
            self._open(s, t, specialist, "claim", "", now)

    @_name_the_writer
    def assign(
        self, number: str, specialist_id: str, reason: str, version: int | None = None
    ) -> None:
        """The manager or the desk lead assigns the ticket to a specialist (分配), or moves it
        from the one following it to another (改派); the reason is recorded."""
        check_text("specialist_id", specialist_id, limit=40)
        why = check_text("reason", reason, limit=MAX_REASON).strip()
        if not why:
            raise InputError("reason", "分配或改派须写明理由（reason）")
        now = self.clock.now()
        with _one_live(number), self.store.write() as s:
            t = self._enterprise(s, number, version)
            self._require_assigner(s)
            specialist = s.get(ExpertRow, specialist_id)
            if specialist is None or specialist.kind != "policy":
                raise NotFound("政策专员", specialist_id)
            if not specialist.active:
                raise RuleError(RULE, f"政策专员「{specialist.name}」已退出名册，不能分配")
            current = _live(s, t)
            how = "assign"
            if current is not None:
                if current.specialist_id == specialist.id:
                    raise RuleError(RULE, f"工单 {t.number} 已由「{specialist.name}」跟进")
                current.state, current.closed_at = "closed", now
                current.closed_by, current.close_reason = self.actor.name[:80], "reassigned"
                s.flush()  # the old one is closed before the new one is live (unique index)
                how = "reassign"
            self._open(s, t, specialist, how, why, now)

    @_name_the_writer
    def follow(self, number: str, note: str, version: int | None = None) -> None:
        """The specialist following the ticket records what was done for the enterprise (跟进),
        on the ticket's timeline."""
        text = check_text("note", note, limit=MAX_NOTE).strip()
        if not text:
            raise InputError("note", "跟进内容不能为空（note）")
        if self.actor.role is not Role.ENTERPRISE_DESK:
            raise PermissionDenied(
                f"{self.actor.role.label}不能记录政企通跟进：由跟进该诉求的政策专员记录",
                rule=RULE,
            )
        now = self.clock.now()
        with self.store.write() as s:
            t = self._enterprise(s, number, version)
            current = _live(s, t)
            if current is None:
                raise RuleError(RULE, f"工单 {t.number} 尚无政策专员跟进：请先认领")
            if current.specialist_id not in {e.id for e in specialists_of(s, self.actor)}:
                raise PermissionDenied(
                    "该企业诉求由其他政策专员跟进：一对一服务，跟进由该专员记录", rule=RULE
                )
            current.follow_ups += 1
            current.last_follow_at = now
            self._event(s, t, "desk_follow", text, now, specialist_id=current.specialist_id)

    # ------------------------------------------------------------------ helpers
    def _enterprise(self, s: Session, number: str, version: int | None) -> TicketRow:
        # PostgreSQL: the ticket's row is locked first, so a claim waits for one made at the
        # same moment and then sees its assignment (SQLite: one writer at a time already)
        s.execute(
            select(TicketRow.id).where(TicketRow.number == check_text("number", number))
            .with_for_update()
        )  # fmt: skip
        t = self._load(s, number, version)  # scope first: another unit's ticket is not found
        if t.caller_type != CallerType.ENTERPRISE.value:
            raise RuleError(
                RULE, f"工单 {t.number} 的来电人不是企业：政企通专席只跟进企业诉求"
            )  # fmt: skip
        if t.state in ENDED:
            raise RuleError(RULE, f"工单 {t.number} 已{State(t.state).label}，不再跟进")
        return t

    def _require_assigner(self, s: Session) -> None:
        if self.actor.role is Role.MANAGER:
            return
        if self.actor.role is Role.ENTERPRISE_DESK and any(
            e.desk_lead for e in specialists_of(s, self.actor)
        ):
            return
        raise PermissionDenied(
            f"{self.actor.role.label}不能分配或改派：由政企通专席负责人或管理部门（省优化办）办理",
            rule=RULE,
        )

    def _open(
        self,
        s: Session,
        t: TicketRow,
        specialist: ExpertRow,
        how: str,
        reason: str,
        now: dt.datetime,
    ) -> None:
        s.add(
            EnterpriseAssignmentRow(
                ticket_id=t.id,
                specialist_id=specialist.id,
                state="live",
                how=how,
                reason=reason,
                assigned_by=self.actor.name[:80],
                assigned_at=now,
                follow_ups=0,
                closed_by="",
                close_reason="",
            )
        )
        s.flush()  # the store's unique index refuses a second live one (see _one_live)
        self._event(
            s, t, f"desk_{how}", reason, now, specialist_id=specialist.id,
            specialist=specialist.name,
        )  # fmt: skip

    @staticmethod
    def _names(s: Session, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        wanted = set(ids)
        return dict(
            s.execute(select(ExpertRow.id, ExpertRow.name).where(ExpertRow.id.in_(wanted))).all()
        )


@contextmanager
def _one_live(number: str) -> Iterator[None]:
    """The store refused a second live assignment (``uq_enterprise_assignments_live``): the
    other seat's claim or assignment committed first; said as the rule, not as SQL."""
    try:
        yield
    except IntegrityError as exc:
        said = str(exc.orig)  # PostgreSQL names the index, SQLite the column
        if "uq_enterprise_assignments_live" not in said and (
            "enterprise_assignments.ticket_id" not in said
        ):
            raise
        raise RuleError(
            RULE, f"工单 {number[:20]} 刚由其他政策专员认领或分配：一件企业诉求只由一名专员跟进"
        ) from None


def _live(s: Session, t: TicketRow) -> EnterpriseAssignmentRow | None:
    return s.execute(
        select(EnterpriseAssignmentRow).where(
            EnterpriseAssignmentRow.ticket_id == t.id, EnterpriseAssignmentRow.state == "live"
        )
    ).scalar_one_or_none()


def _on_duty(e: ExpertRow, now: dt.datetime, calendar: WorkCalendar) -> bool:
    return any(parse_shift(x).covers(now, calendar) for x in e.shifts)


def _item(
    summary: TicketSummary,
    t: TicketRow,
    a: EnterpriseAssignmentRow | None,
    names: dict[str, str],
) -> DeskItemView:
    enterprise = "（保密）" if t.confidential else t.enterprise_name
    if a is None:
        return DeskItemView(ticket=summary, enterprise_name=enterprise)
    return DeskItemView(
        ticket=summary,
        enterprise_name=enterprise,
        assignment=a.state,
        specialist_id=a.specialist_id,
        specialist_name=names.get(a.specialist_id, a.specialist_id),
        how=a.how,
        reason=a.reason,
        assigned_by=a.assigned_by,
        assigned_at=a.assigned_at,
        follow_ups=a.follow_ups,
        last_follow_at=a.last_follow_at,
        closed_at=a.closed_at,
        close_reason=a.close_reason,
    )


# ---------------------------------------------------------------------- closing on the end
def _close_ended(session: Session, _ctx: object, _instances: object) -> None:
    """Before each flush: a ticket that has just ended closes its live assignment."""
    ended = [
        t
        for t in session.dirty
        if isinstance(t, TicketRow)
        and t.state in ENDED
        and t.caller_type == CallerType.ENTERPRISE.value
    ]
    if not ended:
        return
    with session.no_autoflush:
        for t in ended:
            a = _live(session, t)
            if a is not None:
                a.state, a.closed_at = "closed", t.updated_at
                a.closed_by, a.close_reason = (t.updated_by or "")[:80], "ended"


def install(factory: sessionmaker[Session]) -> None:
    """Close an enterprise ticket's assignment in the transaction that ends the ticket, for
    every command of every seat writing through ``factory`` (the store's writer). Idempotent."""
    if "_hotline_desk" in vars(factory.class_):
        return
    factory.class_._hotline_desk = True  # type: ignore[attr-defined]
    event.listen(factory, "before_flush", _close_ended)
