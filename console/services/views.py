"""Plain frozen values that cross the Backend boundary (screens never see ORM rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from console.services.values import CallerType, Domain, Kind, Role, Source, Special


@dataclass(frozen=True)
class Actor:
    """Who is working at a seat: their name, role and (for a unit clerk) unit."""

    seat: str
    name: str
    role: Role
    unit_id: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name}（{self.role.label}）"


SYSTEM_ACTOR = Actor(seat="system", name="系统", role=Role.SYSTEM)


@dataclass(frozen=True)
class Intake:
    """What the operator has typed about a call (the same shape as a saved draft)."""

    kind: Kind
    domain: Domain
    text: str
    caller_phone: str = ""
    caller_name: str = ""
    caller_type: CallerType = CallerType.PERSON
    enterprise_name: str = ""
    caller_id_number: str = ""
    confidential: bool = False
    source: Source = Source.CITY_TRANSFER
    source_line: str = ""  # e.g. "长沙12345"
    place: str = ""
    matter_type: str = ""
    repeat_of: str = ""  # number of an earlier ticket on the same matter
    # the caller refused to leave a number: recorded, and it lets a call-back or dispatch go
    # ahead without one
    phone_declined: bool = False
    incident_summary: str = ""  # the operator's summary of a special/urgent incident (Art. 18)
    # also report a special/urgent incident to its local government (当地人民政府, Art. 18)
    notify_government: bool = False
    # the telephony's call this request came in on (a screen-pop fills them; R-SOURCE)
    call_source: str = ""
    call_id: str = ""

    @property
    def reachable(self) -> bool:
        """Someone can call the caller back (R-CONSULT, R-DISPATCH): a number, the caller's
        refusal on record, or no caller at all (a task assigned by the provincial committee
        or government). The one statement of the rule: the backend refuses and the intake
        screen warns by it."""
        has_number = bool(self.caller_phone.strip())
        return has_number or self.phone_declined or self.source is Source.ASSIGNED


@dataclass(frozen=True)
class ClockView:
    key: str
    rule: str
    name: str
    started_at: dt.datetime
    due_at: dt.datetime
    amount: int
    unit: str
    extension_wd: int
    provisional: bool
    running: bool
    met_at: dt.datetime | None
    overdue: bool
    why: str  # "why is it due then", one paragraph in Chinese
    explanation: tuple[str, ...] = ()
    """The same, less its head (name, rule, due moment): one short sentence per line (start,
    limit, days counted, holidays skipped, extension), for a pane that shows the head apart."""


@dataclass(frozen=True)
class EventView:
    at: dt.datetime
    actor: str
    role: Role
    unit_id: str | None
    action: str
    label: str
    reason: str
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionView:
    """An action on a ticket, and whether this seat may take it now (if not, why)."""

    action: str
    label: str
    allowed: bool
    why_not: str = ""  # the whole refusal: "[R-id] reason；可以：…"
    rule: str = ""  # the refusal's R-id, and its reason alone (what the list of actions shows)
    reason: str = ""
    targets: tuple[
        int, ...
    ] = ()  # a supervision action: the supervisions it may act on, latest first


@dataclass(frozen=True)
class TicketSummary:
    number: str
    kind: Kind
    domain: Domain
    state: str
    state_label: str
    special: Special
    unit_id: str | None
    caller: str  # masked as the seat's role requires
    title: str
    created_at: dt.datetime
    next_due: dt.datetime | None
    next_rule: str
    overdue: bool
    complex: bool
    pending: str
    version: int
    bureau: str = ""
    """For a ticket with a city 优化办: the city bureau it forwards the ticket to (as
    ``TicketView.bureau``), or ""."""


@dataclass(frozen=True)
class TicketView:
    number: str
    kind: Kind
    domain: Domain
    matter_type: str
    source: Source
    source_line: str
    caller_type: CallerType
    caller_name: str
    caller_phone: str
    caller_id_number: str
    enterprise_name: str
    confidential: bool
    place: str
    text: str
    state: str
    state_label: str
    special: Special
    complex: bool
    return_count: int
    completion_rejections: int
    late_reply: bool
    late_return: bool
    overdue: bool
    unit_id: str | None
    co_unit_ids: tuple[str, ...]
    pending: str
    pending_data: dict[str, str]
    refusal_ground: int | None
    article_id: str | None
    prefiling_id: str | None
    satisfaction: str
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str
    version: int
    clocks: tuple[ClockView, ...]
    events: tuple[EventView, ...]
    actions: tuple[ActionView, ...] = ()
    supervisions: tuple[SupervisionView, ...] = ()
    notifications: tuple[NotificationView, ...] = ()
    merged_into: str = ""
    """The master ticket this one was merged into (并单), or ""."""
    merged: tuple[str, ...] = ()
    """Tickets merged into this one, in merge order."""
    call: str = ""
    """The telephony's call this ticket was taken on, ``source/call_id`` (R-SOURCE), or ""."""
    recording_id: str = ""
    """That call's recording (kept by the telephony at least 12 months, R-ARCHIVE), or ""."""
    specialist: str = ""
    """The policy specialist following this enterprise request now (政企通, R-ENTERPRISE), or
    ""."""
    bureau: str = ""
    """For a ticket with a city 优化办: the kind of city bureau it forwards the ticket to, the
    one the ticket's matter type names in the matter catalogue (事项清单), or ""."""


@dataclass(frozen=True)
class SupervisionView:
    id: int
    ground: int
    method: str
    unit_id: str
    note: str
    state: str
    extended: bool
    reply: str
    opened_at: dt.datetime
    due_at: dt.datetime | None
    overdue: bool


class NotificationStatus(StrEnum):
    """Where an outbound notification (a row of the outbox) stands."""

    DELIVERED = "delivered"  # 已送达
    PENDING = "pending"  # 待发送: not tried yet
    RETRYING = "retrying"  # 重试中: tried, failed, tried again later
    GIVEN_UP = "given_up"  # 已放弃: the last allowed attempt failed; never sent again


@dataclass(frozen=True)
class NotificationView:
    """Who was notified of a ticket, how and when (R-SPECIAL, R-SPECIAL-REPORT, R-EXTEND …).

    ``target_label`` is ready to show: a unit's name, a fixed office, or the caller's phone
    masked as the seat may see it (（保密） for a confidential caller seen by the unit).
    """

    id: int
    channel: str  # sms | phone | duty_office | emergency | supervision_platform
    channel_label: str
    target_label: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    attempts: int
    status: NotificationStatus
    status_label: str
    last_error: str = ""
    next_attempt_at: dt.datetime | None = None
    gave_up_at: dt.datetime | None = None


@dataclass(frozen=True)
class Page:
    """A window of a queue: the rows, where it starts and how many there are in all."""

    rows: tuple[TicketSummary, ...]
    offset: int
    total: int


@dataclass(frozen=True)
class UnitView:
    id: str
    name: str
    full_name: str
    category: str
    city: str
    subcentre: bool
    hotline: str
    contact_role: str
    domains: tuple[str, ...]
    duties: tuple[str, ...]
    keywords: tuple[str, ...]
    duty_phone: str = ""  # 值班电话 (Art. 18)
    duty_sms: str = ""  # 值班短信号码


@dataclass(frozen=True)
class GroundView:
    number: int
    title: str
    script: str
    basis: str


@dataclass(frozen=True)
class PrefilingView:
    id: str
    unit_id: str
    reason: str
    title: str
    region: str
    starts: dt.datetime
    ends: dt.datetime
    explanation: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class PrefilingDraft:
    """What a unit files as a pre-filed scope (报备, R-PREFILING): a matter the operators
    answer with the unit's explanation instead of dispatching it, while the scope lasts."""

    title: str
    reason: str
    """force_majeure（不可抗力，如恶劣天气）, special_work（特殊工作要求） or malicious
    （服务对象恶意诉求）: the grounds Art. 17 allows."""
    keywords: tuple[str, ...]
    region: str
    starts: dt.datetime
    ends: dt.datetime
    explanation: str
    """The script (答复口径) an operator reads to a caller whose matter falls in the scope."""


@dataclass(frozen=True)
class PrefilingScopeView:
    """A pre-filed scope with its review (R-PREFILING): 待审核 (pending) → 已通过 (approved) or
    已退回 (rejected, with the manager's reason); 已撤回 (withdrawn) by its unit. Only an
    approved scope within its dates (``current``) is matched at intake."""

    id: str
    unit_id: str
    unit_name: str
    reason: str
    reason_label: str
    title: str
    keywords: tuple[str, ...]
    region: str
    starts: dt.datetime
    ends: dt.datetime
    explanation: str
    state: str  # "pending" | "approved" | "rejected" | "withdrawn"
    state_label: str
    current: bool
    filed_by: str
    filed_at: dt.datetime | None
    reviewed_by: str
    reviewed_at: dt.datetime | None
    review_note: str
    withdrawn_by: str
    withdrawn_at: dt.datetime | None
    withdraw_reason: str


@dataclass(frozen=True)
class DuePreview:
    """What to tell a caller: each clock that would start now, with its due moment."""

    rule: str
    name: str
    due: dt.datetime
    provisional: bool


@dataclass(frozen=True)
class ArticleHit:
    """A ranked knowledge answer. Spans are (start, end) offsets to highlight — never markup."""

    article_id: str
    unit_id: str
    unit_name: str
    question: str
    snippet: str
    score: float
    status: str  # "draft" | "verified" (R-KB)
    question_spans: tuple[tuple[int, int], ...] = ()
    snippet_spans: tuple[tuple[int, int], ...] = ()
    why: tuple[str, ...] = ()
    confidence: float = 1.0  # the judge's probability that it is on topic (confidence.py)
    sure: bool = True  # shown as an answer; False: only "possibly related"
    related: bool = True  # possibly related (confidence.RELATED): offered at intake if not sure
    review_by: dt.date | None = None  # past it, the article is due for review (R-KB)


@dataclass(frozen=True)
class ArticleRevisionView:
    """One saved edit of an article (R-KB): who saved it and when, who verified it and when.

    ``state``: ``draft`` (待核实, operators still read the text before it), ``verified``
    (已核实, the text operators read from ``verified_at`` on) or ``superseded`` (已被后续修改
    取代, never verified).
    """

    id: int
    state: str
    state_label: str
    edited_by: str
    edited_at: dt.datetime
    verified_by: str = ""
    verified_at: dt.datetime | None = None


@dataclass(frozen=True)
class ArticleEditView:
    """An article opened for editing by its owner unit or the manager (R-KB).

    The text is the pending draft's when there is one (``draft`` set), else the article as
    operators read it. ``version`` is what a save or a verification must name: if someone
    saved or verified in between, it is refused as a conflict (the form keeps its text).
    """

    article_id: str
    unit_id: str
    unit_name: str
    version: int
    question: str
    answer: str
    basis: str
    tags: tuple[str, ...]
    review_by: dt.date
    status: str  # of the article operators read: "draft" | "verified"
    draft: ArticleRevisionView | None
    verified_by: str
    verified_at: dt.datetime | None
    history: tuple[ArticleRevisionView, ...]
    """Every saved edit, newest first."""


@dataclass(frozen=True)
class ArticleDraftView:
    """An edit waiting for its cross-check (交叉核验): someone other than its editor verifies."""

    article_id: str
    unit_id: str
    unit_name: str
    question: str
    edited_by: str
    edited_at: dt.datetime
    version: int
    review_by: dt.date
    """The next review date the editor set (offered when verifying)."""


@dataclass(frozen=True)
class ArticleView:
    id: str
    unit_id: str
    unit_name: str
    question: str
    alt_questions: tuple[str, ...]
    answer: str
    basis: str
    domain: str
    tags: tuple[str, ...]
    enterprise: bool
    effective: dt.date
    review_by: dt.date
    status: str
    review_overdue: bool
    version: int = 0
    verified_by: str = ""
    verified_at: dt.datetime | None = None
    draft_pending: bool = False
    """An edit is waiting for its cross-check; what is shown is still the text before it."""
    history: tuple[ArticleRevisionView, ...] = ()
    """Every saved edit, newest first (who edited, who verified, when)."""


@dataclass(frozen=True)
class ArticleFlagView:
    """An open report that an article is wrong or outdated, waiting for its owner unit (R-KB)."""

    id: int
    article_id: str
    unit_id: str
    unit_name: str
    question: str
    problem: str  # "wrong" | "outdated"
    problem_label: str
    note: str
    flagged_by: str
    at: dt.datetime
    age_days: int
    """Calendar days (Asia/Shanghai) since the report; past 7 it lowers the upkeep rate."""


@dataclass(frozen=True)
class ReviewDueView:
    """An article whose review-by date is past or near (R-KB)."""

    article_id: str
    unit_id: str
    unit_name: str
    question: str
    review_by: dt.date
    days_overdue: int
    """Days past the review-by date; 0 or less: due in that many days (not yet late)."""
    status: str  # "draft" | "verified"


@dataclass(frozen=True)
class UnitSuggestionView:
    """A proposed destination (R-DISPATCH): the unit to dispatch to ("" while a city target's
    city is unknown), the catalogue target, the city bureau a city 优化办 forwards it to and
    the matter type (事项类型) it stands for."""

    unit_id: str
    unit_name: str
    score: float
    reasons: tuple[str, ...]
    target: str = ""
    bureau: str = ""
    matter: str = ""


@dataclass(frozen=True)
class DuplicateView:
    number: str
    score: float
    same_caller: bool
    state: str
    terminated: bool
    reason: str  # the whole explanation, one sentence (score and state included)
    places: tuple[str, ...] = ()
    """The named places both requests share (estate, road, shop …)."""
    ground4: bool = False
    """The same caller's matter, accepted and not ended: ground 4 applies unless the caller
    brings new facts (R-INADMISSIBLE)."""


@dataclass(frozen=True)
class ContactView:
    """A caller's unmasked identity, revealed with a reason and audited (R-CONFIDENTIAL)."""

    number: str  # the ticket
    caller_name: str
    caller_phone: str
    caller_id_number: str
    enterprise_name: str
    confidential: bool


# ---------------------------------------------------------------- unit KPIs (R-UNIT-KPI)
@dataclass(frozen=True)
class KpiFigure:
    """One indicator of a unit for a period (console.services.analytics.kpi defines it)."""

    indicator: str
    name: str
    numerator: int
    denominator: int
    rate: float | None
    """numerator / denominator; None when the denominator is 0 (nothing to rate)."""


@dataclass(frozen=True)
class UnitKpis:
    unit_id: str
    unit_name: str
    figures: tuple[KpiFigure, ...]

    def figure(self, indicator: str) -> KpiFigure:
        return next(f for f in self.figures if f.indicator == indicator)


@dataclass(frozen=True)
class KpiReport:
    """The unit KPIs of a period: a year, a quarter or a month (``end`` exclusive).

    ``as_of``: the moment the figures stand at (None: the period as a whole); ``stored``: read
    from the figures kept when they were last computed (a period over is computed once; the
    current one is shown as last computed while it is computed again)."""

    period: str
    start: dt.date
    end: dt.date
    units: tuple[UnitKpis, ...]
    as_of: dt.datetime | None = None
    stored: bool = False


@dataclass(frozen=True)
class CountedTicket:
    """One item of an indicator for a unit: the ticket, whether it counted in its favour, why not."""

    number: str
    at: dt.datetime
    ok: bool
    why: str


# ---------------------------------------------------------------- accountability (Art. 25)
@dataclass(frozen=True)
class Finding:
    """One occurrence the manager may act on (Art. 25)."""

    ground: int
    ground_label: str
    unit_id: str
    unit_name: str
    number: str  # the ticket ("" for the knowledge base)
    at: dt.datetime
    what: str


# ---------------------------------------------------------------- evaluation (R-GRADES)
@dataclass(frozen=True)
class Figure:
    """One indicator of one unit in a period: numerator over denominator."""

    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """The share, or None when nothing could be counted (denominator 0)."""
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class UnitGradeView:
    unit_id: str
    unit_name: str
    score: float | None
    grade: str | None
    figures: Mapping[str, Figure] = field(default_factory=dict)

    @property
    def grade_label(self) -> str:
        return self.grade or "评价数据不足"


@dataclass(frozen=True)
class EvaluationView:
    id: str
    period: str
    version: int
    state: str
    computed_at: dt.datetime
    computed_by: str
    published_at: dt.datetime | None
    published_by: str
    reason: str
    supersedes: str | None
    superseded_by: str | None
    policy: dict[str, Any]  # the grade policy it was computed with (grades.GradePolicy.to_json)
    grades: tuple[UnitGradeView, ...] = ()

    @property
    def state_label(self) -> str:
        if self.superseded_by:
            return "已被更正"
        return {"draft": "草稿", "published": "已发布"}.get(self.state, self.state)


@dataclass(frozen=True)
class HotGroupView:
    """A group of tickets on one matter and place, with its heat (R-ANALYTICS)."""

    group_id: int
    heat: float
    callers: int  # distinct callers
    tickets: int
    repeats: int  # tickets beyond one per caller
    growth: int  # callers new to the group in the last days
    first_at: dt.datetime
    last_at: dt.datetime
    summary: str  # the caller's words, shortened: show literally
    places: tuple[str, ...] = ()
    matter: str = ""
    numbers: tuple[str, ...] = ()
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class HotAlertView:
    """A sudden (突发) or emerging (苗头) matter, for the shift lead's board (R-ANALYTICS)."""

    kind: str  # "sudden" | "emerging"
    label: str  # 突发 | 苗头
    group_id: int
    at: dt.datetime
    callers: int
    numbers: tuple[str, ...]
    summary: str  # the caller's words, shortened: show literally
    places: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class ExpertDraft:
    """An expert of a unit's expert team as the manager enters it (R-EXPERT).

    ``fields`` are domains (``Domain`` codes or labels: 公共服务 …) and matter types of the
    catalogue (ids or names: 公交线路 …); ``shifts`` are duty times such as ``工作日
    09:00-17:30``, ``每天 20:00-08:00`` or ``周六,周日 09:00-17:00`` (see experts.shifts). An
    item may hold several: fields apart by 、 or commas, shifts by ``;``."""

    name: str
    unit_id: str
    fields: tuple[str, ...]
    shifts: tuple[str, ...]
    phone: str = ""
    seat: str = ""  # the seat name the expert signs in with, when the expert has one
    note: str = ""
    kind: str = "expert"  # expert (专家座席) | policy (政策专员, the 政企通 desk)
    desk_lead: bool = False  # a policy specialist who assigns the desk's tickets


@dataclass(frozen=True)
class ExpertView:
    """An expert on the roster, with whether a shift covers the moment it was read."""

    id: str
    name: str
    unit_id: str
    unit_name: str
    fields: tuple[str, ...]  # codes: domain values and matter ids
    field_labels: tuple[str, ...]  # the same in Chinese
    shifts: tuple[str, ...]  # canonical: "workdays 09:00-17:30"
    shift_labels: tuple[str, ...]  # 工作日 09:00–17:30
    phone: str
    seat: str
    note: str
    active: bool
    on_duty: bool
    added_by: str
    added_at: dt.datetime
    changed_by: str = ""
    changed_at: dt.datetime | None = None
    retired_by: str = ""
    retired_at: dt.datetime | None = None
    retire_reason: str = ""
    kind: str = "expert"  # expert | policy (政策专员)
    kind_label: str = "专家"
    desk_lead: bool = False

    def serves(self, actor: Actor) -> bool:
        """Whether this entry may be the expert seat ``actor``'s (see ``on_roster``)."""
        return self.active and on_roster(self.seat, self.name, actor)


def on_roster(seat: str, name: str, actor: Actor) -> bool:
    """Whether a roster entry (its seat account, its name) may be this expert seat's: the
    entry naming the seat, or an entry without a seat bearing the seat's name (R-EXPERT)."""
    return seat in (actor.seat, actor.name) if seat else name == actor.name


@dataclass(frozen=True)
class CallPop:
    """A call just answered at a seat (screen-pop): what the intake form is opened with."""

    source: str
    call_id: str
    caller_phone: str  # whole: the form records it (the seat is the one talking to the caller)
    caller_masked: str  # as every other screen shows a number (R-CONFIDENTIAL)
    line: str
    seat: str
    answered_at: dt.datetime | None
    recording_id: str = ""


@dataclass(frozen=True)
class CallPops:
    """Calls answered at a seat after a cursor, and the cursor to ask from next time."""

    cursor: int
    calls: tuple[CallPop, ...] = ()


@dataclass(frozen=True)
class CallerHistoryView:
    """A caller's earlier tickets beside the intake form (R-TERMINATE, R-CONFIDENTIAL)."""

    tickets: tuple[TicketSummary, ...]
    total: int
    confidential_before: bool
    """The caller asked for confidentiality on an earlier ticket of this number."""


@dataclass(frozen=True)
class TicketChange:
    """One entry added to a ticket's timeline, as the live feed tells the consoles of it: which
    ticket, what was done, its unit and whether it is a special incident — never a caller's
    words (the console reads the ticket itself when it shows it)."""

    id: int
    number: str
    action: str
    unit_id: str | None
    special: Special
    at: dt.datetime


EXPERT_QUEUE_ACTIONS = frozenset({"hand_to_expert", "expert_take", "expert_answer"})
"""The timeline entries that change an expert queue (a hand-off, its take, its answer)."""
EDITED_ACTION = "edit_article"
VERIFIED_ACTION = "verify_article"
FLAG_RESOLVED_ACTION = "resolve_article_flag"


@dataclass(frozen=True)
class ArticleChange:
    """A change of a knowledge article, as the live feed tells the consoles of it: which
    article, what was done (``edit_article`` a draft saved, ``verify_article`` a text published
    or a review renewed, ``resolve_article_flag`` an error report answered), its owner unit and
    version — never its text (a screen that shows the article reads it again)."""

    id: int
    article_id: str
    action: str
    unit_id: str | None
    version: int | None
    at: dt.datetime
    seat: str = ""  # the seat that made the change


@dataclass(frozen=True)
class LiveChanges:
    """The changes after a cursor that this seat may see, and the cursors to ask from next:
    ``cursor`` over the tickets' timeline, ``kb_cursor`` over the knowledge base's changes."""

    cursor: int
    changes: tuple[TicketChange, ...] = ()
    kb_cursor: int = 0
    articles: tuple[ArticleChange, ...] = ()

    @property
    def news(self) -> bool:
        return bool(self.changes or self.articles)


@dataclass(frozen=True)
class PolicySubscriptionDraft:
    """A policy subscription as a seat enters it (精准推送, R-ENTERPRISE).

    ``kind`` enterprise or citizen; ``consent``: the subscriber agreed to receive the
    messages (required; a citizen's without it is refused, R-CONFIDENTIAL). Criteria left
    empty mean "any"; an item may hold several words apart by 、 or commas."""

    kind: str
    name: str
    phone: str
    consent: bool
    industries: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicySubscriptionView:
    """A subscription as the keepers read it (the number masked but for the manager)."""

    id: str
    kind: str
    kind_label: str
    name: str
    phone: str
    industries: tuple[str, ...]
    sizes: tuple[str, ...]
    regions: tuple[str, ...]
    topics: tuple[str, ...]
    added_by: str
    added_at: dt.datetime
    ended_at: dt.datetime | None = None
    end_reason: str = ""


@dataclass(frozen=True)
class PolicyPushLine:
    """One policy article's pushes in a period: to how many subscribers, how many sent,
    waiting, withdrawn or given up."""

    article_id: str
    version: int
    unit_id: str
    question: str
    pushed: int
    delivered: int
    waiting: int
    not_sent: int  # given up or withdrawn by an unsubscription
    first_at: dt.datetime


@dataclass(frozen=True)
class PolicyPushReport:
    """The manager's count of policy push (R-ENTERPRISE): per article version, and totals."""

    start: dt.datetime
    end: dt.datetime
    lines: tuple[PolicyPushLine, ...]
    subscriptions: int  # live at the period's end
    unsubscribed: int  # ended within the period

    @property
    def pushed(self) -> int:
        return sum(line.pushed for line in self.lines)

    @property
    def delivered(self) -> int:
        return sum(line.delivered for line in self.lines)


@dataclass(frozen=True)
class ExpertHandoffView:
    """A consultation handed to an expert (R-EXPERT, R-CONSULT), as the expert's queue shows it:
    the caller's words (literal), what the operator already tried, the caller's consent to be
    called back, and the clock (``due_at``: the R-CONSULT limit, 24 hours from the hand-off)."""

    number: str
    domain: Domain
    matter_type: str
    text: str  # the caller's words, as typed: shown with markup off
    caller_masked: str
    field: str  # a domain value or a matter id
    field_label: str
    reasons: tuple[str, ...]  # why routing suggested the field
    expert_id: str  # "" when handed to the field's expert queue
    expert_name: str
    tried: tuple[str, ...]  # the articles the operator had on screen: "id：question"
    ground: str  # the inadmissibility checklist's ticked ground, "" if none
    channel: str  # sms | phone: how the caller agreed to be answered
    note: str
    handed_by: str
    handed_at: dt.datetime
    due_at: dt.datetime
    state: str  # open | answered
    answered_by: str = ""  # the answering expert's name
    answered_at: dt.datetime | None = None
    answer: str = ""
    basis: str = ""
    article_id: str = ""
    version: int = 0  # the ticket's version (optimistic concurrency)
    taken_at: dt.datetime | None = None  # an expert first opened it (接手), else the answer's


# ---------------------------------------------------------------- the 政企通 desk (R-ENTERPRISE)
@dataclass(frozen=True)
class SpecialistView:
    """A policy specialist (政策专员) of the 政企通 desk, with the enterprise tickets it
    follows now (``live``)."""

    id: str
    name: str
    unit_id: str
    unit_name: str
    seat: str
    on_duty: bool
    desk_lead: bool
    live: int


@dataclass(frozen=True)
class DeskItemView:
    """An enterprise request on the 政企通 desk: the ticket as a queue shows it (caller masked,
    the nearest running clock) and the policy specialist following it, if any.

    ``assignment``: live (跟进中) | closed (已结束) | "" (未分配); ``how``: claim (认领) |
    assign (分配) | reassign (改派)."""

    ticket: TicketSummary
    enterprise_name: str
    assignment: str = ""
    specialist_id: str = ""
    specialist_name: str = ""
    how: str = ""
    reason: str = ""
    assigned_by: str = ""
    assigned_at: dt.datetime | None = None
    follow_ups: int = 0
    last_follow_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    close_reason: str = ""


@dataclass(frozen=True)
class PolicyHitView:
    """A policy article (政企通 policy knowledge base, or tagged 政策) found by the desk's
    filters, with what it was read to concern: empty industries / sizes / regions mean every
    industry, size, or the whole province."""

    article_id: str
    unit_id: str
    unit_name: str
    question: str
    snippet: str
    status: str  # draft | verified (R-KB)
    industries: tuple[str, ...]
    sizes: tuple[str, ...]
    regions: tuple[str, ...]
    score: float = 0.0
    review_by: dt.date | None = None


@dataclass(frozen=True)
class DurationStats:
    """How long a set of hand-offs took, in seconds: how many, the mean and the nearest-rank
    median and 90th percentile (None when there are none)."""

    count: int
    mean_s: float | None
    p50_s: float | None
    p90_s: float | None


@dataclass(frozen=True)
class ExpertMeasureLine:
    """The expert seats' measures of one field, one unit or all (R-EXPERT, R-KB) in a period.

    ``handed``: hand-offs made in the period; ``wait``: hand-off → taken (an expert opened it,
    or answered it unopened), over the hand-offs taken in the period; ``answer``: hand-off →
    answered, over those answered in the period; ``drafted`` / ``verified``: of those answers,
    how many were turned into a draft article / whose article the owner unit has verified;
    ``untaken``: hand-offs of the period not yet taken at its end."""

    key: str  # field code or unit id; "" for all
    label: str
    handed: int
    untaken: int
    wait: DurationStats
    answer: DurationStats
    drafted: int
    verified: int
    draft_share: float | None  # drafted / answered
    verified_share: float | None  # verified / answered


@dataclass(frozen=True)
class PolicyPushReach:
    """Policy push (R-ENTERPRISE) in the same period, from the push report: article versions
    pushed, messages queued, delivered and not sent, and the subscriptions live at its end."""

    articles: int
    pushed: int
    delivered: int
    not_sent: int
    subscriptions: int
    unsubscribed: int
    reach: float | None  # delivered / pushed


@dataclass(frozen=True)
class ExpertMeasures:
    """The expert seats' measures of a period (R-EXPERT, R-CONSULT, R-KB, R-ENTERPRISE): all
    hand-offs, per field and per unit (the unit of the expert who answered or was named;
    "" while a field's queue hand-off is unanswered), and policy push reach."""

    period: str
    start: dt.date
    end: dt.date  # exclusive
    unit: str | None  # one unit's measures, or None: every unit's
    total: ExpertMeasureLine
    fields: tuple[ExpertMeasureLine, ...]
    units: tuple[ExpertMeasureLine, ...]
    push: PolicyPushReach
