"""Benchmark: instant answers on real callers' words (R-CONSULT, R-KB), held-out half first.

Real set: the labelled messages of tests/data/real/messages.csv, typed into the answers pane as
the caller tells them (the whole request: subject, then the message; and, as an operator
has it after a few seconds, its first 30 characters). Readers judged, blind to which search
proposed it, whether each proposed article answers the caller, is on topic, or is off
(tests/data/real/articles.csv; how in tests/data/real/LABELLING.md).

For each message the pane shows the sure answers (confidence.py) and otherwise says there is
no sure answer. Figures:

- ``shown``: share of calls where a sure answer is shown;
- ``on_topic``: of the shown top answers, the share judged on topic (answers or topic) —
  the goal is ≥ 0.8; ``answers``: the share judged to answer the caller;
- ``unjudged``: shown top answers no reader judged for that call (left out of ``on_topic``);
- ``without_catalogue``: the judge of a store that has no matter catalogue;
- ``baseline``: the search as it was (raw words, no reading, the top hit always shown);
- ``possibly_related``: the first three answers that are not sure ones (to the whole request
  and to its first 30 characters), split at ``confidence.RELATED``: how many of each side a
  reader judged and the share on topic — at intake only those at or above it are offered.

``--fit`` refits the judge's weights and the "sure" threshold on the development half only
(logistic regression over the features of confidence.AnswerFeatures; the threshold is the
lowest whose development on-topic share of shown answers reaches ``TARGET``, each answer
judged by weights fitted without its caller's messages — out of fold) and prints them;
the shipped ones in confidence.py are what it printed.

``--unjudged DIR`` writes, outside the repository, the top answers (to the whole request and
to its first 30 characters, whether sure or not) that no reader has judged yet, one file per
half, for the next reading round.

Run: ``python benchmarks/bench_answers.py [--fit] [--unjudged DIR]``. Prints ids and numbers
only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from realset.labels import ArticleJudgement, Labelled, load_article_judgements, load_labels
from realset.messages import DEV, HELD_OUT, available, load_messages

from console.services.knowledge.answers import search_answers
from console.services.knowledge.catalogue import Catalogue
from console.services.knowledge.confidence import (
    RELATED,
    WITH_MATTER,
    WITHOUT_MATTER,
    AnswerJudge,
    ConfidenceWeights,
)
from console.services.knowledge.reading import strip_courtesy
from console.services.knowledge.search import SearchIndex
from console.services.knowledge.seed import load_seed

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "knowledge_seed"
TARGET = 0.85  # on-topic share of shown answers the threshold is chosen for (goal 0.8)
FIT_DEPTH = 3  # hits per query the weights are fitted on
FOLDS = 5  # groups of callers the threshold is chosen over (out of fold)
GRID = tuple(round(0.05 * i, 2) for i in range(2, 20))

Judged = dict[tuple[str, str], ArticleJudgement]


def verdict(judged: Judged, msg_id: str, article_id: str) -> str | None:
    j = judged.get((msg_id, article_id))
    return j.verdict if j else None


def shown_tops(
    index: SearchIndex, judge: AnswerJudge, queries: dict[str, str]
) -> dict[str, tuple[str, float] | None]:
    """Per message: the top hit (article, confidence), or None when nothing was found."""
    out: dict[str, tuple[str, float] | None] = {}
    for msg_id, query in queries.items():
        hits = search_answers(index, {}, query, limit=5, judge=judge)
        out[msg_id] = (hits[0].article_id, hits[0].confidence) if hits else None
    return out


def measure(
    tops: dict[str, tuple[str, float] | None], judged: Judged, sure: float, always: bool = False
) -> dict[str, Any]:
    shown = on_topic = answers = unjudged = 0
    for msg_id, top in tops.items():
        if top is None or (not always and top[1] < sure):
            continue
        shown += 1
        v = verdict(judged, msg_id, top[0])
        if v is None:
            unjudged += 1
        else:
            on_topic += v in ("answers", "topic")
            answers += v == "answers"
    judged_shown = shown - unjudged
    n = len(tops) or 1
    return {
        "calls": len(tops),
        "shown": round(shown / n, 3),
        "on_topic": round(on_topic / judged_shown, 3) if judged_shown else None,
        "answers": round(answers / judged_shown, 3) if judged_shown else None,
        "unjudged": unjudged,
    }


def possibly_related(
    index: SearchIndex, judge: AnswerJudge, queries: dict[str, str], judged: Judged
) -> dict[str, Any]:
    """The first three answers that are not sure ones, below and at or above ``RELATED``:
    judged, and the share of those on topic."""
    sides = {"below": [0, 0], "offered": [0, 0]}
    for msg_id, query in queries.items():
        for text in (query, query[:30]):
            hits = search_answers(index, {}, text, limit=10, judge=judge)
            for hit in [h for h in hits if not h.sure][:3]:
                v = verdict(judged, msg_id, hit.article_id)
                if v is not None:
                    side = sides["offered" if hit.confidence >= RELATED else "below"]
                    side[0] += 1
                    side[1] += v in ("answers", "topic")
    return {
        "related_min": RELATED,
        **{
            name: {"judged": n, "on_topic": round(on / n, 3) if n else None}
            for name, (n, on) in sides.items()
        },
    }


def _rows(
    index: SearchIndex, judge: AnswerJudge, query: str
) -> list[tuple[str, tuple[float, ...]]]:
    """The first hits of a query (as the pane ranks them: five, the margin of the last read
    against the next) with their features."""
    core = strip_courtesy(query) or query
    hits = index.search(core, limit=5)
    feats = judge.features(query, hits, [index.get(h.article_id) for h in hits])
    return [(h.article_id, f.vector()) for h, f in zip(hits, feats, strict=True)]


def _threshold(scored: list[tuple[float, bool]]) -> float:
    """The lowest grid threshold whose shown top answers are on topic at ``TARGET``."""
    for t in GRID:
        shown = [on for p, on in scored if p >= t]
        if shown and sum(shown) / len(shown) >= TARGET:
            return t
    return GRID[-1]


def fit(
    index: SearchIndex,
    judge: AnswerJudge,
    queries: dict[str, str],
    judged: Judged,
    callers: dict[str, str],
) -> ConfidenceWeights:
    """Weights fitted on every judged hit of the development half; the threshold chosen on
    out-of-fold probabilities: the half's callers in ``FOLDS`` groups, each group's top
    answers judged by weights fitted on the other groups (a caller's messages never on both
    sides). A threshold chosen on the very answers the weights were fitted on is flattered
    by the fit, and the held-out half pays for it."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows = {msg_id: _rows(index, judge, query) for msg_id, query in queries.items()}

    def model(msg_ids: Sequence[str]) -> LogisticRegression:
        x: list[tuple[float, ...]] = []
        y: list[int] = []
        for msg_id in msg_ids:
            for article_id, vector in rows[msg_id][:FIT_DEPTH]:
                v = verdict(judged, msg_id, article_id)
                if v is not None:
                    x.append(vector)
                    y.append(1 if v in ("answers", "topic") else 0)
        return LogisticRegression(C=1.0, max_iter=2000).fit(np.array(x), np.array(y))

    people = sorted({callers[m] for m in queries})
    fold_of = {caller: i % FOLDS for i, caller in enumerate(people)}
    scored: list[tuple[float, bool]] = []
    for k in range(FOLDS):
        fitted = model([m for m in queries if fold_of[callers[m]] != k])
        for msg_id in queries:
            if fold_of[callers[msg_id]] != k or not rows[msg_id]:
                continue
            article_id, vector = rows[msg_id][0]
            v = verdict(judged, msg_id, article_id)
            if v is not None:
                p = float(fitted.predict_proba(np.array([vector]))[0, 1])
                scored.append((p, v in ("answers", "topic")))
    whole = model(list(queries))
    weights = tuple(round(float(w), 3) for w in whole.coef_[0])
    return ConfidenceWeights(round(float(whole.intercept_[0]), 3), weights, _threshold(scored))


def real_set(do_fit: bool) -> dict[str, Any]:
    if not available():
        return {"skipped": "../shared/data is absent (real messages are not shipped)"}
    seed = load_seed(SEED)
    catalogue = Catalogue(seed.units, seed.bureaus, seed.matters)
    index = SearchIndex(seed.articles, seed.synonyms)
    messages = load_messages()
    texts = {m.msg_id: m.text for m in messages}
    callers = {m.msg_id: m.user for m in messages}
    judged = load_article_judgements()
    labels: Sequence[Labelled] = load_labels()
    halves = {half: {c.msg_id: texts[c.msg_id] for c in labels if c.half == half}
              for half in (DEV, HELD_OUT)}  # fmt: skip
    out: dict[str, Any] = {"judged_pairs": len(judged)}
    judges = {"with_catalogue": AnswerJudge(catalogue), "without_catalogue": AnswerJudge(None)}
    if do_fit:
        for name, judge in judges.items():
            fitted = fit(index, judge, halves[DEV], judged, callers)
            judge.weights = fitted
            out[f"fitted_on_dev_{name}"] = {
                "bias": fitted.bias, "weights": fitted.weights, "sure": fitted.sure
            }  # fmt: skip
    else:
        judges["with_catalogue"].weights = WITH_MATTER
        judges["without_catalogue"].weights = WITHOUT_MATTER
    for half in (HELD_OUT, DEV):
        queries = halves[half]
        first30 = {k: v[:30] for k, v in queries.items()}
        part: dict[str, Any] = {}
        for name, judge in judges.items():
            sure = judge.weights.sure
            part[name] = measure(shown_tops(index, judge, queries), judged, sure)
            part[f"{name}_first_30_chars"] = measure(
                shown_tops(index, judge, first30), judged, sure
            )
        base_tops = {
            k: ((h[0].article_id, 1.0) if (h := index.search(v, limit=1)) else None)
            for k, v in queries.items()
        }
        part["baseline"] = measure(base_tops, judged, 0.0, always=True)
        part["possibly_related"] = possibly_related(
            index, judges["with_catalogue"], queries, judged
        )
        part["asks"] = round(sum(c.ask for c in labels if c.half == half) /
                             max(1, sum(1 for c in labels if c.half == half)), 3)  # fmt: skip
        out[half] = part
    out["goal"] = {"on_topic": 0.8}
    return out


def unjudged(out: Path, depth: int = 1) -> dict[str, int]:
    """Write the shown answers no reader judged yet (words included) to ``out``, per half: the top
    answer to the whole request and to its first 30 characters (``depth`` hits each)."""
    if not available():
        return {}
    seed = load_seed(SEED)
    judge = AnswerJudge(Catalogue(seed.units, seed.bureaus, seed.matters))
    judge.weights = WITH_MATTER
    index = SearchIndex(seed.articles, seed.synonyms)
    texts = {m.msg_id: m.text for m in load_messages()}
    judged = load_article_judgements()
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for half in (HELD_OUT, DEV):
        todo: list[dict[str, Any]] = []
        for label in load_labels():
            if label.half != half:
                continue
            text = texts[label.msg_id]
            ids: list[str] = []
            for query in (text, text[:30]):
                for hit in search_answers(index, {}, query, limit=depth, judge=judge):
                    if hit.article_id not in ids:
                        ids.append(hit.article_id)
            missing = [a for a in ids if (label.msg_id, a) not in judged]
            if not missing:
                continue
            articles = []
            for a in missing:
                art = index.get(a)
                if art is not None:
                    articles.append({"article": a, "question": art.question,
                                     "answer": art.answer[:400], "matter": art.matter})  # fmt: skip
            todo.append({"id": label.msg_id, "matter": label.matter, "text": text[:600],
                         "articles": articles})  # fmt: skip
        (out / f"unjudged-{half}.json").write_text(
            json.dumps(todo, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        counts[half] = sum(len(t["articles"]) for t in todo)
    return counts


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--unjudged" in args:
        where = Path(args[args.index("--unjudged") + 1])
        print(json.dumps({"unjudged_pairs_written": unjudged(where), "to": str(where)}))
        return 0
    print(json.dumps({"real": real_set("--fit" in args)}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
