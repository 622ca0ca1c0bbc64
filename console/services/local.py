"""LocalBackend: the Backend's use cases run in-process over the store (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.errors import InputError, NotFound, PermissionDenied
from console.services.access import audit
from console.services.calendar.provider import CalendarProvider
from console.services.clock import SHANGHAI, Clock
from console.services.enterprise import push
from console.services.enterprise.desk import DeskService
from console.services.experts import roster
from console.services.experts.handoff import HandoffService
from console.services.inputs import checks_arguments
from console.services.knowledge import changes, editing, prefiling, upkeep
from console.services.knowledge.service import AuditHook, KnowledgeService
from console.services.telephony import pops
from console.services.tickets import claims, live, merging, search, workflow
from console.services.tickets.commands import TicketService
from console.services.tickets.deadlines import clocks_for
from console.services.tickets.queries import Queries
from console.services.tickets.rules import RuleTable
from console.services.values import HOT_ALL_ROLES, Domain, Role, Satisfaction, Special
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
    Figure,
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
from console.store.engine import Store
from console.store.models import GroundRow, PrefilingRow, TicketRow, UnitRow
from console.store.notify import Listener

if TYPE_CHECKING:
    from console.services.analytics.hot_store import HotWatch

INTAKE_TOOL_ROLES = workflow.INTAKE_ROLES | {Role.MANAGER, Role.SUPERVISOR}
"""Who may use the intake tools that look across every unit's tickets: duplicate detection
(same caller, earlier numbers) and unit suggestions learned from past dispatches. The seats
that take calls, the manager (re-dispatches returns, decides dissatisfied tickets) and the
supervisors (R-SUPERVISE-WHEN 3: matters reported many times or by many). A unit clerk, the
auditor and the administrator take no calls and are refused (R-SECURITY)."""


HOT_LIMIT = 500

REVIEW_AHEAD_DAYS = 30
"""Articles whose review falls due within this many days are listed for review already."""

ARGUMENT_COLUMNS = {"article_id": TicketRow.article_id}
"""Arguments stored as given, with the column that bounds them (other text: NUL only)."""


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A time without an offset is Beijing time, as everywhere in the console."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment


def _domain(value: str | None) -> str | None:
    """A domain by value or Chinese label (R-DOMAIN); empty means any."""
    if not value:
        return None
    try:
        return Domain.parse(value).value
    except ValueError:
        names = "、".join(f"{d.value}（{d.label}）" for d in Domain)
        raise InputError("domain", f"没有领域「{value}」，可用：{names}") from None


KPI_READERS = frozenset({Role.MANAGER, Role.SUPERVISOR, Role.AUDITOR, Role.SHIFT_LEAD, Role.SYSTEM})
"""Who reads every unit's KPIs (R-UNIT-KPI; the shift lead on the dashboard); a unit clerk
reads its own unit's."""


MAX_FEED_WAIT = 30.0
_Feed = TypeVar("_Feed", CallPops, LiveChanges)
POP_POLL_S = {"sqlite": 0.05, "postgresql": 0.25}
"""How often a waiting screen-pop looks for a new call event in the store (one indexed read):
the embedded file often (answered → on screen ≤ 300 ms); a shared PostgreSQL, read by every
seat, less (its seats are better served through ``hotline serve``, whose held questions are
woken by the writes themselves)."""
LIVE_POLL_S = {"sqlite": 0.25, "postgresql": 0.5}
"""The same for the live feed (a change on every screen within 1 s)."""
NOTIFIED_POLL_S = 2.0
"""PostgreSQL, while the store's notifications are heard (``console.store.notify``): a feed
looks again at each one, and every this many seconds whatever happens (a safety net)."""


@checks_arguments(ARGUMENT_COLUMNS)  # no NUL, nothing longer than its column (bad input)
@audit.per_call_actor  # every call's writes are audited as this seat (R-SECURITY)
class LocalBackend:
    """Implements ``console.services.backend.Backend`` over a Store for one seat."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        actor: Actor,
        rules: RuleTable | None = None,
        calendar: CalendarProvider | None = None,
        knowledge: KnowledgeService | None = None,
        grades_file: Path | None = None,
        hot: HotWatch | None = None,
    ) -> None:
        self.store = store
        self._grades_file = grades_file
        self.clock = clock
        self._actor = actor
        self.rules = rules or RuleTable.load()
        self.calendar = calendar or CalendarProvider(store)
        self.knowledge = knowledge or KnowledgeService(store)
        self._hot = hot
        self.tickets = TicketService(store, clock, self.calendar, self.rules, actor)
        self.handoffs = HandoffService(store, clock, self.calendar, self.rules, actor)
        self.desk_service = DeskService(store, clock, self.calendar, self.rules, actor)
        self.queries = Queries(store.read, self.calendar, actor)

    # The analytics are imported when first used, not on the console's start-up path.
    @property
    def grades_file(self) -> Path:
        from console.services.analytics import grades

        return self._grades_file or grades.DEFAULT_POLICY_FILE

    @property
    def hot(self) -> HotWatch:
        """The hot-matter tracker of this store, shared by every seat of the process."""
        if self._hot is None:
            from console.services.analytics.hot_store import HotWatch

            self._hot = HotWatch.for_store(self.store)
        return self._hot

    def as_actor(self, actor: Actor) -> LocalBackend:
        """The same platform, acting as another seat (shares store, clock and calendar)."""
        return LocalBackend(
            self.store,
            self.clock,
            actor,
            self.rules,
            self.calendar,
            self.knowledge,
            self.grades_file,
            self.hot,
        )

    @property
    def actor(self) -> Actor:
        return self._actor

    def now(self) -> dt.datetime:
        return self.clock.now()

    @property
    def drill(self) -> bool:
        return self.clock.pinned

    # ---- reference data
    def units(self) -> Sequence[UnitView]:
        with self.store.read() as s:
            rows = s.execute(
                select(UnitRow).where(UnitRow.active.is_(True)).order_by(UnitRow.id)
            ).scalars()
            return [
                UnitView(
                    id=u.id,
                    name=u.name,
                    full_name=u.full_name,
                    category=u.category,
                    city=u.city,
                    subcentre=u.subcentre,
                    hotline=u.hotline,
                    contact_role=u.contact_role,
                    domains=tuple(u.domains),
                    duties=tuple(u.duties),
                    keywords=tuple(u.keywords),
                    duty_phone=u.duty_phone,
                    duty_sms=u.duty_sms,
                )
                for u in rows
            ]

    def grounds(self) -> Sequence[GroundView]:
        with self.store.read() as s:
            rows = s.execute(select(GroundRow).order_by(GroundRow.number)).scalars()
            return [GroundView(g.number, g.title, g.script, g.basis) for g in rows]

    def prefiling_active(self, at: dt.datetime | None = None) -> Sequence[PrefilingView]:
        moment = _aware(at) or self.now()
        with self.store.read() as s:
            rows = s.execute(
                select(PrefilingRow)
                .where(
                    PrefilingRow.state == "approved",
                    PrefilingRow.starts <= moment,
                    PrefilingRow.ends >= moment,
                )
                .order_by(PrefilingRow.id)
            ).scalars()
            return [
                PrefilingView(
                    p.id,
                    p.unit_id,
                    p.reason,
                    p.title,
                    p.region,
                    p.starts,
                    p.ends,
                    p.explanation,
                    tuple(p.keywords),
                )
                for p in rows
            ]

    def due_preview(self, kind: str, start: dt.datetime | None = None) -> Sequence[DuePreview]:
        specs = clocks_for(kind, _aware(start) or self.now(), self.rules, self.calendar())
        return [DuePreview(c.rule, c.name, c.due.due, c.due.provisional) for c in specs]

    # ---- knowledge, routing, duplicates
    def search_kb(
        self, query: str, unit: str | None = None, domain: str | None = None, limit: int = 10
    ) -> Sequence[ArticleHit]:
        return self.knowledge.search(query, unit, _domain(domain), limit)

    def article(self, article_id: str) -> ArticleView:
        return self.knowledge.article(article_id, self.now().astimezone(SHANGHAI).date())

    def flag_article(self, article_id: str, problem: str, note: str) -> None:
        self.knowledge.flag(article_id, problem, note, self.actor.name, self.now())

    def article_flags(self) -> Sequence[ArticleFlagView]:
        unit = self._kb_owner()
        today = self.now().astimezone(SHANGHAI).date()
        return upkeep.open_flags(self.store, today, unit)

    def articles_due_review(self) -> Sequence[ReviewDueView]:
        unit = self._kb_owner()
        today = self.now().astimezone(SHANGHAI).date()
        horizon = today + dt.timedelta(days=REVIEW_AHEAD_DAYS)
        rows = upkeep.review_due(self.store, horizon, unit)
        return [
            ReviewDueView(
                article_id=r.article_id,
                unit_id=r.unit_id,
                unit_name=r.unit_name,
                question=r.question,
                review_by=r.review_by,
                days_overdue=(today - r.review_by).days,
                status=r.status,
            )
            for r in sorted(rows, key=lambda r: (r.review_by, r.article_id))
        ]

    def resolve_article_flag(self, flag_id: int, outcome: str, note: str) -> None:
        """The article's owner unit or the manager answers an error report (R-KB)."""
        self.knowledge.resolve_flag(
            flag_id,
            outcome,
            note,
            self.actor.name,
            self._kb_owner(),
            self.now(),
            audit_with=self._audit(changes.FLAG_RESOLVED),
        )

    def verify_article(
        self, article_id: str, review_by: dt.date | None = None, version: int | None = None
    ) -> int:
        """The owner unit or the manager verifies an article (cross-checked if edited); its
        open reports close (R-KB)."""
        return self.knowledge.verify_article(
            article_id,
            self._kb_owner(),
            self.actor.name,
            self.now(),
            review_by,
            audit_with=self._audit(changes.VERIFIED),
            version=version,
            on_published=push.push_verified,
        )

    def article_for_edit(self, article_id: str) -> ArticleEditView:
        return editing.for_edit(self.store, article_id, self._kb_owner())

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
        """Save an edit as a draft for another to verify (R-KB, see knowledge/editing.py)."""
        owner = self._kb_owner()
        edit = editing.ArticleEdit(question, answer, basis, tuple(tags), review_by)
        editing.save_draft(
            self.store,
            article_id,
            owner,
            version,
            edit,
            self.actor.name,
            self.now(),
            audit_with=self._audit(changes.EDITED),
        )
        return editing.for_edit(self.store, article_id, owner)

    def article_drafts(self) -> Sequence[ArticleDraftView]:
        return editing.drafts(self.store, self._kb_owner())

    def _audit(self, action: str) -> AuditHook:
        """The audit record of a knowledge upkeep command, in its own transaction."""

        def add(session: Session, target: str, detail: dict[str, str | int]) -> None:
            audit.record(session, action, target, dict(detail), self.actor)

        return add

    def _kb_owner(self) -> str | None:
        if self.actor.role is Role.MANAGER:
            return None
        if self.actor.role is Role.UNIT_CLERK and self.actor.unit_id:
            return self.actor.unit_id
        raise PermissionDenied(
            f"{self.actor.role.label}不能维护知识：只有知识的责任单位或管理部门可以", rule="R-KB"
        )

    def suggest_units(
        self, text: str, domain: str | None = None, place: str | None = None, k: int = 3
    ) -> Sequence[UnitSuggestionView]:
        self._intake_tool("派单建议")
        return self.knowledge.suggest_units(text, _domain(domain), place, k)

    def find_duplicates(
        self, text: str, caller_phone: str | None = None, k: int = 5
    ) -> Sequence[DuplicateView]:
        self._intake_tool("重复件检测")
        return self.knowledge.find_duplicates(text, caller_phone, k)

    def _intake_tool(self, label: str) -> None:
        if self.actor.role not in INTAKE_TOOL_ROLES:
            raise PermissionDenied(
                f"{self.actor.role.label}不能使用「{label}」（受理工具，涉及各单位工单）",
                rule="R-SECURITY",
            )

    # ---- hot, sudden and emerging matters (R-ANALYTICS)
    def _hot_scope(self) -> str | None:
        """None: every unit's tickets; a unit clerk: the clerk's own unit only."""
        role = self.actor.role
        if role in HOT_ALL_ROLES:
            return None
        if role is Role.UNIT_CLERK and self.actor.unit_id:
            return self.actor.unit_id
        raise PermissionDenied(
            f"{role.label}不能查看热点与突发事项（涉及各单位工单）", rule="R-SECURITY"
        )

    def hot_matters(self, limit: int = 20) -> Sequence[HotGroupView]:
        if not 1 <= limit <= HOT_LIMIT:
            raise InputError("limit", f"应在 1–{HOT_LIMIT} 之间，收到 {limit}")
        unit = self._hot_scope()
        return self.hot.groups(self.now(), limit=limit, unit_id=unit)

    def hot_alerts(self) -> Sequence[HotAlertView]:
        unit = self._hot_scope()
        return self.hot.alerts(self.now(), unit_id=unit)

    def hot_matter_of(self, number: str) -> HotGroupView | None:
        unit = self._hot_scope()
        if unit is not None:
            self.ticket(number)  # a clerk asks of its own unit's tickets only (R-SECURITY)
        return self.hot.group_with(self.now(), number, unit_id=unit)

    def match_prefiling(self, text: str, place: str | None = None) -> Sequence[PrefilingView]:
        return self.knowledge.match_prefiling(text, place, self.now())

    # ---- pre-filed scopes (R-PREFILING)
    def prefiling_scopes(self, state: str | None = None) -> Sequence[PrefilingScopeView]:
        unit = self._prefiling_keeper()
        return prefiling.list_scopes(self.store, self.now(), unit, state or None)

    def file_prefiling(self, draft: PrefilingDraft) -> str:
        """A unit clerk files a scope for the clerk's own unit (R-PREFILING)."""
        if self.actor.role is not Role.UNIT_CLERK or not self.actor.unit_id:
            raise PermissionDenied(
                f"{self.actor.role.label}不能报备：只有承办单位可以提前报备", rule="R-PREFILING"
            )
        return prefiling.file_scope(
            self.store,
            draft,
            self.actor.unit_id,
            self.actor.name,
            self.now(),
            audit_with=self._audit("prefiling_file"),
        )

    def review_prefiling(self, scope_id: str, approve: bool, note: str = "") -> None:
        """The manager reviews a pending scope (R-PREFILING)."""
        if self.actor.role is not Role.MANAGER:
            raise PermissionDenied(
                f"{self.actor.role.label}不能审核报备：只有管理部门（省优化办）可以",
                rule="R-PREFILING",
            )
        prefiling.review_scope(
            self.store,
            scope_id,
            approve,
            note,
            self.actor.name,
            self.now(),
            audit_with=self._audit("prefiling_approve" if approve else "prefiling_reject"),
        )

    def withdraw_prefiling(self, scope_id: str, reason: str) -> None:
        """The unit withdraws its own scope (R-PREFILING)."""
        if self.actor.role is not Role.UNIT_CLERK or not self.actor.unit_id:
            raise PermissionDenied(
                f"{self.actor.role.label}不能撤回报备：只有报备单位可以", rule="R-PREFILING"
            )
        prefiling.withdraw_scope(
            self.store,
            scope_id,
            self.actor.unit_id,
            reason,
            self.actor.name,
            self.now(),
            audit_with=self._audit("prefiling_withdraw"),
        )

    def _prefiling_keeper(self) -> str | None:
        if self.actor.role is Role.MANAGER:
            return None
        if self.actor.role is Role.UNIT_CLERK and self.actor.unit_id:
            return self.actor.unit_id
        raise PermissionDenied(
            f"{self.actor.role.label}不能查看报备：只有报备单位或管理部门可以", rule="R-PREFILING"
        )

    # ---- the expert roster (专家座席, R-EXPERT)
    def experts(
        self,
        field: str | None = None,
        on_duty: bool = False,
        include_retired: bool = False,
        kind: str | None = None,
    ) -> Sequence[ExpertView]:
        return roster.list_experts(
            self.store,
            self.calendar(),
            self.now(),
            unit_id=roster.reader_unit(self.actor),
            field=field,
            on_duty=on_duty,
            include_retired=include_retired,
            kind=kind,
        )

    def add_expert(self, draft: ExpertDraft) -> str:
        roster.require_keeper(self.actor, "把专家列入名册")
        return roster.add_expert(
            self.store, draft, self.actor.name, self.now(), audit_with=self._audit("expert_add")
        )

    def edit_expert(self, expert_id: str, draft: ExpertDraft) -> None:
        roster.require_keeper(self.actor, "修改专家名册")
        roster.edit_expert(
            self.store,
            expert_id,
            draft,
            self.actor.name,
            self.now(),
            audit_with=self._audit("expert_edit"),
        )

    def retire_expert(self, expert_id: str, reason: str) -> None:
        roster.require_keeper(self.actor, "让专家退出名册")
        roster.retire_expert(
            self.store,
            expert_id,
            reason,
            self.actor.name,
            self.now(),
            audit_with=self._audit("expert_retire"),
        )

    # ---- policy subscriptions and push (精准推送, R-ENTERPRISE)
    def policy_subscriptions(self, include_ended: bool = False) -> Sequence[PolicySubscriptionView]:
        from console.services.enterprise import subscriptions

        return subscriptions.list_subscriptions(self.store, self.actor, include_ended)

    def subscribe_policy(self, draft: PolicySubscriptionDraft) -> str:
        from console.services.enterprise import subscriptions

        return subscriptions.subscribe(
            self.store, draft, self.actor, self.now(), audit_with=self._audit("policy_subscribe")
        )

    def unsubscribe_policy(self, subscription_id: str, reason: str) -> int:
        from console.services.enterprise import subscriptions

        return subscriptions.unsubscribe(
            self.store,
            subscription_id,
            reason,
            self.actor,
            self.now(),
            audit_with=self._audit("policy_unsubscribe"),
        )

    def policy_push_report(self, period: str) -> PolicyPushReport:
        from console.services.analytics.kpi import parse_period
        from console.services.enterprise import push

        parsed = parse_period(period)
        return push.report(self.store, self.actor, parsed.start_at, parsed.end_at)

    # ---- the 政企通 desk (R-ENTERPRISE)
    def desk(self, which: str = "all") -> Sequence[DeskItemView]:
        return self.desk_service.desk(which)

    def specialists(self) -> Sequence[SpecialistView]:
        return self.desk_service.specialists()

    def claim_enterprise(self, number: str, version: int | None = None) -> None:
        self.desk_service.claim(number, version)

    def assign_specialist(
        self, number: str, specialist_id: str, reason: str, version: int | None = None
    ) -> None:
        self.desk_service.assign(number, specialist_id, reason, version)

    def follow_enterprise(self, number: str, note: str, version: int | None = None) -> None:
        self.desk_service.follow(number, note, version)

    def policy_search(
        self,
        query: str = "",
        industries: Sequence[str] = (),
        sizes: Sequence[str] = (),
        regions: Sequence[str] = (),
        limit: int = 20,
    ) -> Sequence[PolicyHitView]:
        from console.services.enterprise.policy_search import policy_search

        return policy_search(
            self.store,
            lambda text, k: self.knowledge.search(text, limit=k),
            query,
            industries,
            sizes,
            regions,
            limit,
        )

    # ---- evaluations (考核评价, R-GRADES)
    def _evaluation_reader(self) -> str | None:
        """None: reads every unit's grades; a unit id: only that unit's, published only."""
        if self.actor.role in (Role.MANAGER, Role.SUPERVISOR, Role.AUDITOR):
            return None
        if self.actor.role is Role.UNIT_CLERK and self.actor.unit_id:
            return self.actor.unit_id
        raise PermissionDenied(
            f"{self.actor.role.label}不能查看考核评价：管理部门、督办人员、审计员或承办单位（本单位）可以",
            rule="R-GRADES",
        )

    def _evaluator(self, what: str) -> None:
        if self.actor.role is not Role.MANAGER:
            raise PermissionDenied(
                f"{self.actor.role.label}不能{what}：只有管理部门（省优化办）可以", rule="R-GRADES"
            )

    def evaluations(self, period: str | None = None) -> Sequence[EvaluationView]:
        from console.services.analytics import grades

        unit = self._evaluation_reader()
        label = grades.parse_period(period).label if period else None
        return grades.list_evaluations(self.store, label, published_only=unit is not None)

    def evaluation(self, evaluation_id: str) -> EvaluationView:
        from console.services.analytics import grades

        unit = self._evaluation_reader()
        view = grades.get_evaluation(self.store, evaluation_id, unit)
        if unit is not None and view.state != "published":
            raise NotFound("考核评价", evaluation_id)  # a draft is the manager's business
        return view

    def draft_evaluation(self, period: str, reason: str = "") -> str:
        from console.services.analytics import grades, kpi

        self._evaluator("计算考核评价")
        when = grades.parse_period(period)
        policy = grades.load_policy(self.grades_file, tuple(kpi.BY_ID))
        report = kpi.unit_kpis(self.store, replace(when, as_of=self.now()))
        figures = {
            u.unit_id: {f.indicator: Figure(f.numerator, f.denominator) for f in u.figures}
            for u in report.units
        }
        return grades.compute_draft(
            self.store,
            when,
            figures,
            policy,
            self.actor.name,
            self.now(),
            reason,
            audit_with=self._audit("evaluation_draft"),
        )

    def publish_evaluation(self, evaluation_id: str) -> None:
        from console.services.analytics import grades

        self._evaluator("发布考核评价")
        grades.publish(
            self.store,
            evaluation_id,
            self.actor.name,
            self.now(),
            audit_with=self._audit("evaluation_publish"),
        )

    def discard_evaluation(self, evaluation_id: str) -> None:
        from console.services.analytics import grades

        self._evaluator("删除考核评价草稿")
        grades.discard(self.store, evaluation_id, audit_with=self._audit("evaluation_discard"))

    def accountability(self, period: str, unit: str | None = None) -> Sequence[Finding]:
        """The period's Art. 25 leads: every unit's for the manager, supervisors and auditors,
        a unit clerk's own unit's only."""
        from console.services.analytics import accountability, kpi

        own = self._evaluation_reader()
        if own is not None:
            if unit not in (None, own):
                raise NotFound("承办单位", unit or "")
            unit = own
        return accountability.findings(self.store, kpi.parse_period(period), self.now(), unit)

    # ---- intake
    def refuse(self, intake: Intake, ground: int, reason: str, basis: str = "") -> str:
        return self.tickets.refuse(intake, ground, reason, basis)

    def answer(
        self,
        intake: Intake,
        article_id: str | None,
        note: str = "",
        confirmed: Sequence[str] = (),
    ) -> str:
        return self.tickets.answer(intake, article_id, note, confirmed)

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
        return self.handoffs.hand_to_expert(
            intake,
            field,
            expert_id,
            consent=consent,
            channel=channel,
            tried=tried,
            ground=ground,
            reasons=reasons,
            note=note,
        )

    def expert_queue(self) -> Sequence[ExpertHandoffView]:
        return self.handoffs.expert_queue()

    def expert_handoff(self, number: str) -> ExpertHandoffView:
        return self.handoffs.handoff(number)

    def take_handoff(self, number: str) -> ExpertHandoffView:
        return self.handoffs.take_handoff(number)

    def answer_consultation(
        self, number: str, answer: str, basis: str = "", version: int | None = None
    ) -> None:
        self.handoffs.answer_consultation(number, answer, basis, version)

    def capture_article(self, number: str, question: str, tags: Sequence[str] = ()) -> str:
        article_id = self.handoffs.capture_article(number, question, tags)
        self.knowledge.refresh_articles()
        return article_id

    def expert_handoffs(
        self, field: str | None = None, waiting: bool = False, days: int = 7
    ) -> Sequence[ExpertHandoffView]:
        return self.handoffs.handoffs(field, waiting, days)

    def expert_measures(self, period: str, unit: str | None = None) -> ExpertMeasures:
        from console.services.analytics.kpi import parse_period
        from console.services.enterprise import push
        from console.services.experts.measures import expert_measures

        parsed = parse_period(period)
        unit = self._kpi_scope(unit, "专家座席统计")
        pushed = push.counts(self.store, parsed.start_at, parsed.end_at, unit)
        return expert_measures(self.store, parsed, pushed, unit)

    def promise_callback(self, intake: Intake, note: str = "") -> str:
        return self.tickets.promise_callback(intake, note)

    def explain_prefiled(self, intake: Intake, scope_id: str) -> str:
        return self.tickets.explain_prefiled(intake, scope_id)

    def transfer(self, intake: Intake, target_line: str, target_is_city_line: bool) -> str:
        return self.tickets.transfer(intake, target_line, target_is_city_line)

    def accept(
        self,
        intake: Intake,
        unit_id: str | None = None,
        co_unit_ids: Sequence[str] = (),
        special: Special = Special.NONE,
    ) -> str:
        return self.tickets.accept(intake, unit_id, co_unit_ids, special)

    # ---- tickets
    def ticket(self, number: str) -> TicketView:
        with self.store.read() as s:
            return self.queries.ticket(s, number, self.now())

    def queue(self, name: str, offset: int = 0, limit: int = 50) -> Page:
        with self.store.read() as s:
            return self.queries.page(s, name, self.now(), offset, limit)

    def tickets_by_phone(self, phone: str, limit: int = 20) -> Page:
        with self.store.read() as s:
            return self.queries.by_phone(s, phone, self.now(), limit)

    def caller_history(self, phone: str, limit: int = 10) -> CallerHistoryView:
        with self.store.read() as s:
            return self.queries.caller_history(s, phone, self.now(), limit)

    def call_pops(self, seat: str, after: int | None, wait: float = 0.0) -> CallPops:
        if self.actor.role not in workflow.INTAKE_ROLES:
            raise PermissionDenied("只有接听来电的坐席会收到来电弹屏", rule="R-SCOPE")
        return self._held(
            lambda cursor: pops.answered_at_seat(self.store, seat, cursor, self.now()),
            lambda found: bool(found.calls), after, wait, POP_POLL_S,
        )  # fmt: skip

    def live_changes(
        self, after: int | None, wait: float = 0.0, kb_after: int | None = None
    ) -> LiveChanges:
        if kb_after is not None and kb_after < 0:
            raise InputError("kb_after", "游标不能为负")
        kb = [kb_after if after is not None else None]  # a first question: both cursors

        def ask(cursor: int | None) -> LiveChanges:
            with self.store.read() as s:
                found = live.changes_after(s, self.actor, cursor)
                kb_cursor, articles = changes.article_changes_after(s, kb[0])
            kb[0] = kb_cursor
            return replace(found, kb_cursor=kb_cursor, articles=articles)

        answer = self._held(ask, lambda found: found.news, after, wait, LIVE_POLL_S)
        if any(a.action == changes.VERIFIED for a in answer.articles):
            self.knowledge.refresh_articles()  # a search that follows reads the published text
        return answer

    def live_feed(
        self, after: int | None, kb_after: int | None = None, wait: float = 0.0
    ) -> Iterator[LiveChanges]:
        while True:
            answer = self.live_changes(after, wait, kb_after)
            yield answer
            after, kb_after = answer.cursor, answer.kb_cursor

    def _held(
        self,
        ask: Callable[[int | None], _Feed],
        found: Callable[[_Feed], bool],
        after: int | None,
        wait: float,
        every: dict[str, float],
    ) -> _Feed:
        """Ask a feed from ``after``, again and again for up to ``wait`` seconds until it has
        something (a first question, ``after=None``, is answered at once with the cursor)."""
        if not 0 <= wait <= MAX_FEED_WAIT:
            raise InputError("wait", f"等待 0–{MAX_FEED_WAIT:g} 秒")
        deadline = time.monotonic() + wait
        listener = Listener.for_url(self.store.url) if self.store.dialect == "postgresql" else None
        while True:
            seen = listener.generation if listener is not None else 0  # before looking
            answer = ask(after)
            left = deadline - time.monotonic()
            if found(answer) or after is None or left <= 0:
                return answer
            after = answer.cursor
            pause = every.get(self.store.dialect, 0.5)
            if listener is not None and listener.connected:
                # the store NOTIFYs each committed event: look again when it does
                listener.wait(seen, min(left, NOTIFIED_POLL_S))
            else:
                time.sleep(min(left, pause))

    def queue_counts(self, names: Sequence[str]) -> dict[str, int]:
        now = self.now()
        with self.store.read() as s:
            return {n: self.queries.count(s, n, now) for n in names}

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
        q = search.TicketSearch(number, phone, text, since, until, unit, state)
        with self.store.read() as s:
            return search.search(s, self.queries, q, self.now(), offset, limit)

    def reveal_contact(self, number: str, reason: str) -> ContactView:
        return audit.reveal_contact(self.store, self.actor, number, reason)

    def claim_next(self, queue: str) -> str | None:
        return claims.claim_next(self.store, self.queries, self.actor, queue, self.now())

    def release(self, number: str) -> None:
        claims.release(self.store, self.actor, number)

    def dispatch(
        self, number: str, unit_id: str, co_unit_ids: Sequence[str] = (), version: int | None = None
    ) -> None:
        self.tickets.dispatch(number, unit_id, co_unit_ids, version)

    def sign(self, number: str, version: int | None = None) -> None:
        self.tickets.sign(number, version)

    def return_ticket(
        self, number: str, reason: str, basis: str, version: int | None = None
    ) -> None:
        self.tickets.return_ticket(number, reason, basis, version)

    def review_return(
        self,
        number: str,
        approve: bool,
        reason: str,
        new_unit_id: str | None = None,
        co_unit_ids: Sequence[str] = (),
        version: int | None = None,
    ) -> None:
        self.tickets.review_return(number, approve, reason, new_unit_id, co_unit_ids, version)

    def designate_lead(
        self,
        number: str,
        lead_unit_id: str,
        co_unit_ids: Sequence[str],
        reason: str = "",
        version: int | None = None,
    ) -> None:
        self.tickets.designate_lead(number, lead_unit_id, co_unit_ids, reason, version)

    def first_response(self, number: str, note: str, version: int | None = None) -> None:
        self.tickets.first_response(number, note, version)

    def report_progress(self, number: str, note: str, version: int | None = None) -> None:
        self.tickets.report_progress(number, note, version)

    def report_co_part(self, number: str, note: str, version: int | None = None) -> None:
        self.tickets.report_co_part(number, note, version)

    def urge(self, number: str, note: str, version: int | None = None) -> None:
        self.tickets.urge(number, note, version)

    def mark_law_case(self, number: str, note: str, version: int | None = None) -> None:
        self.tickets.mark_law_case(number, note, version)

    def withdraw_law_case(self, number: str, note: str, version: int | None = None) -> None:
        self.tickets.withdraw_law_case(number, note, version)

    def request_completion(
        self,
        number: str,
        contact_method: str,
        contact_date: dt.date | None,
        handling: str,
        version: int | None = None,
    ) -> None:
        self.tickets.request_completion(number, contact_method, contact_date, handling, version)

    def review_completion(
        self, number: str, approve: bool, reason: str = "", version: int | None = None
    ) -> None:
        self.tickets.review_completion(number, approve, reason, version)

    def request_extension(
        self, number: str, days: int, reason: str, version: int | None = None
    ) -> None:
        self.tickets.request_extension(number, days, reason, version)

    def review_extension(
        self, number: str, approve: bool, reason: str = "", version: int | None = None
    ) -> None:
        self.tickets.review_extension(number, approve, reason, version)

    def request_termination(self, number: str, opinion: str, version: int | None = None) -> None:
        self.tickets.request_termination(number, opinion, version)

    def review_termination(
        self, number: str, approve: bool, reason: str, version: int | None = None
    ) -> None:
        self.tickets.review_termination(number, approve, reason, version)

    def answer_callback(self, number: str, answer: str, version: int | None = None) -> None:
        self.tickets.answer_callback(number, answer, version)

    def record_callback(
        self,
        number: str,
        result: Satisfaction | None,
        method: str = "manual",
        note: str = "",
        version: int | None = None,
    ) -> None:
        self.tickets.record_callback(number, result, method, note, version)

    def settle_callbacks(self) -> list[str]:
        return self.tickets.settle_callbacks()

    def decide_dissatisfied(
        self, number: str, decision: str, reason: str, version: int | None = None
    ) -> None:
        self.tickets.decide_dissatisfied(number, decision, reason, version)

    def merge_ticket(
        self, number: str, master: str, reason: str = "", version: int | None = None
    ) -> None:
        merging.merge(self.tickets, number, master, reason, version)

    # ---- the shift lead's board
    def renotify(self, number: str, note: str = "", version: int | None = None) -> int:
        return self.tickets.renotify(number, note, version)

    def escalate(self, number: str, reason: str, version: int | None = None) -> None:
        self.tickets.escalate(number, reason, version)

    def add_note(self, number: str, note: str, version: int | None = None) -> None:
        self.tickets.add_note(number, note, version)

    # ---- supervision
    def open_supervision(
        self, number: str, ground: int, method: str, note: str, version: int | None = None
    ) -> int:
        return self.tickets.open_supervision(number, ground, method, note, version)

    def reply_supervision(self, supervision_id: int, reply: str) -> None:
        self.tickets.reply_supervision(supervision_id, reply)

    def extend_supervision(self, supervision_id: int, days: int, reason: str) -> None:
        self.tickets.extend_supervision(supervision_id, days, reason)

    def close_supervision(self, supervision_id: int, note: str) -> None:
        self.tickets.close_supervision(supervision_id, note)

    # ---- evaluation (R-UNIT-KPI)
    def unit_kpis(self, period: str, unit: str | None = None) -> KpiReport:
        from console.services.analytics import kpi, kpi_store

        parsed = replace(kpi.parse_period(period), as_of=self.now())
        unit = self._kpi_scope(unit)
        return kpi_store.unit_kpis(self.store, parsed, unit, self.now())

    def kpi_latest(self, period: str) -> KpiReport | None:
        from console.services.analytics import kpi, kpi_store

        parsed = replace(kpi.parse_period(period), as_of=self.now())
        return kpi_store.latest(self.store, parsed, self._kpi_scope(None))

    def kpi_tickets(self, period: str, unit: str, indicator: str) -> Sequence[CountedTicket]:
        from console.services.analytics import kpi

        parsed = replace(kpi.parse_period(period), as_of=self.now())
        scoped = self._kpi_scope(unit)
        assert scoped is not None
        return kpi.drill_down(self.store, parsed, scoped, indicator)

    def _kpi_scope(self, unit: str | None, what: str = "考核指标") -> str | None:
        """The unit whose KPIs (or other figures, ``what``) the seat asks for, checked (None:
        every unit)."""
        role = self.actor.role
        if role is Role.UNIT_CLERK and self.actor.unit_id:
            if unit not in (None, self.actor.unit_id):
                raise PermissionDenied(f"承办单位只能查看本单位的{what}", rule="R-SECURITY")
            unit = self.actor.unit_id
        elif role not in KPI_READERS:
            raise PermissionDenied(
                f"{role.label}不能查看{what}：只有管理部门、督办、审计人员、班长和承办单位本单位可以",
                rule="R-SECURITY",
            )
        if unit is not None:
            with self.store.read() as s:
                if s.get(UnitRow, unit) is None:
                    raise InputError("unit", f"没有编号为「{unit}」的单位（见 hotline unit list）")
        return unit
