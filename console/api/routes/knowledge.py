"""Knowledge (R-KB), routing (R-DISPATCH), duplicates (R-INADMISSIBLE 4) and pre-filing.

Reads that carry a caller's words are POST: the words travel in the body, never in a URL
that a proxy or an access log would keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path

from console.api.deps import Seat
from console.api.schemas import NO_NUL, DuplicatesIn, FlagIn, PrefilingMatchIn, SearchIn, SuggestIn
from console.services.views import (
    ArticleHit,
    ArticleView,
    DuplicateView,
    PrefilingView,
    UnitSuggestionView,
)

router = APIRouter(tags=["knowledge"])
ArticleId = Annotated[str, Path(max_length=80, pattern=NO_NUL, description="知识条目编号")]


@router.post("/kb/search", operation_id="search_kb", response_model=list[ArticleHit])
def search_kb(backend: Seat, body: SearchIn) -> Sequence[ArticleHit]:
    """Ranked knowledge answers for what the caller says."""
    return backend.search_kb(body.query, body.unit, body.domain, body.limit)  # domain checked there


@router.get("/kb/articles/{article_id}", operation_id="article", response_model=ArticleView)
def article(backend: Seat, article_id: ArticleId) -> ArticleView:
    """One knowledge article in full."""
    return backend.article(article_id)


@router.post("/kb/articles/{article_id}/flag", operation_id="flag_article", status_code=204)
def flag_article(backend: Seat, article_id: ArticleId, body: FlagIn) -> None:
    """Report an article as ``wrong`` or ``outdated``; it goes to its owner unit."""
    backend.flag_article(article_id, body.problem, body.note)


@router.post(
    "/routing/suggest", operation_id="suggest_units", response_model=list[UnitSuggestionView]
)
def suggest_units(backend: Seat, body: SuggestIn) -> Sequence[UnitSuggestionView]:
    """Ranked handling units for a ticket's text, each with its reasons."""
    return backend.suggest_units(body.text, body.domain, body.place, body.k)


@router.post(
    "/intake/duplicates", operation_id="find_duplicates", response_model=list[DuplicateView]
)
def find_duplicates(backend: Seat, body: DuplicatesIn) -> Sequence[DuplicateView]:
    """Earlier tickets on the same matter (same caller + similar text; terminated matters).

    An intake tool: a seat that takes no calls (a unit clerk …) is refused (R-SECURITY).
    """
    return backend.find_duplicates(body.text, body.caller_phone, body.k)


@router.post("/prefiling/match", operation_id="match_prefiling", response_model=list[PrefilingView])
def match_prefiling(backend: Seat, body: PrefilingMatchIn) -> Sequence[PrefilingView]:
    """Active pre-filed scopes (报备) the call falls in (R-PREFILING)."""
    return backend.match_prefiling(body.text, body.place)
