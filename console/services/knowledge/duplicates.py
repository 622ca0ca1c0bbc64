"""Duplicate and repeat detection at intake (R-INADMISSIBLE ground 4, R-TERMINATE).

While the operator types, the intake screen asks whether the matter is already known:

- **same caller, same matter** — an earlier ticket of this caller on a similar matter that
  was accepted, is in progress or was lawfully closed: without new facts or reasons the
  request may be refused under ground 4 (R-INADMISSIBLE, Art. 9(4));
- **terminated matter** — any earlier ticket on the matter, by this caller or another,
  that was terminated (终结): later calls are not accepted and are explained (R-TERMINATE,
  Art. 15);
- **other callers, same matter** — for supervision of matters reported by many
  (R-SUPERVISE-WHEN (3)) and for hot and concentrated matters (R-ANALYTICS).

A matter is its place and its problem, however it is worded: the same estate, road, bus
line, school or shop with the same trouble is the same matter. Each ticket is read
(reading.py) for its named places and its matter (catalogue terms and trouble words), and
a pair is scored from

- the cosine of IDF-weighted sets of terms (`text.terms`: character bigrams inside CJK
  runs, whole latin/digit runs) over the first `MAX_CHARS` characters;
- whether they name the same place, or name different places of the same kind;
- whether they are about the same matter type and the same trouble;
- the rare terms both mention (a company's, an estate's, a scheme's name), the likeness of
  their openings and the longest uncommon run of characters they share; for the same caller,
  the rarest of those terms (names) weigh more: a caller naming the same estate or company
  again is repeating a matter, where another caller there often raises another trouble;
- for another caller, how much of either's opening — where the matter is stated, a letter's
  subject, an operator's first words — the other mentions, its terms weighed by how rare they
  are (``cover``): 湖楚财富不兑付 found in a long letter about 湖楚财富 that shares little else;

combined by a logistic function whose weights were fitted on the development half of the
real labelled set (benchmarks/bench_duplicates.py), so a score reads as a probability.
Candidates come from an inverted index of terms probed with the query's rarest terms, from
an index of places, and from the caller's own tickets (a phone index), so a repeat by the
same caller or at the same place is never lost to the candidate cut; a lookup stays in
milliseconds with 100 000 tickets indexed.

The index only suggests: whether there are new facts or reasons is for the operator to
judge, and the reason text says so. Pure: no I/O, no textual.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from console.services.knowledge.reading import (
    GENERIC_TROUBLES,
    Place,
    Reading,
    place_key,
    read,
    same_place,
    strip_courtesy,
)
from console.services.knowledge.term_columns import TermColumns
from console.services.knowledge.text import normalize, terms
from console.services.values import State

if TYPE_CHECKING:
    from console.services.knowledge.catalogue import Catalogue

MAX_CHARS = 400
"""Characters of a ticket's text that are compared (the matter is stated early)."""

SAME_CALLER_MIN = 0.55
"""Default least score for a same-caller match (set on the development half of the real set,
see bench_duplicates)."""

OTHER_CALLER_MIN = 0.4
"""Default least score for a match by another caller."""


@dataclass(frozen=True)
class PairWeights:
    """The logistic combination of a pair's evidence (fitted on the development half of the
    real labelled set by benchmarks/bench_duplicates.py; the held-out half was not used)."""

    bias: float = -7.83
    cosine: float = 3.28
    same_place: float = 0.58
    other_place: float = -0.45  # both name places of the same kind, none the same
    same_matter: float = 0.45
    same_trouble: float = 0.38
    same_caller: float = 0.83  # alone; with the same names, see same_caller_names
    rare: float = 2.22  # shared rare terms (a proper name both mention)
    head: float = 2.79  # likeness of the openings (where the matter is stated)
    name: float = 1.05  # the longest uncommon run of characters both mention
    place_trouble: float = 0.26  # the same named place with the same specific trouble
    # the same caller naming the same names (terms in 1 ticket in 400: a company's, an
    # estate's): a repeat, where another caller at the same estate often raises another trouble
    same_caller_names: float = 2.98
    # another caller's request mentioning what either's opening states (the subject of a
    # letter, an operator's first words): the same matter however the rest is worded
    cover: float = 5.2

    def score(self, f: PairFeatures) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit(f)))

    def ceiling(
        self,
        cosine: float,
        same_caller: bool,
        rare: float,
        head: float,
        names: float,
        cover: float,
    ) -> float:
        """The highest logit a pair can reach given the evidence read first (``rare`` and
        ``names``, IDF masses as ``_scored`` gives them; ``cover`` as ``cover`` gives it):
        every other feature (each between 0 and 1) at whichever end raises it. A little above
        the exact bound, so rounding never leaves out a pair that reaches it."""
        return (
            self.bias
            + self.cover * (0.0 if same_caller else cover)
            + self.cosine * cosine
            + self.same_caller * (1.0 if same_caller else 0.0)
            + self.rare * min(rare, SPECIFIC_CAP) / SPECIFIC_CAP
            + self.same_caller_names * (names_evidence(names) if same_caller else 0.0)
            + self.head * head
            + max(0.0, self.same_place)
            + max(0.0, self.other_place)
            + max(0.0, self.same_matter)
            + max(0.0, self.same_trouble)
            + max(0.0, self.name)
            + max(0.0, self.place_trouble)
            + 1e-9
        )

    def logit(self, f: PairFeatures) -> float:
        return (
            self.bias
            + self.cosine * f.cosine
            + self.same_place * f.same_place
            + self.other_place * f.other_place
            + self.same_matter * f.same_matter
            + self.same_trouble * f.same_trouble
            + self.same_caller * f.same_caller
            + self.rare * f.rare
            + self.head * f.head
            + self.name * f.name
            + self.place_trouble * f.place_trouble
            + self.same_caller_names * f.same_caller_names
            + self.cover * f.cover
        )


@dataclass(frozen=True)
class PairFeatures:
    """The evidence that two requests raise the same matter."""

    cosine: float
    same_place: float
    other_place: float
    same_matter: float
    same_trouble: float
    same_caller: float
    rare: float = 0.0
    head: float = 0.0
    name: float = 0.0
    place_trouble: float = 0.0
    same_caller_names: float = 0.0
    cover: float = 0.0
    places: tuple[str, ...] = ()  # the places both name (for the reason shown)

    def vector(self) -> tuple[float, ...]:
        return (
            self.cosine,
            self.same_place,
            self.other_place,
            self.same_matter,
            self.same_trouble,
            self.same_caller,
            self.rare,
            self.head,
            self.name,
            self.place_trouble,
            self.same_caller_names,
            self.cover,
        )


FEATURES = (
    "cosine", "same_place", "other_place", "same_matter", "same_trouble", "same_caller", "rare",
    "head", "name", "place_trouble", "same_caller_names", "cover",
)  # fmt: skip
NAME_CHARS = 200
NAME_CAP = 6
"""A shared uncommon run of this many characters (a company's, a scheme's, an estate's name)
counts fully."""
HEAD_CHARS = 40
SPECIFIC_CAP = 30.0
"""IDF mass of shared specific terms at which the evidence saturates (about four names)."""
NAMES_SHARE = 400
"""A term in at most one of this many indexed tickets (at least ``_RARE_DF``) is a name's."""
NAMES_CAP = 60.0
IDF_PRIOR = 100
"""Tickets counted besides those indexed, none with a given term, whenever a term is weighed by
how rare it is (its IDF, log((n + 1 + IDF_PRIOR) / (df + 1)), in the cosine, the shared rare
and name masses and the openings): in a new store of a few tickets a term one of them has is
not the commonest of words, and a repeat is still told (among 4 000 tickets the prior moves
a weight by a few hundredths)."""


def _log_top(n: int) -> float:
    """The log of what a term's document frequency is set against (``IDF_PRIOR``)."""
    return math.log(n + 1 + IDF_PRIOR)


def names_evidence(mass: float) -> float:
    """The IDF mass of shared name terms as evidence between 0 and 1: growing with the log of
    the mass (a second name adds less than the first), full at ``NAMES_CAP``."""
    return min(1.0, math.log1p(mass) / math.log1p(NAMES_CAP))


# Financial numerals as plain ones: 半山壹号 and 半山一号 are one estate.
_NUMERALS = str.maketrans("零壹贰叁肆伍陆柒捌玖拾佰仟", "〇一二三四五六七八九十百千")


def same_numerals(text: str) -> str:
    return text.translate(_NUMERALS)


def head_grams(text: str) -> frozenset[str]:
    """Bigrams of a request's opening (where callers and operators state the matter)."""
    folded = normalize(same_numerals(strip_courtesy(text[: HEAD_CHARS * 3])))[:HEAD_CHARS]
    return frozenset(folded[i : i + 2] for i in range(len(folded) - 1))


def name_grams(text: str) -> tuple[str, ...]:
    """Every character bigram of a request's first ``NAME_CHARS`` folded characters, in order
    (across scripts: 58车贷 gives 58, 8车, 车贷)."""
    folded = normalize(same_numerals(text[: NAME_CHARS * 2]))[:NAME_CHARS]
    return tuple(folded[i : i + 2] for i in range(len(folded) - 1))


_RUNS_OF_HITS = re.compile(b"\x01+")


def _longest_run(
    grams: tuple[str, ...], other: frozenset[str], common: Callable[[str], bool]
) -> int:
    """Characters of the longest run of consecutive ``grams`` the other request also has, none
    of them common."""
    return _longest_uncommon_run(tuple(None if common(g) else g for g in grams), other)


def _longest_uncommon_run(grams: Sequence[str | None], other: frozenset[str]) -> int:
    """``_longest_run`` with the common grams already blanked (None): the query's grams are
    looked up once, not once per candidate."""
    hits = bytes(map(other.__contains__, grams))  # 1 where the other has the gram (None: never)
    if 1 not in hits:
        return 0
    return max(map(len, _RUNS_OF_HITS.findall(hits))) + 1


def _gram_positions(grams: Sequence[str | None]) -> dict[str, list[int]]:
    """Where each (uncommon) gram of a query is, for ``_longest_shared_run``."""
    positions: dict[str, list[int]] = {}
    for at, g in enumerate(grams):
        if g is not None:
            positions.setdefault(g, []).append(at)
    return positions


def _longest_shared_run(positions: dict[str, list[int]], length: int, other: frozenset[str]) -> int:
    """``_longest_uncommon_run`` of a query's grams (``length`` of them, their
    ``_gram_positions``): only the grams both have are marked, not every gram looked up."""
    shared = other.intersection(positions)
    if not shared:
        return 0
    hits = bytearray(length)
    for g in shared:
        for at in positions[g]:
            hits[at] = 1
    return max(map(len, _RUNS_OF_HITS.findall(hits))) + 1


def _stale(n: int, at: Any) -> Any:
    """Whether a norm computed with ``at`` tickets indexed is to be computed again now that
    there are ``n``: once the index size has moved by a tenth (idf moves as tickets come and
    go). ``at`` a number, or an array of them."""
    return abs(n - at) * 10 > at


def _logit(p: float) -> float:
    """The logit of a probability (``PairWeights.score`` read backwards); +inf at 1."""
    return math.inf if p >= 1.0 else math.log(p / (1.0 - p))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def opening_terms(text: str) -> tuple[str, ...]:
    """The distinct terms of a request's opening (``HEAD_CHARS`` characters, courtesy left out):
    where the matter is stated, a message's subject."""
    return tuple(
        dict.fromkeys(terms(same_numerals(strip_courtesy(text[: HEAD_CHARS * 3])), HEAD_CHARS))
    )


def cover(
    opening_a: Sequence[float], in_b: Sequence[bool], opening_b: Sequence[float],
    in_a: Sequence[bool],
) -> float:  # fmt: skip
    """How much of either request's opening the other mentions, the greater of the two: the
    weights of an opening's terms (``DuplicateIndex._opening_weights``) and whether the other
    request has each. A follow-up's subject (湖楚财富不兑付) is found in the letter it follows,
    however differently the rest is worded."""

    def share(weights: Sequence[float], found: Sequence[bool]) -> float:
        total = sum(weights)
        return sum(w for w, f in zip(weights, found, strict=True) if f) / total if total else 0.0

    return max(share(opening_a, in_b), share(opening_b, in_a))


def pair_features(
    a: Reading,
    b: Reading,
    cosine: float,
    same_caller: bool,
    rare: float = 0.0,
    head: float = 0.0,
    name: int = 0,
    names: float = 0.0,
    cover: float = 0.0,
) -> PairFeatures:
    shared = (
        [p.name for p in a.places if any(same_place(p, q) for q in b.places)]
        if a.places and b.places
        else []
    )
    conflict = not shared and not a.place_kinds.isdisjoint(b.place_kinds)
    same_matter = not a.first_matters.isdisjoint(b.first_matters)
    troubles = a.problem_set & b.problem_set
    specific = troubles - GENERIC_TROUBLES
    named = specific and any(k in b.precise_places for k in a.precise_places)
    return PairFeatures(
        cosine=cosine,
        same_place=1.0 if shared else 0.0,
        other_place=1.0 if conflict else 0.0,
        same_matter=1.0 if same_matter else 0.0,
        same_trouble=1.0 if troubles else 0.0,
        same_caller=1.0 if same_caller else 0.0,
        rare=min(rare, SPECIFIC_CAP) / SPECIFIC_CAP,
        head=head,
        name=min(name, NAME_CAP) / NAME_CAP if name >= 3 else 0.0,
        place_trouble=1.0 if named else 0.0,
        same_caller_names=names_evidence(names) if same_caller else 0.0,
        cover=0.0 if same_caller else cover,
        places=tuple(shared),
    )


# States in which an earlier ticket makes a new one by the same caller on the same matter
# inadmissible (ground 4: 已受理、正在办理或者已依法办结). A refused request was never
# accepted; a terminated one falls under R-TERMINATE instead.
GROUND4_STATES = frozenset(
    {
        State.CALLBACK_PROMISED.value,
        State.ACCEPTED.value,
        State.DISPATCHED.value,
        State.HANDLING.value,
        State.RETURN_REQUESTED.value,
        State.COMPLETION_REQUESTED.value,
        State.COMPLETED.value,
        State.DISSATISFIED.value,
        State.CLOSED.value,
    }
)
TERMINATED_STATE = State.TERMINATED.value

# Candidate generation: walk the postings of the query's terms, rarest first, until this
# many entries have been read (a budget, so the cost is bounded whatever the index size);
# terms carried by more than `_COMMON_SHARE` of the tickets are never walked (they are
# everywhere). The best `candidates` of them by shared probe terms (at least
# `_CANDIDATES`, more when many matches are asked for) are then scored exactly.
_POSTINGS_BUDGET = 10_000
_COMMON_SHARE = 0.05
_CANDIDATES = 64
_PLACE_CANDIDATES = 50
_RARE_DF = 3


def specific_df(n: int) -> int:
    """A term in at most this many of ``n`` indexed tickets is specific to a matter (1 %, at
    least ``_RARE_DF``)."""
    return max(_RARE_DF, n // 100)


def names_df(n: int) -> int:
    """A term in at most this many of ``n`` indexed tickets is a name's (``NAMES_SHARE``)."""
    return max(_RARE_DF, n // NAMES_SHARE)


_NON_DIGITS = re.compile(r"\D+")


def normalize_phone(phone: str | None) -> str:
    """Digits only, without the +86 / 0086 prefix; "" when there is no number."""
    if not phone:
        return ""
    digits = _NON_DIGITS.sub("", phone)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix) :]
    return digits


_STATE_LABELS = {s.value: s.label for s in State}


def state_label(state: str) -> str:
    """The Chinese name of a workflow state ("handling" → "办理中"); unknown ones as given."""
    return _STATE_LABELS.get(state, state)


@dataclass(frozen=True)
class TicketRecord:
    """What duplicate detection needs to know about a ticket (plain values from the store)."""

    number: str
    caller_phone: str
    text: str
    state: str
    created_at: dt.datetime | None = None
    unit_id: str = ""


@dataclass(frozen=True)
class DuplicateMatch:
    """An earlier ticket that looks like the same matter."""

    number: str
    score: float  # 0..1
    same_caller: bool
    state: str
    terminated: bool
    reason: str  # Chinese, shown to the operator
    created_at: dt.datetime | None = None
    unit_id: str = ""
    places: tuple[str, ...] = ()  # the named places both tickets share

    @property
    def ground4(self) -> bool:
        """Same caller, matter accepted/in progress/closed: ground 4 applies unless new facts."""
        return self.same_caller and self.state in GROUND4_STATES


@dataclass(frozen=True)
class DuplicateCluster:
    """Tickets on one matter raised by several callers (R-ANALYTICS, R-SUPERVISE-WHEN (3))."""

    numbers: tuple[str, ...]
    callers: int  # distinct callers; tickets without a number count one each
    score: float  # the weakest link that joined the cluster


def _reason(same_caller: bool, score: float, state: str, places: tuple[str, ...] = ()) -> str:
    who = "同一来电人" if same_caller else "其他来电人反映相似事项"
    where = f"，同一地点（{'、'.join(places[:2])}）" if places else ""
    head = f"{who}{where}，同一事项的把握 {score:.2f}"
    if state == TERMINATED_STATE:
        return f"{head}，该事项已终结，不再受理，请向来电人解释（R-TERMINATE）"
    text = f"{head}，工单{state_label(state)}"
    if same_caller and state in GROUND4_STATES:
        text += "；无新的事实和理由的，可不予受理（R-INADMISSIBLE 第四项）"
    return text


@dataclass(frozen=True)
class PreparedText:
    """A request read once for the index (``DuplicateIndex.prepare``): looking it up and then
    indexing it, as grouping does for each new ticket, reads and folds its words once."""

    text: str
    terms: tuple[str, ...]  # distinct matching terms of the first ``max_chars``, in order
    reading: Reading
    head: frozenset[str]  # head_grams
    grams: tuple[str, ...]  # name_grams, in order
    opening: tuple[str, ...] = ()  # opening_terms


def _distinct_terms(text: str, max_chars: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(terms(same_numerals(text), limit=max_chars)))


def prepare_text(
    text: str, catalogue: Catalogue | None = None, max_chars: int = MAX_CHARS
) -> PreparedText:
    """A request read for a ``DuplicateIndex`` with this catalogue and ``max_chars`` (pure: a
    batch can be read in another process)."""
    return PreparedText(
        text=text,
        terms=_distinct_terms(text, max_chars),
        reading=read(text, catalogue),
        head=head_grams(text),
        grams=name_grams(text),
        opening=opening_terms(text),
    )


@dataclass
class _Doc:
    record: TicketRecord
    phone: str
    reading: Reading
    head: frozenset[str]
    grams: frozenset[str]


class DuplicateIndex:
    """An in-memory index of tickets for duplicate and repeat detection.

    Keep it in step with the store with `add` (new ticket), `update` (state or text
    changed) and `remove`. Which tickets to keep (open ones, closed ones of the last
    months, every terminated matter) is the caller's choice.
    """

    def __init__(
        self,
        records: Iterable[TicketRecord] = (),
        catalogue: Catalogue | None = None,
        max_chars: int = MAX_CHARS,
        weights: PairWeights | None = None,
    ) -> None:
        self.max_chars = max_chars
        self.catalogue = catalogue
        self.weights = weights or PairWeights()
        self._by_place: dict[str, set[int]] = defaultdict(set)
        self._gram_df: Counter[str] = Counter()
        self._term_ids: dict[str, int] = {}
        # documents per term id, in an array grown by doubling: a look-up reading it while
        # another thread indexes a ticket keeps the array it read (a grown one is a new array)
        self._df: npt.NDArray[np.uint32] = np.zeros(1024, dtype=np.uint32)
        self._postings: list[array[int]] = []
        self._docs: list[_Doc | None] = []
        self._cols = TermColumns()  # each document's sorted term ids and cached norm
        self._heads = TermColumns()  # each document's opening's term ids (opening_terms)
        self._last_found: tuple[PreparedText, int, list[int | None]] | None = None
        self._by_number: dict[str, int] = {}
        self._by_phone: dict[str, set[int]] = defaultdict(set)
        self._dead = 0
        for record in records:
            self.add(record)

    # ------------------------------------------------------------------ upkeep

    def __len__(self) -> int:
        return len(self._by_number)

    def __contains__(self, number: object) -> bool:
        return number in self._by_number

    def get(self, number: str) -> TicketRecord | None:
        """The record indexed under this ticket number, if any."""
        i = self._by_number.get(number)
        doc = self._docs[i] if i is not None else None
        return doc.record if doc else None

    def _idf(self, term_id: int, n: int) -> float:
        return _log_top(n) - math.log(self._df[term_id] + 1) + 1.0

    def prepare(self, text: str) -> PreparedText:
        """Read a request once for ``scored`` and ``add`` (terms, reading, opening, names)."""
        return prepare_text(text, self.catalogue, self.max_chars)

    def _term_set(self, text: str | PreparedText, create: bool) -> tuple[list[int], int]:
        """Sorted ids of the text's distinct terms, and how many terms were unknown."""
        words = text.terms if isinstance(text, PreparedText) else self.prepare_terms(text)
        known = self._term_ids
        # a request looked up and then indexed (grouping does it for each new ticket) finds
        # its words once, unless a word was added in between
        last = self._last_found
        if last is not None and last[0] is text and last[1] == len(known):
            found = last[2]
        else:
            found = list(map(known.get, words))
            if isinstance(text, PreparedText):
                self._last_found = (text, len(known), found)
        ids = [tid for tid in found if tid is not None]
        unknown = len(found) - len(ids)
        if unknown and create:
            for t, tid in zip(words, found, strict=True):
                if tid is None:  # a new term: numbered in order of first mention
                    known[t] = len(known)
                    ids.append(len(known) - 1)
                    if len(known) > len(self._df):
                        grown = np.zeros(2 * len(self._df), dtype=np.uint32)
                        grown[: len(self._df)] = self._df
                        self._df = grown
                    self._postings.append(array("I"))
            unknown = 0
        ids.sort()
        return ids, unknown

    def prepare_terms(self, text: str) -> tuple[str, ...]:
        """The distinct matching terms of a request, in order of first mention."""
        return _distinct_terms(text, self.max_chars)

    def add(self, record: TicketRecord, prepared: PreparedText | None = None) -> None:
        """Index a ticket; a ticket already indexed under its number is replaced.

        Args:
            record: the ticket.
            prepared: its text as ``prepare`` read it, when the caller has it already.
        """
        if record.number in self._by_number:
            self.remove(record.number)
        if prepared is None or prepared.text != record.text:
            prepared = self.prepare(record.text)
        tids, _ = self._term_set(prepared, create=True)
        doc = _Doc(
            record=record,
            phone=normalize_phone(record.caller_phone),
            reading=prepared.reading,
            head=prepared.head,
            grams=frozenset(prepared.grams),
        )
        # the document first, then the postings that lead a look-up to it
        known = self._term_ids
        self._heads.append(sorted({known[t] for t in prepared.opening if t in known}))
        i = self._cols.append(tids)
        self._docs.append(doc)
        self._df[tids] += 1  # each id once
        for tid in tids:
            self._postings[tid].append(i)
        self._gram_df.update(doc.grams)
        self._by_number[record.number] = i
        if doc.phone:
            self._by_phone[doc.phone].add(i)
        for place in doc.reading.places:
            self._by_place[place_key(place)].add(i)
        # The norm is computed when the ticket is first scored (norm_n 0 = not yet):
        # loading many tickets at start-up costs no idf arithmetic.

    def update(self, record: TicketRecord) -> None:
        """Replace a ticket's record (new state, unit, text …); add it when unknown."""
        i = self._by_number.get(record.number)
        doc = self._docs[i] if i is not None else None
        if i is None or doc is None or doc.record.text != record.text:
            self.add(record)
            return
        phone = normalize_phone(record.caller_phone)
        if phone != doc.phone:
            if doc.phone:
                self._by_phone[doc.phone].discard(i)
            if phone:
                self._by_phone[phone].add(i)
            doc.phone = phone
        doc.record = record

    def remove(self, number: str) -> bool:
        """Drop a ticket from the index; False when it was not indexed."""
        i = self._by_number.pop(number, None)
        if i is None:
            return False
        doc = self._docs[i]
        assert doc is not None
        for tid in self._cols.of(i).tolist():
            self._df[tid] -= 1
        self._cols.drop(i)
        self._heads.drop(i)
        if doc.phone:
            self._by_phone[doc.phone].discard(i)
            if not self._by_phone[doc.phone]:
                del self._by_phone[doc.phone]
        self._gram_df.subtract(doc.grams)
        for place in doc.reading.places:
            key = place_key(place)
            self._by_place[key].discard(i)
            if not self._by_place[key]:
                del self._by_place[key]
        self._docs[i] = None
        self._dead += 1
        if self._dead > 1000 and self._dead * 4 > len(self._docs):
            self._compact()
        return True

    def _compact(self) -> None:
        """Renumber live documents and rebuild the postings without the removed ones."""
        old, heads = self._cols, self._heads
        kept = [(d, old.of(i), heads.of(i)) for i, d in enumerate(self._docs) if d is not None]
        live = [d for d, _, _ in kept]
        self._cols, self._heads = TermColumns(), TermColumns()
        for _, ids, opening in kept:
            self._cols.append(ids.tolist())
            self._heads.append(opening.tolist())
        self._docs = list(live)
        self._by_number = {d.record.number: i for i, d in enumerate(live)}
        self._by_phone = defaultdict(set)
        self._by_place = defaultdict(set)
        self._postings = [array("I") for _ in self._term_ids]
        for i, d in enumerate(live):
            if d.phone:
                self._by_phone[d.phone].add(i)
            for place in d.reading.places:
                self._by_place[place_key(place)].add(i)
            for tid in self._cols.of(i).tolist():
                self._postings[tid].append(i)
        self._dead = 0

    # ------------------------------------------------------------------ scoring

    def _norm_sq(self, i: int, n: int) -> float:
        # Idf moves as tickets come and go; a cached norm is refreshed once the index
        # size has moved by a tenth since it was computed.
        norm_sq, at = self._cols.norm(i)
        if _stale(n, at):
            log_n = _log_top(n)
            df = self._df
            norm_sq = sum(
                [(log_n - math.log(df[t] + 1) + 1.0) ** 2 for t in self._cols.of(i).tolist()]
            )
            self._cols.set_norm(i, norm_sq, n)
        return norm_sq

    def _scored(
        self,
        query: list[int],
        unknown: int,
        phone: str,
        exclude: frozenset[str],
        candidates: int = _CANDIDATES,
        places: Iterable[Place] = (),
        opening: Sequence[int] = (),
        opening_unknown: int = 0,
        best_of: int | None = None,
    ) -> list[tuple[float, int, float, float, float]]:
        """Exact scores of the candidates for a query term set: (cosine, doc index, the IDF
        mass of the specific terms both share — names of places, companies, schemes — and of
        the rarer name terms among them, ``NAMES_SHARE``, and ``cover`` of the openings:
        ``opening`` the ids of the query's opening terms, ``opening_unknown`` how many more
        no ticket has).

        `unknown` counts query terms no indexed ticket has: they match nothing but still
        make the query longer (idf of a term seen nowhere). With ``best_of``, only that many:
        those of highest cosine (ties: the greater shared rare mass, then the first indexed).
        """
        n = len(self._by_number)
        if n == 0 or not query:
            return []
        # The same arithmetic as `_idf` and `_norm_sq`, over arrays: the candidates' terms are
        # gathered into one array and summed per candidate (np.add.reduceat) against a
        # query-weight vector indexed by term id.
        df = self._df  # the array as it is now (indexing grows a new one)
        q = np.asarray(query, dtype=np.intp)
        q_df = df[q]
        log_top = _log_top(n)
        q_idf = log_top - np.log(q_df + 1.0) + 1.0
        unseen = (log_top + 1.0) ** 2
        q_norm = math.sqrt(float(np.sum(q_idf * q_idf)) + unknown * unseen)
        common = max(50, int(n * _COMMON_SHARE))
        walk = (q_df > 0) & (q_df <= common)
        if walk.any():
            probes = q[walk][np.argsort(q_df[walk], kind="stable")]
        else:  # only very common terms: walk the rarest few of them
            seen = q_df > 0
            probes = q[seen][np.argsort(q_df[seen], kind="stable")][:4]
        # Candidates by how many of the probe terms they share (the probes are all rare, so
        # their weights differ little); ties go to the ticket met first on the walk. The walk
        # reads whole postings, rarest first, while the budget lasts (the first non-empty one
        # whatever its length).
        lists = list(map(self._postings.__getitem__, probes.tolist()))
        upto = np.cumsum(np.fromiter(map(len, lists), dtype=np.intp, count=len(lists)))
        cut = int(np.searchsorted(upto, _POSTINGS_BUDGET, side="right"))
        if cut < len(lists) and (cut == 0 or upto[cut - 1] == 0):
            cut += 1
        chosen: set[int] = set()
        if cut and upto[cut - 1]:
            walked = np.frombuffer(b"".join(lists[:cut]), dtype=np.uint32)
            chosen = set(_most_shared(walked, candidates).tolist())
        if phone:
            chosen |= self._by_phone.get(phone, set())
        for place in places:
            near = self._by_place.get(place_key(place), set())
            if len(near) <= _PLACE_CANDIDATES:  # a place everybody names tells nothing
                chosen |= near
        cols = self._cols.view()  # documents 0 … cols.count - 1, as they are now
        docs = np.fromiter(chosen, dtype=np.intp, count=len(chosen))  # in the set's order
        docs = docs[docs < cols.count]
        docs = docs[cols.spans[docs, 1] > 0]  # removed (or without terms): left out
        if exclude and len(docs):
            numbers = self._docs
            docs = docs[
                [
                    (d := numbers[i]) is not None and d.record.number not in exclude
                    for i in docs.tolist()
                ]
            ]
        if not len(docs):
            return []
        gathered, starts = cols.gather(docs)
        # each gathered term's weight read from a vector indexed by term id (zero for a term
        # the query lacks): the calling thread's own vector, no state shared between look-ups
        # running at once, zero again once read
        specific = (q_df > 0) & (q_df <= specific_df(n))
        weight = _zeros(max(len(df), int(gathered.max()) + 1))
        names = np.zeros(len(docs))
        # the openings (``cover``): the query's opening terms each candidate has, and each
        # candidate's opening terms the query has, by their weights (``_opening_weights``)
        h_ids, _, h_of = self._heads.view().gather_owned(docs)
        h_weight = log_top - np.log(df[h_ids] + 1.0)
        o = np.asarray(opening, dtype=np.intp)
        o_weight = log_top - np.log(df[o] + 1.0)
        o_total = float(o_weight.sum()) + opening_unknown * log_top
        try:
            weight[q] = 1.0
            h_total = np.bincount(h_of, weights=h_weight, minlength=len(docs))
            h_found = np.bincount(h_of, weights=h_weight * weight[h_ids], minlength=len(docs))
            weight[q] = 0.0
            weight[o] = o_weight
            o_found = np.add.reduceat(weight[gathered], starts)
            weight[o] = 0.0
            weight[q] = q_idf * q_idf
            dots = np.add.reduceat(weight[gathered], starts)
            if specific.any():
                weight[q] = np.where(specific, q_idf, 0.0)
                rares = np.add.reduceat(weight[gathered], starts)
                named = (q_df > 0) & (q_df <= names_df(n))
                if named.any():
                    weight[q] = np.where(named, q_idf, 0.0)
                    names = np.add.reduceat(weight[gathered], starts)
            else:
                rares = np.zeros(len(docs))
        finally:
            weight[q] = 0.0
            weight[o] = 0.0
        covered = np.maximum(
            o_found / o_total if o_total > 0.0 else 0.0,
            np.divide(h_found, h_total, out=np.zeros(len(docs)), where=h_total > 0.0),
        )
        # scored: a candidate sharing a weighted term, or the caller's own
        keep = dots > 0.0
        if phone and (own := self._by_phone.get(phone)):
            keep |= np.fromiter(map(own.__contains__, docs.tolist()), dtype=bool, count=len(docs))
        docs, dots, rares, names = docs[keep], dots[keep], rares[keep], names[keep]
        covered = covered[keep]
        # A candidate's norm (sum of idf² over its terms) is cached; it is refreshed once the
        # index size has moved by a tenth since it was computed (idf moves as tickets come
        # and go), for the candidates that are scored.
        norms = cols.norms[docs]
        stale = _stale(n, norms[:, 1])
        if stale.any():
            log_n = log_top
            where, at = cols.gather(docs[stale])
            each = log_n - np.log(df[where] + 1.0) + 1.0
            norms[stale, 0] = np.add.reduceat(each * each, at)
            norms[stale, 1] = n
            cols.norms[docs[stale]] = norms[stale]
        norm = q_norm * np.sqrt(norms[:, 0])
        score = np.minimum(1.0, np.divide(dots, norm, out=np.zeros(len(docs)), where=norm > 0.0))
        if best_of is not None and len(docs) > best_of:
            # the highest cosine, a shared rare term telling ties apart, then the first indexed
            best = np.lexsort((docs, -score - rares / 100))[:best_of]
            score, docs, rares, names, covered = (
                score[best],
                docs[best],
                rares[best],
                names[best],
                covered[best],
            )
        return list(
            zip(
                score.tolist(),
                docs.tolist(),
                rares.tolist(),
                names.tolist(),
                covered.tolist(),
                strict=True,
            )
        )

    def find(
        self,
        text: str,
        caller_phone: str | None = None,
        k: int = 5,
        min_score: float | None = None,
        exclude: Iterable[str] = (),
    ) -> list[DuplicateMatch]:
        """Earlier tickets that look like the same matter as `text`.

        Same-caller matches come first (best first), then other callers' (best first);
        each group holds at most k matches. A terminated matter is flagged in both groups.

        Args:
            text: the request as typed so far.
            caller_phone: the caller's number; "" or None when unknown (then every match
                counts as another caller's).
            k: most matches per group.
            min_score: least score for both groups; by default `SAME_CALLER_MIN` for the
                same caller and `OTHER_CALLER_MIN` for other callers.
            exclude: ticket numbers to leave out (e.g. the ticket being edited).
        """
        if k <= 0:
            return []
        phone = normalize_phone(caller_phone)
        same_min = SAME_CALLER_MIN if min_score is None else min_score
        other_min = OTHER_CALLER_MIN if min_score is None else min_score
        same: list[DuplicateMatch] = []
        other: list[DuplicateMatch] = []
        for score, i, places in self.scored(text, phone, exclude, k):
            doc = self._docs[i]
            assert doc is not None
            is_same = bool(phone) and doc.phone == phone
            group = same if is_same else other
            if len(group) >= k or score < (same_min if is_same else other_min):
                continue
            rec = doc.record
            rounded = round(score, 4)
            group.append(
                DuplicateMatch(
                    number=rec.number,
                    score=rounded,
                    same_caller=is_same,
                    state=rec.state,
                    terminated=rec.state == TERMINATED_STATE,
                    reason=_reason(is_same, rounded, rec.state, places),
                    created_at=rec.created_at,
                    unit_id=rec.unit_id,
                    places=places,
                )
            )
        return same + other

    def scored(
        self,
        text: str | PreparedText,
        caller_phone: str | None = None,
        exclude: Iterable[str] = (),
        k: int = 5,
        best_of: int | None = None,
        floor: float = 0.0,
        whatever_floor: Callable[[int], bool] | None = None,
    ) -> list[tuple[float, int, tuple[str, ...]]]:
        """Every candidate with its combined score (a probability), best first; with
        ``best_of``, only that many candidates of highest term cosine are scored in full
        (grouping at intake wants the best match only, fast); ``text`` may be a request
        ``prepare`` has read already. With ``floor``, a candidate whose score cannot reach it
        is left out before its costlier evidence is read: the evidence read first (cosine,
        caller, shared rare terms, openings) with the rest at its most already falls short
        (``PairWeights.ceiling``), so what is returned is exactly the candidates scoring at
        least ``floor``, and those (document indices) ``whatever_floor`` holds true of."""
        prepared = text if isinstance(text, PreparedText) else self.prepare(text)
        phone = normalize_phone(caller_phone)
        query, unknown = self._term_set(prepared, create=False)
        reading = prepared.reading
        head = prepared.head
        positions: dict[str, list[int]] | None = None  # read for the first candidate in reach
        length = len(prepared.grams)
        opening, opening_unknown = self._opening_ids(prepared.opening)
        least = _logit(floor) if floor > 0.0 else -math.inf
        found: list[tuple[float, int, tuple[str, ...]]] = []
        candidates = self._scored(
            query,
            unknown,
            phone,
            frozenset(exclude),
            min(1000, max(_CANDIDATES, 8 * k)),
            reading.places,
            opening,
            opening_unknown,
            best_of,
        )
        weights = self.weights
        for cosine, i, rare, names, covered in candidates:
            doc = self._docs[i]
            assert doc is not None
            same_caller = bool(phone) and doc.phone == phone
            likeness = _jaccard(head, doc.head)
            wanted = whatever_floor is not None and whatever_floor(i)
            if (
                not wanted
                and weights.ceiling(cosine, same_caller, rare, likeness, names, covered) < least
            ):
                continue  # cannot reach the floor whatever the places, matter and names say
            if positions is None:
                limit = self._common_limit()
                gram_df = self._gram_df.get
                positions = _gram_positions(
                    [None if gram_df(g, 0) > limit else g for g in prepared.grams]
                )
            f = pair_features(
                reading,
                doc.reading,
                cosine,
                same_caller,
                rare,
                likeness,
                _longest_shared_run(positions, length, doc.grams),
                names,
                covered,
            )
            score = weights.score(f)
            if score >= floor or wanted:
                found.append((score, i, f.places))
        found.sort(key=lambda x: (-x[0], x[1]))
        return found

    def _opening_ids(self, opening: Sequence[str]) -> tuple[list[int], int]:
        """The ids of an opening's terms the index knows, and how many it does not."""
        found = [t for t in map(self._term_ids.get, opening) if t is not None]
        return found, len(opening) - len(found)

    def _opening_weights(self, ids: Iterable[int], unknown: int = 0) -> list[float]:
        """An opening's terms weighed by how rare they are among the indexed tickets (A市, 问题,
        反映 weigh all but nothing), as if ``IDF_PRIOR`` more tickets had none of them: in a
        store of a few tickets every term is rare; ``unknown`` terms no ticket has last."""
        log_top = _log_top(len(self._by_number))
        return [log_top - math.log(int(self._df[t]) + 1) for t in ids] + [log_top] * unknown

    def _common_limit(self) -> int:
        """Bigrams found in more than this many tickets (2 %, at least 5) name nothing."""
        return max(5, len(self._by_number) // 50)

    def _common_gram(self) -> Callable[[str], bool]:
        """Whether a bigram is too common to name anything (see ``_common_limit``)."""
        limit = self._common_limit()
        df = self._gram_df
        return lambda g: df[g] > limit

    def reading_of(self, i: int) -> Reading:
        """The reading of a document index (as ``scored`` returns them)."""
        doc = self._docs[i]
        assert doc is not None
        return doc.reading

    def phone_of(self, i: int) -> str:
        """The caller's normalised number of a document index ("" when none)."""
        doc = self._docs[i]
        assert doc is not None
        return doc.phone

    def number_of(self, i: int) -> str:
        """The ticket number of a document index (as ``scored`` returns them)."""
        doc = self._docs[i]
        assert doc is not None
        return doc.record.number

    def features(self, text: str, number: str, caller_phone: str | None = None) -> PairFeatures:
        """The evidence between a request and one indexed ticket (fitting the weights)."""
        i = self._by_number[number]
        doc = self._docs[i]
        assert doc is not None
        n = len(self._by_number)
        query, _ = self._term_set(text, create=False)
        most_specific, most_named = specific_df(n), names_df(n)
        mine = set(query)
        shared = [t for t in self._cols.of(i).tolist() if t in mine]
        rare = sum(self._idf(t, n) for t in shared if 0 < self._df[t] <= most_specific)
        names = sum(self._idf(t, n) for t in shared if 0 < self._df[t] <= most_named)
        phone = normalize_phone(caller_phone)
        head, grams = head_grams(text), name_grams(text)
        opening, unknown = self._opening_ids(opening_terms(text))
        theirs = self._heads.of(i).tolist()
        mine, their_terms = set(query), set(self._cols.of(i).tolist())
        return pair_features(
            read(text, self.catalogue),
            doc.reading,
            self.cosine(text, number),
            bool(phone) and doc.phone == phone,
            rare,
            _jaccard(head, doc.head),
            _longest_run(grams, doc.grams, self._common_gram()),
            names,
            cover(
                self._opening_weights(opening, unknown),
                [t in their_terms for t in opening] + [False] * unknown,
                self._opening_weights(theirs),
                [t in mine for t in theirs],
            ),
        )

    def cosine(self, text: str, number: str) -> float:
        """The term cosine between a request and one indexed ticket (0 when not indexed)."""
        i = self._by_number.get(number)
        if i is None or self._docs[i] is None:
            return 0.0
        n = len(self._by_number)
        query, unknown = self._term_set(text, create=False)
        weights = {t: self._idf(t, n) ** 2 for t in query}
        unseen = (_log_top(n) + 1.0) ** 2
        q_norm = math.sqrt(sum(weights.values()) + unknown * unseen)
        dot = sum([weights.get(t, 0.0) for t in self._cols.of(i).tolist()])
        if dot <= 0.0 or q_norm <= 0.0:
            return 0.0
        return min(1.0, dot / (q_norm * math.sqrt(self._norm_sq(i, n))))

    def similar_pairs(self, threshold: float) -> Iterable[tuple[str, str, float]]:
        """Every pair of indexed tickets scoring at least `threshold`, each pair once.

        Each ticket is looked up in turn (candidate generation as in `find`), so the cost
        is one lookup per ticket.
        """
        seen: set[tuple[int, int]] = set()
        for i, doc in enumerate(self._docs):
            if doc is None:
                continue
            for score, j, *_ in self._scored(self._cols.of(i).tolist(), 0, "", frozenset()):
                pair = (i, j) if i < j else (j, i)
                if i == j or score < threshold or pair in seen:
                    continue
                seen.add(pair)
                other = self._docs[j]
                assert other is not None
                yield doc.record.number, other.record.number, score


def _most_shared(walked: npt.NDArray[np.uint32], k: int) -> npt.NDArray[np.intp]:
    """The ``k`` documents met most often on the walk; among those met equally often, the
    ones met first (as ``Counter(walked).most_common(k)`` chooses them), most met first. The
    cost follows the walk's length, never the number of documents nor a sort of the walk: the
    counts go into the calling thread's own vectors, set back once read."""
    at = walked.astype(np.intp)
    counts, first = _tallies(int(at.max()) + 1)
    steps = np.arange(len(at))
    ids = at  # the places to set back should anything fail half-way
    try:
        np.add.at(counts, at, 1)
        np.minimum.at(first, at, steps)
        ids = at[first[at] == steps]  # each document once, in the order met
        met = counts[ids]
        wheres = first[ids]
    finally:
        counts[ids] = 0
        first[ids] = _NEVER
    if len(ids) <= k:
        return np.sort(ids)
    at_least = np.cumsum(np.bincount(met)[::-1])[::-1]  # documents met at least c times, by c
    least = int(np.flatnonzero(at_least >= k)[-1])  # the k-th highest count
    more = met > least  # every one of these is chosen
    sure = ids[more][np.lexsort((wheres[more], -met[more]))]
    tied = ids[met == least][: k - len(sure)]  # already in the order they were met
    return np.concatenate([sure, tied])


_NEVER = np.iinfo(np.intp).max

_scratch = threading.local()


def _zeros(size: int) -> npt.NDArray[np.float64]:
    """A vector of at least ``size`` zeros, the calling thread's own, kept between look-ups
    (a fresh one per look-up costs more than its use once the vocabulary is large): whoever
    writes into it sets those places back to zero."""
    vector: npt.NDArray[np.float64] | None = getattr(_scratch, "zeros", None)
    if vector is None or len(vector) < size:
        vector = _scratch.zeros = np.zeros(max(size, 2 * len(vector) if vector is not None else 0))
    return vector


def _tallies(size: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Two vectors of at least ``size`` places, the calling thread's own (as ``_zeros``): a
    count per document, all 0, and where each was first met, all ``_NEVER``; whoever writes
    into them sets those places back."""
    tallies: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None = getattr(
        _scratch, "tallies", None
    )
    if tallies is None or len(tallies[0]) < size:
        grown = max(size, 2 * len(tallies[0]) if tallies is not None else 0)
        tallies = _scratch.tallies = (
            np.zeros(grown, dtype=np.intp),
            np.full(grown, _NEVER, dtype=np.intp),
        )
    return tallies


def find_clusters(
    records: Iterable[TicketRecord], threshold: float = OTHER_CALLER_MIN, min_callers: int = 2
) -> list[DuplicateCluster]:
    """Groups of tickets on the same matter raised by at least `min_callers` callers.

    Tickets are joined when their similarity reaches `threshold` (single link), so a
    cluster is a matter reported again and again, in different words, by many people.
    Largest clusters first.
    """
    records = list(records)
    index = DuplicateIndex(records)
    parent: dict[str, str] = {r.number: r.number for r in records}
    weakest: dict[str, float] = {}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links: list[tuple[str, str, float]] = list(index.similar_pairs(threshold))
    for a, b, score in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[rb] = ra
            weakest[ra] = min(weakest.get(ra, 1.0), weakest.get(rb, 1.0), score)
    members: dict[str, list[str]] = defaultdict(list)
    for r in records:
        if r.number in index:
            members[root(r.number)].append(r.number)
    phones = {r.number: normalize_phone(r.caller_phone) for r in records}
    clusters: list[DuplicateCluster] = []
    for head, numbers in members.items():
        if len(numbers) < 2:
            continue
        callers = len({phones[n] or f"#{n}" for n in numbers})
        if callers < min_callers:
            continue
        clusters.append(
            DuplicateCluster(
                numbers=tuple(sorted(numbers)),
                callers=callers,
                score=round(weakest.get(head, 1.0), 4),
            )
        )
    clusters.sort(key=lambda c: (-c.callers, -len(c.numbers), c.numbers))
    return clusters
