"""SQLAlchemy 2.0 typed models of the platform's records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from console.store.types import UTCDateTime

# The queue indexes (migration 0003, PostgreSQL only) are partial on the obligation clocks
# (console.services.tickets.commands.OBLIGATIONS) and the open states (console.services.tickets.queries
# .OPEN_STATES); tests/store/test_claims.py keeps these lists equal to those.
QUEUE_OBLIGATIONS = (
    "sign",
    "limit",
    "consult",
    "first_response",
    "progress",
    "supervise",
    "callback_auto",
    "callback_manual",
)
QUEUE_OPEN_STATES = (
    "callback_promised",
    "accepted",
    "dispatched",
    "handling",
    "return_requested",
    "completion_requested",
    "completed",
    "dissatisfied",
)
_RUNNING_OBLIGATION = text(
    "running IS true AND key IN (" + ", ".join(f"'{k}'" for k in QUEUE_OBLIGATIONS) + ")"
)
_OUTBOX_DUE = text("delivered_at IS NULL AND gave_up_at IS NULL")
_OPEN_STATE = text("state IN (" + ", ".join(f"'{s}'" for s in QUEUE_OPEN_STATES) + ")")
_PENDING = text("pending <> ''")
_FROM_SUBCENTRE = text("source = 'subcentre'")
_HAS_TICKET = text("ticket_number IS NOT NULL")
# the KPIs' rows of one deciding action or deadline each (R-UNIT-KPI, migration 0027)
_KPI_APPROVED = "action = 'completion_approved'"
_KPI_REQUESTS = "action = 'request_completion'"
_KPI_LIMIT = "key = 'limit' AND supervision_id IS NULL"
_KPI_SIGN = "key = 'sign' AND supervision_id IS NULL"


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class UnitRow(Base):
    """A handling unit (承办单位) of the dispatch catalogue (派单目录)."""

    __tablename__ = "units"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    full_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(40), default="")
    subcentre: Mapped[bool] = mapped_column(Boolean, default=False)
    hotline: Mapped[str] = mapped_column(String(20), default="")
    contact_role: Mapped[str] = mapped_column(String(200), default="")
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    duties: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 值班电话 / 值班短信号码: where a special incident's phone and SMS notices go (Art. 18)
    duty_phone: Mapped[str] = mapped_column(String(20), default="", server_default="")
    duty_sms: Mapped[str] = mapped_column(String(20), default="", server_default="")


class DutyOfficeRow(Base):
    """A government duty office (值班室) that receives special-incident reports (Art. 18):
    the provincial government's 总值班室 (``city`` empty) and each city's 人民政府 (当地人民政府).
    Not a handling unit: nothing is dispatched to it."""

    __tablename__ = "duty_offices"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(40), default="")
    duty_phone: Mapped[str] = mapped_column(String(20), default="")
    duty_sms: Mapped[str] = mapped_column(String(20), default="")


class BureauRow(Base):
    """A kind of city bureau the city 优化办 forwards local matters to (事项清单)."""

    __tablename__ = "bureaus"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    duties: Mapped[list[str]] = mapped_column(JSON, default=list)


class MatterRow(Base):
    """A matter type of the matter catalogue (事项清单): owner and the law that sets it."""

    __tablename__ = "matters"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    domain: Mapped[str] = mapped_column(String(30))
    owner: Mapped[str] = mapped_column(String(60))  # a unit id or "city:<bureau id>"
    also: Mapped[list[str]] = mapped_column(JSON, default=list)
    basis: Mapped[str] = mapped_column(Text, default="")
    describe: Mapped[str] = mapped_column(Text, default="")
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RoutingModelRow(Base):
    """A trained routing model (`hotline model train`): plain arrays, versioned by id."""

    __tablename__ = "routing_models"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trained_at: Mapped[dt.datetime] = mapped_column()
    trained_by: Mapped[str] = mapped_column(String(100), default="")
    format: Mapped[str] = mapped_column(String(40))
    examples: Mapped[int] = mapped_column(Integer, default=0)
    history_mark: Mapped[int] = mapped_column(Integer, default=0)  # newest ticket id learned
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    blob: Mapped[bytes] = mapped_column(LargeBinary)


class ArticleRow(Base):
    """A knowledge article owned by a unit (R-KB)."""

    __tablename__ = "articles"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    alt_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text, default="")
    domain: Mapped[str] = mapped_column(String(30))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    enterprise: Mapped[bool] = mapped_column(Boolean, default=False)
    effective: Mapped[dt.date] = mapped_column(Date)
    review_by: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    matter: Mapped[str] = mapped_column(String(40), default="")  # 事项清单 id, if one
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(String(80), default="seed")
    # optimistic versioning of upkeep (migration 0011): every saved edit and every
    # verification adds one; an edit or verification made on an older version is refused
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    verified_by: Mapped[str | None] = mapped_column(String(80))
    verified_at: Mapped[dt.datetime | None]


class ArticleRevisionRow(Base):
    """An edit of an article by its owner unit or the manager (R-KB), kept as history.

    ``draft`` (待核实) until someone other than its editor verifies it (交叉核验): only then
    is its text copied onto the article operators read. A later edit of a pending draft
    leaves it ``superseded``.
    """

    __tablename__ = "article_revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    review_by: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12), default="draft")
    edited_by: Mapped[str] = mapped_column(String(80))
    edited_at: Mapped[dt.datetime]
    verified_by: Mapped[str | None] = mapped_column(String(80))
    verified_at: Mapped[dt.datetime | None]


class ArticleFlagRow(Base):
    """An operator's report that an article is wrong or outdated; goes to its owner unit."""

    __tablename__ = "article_flags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    problem: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    flagged_by: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime]
    resolved_at: Mapped[dt.datetime | None]


class GroundRow(Base):
    """One of the ten inadmissibility grounds (R-INADMISSIBLE) and its script."""

    __tablename__ = "grounds"
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    script: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text)
    examples: Mapped[list[str]] = mapped_column(JSON, default=list)


class PrefilingRow(Base):
    """A pre-filed scope (报备, R-PREFILING)."""

    __tablename__ = "prefiling_scopes"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    region: Mapped[str] = mapped_column(String(40), default="")
    starts: Mapped[dt.datetime]
    ends: Mapped[dt.datetime]
    explanation: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(80), default="seed")
    # filed by a unit and reviewed by the manager (migration 0011); seed scopes are approved
    state: Mapped[str] = mapped_column(String(12), default="approved", server_default="approved")
    filed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    reviewed_by: Mapped[str] = mapped_column(String(80), default="", server_default="")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    withdrawn_by: Mapped[str] = mapped_column(String(80), default="", server_default="")
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    withdraw_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class ExpertRow(Base):
    """An expert of a unit's expert team on the platform's expert seats (专家座席, R-EXPERT):
    the fields (domains and matter types) the expert covers and the shifts on duty."""

    __tablename__ = "experts"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    shifts: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone: Mapped[str] = mapped_column(String(20), default="")
    seat: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[dt.datetime]
    changed_by: Mapped[str] = mapped_column(String(80), default="")
    changed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    retired_by: Mapped[str] = mapped_column(String(80), default="")
    retired_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    retire_reason: Mapped[str] = mapped_column(Text, default="")
    # expert (专家座席, R-EXPERT) or policy (政策专员 of the 政企通 desk, R-ENTERPRISE);
    # desk_lead: a policy specialist who assigns and reassigns the desk's tickets
    kind: Mapped[str] = mapped_column(String(10), default="expert", server_default="expert")
    desk_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class EnterpriseAssignmentRow(Base):
    """An enterprise ticket assigned to one policy specialist (政企通一对一, R-ENTERPRISE,
    Art. 29), who follows it to its end. ``live`` until the ticket ends or it is reassigned;
    a ticket has at most one live assignment (the partial unique index)."""

    __tablename__ = "enterprise_assignments"
    __table_args__ = (
        Index(
            "uq_enterprise_assignments_live",
            "ticket_id",
            unique=True,
            sqlite_where=text("state = 'live'"),
            postgresql_where=text("state = 'live'"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    specialist_id: Mapped[str] = mapped_column(ForeignKey("experts.id"), index=True)
    state: Mapped[str] = mapped_column(String(8), default="live", index=True)  # live | closed
    how: Mapped[str] = mapped_column(String(10))  # claim | assign | reassign
    reason: Mapped[str] = mapped_column(Text, default="")
    assigned_by: Mapped[str] = mapped_column(String(80))
    assigned_at: Mapped[dt.datetime]
    follow_ups: Mapped[int] = mapped_column(Integer, default=0)
    last_follow_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str] = mapped_column(String(80), default="")
    close_reason: Mapped[str] = mapped_column(String(20), default="")  # ended | reassigned


class ExpertHandoffRow(Base):
    """A consultation handed to an expert (专家座席, R-EXPERT, R-CONSULT): to one on-duty expert
    or to a field's expert queue, with what the operator already tried and the caller's consent
    to be called back; answered by an expert, whose answer may become a draft article (R-KB)."""

    __tablename__ = "expert_handoffs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))  # a domain value or a matter id
    field_label: Mapped[str] = mapped_column(String(60))
    expert_id: Mapped[str | None] = mapped_column(ForeignKey("experts.id"), index=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # why the field was suggested
    tried: Mapped[list[str]] = mapped_column(JSON, default=list)  # "id\tquestion" per article
    ground: Mapped[str] = mapped_column(Text, default="")  # the checklist's ticked ground, if any
    channel: Mapped[str] = mapped_column(String(8))  # sms | phone: how the caller consented
    note: Mapped[str] = mapped_column(Text, default="")
    handed_by: Mapped[str] = mapped_column(String(80))
    handed_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime]
    state: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | answered
    answered_by: Mapped[str | None] = mapped_column(String(40))  # the expert's roster id
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    answer: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(Text, default="")
    article_id: Mapped[str | None] = mapped_column(String(40), default=None)


class KpiSnapshotRow(Base):
    """A period's unit KPIs as last computed (R-UNIT-KPI), all units: the ticket indicators'
    numerators and denominators by unit. A period over is computed once and kept (``final``:
    its inputs no longer change); the current period keeps its latest computation, read while
    it is computed again. ``definitions`` is the digest of the indicators' statements: figures
    kept under other definitions are never read."""

    __tablename__ = "kpi_snapshots"
    __table_args__ = (
        UniqueConstraint("period", "definitions", "final", name="uq_kpi_snapshots_period"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(20))
    definitions: Mapped[str] = mapped_column(String(64))
    final: Mapped[bool] = mapped_column(Boolean)
    as_of: Mapped[dt.datetime]
    computed_at: Mapped[dt.datetime]
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PolicySubscriptionRow(Base):
    """An enterprise (or, with consent, a citizen) that asked for policy articles by
    industry, size, region or topic (精准推送, R-ENTERPRISE, Art. 29)."""

    __tablename__ = "policy_subscriptions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # enterprise | citizen
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40), index=True)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    industries: Mapped[list[str]] = mapped_column(JSON, default=list)
    sizes: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[dt.datetime]
    ended_by: Mapped[str] = mapped_column(String(80), default="")
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None, index=True)
    end_reason: Mapped[str] = mapped_column(Text, default="")


class PolicyPushRow(Base):
    """One policy article (at one version) pushed to one subscription: written with the
    article's verification, once (a version is never pushed twice to anyone)."""

    __tablename__ = "policy_pushes"
    __table_args__ = (
        UniqueConstraint("article_id", "version", "subscription_id", name="uq_policy_pushes_once"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("policy_subscriptions.id"), index=True)
    unit_id: Mapped[str] = mapped_column(String(40), index=True)  # the article's owner
    outbox_key: Mapped[str] = mapped_column(String(80))
    pushed_at: Mapped[dt.datetime] = mapped_column(index=True)


class CallRow(Base):
    """A call the telephony reported (R-SOURCE): who called, which line transferred it, which
    seat took it, its recording, and when it rang, was answered, transferred and ended."""

    __tablename__ = "calls"
    __table_args__ = (UniqueConstraint("source", "call_id", name="uq_calls_source_call"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(40))
    call_id: Mapped[str] = mapped_column(String(80))
    caller_phone: Mapped[str] = mapped_column(String(40), default="", index=True)
    line: Mapped[str] = mapped_column(String(40), default="")
    seat: Mapped[str] = mapped_column(String(80), default="")
    recording_id: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[str] = mapped_column(String(12))
    rang_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    transferred_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    updated_at: Mapped[dt.datetime]


class CallEventRow(Base):
    """One call event as the telephony sent it (kept whole: a resent event changes nothing)."""

    __tablename__ = "call_events"
    __table_args__ = (UniqueConstraint("source", "event_id", name="uq_call_events_source_event"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(80))
    call_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(12))
    at: Mapped[dt.datetime]
    received_at: Mapped[dt.datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SynonymRow(Base):
    __tablename__ = "synonyms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    terms: Mapped[list[str]] = mapped_column(JSON)


class CalendarScheduleRow(Base):
    """An official holiday schedule for a year, loaded from a file (`hotline calendar load`)."""

    __tablename__ = "calendar_schedules"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    official: Mapped[bool] = mapped_column(Boolean, default=True)
    published: Mapped[dt.date | None] = mapped_column(Date)
    holidays: Mapped[dict[str, Any]] = mapped_column(JSON)  # ISO date → name
    workdays: Mapped[dict[str, Any]] = mapped_column(JSON)  # ISO date → name
    loaded_at: Mapped[dt.datetime]
    loaded_by: Mapped[str] = mapped_column(String(80))


class TicketRow(Base):
    """A ticket (工单): one request from intake to archive."""

    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    domain: Mapped[str] = mapped_column(String(30))
    matter_type: Mapped[str] = mapped_column(String(60), default="")
    source: Mapped[str] = mapped_column(String(20))
    source_line: Mapped[str] = mapped_column(String(40), default="")
    caller_type: Mapped[str] = mapped_column(String(12), index=True)
    caller_name: Mapped[str] = mapped_column(String(100), default="")
    caller_phone: Mapped[str] = mapped_column(String(30), default="", index=True)
    caller_id_number: Mapped[str] = mapped_column(String(30), default="")
    enterprise_name: Mapped[str] = mapped_column(String(200), default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str] = mapped_column(String(60), default="")
    text: Mapped[str] = mapped_column(Text)
    # the operator's own summary of an incident (time, place, scale, actions so far) on a
    # special/urgent ticket, kept apart from the caller's words (R-SPECIAL-REPORT, Art. 18)
    incident_summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    # the operator chose to notify the incident's local government too (当地人民政府, Art. 18)
    notify_government: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    state: Mapped[str] = mapped_column(String(24), index=True)
    special: Mapped[str] = mapped_column(String(10), default="none")
    complex: Mapped[bool] = mapped_column(Boolean, default=False)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    completion_rejections: Mapped[int] = mapped_column(Integer, default=0)
    late_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    late_return: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    first_received_at: Mapped[dt.datetime | None]
    pending: Mapped[str] = mapped_column(String(12), default="")  # "", "extension", "termination"
    pending_data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    extension_wd: Mapped[int] = mapped_column(Integer, default=0)
    refusal_ground: Mapped[int | None]
    article_id: Mapped[str | None] = mapped_column(String(40))
    prefiling_id: Mapped[str | None] = mapped_column(String(40))
    repeat_of: Mapped[str | None] = mapped_column(String(20))
    # calls.id of the call this ticket was taken on (CTI, R-SOURCE), if any; set only from a
    # call record that exists (telephony.pops.link_call), and call records are never deleted
    call_ref: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    satisfaction: Mapped[str] = mapped_column(String(12), default="")
    callback_attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(80))  # seat working on it (work queues)
    claimed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, default=1)

    co_units: Mapped[list[CoUnitRow]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", lazy="selectin"
    )
    clocks: Mapped[list[ClockRow]] = relationship(
        back_populates="ticket",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ClockRow.id",
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # open tickets by state and unit, id included: queue counts and windows index-only
        Index(
            "ix_queue_tickets_open",
            "state",
            "unit_id",
            postgresql_include=["id"],
            postgresql_where=_OPEN_STATE,
        ),
        # the few tickets with a pending extension or termination request
        Index("ix_queue_tickets_pending", "pending", postgresql_where=_PENDING),
        # a ticket's unit and matter type without its row: the KPIs score a period's outcomes
        # to the ticket's unit (migration 0028, PostgreSQL only)
        Index("ix_tickets_id_unit", "id", postgresql_include=["unit_id", "matter_type"]),
        # the tickets transferred from a sub-centre, by its line (its KPIs, R-SUBCENTRE-KPI)
        Index(
            "ix_tickets_subcentre_line",
            "source_line",
            postgresql_where=_FROM_SUBCENTRE,
            sqlite_where=_FROM_SUBCENTRE,
        ),
    )


class CoUnitRow(Base):
    """A co-operating unit (配合单位) of a complex ticket led by ``tickets.unit_id`` (R-COMPLEX)."""

    __tablename__ = "ticket_co_units"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)
    ticket: Mapped[TicketRow] = relationship(back_populates="co_units")


class MergeRow(Base):
    """A ticket merged (并单) into a master ticket on the same matter: its clocks stopped, its
    caller told the master's outcome on call-back (console.services.tickets.merging)."""

    __tablename__ = "ticket_merges"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    master_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    merged_at: Mapped[dt.datetime]
    merged_by: Mapped[str] = mapped_column(String(80))


class ClockRow(Base):
    """A running or finished deadline of a ticket, with the rule that sets it."""

    __tablename__ = "clocks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    rule: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime] = mapped_column(index=True)
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(8))  # "wd" | "hours"
    extension_wd: Mapped[int] = mapped_column(Integer, default=0)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    running: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    met_at: Mapped[dt.datetime | None]
    supervision_id: Mapped[int | None] = mapped_column(ForeignKey("supervisions.id"))
    ticket: Mapped[TicketRow] = relationship(back_populates="clocks")

    __table_args__ = (
        Index("ix_clocks_running_due", "running", "due_at"),
        # the KPIs (R-UNIT-KPI, migration 0017): a period's sign deadlines, a round's limit
        Index(
            "ix_clocks_key_due",
            "key",
            "due_at",
        ),
        Index(
            "ix_clocks_ticket_key",
            "ticket_id",
            "key",
            postgresql_include=["met_at", "due_at", "started_at", "supervision_id"],
        ),
        # a round's limit and a period's sign deadlines, each partial (migration 0027)
        Index(
            "ix_clocks_limit_ticket",
            "ticket_id",
            postgresql_include=["met_at", "due_at"],
            postgresql_where=text(_KPI_LIMIT),
            sqlite_where=text(_KPI_LIMIT),
        ),
        Index(
            "ix_clocks_sign_due",
            "due_at",
            postgresql_include=["ticket_id", "started_at", "met_at"],
            postgresql_where=text(_KPI_SIGN),
            sqlite_where=text(_KPI_SIGN),
        ),
        # running obligation clocks only (~1 % of all clocks): by due moment for due_soon and
        # overdue, by ticket for a ticket's next deadline (queue order)
        Index("ix_queue_clocks_due", "due_at", "ticket_id", postgresql_where=_RUNNING_OBLIGATION),
        Index(
            "ix_queue_clocks_ticket", "ticket_id", "due_at", postgresql_where=_RUNNING_OBLIGATION
        ),
    )


class EventRow(Base):
    """An entry of a ticket's timeline: who did what, when and why (append-only)."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    # a period's call-backs, approvals and redos, for the KPIs (R-UNIT-KPI)
    __table_args__ = (
        Index("ix_events_action_at", "action", "at", postgresql_include=["ticket_id", "details"]),
        Index(
            "ix_events_ticket_action",
            "ticket_id",
            "action",
            "id",
            postgresql_include=["at", "unit_id"],
        ),
        # a period's completion approvals and a ticket's completion requests (migration 0027)
        Index(
            "ix_events_approved_at",
            "at",
            postgresql_include=["ticket_id", "id"],
            postgresql_where=text(_KPI_APPROVED),
            sqlite_where=text(_KPI_APPROVED),
        ),
        Index(
            "ix_events_requests_ticket",
            "ticket_id",
            "id",
            postgresql_include=["at", "unit_id"],
            postgresql_where=text(_KPI_REQUESTS),
            sqlite_where=text(_KPI_REQUESTS),
        ),
    )


class SupervisionRow(Base):
    """A supervision ticket (督办工单, R-SUPERVISE-HOW) about one ticket."""

    __tablename__ = "supervisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    ground: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="open")
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    reply: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[dt.datetime]
    opened_by: Mapped[str] = mapped_column(String(80))
    closed_at: Mapped[dt.datetime | None]


class OutboxRow(Base):
    """A message to send (SMS, phone notice, duty-office report), written with its event.
    A policy push (精准推送) belongs to no ticket: ``ticket_id`` is None."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[dt.datetime]
    delivered_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # delivery by `hotline worker`: the next try is not before next_attempt_at (None: at once);
    # after the last allowed attempt the row is given up (kept, shown, never sent again)
    next_attempt_at: Mapped[dt.datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    gave_up_at: Mapped[dt.datetime | None]

    __table_args__ = (
        # the worker's scan: undelivered rows still to try, oldest first (a sliver of the table)
        Index(
            "ix_outbox_due",
            "id",
            "next_attempt_at",
            postgresql_where=_OUTBOX_DUE,
            sqlite_where=_OUTBOX_DUE,
        ),
    )


class RecordingRow(Base):
    """A call recording reference (R-ARCHIVE: kept at least 12 months)."""

    __tablename__ = "recordings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    uri: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime]
    purged_at: Mapped[dt.datetime | None]


class DraftRow(Base):
    """An intake being typed, saved as the operator types (a crash loses nothing)."""

    __tablename__ = "intake_drafts"
    seat: Mapped[str] = mapped_column(String(80), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime]


class SeatRow(Base):
    """A working seat and its token (only a hash is stored; the token is shown once)."""

    __tablename__ = "seats"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class SubcentreCallRow(Base):
    """A call taken at a sub-centre's own line (12333, 12348 …), as the sub-centre reports it
    (R-SUBCENTRE, Art. 27/30): the source of 接通率 and 在线办结率 (R-SUBCENTRE-KPI).

    ``(unit_id, record_id)`` is the sub-centre's own record id: a record sent again is the
    same row (console.services.subcentre.calls). The caller's phone is kept as tickets keep
    theirs (digits, masked when shown).
    """

    __tablename__ = "subcentre_calls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    record_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[dt.datetime]
    answered: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime]
    seat: Mapped[str] = mapped_column(String(40), default="")
    caller_phone: Mapped[str] = mapped_column(String(30), default="")
    # "first_contact" (在线办结), "ticket" (转办/生成工单), "none" (未接通或无结果)
    outcome: Mapped[str] = mapped_column(String(16))
    ticket_number: Mapped[str | None] = mapped_column(String(20))
    own_ticket_id: Mapped[str] = mapped_column(String(64), default="")
    received_at: Mapped[dt.datetime]
    received_by: Mapped[str] = mapped_column(String(80))

    __table_args__ = (
        UniqueConstraint("unit_id", "record_id", name="uq_subcentre_calls_record"),
        # a sub-centre's calls of a period (its KPIs)
        Index("ix_subcentre_calls_period", "unit_id", "started_at"),
        # the platform tickets a sub-centre's calls were passed on as (its ticket KPIs)
        Index(
            "ix_subcentre_calls_ticket",
            "unit_id",
            "ticket_number",
            postgresql_where=_HAS_TICKET,
            sqlite_where=_HAS_TICKET,
        ),
    )


class AuditRow(Base):
    """An append-only audit record (R-SECURITY, R-ARCHIVE), chained by hash."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    seat: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(60), default="", index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    origin: Mapped[str] = mapped_column(String(100), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # "sha256": the unkeyed chain of records written before migration 0010; "hmac": keyed
    # (HMAC-SHA256 under a key kept outside the database), with the digest of the recorded
    # event or seat row so that a row changed behind the platform's back is found
    scheme: Mapped[str] = mapped_column(String(8), default="sha256", server_default="sha256")
    digest: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # on the last record of a ticket's events in a transaction: the ticket as committed
    ticket_digest: Mapped[str] = mapped_column(String(64), default="", server_default="")


__all__ = [
    "AuditRow",
    "SeatRow",
    "ArticleFlagRow",
    "ArticleRow",
    "Base",
    "CalendarScheduleRow",
    "ClockRow",
    "CoUnitRow",
    "DraftRow",
    "EventRow",
    "GroundRow",
    "MergeRow",
    "OutboxRow",
    "PrefilingRow",
    "RecordingRow",
    "SupervisionRow",
    "SynonymRow",
    "TicketRow",
    "UnitRow",
    "SubcentreCallRow",
]


class EvaluationRow(Base):
    """A quarterly or annual evaluation (考核评价, R-GRADES): a draft until the manager publishes
    it; a published one never changes, a correction is the next version with its reason
    (console.services.analytics.grades)."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("period", "version", name="uq_evaluations_period_version"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), index=True)
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))
    policy: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime]
    computed_by: Mapped[str] = mapped_column(String(80))
    published_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    published_by: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    supersedes: Mapped[str | None] = mapped_column(String(40), default=None)


class EvaluationGradeRow(Base):
    """One unit's score and grade in an evaluation, with the KPI figures it came from."""

    __tablename__ = "evaluation_grades"
    evaluation_id: Mapped[str] = mapped_column(ForeignKey("evaluations.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    grade: Mapped[str | None] = mapped_column(String(12), default=None)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
