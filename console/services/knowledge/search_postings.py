"""Postings for the knowledge search: character n-gram terms, BM25 impacts, numpy arrays.

Terms are integer keys over a dense character alphabet (id 0 is the separator):

* bigram ``a << 16 | b`` for adjacent characters ``ab`` — every field;
* skip-gram ``a << 16 | c`` for ``abc`` (same key space as bigrams, lower weight), so a
  query missing or mistyping one character still meets the article — short fields only;
* unigram ``a`` (always < 65536, so never equal to a bigram key) for one- and
  two-character queries — short fields only.

Each posting stores a precomputed impact: the sum over fields of the field weight times
the BM25 term-frequency part ``tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))``. The query
multiplies by the term's IDF, which is computed live from the document frequencies, so
the next query after an edit sees the edit.

Building is vectorised: all terms of all documents are packed into one int64 composite
(key, document, field, kind), sorted once with ``np.sort`` (no argsort), and grouped with
``np.add.reduceat``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Int64s = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Float32s = npt.NDArray[np.float32]
Float64s = npt.NDArray[np.float64]

SEPARATOR = "\x00"
"""Joins the items of a list field (and documents in a batch); never inside folded text."""

K1 = 1.2
KIND_BIGRAM, KIND_SKIP, KIND_UNIGRAM = 0, 1, 2
KIND_WEIGHT = np.array([1.0, 0.4, 1.0, 0.0], dtype=np.float64)
"""Term-frequency weight of each kind: a skip-gram counts less than an adjacent pair."""

_ALPHABET_BITS = 16
_ALPHABET_MAX = (1 << _ALPHABET_BITS) - 1
_DOC_BITS = 21
_DOC_MASK = (1 << _DOC_BITS) - 1
MAX_BATCH = 1 << _DOC_BITS


@dataclass(frozen=True)
class FieldSpec:
    """How one article field is indexed and weighted."""

    name: str
    weight: float
    b: float
    grams: bool
    """Also index skip-grams and unigrams (the short, question-like fields)."""
    default_avglen: float


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("question", 3.0, 0.5, True, 18.0),
    FieldSpec("alt_questions", 2.0, 0.3, True, 40.0),
    FieldSpec("tags", 1.6, 0.3, True, 12.0),
    FieldSpec("answer", 1.0, 0.75, False, 220.0),
    FieldSpec("basis", 0.4, 0.5, False, 40.0),
)
FIELD_INDEX = {spec.name: i for i, spec in enumerate(FIELDS)}
_FIELD_WEIGHT = np.array([spec.weight for spec in FIELDS], dtype=np.float64)


class Alphabet:
    """Dense ids for the characters seen so far (0 = separator or unknown character).

    Ids fit 16 bits; past 65 535 distinct characters the rarest newcomers share the last
    id, which only blurs matches between such characters.
    """

    def __init__(self) -> None:
        self._table = np.zeros(0x110000, dtype=np.uint16)
        self._ids: dict[str, int] = {}
        self._next = 1

    def __len__(self) -> int:
        return self._next - 1

    def id_of(self, ch: str) -> int:
        """The id of one character, 0 if it was never indexed."""
        return self._ids.get(ch, 0)

    def encode(self, text: str) -> Int64s:
        """Ids of every character of ``text`` (separators → 0), adding new characters."""
        if not text:
            return np.zeros(0, dtype=np.int64)
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        ids = self._table[points]
        unseen = np.unique(points[(ids == 0) & (points != 0)])
        if unseen.size:
            for point in unseen.tolist():
                new_id = min(self._next, _ALPHABET_MAX)
                self._table[point] = new_id
                self._ids[chr(point)] = new_id
                if self._next <= _ALPHABET_MAX:
                    self._next += 1
            ids = self._table[points]
        return ids.astype(np.int64)

    def nbytes(self) -> int:
        return int(self._table.nbytes)


def bigram_key(a: int, b: int) -> int:
    """The key of the adjacent (or skip) pair of character ids ``a``, ``b``."""
    return (a << _ALPHABET_BITS) | b


@dataclass(frozen=True)
class Postings:
    """Postings sorted by (key, slot): one row per (term, document)."""

    keys: Int64s
    slots: Int32s
    impacts: Float32s

    @staticmethod
    def empty() -> Postings:
        return Postings(
            np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        )

    def __len__(self) -> int:
        return int(self.keys.size)


def field_length(text: str) -> int:
    """Characters of a folded field text, separators not counted."""
    return len(text) - text.count(SEPARATOR)


_CHUNK = 4096
"""Documents indexed at a time: keeps the working arrays small enough for the CPU caches."""


def build_postings(
    texts: Sequence[Sequence[str]],
    slots: Sequence[int],
    alphabet: Alphabet,
    avglen: Sequence[float],
) -> Postings:
    """Index a batch of documents.

    Args:
        texts: per field (in ``FIELDS`` order), the folded text of each document; list
            fields have their items joined by ``SEPARATOR``.
        slots: the slot number of each document, increasing.
        alphabet: the character ids (grows with new characters).
        avglen: the average length of each field, for BM25 length normalisation.

    Returns:
        The batch's postings, sorted by (key, slot).
    """
    n = len(slots)
    if n <= _CHUNK:
        return _build_chunk(texts, slots, alphabet, avglen)
    return build_segment(texts, slots, alphabet, avglen).postings()


def build_segment(
    texts: Sequence[Sequence[str]],
    slots: Sequence[int],
    alphabet: Alphabet,
    avglen: Sequence[float],
) -> Segment:
    """Index many documents straight into a segment (arguments as :func:`build_postings`).

    Chunks of documents are indexed one after the other, then each chunk's postings are
    copied to their place in the grouped arrays (counting sort by term): no sort of the
    whole corpus, and the peak memory stays near twice the final arrays.
    """
    n = len(slots)
    parts: list[tuple[npt.NDArray[np.uint32], Int32s, Float32s]] = []
    for i in range(0, n, _CHUNK):
        part = _build_chunk(
            [t[i : i + _CHUNK] for t in texts], slots[i : i + _CHUNK], alphabet, avglen
        )
        parts.append((part.keys.astype(np.uint32), part.slots, part.impacts))
        del part
    if not parts:
        return Segment(Postings.empty())
    terms = np.unique(np.concatenate([np.unique(keys) for keys, _, _ in parts]))
    totals = np.zeros(terms.size, dtype=np.int64)
    for keys, _, _ in parts:
        starts = _run_starts(keys)
        counts = np.diff(np.append(starts, keys.size))
        totals[np.searchsorted(terms, keys[starts])] += counts
    offsets = np.concatenate((np.zeros(1, dtype=np.int64), np.cumsum(totals)))
    cursor = offsets[:-1].copy()
    out_slots = np.empty(int(offsets[-1]), dtype=np.int32)
    out_impacts = np.empty(int(offsets[-1]), dtype=np.float32)
    while parts:
        keys, part_slots, impacts = parts.pop(0)  # slot order: each term's slots ascend
        starts = _run_starts(keys)
        counts = np.diff(np.append(starts, keys.size))
        term = np.searchsorted(terms, keys[starts])
        rank = np.arange(keys.size, dtype=np.int64) - np.repeat(starts, counts)
        where = np.repeat(cursor[term], counts) + rank
        out_slots[where] = part_slots
        out_impacts[where] = impacts
        cursor[term] += counts
    return Segment.from_arrays(terms.astype(np.int64), offsets, out_slots, out_impacts)


def _build_chunk(
    texts: Sequence[Sequence[str]],
    slots: Sequence[int],
    alphabet: Alphabet,
    avglen: Sequence[float],
) -> Postings:
    """Index one chunk of documents.

    Args:
        texts: per field (in ``FIELDS`` order), the folded text of each document; list
            fields have their items joined by ``SEPARATOR``.
        slots: the slot number of each document.
        alphabet: the character ids (grows with new characters).
        avglen: the average length of each field, for BM25 length normalisation.

    Returns:
        The batch's postings, sorted by (key, slot) when ``slots`` increase.
    """
    n = len(slots)
    if n == 0:
        return Postings.empty()
    if n > MAX_BATCH:
        raise ValueError(f"batch of {n} documents exceeds {MAX_BATCH}")
    composites: list[Int64s] = []
    norm = np.empty((len(FIELDS), n), dtype=np.float64)
    for f, spec in enumerate(FIELDS):
        field_texts = texts[f]
        lengths = np.fromiter((field_length(t) for t in field_texts), dtype=np.float64, count=n)
        avg = avglen[f] if avglen[f] > 0 else spec.default_avglen
        norm[f] = K1 * (1.0 - spec.b + spec.b * lengths / avg)
        big = SEPARATOR.join(field_texts) + SEPARATOR
        ids = alphabet.encode(big)
        spans = np.fromiter((len(t) + 1 for t in field_texts), dtype=np.int64, count=n)
        doc = np.repeat(np.arange(n, dtype=np.int64), spans)
        live = ids != 0
        low = (f << 2) | KIND_BIGRAM
        ok = live[:-1] & live[1:]
        key = (ids[:-1][ok] << _ALPHABET_BITS) | ids[1:][ok]
        composites.append((key << 26) | (doc[:-1][ok] << 5) | low)
        if spec.grams:
            ok2 = live[:-2] & live[1:-1] & live[2:]
            key2 = (ids[:-2][ok2] << _ALPHABET_BITS) | ids[2:][ok2]
            composites.append((key2 << 26) | (doc[:-2][ok2] << 5) | ((f << 2) | KIND_SKIP))
            composites.append((ids[live] << 26) | (doc[live] << 5) | ((f << 2) | KIND_UNIGRAM))
    packed = np.sort(np.concatenate(composites))
    if packed.size == 0:
        return Postings.empty()
    # (key, doc, field, kind) → counts
    starts = _run_starts(packed)
    unique = packed[starts]
    counts = np.diff(np.append(starts, packed.size)).astype(np.float64)
    contrib = counts * KIND_WEIGHT[unique & 3]
    # (key, doc, field) → weighted term frequency → saturated, field-weighted impact
    by_field = unique >> 2
    starts = _run_starts(by_field)
    tf = np.add.reduceat(contrib, starts)
    by_field = by_field[starts]
    field = by_field & 7
    doc_of = (by_field >> 3) & _DOC_MASK
    impact = _FIELD_WEIGHT[field] * tf * (K1 + 1.0) / (tf + norm[field, doc_of])
    # (key, doc) → impact summed over fields
    by_doc = by_field >> 3
    starts = _run_starts(by_doc)
    impact = np.add.reduceat(impact, starts)
    by_doc = by_doc[starts]
    slot_of = np.asarray(slots, dtype=np.int32)
    return Postings(
        keys=by_doc >> _DOC_BITS,
        slots=slot_of[by_doc & _DOC_MASK],
        impacts=impact.astype(np.float32),
    )


def _run_starts(sorted_values: npt.NDArray[np.integer[Any]]) -> Int64s:
    """Indices where a new run of equal values starts in a sorted array."""
    if sorted_values.size == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.flatnonzero(sorted_values[1:] != sorted_values[:-1]) + 1
    return np.concatenate((np.zeros(1, dtype=np.int64), change))


class Segment:
    """The bulk of the index: postings grouped by term (CSR), immutable."""

    def __init__(self, postings: Postings) -> None:
        starts = _run_starts(postings.keys)
        self.term_keys: Int64s = postings.keys[starts]
        self.offsets: Int64s = np.append(starts, len(postings)).astype(np.int64)
        self.slots: Int32s = postings.slots
        self.impacts: Float32s = postings.impacts

    @classmethod
    def from_arrays(
        cls, term_keys: Int64s, offsets: Int64s, slots: Int32s, impacts: Float32s
    ) -> Segment:
        """A segment from grouped arrays (``offsets[i]:offsets[i+1]`` are term i's rows)."""
        segment = cls(Postings.empty())
        segment.term_keys, segment.offsets = term_keys, offsets
        segment.slots, segment.impacts = slots, impacts
        return segment

    def __len__(self) -> int:
        return int(self.slots.size)

    def lookup(self, keys: Int64s) -> tuple[Int64s, Int64s]:
        """Start and end of each key's postings (start == end when absent)."""
        if self.term_keys.size == 0 or keys.size == 0:
            zero = np.zeros(keys.size, dtype=np.int64)
            return zero, zero
        at = np.searchsorted(self.term_keys, keys)
        at_clipped = np.minimum(at, self.term_keys.size - 1)
        found = self.term_keys[at_clipped] == keys
        starts = np.where(found, self.offsets[at_clipped], 0)
        ends = np.where(found, self.offsets[at_clipped + 1], 0)
        return starts, ends

    def postings(self) -> Postings:
        """All postings as rows again (for merging)."""
        counts = np.diff(self.offsets)
        return Postings(np.repeat(self.term_keys, counts), self.slots, self.impacts)

    def nbytes(self) -> int:
        return int(
            self.term_keys.nbytes + self.offsets.nbytes + self.slots.nbytes + self.impacts.nbytes
        )


def merge_postings(base: Postings, extra: Postings, renumber: npt.NDArray[np.int64]) -> Postings:
    """Merge sorted ``base`` with ``extra`` (any order), dropping slots renumbered to −1.

    ``renumber`` maps every old slot to its new one (−1 for a removed article) and keeps
    slot order, so ``base`` stays sorted; ``extra`` is sorted on its own, and a stable
    sort of the two runs merges them in about linear time.
    """
    parts: list[Postings] = []
    for part in (base, extra):
        slots = renumber[part.slots]
        keep = slots >= 0
        parts.append(Postings(part.keys[keep], slots[keep].astype(np.int32), part.impacts[keep]))
    base, extra = parts
    if len(extra) == 0:
        return base
    return sort_postings(concat_postings([base, sort_postings(extra)]))


def sort_postings(postings: Postings) -> Postings:
    """Postings in (key, slot) order."""
    order = np.argsort((postings.keys << _DOC_BITS) | postings.slots, kind="stable")
    return Postings(postings.keys[order], postings.slots[order], postings.impacts[order])


def concat_postings(parts: Sequence[Postings]) -> Postings:
    """Rows of several posting lists, unsorted."""
    if not parts:
        return Postings.empty()
    return Postings(
        np.concatenate([p.keys for p in parts]),
        np.concatenate([p.slots for p in parts]),
        np.concatenate([p.impacts for p in parts]),
    )
