"""Reranking features, highlight spans, snippets and the plain-text "why" of a search hit.

Everything works on folded text (``text.normalize``) and points back into the original
with the offsets of ``text.normalize_with_offsets``. Nothing here styles text: spans are
``(start, end)`` pairs that the UI turns into styles, so an article's own brackets
(``[bold]``, ``[/``) are never interpreted.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from console.services.knowledge.search_synonyms import SynonymMatch, Synonyms
from console.services.knowledge.text import normalize_with_offsets

Span = tuple[int, int]

SNIPPET_CHARS = 80
"""Length of the answer excerpt shown under a hit (original characters)."""
_SNIPPET_LEAD = 12
_SENTENCE_END = "。！？；!?;\n"
ELLIPSIS = "…"


@dataclass(frozen=True)
class QueryView:
    """What the reranker and the explainer need to know about one query."""

    folded: str
    canonical: str
    """``folded`` with each synonym group rewritten to the member the query used."""
    matches: tuple[SynonymMatch, ...]
    bigram_weights: dict[str, float]
    """IDF weight of each bigram of ``canonical``."""
    bigram_seq: tuple[str, ...]
    highlight: frozenset[str]
    """Bigrams of ``folded`` worth highlighting (not stop-like)."""
    total_weight: float = field(init=False)
    positions: dict[str, tuple[int, ...]] = field(init=False)
    """Where each bigram of ``canonical`` occurs in ``bigram_seq``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_weight", sum(self.bigram_weights.values()) or 1.0)
        where: dict[str, list[int]] = {}
        for i, pair in enumerate(self.bigram_seq):
            where.setdefault(pair, []).append(i)
        object.__setattr__(self, "positions", {b: tuple(p) for b, p in where.items()})

    @property
    def short(self) -> bool:
        return len(self.canonical) < 2


def bigram_set(text: str) -> set[str]:
    """Set of adjacent character pairs of a folded text."""
    return set(map(operator.add, text, text[1:]))


def skip_set(text: str) -> set[str]:
    """Set of character pairs one character apart (``abc`` → ``ac``)."""
    return set(map(operator.add, text, text[2:]))


@dataclass(frozen=True)
class TextMatch:
    """How well one question-like text matches the query."""

    query_cover: float
    """IDF-weighted share of the query's bigrams found in the text."""
    text_cover: float
    """Share of the text's bigrams found in the query."""
    run: int
    """Longest run of the query found in the text, in characters."""

    def proximity(self, query_len: int, text_len: int) -> float:
        longest = min(query_len, text_len)
        return self.run / longest if longest else 0.0


def match_text(view: QueryView, text: str) -> TextMatch:
    """Compare a folded (canonical) text with the query."""
    if not text:
        return TextMatch(0.0, 0.0, 0)
    if view.short:
        found = view.canonical in text
        return TextMatch(float(found), 1.0 / len(text) if found else 0.0, 1 if found else 0)
    pairs = bigram_set(text)
    if not pairs:
        return TextMatch(0.0, 0.0, 0)
    weights = view.bigram_weights
    shared = [b for b in pairs if b in weights]
    if not shared:
        return TextMatch(0.0, 0.0, 0)
    covered = sum(weights[b] for b in shared)
    # Longest run of consecutive query positions whose bigram the text has.
    where = view.positions
    hits = sorted(p for b in shared for p in where[b])
    best = cur = 1
    for prev, here in zip(hits, hits[1:], strict=False):
        if here == prev + 1:
            cur += 1
            best = max(best, cur)
        elif here != prev:
            cur = 1
    return TextMatch(covered / view.total_weight, len(shared) / len(pairs), best + 1)


_FUZZY_MAX_QUERY = 12
"""Longer queries (a caller's speech) are not checked for typos: chance pairs abound."""


def fuzzy_evidence(view: QueryView, text: str) -> bool:
    """True when part of the query meets the text only across one missing or changed character.

    Only pairs next to an exact match count, so a long caller speech does not report
    chance pairs.
    """
    q = view.canonical
    if not 3 <= len(q) <= _FUZZY_MAX_QUERY or len(text) < 3:
        return False
    pairs = bigram_set(text)
    skips = skip_set(text)

    def anchored(i: int) -> bool:
        return q[max(0, i - 1) : i + 1] in pairs or q[i + 1 : i + 3] in pairs

    for i in range(len(q) - 1):
        pair = q[i : i + 2]
        if pair not in pairs and pair in skips and anchored(i):
            return True  # the query misses a character of the text
    for i in range(len(q) - 2):
        skip = q[i] + q[i + 2]
        around = q[i : i + 2] in pairs and q[i + 1 : i + 3] in pairs
        context = q[max(0, i - 1) : i + 1] in pairs or q[i + 2 : i + 4] in pairs
        if not around and (skip in pairs or skip in skips) and context:
            return True  # the query has an extra or a changed character
    return False


@lru_cache(maxsize=4096)
def folded_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """Cached :func:`normalize_with_offsets` (the same top articles recur keystroke after keystroke)."""
    return normalize_with_offsets(text)


def mark_positions(
    folded: str, view: QueryView, synonyms: Synonyms, *, unigram_fallback: bool
) -> list[bool]:
    """Which characters of a folded text match the query (bigrams, synonym members)."""
    marks = [False] * len(folded)
    highlight = view.highlight
    for j in range(len(folded) - 1):
        if folded[j : j + 2] in highlight:
            marks[j] = marks[j + 1] = True
    for match in view.matches:
        for member in synonyms.members_in(folded, match.group):
            start = folded.find(member)
            while start >= 0:
                for j in range(start, start + len(member)):
                    marks[j] = True
                start = folded.find(member, start + len(member))
    if unigram_fallback and not any(marks):
        chars = set(view.folded)
        for j, ch in enumerate(folded):
            if ch in chars:
                marks[j] = True
    return marks


def spans_from_marks(marks: Sequence[bool], origin: Sequence[int]) -> list[Span]:
    """Turn marked folded characters into (start, end) spans of the original text.

    A run is cut where the original has characters in between (dropped punctuation or
    spaces), so a span never covers text that did not match.
    """
    spans: list[Span] = []
    start = prev = -1
    for j, marked in enumerate(marks):
        if not marked:
            continue
        at = origin[j]
        if start >= 0 and at - prev <= 1:
            prev = at
            continue
        if start >= 0:
            spans.append((start, prev + 1))
        start = prev = at
    if start >= 0:
        spans.append((start, prev + 1))
    return spans


def highlight_spans(
    original: str, view: QueryView, synonyms: Synonyms, *, unigram_fallback: bool
) -> list[Span]:
    """Spans of ``original`` that match the query."""
    folded, origin = folded_with_offsets(original)
    marks = mark_positions(folded, view, synonyms, unigram_fallback=unigram_fallback)
    return spans_from_marks(marks, origin)


def make_snippet(
    answer: str, view: QueryView, synonyms: Synonyms, *, unigram_fallback: bool
) -> tuple[str, list[Span]]:
    """A one-line excerpt of the answer around its densest match, with spans into it."""
    spans = highlight_spans(answer, view, synonyms, unigram_fallback=unigram_fallback)
    start = 0
    if spans:
        points = [p for s, e in spans for p in range(s, e)]
        best_at, best_count, j = points[0], 0, 0
        for i, p in enumerate(points):
            while points[j] < p - SNIPPET_CHARS + _SNIPPET_LEAD:
                j += 1
            # window ending at p: count of matched characters within it
            if i - j + 1 > best_count:
                best_count, best_at = i - j + 1, points[j]
        start = max(0, best_at - _SNIPPET_LEAD)
        cut = max((answer.rfind(ch, start, best_at) for ch in _SENTENCE_END), default=-1)
        if cut >= start:
            start = cut + 1
    while start < len(answer) and answer[start].isspace():
        start += 1
    end = min(len(answer), start + SNIPPET_CHARS)
    while end > start and answer[end - 1].isspace():
        end -= 1
    body = "".join(" " if ch in "\r\n\t" else ch for ch in answer[start:end])
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(answer.rstrip()) else ""
    shift = len(prefix) - start
    inside = [
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if e > start and s < end
    ]
    return prefix + body + suffix, inside


def _quoted(original: str, spans: Iterable[Span], shortest: int = 2, limit: int = 2) -> list[str]:
    """The longest matched phrases, quoted; ties in length by text, so the wording is stable
    (a set's order changes with the process's string hashing)."""
    found = {original[s:e] for s, e in spans if e - s >= shortest}
    pieces = sorted(found, key=lambda p: (-len(p), p))
    return [f"「{p}」" for p in pieces[:limit]]


def explain(
    *,
    view: QueryView,
    synonyms: Synonyms,
    question: str,
    question_spans: Sequence[Span],
    best_alt: str | None,
    questions_folded: Sequence[str],
    answer_folded: str,
    tags: Sequence[str],
    tags_folded: Sequence[str],
    snippet: str,
    snippet_spans: Sequence[Span],
    fuzzy: bool,
) -> tuple[str, ...]:
    """Plain sentences telling the operator why an article came up.

    ``questions_folded`` are the article's folded question and alternative questions.
    """
    why: list[str] = []
    shortest = 1 if len(view.folded) == 1 else 2
    quoted = _quoted(question, question_spans, shortest)
    if quoted:
        why.append("问题含" + "".join(quoted))
    if best_alt is not None:
        why.append(f"相似问法：{best_alt}")
    questions = "\x00".join(questions_folded)
    everything = "\x00".join((*questions_folded, *tags_folded, answer_folded))
    synonym_lines = 0
    for match in view.matches:
        if match.member in questions or synonym_lines >= 2:
            continue  # the article uses the caller's own word where it counts
        for member in synonyms.members_in(everything, match.group):
            if member != match.member and member not in view.folded:
                why.append(f"同义词：{synonyms.display(match.member)}→{synonyms.display(member)}")
                synonym_lines += 1
                break
    matched_tags = [
        tag
        for tag, folded in zip(tags, tags_folded, strict=True)
        if folded and folded in view.canonical
    ]
    if matched_tags:
        why.append("标签：" + "、".join(matched_tags[:3]))
    if not quoted and best_alt is None:
        in_answer = _quoted(snippet, snippet_spans, shortest)
        if in_answer:
            why.append("答案含" + "".join(in_answer))
    if fuzzy:
        why.append("容错匹配（错字、漏字）")
    if not why:
        why.append("字词相近")
    return tuple(why)
