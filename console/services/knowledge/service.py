"""The knowledge base over the store: search, routing and duplicate indexes kept in step.

The indexes live in memory (the same on SQLite and PostgreSQL) and are shared by every
seat of a process. Edits made here are visible to the very next query; edits made by other
processes are picked up by a cheap watermark query at most every ``SYNC_SECONDS``.

The search index comes first and alone: answers do not wait for routing or duplicate
detection, which are built at their first use. Given an ``IndexCache`` (the console passes
one in the seat's data folder), a start over an unchanged knowledge base reads the built
search index back instead of rebuilding it (see index_cache.py).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.knowledge.answers import search_answers
from console.services.knowledge.seed import ArticleRecord, UnitRecord

if TYPE_CHECKING:
    from console.services.knowledge.confidence import AnswerJudge
    from console.services.knowledge.duplicates import DuplicateIndex, TicketRecord
    from console.services.knowledge.index_cache import IndexCache
    from console.services.knowledge.routing import Router
    from console.services.knowledge.search import SearchIndex
from console.services.knowledge.text import normalize
from console.services.values import Domain, State
from console.services.views import (
    ArticleHit,
    ArticleView,
    DuplicateView,
    PrefilingView,
    UnitSuggestionView,
)
from console.store.engine import Store
from console.store.models import (
    ArticleFlagRow,
    ArticleRow,
    BureauRow,
    MatterRow,
    PrefilingRow,
    SynonymRow,
    TicketRow,
    UnitRow,
)

SYNC_SECONDS = 5.0
REST_WAIT_SECONDS = 2.0
"""At most this long routing and duplicate detection wait for searches under way before their
first build (the search index is ready by then: it is only the searches themselves)."""
# Re-read a little before the watermark: a row stamped at the same moment (a frozen drill
# clock) or committed late with an earlier stamp (PostgreSQL) is not missed; upserts are
# idempotent, so reading a row twice costs nothing but time.
SYNC_OVERLAP = dt.timedelta(seconds=5)
FLAG_PROBLEMS = {"wrong": "内容有误", "outdated": "内容过时"}
FLAG_OUTCOMES = {"fixed": "已更正", "not_wrong": "经核实无误"}
"""How the owner unit answers an error report (R-KB): it corrected the article, or it checked
and the article is not wrong (the reason says why)."""

AuditHook = Callable[[Session, str, dict[str, str | int]], None]
"""Adds the audit record of an upkeep command (target article, plain facts) to its
transaction; the caller that may import the audit trail passes it in."""
PublishHook = Callable[[Session, ArticleRow, dt.datetime], int]
"""Told of an article whose text was just published or changed by a verification, in its
transaction (the policy push); answers how many messages it queued."""
# Tickets duplicate detection keeps in view: everything but refusals (a refused call is no matter).
DUPLICATE_STATES = tuple(s.value for s in State if s is not State.REFUSED)
CLOSED_STATES = (State.CLOSED.value,)
DUPLICATE_WINDOW = dt.timedelta(days=180)


def unit_record(u: UnitRow) -> UnitRecord:
    return UnitRecord(
        id=u.id,
        name=u.name,
        full_name=u.full_name,
        category=u.category,
        city=u.city,
        subcentre=u.subcentre,
        hotline=u.hotline,
        contact_role=u.contact_role,
        domains=tuple(Domain(d) for d in u.domains),
        duties=tuple(u.duties),
        keywords=tuple(u.keywords),
    )


def article_record(a: ArticleRow) -> ArticleRecord:
    return ArticleRecord(
        id=a.id,
        unit_id=a.unit_id,
        question=a.question,
        alt_questions=tuple(a.alt_questions),
        answer=a.answer,
        basis=a.basis,
        domain=Domain(a.domain),
        tags=tuple(a.tags),
        enterprise=a.enterprise,
        effective=a.effective,
        review_by=a.review_by,
        status=a.status,
        matter=a.matter,
    )


@dataclass(frozen=True)
class _TicketChange:
    """A changed ticket as a sync reads it (plain values, the session closed after)."""

    updated_at: dt.datetime
    record: TicketRecord | None  # None: refused or never numbered (not indexed)
    matter_type: str

    @classmethod
    def of(cls, t: TicketRow) -> _TicketChange:
        indexed = t.state != State.REFUSED.value and t.number is not None
        return cls(t.updated_at, ticket_record(t) if indexed else None, t.matter_type)


def ticket_record(t: TicketRow) -> TicketRecord:
    from console.services.knowledge.duplicates import TicketRecord

    return TicketRecord(
        number=str(t.number),
        caller_phone=t.caller_phone,
        text=t.text,
        state=t.state,
        created_at=t.created_at,
        unit_id=t.unit_id or "",
    )


PLACE_SUFFIXES = ("省", "市", "州", "区", "县", "镇", "乡", "街道")


def _is_place(keyword: str, region: str) -> bool:
    return keyword.endswith(PLACE_SUFFIXES) or bool(region) and keyword in region


class KnowledgeService:
    """Search, routing, duplicates and pre-filing over one store (shared by all seats)."""

    def __init__(self, store: Store, cache: IndexCache | None = None) -> None:
        self.store = store
        self.cache = cache
        self._search_lock = threading.Lock()  # building the search index
        self._lock = threading.RLock()  # building routing and duplicates; syncing
        self._sync_guard = threading.Lock()
        self._search: SearchIndex | None = None
        self._router: Router | None = None
        self._model_version = 0
        self._judge: AnswerJudge | None = None
        self._dups: DuplicateIndex | None = None
        self._units: tuple[UnitRecord, ...] = ()
        self._articles: dict[str, ArticleRecord] = {}
        self._unit_names: dict[str, str] = {}
        self._article_mark: dt.datetime | None = None
        self._ticket_mark: dt.datetime | None = None
        self._checked = 0.0
        self._syncing = False
        self._following = False  # the store's notifications (PostgreSQL)
        self._saver: threading.Thread | None = None
        # searches under way: routing and duplicates are first built after them, so the
        # first answers do not share the CPU with that build (answers first)
        self._searching = threading.Condition()
        self._in_flight = 0
        self.loaded_from_cache = False
        """Whether the search index was read back from the cache (diagnostics, tests)."""

    # ------------------------------------------------------------------ building and syncing
    def _build_search(self) -> None:
        # the engines (numpy and friends) load with the first query, off the start-up path
        from console.services.knowledge.search import SearchIndex

        # Rows are read into plain records in short transactions; the index is built (or
        # read back) after them: on PostgreSQL a transaction left open through seconds of
        # work holds its locks and snapshot (idle in transaction), which blocks DDL and vacuum.
        with self.store.read() as s:
            units = tuple(
                unit_record(u)
                for u in s.execute(select(UnitRow).where(UnitRow.active.is_(True))).scalars()
            )
            synonyms = [tuple(r.terms) for r in s.execute(select(SynonymRow)).scalars()]
            from console.services.knowledge.training import bureau_record, matter_record

            bureaus = tuple(bureau_record(b) for b in s.execute(select(BureauRow)).scalars())
            matters = tuple(
                matter_record(m)
                for m in s.execute(select(MatterRow).where(MatterRow.active.is_(True))).scalars()
            )
            mark = s.execute(
                select(ArticleRow.updated_at).order_by(ArticleRow.updated_at.desc()).limit(1)
            ).scalar()
            key = ""
            if self.cache is not None:
                from console.services.knowledge.index_cache import content_key

                # as stored (no type conversion): cheap at 50 000 articles. Read before the
                # articles: under READ COMMITTED an edit committed in between makes the copy's
                # key older than its content, so the next start rebuilds (never the reverse)
                stamps = s.execute(sql_text("SELECT id, updated_at FROM articles")).all()
                key = content_key((row[0], row[1]) for row in stamps)
        index: SearchIndex | None = None
        articles: dict[str, ArticleRecord] = {}
        loaded = self.cache.load(key, synonyms) if self.cache is not None else None
        if loaded is not None:
            index, records = loaded
            articles = {r.id: r for r in records}
            if mark is not None:
                # Edited through the same stamp as before (a frozen drill clock) leaves the
                # key as it was: re-read what is stamped near the newest, as a sync does.
                with self.store.read() as s:
                    recent = [
                        article_record(a)
                        for a in s.execute(
                            select(ArticleRow).where(ArticleRow.updated_at >= mark - SYNC_OVERLAP)
                        ).scalars()
                    ]
                index.upsert_many(recent)
                articles.update((a.id, a) for a in recent)
            self.loaded_from_cache = True
        else:
            with self.store.read() as s:
                articles = {
                    a.id: article_record(a) for a in s.execute(select(ArticleRow)).scalars()
                }
            index = SearchIndex(articles.values(), synonyms)
            if self.cache is not None:
                self._save_later(key, index)
        self._units = units
        self._articles = articles
        self._unit_names = {u.id: u.name for u in units}
        from console.services.knowledge.catalogue import Catalogue
        from console.services.knowledge.confidence import AnswerJudge

        self._judge = AnswerJudge(Catalogue(units, bureaus, matters) if matters else None)
        self._article_mark = mark
        self._checked = time.monotonic()
        self._search = index

    def _save_later(self, key: str, index: SearchIndex) -> None:
        """Write the cache copy in its own thread: the first answers do not wait for it."""
        cache = self.cache
        assert cache is not None
        self._saver = threading.Thread(
            target=cache.save, args=(key, index), name="kb-index-cache", daemon=False
        )
        self._saver.start()

    def wait_for_cache(self, timeout: float | None = None) -> None:
        """Wait until the cache copy being written (if any) is on disk."""
        if self._saver is not None:
            self._saver.join(timeout)

    def _build_rest(self) -> None:
        with self._searching:
            self._searching.wait_for(lambda: self._in_flight == 0, timeout=REST_WAIT_SECONDS)
        from console.services.knowledge.catalogue import Catalogue
        from console.services.knowledge.duplicates import DuplicateIndex
        from console.services.knowledge.routing import Router
        from console.services.knowledge.training import (
            load_catalogue_seed,
            load_history,
            load_model,
            train_from_store,
        )

        seed = load_catalogue_seed(self.store)
        catalogue = Catalogue(seed.units, seed.bureaus, seed.matters)
        with self.store.read() as s:
            # open matters, every terminated one, and what was closed recently (R-INADMISSIBLE 4)
            since = dt.datetime.now(dt.UTC) - DUPLICATE_WINDOW
            tickets = [
                ticket_record(t)
                for t in s.execute(
                    select(TicketRow).where(
                        TicketRow.state.in_(DUPLICATE_STATES),
                        or_(TicketRow.state.not_in(CLOSED_STATES), TicketRow.updated_at >= since),
                    )
                ).scalars()
            ]
            self._ticket_mark = s.execute(
                select(TicketRow.updated_at).order_by(TicketRow.updated_at.desc()).limit(1)
            ).scalar()
        history, _ = load_history(self.store, catalogue)
        loaded = load_model(self.store)
        if loaded is None:
            # the first start of a platform: train once from the catalogue and the history
            train_from_store(self.store, dt.datetime.now(dt.UTC), by="auto")
            loaded = load_model(self.store)
        self._model_version, model = loaded if loaded else (0, None)
        self._router = Router.from_seed(seed, history, model=model, train_model=False)
        self._dups = DuplicateIndex(tickets, catalogue)
        self._articles = {}  # the router has what it needs; the search index keeps the rest

    def _reload_model(self) -> None:
        """Pick up a newer routing model saved by `hotline model train` or the worker."""
        from console.services.knowledge.training import load_model, newest_version

        if self._router is None or newest_version(self.store) <= self._model_version:
            return
        loaded = load_model(self.store)
        if loaded is not None:
            self._model_version, self._router.model = loaded

    def _search_ready(self) -> SearchIndex:
        """The search index (built or read back at the first call); never waits for routing."""
        index = self._search
        if index is None:
            with self._search_lock:
                if self._search is None:
                    self._build_search()
                    self._follow()
                index = self._search
                assert index is not None
            return index
        if time.monotonic() - self._checked > SYNC_SECONDS and not self._syncing:
            with self._sync_guard:
                if not self._syncing:
                    # never on the keystroke's path: the next query sees what this sync finds
                    self._syncing = True
                    self._checked = time.monotonic()
                    threading.Thread(target=self._sync_in_background, daemon=True).start()
        return index

    def _ready(self) -> tuple[SearchIndex, Router, DuplicateIndex]:
        index = self._search_ready()
        with self._lock:
            if self._router is None or self._dups is None:
                self._build_rest()
            assert self._router is not None and self._dups is not None
            return index, self._router, self._dups

    def _follow(self) -> None:
        """On PostgreSQL, sync at once when another process (or seat) commits an article or
        a routing model (``console.store.notify``): every process's search index and model
        follow the store within a moment, not at their next look (``SYNC_SECONDS``)."""
        if self.store.dialect != "postgresql" or self._following:
            return
        import weakref

        from console.store.notify import KB, Listener

        self._following = True
        listener = Listener.for_url(self.store.url)
        me = weakref.ref(self)  # the listener lives as long as the process, a service may not

        def heard(kind: str) -> None:
            service = me()
            if service is None:
                listener.unsubscribe(heard)
                return
            if kind in (KB, "") and service._search is not None:
                with service._sync_guard:
                    if service._syncing:
                        service._checked = 0.0  # the sync under way may predate it: soon again
                        return
                    service._syncing = True
                    service._checked = time.monotonic()
                threading.Thread(target=service._sync_in_background, daemon=True).start()

        listener.subscribe(heard)

    def _sync_in_background(self) -> None:
        try:
            with self._lock:
                self._sync()
        except Exception:  # noqa: BLE001 — a failed sync is retried at the next interval
            pass
        finally:
            self._syncing = False

    def _sync(self) -> None:
        """Pick up articles and tickets changed by other seats since the last look. The
        changed rows are read in one short transaction; the indexes and the routing memory
        are updated after it (see ``_build_search``)."""
        self._checked = time.monotonic()
        with self.store.read() as s:
            q = select(ArticleRow)
            if self._article_mark is not None:
                q = q.where(ArticleRow.updated_at >= self._article_mark - SYNC_OVERLAP)
            articles = [(article_record(a), a.updated_at) for a in s.execute(q).scalars()]
            changed: list[_TicketChange] = []
            if self._dups is not None:  # tickets are read whole when first needed
                q2 = select(TicketRow)
                if self._ticket_mark is not None:
                    q2 = q2.where(TicketRow.updated_at >= self._ticket_mark - SYNC_OVERLAP)
                changed = [_TicketChange.of(t) for t in s.execute(q2).scalars()]
        for record, updated_at in articles:
            assert self._search is not None
            self._search.upsert(record)
            self._article_mark = max(self._article_mark or updated_at, updated_at)
        if self._dups is None:
            return
        self._reload_model()
        for change in changed:
            self._note_ticket(change)

    def _note_ticket(self, t: _TicketChange) -> None:
        assert self._dups is not None and self._router is not None
        self._ticket_mark = max(self._ticket_mark or t.updated_at, t.updated_at)
        if t.record is None:
            return
        record = t.record
        if record.number in self._dups:
            self._dups.update(record)
        else:
            self._dups.add(record)
        if record.unit_id:
            # where the ticket is now: after an approved return, the unit it ended at
            self._router.learn(record.number, record.text, record.unit_id, t.matter_type)

    def refresh(self) -> None:
        """Sync now (after this process wrote tickets or articles)."""
        with self._lock:
            if self._search is None:
                self._search_ready()
            else:
                self._sync()

    def warm_search(self) -> None:
        """Build (or read back) the search index only: what answers need."""
        self._search_ready()

    def warm(self) -> None:
        """Build the indexes ahead of the first keystroke (called from a worker at start-up):
        the search index first, then routing and duplicates."""
        self._search_ready()
        self._ready()

    # ------------------------------------------------------------------ search
    def search(
        self, query: str, unit: str | None = None, domain: str | None = None, limit: int = 10
    ) -> list[ArticleHit]:
        with self._searching:
            self._in_flight += 1
        try:
            index = self._search_ready()
            return search_answers(
                index, self._unit_names, query, unit, domain, limit, judge=self._judge
            )
        finally:
            with self._searching:
                self._in_flight -= 1
                self._searching.notify_all()

    def article(self, article_id: str, today: dt.date) -> ArticleView:
        from console.services.knowledge.editing import history, pending

        with self.store.read() as s:
            a = s.get(ArticleRow, article_id)
            if a is None:
                raise NotFound("知识", article_id)
            unit = s.get(UnitRow, a.unit_id)
            return ArticleView(
                id=a.id,
                unit_id=a.unit_id,
                unit_name=unit.name if unit else a.unit_id,
                question=a.question,
                alt_questions=tuple(a.alt_questions),
                answer=a.answer,
                basis=a.basis,
                domain=Domain(a.domain).label,
                tags=tuple(a.tags),
                enterprise=a.enterprise,
                effective=a.effective,
                review_by=a.review_by,
                status=a.status,
                review_overdue=a.review_by < today,
                version=a.version,
                verified_by=a.verified_by or "",
                verified_at=a.verified_at,
                draft_pending=pending(s, a.id) is not None,
                history=history(s, a.id),
            )

    def flag(self, article_id: str, problem: str, note: str, by: str, now: dt.datetime) -> None:
        """An operator reports an article wrong or outdated; it goes to the owner unit (R-KB)."""
        if problem not in FLAG_PROBLEMS:
            raise InputError("problem", "应为 wrong（内容有误）或 outdated（内容过时）")
        if len(note) > 2000:
            raise InputError("note", "说明过长（最多 2000 字）")
        with self.store.write() as s:
            a = s.get(ArticleRow, article_id)
            if a is None:
                raise NotFound("知识", article_id)
            s.add(
                ArticleFlagRow(
                    article_id=a.id,
                    unit_id=a.unit_id,
                    problem=problem,
                    note=note,
                    flagged_by=by,
                    at=now,
                )
            )

    def resolve_flag(
        self,
        flag_id: int,
        outcome: str,
        note: str,
        by: str,
        unit_id: str | None,
        now: dt.datetime,
        audit_with: AuditHook | None = None,
    ) -> None:
        """The owner unit (``unit_id``) or the manager (``unit_id`` None) answers an error
        report: ``fixed`` (the article was corrected) or ``not_wrong``, with a reason. The
        report closes (``resolved_at``) and no longer lowers the unit's maintenance rate (R-KB).

        Raises:
            InputError: unknown outcome, or no reason.
            NotFound: no such report.
            PermissionDenied: the article belongs to another unit (R-KB).
            RuleError: the report was already answered (R-KB).
        """
        if outcome not in FLAG_OUTCOMES:
            raise InputError("outcome", "应为 fixed（已更正）或 not_wrong（经核实无误）")
        if not note.strip():
            raise InputError("note", "处理说明不能为空（R-KB）")
        if len(note) > 2000:
            raise InputError("note", "处理说明过长（最多 2000 字）")
        with self.store.write() as s:
            f = s.get(ArticleFlagRow, flag_id)
            a = s.get(ArticleRow, f.article_id) if f is not None else None
            if f is None or a is None:
                raise NotFound("纠错报告", str(flag_id))
            if unit_id is not None and a.unit_id != unit_id:
                raise PermissionDenied(
                    f"知识 {a.id} 由其他单位维护，只有其责任单位或管理部门可以处理纠错报告",
                    rule="R-KB",
                )
            if f.resolved_at is not None:
                raise RuleError("R-KB", f"纠错报告 {flag_id} 已处理，不能重复处理")
            f.resolved_at = now
            f.note = f"{f.note}\n【{FLAG_OUTCOMES[outcome]}】{by}：{note.strip()}".strip()
            if audit_with is not None:
                detail: dict[str, str | int] = {
                    "flag": f.id,
                    "outcome": outcome,
                    "unit_id": a.unit_id,
                }
                audit_with(s, a.id, detail)

    def verify_article(
        self,
        article_id: str,
        unit_id: str | None,
        by: str,
        now: dt.datetime,
        review_by: dt.date | None = None,
        audit_with: AuditHook | None = None,
        version: int | None = None,
        on_published: PublishHook | None = None,
    ) -> int:
        """The owner unit (``unit_id``) or the manager (None) verifies an article: its pending
        draft, if any, becomes the text operators read (cross-checked: not by its editor);
        status verified with who and when; next review on ``review_by`` (default the draft's
        date, else ``REVIEW_PERIOD_DAYS`` after today); its open reports close with it (R-KB).
        A text first published or changed is handed to ``on_published`` in the same
        transaction (policy push: it answers how many messages it queued, audited).
        Answers how many reports closed. See editing.py.

        Raises:
            NotFound: no such article.
            PermissionDenied: the article belongs to another unit (R-KB).
            RuleError: the verifier edited the pending draft (交叉核验, R-KB).
            Conflict: the article changed since ``version`` was read.
            InputError: ``review_by`` not after today, or more than three years ahead.
        """
        from console.services.knowledge.editing import verify

        with self.store.write() as s:
            before = s.get(ArticleRow, article_id)
            first = before is not None and before.status != "verified"
            a, draft, n = verify(s, article_id, unit_id, by, now, review_by, version)
            # a text first published or changed is news for whoever follows it (precise push,
            # R-KB), told in this transaction; a review renewed as it was is not
            pushed = on_published(s, a, now) if on_published and (first or draft) else 0
            if audit_with is not None:
                detail: dict[str, str | int] = {
                    "review_by": a.review_by.isoformat(),
                    "closed": n,
                    "unit_id": a.unit_id,
                    "version": a.version,
                }
                if draft is not None:
                    detail["revision"] = draft.id
                if pushed:
                    detail["pushed"] = pushed
                audit_with(s, a.id, detail)
        self.refresh_articles()
        return n

    def refresh_articles(self) -> None:
        """Pick up articles this process just changed, if the search index is built (a
        verified edit is in the very next answer; an index not yet built reads it anyway)."""
        if self._search is None:
            return
        with self._lock:
            self._sync()

    # ------------------------------------------------------------------ routing and duplicates
    def suggest_units(
        self, text: str, domain: str | None, place: str | None, k: int = 3
    ) -> list[UnitSuggestionView]:
        _, router, _ = self._ready()
        return [
            UnitSuggestionView(
                s.unit_id,
                s.unit_name,
                round(float(s.score), 4),
                tuple(s.reasons),
                target=s.target,
                bureau=s.bureau,
                matter=s.matter,
            )
            for s in router.suggest(text, domain=domain or None, place=place or None, k=k)
        ]

    def find_duplicates(
        self, text: str, caller_phone: str | None, k: int = 5
    ) -> list[DuplicateView]:
        _, _, dups = self._ready()
        return [
            DuplicateView(
                m.number,
                round(float(m.score), 4),
                m.same_caller,
                m.state,
                m.terminated,
                m.reason,
                places=m.places,
                ground4=m.ground4,
            )
            for m in dups.find(text, caller_phone=caller_phone or None, k=k)
        ]

    def match_prefiling(
        self, text: str, place: str | None, now: dt.datetime
    ) -> list[PrefilingView]:
        """Active pre-filed scopes whose keywords the call mentions, in its region (R-PREFILING)."""
        folded = normalize(text)
        where = normalize((place or "") + text)
        out = []
        with self.store.read() as s:
            rows = s.execute(
                select(PrefilingRow)
                .where(
                    PrefilingRow.state == "approved",  # pending, rejected, withdrawn: never
                    PrefilingRow.starts <= now,
                    PrefilingRow.ends >= now,
                )
                .order_by(PrefilingRow.id)
            ).scalars()
            for p in rows:
                region = normalize(p.region).removesuffix("市").removesuffix("州")
                # a place named among the keywords says where, not what: it alone is no match
                matter = [normalize(k) for k in p.keywords if not _is_place(normalize(k), region)]
                if not any(k and k in folded for k in matter):
                    continue
                if region and region not in where:
                    continue
                out.append(
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
                )
        return out

    def unit_names(self) -> Sequence[tuple[str, str]]:
        self._search_ready()
        return sorted(self._unit_names.items())
