"""Benchmark: routing suggestions (R-DISPATCH) on real callers' words first, then our own sets.

Real set (tests/data/real, ids and labels only; the words are read from ../shared/data at run
time, see realset/ and tests/data/real/LABELLING.md): messages a Hunan city's citizens left on
a government message board, each labelled by reading with the target that should handle it at
this platform (a provincial unit, or ``city:<bureau>`` — the city's 优化办 forwarding to that
kind of bureau). Every message came from the provincial capital's board, so the router is given
``place="长沙市"`` as the city line the call came from would give it.

Figures, held-out half first (no weight, threshold, term or model was chosen on it):

- ``seed``: the router as shipped (matter catalogue, unit duties, knowledge articles);
- ``history``: the same router after the platform's own history: the labelled development
  messages learned as past tickets with the target they ended at (the model retrained on them
  and the memory holding them), as a platform has after some months of tickets;
- ``keywords``: the baseline — a count of each target's catalogue terms in the text;
- ``strict`` counts the labelled target only; ``lenient`` also the targets the reader marked
  acceptable.

On the development half, ``history_later_users`` splits it as the halves are split: the
labelled messages of the callers who came last (the latest 30 %) are scored by a router that
learned the earlier callers' messages — no caller on both sides. (A random 5-fold split, used
before, put one caller's repeated messages on both sides and said 0.75 where the held-out half
said 0.66.) Then the project's own labelled tickets (tests/data/routing,
written here: they flatter the router) and the speed: a suggestion with 100 000 tickets in the
memory, and training the model on 100 000 tickets.

Run: ``python benchmarks/bench_routing.py [--no-speed]``; ``run()`` returns the figures.
Prints ids and numbers only, never a message's words.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from realset.labels import HISTORY, Labelled, load_labels
from realset.messages import DEV, HELD_OUT, Message, available, load_messages

from console.services.knowledge.catalogue import Catalogue
from console.services.knowledge.routing import Router, seed_examples
from console.services.knowledge.routing_eval import evaluate, load_routing_cases
from console.services.knowledge.routing_model import Example, train
from console.services.knowledge.seed import Seed, load_seed
from console.services.knowledge.text import normalize

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "knowledge_seed"
ROUTING_CASES = REPO / "tests" / "data" / "routing"
PLACE = "长沙市"
SPEED_TICKETS = 100_000
BARS = {"suggest_ms_p95": 20.0, "train_s": 120.0}
GOALS = {"top1": 0.75, "top3": 0.92}

Suggest = Callable[[str], list[str]]


def score(suggest: Suggest, cases: Sequence[Labelled], texts: dict[str, str]) -> dict[str, Any]:
    hit1 = hit3 = lenient = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for c in cases:
        got = suggest(texts[c.msg_id])
        hit1 += bool(got) and got[0] == c.target
        hit3 += c.target in got[:3]
        lenient += bool(got) and got[0] in c.ok_targets
        if got and got[0] != c.target:
            confusion[(c.target, got[0])] += 1
    n = len(cases) or 1
    return {
        "cases": len(cases),
        "top1": round(hit1 / n, 3),
        "top3": round(hit3 / n, 3),
        "lenient_top1": round(lenient / n, 3),
        "confusions": [f"{e}→{g} ×{k}" for (e, g), k in confusion.most_common(6)],
    }


def keyword_baseline(seed: Seed) -> Suggest:
    """Each target scored by how many of its catalogue terms the text holds."""
    terms: dict[str, set[str]] = {}
    for m in seed.matters:
        terms.setdefault(m.owner, set()).update(normalize(t) for t in (m.name, *m.terms))
    for u in seed.units:
        if u.category != "city":
            terms.setdefault(u.id, set()).update(normalize(k) for k in u.keywords)

    def suggest(text: str) -> list[str]:
        folded = normalize(text)
        counts = {t: sum(1 for w in words if w and w in folded) for t, words in terms.items()}
        ranked = sorted((t for t in counts if counts[t]), key=lambda t: (-counts[t], t))
        return ranked[:3]

    return suggest


def router_suggest(router: Router) -> Suggest:
    return lambda text: [s.target for s in router.suggest(text, place=PLACE, k=3)]


def history_of(cases: Sequence[Labelled], texts: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(c.msg_id, texts[c.msg_id], c.target) for c in cases if c.target != "none"]


def later_users(
    cases: Sequence[Labelled], messages: Sequence[Message], share: float = 0.3
) -> tuple[list[Labelled], list[Labelled]]:
    """The cases split by caller and time as the halves are: the callers whose first message
    comes last (``share`` of them) against the others — a held-out half inside the
    development half, to choose settings on without a caller on both sides."""
    first: dict[str, dt.datetime] = {}
    for m in messages:
        first[m.user] = min(m.at, first.get(m.user, m.at))
    user = {m.msg_id: m.user for m in messages}
    callers = sorted({user[c.msg_id] for c in cases}, key=lambda u: (first[u], u))
    cut = first[callers[int(len(callers) * (1 - share))]]
    earlier = [c for c in cases if first[user[c.msg_id]] < cut]
    later = [c for c in cases if first[user[c.msg_id]] >= cut]
    return earlier, later


def real_set(seed: Seed) -> dict[str, Any]:
    if not available():
        return {"skipped": "../shared/data is absent (real messages are not shipped)"}
    messages = load_messages()
    texts = {m.msg_id: m.text for m in messages}
    labels = [c for c in load_labels() if c.target != "none"]
    history = [c for c in load_labels(HISTORY) if c.target != "none"] if HISTORY.exists() else []
    dev = [c for c in labels if c.half == DEV]
    held = [c for c in labels if c.half == HELD_OUT]
    past = history_of(dev + history, texts)
    seed_router = Router.from_seed(seed)
    learned = Router.from_seed(seed, past)
    baseline = keyword_baseline(seed)
    out: dict[str, Any] = {
        "history_tickets": len(past),
        HELD_OUT: {
            "seed": score(router_suggest(seed_router), held, texts),
            "history": score(router_suggest(learned), held, texts),
            "keywords": score(baseline, held, texts),
        },
    }
    # development half: the later callers scored after learning from the earlier ones
    trained, later = later_users(dev + history, messages)
    learned_earlier = Router.from_seed(seed, history_of(trained, texts))
    out[DEV] = {
        "seed": score(router_suggest(seed_router), dev, texts),
        "history_later_users": score(router_suggest(learned_earlier), later, texts),
        "keywords": score(baseline, dev, texts),
    }
    out["goal"] = GOALS
    return out


def own_sets(seed: Seed) -> dict[str, Any]:
    cases = load_routing_cases(ROUTING_CASES) if ROUTING_CASES.exists() else []
    if not cases:
        return {"skipped": f"no tickets in {ROUTING_CASES}"}
    router = Router.from_seed(seed)
    report = evaluate("own", router.suggest, cases, k=3).as_dict()
    return {k: report[k] for k in ("cases", "top1", "top3", "strict_top1")}


def speed(seed: Seed, tickets: int = SPEED_TICKETS) -> dict[str, Any]:
    """A suggestion with ``tickets`` past tickets in memory, and training on as many."""
    texts = [m.text for m in load_messages()] if available() else []
    if not texts:
        texts = [c.text for c in load_routing_cases(ROUTING_CASES)]
    rng = random.Random(11)
    catalogue = Catalogue(seed.units, seed.bureaus, seed.matters)
    targets = sorted(catalogue.targets)
    past = []
    for n in range(tickets):
        a, b = rng.sample(texts, 2)
        past.append((str(n), a[:80] + b[-80:], rng.choice(targets)))
    start = time.perf_counter()
    model = train(seed_examples(seed) + [Example(t, g, 2.0) for _, t, g in past])
    train_s = time.perf_counter() - start
    router = Router.from_seed(seed, past, model=model)
    wall: list[float] = []
    cpu: list[float] = []
    for text in rng.sample(texts, 300):
        w0, c0 = time.perf_counter(), time.process_time()
        router.suggest(text[:200], place=PLACE, k=3)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    wall.sort()
    cpu.sort()
    p95 = cpu[int(0.95 * (len(cpu) - 1))]
    return {
        "tickets": tickets,
        "train_s": round(train_s, 1),
        "suggest_ms_p50": round(statistics.median(wall), 2),
        "suggest_ms_p95": round(wall[int(0.95 * (len(wall) - 1))], 2),
        "suggest_cpu_ms_p95": round(p95, 2),
        "bars": BARS,
        # CPU time decides: on a shared, busy machine wall time measures the neighbours
        "ok": p95 <= BARS["suggest_ms_p95"] and train_s <= BARS["train_s"],
    }


def run(with_speed: bool = True) -> dict[str, Any]:
    seed = load_seed(SEED)
    out: dict[str, Any] = {
        "catalogue": {"units": len(seed.units), "matters": len(seed.matters),
                      "articles": len(seed.articles)},
        "real": real_set(seed),
        "own_tickets": own_sets(seed),
    }  # fmt: skip
    if with_speed:
        out["speed"] = speed(seed)
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    result = run(with_speed="--no-speed" not in args)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result.get("speed", {}).get("ok", True) else 1


if __name__ == "__main__":
    sys.exit(main())
