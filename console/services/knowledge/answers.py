"""One search of the index as the Backend answers it: the frozen ``ArticleHit`` views.

Shared by the knowledge service and the early answers read before the platform opens
(early.py), so both answer alike. The request is read first (courtesy and filler left out:
reading.py), and every hit carries the judge's probability that it is on topic
(confidence.py): below the threshold it is only "possibly related". Imports no engine: the
index is handed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from console.services.knowledge.confidence import RELATED, AnswerJudge
from console.services.knowledge.reading import strip_courtesy
from console.services.values import Domain
from console.services.views import ArticleHit

if TYPE_CHECKING:
    from console.services.knowledge.search import SearchIndex

MAX_QUERY = 2000
"""Characters of a query that are searched (a caller's words are never that long)."""
_PLAIN_JUDGE = AnswerJudge()


def search_answers(
    index: SearchIndex,
    unit_names: Mapping[str, str],
    query: str,
    unit: str | None = None,
    domain: str | None = None,
    limit: int = 10,
    judge: AnswerJudge | None = None,
) -> list[ArticleHit]:
    """The ranked answers for ``query``, with their unit's name, highlights, reasons and
    how sure each one is."""
    dom = Domain.parse(domain) if domain else None
    query = query[:MAX_QUERY]
    core = strip_courtesy(query) or query
    hits = index.search(core, unit=unit or None, domain=dom, limit=limit)  # type: ignore[arg-type]
    judge = judge or _PLAIN_JUDGE
    records = [index.get(h.article_id) for h in hits]
    probabilities = judge.judge(query, hits, records)
    sure = judge.weights.sure
    return [
        ArticleHit(
            article_id=h.article_id,
            unit_id=h.unit_id,
            unit_name=unit_names.get(h.unit_id, h.unit_id),
            question=h.question,
            snippet=h.snippet,
            score=round(float(h.score), 4),
            status=h.status,
            question_spans=tuple(h.highlights.question),
            snippet_spans=tuple(h.highlights.snippet),
            why=tuple(h.why),
            confidence=round(p, 4),
            sure=p >= sure,
            related=p >= RELATED,
            review_by=r.review_by if r is not None else None,
        )
        for h, p, r in zip(hits, probabilities, records, strict=True)
    ]
