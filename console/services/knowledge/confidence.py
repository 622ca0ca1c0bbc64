"""How sure an answer is: a calibrated probability that a knowledge article is on topic.

Search ranks articles; it does not know when none of them fits. A caller complaining about a
broken street light shares words with many articles (免费, 身份证号, 我想 …) and the best of
them is still wrong. The answers pane must say so (知识库中没有把握的答案) instead of offering
it. For the first answers of a query the judge reads:

- how well the article's best question matches the request (query and question coverage,
  the longest shared run) and the search score, and how far it leads the next article;
- whether the request asks something (a question) or reports a case (a long complaint);
- whether the article is about the matter type the request names (事项清单; needs the
  catalogue — the early answers read before the platform opens go without it);
- whether the article's questions name the same trouble as the request (停水, 噪音, 收费 …):
  a complaint about trucks' noise on a road is not answered by an article about a shop's
  loudspeaker, though both are noise.

The weights are a logistic regression fitted on the development half of the real labelled
set (readers judged each article on topic or not; benchmarks/bench_answers.py), and the
threshold for "sure" was chosen there too; the held-out half was not used. The figures and
the command that refits them are in bench_answers.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from console.services.knowledge.reading import read, strip_courtesy

if TYPE_CHECKING:
    from console.services.knowledge.catalogue import Catalogue
    from console.services.knowledge.seed import ArticleRecord

_ASKS = re.compile(
    r"[?？]|请问|咨询|怎么|如何|能否|能不能|可不可以|可以吗|是否|哪里|哪个|什么|多少|几"
)


class Hit(Protocol):
    """What the judge reads of a search hit."""

    @property
    def article_id(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def query_cover(self) -> float: ...
    @property
    def text_cover(self) -> float: ...
    @property
    def phrase(self) -> int: ...


@dataclass(frozen=True)
class AnswerFeatures:
    score: float
    margin: float  # lead over the next hit (0 for the last)
    query_cover: float
    text_cover: float
    phrase: float  # longest shared run, characters / 10 (capped at 1)
    length: float  # the request's core, characters / 100 (capped at 3)
    asks: float  # 1 when the request asks something
    same_matter: float  # 1 / 0, or 0.5 when the matter is unknown (no catalogue)
    first: float  # 1 for the best-ranked hit
    same_problem: float  # 1 / 0 when both name trouble words, 0.5 when either names none

    def vector(self) -> tuple[float, ...]:
        return (
            self.score,
            self.margin,
            self.query_cover,
            self.text_cover,
            self.phrase,
            self.length,
            self.asks,
            self.same_matter,
            self.first,
            self.same_problem,
        )


@dataclass(frozen=True)
class ConfidenceWeights:
    """Logistic weights over AnswerFeatures.vector() (see the module docstring)."""

    bias: float
    weights: tuple[float, ...]
    sure: float  # least probability an answer is shown as a sure one

    def probability(self, f: AnswerFeatures) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, f.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-z))


# Fitted by benchmarks/bench_answers.py --fit on the development half (see its docstring).
WITH_MATTER = ConfidenceWeights(
    bias=-5.692,
    weights=(2.497, 2.659, 0.073, 0.478, -1.004, -0.133, 0.031, 1.881, 0.023, 1.01),
    sure=0.65,
)
WITHOUT_MATTER = ConfidenceWeights(
    bias=-4.935,
    weights=(2.945, 3.192, 0.123, 0.165, -1.403, -0.089, 0.025, -0.01, -0.073, 1.002),
    sure=0.7,
)


RELATED = 0.2
"""Least probability for an answer that is not a sure one to be offered at intake as "possibly
related" (greyed). On the development half, of the first three such answers a reader judged,
those below 0.2 were on topic about 1 in 14 (incidental words: 能不能, 怎么办, 免费), those
above it about 2 in 5; the held-out half was not used (bench_answers.py: possibly_related)."""


class AnswerJudge:
    """Scores a query's hits; built once per knowledge base (caches each article's matter)."""

    def __init__(self, catalogue: Catalogue | None = None) -> None:
        self.catalogue = catalogue
        self.weights = WITH_MATTER if catalogue is not None else WITHOUT_MATTER

    def features(
        self, query: str, hits: Sequence[Hit], articles: Sequence[ArticleRecord | None]
    ) -> list[AnswerFeatures]:
        core = strip_courtesy(query)
        asks = 1.0 if _ASKS.search(core) else 0.0
        length = min(3.0, len(core) / 100)
        reading = read(query, self.catalogue)
        query_matters = set(reading.matter_ids[:2]) if self.catalogue is not None else set()
        query_problems = set(reading.problems)
        out = []
        for i, hit in enumerate(hits):
            margin = hit.score - hits[i + 1].score if i + 1 < len(hits) else 0.0
            same = problem = 0.5
            article = articles[i] if i < len(articles) else None
            if self.catalogue is not None and article is not None:
                same = (
                    1.0 if query_matters & set(_article_matters(article, self.catalogue)) else 0.0
                )
            if query_problems and article is not None:
                named = _article_problems(article)
                if named:
                    problem = 1.0 if query_problems & set(named) else 0.0
            out.append(
                AnswerFeatures(
                    score=hit.score,
                    margin=margin,
                    query_cover=hit.query_cover,
                    text_cover=hit.text_cover,
                    phrase=min(1.0, hit.phrase / 10),
                    length=length,
                    asks=asks,
                    same_matter=same,
                    first=1.0 if i == 0 else 0.0,
                    same_problem=problem,
                )
            )
        return out

    def judge(
        self, query: str, hits: Sequence[Hit], articles: Sequence[ArticleRecord | None]
    ) -> list[float]:
        """The probability that each hit is on topic."""
        return [self.weights.probability(f) for f in self.features(query, hits, articles)]


@lru_cache(maxsize=65536)
def _article_matters_cached(
    article_id: str, matter: str, text: str, catalogue: Catalogue
) -> tuple[str, ...]:
    if matter:
        return (matter,)
    return read(text, catalogue).matter_ids[:2]


def _article_matters(article: ArticleRecord, catalogue: Catalogue) -> tuple[str, ...]:
    text = "。".join((article.question, *article.alt_questions[:2], *article.tags))
    return _article_matters_cached(article.id, article.matter, text, catalogue)


@lru_cache(maxsize=65536)
def _problems_cached(article_id: str, text: str) -> tuple[str, ...]:
    return read(text).problems


def _article_problems(article: ArticleRecord) -> tuple[str, ...]:
    """The trouble words of an article's questions (an edit changes the text: read again)."""
    text = "。".join((article.question, *article.alt_questions[:3], *article.tags))
    return _problems_cached(article.id, text)
