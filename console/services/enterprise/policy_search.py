"""The 政企通 desk's policy search (R-ENTERPRISE, R-KB): policy articles filtered by industry,
enterprise size and region, read from each article as precise push reads it (``push``: the
owner's city and the cities in its tags; the size tags; the industries' words in its tags and
question).

An article that names no industry, size or region concerns every one: it stays in the results
whatever is asked, as it is pushed to every subscriber. With a query the knowledge search
ranks the articles (the same search every seat uses); without one, every policy article the
filters keep is listed, the newest first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from sqlalchemy import Text, cast, or_, select

from console.errors import InputError
from console.services.enterprise.push import industries_of, is_policy, regions_of, sizes_of
from console.services.enterprise.subscriptions import INDUSTRIES, SIZES, _region, split_words
from console.services.inputs import check_text
from console.services.views import ArticleHit, PolicyHitView
from console.store.engine import Store
from console.store.models import ArticleRow, UnitRow

RULE = "R-ENTERPRISE"
MAX_LIMIT = 100
SEARCH_POOL = 100
SNIPPET = 80
POLICY_TAG = "政策"
# a policy article is of the 政企通 base or tagged 政策 (push.is_policy, which decides): the store
# is asked for those only — the tags are JSON text, written with or without escapes
_MAYBE_POLICY = or_(
    ArticleRow.enterprise.is_(True),
    cast(ArticleRow.tags, Text).contains(POLICY_TAG, autoescape=True),
    cast(ArticleRow.tags, Text).contains(json.dumps(POLICY_TAG)[1:-1], autoescape=True),
)

Search = Callable[[str, int], Sequence[ArticleHit]]


def check_filters(
    industries: Sequence[str], sizes: Sequence[str], regions: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The filters as the subscription table keeps them, or the first bad one (its field)."""
    wanted_industries = split_words(check_text("industries", w, limit=20) for w in industries)
    for word in wanted_industries:
        if word not in INDUSTRIES:
            raise InputError(
                "industries", f"行业「{word[:20]}」不在行业表中：{'、'.join(INDUSTRIES)}"
            )
    wanted_sizes = split_words(check_text("sizes", w, limit=20) for w in sizes)
    for word in wanted_sizes:
        if word not in SIZES:
            raise InputError("sizes", f"企业规模「{word[:20]}」应为 {'、'.join(SIZES)} 之一")
    wanted_regions = tuple(
        dict.fromkeys(_region(w) for w in split_words(check_text("regions", r, limit=20)
                                                      for r in regions))
    )  # fmt: skip
    return wanted_industries, wanted_sizes, wanted_regions


def policy_search(
    store: Store,
    search: Search,
    query: str = "",
    industries: Sequence[str] = (),
    sizes: Sequence[str] = (),
    regions: Sequence[str] = (),
    limit: int = 20,
) -> list[PolicyHitView]:
    """Policy articles for an enterprise: ``query`` ranked by the knowledge search (empty:
    every policy article, newest first), kept when each named filter meets what the article
    concerns (an article naming none concerns all)."""
    text = check_text("query", query, limit=2000).strip()
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError("limit", f"每次 1–{MAX_LIMIT} 条")
    want_ind, want_size, want_reg = check_filters(industries, sizes, regions)
    with store.read() as s:
        cities = {
            uid: (city or "") if category == "city" else ""
            for uid, city, category in s.execute(select(UnitRow.id, UnitRow.city, UnitRow.category))
        }
        names = dict(s.execute(select(UnitRow.id, UnitRow.name)).all())
        rows = s.execute(select(ArticleRow).where(_MAYBE_POLICY)).scalars()
        articles = [a for a in rows if is_policy(a)]
        read = {
            a.id: (
                a,
                tuple(sorted(industries_of(a))),
                tuple(sorted(sizes_of(a))),
                tuple(sorted(regions_of(a, cities.get(a.unit_id, "")))),
            )
            for a in articles
        }
    kept = {
        aid: facts
        for aid, facts in read.items()
        if _meets(facts[1], want_ind) and _meets(facts[2], want_size)
        and _meets(facts[3], want_reg)
    }  # fmt: skip
    if text:
        hits = [(h.article_id, h.score, h.snippet) for h in search(text, SEARCH_POOL)]
        order = [(aid, score, snippet) for aid, score, snippet in hits if aid in kept]
    else:
        # an article written for the industry, size or region asked comes before one that
        # concerns every enterprise; newest first within each
        wanted = (want_ind, want_size, want_reg)

        def aimed(f: tuple[ArticleRow, tuple[str, ...], tuple[str, ...], tuple[str, ...]]) -> int:
            return sum(bool(w) and bool(c) for w, c in zip(wanted, f[1:], strict=True))

        newest = sorted(kept.values(), key=lambda f: (aimed(f), f[0].updated_at, f[0].id),
                        reverse=True)  # fmt: skip
        order = [(f[0].id, 0.0, "") for f in newest]
    out: list[PolicyHitView] = []
    for aid, score, snippet in order[:limit]:
        a, ind, size, reg = kept[aid]
        out.append(
            PolicyHitView(
                article_id=a.id,
                unit_id=a.unit_id,
                unit_name=names.get(a.unit_id, a.unit_id),
                question=a.question,
                snippet=snippet or _snippet(a.answer),
                status=a.status,
                industries=ind,
                sizes=size,
                regions=reg,
                score=float(score),
                review_by=a.review_by,
            )
        )
    return out


def _meets(concerns: Sequence[str], wanted: Sequence[str]) -> bool:
    return not wanted or not concerns or bool(set(concerns) & set(wanted))


def _snippet(answer: str) -> str:
    text = " ".join(answer.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"
