"""Relevance of the knowledge search against a labelled query set (tests/data/kb_queries).

A query file holds ``[[query]]`` tables::

    [[query]]
    text = "我想问一下社保交了十年能不能领退休金"   # what the caller says or the operator types
    answers = ["hn-rst-001"]                        # articles that answer it (any of them)

Measures, over the queries:

* recall@k — the share of queries with at least one of their answers among the first k
  hits (a query is answered when the operator sees one right article);
* MRR — the mean of 1/rank of the first right article (0 when none is in the results).

Pure: the search is passed in as a function from text to ranked article ids, so the same
evaluation serves the benchmark, a test floor and any store.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.services.knowledge.seed import Problems, SeedError

RankedIds = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class LabelledQuery:
    """One query with the articles that answer it."""

    text: str
    answers: tuple[str, ...]
    source: str
    """File and position, for messages (``social.toml #3``)."""


@dataclass(frozen=True)
class Miss:
    """A query whose answer was not first."""

    query: LabelledQuery
    rank: int | None
    """Rank (1-based) of the first right article, None when not found at all."""
    got: tuple[str, ...]
    """The first ids the search returned."""


@dataclass(frozen=True)
class RelevanceReport:
    """recall@1, recall@5 and MRR over a query set."""

    queries: int
    recall_at_1: float
    recall_at_5: float
    mrr: float
    misses: tuple[Miss, ...]

    def summary(self) -> str:
        """One line, e.g. ``120 条查询：recall@1 0.82，recall@5 0.95，MRR 0.88``."""
        return (
            f"{self.queries} 条查询：recall@1 {self.recall_at_1:.3f}，"
            f"recall@5 {self.recall_at_5:.3f}，MRR {self.mrr:.3f}"
        )


def parse_queries(data: Mapping[str, Any], source: str, problems: Problems) -> list[LabelledQuery]:
    """The ``[[query]]`` tables of one parsed file; bad entries are reported, not returned."""
    out: list[LabelledQuery] = []
    entries = data.get("query", [])
    if not isinstance(entries, list):
        problems.add(source, "query 应为 [[query]] 表的列表")
        return out
    for n, rec in enumerate(entries, start=1):
        where = f"{source} #{n}"
        if not isinstance(rec, Mapping):
            problems.add(where, "应为表")
            continue
        text = rec.get("text")
        answers = rec.get("answers")
        if not isinstance(text, str) or not text.strip():
            problems.add(where, "text 为空")
            continue
        if (
            not isinstance(answers, list)
            or not answers
            or not all(isinstance(a, str) and a.strip() for a in answers)
        ):
            problems.add(where, "answers 应为非空的条目编号列表")
            continue
        out.append(LabelledQuery(text.strip(), tuple(a.strip() for a in answers), where))
    return out


def load_queries(folder: Path) -> list[LabelledQuery]:
    """Every ``*.toml`` query file in a folder (none → empty list); SeedError lists problems."""
    problems = Problems()
    queries: list[LabelledQuery] = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            problems.add(path.name, f"无法读取：{exc}")
            continue
        queries.extend(parse_queries(data, path.name, problems))
    if problems.lines:
        raise SeedError(problems.lines)
    return queries


def unknown_answers(queries: Iterable[LabelledQuery], known_ids: Iterable[str]) -> list[str]:
    """One line per labelled answer that names no known article (a stale label)."""
    known = set(known_ids)
    return [f"{q.source}: 条目 {a} 不存在" for q in queries for a in q.answers if a not in known]


def evaluate(
    search: RankedIds, queries: Iterable[LabelledQuery], *, depth: int = 10
) -> RelevanceReport:
    """Run every query and measure recall@1, recall@5 and MRR.

    Args:
        search: text → ranked article ids (best first); only the first ``depth`` are read.
        queries: the labelled queries.
        depth: how many results count for MRR (a right article below it counts 0).
    """
    count = at1 = at5 = 0
    reciprocal = 0.0
    misses: list[Miss] = []
    for query in queries:
        count += 1
        got = tuple(search(query.text))[:depth]
        wanted = set(query.answers)
        rank = next((i for i, article_id in enumerate(got, start=1) if article_id in wanted), None)
        if rank is not None:
            reciprocal += 1.0 / rank
            at1 += rank == 1
            at5 += rank <= 5
        if rank != 1:
            misses.append(Miss(query, rank, got[:5]))
    if count == 0:
        return RelevanceReport(0, 0.0, 0.0, 0.0, ())
    return RelevanceReport(count, at1 / count, at5 / count, reciprocal / count, tuple(misses))
