"""Make the reading batches from which the real labelled sets were labelled.

Run once (``python -m realset.make_batches OUT_DIR`` from benchmarks/); it writes, outside
the repository, one file per batch with the messages to label and, for each, the candidate
same-matter messages a reader compares it with. The candidates come from four generators
that know nothing of the console's duplicate detector, so the labels are not its opinion:

1. every other message of the same user;
2. the 8 nearest messages by TF-IDF cosine of character bigrams over subject + first 300
   characters of the body;
3. the 5 nearest by TF-IDF cosine of character bigrams over the subject alone;
4. the 5 messages sharing the longest place-like names (an estate, road, school, village,
   company … found by a suffix pattern).

``python -m realset.make_batches --history OUT_DIR SEED COUNT`` writes batches of development
messages not yet labelled anywhere, for routing-only labels (history.csv).

The sample: ``PER_HALF`` messages drawn at random (seed ``SEED``) from each half of the split
(``messages.split_users``), bodies shorter than 10 characters left out.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from realset.messages import DEV, HELD_OUT, Message, half_of, load_messages

SEED = 2026
PER_HALF = 360
BATCH = 45
MAX_CANDIDATES = 25
PLACE = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9]{2,10}?(?:小区|花园|家园|公寓|大厦|广场|新城|新村|苑|府|庭|湾|城|村|社区|"
    r"街道|镇|路|大道|街|巷|桥|学校|小学|中学|幼儿园|医院|公司|集团|市场|公园|项目|工地|站)"
)
GENERIC_PLACES = {"a市", "小区", "公司", "学校", "社区", "街道", "医院", "市场"}


def _nearest(matrix: object, i: int, k: int) -> list[int]:
    sims = (matrix[i] @ matrix.T).toarray().ravel()  # type: ignore[attr-defined]
    sims[i] = -1
    top = np.argsort(-sims)[:k]
    return [int(j) for j in top if sims[j] > 0.05]


def places(text: str) -> set[str]:
    return {p.lower() for p in PLACE.findall(text) if p.lower() not in GENERIC_PLACES}


def make(out: Path) -> None:
    messages = [m for m in load_messages() if len(m.body) >= 10]
    halves = half_of(messages)
    rng = random.Random(SEED)
    sample: list[Message] = []
    for half in (DEV, HELD_OUT):
        pool = [m for m in messages if halves[m.msg_id] == half]
        sample += rng.sample(pool, PER_HALF)
    rng.shuffle(sample)
    index = {m.msg_id: i for i, m in enumerate(messages)}
    full = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True).fit_transform(
        [m.subject + m.body[:300] for m in messages]
    )
    subj = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True).fit_transform(
        [m.subject for m in messages]
    )
    by_user: dict[str, list[int]] = defaultdict(list)
    by_place: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(messages):
        by_user[m.user].append(i)
        for p in places(m.subject + m.body[:400]):
            by_place[p].append(i)
    out.mkdir(parents=True, exist_ok=True)
    batches: list[list[dict[str, object]]] = []
    for n, m in enumerate(sample):
        i = index[m.msg_id]
        cands: list[int] = [j for j in by_user[m.user] if j != i][:15]
        cands += _nearest(full, i, 8) + _nearest(subj, i, 5)
        shared = sorted(
            (p for p in places(m.subject + m.body[:400]) if 1 < len(by_place[p]) <= 30),
            key=len,
            reverse=True,
        )
        for p in shared[:3]:
            cands += [j for j in by_place[p] if j != i][:5]
        seen: list[int] = []
        for j in cands:
            if j not in seen:
                seen.append(j)
        entry = {
            "id": m.msg_id,
            "half": halves[m.msg_id],
            "user": m.user,
            "time": m.at.isoformat(sep=" "),
            "subject": m.subject,
            "body": " ".join(m.body.split())[:900],
            "candidates": [
                {
                    "id": messages[j].msg_id,
                    "user": messages[j].user,
                    "same_user": messages[j].user == m.user,
                    "time": messages[j].at.isoformat(sep=" "),
                    "subject": messages[j].subject,
                    "body": " ".join(messages[j].body.split())[:140],
                }
                for j in seen[:MAX_CANDIDATES]
            ],
        }
        if n % BATCH == 0:
            batches.append([])
        batches[-1].append(entry)
    for b, batch in enumerate(batches, start=1):
        (out / f"batch{b:02d}.json").write_text(
            json.dumps(batch, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    print(f"{len(sample)} messages in {len(batches)} batches → {out}")


def make_history(out: Path, seed: int, count: int, batch: int = 120) -> None:
    """Reading batches for routing-only labels (history.csv): development messages not yet
    labelled anywhere, drawn at random (``seed``), without candidates."""
    from realset.labels import HISTORY, ROUTING

    labelled: set[str] = set()
    for path in (ROUTING, HISTORY):
        labelled |= {line.split(",")[0] for line in path.read_text("utf-8").splitlines()}
    messages = [m for m in load_messages() if len(m.body) >= 10]
    halves = half_of(messages)
    pool = [m for m in messages if halves[m.msg_id] == DEV and m.msg_id not in labelled]
    sample = random.Random(seed).sample(pool, min(count, len(pool)))
    out.mkdir(parents=True, exist_ok=True)
    for b in range(0, len(sample), batch):
        entries = [
            {"id": m.msg_id, "subject": m.subject, "body": " ".join(m.body.split())[:900]}
            for m in sample[b : b + batch]
        ]
        (out / f"history{b // batch + 1:02d}.json").write_text(
            json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    print(f"{len(sample)} of {len(pool)} unlabelled development messages → {out}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--history"]:  # --history OUT_DIR SEED COUNT
        make_history(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        make(Path(sys.argv[1]))
