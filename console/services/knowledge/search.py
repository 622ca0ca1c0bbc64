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

Edits are visible to the very next query: ``upsert``/``remove`` touch a small in-memory
delta next to the bulk segment, which is merged in (``compact``) once it grows.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from console.services.errors import InputError
from console.services.knowledge.search_explain import (
    QueryView,
    Span,
    explain,
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
    concat_postings,
    field_length,
    merge_postings,
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


@dataclass(frozen=True)
class IndexStats:
    """Size of the index, for the benchmark and ``hotline kb`` diagnostics."""

    articles: int
    terms: int
    postings: int
    delta_articles: int
    characters: int
    array_bytes: int


# Query-side weights.
_SKIP_QUERY_WEIGHT = 0.4
_SHORT_UNIGRAM_WEIGHT = 0.25
_SYNONYM_WEIGHT = 0.9
_HIGHLIGHT_MAX_DF = 0.5
"""Bigrams found in more than this share of articles are not highlighted."""

# Reranking (tuned on tests/data/kb_queries over the seed; see relevance.py).
_POOL_MIN = 40
_POOL_PER_HIT = 4
_W_QUERY_COVER = 0.6
_W_TEXT_COVER = 0.5
_W_PHRASE = 0.3
_W_TAG = 0.1
_ALT_DISCOUNT = 0.9

_DELTA_LIMIT = 256
"""Edited articles kept in the delta before it is merged into the bulk segment."""


@dataclass(frozen=True)
class _Folded:
    """An article's folded texts, kept for reranking and explaining."""

    questions: tuple[str, ...]
    """The question, then each alternative question."""
    tags: tuple[str, ...]
    fields: tuple[str, ...]
    """Per field of ``FIELDS``, the text that is indexed."""


def _fold_many(articles: Sequence[ArticleRecord]) -> list[_Folded]:
    """Fold the texts of many articles at once (``normalize_many``)."""
    texts: list[str] = []
    for a in articles:
        texts.append(a.question)
        texts.append(a.answer)
        texts.append(a.basis)
        texts.extend(a.alt_questions)
        texts.extend(a.tags)
    folded = normalize_many(texts)
    out: list[_Folded] = []
    at = 0
    for a in articles:
        question, answer, basis = folded[at : at + 3]
        at += 3
        alts = tuple(folded[at : at + len(a.alt_questions)])
        at += len(a.alt_questions)
        tags = tuple(folded[at : at + len(a.tags)])
        at += len(a.tags)
        fields = (
            question,
            SEPARATOR.join(x for x in alts if x),
            SEPARATOR.join(x for x in tags if x),
            answer,
            basis,
        )
        out.append(_Folded((question, *alts), tags, fields))
    return out


class SearchIndex:
    """The in-memory knowledge-search index.

    Thread-safe: searches and edits take a lock (a search takes a few milliseconds).
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
        self._characters = 0
        self._segment = Segment(Postings.empty())
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
        """Counts and the bytes held in numpy arrays (Python objects not included)."""
        with self._lock:
            arrays = (
                self._segment.nbytes()
                + self._alphabet.nbytes()
                + self._alive.nbytes
                + self._unit_code.nbytes
                + self._domain_code.nbytes
            )
            return IndexStats(
                articles=len(self._slot_of),
                terms=int(self._segment.term_keys.size),
                postings=len(self._segment) + sum(len(p) for p in self._delta_postings.values()),
                delta_articles=len(self._delta_postings),
                characters=self._characters,
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
        self._length_sum += [field_length(t) for t in folded.fields]
        self._characters += len(article.question) + len(article.answer)
        return slot

    def _bulk_load(self, articles: Iterable[ArticleRecord]) -> None:
        latest: dict[str, ArticleRecord] = {}
        for article in articles:
            latest[article.id] = article
        if not latest:
            return
        records = list(latest.values())
        folded = _fold_many(records)
        slots = [self._place(a, f) for a, f in zip(records, folded, strict=True)]
        texts = [[f.fields[i] for f in folded] for i in range(len(FIELDS))]
        postings = build_postings(texts, slots, self._alphabet, self._avglen())
        self._segment = Segment(postings)

    def upsert(self, article: ArticleRecord) -> None:
        """Add or replace one article; the next query sees it."""
        self.upsert_many((article,))

    def upsert_many(self, articles: Iterable[ArticleRecord]) -> None:
        """Add or replace articles (an import); merges the delta when it grows large."""
        batch = list(articles)
        if not batch:
            return
        folded = _fold_many(batch)
        with self._lock:
            for article in batch:
                self._drop(article.id)
            for article, f in zip(batch, folded, strict=True):
                slot = self._place(article, f)
                texts = [[f.fields[i]] for i in range(len(FIELDS))]
                postings = build_postings(texts, [slot], self._alphabet, self._avglen())
                self._delta_postings[slot] = postings
                for key, impact in zip(
                    postings.keys.tolist(), postings.impacts.tolist(), strict=True
                ):
                    self._delta.setdefault(key, []).append((slot, impact))
            if len(self._delta_postings) > _DELTA_LIMIT:
                self.compact()

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
            self._length_sum -= [field_length(t) for t in folded.fields]
        record = self._records[slot]
        if record is not None:
            self._characters -= len(record.question) + len(record.answer)
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
        return True

    def compact(self) -> None:
        """Merge the delta into the bulk segment and reclaim the slots of removed articles."""
        with self._lock:
            used = len(self._records)
            alive = self._alive[:used]
            renumber = np.where(alive, np.cumsum(alive) - 1, -1).astype(np.int64)
            extra = concat_postings(list(self._delta_postings.values()))
            merged = merge_postings(self._segment.postings(), extra, renumber)
            keep = np.flatnonzero(alive).tolist()
            self._records = [self._records[s] for s in keep]
            self._folded = [self._folded[s] for s in keep]
            self._slot_of = {r.id: i for i, r in enumerate(self._records) if r is not None}
            for name in ("_alive", "_unit_code", "_domain_code"):
                old = getattr(self, name)
                new = np.zeros(max(len(keep), 64), dtype=old.dtype)
                new[: len(keep)] = old[keep]
                setattr(self, name, new)
            self._capacity = max(len(keep), 64)
            self._segment = Segment(merged)
            self._delta = {}
            self._delta_postings = {}

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
            domain: only articles of this domain (a ``Domain`` or its Chinese label).
            limit: at most this many hits.
        """
        folded = normalize(query)
        if not folded or limit <= 0:
            return []
        domain_code = self._domain_filter(domain)
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
            return [self._hit(view, slot, score) for slot, score in ranked[:limit]]

    def _domain_filter(self, domain: Domain | str | None) -> int | None:
        if domain is None or domain == "":
            return None
        if isinstance(domain, Domain):
            return self._domains[domain]
        if domain in DOMAIN_BY_LABEL:
            return self._domains[DOMAIN_BY_LABEL[domain]]
        try:
            return self._domains[Domain(domain)]
        except ValueError:
            raise InputError(
                "领域", f"未知：{domain}（应为 {'、'.join(DOMAIN_BY_LABEL)} 之一）"
            ) from None

    def _unit_filter(self, unit: str | Collection[str] | None) -> npt.NDArray[np.int32] | None:
        if unit is None:
            return None
        wanted = [unit] if isinstance(unit, str) else list(unit)
        codes = [self._units[u] for u in wanted if u in self._units]
        return np.array(codes, dtype=np.int32)

    def _document_frequency(
        self, keys: npt.NDArray[np.int64]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        starts, ends = self._segment.lookup(keys)
        df = (ends - starts).astype(np.float64)
        if self._delta:
            df += [len(self._delta.get(k, ())) for k in keys.tolist()]
        return starts, ends, df

    def _idf(self, df: np.ndarray) -> np.ndarray:
        n = float(len(self._slot_of))
        return np.log1p((n - df + 0.5) / (df + 0.5))

    def _plan(
        self, folded: str
    ) -> tuple[QueryView, npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Query terms with their weights (already multiplied by IDF)."""
        matches = tuple(self._synonyms.find(folded))
        canonical = self._synonyms.canonical(folded, matches) if matches else folded
        ids = [self._alphabet.id_of(ch) for ch in folded]
        weights: Counter[int] = Counter()
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
            (m, self._term_keys(m.member), [self._term_keys(o) for o in self._synonyms.others(m)])
            for m in matches
        ]
        extra = {k for _, own, alts in expansions for keys in (own, *alts) for k in keys}
        all_keys = np.array(sorted(set(weights) | extra), dtype=np.int64)
        _, _, df = self._document_frequency(all_keys)
        idf_of = dict(zip(all_keys.tolist(), self._idf(df).tolist(), strict=True))
        present = {k for k, d in zip(all_keys.tolist(), df.tolist(), strict=True) if d > 0}
        for _, own, alts in expansions:
            own_mass = sum(idf_of[k] for k in own)
            for alt in alts:
                alt_mass = sum(idf_of[k] for k in alt)
                if not alt or alt_mass <= 0:
                    continue
                scale = _SYNONYM_WEIGHT * own_mass / alt_mass
                for k in alt:
                    weights[k] = max(weights[k], scale)
        keys = np.array([k for k in weights if k in present], dtype=np.int64)
        term_weights = np.array([weights[k] * idf_of[k] for k in keys.tolist()], dtype=np.float64)
        view = self._view(folded, canonical, matches, idf_of)
        return view, keys, term_weights

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
        highlight_floor = math.log1p(
            (n - n * _HIGHLIGHT_MAX_DF + 0.5) / (n * _HIGHLIGHT_MAX_DF + 0.5)
        )
        seq = tuple(canonical[i : i + 2] for i in range(len(canonical) - 1))
        weights: dict[str, float] = {}
        for pair in seq:
            key = self._pair_key(pair)
            weights[pair] = idf_of.get(key, max_idf) if key is not None else max_idf
        highlight = frozenset(
            folded[i : i + 2]
            for i in range(len(folded) - 1)
            if (key := self._pair_key(folded[i : i + 2])) is not None
            and idf_of.get(key, max_idf) >= highlight_floor
        )
        return QueryView(folded, canonical, matches, weights, seq, highlight)

    def _pair_key(self, pair: str) -> int | None:
        a, b = self._alphabet.id_of(pair[0]), self._alphabet.id_of(pair[1])
        return bigram_key(a, b) if a and b else None

    def _score(self, keys: npt.NDArray[np.int64], weights: npt.NDArray[np.float64]) -> np.ndarray:
        """BM25 scores of every slot (0 where no term matches)."""
        segment = self._segment
        starts, ends = segment.lookup(keys)
        lengths = ends - starts
        total = int(lengths.sum())
        scores = np.zeros(len(self._records), dtype=np.float64)
        if total:
            run_start = np.cumsum(lengths) - lengths
            index = np.repeat(starts - run_start, lengths) + np.arange(total, dtype=np.int64)
            contrib = segment.impacts[index] * np.repeat(weights, lengths)
            scores += np.bincount(segment.slots[index], weights=contrib, minlength=len(scores))
        if self._delta:
            for key, weight in zip(keys.tolist(), weights.tolist(), strict=True):
                for slot, impact in self._delta.get(key, ()):
                    scores[slot] += weight * impact
        return scores

    def _candidates(
        self,
        scores: np.ndarray,
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
        self, view: QueryView, candidates: npt.NDArray[np.int64], scores: np.ndarray
    ) -> list[tuple[int, float]]:
        if candidates.size == 0:
            return []
        base = scores[candidates]
        top = float(base.max()) or 1.0
        ranked: list[tuple[int, float]] = []
        qlen = len(view.canonical)
        for slot, bm25 in zip(candidates.tolist(), base.tolist(), strict=True):
            folded = self._folded[slot]
            assert folded is not None
            best = 0.0
            for i, text in enumerate(folded.questions):
                if view.matches:
                    text = self._synonyms.canonical(text, view.matches)
                m = match_text(view, text)
                value = (
                    _W_QUERY_COVER * m.query_cover
                    + _W_TEXT_COVER * m.text_cover
                    + _W_PHRASE * m.proximity(qlen, len(text))
                )
                if i:
                    value *= _ALT_DISCOUNT
                best = max(best, value)
            tags = sum(1 for t in folded.tags if t and self._canon(t, view) in view.canonical)
            score = bm25 / top + best + _W_TAG * min(tags, 2)
            ranked.append((slot, score))
        ranked.sort(key=lambda item: (-item[1], item[0]))
        return ranked

    def _canon(self, folded: str, view: QueryView) -> str:
        return self._synonyms.canonical(folded, view.matches) if view.matches else folded

    def _hit(self, view: QueryView, slot: int, score: float) -> SearchHit:
        record = self._records[slot]
        folded = self._folded[slot]
        assert record is not None and folded is not None
        short = len(view.folded) <= 2
        q_spans = highlight_spans(record.question, view, self._synonyms, unigram_fallback=short)
        snippet, s_spans = make_snippet(record.answer, view, self._synonyms, unigram_fallback=short)
        # Which question-like text matched best (for "相似问法")
        best_alt: str | None = None
        qlen = len(view.canonical)
        values = []
        for text in folded.questions:
            m = match_text(view, self._canon(text, view))
            values.append(m.query_cover + m.proximity(qlen, len(text)))
        if len(values) > 1 and max(values[1:]) > values[0] + 1e-9:
            best_alt = record.alt_questions[values.index(max(values[1:])) - 1]
        fuzzy = any(fuzzy_evidence(view, self._canon(t, view)) for t in folded.questions)
        why = explain(
            view=view,
            synonyms=self._synonyms,
            question=record.question,
            question_spans=q_spans,
            best_alt=best_alt,
            doc_texts=(*folded.questions, *folded.tags, folded.fields[3]),
            tags=record.tags,
            tags_folded=tuple(self._canon(t, view) for t in folded.tags),
            snippet=snippet,
            snippet_spans=s_spans,
            fuzzy=fuzzy,
        )
        return SearchHit(
            article_id=record.id,
            unit_id=record.unit_id,
            score=round(score, 6),
            question=record.question,
            snippet=snippet,
            highlights=Highlights(tuple(q_spans), tuple(s_spans)),
            why=why,
            domain=record.domain,
            status=record.status,
        )
