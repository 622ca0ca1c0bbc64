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

Similarity is the cosine of IDF-weighted sets of terms (`text.terms`: character bigrams
inside CJK runs, whole latin/digit runs) over the first `MAX_CHARS` characters. An
inverted index probed with the query's rarest terms finds candidates, which are then
scored exactly, so a lookup stays in milliseconds with 100 000 tickets indexed. Tickets of
the same caller are always scored (through a phone index), so a repeat by the same caller
is never lost to the candidate cut.

The index only suggests: whether there are new facts or reasons is for the operator to
judge, and the reason text says so. Pure: no I/O, no textual.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from console.services.knowledge.text import terms
from console.services.values import State

MAX_CHARS = 400
"""Characters of a ticket's text that are compared (the matter is stated early)."""

SAME_CALLER_MIN = 0.35
"""Default least score for a same-caller match (set on real messages, see bench_duplicates)."""

OTHER_CALLER_MIN = 0.3
"""Default least score for a match by another caller."""

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


def _reason(same_caller: bool, score: float, state: str) -> str:
    who = "同一来电人" if same_caller else "其他来电人反映相似事项"
    head = f"{who}，诉求相似度 {score:.2f}"
    if state == TERMINATED_STATE:
        return f"{head}，该事项已终结，不再受理，请向来电人解释（R-TERMINATE）"
    text = f"{head}，工单{state_label(state)}"
    if same_caller and state in GROUND4_STATES:
        text += "；无新的事实和理由的，可不予受理（R-INADMISSIBLE 第四项）"
    return text


@dataclass
class _Doc:
    record: TicketRecord
    phone: str
    terms: array[int]  # sorted unique term ids
    norm_sq: float  # sum of idf² over the terms, as of `norm_n`
    norm_n: int


class DuplicateIndex:
    """An in-memory index of tickets for duplicate and repeat detection.

    Keep it in step with the store with `add` (new ticket), `update` (state or text
    changed) and `remove`. Which tickets to keep (open ones, closed ones of the last
    months, every terminated matter) is the caller's choice.
    """

    def __init__(self, records: Iterable[TicketRecord] = (), max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._term_ids: dict[str, int] = {}
        self._df: array[int] = array("I")
        self._postings: list[array[int]] = []
        self._docs: list[_Doc | None] = []
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
        return math.log((n + 1) / (self._df[term_id] + 1)) + 1.0

    def _term_set(self, text: str, create: bool) -> tuple[list[int], int]:
        """Sorted ids of the text's distinct terms, and how many terms were unknown."""
        ids: set[int] = set()
        unknown: set[str] = set()
        known = self._term_ids
        for t in terms(text, limit=self.max_chars):
            tid = known.get(t)
            if tid is None:
                if not create:
                    unknown.add(t)
                    continue
                tid = len(known)
                known[t] = tid
                self._df.append(0)
                self._postings.append(array("I"))
            ids.add(tid)
        return sorted(ids), len(unknown)

    def add(self, record: TicketRecord) -> None:
        """Index a ticket; a ticket already indexed under its number is replaced."""
        if record.number in self._by_number:
            self.remove(record.number)
        tids, _ = self._term_set(record.text, create=True)
        i = len(self._docs)
        for tid in tids:
            self._df[tid] += 1
            self._postings[tid].append(i)
        doc = _Doc(
            record=record,
            phone=normalize_phone(record.caller_phone),
            terms=array("I", tids),
            norm_sq=0.0,
            norm_n=0,
        )
        self._docs.append(doc)
        self._by_number[record.number] = i
        if doc.phone:
            self._by_phone[doc.phone].add(i)
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
        for tid in doc.terms:
            self._df[tid] -= 1
        if doc.phone:
            self._by_phone[doc.phone].discard(i)
            if not self._by_phone[doc.phone]:
                del self._by_phone[doc.phone]
        self._docs[i] = None
        self._dead += 1
        if self._dead > 1000 and self._dead * 4 > len(self._docs):
            self._compact()
        return True

    def _compact(self) -> None:
        """Renumber live documents and rebuild the postings without the removed ones."""
        live = [d for d in self._docs if d is not None]
        self._docs = list(live)
        self._by_number = {d.record.number: i for i, d in enumerate(live)}
        self._by_phone = defaultdict(set)
        self._postings = [array("I") for _ in self._term_ids]
        for i, d in enumerate(live):
            if d.phone:
                self._by_phone[d.phone].add(i)
            for tid in d.terms:
                self._postings[tid].append(i)
        self._dead = 0

    # ------------------------------------------------------------------ scoring

    def _norm_sq(self, doc: _Doc, n: int) -> float:
        # Idf moves as tickets come and go; a cached norm is refreshed once the index
        # size has moved by a tenth since it was computed.
        if abs(n - doc.norm_n) * 10 > doc.norm_n:
            doc.norm_sq = sum(self._idf(t, n) ** 2 for t in doc.terms)
            doc.norm_n = n
        return doc.norm_sq

    def _scored(
        self,
        query: list[int],
        unknown: int,
        phone: str,
        exclude: frozenset[str],
        candidates: int = _CANDIDATES,
    ) -> list[tuple[float, int]]:
        """Exact scores of the candidates for a query term set: (score, doc index).

        `unknown` counts query terms no indexed ticket has: they match nothing but still
        make the query longer (idf of a term seen nowhere).
        """
        n = len(self._by_number)
        if n == 0 or not query:
            return []
        weights = {t: self._idf(t, n) ** 2 for t in query}
        unseen = (math.log(n + 1) + 1.0) ** 2
        q_norm = math.sqrt(sum(weights.values()) + unknown * unseen)
        common = max(50, int(n * _COMMON_SHARE))
        df = self._df
        probes = sorted((t for t in query if 0 < df[t] <= common), key=df.__getitem__)
        if not probes:  # only very common terms: walk the rarest few of them
            probes = sorted((t for t in query if df[t] > 0), key=df.__getitem__)[:4]
        # Candidates by how many of the probe terms they share (counted in C by
        # Counter.update; the probes are all rare, so their weights differ little).
        shared: Counter[int] = Counter()
        budget = _POSTINGS_BUDGET
        for t in probes:
            plist = self._postings[t]
            budget -= len(plist)
            if budget < 0 and shared:
                break
            shared.update(plist)
        docs = self._docs
        chosen = {i for i, _ in shared.most_common(candidates)}
        if phone:
            chosen |= self._by_phone.get(phone, set())
        out: list[tuple[float, int]] = []
        get = weights.get
        for i in chosen:
            doc = docs[i]
            if doc is None or doc.record.number in exclude:
                continue
            dot = sum(filter(None, map(get, doc.terms)))
            if dot <= 0.0:
                continue
            score = dot / (q_norm * math.sqrt(self._norm_sq(doc, n)))
            out.append((min(1.0, score), i))
        return out

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
        query, unknown = self._term_set(text, create=False)
        same_min = SAME_CALLER_MIN if min_score is None else min_score
        other_min = OTHER_CALLER_MIN if min_score is None else min_score
        same: list[DuplicateMatch] = []
        other: list[DuplicateMatch] = []
        for score, i in sorted(
            self._scored(
                query, unknown, phone, frozenset(exclude), min(1000, max(_CANDIDATES, 8 * k))
            ),
            reverse=True,
        ):
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
                    reason=_reason(is_same, rounded, rec.state),
                    created_at=rec.created_at,
                    unit_id=rec.unit_id,
                )
            )
        return same + other

    def similar_pairs(self, threshold: float) -> Iterable[tuple[str, str, float]]:
        """Every pair of indexed tickets scoring at least `threshold`, each pair once.

        Each ticket is looked up in turn (candidate generation as in `find`), so the cost
        is one lookup per ticket.
        """
        seen: set[tuple[int, int]] = set()
        for i, doc in enumerate(self._docs):
            if doc is None:
                continue
            for score, j in self._scored(list(doc.terms), 0, "", frozenset()):
                pair = (i, j) if i < j else (j, i)
                if i == j or score < threshold or pair in seen:
                    continue
                seen.add(pair)
                other = self._docs[j]
                assert other is not None
                yield doc.record.number, other.record.number, score


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
