"""The labels of the real sets (tests/data/real/*.csv): message ids and what readers decided.

The words stay in ../shared/data and are read at run time (messages.py); these files hold ids
and labels only. How every label was decided is in the header of each file and in
tests/data/real/LABELLING.md.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from realset.messages import REPO

LABELS = REPO / "tests" / "data" / "real"
ROUTING = LABELS / "messages.csv"
HISTORY = LABELS / "history.csv"  # development messages labelled for routing only
ARTICLES = LABELS / "articles.csv"
MATTERS = REPO / "knowledge_seed" / "matters.toml"


@dataclass(frozen=True)
class Labelled:
    """A labelled message: where it should go, what kind of request, and its same-matter peers."""

    msg_id: str
    half: str
    matter: str  # 事项清单 id, or "other"
    target: str  # the right target (a unit id or city:<bureau>; "none": not a request)
    also: tuple[str, ...]  # other targets a dispatcher could rightly choose
    kind: str
    ask: bool  # a general answer could satisfy the caller
    same: tuple[str, ...]  # ids judged the same matter (among the candidates shown)
    judged: tuple[str, ...]  # every candidate id the reader compared it with
    unsure: bool

    @property
    def ok_targets(self) -> frozenset[str]:
        return frozenset((self.target, *self.also))


def _rows(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return csv.DictReader(lines)


def matter_owners(path: Path = MATTERS) -> dict[str, tuple[str, tuple[str, ...]]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {m["id"]: (m["owner"], tuple(m.get("also", []))) for m in data["matter"]}


def load_labels(path: Path = ROUTING) -> list[Labelled]:
    out = []
    for r in _rows(path):
        out.append(
            Labelled(
                msg_id=r["id"],
                half=r.get("half") or "dev",
                matter=r["matter"],
                target=r["target"],
                also=tuple(r["also"].split()),
                kind=r["kind"],
                ask=r["ask"] == "y",
                same=tuple((r.get("same") or "").split()),
                judged=tuple((r.get("judged") or "").split()),
                unsure=(r.get("unsure") or "") == "1",
            )
        )
    return out


@dataclass(frozen=True)
class ArticleJudgement:
    """A reader's verdict on one article for one message: answers, on topic, or off."""

    msg_id: str
    article_id: str
    verdict: str  # answers | topic | off

    @property
    def on_topic(self) -> bool:
        return self.verdict in ("answers", "topic")


def load_article_judgements(path: Path = ARTICLES) -> dict[tuple[str, str], ArticleJudgement]:
    if not path.exists():
        return {}
    return {
        (r["id"], r["article"]): ArticleJudgement(r["id"], r["article"], r["verdict"])
        for r in _rows(path)
    }
