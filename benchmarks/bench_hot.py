"""Benchmark: hot, sudden and emerging matters (R-ANALYTICS) on real callers' words.

1. **Hot list.** The 4 326 messages of ../shared/data/messages/messages_with_votes.csv are
   replayed in time order through the grouping (console.services.analytics.hot); the top 10
   groups of the heat ranking at the end of the timeline are printed — message ids, size and a
   short summary (the first characters of the first message's subject), for a reader to check.
2. **Injected bursts.** ``BURSTS`` matters are chosen at random (seeded) among the messages; for
   each, at a chosen moment at least 30 days after its first message, ``BURST_SIZE`` copies of
   the messages of its group (the same matter in the callers' other words where the group has
   several, else the message itself) arrive from new fake callers within 2.5 hours. The merged
   timeline is replayed; a burst is detected when a sudden alert names one of its copies within
   ``burst_hours`` of its first copy. Precision: of all sudden alerts, the share naming an
   injected copy (the real timeline's own sudden alerts have no truth and count against it: a
   lower bound). Delay: from the burst's third call to the alert, in timeline time, and the
   wall time of the ``add`` that raised it.
3. **Groups against the readers.** The tracker's groups at the end of the timeline against the
   same-matter judgements of tests/data/real/messages.csv (for a labelled message, every
   candidate a reader compared it with, marked the same matter or not; see LABELLING.md): of
   the judged pairs the tracker put in one group, the share the reader marked the same matter
   (precision), and of the pairs the reader marked, the share in one group (recall) — for the
   same caller and for other callers, the held-out half first; and of the messages with a peer
   marked the same matter, the share grouped with at least one (a matter that hundreds raised
   weighs one message each here, not hundreds of pairs). A pair judged from both sides counts
   twice. Nothing of the tracker was chosen on the held-out half. With ``--among N`` the same
   again with the real messages among ``N`` other tickets spread over their timeline (three
   sentences each of the other messages of ../shared/data, labelled_sample.csv): the bounds
   of a look-up (how many candidates it scores, how many postings it walks) only bind in a
   large index.
4. **Speed.** The CPU time of one ``add`` (p95 over the replay; budget 20 ms), and a full
   recompute over ``--tickets`` synthetic tickets (three real sentences mixed, over 90 days;
   budget 60 s for 100 000) against a baseline measured in the same run: building the plain
   duplicate index of the same tickets (``DuplicateIndex.add`` only). The recompute is
   measured twice: one ``add`` after another in this process, and as ``hot.replay`` runs it
   (HotWatch's first look, the period report): the texts read ahead by other processes while
   this one groups — its CPU time is given for both sides (the grouping process, the
   readers), with the wall time, and its groups are checked against the first's.

Run: ``python benchmarks/bench_hot.py [--tickets N] [--no-speed] [--among N]`` (or ``hotline
bench hot``).
Skips, saying why, when ../shared/data is absent. Prints ids and numbers, and of a hot group the
first characters of its first message's subject.
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from realset.labels import Labelled, load_labels
from realset.messages import DEV, HELD_OUT, Message, load_messages

from console.services.analytics import hot
from console.services.analytics.hot import HotParams, HotTicket, HotTracker
from console.services.knowledge.catalogue import Catalogue
from console.services.knowledge.duplicates import DuplicateIndex, TicketRecord
from console.services.knowledge.seed import load_seed

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "knowledge_seed"
MESSAGES = next(
    (
        d / "shared" / "data" / "messages" / "messages_with_votes.csv"
        for d in (REPO.parent, REPO.parent.parent)  # beside the checkout, or a worktree's
        if (d / "shared" / "data" / "messages" / "messages_with_votes.csv").exists()
    ),
    None,
)
BURSTS = 30
BURST_SIZE = 4
BURST_OFFSETS = (0.0, 0.7, 1.5, 2.5)  # hours after the burst's start
SUMMARY = 24
UTC = dt.UTC


def ticket(m: Message) -> HotTicket:
    return HotTicket(m.msg_id, m.user, m.text, m.at.replace(tzinfo=UTC))


def catalogue() -> Catalogue:
    seed = load_seed(SEED)
    return Catalogue(seed.units, seed.bureaus, seed.matters)


def replay(
    tickets: list[HotTicket], cat: Catalogue
) -> tuple[HotTracker, list[float], dict[str, float]]:
    tracker = HotTracker(HotParams(), cat)
    cpu: list[float] = []
    wall_of: dict[str, float] = {}
    for t in sorted(tickets, key=lambda t: (t.at, t.number)):
        c0, w0 = time.process_time(), time.perf_counter()
        tracker.add(t)
        cpu.append((time.process_time() - c0) * 1000)
        wall_of[t.number] = (time.perf_counter() - w0) * 1000
    return tracker, cpu, wall_of


def hot_list(messages: list[Message], cat: Catalogue) -> list[float]:
    by_id = {m.msg_id: m for m in messages}
    tracker, cpu, _ = replay([ticket(m) for m in messages], cat)
    print(
        f"hot list: {len(messages)} messages, {len(tracker.groups(limit=10**6))} groups of 2+ callers"
    )
    for rank, g in enumerate(tracker.groups(limit=10), 1):
        subject = by_id[g.numbers[0]].subject[:SUMMARY]
        ids = " ".join(g.numbers[:10]) + (" …" if len(g.numbers) > 10 else "")
        print(
            f"{rank:>2}. heat {g.heat:6.2f} callers {g.callers:>2} messages {g.tickets:>2} "
            f"{g.first_at:%Y-%m-%d}–{g.last_at:%Y-%m-%d}  {subject}"
        )
        print(f"    ids: {ids}")
    return cpu


def bursts(messages: list[Message], cat: Catalogue) -> None:
    rng = random.Random(11)
    base, _, _ = replay([ticket(m) for m in messages], cat)
    members: dict[int, list[Message]] = defaultdict(list)
    by_id = {m.msg_id: m for m in messages}
    for m in messages:
        gid = base.group_of(m.msg_id)
        if gid is not None:
            members[gid].append(m)
    ordered = sorted(messages, key=lambda m: m.at)
    last = ordered[-1].at
    chosen = rng.sample([m for m in ordered if (last - m.at).days > 40], BURSTS)
    injected: list[HotTicket] = []
    truth: dict[int, tuple[dt.datetime, dt.datetime, set[str]]] = {}
    for b, m in enumerate(chosen):
        start = m.at + dt.timedelta(days=rng.randint(30, 40), hours=rng.randint(0, 23))
        start = start.replace(tzinfo=UTC)
        gid = base.group_of(m.msg_id)
        pool = members[gid] if gid is not None else [m]
        ids: set[str] = set()
        for j, offset in enumerate(BURST_OFFSETS[:BURST_SIZE]):
            src = pool[j % len(pool)]
            number = f"B{b:02d}-{j}"
            injected.append(
                HotTicket(number, f"F{b:02d}{j}", src.text, start + dt.timedelta(hours=offset))
            )
            ids.add(number)
        third = start + dt.timedelta(hours=BURST_OFFSETS[2])
        truth[b] = (start, third, ids)
    tracker, _, wall_of = replay([ticket(m) for m in messages] + injected, cat)
    sudden = [a for a in tracker.alerts if a.kind == "sudden"]
    window = dt.timedelta(hours=tracker.params.burst_hours)
    found: dict[int, tuple[dt.timedelta, float]] = {}
    true_alerts = 0
    for a in sudden:
        hit = False
        for b, (start, third, ids) in truth.items():
            if ids & set(a.numbers) and start <= a.at <= start + window:
                hit = True
                if b not in found:
                    raiser = max(a.numbers, key=lambda n: n in ids)
                    found[b] = (a.at - third, wall_of.get(a.numbers[-1], wall_of.get(raiser, 0.0)))
        true_alerts += hit
    recall = len(found) / len(truth)
    precision = true_alerts / len(sudden) if sudden else 0.0
    delays = sorted(d.total_seconds() / 60 for d, _ in found.values())
    walls = sorted(w for _, w in found.values())
    real_only = len(sudden) - true_alerts
    print(
        f"bursts: {len(truth)} injected ({BURST_SIZE} new callers within {BURST_OFFSETS[-1]} h), "
        f"{len(found)} detected: recall {recall:.2f}; sudden alerts {len(sudden)}, "
        f"{true_alerts} on an injected burst: precision {precision:.2f} "
        f"({real_only} raised by the real timeline alone, counted as false)"
    )
    if delays:
        print(
            f"delay from the third call to the alert: median {statistics.median(delays):.1f} min, "
            f"max {max(delays):.1f} min (timeline); the add that raised it: "
            f"median {statistics.median(walls):.2f} ms, max {max(walls):.2f} ms (wall)"
        )
    missed = sorted(set(truth) - set(found))
    if missed:
        print(f"missed bursts (source message ids): {' '.join(chosen[b].msg_id for b in missed)}")
    for a in sudden:
        if not any(ids & set(a.numbers) for _, _, ids in truth.values()):
            first = by_id.get(a.numbers[0])
            print(
                f"  real-timeline sudden alert {a.at:%Y-%m-%d %H:%M} ids {' '.join(a.numbers[:6])} "
                f"{first.subject[:SUMMARY] if first else ''}"
            )
    emerging = sum(1 for a in tracker.alerts if a.kind == "emerging")
    print(f"emerging alerts over the timeline: {emerging}")


def judged_pairs(
    labels: list[Labelled], group_of: Callable[[str], int | None], users: dict[str, str]
) -> dict[str, dict[str, dict[str, float | int | None]]]:
    """Precision and recall of groups over the readers' judged pairs, by half and caller kind
    (see the module docstring); ``group_of`` a message id's group (None: not grouped)."""
    out: dict[str, dict[str, dict[str, float | int | None]]] = {}
    for half in (HELD_OUT, DEV):
        out[half] = {}
        for kind in ("same_caller", "other_callers"):
            together_true = together = truth = requests = found = 0
            for c in labels:
                if c.half != half or c.msg_id not in users:
                    continue
                mine = group_of(c.msg_id)
                hits_before = together_true
                marked_before = truth
                for other in c.judged:
                    if other == c.msg_id or other not in users:
                        continue
                    if (users[other] == users[c.msg_id]) != (kind == "same_caller"):
                        continue
                    same = other in c.same
                    grouped = mine is not None and group_of(other) == mine
                    truth += same
                    together += grouped
                    together_true += same and grouped
                if truth > marked_before:
                    requests += 1
                    found += together_true > hits_before
            out[half][kind] = {
                "requests": requests,
                "request_recall": round(found / requests, 3) if requests else None,
                "marked_same": truth,
                "grouped": together,
                "precision": round(together_true / together, 3) if together else None,
                "recall": round(together_true / truth, 3) if truth else None,
            }
    return out


def others(messages: list[Message], n: int) -> list[HotTicket]:
    """``n`` tickets of three sentences each of the other messages (labelled_sample.csv), at
    random moments of the real messages' timeline, by callers of their own."""
    assert MESSAGES is not None
    sample = load_messages(MESSAGES.parent / "labelled_sample.csv")
    pool = [s.strip() for m in sample for s in m.body.split("。") if len(s.strip()) > 8]
    rng = random.Random(5)
    first = min(m.at for m in messages).replace(tzinfo=UTC)
    span = (max(m.at for m in messages).replace(tzinfo=UTC) - first).total_seconds()
    return [
        HotTicket(
            f"S{i}", f"1370000{rng.randrange(50_000):05d}", "。".join(rng.sample(pool, 3)),
            first + dt.timedelta(seconds=rng.random() * span),
        )
        for i in range(n)
    ]  # fmt: skip


def readers_figures(
    messages: list[Message], cat: Catalogue, among: int = 0
) -> dict[str, dict[str, dict[str, float | int | None]]]:
    """``judged_pairs`` of the tracker's groups after the real messages (among ``among``
    others)."""
    tracker, _, _ = replay([ticket(m) for m in messages] + others(messages, among), cat)
    users = {m.msg_id: m.user for m in messages}
    return judged_pairs(load_labels(), tracker.group_of, users)


def against_readers(messages: list[Message], cat: Catalogue, among: int = 0) -> None:
    figures = readers_figures(messages, cat, among)
    where = f" among {among} other tickets" if among else ""
    for half, kinds in figures.items():
        for kind, f in kinds.items():
            print(
                f"groups against the readers{where}, {half}, {kind}: precision {f['precision']} "
                f"({f['grouped']} judged pairs grouped), recall {f['recall']} "
                f"({f['marked_same']} pairs marked the same matter); of {f['requests']} messages "
                f"with a peer marked the same matter, {f['request_recall']} grouped with one"
            )


def recompute(messages: list[Message], cat: Catalogue, n: int) -> None:
    rng = random.Random(7)
    sentences = [s for m in messages for s in m.text.split("。") if len(s) > 8]
    t0 = dt.datetime(2026, 9, 1, tzinfo=UTC)
    tickets = [
        HotTicket(
            f"T{i}", f"1380000{rng.randrange(20_000):05d}", "。".join(rng.sample(sentences, 3)),
            t0 + dt.timedelta(seconds=i * 90 * 86_400 / n),
        )
        for i in range(n)
    ]  # fmt: skip
    start = time.perf_counter()
    index = DuplicateIndex(catalogue=cat)
    for t in tickets:
        index.add(TicketRecord(t.number, t.caller_phone, t.text, "accepted", t.at))
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    cpu0 = time.process_time()
    tracker = HotTracker(HotParams(), cat)
    adds: list[float] = []
    for t in tickets:
        c0 = time.process_time()
        tracker.add(t)
        adds.append((time.process_time() - c0) * 1000)
    took = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    adds.sort()
    print(
        f"full recompute of {n} synthetic tickets, one add after another: {took:.1f} s wall, "
        f"{cpu:.1f} s CPU (budget 60 s for 100 000; scaled to 100 000: "
        f"{cpu * 100_000 / n:.0f} s CPU); baseline (duplicate index build alone) "
        f"{baseline:.1f} s: ratio {took / baseline:.2f}; "
        f"add p95 {adds[int(0.95 * (len(adds) - 1))]:.2f} ms CPU"
    )
    readers = hot.readers() if n >= hot.PARALLEL_MIN else 0
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start, cpu0 = time.perf_counter(), time.process_time()
    replayed = hot.replay(tickets, HotParams(), cat, workers=readers)
    took = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    reading = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
    same = all(replayed.group_of(t.number) == tracker.group_of(t.number) for t in tickets)
    print(
        f"full recompute as hot.replay runs it ({readers} reader processes): {took:.1f} s wall, "
        f"{cpu:.1f} s CPU grouping + {reading:.1f} s CPU reading (scaled to 100 000: "
        f"{cpu * 100_000 / n:.0f} s grouping, {(cpu + reading) * 100_000 / n:.0f} s in all); "
        f"the same groups as one add after another: {'yes' if same else 'NO'}"
    )


def main(argv: list[str]) -> int:
    if MESSAGES is None:
        print("skipped: ../shared/data/messages/messages_with_votes.csv is absent")
        return 0
    n = 100_000
    if "--tickets" in argv:
        n = int(argv[argv.index("--tickets") + 1])
    messages = load_messages(MESSAGES)
    cat = catalogue()
    cpu = hot_list(messages, cat)
    cpu.sort()
    print(
        f"add per new message: p50 {statistics.median(cpu):.2f} ms, "
        f"p95 {cpu[int(0.95 * (len(cpu) - 1))]:.2f} ms CPU (budget 20 ms)"
    )
    bursts(messages, cat)
    against_readers(messages, cat)
    if "--among" in argv:
        against_readers(messages, cat, int(argv[argv.index("--among") + 1]))
    if "--no-speed" not in argv:
        recompute(messages, cat, n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
