"""Instant, ranked, Chinese-aware search over the knowledge base (R-KB).

Runs on every keystroke while an operator types what a caller says, so it lives in memory
and is fed plain :class:`ArticleRecord` values by whatever store the console uses (SQLite
or PostgreSQL): the same search answers the same way on both.

How a query is answered:

1. Fold it with :func:`text.normalize` (traditional → simplified, full-width, punctuation).
2. Terms: character bigrams; skip-grams (``abc`` → ``ac``) so one missing or mistyped
   character still matches; unigrams for one- or two-character queries; the bigrams of
   the other members of each synonym group the query mentions (社保 ↔ 社会保险), weighted
   so a synonym counts about as much as the word itself.
3. BM25 over the fields question, alternative questions, tags, answer and basis (each
   with its weight); IDF comes from live document frequencies, so stop-like bigrams of
   rambling speech (我想, 请问, 一下) weigh little.
4. The best candidates are reranked by how much of the query their question (or an
   alternative question) covers, how much of the question the query covers, the longest
   phrase in common and matching tags.
5. Each hit carries highlight spans (into its question and snippet — never markup) and
   plain sentences saying why it matched.

Edits are visible to the very next query, without a rebuild: ``upsert`` indexes the
article into loose postings next to the bulk segment (a removed or replaced article's
slot is marked dead and never scores). Every 256 edited articles the loose postings are
frozen into a small segment, and small segments are merged among themselves; the bulk
segment is only rewritten by ``compact()`` (seconds at 50 000 articles: call it from a
worker after a large import, if at all). Document frequencies count dead postings until
then, a negligible drift.

Memory at 50 000 articles: about 120 MB of numpy arrays (15 M postings of a slot and an
impact each) plus ~25 MB of folded questions and tags; building peaks near 450 MB.
"""

from __future__ import annotations

import ctypes
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from console.errors import InputError
from console.services.knowledge.search_explain import (
    QueryView,
    Span,
    explain,
    folded_with_offsets,
    fuzzy_evidence,
    highlight_spans,
    make_snippet,
    match_text,
)
from console.services.knowledge.search_postings import (
    FIELDS,
    SEPARATOR,
    Alphabet,
    Postings,
    Segment,
    bigram_key,
    build_postings,
    build_segment,
    concat_postings,
    field_length,
    merge_postings,
    sort_postings,
)
from console.services.knowledge.search_synonyms import SynonymMatch, Synonyms
from console.services.knowledge.seed import ArticleRecord
from console.services.knowledge.text import normalize, normalize_many
from console.services.values import DOMAIN_BY_LABEL, Domain

__all__ = ["Highlights", "IndexStats", "SearchHit", "SearchIndex", "Span"]


@dataclass(frozen=True)
class Highlights:
    """Matched characters as (start, end) spans — the UI styles them, nothing is markup."""

    question: tuple[Span, ...] = ()
    snippet: tuple[Span, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """One ranked answer for a query."""

    article_id: str
    unit_id: str
    score: float
    question: str
    snippet: str
    """A one-line excerpt of the answer around the best match (``…`` where cut)."""
    highlights: Highlights
    why: tuple[str, ...]
    """Plain sentences: 问题含「养老保险」, 同义词：社保→社会保险, 标签：退休 …"""
    domain: Domain
    status: str
    query_cover: float = 0.0
    """Share of the query's weight the best-matching question holds (0..1)."""
    text_cover: float = 0.0
    """Share of that question's bigrams found in the query (0..1)."""
    phrase: int = 0
    """Characters of the longest run the query and that question share."""


@dataclass(frozen=True)
class IndexStats:
    """Size of the index, for the benchmark and ``hotline kb`` diagnostics."""

    articles: int
    terms: int
    """Distinct terms summed over segments."""
    postings: int
    segments: int
    loose_articles: int
    """Edited articles whose postings are not frozen into a segment yet."""
    array_bytes: int


_MAX_QUERY_CHARS = 400
"""A pasted letter is searched by its first 400 characters (bounds the time per query)."""

# Query-side weights.
_SKIP_QUERY_WEIGHT = 0.4
_SHORT_UNIGRAM_WEIGHT = 0.25
_SYNONYM_WEIGHT = 0.9
_HIGHLIGHT_MAX_DF = 0.5
"""Bigrams found in more than this share of articles are not highlighted …"""
_HIGHLIGHT_MIN_ARTICLES = 50
"""… once there are enough articles to tell a common bigram from a rare one."""

# Reranking (tuned on tests/data/kb_queries over the seed; see relevance.py).
_POOL_MIN = 40
_POOL_PER_HIT = 4
_W_QUERY_COVER = 0.6
_W_TEXT_COVER = 0.5
_W_PHRASE = 0.3
_W_TAG = 0.1
_ALT_DISCOUNT = 0.9

_DELTA_LIMIT = 256
"""Edited articles kept as loose postings before they are frozen into a small segment."""
_DEAD_LIMIT = 4096
"""Replaced or removed articles tolerated (and at least as many as live ones) before
their slots are reclaimed by a full ``compact``."""
_MAX_SEGMENTS = 4
"""Past this many segments the small ones are merged (the bulk one is left alone)."""


class _Folded:
    """An article's folded question-like texts and tags, kept for reranking and explaining.

    Stored as two joined strings (a few hundred thousand small strings would cost far
    more memory); split on demand for the few candidates of a query.
    """

    __slots__ = ("_questions", "_tags", "lengths")

    def __init__(self, questions: Sequence[str], tags: Sequence[str], lengths: tuple[int, ...]):
        self._questions = SEPARATOR.join(questions)
        self._tags = SEPARATOR.join(tags) if tags else None
        self.lengths = lengths
        """Indexed length of each field of ``FIELDS`` (for the BM25 average lengths)."""

    @property
    def questions(self) -> list[str]:
        """The question, then each alternative question (aligned with ``alt_questions``)."""
        return self._questions.split(SEPARATOR)

    @property
    def tags(self) -> list[str]:
        return [] if self._tags is None else self._tags.split(SEPARATOR)


def _fold_many(articles: Sequence[ArticleRecord]) -> tuple[list[_Folded], list[list[str]]]:
    """Fold the texts of many articles at once (``normalize_many``).

    Returns what is kept per article and, per field of ``FIELDS``, the texts to index.
    """
    texts: list[str] = []
    for a in articles:
        texts.append(a.question)
        texts.append(a.answer)
        texts.append(a.basis)
        texts.extend(a.alt_questions)
        texts.extend(a.tags)
    folded = normalize_many(texts)
    kept: list[_Folded] = []
    fields: list[list[str]] = [[] for _ in FIELDS]
    at = 0
    for a in articles:
        question, answer, basis = folded[at : at + 3]
        at += 3
        alts = tuple(folded[at : at + len(a.alt_questions)])
        at += len(a.alt_questions)
        tags = tuple(folded[at : at + len(a.tags)])
        at += len(a.tags)
        row = (
            question,
            SEPARATOR.join(x for x in alts if x),
            SEPARATOR.join(x for x in tags if x),
            answer,
            basis,
        )
        for f, text in enumerate(row):
            fields[f].append(text)
        kept.append(_Folded((question, *alts), tags, tuple(field_length(t) for t in row)))
    return kept, fields


@dataclass(frozen=True)
class _Ranked:
    slot: int
    score: float
    best_question: int
    """0 when the question matched best, i (≥ 1) for the i-th alternative question."""
    query_cover: float = 0.0
    text_cover: float = 0.0
    phrase: int = 0


def _release_free_memory() -> None:
    """Give the heap freed by a bulk build back to the system (glibc only; else nothing).

    Building frees hundreds of MB of temporary arrays of a few MB each, which glibc keeps
    in the process heap; a long-running console would otherwise carry them.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class SearchIndex:
    """The in-memory knowledge-search index.

    Thread-safe: searches and edits take one lock (a search takes a few milliseconds).
    """

    def __init__(
        self, articles: Iterable[ArticleRecord] = (), synonyms: Iterable[Sequence[str]] = ()
    ) -> None:
        self._lock = threading.RLock()
        self._synonyms = Synonyms(synonyms)
        self._alphabet = Alphabet()
        self._records: list[ArticleRecord | None] = []
        self._folded: list[_Folded | None] = []
        self._slot_of: dict[str, int] = {}
        self._capacity = 0
        self._alive = np.zeros(0, dtype=bool)
        self._unit_code = np.zeros(0, dtype=np.int32)
        self._domain_code = np.zeros(0, dtype=np.int16)
        self._units: dict[str, int] = {}
        self._domains: dict[Domain, int] = {d: i for i, d in enumerate(Domain)}
        self._length_sum = np.zeros(len(FIELDS), dtype=np.float64)
        self._segments: list[Segment] = []
        self._delta: dict[int, list[tuple[int, float]]] = {}
        self._delta_postings: dict[int, Postings] = {}
        self._bulk_load(articles)

    # ------------------------------------------------------------------ contents

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._slot_of

    def get(self, article_id: str) -> ArticleRecord | None:
        """The indexed record of an article, or None."""
        slot = self._slot_of.get(article_id)
        return None if slot is None else self._records[slot]

    @property
    def synonyms(self) -> Synonyms:
        return self._synonyms

    def stats(self) -> IndexStats:
        """Counts, and the bytes held in numpy arrays (Python objects not included)."""
        with self._lock:
            arrays = (
                sum(seg.nbytes() for seg in self._segments)
                + self._alphabet.nbytes()
                + self._alive.nbytes
                + self._unit_code.nbytes
                + self._domain_code.nbytes
            )
            return IndexStats(
                articles=len(self._slot_of),
                terms=sum(int(seg.term_keys.size) for seg in self._segments),
                postings=sum(len(seg) for seg in self._segments)
                + sum(len(p) for p in self._delta_postings.values()),
                segments=len(self._segments),
                loose_articles=len(self._delta_postings),
                array_bytes=int(arrays),
            )

    # ------------------------------------------------------------------ building

    def _avglen(self) -> list[float]:
        live = len(self._slot_of)
        if live == 0:
            return [spec.default_avglen for spec in FIELDS]
        return [
            float(total / live) or spec.default_avglen
            for total, spec in zip(self._length_sum, FIELDS, strict=True)
        ]

    def _grow(self, needed: int) -> None:
        if needed <= self._capacity:
            return
        capacity = max(needed, self._capacity * 2, 64)
        for name in ("_alive", "_unit_code", "_domain_code"):
            old = getattr(self, name)
            new = np.zeros(capacity, dtype=old.dtype)
            new[: old.size] = old
            setattr(self, name, new)
        self._capacity = capacity

    def _place(self, article: ArticleRecord, folded: _Folded) -> int:
        """Give an article a new slot and record its metadata (postings come separately)."""
        slot = len(self._records)
        self._grow(slot + 1)
        self._records.append(article)
        self._folded.append(folded)
        self._slot_of[article.id] = slot
        self._alive[slot] = True
        self._unit_code[slot] = self._units.setdefault(article.unit_id, len(self._units))
        self._domain_code[slot] = self._domains.get(article.domain, -1)
        self._length_sum += folded.lengths
        return slot

    def _bulk_load(self, articles: Iterable[ArticleRecord]) -> None:
        latest: dict[str, ArticleRecord] = {}
        for article in articles:
            latest[article.id] = article
        if not latest:
            return
        records = list(latest.values())
        folded, texts = _fold_many(records)
        slots = [self._place(a, f) for a, f in zip(records, folded, strict=True)]
        self._segments = [build_segment(texts, slots, self._alphabet, self._avglen())]
        del texts
        _release_free_memory()

    def upsert(self, article: ArticleRecord) -> None:
        """Add or replace one article; the next query sees it."""
        self.upsert_many((article,))

    def upsert_many(self, articles: Iterable[ArticleRecord]) -> None:
        """Add or replace articles (an edit, an import); the next query sees them."""
        batch = [a for a in {a.id: a for a in articles}.values() if self.get(a.id) != a]
        if not batch:
            return  # unchanged records (a store sync re-reading them) cost nothing
        folded, texts = _fold_many(batch)
        with self._lock:
            for article in batch:
                self._drop(article.id)
            slots = [self._place(a, f) for a, f in zip(batch, folded, strict=True)]
            postings = build_postings(texts, slots, self._alphabet, self._avglen())
            if len(batch) > _DELTA_LIMIT:
                self._add_segment(postings)
                return
            by_slot: dict[int, list[int]] = {}
            for row, slot in enumerate(postings.slots.tolist()):
                by_slot.setdefault(slot, []).append(row)
            for slot, rows in by_slot.items():
                own = Postings(postings.keys[rows], postings.slots[rows], postings.impacts[rows])
                self._delta_postings[slot] = own
                for key, impact in zip(own.keys.tolist(), own.impacts.tolist(), strict=True):
                    self._delta.setdefault(key, []).append((slot, impact))
            if len(self._delta_postings) > _DELTA_LIMIT:
                loose = concat_postings(list(self._delta_postings.values()))
                self._delta = {}
                self._delta_postings = {}
                self._add_segment(loose)
            if len(self._records) - len(self._slot_of) > max(_DEAD_LIMIT, len(self._slot_of)):
                self.compact()  # more dead slots than live articles: reclaim them

    def _add_segment(self, postings: Postings) -> None:
        """Freeze postings into a segment; merge the small segments when there are many."""
        self._segments.append(Segment(sort_postings(postings)))
        if len(self._segments) > _MAX_SEGMENTS:
            used = len(self._records)
            same = np.where(self._alive[:used], np.arange(used, dtype=np.int64), -1)
            small = concat_postings([seg.postings() for seg in self._segments[2:]])
            merged = merge_postings(self._segments[1].postings(), small, same)
            self._segments[1:] = [Segment(merged)]

    def remove(self, article_id: str) -> bool:
        """Take an article out of the index; False if it was not there."""
        with self._lock:
            return self._drop(article_id)

    def _drop(self, article_id: str) -> bool:
        slot = self._slot_of.pop(article_id, None)
        if slot is None:
            return False
        folded = self._folded[slot]
        if folded is not None:
            self._length_sum -= folded.lengths
        self._alive[slot] = False
        self._records[slot] = None
        self._folded[slot] = None
        postings = self._delta_postings.pop(slot, None)
        if postings is not None:
            for key in postings.keys.tolist():
                rows = self._delta.get(key)
                if rows is not None:
                    rows[:] = [row for row in rows if row[0] != slot]
                    if not rows:
                        del self._delta[key]
        # Postings frozen in a segment stay; the slot is dead, so they never score.
        return True

    def compact(self) -> None:
        """Merge everything into one segment and reclaim the slots of removed articles.

        Takes a couple of seconds at 50 000 articles: run it in a worker, e.g. after a
        large import; edits do not need it.
        """
        with self._lock:
            used = len(self._records)
            alive = self._alive[:used]
            renumber = np.where(alive, np.cumsum(alive) - 1, -1).astype(np.int64)
            parts = [seg.postings() for seg in self._segments[1:]]
            parts.extend(self._delta_postings.values())
            base = self._segments[0].postings() if self._segments else Postings.empty()
            merged = merge_postings(base, concat_postings(parts), renumber)
            keep = np.flatnonzero(alive).tolist()
            self._records = [self._records[s] for s in keep]
            self._folded = [self._folded[s] for s in keep]
            self._slot_of = {r.id: i for i, r in enumerate(self._records) if r is not None}
            capacity = max(len(keep), 64)
            for name in ("_alive", "_unit_code", "_domain_code"):
                old = getattr(self, name)
                new = np.zeros(capacity, dtype=old.dtype)
                new[: len(keep)] = old[keep]
                setattr(self, name, new)
            self._capacity = capacity
            self._segments = [Segment(merged)]
            self._delta = {}
            self._delta_postings = {}
        _release_free_memory()

    # ------------------------------------------------------------------ searching

    def search(
        self,
        query: str,
        *,
        unit: str | Collection[str] | None = None,
        domain: Domain | str | None = None,
        limit: int = 10,
    ) -> list[SearchHit]:
        """The best articles for what the operator typed, best first.

        Args:
            query: free text — a keyword, a question, or a caller's rambling speech.
            unit: only articles of this unit (or of these units).
            domain: only articles of this domain (a ``Domain``, its value or its
                Chinese label); an unknown domain raises ``InputError``.
            limit: at most this many hits.
        """
        domain_code = self._domain_filter(domain)
        folded = normalize(query)[:_MAX_QUERY_CHARS]
        if not folded or limit <= 0:
            return []
        with self._lock:
            if not self._slot_of:
                return []
            units = self._unit_filter(unit)
            if units is not None and units.size == 0:
                return []
            view, keys, weights = self._plan(folded)
            if keys.size == 0:
                return []
            scores = self._score(keys, weights)
            candidates = self._candidates(scores, units, domain_code, limit)
            ranked = self._rerank(view, candidates, scores)
            return [self._hit(view, r) for r in ranked[:limit]]

    def _domain_filter(self, domain: Domain | str | None) -> int | None:
        if domain is None or domain == "":
            return None
        if isinstance(domain, Domain):
            return self._domains[domain]
        if domain in DOMAIN_BY_LABEL:
            return self._domains[DOMAIN_BY_LABEL[domain]]
        by_value = {d.value: d for d in Domain}
        if domain in by_value:
            return self._domains[by_value[domain]]
        raise InputError("领域", f"未知：{domain}（应为 {'、'.join(DOMAIN_BY_LABEL)} 之一）")

    def _unit_filter(self, unit: str | Collection[str] | None) -> npt.NDArray[np.int32] | None:
        if unit is None:
            return None
        wanted = [unit] if isinstance(unit, str) else list(unit)
        codes = [self._units[u] for u in wanted if u in self._units]
        return np.array(codes, dtype=np.int32)

    def _document_frequency(self, keys: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        df = np.zeros(keys.size, dtype=np.float64)
        for segment in self._segments:
            starts, ends = segment.lookup(keys)
            df += ends - starts
        if self._delta:
            df += [len(self._delta.get(k, ())) for k in keys.tolist()]
        return df

    def _idf(self, df: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        n = float(len(self._slot_of))
        return np.log1p(np.maximum(n - df + 0.5, 0.5) / (df + 0.5))

    def _plan(
        self, folded: str
    ) -> tuple[QueryView, npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Query terms with their weights (already multiplied by IDF)."""
        matches = tuple(self._synonyms.find(folded))
        canonical = self._synonyms.canonical(folded, matches) if matches else folded
        ids = [self._alphabet.id_of(ch) for ch in folded]
        weights: defaultdict[int, float] = defaultdict(float)
        if len(folded) <= 2:
            alone = 1.0 if len(folded) == 1 else _SHORT_UNIGRAM_WEIGHT
            for i in ids:
                if i:
                    weights[i] += alone
        pair_counts: Counter[int] = Counter()
        for a, b in zip(ids, ids[1:], strict=False):
            if a and b:
                pair_counts[bigram_key(a, b)] += 1
        for key, count in pair_counts.items():
            weights[key] += min(count, 3) ** 0.5
        for a, c in zip(ids, ids[2:], strict=False):
            if a and c:
                weights[bigram_key(a, c)] += _SKIP_QUERY_WEIGHT
        expansions = [
            (self._term_keys(m.member), [self._term_keys(o) for o in self._synonyms.others(m)])
            for m in matches
        ]
        extra = {k for own, alts in expansions for keys in (own, *alts) for k in keys}
        all_keys = np.array(sorted(set(weights) | extra), dtype=np.int64)
        df = self._document_frequency(all_keys)
        idf_of = dict(zip(all_keys.tolist(), self._idf(df).tolist(), strict=True))
        present = {k for k, d in zip(all_keys.tolist(), df.tolist(), strict=True) if d > 0}
        for own, alts in expansions:
            own_mass = sum(idf_of[k] for k in own)
            for alt in alts:
                alt_mass = sum(idf_of[k] for k in alt)
                if not alt or alt_mass <= 0:
                    continue
                # A synonym weighs about what the word the caller used weighs.
                scale = _SYNONYM_WEIGHT * own_mass / alt_mass
                for k in alt:
                    weights[k] = max(weights[k], scale)
        keys = np.array([k for k in weights if k in present], dtype=np.int64)
        term_weights = np.array([weights[k] * idf_of[k] for k in keys.tolist()], dtype=np.float64)
        return self._view(folded, canonical, matches, idf_of), keys, term_weights

    def _term_keys(self, folded: str) -> list[int]:
        ids = [self._alphabet.id_of(ch) for ch in folded]
        if len(ids) == 1:
            return [ids[0]] if ids[0] else []
        return [bigram_key(a, b) for a, b in zip(ids, ids[1:], strict=False) if a and b]

    def _view(
        self,
        folded: str,
        canonical: str,
        matches: tuple[SynonymMatch, ...],
        idf_of: dict[int, float],
    ) -> QueryView:
        n = float(max(len(self._slot_of), 1))
        max_idf = math.log1p((n + 0.5) / 0.5)
        common = n * _HIGHLIGHT_MAX_DF
        highlight_floor = (
            math.log1p((n - common + 0.5) / (common + 0.5)) if n >= _HIGHLIGHT_MIN_ARTICLES else 0.0
        )
        seq = tuple(canonical[i : i + 2] for i in range(len(canonical) - 1))
        weights: dict[str, float] = {}
        for pair in seq:
            key = self._pair_key(pair)
            weights[pair] = idf_of.get(key, max_idf) if key is not None else max_idf
        highlight = frozenset(
            pair
            for pair in (folded[i : i + 2] for i in range(len(folded) - 1))
            if (key := self._pair_key(pair)) is not None
            and idf_of.get(key, max_idf) >= highlight_floor
        )
        return QueryView(folded, canonical, matches, weights, seq, highlight)

    def _pair_key(self, pair: str) -> int | None:
        a, b = self._alphabet.id_of(pair[0]), self._alphabet.id_of(pair[1])
        return bigram_key(a, b) if a and b else None

    def _score(
        self, keys: npt.NDArray[np.int64], weights: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """BM25 scores of every slot (0 where no term matches)."""
        scores = np.zeros(len(self._records), dtype=np.float64)
        for segment in self._segments:
            starts, ends = segment.lookup(keys)
            lengths = ends - starts
            total = int(lengths.sum())
            if not total:
                continue
            # Gather every posting of every query term in one go, each scaled by its term.
            run_start = np.cumsum(lengths) - lengths
            index = np.repeat(starts - run_start, lengths) + np.arange(total, dtype=np.int64)
            contrib = segment.impacts[index] * np.repeat(weights, lengths)
            scores += np.bincount(segment.slots[index], weights=contrib, minlength=scores.size)
        if self._delta:
            for key, weight in zip(keys.tolist(), weights.tolist(), strict=True):
                for slot, impact in self._delta.get(key, ()):
                    scores[slot] += weight * impact
        return scores

    def _candidates(
        self,
        scores: npt.NDArray[np.float64],
        units: npt.NDArray[np.int32] | None,
        domain_code: int | None,
        limit: int,
    ) -> npt.NDArray[np.int64]:
        hits = np.flatnonzero(scores)
        keep = self._alive[hits]
        if units is not None:
            keep &= np.isin(self._unit_code[hits], units)
        if domain_code is not None:
            keep &= self._domain_code[hits] == domain_code
        hits = hits[keep]
        pool = max(_POOL_MIN, limit * _POOL_PER_HIT)
        if hits.size > pool:
            hits = hits[np.argpartition(-scores[hits], pool - 1)[:pool]]
        return hits

    def _rerank(
        self,
        view: QueryView,
        candidates: npt.NDArray[np.int64],
        scores: npt.NDArray[np.float64],
    ) -> list[_Ranked]:
        """Order the BM25 candidates by how well their questions match the query."""
        if candidates.size == 0:
            return []
        base = scores[candidates]
        top = float(base.max()) or 1.0
        ranked: list[_Ranked] = []
        qlen = len(view.canonical)
        for slot, bm25 in zip(candidates.tolist(), base.tolist(), strict=True):
            folded = self._folded[slot]
            assert folded is not None
            best, best_at, best_match = 0.0, 0, None
            for i, text in enumerate(folded.questions):
                text = self._canon(text, view)
                m = match_text(view, text)
                value = (
                    _W_QUERY_COVER * m.query_cover
                    + _W_TEXT_COVER * m.text_cover
                    + _W_PHRASE * m.proximity(qlen, len(text))
                )
                if i:
                    value *= _ALT_DISCOUNT
                if value > best or best_match is None:
                    best, best_at, best_match = value, i, m
            tags = sum(1 for t in folded.tags if t and self._canon(t, view) in view.canonical)
            score = bm25 / top + best + _W_TAG * min(tags, 2)
            ranked.append(
                _Ranked(
                    slot,
                    score,
                    best_at,
                    best_match.query_cover if best_match else 0.0,
                    best_match.text_cover if best_match else 0.0,
                    best_match.run if best_match else 0,
                )
            )
        ranked.sort(key=lambda r: (-r.score, r.slot))
        return ranked

    def _canon(self, folded: str, view: QueryView) -> str:
        return self._synonyms.canonical(folded, view.matches) if view.matches else folded

    def _hit(self, view: QueryView, ranked: _Ranked) -> SearchHit:
        record = self._records[ranked.slot]
        folded = self._folded[ranked.slot]
        assert record is not None and folded is not None
        short = len(view.folded) <= 2
        q_spans = highlight_spans(record.question, view, self._synonyms, unigram_fallback=short)
        snippet, s_spans = make_snippet(record.answer, view, self._synonyms, unigram_fallback=short)
        best_alt = record.alt_questions[ranked.best_question - 1] if ranked.best_question else None
        checked = {0, ranked.best_question}
        questions = folded.questions
        fuzzy = any(fuzzy_evidence(view, self._canon(questions[i], view)) for i in checked)
        why = explain(
            view=view,
            synonyms=self._synonyms,
            question=record.question,
            question_spans=q_spans,
            best_alt=best_alt,
            questions_folded=questions,
            answer_folded=folded_with_offsets(record.answer)[0],
            tags=record.tags,
            tags_folded=tuple(self._canon(t, view) for t in folded.tags),
            snippet=snippet,
            snippet_spans=s_spans,
            fuzzy=fuzzy,
        )
        return SearchHit(
            article_id=record.id,
            unit_id=record.unit_id,
            score=round(ranked.score, 6),
            question=record.question,
            snippet=snippet,
            highlights=Highlights(tuple(q_spans), tuple(s_spans)),
            why=why,
            domain=record.domain,
            status=record.status,
            query_cover=round(ranked.query_cover, 4),
            text_cover=round(ranked.text_cover, 4),
            phrase=ranked.phrase,
        )
