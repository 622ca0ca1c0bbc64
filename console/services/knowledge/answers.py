"""One search of the index as the Backend answers it: the frozen ``ArticleHit`` views.

Shared by the knowledge service and the early answers read before the platform opens
(early.py), so both answer alike. Imports no engine: the index is handed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from console.services.values import Domain
from console.services.views import ArticleHit

if TYPE_CHECKING:
    from console.services.knowledge.search import SearchIndex

MAX_QUERY = 2000
"""Characters of a query that are searched (a caller's words are never that long)."""


def search_answers(
    index: SearchIndex,
    unit_names: Mapping[str, str],
    query: str,
    unit: str | None = None,
    domain: str | None = None,
    limit: int = 10,
) -> list[ArticleHit]:
    """The ranked answers for ``query``, with their unit's name, highlights and reasons."""
    dom = Domain.parse(domain) if domain else None
    hits = index.search(query[:MAX_QUERY], unit=unit or None, domain=dom, limit=limit)  # type: ignore[arg-type]
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
        )
        for h in hits
    ]
