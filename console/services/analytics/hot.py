"""Hot, concentrated, persistent, sudden and emerging matters (R-ANALYTICS, Art. 30).

Tickets are grouped by matter and place as they arrive: each new ticket is read
(``knowledge.reading``) and scored against the tickets already seen by the duplicate index
(``knowledge.duplicates.DuplicateIndex``: the same estate, road, bus line, shop or company with
the same problem, however it is worded). It joins the group of its best match when that match
scores at least ``HotParams.join_min`` (a probability that both raise the same matter), or
``HotParams.join_min_same_caller`` when the match is the same caller's (a caller's tickets on
other matters read alike: their words and number); otherwise it opens a group of its own;
when it matches tickets of two groups, the groups become one (the same matter reached in two
wordings). A match naming another place of the same kind and
none in common (the same trouble on another road) is passed over: a group is one matter at one
place — and so is a group at another place than the new ticket (``_other_places``: the same
estate, school or bus line is the same place; otherwise each kind of place both name must have
one in common, so a shop named by its trade, 烧烤店, does not make two estates one). A ticket naming
no estate would otherwise chain the same leak at four estates into one matter, and it does not
merge two groups at different places. Only a group's first ``HotParams.exemplars`` tickets are
indexed: a new ticket is compared with them, so a large group does not make its own words look
common (the pair score weighs shared rare words) and the index grows with the matters, not with
the calls. A group is never re-split: what joined stays joined,
so a replay of the same tickets in the same order gives the same groups.

**Heat** ranks groups at a moment ``now`` (only tickets up to ``now`` count)::

    heat = C + 0.5·R + 2·G + 0.5·log2(1 + D)

- ``C``: distinct callers of the group (a ticket without a number counts as its own caller);
- ``R``: repeats, tickets beyond one per caller (the same people calling again);
- ``G``: growth, callers new to the group within ``growth_days`` before ``now``;
- ``D``: persistence, days from the group's first ticket to its last.

Distinct callers weigh most (a matter many people raise is hot), a caller's repeats half
(insistence, not breadth), recent newcomers double (the matter is spreading now), and a long
life adds slowly (a matter that will not go away).

**Sudden** (突发): on a ticket's arrival, the callers new to its group within the last
``burst_hours`` are counted (``k``), and against them the group's own baseline: the callers new
to it within the ``baseline_days`` before that window, scaled to one window (``e``). A sudden
alert is raised when ``k ≥ burst_min`` and ``k ≥ burst_factor · e + 1`` — e.g. three new callers
within six hours on a matter that usually has none — at the arrival of the ticket that crosses
the line (for a quiet matter: the third new caller). A group alerts again only after a quiet
``burst_hours``.

**Emerging** (苗头性): a group whose first ticket is at most ``emerging_days`` old, that has
``emerging_min`` distinct callers and at least ``emerging_recent`` of them new within the
last ``emerging_recent_hours`` (a new matter that keeps growing). Once per group.

Incremental: one ``add`` per new ticket (one duplicate-index lookup and a few counters); a full
recompute is a replay in time order (on request, the texts of a large one read ahead in
other processes: reading is pure; the grouping itself stays in order, in one process). Pure: no I/O but those
processes, no textual.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator, KeysView, Mapping, Sequence, Set
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.services.knowledge.duplicates import (
    MAX_CHARS,
    DuplicateIndex,
    PreparedText,
    TicketRecord,
    normalize_phone,
    prepare_text,
)
from console.services.knowledge.reading import (
    GENERIC_TROUBLES,
    PLACE_TROUBLE_KINDS,
    Place,
    Reading,
    same_place,
    strip_courtesy,
)
from console.services.views import HotAlertView, HotGroupView

if TYPE_CHECKING:
    from console.services.knowledge.catalogue import Catalogue

SUDDEN = "sudden"
EMERGING = "emerging"
KIND_LABELS = {SUDDEN: "突发", EMERGING: "苗头"}
SUMMARY_CHARS = 40
_MERGE_INSERTS = 64
"""A merge of groups in order inserts the smaller one's tickets (up to this many) into the
larger's lists; a larger merge sorts both."""
_NAMED = 32
"""Places a group keeps of those its tickets name (the first ones named)."""


@dataclass(frozen=True)
class HotParams:
    """Thresholds and windows (documented defaults; the regulation sets none)."""

    # least score to join a match by another caller / by the same caller (chosen on the real
    # set's development half, benchmarks/bench_hot.py, with the pair score that weighs how
    # much of an opening the other request mentions: another caller's at 0.5 grouped 0.52 of
    # the same-matter pairs, 0.84 of its grouped pairs one matter — 0.50 and 0.87 before, at
    # 0.45 with the score before; a caller's own at 0.55, as lower joined other matters)
    join_min: float = 0.5
    join_min_same_caller: float = 0.55
    best_of: int = 12  # candidates scored in full per new ticket (by term cosine)
    exemplars: int = 3  # tickets per group a new ticket is compared with
    growth_days: float = 7.0
    burst_hours: float = 6.0
    baseline_days: float = 30.0
    burst_min: int = 3
    burst_factor: float = 3.0
    emerging_days: float = 7.0
    emerging_min: int = 4
    emerging_recent: int = 2
    emerging_recent_hours: float = 72.0
    place_matter_days: float = 30.0  # the same place and trouble within this …
    place_join_min: float = 0.0  # … and among the closest in words: one matter in other words


@dataclass(frozen=True)
class HotTicket:
    """What grouping needs to know about a ticket (plain values from the store)."""

    number: str
    caller_phone: str
    text: str
    at: dt.datetime
    unit_id: str = ""
    confidential: bool = False


@dataclass
class _Group:
    id: int
    numbers: list[str] = field(default_factory=list)
    times: list[dt.datetime] = field(default_factory=list)  # of the tickets, in arrival order
    callers: list[str] = field(default_factory=list)  # caller of each ticket
    newcomers: list[dt.datetime] = field(default_factory=list)  # first ticket of each caller
    first: dict[str, dt.datetime] = field(default_factory=dict)  # caller → first ticket's time
    ordered: bool = True  # the tickets are in (time, number, caller) order
    summary: str = ""
    places: tuple[str, ...] = ()
    matter: str = ""
    last_sudden: dt.datetime | None = None
    emerged: bool = False
    exemplars: int = 0  # tickets of the group in the duplicate index
    named: list[Place] = field(default_factory=list)  # places its tickets name, each once
    by_kind: dict[str, list[Place]] = field(default_factory=dict)  # the same, by their kind
    kinds: set[str] = field(default_factory=set)  # their kinds (villages left out)

    @property
    def seen(self) -> KeysView[str]:
        """The group's distinct callers."""
        return self.first.keys()

    def called(self, caller: str, at: dt.datetime) -> None:
        """A call of ``caller`` at ``at`` joined the group: the caller's first call (and the
        newcomers' times) move to it when it is their first, or earlier than the one known (a
        call that came out of order, a merged group's)."""
        before = self.first.get(caller)
        if before is not None and at >= before:
            return
        if before is not None:
            del self.newcomers[bisect.bisect_left(self.newcomers, before)]
        self.first[caller] = at
        bisect.insort(self.newcomers, at)


def _other_place(a: Reading, b: Reading) -> bool:
    """Both name places of a kind (estate, road, school, company …) and none the same."""
    return not a.place_kinds.isdisjoint(b.place_kinds)


def _other_places(
    places: Sequence[Place],
    kinds: Set[str],
    others: Mapping[str, Sequence[Place]],
    other_kinds: Set[str],
) -> bool:
    """Two sets of named places are of another place: a kind both name (estate, road, shop …)
    with no place of that kind in common — unless they share an estate, a school or a bus line
    (named whole: the same one is the same place, whichever road or shop is named beside it). A
    shop named by its trade (烧烤店) does not make two estates one place. ``others``: the other
    set's places by kind (a place is only ever the same as one of its own kind)."""
    both = kinds & other_kinds
    if not both:
        return False
    shared: set[str] = set()
    for p in places:
        if p.kind in shared:
            continue
        peers = others.get(p.kind)
        if peers and any(same_place(p, q) for q in peers):
            if p.kind in PLACE_TROUBLE_KINDS:
                return False
            shared.add(p.kind)
    return not both <= shared


def _elsewhere(reading: Reading, group: _Group) -> bool:
    """The request is about another place than the group's tickets (``_other_places``), even
    when the ticket it is closest to names no place (a group is not chained across estates
    through it)."""
    return _other_places(reading.places, reading.place_kinds, group.by_kind, group.kinds)


def _apart(a: _Group, b: _Group) -> bool:
    """Two groups are at different places (``_other_places``): a ticket naming no place does
    not make them one."""
    return _other_places(a.named, a.kinds, b.by_kind, b.kinds)


def _take_places(group: _Group, places: Iterable[Place], kinds: Iterable[str]) -> None:
    """Add places (of a ticket, of a group merged in) to those the group names."""
    for p in places:
        if len(group.named) >= _NAMED:
            break
        peers = group.by_kind.setdefault(p.kind, [])
        if not any(same_place(p, q) for q in peers):
            group.named.append(p)
            peers.append(p)
    group.kinds.update(kinds)


def _place_trouble_keys(reading: Reading) -> list[tuple[str, str]]:
    """The (place, trouble) pairs a request names: a named estate, school or bus line by its
    whole name, or a junction by its roads (``Reading.precise_places``: roads are long, shops
    and sites are often named by their trade — 夜宵店, 工地 — and a shared ending such as
    安置小区 is not one estate) with a trouble word (停水, 噪音)."""
    troubles = [t for t in reading.problems if t not in GENERIC_TROUBLES][:3]
    return [(p, t) for p in reading.precise_places for t in troubles]


def summary_of(text: str) -> str:
    """A short line of the caller's words (courtesy removed), for a list."""
    core = strip_courtesy(text.strip()) or text.strip()
    line = " ".join(core.split())
    return line[:SUMMARY_CHARS] + ("…" if len(line) > SUMMARY_CHARS else "")


def heat(callers: int, tickets: int, growth: int, span: dt.timedelta) -> float:
    """The heat of a group (see the module docstring)."""
    days = max(0.0, span.total_seconds() / 86_400)
    return round(callers + 0.5 * (tickets - callers) + 2.0 * growth + 0.5 * math.log2(1 + days), 3)


class HotTracker:
    """Groups tickets by matter and place as they arrive, and raises sudden and emerging
    alerts. Feed it with ``add`` in time order."""

    def __init__(self, params: HotParams | None = None, catalogue: Catalogue | None = None) -> None:
        self.params = params or HotParams()
        self.catalogue = catalogue
        self._index = DuplicateIndex(catalogue=catalogue)
        self._groups: list[_Group] = []
        self._group_of: dict[str, int] = {}  # the group a ticket joined (see ``_root``)
        # a merged group points at the group it went into: a merge moves no ticket's entry
        # (a small group taking in a large one would rewrite thousands of them)
        self._merged_into: list[int] = []
        self._unit_of: dict[str, str] = {}
        # (place, trouble) → the group that last had a ticket on it: 金色家园 + 停水 however
        # the callers word it (their words may share too little for the duplicate score);
        # a group merged since is read through ``_root`` (a merge moves no key)
        self._by_place_trouble: dict[tuple[str, str], int] = {}
        self.alerts: list[HotAlertView] = []
        self.last_at: dt.datetime | None = None

    def __len__(self) -> int:
        return len(self._group_of)

    def __contains__(self, number: object) -> bool:
        return number in self._group_of

    def group_of(self, number: str) -> int | None:
        found = self._group_of.get(number)
        return None if found is None else self._root(found)

    def _group_of_doc(self, i: int) -> int | None:
        """The group of the ticket the index holds as document ``i``."""
        return self.group_of(self._index.number_of(i))

    def _root(self, gid: int) -> int:
        """The group a group's tickets are in now (itself unless merged; paths halved)."""
        into = self._merged_into
        while into[gid] != gid:
            into[gid] = into[into[gid]]
            gid = into[gid]
        return gid

    def set_unit(self, number: str, unit_id: str) -> None:
        """A ticket was dispatched or moved to another unit (scope of a unit clerk)."""
        if number in self._group_of:
            self._unit_of[number] = unit_id

    # ------------------------------------------------------------------ intake
    def add(self, ticket: HotTicket, prepared: PreparedText | None = None) -> list[HotAlertView]:
        """Put a new ticket in its group; the alerts its arrival raises (also kept in
        ``alerts``). A ticket already seen changes nothing. ``prepared``: its text as
        ``prepare_text`` read it with the tracker's catalogue, when the caller has it already
        (a replay reads ahead)."""
        if ticket.number in self._group_of:
            return []
        phone = normalize_phone(ticket.caller_phone)
        caller = phone or f"#{ticket.number}"
        if prepared is None or prepared.text != ticket.text:
            prepared = self._index.prepare(ticket.text)  # read once: looked up, then indexed
        reading = prepared.reading
        matched: list[int] = []
        keys = _place_trouble_keys(reading)
        keyed = self._recent_on(keys, ticket.at)
        least = min(self.params.join_min, self.params.join_min_same_caller)
        candidates = self._index.scored(
            prepared, ticket.caller_phone, k=1, best_of=self.params.best_of, floor=least,
            # with a recent group on its place and trouble, the closest in words of that
            # group below join_min count too (see below): they are scored in full as well
            whatever_floor=(lambda i: self._group_of_doc(i) in keyed) if keyed else None,
        )  # fmt: skip
        for score, i, shared in candidates:
            if score < least:
                break
            same_caller = bool(phone) and self._index.phone_of(i) == phone
            if score < (self.params.join_min_same_caller if same_caller else self.params.join_min):
                continue
            if not shared and _other_place(reading, self._index.reading_of(i)):
                continue  # the same trouble at another estate, road, shop: another matter
            found = self.group_of(self._index.number_of(i))
            if found is not None and found not in matched:
                if _elsewhere(reading, self._groups[found]):
                    continue  # … or at another place than the group's other tickets
                matched.append(found)
        if not matched and keyed:
            # words that share too little for the score, about the same place and trouble:
            # one matter when a group with that place and trouble is recent and among the
            # closest in words (金色家园停水 / 金色家园小区从早上开始停水)
            for score, i, _shared in candidates:
                if score <= self.params.place_join_min:
                    break
                found = self._group_of_doc(i)
                if found in keyed:
                    matched.append(found)  # type: ignore[arg-type]
                    break
        gid: int | None = matched[0] if matched else None
        for other in matched[1:]:  # the ticket bridges groups of one matter: they become one
            if not _apart(self._groups[gid], self._groups[other]):  # type: ignore[index]
                self._merge(gid, other)  # type: ignore[arg-type]
        if gid is None:
            gid = len(self._groups)
            self._merged_into.append(gid)
            self._groups.append(
                _Group(
                    id=gid,
                    summary="（保密件）" if ticket.confidential else summary_of(ticket.text),
                    places=tuple(p.name for p in reading.places[:3]),
                    matter=reading.matter,
                )
            )
        group = self._groups[gid]
        _take_places(group, reading.places, reading.place_kinds)
        if group.summary == "（保密件）" and not ticket.confidential:
            group.summary = summary_of(ticket.text)
        if group.exemplars < self.params.exemplars:
            group.exemplars += 1
            self._index.add(
                TicketRecord(
                    ticket.number, ticket.caller_phone, ticket.text, "accepted", ticket.at,
                    ticket.unit_id,
                ),
                prepared,
            )  # fmt: skip
        self._group_of[ticket.number] = gid
        self._unit_of[ticket.number] = ticket.unit_id
        for key in keys:
            self._by_place_trouble[key] = gid
        if group.times and (ticket.at, ticket.number, caller) < (
            group.times[-1],
            group.numbers[-1],
            group.callers[-1],
        ):
            group.ordered = False  # arrived out of order: a merge sorts the whole group
        group.numbers.append(ticket.number)
        group.times.append(ticket.at)
        group.callers.append(caller)
        group.called(caller, ticket.at)
        if self.last_at is None or ticket.at > self.last_at:
            self.last_at = ticket.at
        raised = self._check(group, ticket)
        self.alerts.extend(raised)
        return raised

    def _recent_on(self, keys: list[tuple[str, str]], at: dt.datetime) -> set[int]:
        """The groups that last had a ticket on one of these (place, trouble) pairs within
        ``place_matter_days`` before ``at``."""
        window = dt.timedelta(days=self.params.place_matter_days)
        recent = set()
        for key in keys:
            found = self._by_place_trouble.get(key)
            if found is None:
                continue
            found = self._root(found)
            times = self._groups[found].times
            if times and at - times[-1] <= window:
                recent.add(found)
        return recent

    def _merge(self, into: int, other: int) -> None:
        """Fold group ``other`` into ``into`` (its tickets keep their times and callers)."""
        a, b = self._groups[into], self._groups[other]
        if b.times and (not a.times or b.times[0] < a.times[0]):
            a.summary, a.places, a.matter = b.summary, b.places, b.matter
        self._merged_into[other] = into
        if a.ordered and b.ordered and min(len(a.times), len(b.times)) <= _MERGE_INSERTS:
            self._merge_in_order(a, b)
        else:
            rows = sorted(
                zip(a.times + b.times, a.numbers + b.numbers, a.callers + b.callers, strict=True)
            )
            a.times = [t for t, _, _ in rows]
            a.numbers = [n for _, n, _ in rows]
            a.callers = [c for _, _, c in rows]
            first: dict[str, dt.datetime] = {}
            for t, _, c in rows:
                first.setdefault(c, t)
            a.first = first
            a.newcomers = sorted(first.values())
            a.ordered = True
        a.exemplars += b.exemplars
        _take_places(a, b.named, b.kinds)
        b.numbers, b.times, b.callers, b.newcomers = [], [], [], []
        b.first, b.ordered = {}, True

    @staticmethod
    def _merge_in_order(a: _Group, b: _Group) -> None:
        """``_merge``'s rows, first times, callers and newcomers of two groups in order: the
        smaller group's tickets inserted into the larger's lists where they belong (a large
        group is not sorted again for each small one it takes in)."""
        big, small = (a, b) if len(a.times) >= len(b.times) else (b, a)
        times, numbers, callers = big.times, big.numbers, big.callers
        for t, n, c in zip(small.times, small.numbers, small.callers, strict=True):
            at = bisect.bisect_left(times, t)
            end = bisect.bisect_right(times, t, at)
            while at < end and (numbers[at], callers[at]) < (n, c):
                at += 1
            times.insert(at, t)
            numbers.insert(at, n)
            callers.insert(at, c)
        for c, t in small.first.items():
            big.called(c, t)
        a.times, a.numbers, a.callers = times, numbers, callers
        a.first, a.newcomers = big.first, big.newcomers

    def _check(self, group: _Group, ticket: HotTicket) -> list[HotAlertView]:
        p = self.params
        at = ticket.at
        out: list[HotAlertView] = []
        window = dt.timedelta(hours=p.burst_hours)
        new = group.newcomers
        k = bisect.bisect_right(new, at) - bisect.bisect_left(new, at - window)
        base_from = at - window - dt.timedelta(days=p.baseline_days)
        b = bisect.bisect_left(new, at - window) - bisect.bisect_left(new, base_from)
        expected = b * window / dt.timedelta(days=p.baseline_days)
        quiet = group.last_sudden is None or at - group.last_sudden >= window
        if k >= p.burst_min and k >= p.burst_factor * expected + 1 and quiet:
            group.last_sudden = at
            out.append(
                self._alert(
                    SUDDEN, group, at,
                    f"{p.burst_hours:g} 小时内 {k} 位新来电人反映同一事项"
                    f"（此前 {p.baseline_days:g} 天平均每 {p.burst_hours:g} 小时 {expected:.1f} 位）",
                    since=at - window,
                )
            )  # fmt: skip
        elif group.last_sudden is not None and at - group.last_sudden < window:
            group.last_sudden = at  # the burst goes on: quiet is counted from its last call
        if not group.emerged and at - group.times[0] <= dt.timedelta(days=p.emerging_days):
            recent = bisect.bisect_right(new, at) - bisect.bisect_left(
                new, at - dt.timedelta(hours=p.emerging_recent_hours)
            )
            if len(group.seen) >= p.emerging_min and recent >= p.emerging_recent:
                group.emerged = True
                out.append(
                    self._alert(
                        EMERGING, group, at,
                        f"新事项 {(at - group.times[0]).days} 天内 {len(group.seen)} 位来电人，"
                        f"近 {p.emerging_recent_hours:g} 小时新增 {recent} 位",
                        since=group.times[0],
                    )
                )  # fmt: skip
        return out

    def _alert(
        self, kind: str, group: _Group, at: dt.datetime, reason: str, since: dt.datetime
    ) -> HotAlertView:
        numbers = tuple(n for n, t in zip(group.numbers, group.times, strict=True) if t >= since)
        return HotAlertView(
            kind=kind,
            label=KIND_LABELS[kind],
            group_id=group.id,
            at=at,
            callers=len(group.seen),
            numbers=numbers,
            summary=group.summary,
            places=group.places,
            reason=reason,
        )

    # ------------------------------------------------------------------ reading
    def groups(
        self,
        now: dt.datetime | None = None,
        limit: int = 20,
        min_callers: int = 2,
        unit_id: str | None = None,
    ) -> list[HotGroupView]:
        """Groups ranked by heat at ``now`` (latest ticket by default), hottest first; with
        ``unit_id`` only that unit's tickets count (a unit clerk's scope)."""
        moment = now or self.last_at or dt.datetime.now(dt.UTC)
        out: list[HotGroupView] = []
        for g in self._groups:
            if len(g.seen) < min_callers:
                continue  # never that many callers (most groups are one ticket): skipped at once
            view = self._view(g, moment, unit_id)
            if view is not None and view.callers >= min_callers:
                out.append(view)
        out.sort(key=lambda v: (-v.heat, -v.callers, v.group_id))
        return out[:limit]

    def group_with(
        self, number: str, now: dt.datetime | None = None, unit_id: str | None = None
    ) -> HotGroupView | None:
        """The group a ticket is in, as ``groups`` ranks it at ``now`` (with ``unit_id``: that
        unit's tickets only, and None unless the ticket is one of them); None when the ticket
        is not grouped or is alone in its group (the matter of one ticket)."""
        gid = self.group_of(number)
        if gid is None:
            return None
        view = self._view(
            self._groups[gid], now or self.last_at or dt.datetime.now(dt.UTC), unit_id
        )
        if view is None or number not in view.numbers or view.tickets < 2:
            return None
        return view

    def _view(self, g: _Group, moment: dt.datetime, unit_id: str | None) -> HotGroupView | None:
        """A group's figures at ``moment`` over its tickets up to then (a unit's only, with
        ``unit_id``); None when none is left."""
        growth_from = moment - dt.timedelta(days=self.params.growth_days)
        rows = [
            (n, t, c)
            for n, t, c in zip(g.numbers, g.times, g.callers, strict=True)
            if t <= moment and (unit_id is None or self._unit_of.get(n) == unit_id)
        ]
        if not rows:
            return None
        first_of: dict[str, dt.datetime] = {}
        for _, t, c in rows:
            if c not in first_of or t < first_of[c]:
                first_of[c] = t
        callers = len(first_of)
        first = min(t for _, t, _ in rows)
        last = max(t for _, t, _ in rows)
        growth = sum(1 for t in first_of.values() if t >= growth_from)
        units = sorted({self._unit_of.get(n, "") for n, _, _ in rows} - {""})
        return HotGroupView(
            group_id=g.id,
            heat=heat(callers, len(rows), growth, last - first),
            callers=callers,
            tickets=len(rows),
            repeats=len(rows) - callers,
            growth=growth,
            first_at=first,
            last_at=last,
            summary=g.summary,
            places=g.places,
            matter=g.matter,
            numbers=tuple(n for n, _, _ in rows),
            units=tuple(units),
        )

    def recent_alerts(self, since: dt.datetime, unit_id: str | None = None) -> list[HotAlertView]:
        """Alerts raised at or after ``since``, newest first; with ``unit_id`` only those
        naming that unit's tickets, and only those tickets."""
        out = []
        for a in reversed(self.alerts):
            if a.at < since:
                break
            if unit_id is not None:
                mine = tuple(n for n in a.numbers if self._unit_of.get(n) == unit_id)
                if not mine:
                    continue
                a = HotAlertView(
                    a.kind, a.label, a.group_id, a.at, len(mine), mine, a.summary, a.places,
                    a.reason,
                )  # fmt: skip
            out.append(a)
        return out


PARALLEL_MIN = 2_000
"""A replay asked for reader processes uses them from this many tickets (fewer: not worth starting)."""
_BATCH = 250


def _read_batch(texts: list[str], catalogue: Catalogue | None) -> list[PreparedText]:
    return [prepare_text(t, catalogue, MAX_CHARS) for t in texts]


def _quiet_reader() -> None:
    """A reader process writes nothing to the terminal it shares with a console (a failure
    is the tracker's to handle: it reads the rest itself) and leaves Ctrl+C to the console."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def readers() -> int:
    """Processes that read ahead of a replay: one core is left to the grouping."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(4, cores - 1)


def _read_ahead(
    tickets: list[HotTicket], catalogue: Catalogue | None, workers: int
) -> Iterator[PreparedText | None]:
    """The tickets' texts read by ``workers`` other processes, in order, a few batches ahead
    of the grouping; None for each ticket the tracker is to read itself: all of them when no
    process can be started, the rest when the processes fail."""
    batches = [[t.text for t in tickets[i : i + _BATCH]] for i in range(0, len(tickets), _BATCH)]
    given = 0
    try:
        # spawned, not forked: the console's threads (screens, API, sync) are not copied
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=_quiet_reader
        ) as pool:
            pending: deque[Future[list[PreparedText]]] = deque()
            ahead = 2 * workers
            submitted = 0
            while submitted < len(batches) or pending:
                while submitted < len(batches) and len(pending) < ahead:
                    pending.append(pool.submit(_read_batch, batches[submitted], catalogue))
                    submitted += 1
                for prepared in pending.popleft().result():
                    yield prepared
                    given += 1
    except (OSError, ValueError, NotImplementedError, BrokenExecutor):
        pass  # no processes here, or they died: the tracker reads the rest itself
    yield from (None for _ in range(len(tickets) - given))


def replay(
    tickets: Iterable[HotTicket],
    params: HotParams | None = None,
    catalogue: Catalogue | None = None,
    workers: int = 0,
) -> HotTracker:
    """A full recompute: every ticket through a fresh tracker, in time order. With
    ``workers`` ≥ 1 and at least ``PARALLEL_MIN`` tickets their texts are read
    (``prepare_text``, pure) by that many other processes while the tracker groups (``readers()``
    is one per core but one, at most four): the same groups and alerts as one ``add`` after
    another, in about three quarters of the time on two cores (100 000 tickets: 181 s against
    235 s, ``benchmarks/bench_hot.py``). The readers write nothing to a console's terminal."""
    tracker = HotTracker(params, catalogue)
    ordered = sorted(tickets, key=lambda t: (t.at, t.number))
    if workers < 1 or len(ordered) < PARALLEL_MIN:
        for t in ordered:
            tracker.add(t)
        return tracker
    for t, prepared in zip(ordered, _read_ahead(ordered, catalogue, workers), strict=True):
        tracker.add(t, prepared)
    return tracker
