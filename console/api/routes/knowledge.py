"""Knowledge (R-KB), routing (R-DISPATCH), duplicates (R-INADMISSIBLE 4) and pre-filing.

Reads that carry a caller's words are POST: the words travel in the body, never in a URL
that a proxy or an access log would keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Path

from console.api.deps import Seat
from console.api.schemas import (
    INT32,
    NO_NUL,
    DuplicatesIn,
    EditArticleIn,
    FlagIn,
    PrefilingMatchIn,
    ResolveFlagIn,
    SearchIn,
    SuggestIn,
    VerifiedOut,
    VerifyArticleIn,
)
from console.services.views import (
    ArticleDraftView,
    ArticleEditView,
    ArticleFlagView,
    ArticleHit,
    ArticleView,
    DuplicateView,
    PrefilingView,
    ReviewDueView,
    UnitSuggestionView,
)

router = APIRouter(tags=["knowledge"])
ArticleId = Annotated[str, Path(max_length=80, pattern=NO_NUL, description="知识条目编号")]
FlagId = Annotated[int, Path(ge=-INT32, le=INT32, description="纠错报告编号")]


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


@router.get("/kb/flags", operation_id="article_flags", response_model=list[ArticleFlagView])
def article_flags(backend: Seat) -> Sequence[ArticleFlagView]:
    """Open error reports on the articles this seat keeps (its unit's; all for the manager)."""
    return backend.article_flags()


@router.get(
    "/kb/review-due", operation_id="articles_due_review", response_model=list[ReviewDueView]
)
def articles_due_review(backend: Seat) -> Sequence[ReviewDueView]:
    """Articles this seat keeps whose review-by date is past or within 30 days (R-KB)."""
    return backend.articles_due_review()


@router.post("/kb/flags/{flag_id}/resolve", operation_id="resolve_article_flag", status_code=204)
def resolve_article_flag(backend: Seat, flag_id: FlagId, body: ResolveFlagIn) -> None:
    """The owner unit or the manager answers an error report: fixed, or not wrong (R-KB).

    Another unit's clerk or any other seat is refused (403, R-KB); a report already answered
    is 409; no reason or an unknown outcome is 422.
    """
    backend.resolve_article_flag(flag_id, body.outcome, body.note)


@router.post(
    "/kb/articles/{article_id}/verify", operation_id="verify_article", response_model=VerifiedOut
)
def verify_article(backend: Seat, article_id: ArticleId, body: VerifyArticleIn) -> VerifiedOut:
    """The owner unit or the manager confirms an article is current and sets its next review
    date (R-KB); its open error reports close with it."""
    return VerifiedOut(closed=backend.verify_article(article_id, body.review_by, body.version))


@router.get(
    "/kb/articles/{article_id}/edit",
    operation_id="article_for_edit",
    response_model=ArticleEditView,
)
def article_for_edit(backend: Seat, article_id: ArticleId) -> ArticleEditView:
    """The article as its edit form opens it: the pending edit's text if any, the version and
    the history. Only its owner unit and the manager (403 R-KB)."""
    return backend.article_for_edit(article_id)


@router.post(
    "/kb/articles/{article_id}/edit", operation_id="edit_article", response_model=ArticleEditView
)
def edit_article(backend: Seat, article_id: ArticleId, body: EditArticleIn) -> ArticleEditView:
    """Save an edit as the article's pending draft (待核实, R-KB): operators keep reading the
    verified text until someone other than the editor verifies it. 409 if the article changed
    since ``version``; 403 for another unit or seat; 422 names the field."""
    return backend.edit_article(
        article_id,
        body.version,
        body.question,
        body.answer,
        body.basis,
        body.tags,
        body.review_by,
    )


@router.get("/kb/drafts", operation_id="article_drafts", response_model=list[ArticleDraftView])
def article_drafts(backend: Seat) -> Sequence[ArticleDraftView]:
    """Edits waiting for their cross-check on the articles this seat keeps (R-KB)."""
    return backend.article_drafts()


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
