"""Handing a consultation to an expert (专家座席, R-EXPERT, R-CONSULT, R-KB).

A consultation the operator cannot answer on the spot goes, with the caller's consent to be
answered later (R-CONSULT), to the platform's expert seats (Art. 28): to one on-duty expert of
the field routing suggests, or to that field's expert queue. It carries the caller's words,
what the operator already tried (the articles on screen, the inadmissibility checklist) and
how the caller agreed to be answered (SMS or call-back). The ticket waits as a promised
call-back (待回复（24小时）) with the R-CONSULT clock running — 24 calendar hours — and an open
hand-off, the marker "with an expert": the operator's own 回复来电人 is refused while it is
open, so the caller is answered once.

The expert sees the hand-offs made to them and to their fields' queue, the soonest due first;
the answer is recorded on the ticket, goes to the caller through the outbox, and closes the
ticket as answered, as a consultation answered on a call-back does. The expert may then turn
the answer into a draft article owned by the expert's unit (knowledge capture, R-KB), which
operators read as a draft (草稿) until that unit verifies it.

Who: operators and shift leads hand off; experts answer (their own hand-offs and their
fields' queue) and capture; the manager and shift leads read every open hand-off. Every
refusal names its R-id.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.access.masking import mask_phone
from console.services.clock import local
from console.services.delivery.templates import TemplateError, render
from console.services.experts.roster import field_labels, field_of
from console.services.experts.shifts import parse_shift
from console.services.inputs import check_text
from console.services.knowledge import editing
from console.services.tickets.commands import (
    TicketService,
    _name_the_writer,
    first_allowed_moment,
    require_contact,
)
from console.services.values import REPLY_CHANNELS, Domain, Kind, Role, State
from console.services.views import Actor, ExpertHandoffView, Intake, on_roster
from console.store.models import (
    ArticleRevisionRow,
    ArticleRow,
    EventRow,
    ExpertHandoffRow,
    ExpertRow,
    GroundRow,
    TicketRow,
)

RULE = "R-EXPERT"
HANDOFF_ROLES = frozenset({Role.OPERATOR, Role.SHIFT_LEAD})
"""Who hands a consultation to an expert: the seats that take calls on the provincial line."""
OVERSEERS = frozenset({Role.MANAGER, Role.SHIFT_LEAD})
"""Who reads every open hand-off (the platform's day-to-day management of the expert seats)."""
MAX_TRIED = 8
MAX_NOTE = 2_000
MAX_ANSWER = 1_000  # one SMS conversation, not an essay: the article holds the long form
MAX_REASONS = 5
TAKE = "expert_take"  # these three are views.EXPERT_QUEUE_ACTIONS
"""The event of an expert first opening a hand-off (接手): the end of its queue wait."""
MAX_DAYS = 366
MAX_LISTED = 1_000


def channel_label(channel: str) -> str:
    return REPLY_CHANNELS.get(channel, channel)


def mine(s: Session, actor: Actor) -> list[ExpertRow]:
    """The roster entries of this expert seat: the entry naming its seat, else (no seat set
    on the entry) the entry with its name."""
    rows = (
        s.execute(select(ExpertRow).where(ExpertRow.active, ExpertRow.kind == "expert"))
        .scalars()
        .all()
    )
    by_seat = [r for r in rows if r.seat and on_roster(r.seat, r.name, actor)]
    return by_seat or [r for r in rows if not r.seat and on_roster(r.seat, r.name, actor)]


def covers(expert: ExpertRow, field: str, matter_domains: dict[str, str]) -> bool:
    """The expert covers the field itself, or the domain of a matter-type field."""
    fields = set(expert.fields)
    return field in fields or matter_domains.get(field, "") in fields


class HandoffService(TicketService):
    """The expert hand-off's commands, on the ticket workflow's helpers."""

    # ------------------------------------------------------------------ hand off
    def hand_to_expert(
        self,
        intake: Intake,
        field: str,
        expert_id: str | None = None,
        *,
        consent: bool,
        channel: str = "sms",
        tried: Sequence[str] = (),
        ground: int | None = None,
        reasons: Sequence[str] = (),
        note: str = "",
    ) -> str:
        """Take the consultation and hand it to ``expert_id`` (on duty, covering ``field``) or,
        without one, to the field's expert queue. Answers the ticket's number."""
        if self.actor.role not in HANDOFF_ROLES:
            raise PermissionDenied(
                f"{self.actor.role.label}不能转交专家：由话务员或班长转交专家座席", rule=RULE
            )
        if intake.kind is not Kind.CONSULTATION:
            raise RuleError(
                "R-CONSULT", f"{intake.kind.label}类诉求须派单办理，只有咨询可以转专家解答",
                allowed="派单",
            )  # fmt: skip
        if channel not in REPLY_CHANNELS:
            raise InputError("channel", "答复方式应为 sms（短信）或 phone（回电）")
        if not consent:
            raise RuleError(
                "R-CONSULT",
                "转专家解答须征得来电人同意稍后答复（consent）",
                allowed="答复结案、派单",
            )
        require_contact(intake, "R-CONSULT", "专家答复须以短信或电话回复来电人，须留回复号码")
        if not intake.caller_phone.strip():
            raise RuleError(
                "R-CONSULT", "来电人电话（caller_phone）未填写：专家答复须有回复号码",
                allowed="填写来电人电话",
            )  # fmt: skip
        text_note = check_text("note", note, limit=MAX_NOTE).strip()
        if len(tried) > MAX_TRIED:
            raise InputError("tried", f"已查看的知识最多记 {MAX_TRIED} 条")
        why = tuple(check_text("reasons", r, limit=200).strip() for r in reasons[:MAX_REASONS])
        labels, matter_domains = field_labels(self.store)
        code = field_of(field, labels, "field")
        now = self.clock.now()
        with self.store.write() as s:
            self._refuse_terminated(s, intake)
            expert = None
            if expert_id:
                expert = s.get(ExpertRow, check_text("expert_id", expert_id, limit=40))
                if expert is None or not expert.active or expert.kind != "expert":
                    raise NotFound("专家", expert_id)
                if not covers(expert, code, matter_domains):
                    raise RuleError(
                        RULE,
                        f"专家「{expert.name}」不擅长「{labels[code]}」，请选该领域的专家或转领域队列",
                    )
                if not any(parse_shift(x).covers(now, self.calendar()) for x in expert.shifts):
                    raise RuleError(
                        RULE,
                        f"专家「{expert.name}」此刻不在班，请选在班专家或转「{labels[code]}」专家队列",
                    )
            seen = []
            for article_id in dict.fromkeys(tried):
                a = s.get(ArticleRow, check_text("tried", article_id, limit=40))
                if a is None:
                    raise InputError("tried", f"知识 {article_id[:40]} 不存在")
                seen.append(f"{a.id}：{a.question}")
            ground_text = ""
            if ground is not None:
                g = s.get(GroundRow, ground)
                if g is None:
                    raise InputError("ground", f"不予受理情形应为 1–10，收到 {ground}")
                ground_text = f"第{g.number}项 {g.title}"
            t = self._new_ticket(s, intake, State.CALLBACK_PROMISED, now)
            clock = self._start(t, "consult", "R-CONSULT", now)
            s.add(
                ExpertHandoffRow(
                    ticket_id=t.id,
                    field=code,
                    field_label=labels[code][:60],
                    expert_id=expert.id if expert else None,
                    reasons=list(why),
                    tried=seen,
                    ground=ground_text,
                    channel=channel,
                    note=text_note,
                    handed_by=self.actor.name,
                    handed_at=now,
                    due_at=clock.due_at,
                    state="open",
                    answer="",
                    basis="",
                )
            )
            self._event(
                s,
                t,
                "hand_to_expert",
                text_note,
                now,
                field=code,
                field_label=labels[code],
                expert_id=expert.id if expert else "",
                expert=expert.name if expert else f"{labels[code]}专家队列",
                channel=channel,
                tried=",".join(x.split("：", 1)[0] for x in seen),
                ground=ground_text,
                due=clock.due_at,
            )
            return str(t.number)

    # ------------------------------------------------------------------ the queue
    def expert_queue(self) -> list[ExpertHandoffView]:
        """The open hand-offs this seat answers (an expert: its own and its fields' queue;
        the manager and shift leads: all), the soonest due first."""
        _, matter_domains = field_labels(self.store)
        with self.store.read() as s:
            q = (
                select(ExpertHandoffRow, TicketRow)
                .join(TicketRow, TicketRow.id == ExpertHandoffRow.ticket_id)
                .where(ExpertHandoffRow.state == "open")
            )
            if self.actor.role is Role.EXPERT:
                experts = mine(s, self.actor)
                if not experts:
                    return []
                ids = [e.id for e in experts]
                rows = [
                    (h, t)
                    for h, t in s.execute(
                        q.where(
                            or_(
                                ExpertHandoffRow.expert_id.in_(ids),
                                ExpertHandoffRow.expert_id.is_(None),
                            )
                        )
                    ).all()
                    if h.expert_id in ids
                    or any(covers(e, h.field, matter_domains) for e in experts)
                ]
            elif self.actor.role in OVERSEERS:
                rows = list(s.execute(q).all())
            else:
                raise PermissionDenied(
                    f"{self.actor.role.label}不能查看专家队列：由专家座席答复转来的咨询", rule=RULE
                )
            names = self._names(s, [h for h, _ in rows])
            takes = _takes(s, [t.id for _, t in rows])
            views = [_view(h, t, names, takes.get(t.id)) for h, t in rows]
        return sorted(views, key=lambda v: (v.due_at, v.number))

    def handoffs(
        self, field: str | None = None, waiting: bool = False, days: int = 7
    ) -> list[ExpertHandoffView]:
        """The hand-offs made in the last ``days`` days with their clocks (handed, taken,
        answered, due), newest first: ``field`` one field's, ``waiting`` the unanswered only.
        The platform's management reads them (the manager, shift leads), R-EXPERT."""
        if self.actor.role not in OVERSEERS:
            raise PermissionDenied(
                f"{self.actor.role.label}不能查看转专家记录：由管理部门和班长查看", rule=RULE
            )
        if not 1 <= days <= MAX_DAYS:
            raise InputError("days", f"天数应为 1 至 {MAX_DAYS}，收到 {days}")
        code = None
        if field:
            labels, _ = field_labels(self.store)
            code = field_of(check_text("field", field, limit=60), labels, "field")
        since = self.clock.now() - dt.timedelta(days=days)
        q = (
            select(ExpertHandoffRow, TicketRow)
            .join(TicketRow, TicketRow.id == ExpertHandoffRow.ticket_id)
            .where(ExpertHandoffRow.handed_at >= since)
            .order_by(ExpertHandoffRow.handed_at.desc(), ExpertHandoffRow.id.desc())
            .limit(MAX_LISTED)
        )
        if code is not None:
            q = q.where(ExpertHandoffRow.field == code)
        if waiting:
            q = q.where(ExpertHandoffRow.state == "open")
        with self.store.read() as s:
            rows = [(h, t) for h, t in s.execute(q)]
            names = self._names(s, [h for h, _ in rows])
            takes = _takes(s, [t.id for _, t in rows])
            return [_view(h, t, names, takes.get(t.id)) for h, t in rows]

    def handoff(self, number: str) -> ExpertHandoffView:
        """The latest hand-off of a ticket, to the seat that may read it (R-EXPERT). A read:
        opening it is ``take_handoff``."""
        _, matter_domains = field_labels(self.store)
        with self.store.read() as s:
            t = self._load(s, number, None)
            h = self._latest(s, t)
            self._may_read(s, h, matter_domains)
            return _view(h, t, self._names(s, [h]), _takes(s, [t.id]).get(t.id))

    def take_handoff(self, number: str) -> ExpertHandoffView:
        """An expert opens a hand-off of its fields: the first opening of an open one takes it
        (接手, the end of its queue wait in the expert measures); opening it again, or an
        answered one, changes nothing. The hand-off as it is then."""
        self._expert_only("接手转来的咨询")
        _, matter_domains = field_labels(self.store)
        with self.store.read() as s:
            t = self._load(s, number, None)
            h = self._latest(s, t)
            self._may_read(s, h, matter_domains)
            taken = _takes(s, [t.id]).get(t.id)
            view = _view(h, t, self._names(s, [h]), taken)
            ticket_id, handoff_id, still_open = t.id, h.id, h.state == "open"
        if still_open and taken is None:
            return replace(view, taken_at=self._take(ticket_id, handoff_id))
        return view

    def _may_read(self, s: Session, h: ExpertHandoffRow, matter_domains: dict[str, str]) -> None:
        if self.actor.role is Role.EXPERT:
            self._own(s, h, matter_domains, allow_answered=True)
        elif self.actor.role not in OVERSEERS | HANDOFF_ROLES:
            raise PermissionDenied(f"{self.actor.role.label}不能查看转专家的咨询", rule=RULE)

    def _take(self, ticket_id: int, handoff_id: int) -> dt.datetime:
        """An expert opens an open hand-off for the first time: it is taken (接手), the end of
        its queue wait (the expert measures). A timeline event only: the ticket itself (and
        its version) is left as it is, so the answer the expert gives next never conflicts."""
        now = self.clock.now()
        with self.store.write() as s:
            first = _takes(s, [ticket_id]).get(ticket_id)
            if first is not None:  # another seat of the field opened it a moment before
                return first
            expert = next(iter(mine(s, self.actor)), None)
            s.add(
                EventRow(
                    ticket_id=ticket_id,
                    at=now,
                    actor=self.actor.name,
                    role=self.actor.role.value,
                    unit_id=expert.unit_id if expert else self.actor.unit_id,
                    action=TAKE,
                    reason="",
                    details={"handoff_id": handoff_id, "expert_id": expert.id if expert else ""},
                )
            )
        return now

    # ------------------------------------------------------------------ the answer
    @_name_the_writer
    def answer_consultation(
        self, number: str, answer: str, basis: str = "", version: int | None = None
    ) -> None:
        """The expert answers: recorded on the ticket, sent to the caller through the outbox
        (SMS or call-back, as the caller agreed; held to 08:00 in quiet hours), the ticket
        closes as answered (R-CONSULT)."""
        self._expert_only("答复转来的咨询")
        text = check_text("answer", answer, limit=MAX_ANSWER).strip()
        if not text:
            raise InputError("answer", "答复内容不能为空")
        cited = check_text("basis", basis, limit=editing.BASIS_MAX).strip()
        _, matter_domains = field_labels(self.store)
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, version)
            h = self._latest(s, t)
            expert = self._own(s, h, matter_domains, allow_answered=False)
            try:
                message = render("expert_answer", number=t.number, answer=text)
            except TemplateError:
                raise InputError(
                    "answer", "答复内容不得含规则编号（R-…）：来电人读不懂，请用文字说明依据"
                ) from None
            self._stop(t, "consult", met=True, now=now)
            t.state = State.CLOSED.value
            h.state, h.answered_by, h.answered_at = "answered", expert.id, now
            h.answer, h.basis = text, cited
            self._event(
                s, t, "expert_answer", text, now, basis=cited, expert_id=expert.id,
                expert=expert.name, channel=h.channel,
            )  # fmt: skip
            payload = {"kind": "expert_answer", "message": message, "rule": "R-CONSULT"}
            self._message(
                s, t, h.channel, t.caller_phone, f"expert_answer:{h.id}", payload,
                first_allowed_moment(now),
            )  # fmt: skip

    # ------------------------------------------------------------------ knowledge capture
    def capture_article(self, number: str, question: str, tags: Sequence[str] = ()) -> str:
        """The answering expert turns the answer into a draft article (R-KB): ``question`` the
        caller's matter in neutral words, the answer and basis the expert's, owned by the
        expert's unit; operators read it as a draft until that unit verifies it. Answers the
        article's id."""
        self._expert_only("把答复整理成知识")
        today = local(self.clock.now()).date()
        review_by = today + dt.timedelta(days=editing.REVIEW_PERIOD_DAYS)
        now = self.clock.now()
        with self.store.write() as s:
            t = self._load(s, number, None)
            h = self._latest(s, t)
            if h.state != "answered":
                raise RuleError("R-KB", "专家尚未答复，答复后才能整理成知识")
            experts = {e.id: e for e in mine(s, self.actor)}
            expert = experts.get(h.answered_by or "")
            if expert is None:
                raise PermissionDenied("只有作答的专家可以把答复整理成知识", rule=RULE)
            if h.article_id:
                raise RuleError("R-KB", f"该答复已整理为知识 {h.article_id}（待责任单位核实）")
            edit = editing.checked(
                editing.ArticleEdit(question, h.answer, h.basis, tuple(tags), review_by), today
            )
            article_id = f"{expert.unit_id}-ex{uuid.uuid4().hex[:8]}"[:40]
            s.add(
                ArticleRow(
                    id=article_id,
                    unit_id=expert.unit_id,
                    question=edit.question,
                    alt_questions=[],
                    answer=edit.answer,
                    basis=edit.basis,
                    domain=t.domain,
                    tags=list(edit.tags),
                    enterprise=False,
                    effective=today,
                    review_by=review_by,
                    status="draft",
                    matter=h.field if h.field not in {d.value for d in Domain} else "",
                    updated_at=now,
                    updated_by=self.actor.name,
                    version=1,
                )
            )
            s.flush()
            # the text waits as a draft for the unit's cross-check (交叉核验): listed with the
            # unit's other drafts (知识维护 → 待核实修改), verified by someone else (R-KB)
            s.add(
                ArticleRevisionRow(
                    article_id=article_id,
                    question=edit.question,
                    answer=edit.answer,
                    basis=edit.basis,
                    tags=list(edit.tags),
                    review_by=review_by,
                    state="draft",
                    edited_by=self.actor.name[:80],
                    edited_at=now,
                )
            )
            h.article_id = article_id
            self._event(
                s, t, "expert_article", edit.question, now, article_id=article_id,
                unit_id=expert.unit_id,
            )  # fmt: skip
            return article_id

    # ------------------------------------------------------------------ helpers
    def _expert_only(self, what: str) -> None:
        if self.actor.role is not Role.EXPERT:
            raise PermissionDenied(f"{self.actor.role.label}不能{what}：由专家座席办理", rule=RULE)

    @staticmethod
    def _latest(s: Session, t: TicketRow) -> ExpertHandoffRow:
        h = s.execute(
            select(ExpertHandoffRow)
            .where(ExpertHandoffRow.ticket_id == t.id)
            .order_by(ExpertHandoffRow.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if h is None:
            raise RuleError(RULE, f"工单 {t.number} 没有转交专家")
        return h

    def _own(
        self,
        s: Session,
        h: ExpertHandoffRow,
        matter_domains: dict[str, str],
        *,
        allow_answered: bool,
    ) -> ExpertRow:
        """The roster entry of this seat that may answer the hand-off, or a refusal."""
        experts = mine(s, self.actor)
        if not experts:
            raise PermissionDenied("您不在专家名册中（由管理部门登记）", rule=RULE)
        if h.expert_id:
            expert = next((e for e in experts if e.id == h.expert_id), None)
        else:
            expert = next((e for e in experts if covers(e, h.field, matter_domains)), None)
        if h.state == "answered" and allow_answered:
            answered = next((e for e in experts if e.id == h.answered_by), None)
            expert = expert or answered
        if expert is None:
            raise PermissionDenied(
                "该咨询转给了其他专家或其他领域的专家队列，您不能查看或答复", rule=RULE
            )
        if h.state != "open" and not allow_answered:
            raise RuleError(RULE, "该咨询已由专家答复")
        return expert

    @staticmethod
    def _names(s: Session, rows: Sequence[ExpertHandoffRow]) -> dict[str, str]:
        ids = {x for h in rows for x in (h.expert_id, h.answered_by) if x}
        if not ids:
            return {}
        return dict(
            s.execute(select(ExpertRow.id, ExpertRow.name).where(ExpertRow.id.in_(ids))).all()
        )


def _takes(s: Session, ticket_ids: Sequence[int]) -> dict[int, dt.datetime]:
    """When each ticket's hand-off was first opened by an expert (接手), where it was."""
    if not ticket_ids:
        return {}
    q = (
        select(EventRow.ticket_id, func.min(EventRow.at))
        .where(EventRow.ticket_id.in_(ticket_ids), EventRow.action == TAKE)
        .group_by(EventRow.ticket_id)
    )
    return {int(i): at for i, at in s.execute(q)}


def _view(
    h: ExpertHandoffRow, t: TicketRow, names: dict[str, str], taken: dt.datetime | None = None
) -> ExpertHandoffView:
    if h.answered_at is not None and (taken is None or h.answered_at < taken):
        taken = h.answered_at  # answered without being opened first
    return ExpertHandoffView(
        number=str(t.number),
        domain=Domain(t.domain),
        matter_type=t.matter_type,
        text=t.text,
        caller_masked=mask_phone(t.caller_phone),
        field=h.field,
        field_label=h.field_label,
        reasons=tuple(h.reasons or ()),
        expert_id=h.expert_id or "",
        expert_name=names.get(h.expert_id or "", ""),
        tried=tuple(h.tried or ()),
        ground=h.ground,
        channel=h.channel,
        note=h.note,
        handed_by=h.handed_by,
        handed_at=h.handed_at,
        due_at=h.due_at,
        state=h.state,
        answered_by=names.get(h.answered_by or "", ""),
        answered_at=h.answered_at,
        answer=h.answer,
        basis=h.basis,
        article_id=h.article_id or "",
        version=t.version,
        taken_at=taken,
    )
