"""The one interface screens use: the platform's use cases, plain frozen values in and out.

``LocalBackend`` (console.services.local) runs them over the store; an HTTP implementation
(``hotline serve`` + RemoteBackend) offers the same methods, so a screen never changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Protocol

from console.services.values import Satisfaction, Special
from console.services.views import (
    Actor,
    ArticleDraftView,
    ArticleEditView,
    ArticleFlagView,
    ArticleHit,
    ArticleView,
    CallerHistoryView,
    CallPops,
    ContactView,
    CountedTicket,
    DeskItemView,
    DuePreview,
    DuplicateView,
    EvaluationView,
    ExpertDraft,
    ExpertHandoffView,
    ExpertMeasures,
    ExpertView,
    Finding,
    GroundView,
    HotAlertView,
    HotGroupView,
    Intake,
    KpiReport,
    LiveChanges,
    Page,
    PolicyHitView,
    PolicyPushReport,
    PolicySubscriptionDraft,
    PolicySubscriptionView,
    PrefilingDraft,
    PrefilingScopeView,
    PrefilingView,
    ReviewDueView,
    SpecialistView,
    TicketView,
    UnitSuggestionView,
    UnitView,
)


class Backend(Protocol):
    """The platform's use cases for one working seat."""

    @property
    def actor(self) -> Actor: ...

    def now(self) -> dt.datetime:
        """The platform's clock (a drill clock when HOTLINE_NOW is set)."""
        ...

    @property
    def drill(self) -> bool:
        """True when the clock is pinned for a drill (the console shows a banner)."""
        ...

    # ---- reference data
    def units(self) -> Sequence[UnitView]: ...
    def grounds(self) -> Sequence[GroundView]: ...
    def prefiling_active(self, at: dt.datetime | None = None) -> Sequence[PrefilingView]: ...
    def due_preview(self, kind: str, start: dt.datetime | None = None) -> Sequence[DuePreview]: ...

    # ---- knowledge (R-KB), routing (R-DISPATCH), duplicates (R-INADMISSIBLE 4, R-TERMINATE)
    def search_kb(
        self, query: str, unit: str | None = None, domain: str | None = None, limit: int = 10
    ) -> Sequence[ArticleHit]:
        """Ranked answers for what the caller says; fast enough for every keystroke."""
        ...

    def article(self, article_id: str) -> ArticleView: ...
    def flag_article(self, article_id: str, problem: str, note: str) -> None:
        """Report an article as "wrong" or "outdated"; it goes to its owner unit."""
        ...

    def article_flags(self) -> Sequence[ArticleFlagView]:
        """Open error reports on the articles this seat keeps: a unit clerk's unit's, or every
        unit's for the manager; other seats are refused (R-KB). Oldest first."""
        ...

    def articles_due_review(self) -> Sequence[ReviewDueView]:
        """Articles this seat keeps whose review-by date is past or within 30 days (R-KB),
        most overdue first; same seats as ``article_flags``."""
        ...

    def resolve_article_flag(self, flag_id: int, outcome: str, note: str) -> None:
        """The owner unit's clerk or the manager answers an error report (R-KB): ``outcome``
        "fixed" (the article was corrected) or "not_wrong", ``note`` the reason. The report
        closes and no longer lowers the unit's 知识库维护率."""
        ...

    def verify_article(
        self, article_id: str, review_by: dt.date | None = None, version: int | None = None
    ) -> int:
        """The owner unit's clerk or the manager verifies an article (R-KB): its pending edit,
        if any, becomes the text operators read — verified by someone other than its editor
        (交叉核验); status verified with who and when; next review on ``review_by`` (default
        the edit's date, else a year on); its open reports close. ``version``: the one the
        seat read (a conflict if it changed since). Answers how many reports closed."""
        ...

    def article_for_edit(self, article_id: str) -> ArticleEditView:
        """The article as its edit form opens it (its pending edit's text if any), with its
        version and history; only its owner unit and the manager (R-KB)."""
        ...

    def edit_article(
        self,
        article_id: str,
        version: int,
        question: str,
        answer: str,
        basis: str,
        tags: Sequence[str],
        review_by: dt.date,
    ) -> ArticleEditView:
        """Save an edit as the article's pending draft (待核实, R-KB); operators keep reading
        the verified text until someone else verifies it. A conflict if the article changed
        since ``version``. Answers the article as the form reopens it."""
        ...

    def article_drafts(self) -> Sequence[ArticleDraftView]:
        """Edits waiting for their cross-check on the articles this seat keeps (its unit's;
        every unit's for the manager), oldest first; other seats are refused (R-KB)."""
        ...

    def suggest_units(
        self, text: str, domain: str | None = None, place: str | None = None, k: int = 3
    ) -> Sequence[UnitSuggestionView]: ...
    def find_duplicates(
        self, text: str, caller_phone: str | None = None, k: int = 5
    ) -> Sequence[DuplicateView]: ...
    def hot_matters(self, limit: int = 20) -> Sequence[HotGroupView]:
        """Groups of tickets on one matter and place, hottest first (R-ANALYTICS); a unit
        clerk sees its own unit's tickets only."""
        ...

    def hot_alerts(self) -> Sequence[HotAlertView]:
        """Sudden and emerging matters of the last hours, newest first (R-ANALYTICS)."""
        ...

    def hot_matter_of(self, number: str) -> HotGroupView | None:
        """The group of tickets on the same matter and place as this ticket (R-ANALYTICS),
        scoped as ``hot_matters``; None when it is the only one. Unavailable until the groups
        are made; asking begins their first look only on a small window
        (``hot_store.QUICK_FIRST_LOOK``), ``hot_matters`` on any."""
        ...

    def match_prefiling(self, text: str, place: str | None = None) -> Sequence[PrefilingView]:
        """Active pre-filed scopes (报备) the call falls in (R-PREFILING)."""
        ...

    # ---- pre-filed scopes (报备, R-PREFILING): filed by a unit, reviewed by the manager
    def prefiling_scopes(self, state: str | None = None) -> Sequence[PrefilingScopeView]:
        """The scopes this seat keeps: its unit's for a unit clerk, every unit's for the
        manager (pending first); other seats are refused (R-PREFILING). ``state``: only
        pending / approved / rejected / withdrawn."""
        ...

    def file_prefiling(self, draft: PrefilingDraft) -> str:
        """A unit clerk files a scope for the clerk's own unit; it waits for the manager's
        review (待审核). Answers the scope's id."""
        ...

    def review_prefiling(self, scope_id: str, approve: bool, note: str = "") -> None:
        """The manager approves a pending scope (matched at intake from then on) or sends it
        back (已退回) with the reason, required then."""
        ...

    def withdraw_prefiling(self, scope_id: str, reason: str) -> None:
        """The unit withdraws its pending or unexpired approved scope (已撤回), with a reason."""
        ...

    # ---- the expert roster (专家座席, R-EXPERT): kept by the manager, read by the seats
    def experts(
        self,
        field: str | None = None,
        on_duty: bool = False,
        include_retired: bool = False,
        kind: str | None = None,
    ) -> Sequence[ExpertView]:
        """The roster: every unit's experts (a unit clerk: its own unit's), those on duty
        first; ``field`` (a domain or matter type, code or name) keeps the experts who cover
        it, ``on_duty`` those whose shift covers now, ``kind`` one kind (expert | policy:
        the 政企通 desk's policy specialists, R-ENTERPRISE)."""
        ...

    def add_expert(self, draft: ExpertDraft) -> str:
        """The manager puts an expert on the roster; answers the expert's id (R-EXPERT)."""
        ...

    def edit_expert(self, expert_id: str, draft: ExpertDraft) -> None:
        """The manager changes an expert's fields, shifts, phone … (R-EXPERT)."""
        ...

    def retire_expert(self, expert_id: str, reason: str) -> None:
        """The manager takes an expert off the roster (退出名册), with the reason."""
        ...

    # ---- consultations handed to an expert (专家座席, R-EXPERT, R-CONSULT, R-KB)
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
        """An operator or shift lead takes a consultation and hands it to an on-duty expert
        covering ``field`` (a domain or matter type, code or name) or, without ``expert_id``,
        to the field's expert queue, with the articles already tried, the ticked ground and
        the caller's consent to be answered by ``channel`` (sms | phone). The R-CONSULT clock
        (24 h) runs from now. Answers the ticket's number."""
        ...

    def expert_queue(self) -> Sequence[ExpertHandoffView]:
        """The open hand-offs an expert answers (its own and its fields' queue), soonest due
        first; the manager and shift leads read all; other seats are refused (R-EXPERT)."""
        ...

    def expert_handoff(self, number: str) -> ExpertHandoffView:
        """A ticket's latest hand-off, open or answered, to the seats that may read it."""
        ...

    def take_handoff(self, number: str) -> ExpertHandoffView:
        """An expert opens a hand-off of its fields: the first opening of an open one takes it
        (接手); again, or once answered, nothing changes. Experts only (R-EXPERT)."""
        ...

    def answer_consultation(
        self, number: str, answer: str, basis: str = "", version: int | None = None
    ) -> None:
        """The expert answers a hand-off: recorded on the ticket, sent to the caller through
        the outbox, the ticket closed as answered (R-CONSULT)."""
        ...

    def capture_article(self, number: str, question: str, tags: Sequence[str] = ()) -> str:
        """The answering expert turns the answer into a draft article of the expert's unit,
        verified by that unit like any draft (R-KB). Answers the article's id."""
        ...

    def expert_handoffs(
        self, field: str | None = None, waiting: bool = False, days: int = 7
    ) -> Sequence[ExpertHandoffView]:
        """The hand-offs made in the last ``days`` days (1–366), newest first, each with its
        clocks (handed, taken, answered, due): ``field`` one field's (domain or matter type),
        ``waiting`` the unanswered only. The manager and shift leads read them; other seats
        are refused (R-EXPERT)."""
        ...

    def expert_measures(self, period: str, unit: str | None = None) -> ExpertMeasures:
        """The expert seats' measures of a period ("2026Q4", "2026", "2026-11"): queue wait and
        answer time (count, mean, p50, p90) overall, per field and per unit, the answers turned
        into draft and verified articles, and policy push reach. Read as the unit KPIs are: the
        manager, supervisors, auditors and shift leads every unit's; a unit clerk its own
        (another unit's is refused, R-SECURITY); other seats are refused."""
        ...

    # ---- policy subscriptions and push (精准推送, R-ENTERPRISE)
    def policy_subscriptions(self, include_ended: bool = False) -> Sequence[PolicySubscriptionView]:
        """The live subscriptions (with ``include_ended`` the ended too), newest first; the
        numbers masked for every seat but the manager. Unit clerks, experts … are refused."""
        ...

    def subscribe_policy(self, draft: PolicySubscriptionDraft) -> str:
        """Enter a subscription with the subscriber's consent; answers its id (ps-…)."""
        ...

    def unsubscribe_policy(self, subscription_id: str, reason: str) -> int:
        """End a subscription (退订); answers how many of its messages not yet sent were
        withdrawn."""
        ...

    def policy_push_report(self, period: str) -> PolicyPushReport:
        """What policy push sent in a period (2026, 2026Q4, 2026-12): per article version,
        the subscribers reached (a unit clerk: its own unit's articles)."""
        ...

    # ---- the 政企通 desk (R-ENTERPRISE): enterprise requests followed one to one
    def desk(self, which: str = "all") -> Sequence[DeskItemView]:
        """The desk's enterprise requests: ``mine`` (those this policy specialist follows),
        ``unassigned``, ``all`` (open, the nearest clock first) or ``done`` (assignments
        closed, newest first). Policy specialists and the manager only."""
        ...

    def specialists(self) -> Sequence[SpecialistView]:
        """The desk's policy specialists, on duty first, with the tickets each follows now."""
        ...

    def claim_enterprise(self, number: str, version: int | None = None) -> None:
        """A policy specialist takes an enterprise ticket nobody follows (认领); a ticket has
        one specialist at a time (R-ENTERPRISE)."""
        ...

    def assign_specialist(
        self, number: str, specialist_id: str, reason: str, version: int | None = None
    ) -> None:
        """The manager or the desk lead assigns (分配) an enterprise ticket to a policy
        specialist, or moves it to another (改派), with the reason."""
        ...

    def follow_enterprise(self, number: str, note: str, version: int | None = None) -> None:
        """The specialist following the ticket records a follow-up (跟进) on its timeline."""
        ...

    def policy_search(
        self,
        query: str = "",
        industries: Sequence[str] = (),
        sizes: Sequence[str] = (),
        regions: Sequence[str] = (),
        limit: int = 20,
    ) -> Sequence[PolicyHitView]:
        """Policy articles for an enterprise by industry, size and region (an article naming
        none concerns all), ranked by ``query`` when one is given (R-ENTERPRISE, R-KB)."""
        ...

    # ---- evaluations (考核评价, R-GRADES): computed and published by the manager
    def evaluations(self, period: str | None = None) -> Sequence[EvaluationView]:
        """The evaluations (without grades), newest first; ``period`` 2026Q4 or 2026. A unit
        clerk sees published ones only; seats other than the manager, supervisors, auditors
        and unit clerks are refused (R-GRADES)."""
        ...

    def evaluation(self, evaluation_id: str) -> EvaluationView:
        """One evaluation with every unit's score, grade and KPI figures, best first; a unit
        clerk gets its own unit's line of a published one."""
        ...

    def draft_evaluation(self, period: str, reason: str = "") -> str:
        """The manager computes the period's draft from the units' KPIs under the grade policy
        (recomputed in place while a draft); after publication, a correction needs the reason
        and becomes the next version. Answers its id."""
        ...

    def publish_evaluation(self, evaluation_id: str) -> None:
        """The manager publishes a draft; a published evaluation never changes."""
        ...

    def discard_evaluation(self, evaluation_id: str) -> None:
        """The manager deletes a draft that will not be published."""
        ...

    def accountability(self, period: str, unit: str | None = None) -> Sequence[Finding]:
        """The period's leads under Art. 25 (推诿退单, 督办不落实, 完成质量差, 知识库维护), oldest
        first: every unit's for the manager, supervisors and auditors; a unit clerk's own."""
        ...

    # ---- intake (each creates a ticket and returns its number)
    def refuse(self, intake: Intake, ground: int, reason: str, basis: str = "") -> str: ...
    def answer(
        self,
        intake: Intake,
        article_id: str | None,
        note: str = "",
        confirmed: Sequence[str] = (),
    ) -> str:
        """Answer a consultation on the spot (R-CONSULT). ``confirmed``: what the operator
        knowingly accepted of the article (ANSWER_CONCERNS: a draft, past review, low
        confidence); a draft or overdue article is refused unless confirmed (R-KB)."""
        ...

    def promise_callback(self, intake: Intake, note: str = "") -> str: ...
    def explain_prefiled(self, intake: Intake, scope_id: str) -> str: ...
    def transfer(self, intake: Intake, target_line: str, target_is_city_line: bool) -> str: ...
    def accept(
        self,
        intake: Intake,
        unit_id: str | None = None,
        co_unit_ids: Sequence[str] = (),
        special: Special = Special.NONE,
    ) -> str: ...

    # ---- tickets
    def ticket(self, number: str) -> TicketView: ...
    def queue(self, name: str, offset: int = 0, limit: int = 50) -> Page: ...
    def queue_counts(self, names: Sequence[str]) -> dict[str, int]: ...
    def tickets_by_phone(self, phone: str, limit: int = 20) -> Page:
        """The tickets of a caller's number this seat may see, newest first, callers masked."""
        ...

    def caller_history(self, phone: str, limit: int = 10) -> CallerHistoryView:
        """Beside an intake: the caller's earlier tickets (masked), whether they asked for
        confidentiality before, and their terminated matters (R-TERMINATE)."""
        ...

    # ---- live updates
    def live_changes(
        self, after: int | None, wait: float = 0.0, kb_after: int | None = None
    ) -> LiveChanges:
        """The ticket changes this seat may see after event cursor ``after`` and the article
        changes after ``kb_after`` (None: just the cursors), waiting up to ``wait`` seconds
        for one."""
        ...

    def live_feed(
        self, after: int | None, kb_after: int | None = None, wait: float = 0.0
    ) -> Iterator[LiveChanges]:
        """The live changes as they come, from the cursors (None: from now): each answer of
        :meth:`live_changes` in turn — over HTTP the server's push (Server-Sent Events). The
        iterator may end (ask again from the last answer's cursors)."""
        ...

    # ---- screen-pop (CTI)
    def call_pops(self, seat: str, after: int | None, wait: float = 0.0) -> CallPops:
        """Calls answered at telephony seat ``seat`` after event cursor ``after`` (None: the
        first question), waiting up to ``wait`` seconds for one; intake seats only."""
        ...

    def search_tickets(
        self,
        number: str = "",
        phone: str = "",
        text: str = "",
        since: dt.date | None = None,
        until: dt.date | None = None,
        unit: str = "",
        state: str = "",
        offset: int = 0,
        limit: int = 50,
    ) -> Page:
        """工单查询: the tickets this seat may see matching every given criterion (number or
        part of it, caller phone, words of the request, created between two dates inclusive,
        responsible unit, state), newest first, paged; callers masked."""
        ...

    def reveal_contact(self, number: str, reason: str) -> ContactView:
        """The caller's full phone and ID number, with a reason; audited (R-CONFIDENTIAL)."""
        ...

    def claim_next(self, queue: str) -> str | None:
        """Claim the next free ticket of a work queue for this seat (None: queue empty)."""
        ...

    def release(self, number: str) -> None:
        """Give a ticket this seat claimed back to its queue."""
        ...

    def dispatch(
        self, number: str, unit_id: str, co_unit_ids: Sequence[str] = (), version: int | None = None
    ) -> None: ...
    def sign(self, number: str, version: int | None = None) -> None: ...
    def return_ticket(
        self, number: str, reason: str, basis: str, version: int | None = None
    ) -> None: ...
    def review_return(
        self,
        number: str,
        approve: bool,
        reason: str,
        new_unit_id: str | None = None,
        co_unit_ids: Sequence[str] = (),
        version: int | None = None,
    ) -> None: ...
    def designate_lead(
        self,
        number: str,
        lead_unit_id: str,
        co_unit_ids: Sequence[str],
        reason: str = "",
        version: int | None = None,
    ) -> None: ...
    def first_response(self, number: str, note: str, version: int | None = None) -> None: ...
    def report_progress(self, number: str, note: str, version: int | None = None) -> None: ...
    def report_co_part(self, number: str, note: str, version: int | None = None) -> None:
        """协办反馈: a co-unit records its part of a complex matter (R-COMPLEX)."""
        ...

    def mark_law_case(self, number: str, note: str, version: int | None = None) -> None:
        """Art. 20: the ticket is an administrative-mediation or law-enforcement case, not
        scored on satisfaction (the manager; R-DISSATISFIED-OUTCOMES)."""
        ...

    def withdraw_law_case(self, number: str, note: str, version: int | None = None) -> None:
        """The manager takes back an Art. 20 finding made in error, with the reason."""
        ...

    def urge(self, number: str, note: str, version: int | None = None) -> None:
        """催办: the manager or a supervisor presses the unit holding the ticket."""
        ...

    def request_completion(
        self,
        number: str,
        contact_method: str,
        contact_date: dt.date | None,
        handling: str,
        version: int | None = None,
    ) -> None: ...
    def review_completion(
        self, number: str, approve: bool, reason: str = "", version: int | None = None
    ) -> None: ...
    def request_extension(
        self, number: str, days: int, reason: str, version: int | None = None
    ) -> None: ...
    def review_extension(
        self, number: str, approve: bool, reason: str = "", version: int | None = None
    ) -> None: ...
    def request_termination(
        self, number: str, opinion: str, version: int | None = None
    ) -> None: ...
    def review_termination(
        self, number: str, approve: bool, reason: str, version: int | None = None
    ) -> None: ...
    def answer_callback(self, number: str, answer: str, version: int | None = None) -> None: ...
    def record_callback(
        self,
        number: str,
        result: Satisfaction | None,
        method: str = "manual",
        note: str = "",
        version: int | None = None,
    ) -> None: ...
    def settle_callbacks(self) -> list[str]: ...
    def decide_dissatisfied(
        self, number: str, decision: str, reason: str, version: int | None = None
    ) -> None: ...

    def merge_ticket(
        self, number: str, master: str, reason: str = "", version: int | None = None
    ) -> None:
        """并单: merge ticket ``number`` into the master ticket ``master`` on the same matter;
        its clocks stop and its caller is told the master's outcome on call-back. The manager,
        or the unit handling both (console.services.tickets.merging)."""
        ...

    # ---- the shift lead's board (班长): special incidents (R-SPECIAL, R-SPECIAL-REPORT)
    def renotify(self, number: str, note: str = "", version: int | None = None) -> int:
        """Send a special incident's notices again (unit SMS and phone, duty office,
        emergency); returns the re-send number. Shift lead and manager only."""
        ...

    def escalate(self, number: str, reason: str, version: int | None = None) -> None:
        """Report a special incident to the manager (省优化办). Shift lead and manager only."""
        ...

    def add_note(self, number: str, note: str, version: int | None = None) -> None:
        """A line of text on the ticket's timeline. Shift lead and manager only."""
        ...

    # ---- supervision (督办)
    def open_supervision(
        self, number: str, ground: int, method: str, note: str, version: int | None = None
    ) -> int: ...
    def reply_supervision(self, supervision_id: int, reply: str) -> None: ...
    def extend_supervision(self, supervision_id: int, days: int, reason: str) -> None: ...
    def close_supervision(self, supervision_id: int, note: str) -> None: ...

    # ---- evaluation (R-UNIT-KPI)
    def unit_kpis(self, period: str, unit: str | None = None) -> KpiReport:
        """The five unit indicators of a period ("2026Q4", "2026", "2026-11"), every unit's
        or one unit's: the manager, supervisors and auditors see every unit, a unit clerk only
        its own (another unit's is refused, R-SECURITY); other seats are refused."""
        ...

    def kpi_latest(self, period: str) -> KpiReport | None:
        """The period's unit KPIs as last computed, at once, without computing (``as_of``
        says when they stood; None: never computed); scoped like ``unit_kpis``."""
        ...

    def kpi_tickets(self, period: str, unit: str, indicator: str) -> Sequence[CountedTicket]:
        """The tickets that count against ``unit``'s figure of ``indicator`` in the period
        (R-UNIT-KPI), oldest first, each with why; scoped like ``unit_kpis``."""
        ...
