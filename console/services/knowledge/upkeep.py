"""Knowledge-base upkeep per unit (R-KB) and its rating, the maintenance rate (R-UNIT-KPI).

R-KB makes each handling unit keep the articles of its own business: updated, cross-checked,
errors corrected. Two things show whether it does:

* articles past their review-by date (``review_by`` earlier than today) — due for review;
* open flags — an operator's report that an article is wrong or outdated
  (``ArticleFlagRow`` with no ``resolved_at``), waiting for the owner unit.

An article belongs to the unit that owns it now (``articles.unit_id``); a flag goes with its
article, so a flag raised before an article changed hands is the new owner's to answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from console.services.clock import SHANGHAI
from console.services.knowledge.service import FLAG_PROBLEMS
from console.services.views import ArticleFlagView
from console.store.engine import Store
from console.store.models import ArticleFlagRow, ArticleRow, UnitRow

FLAG_GRACE_DAYS = 7
"""Calendar days a unit has to answer a flag before it counts against its maintenance rate."""

STATUS_LABELS = {"draft": "草稿", "verified": "已核实"}


@dataclass(frozen=True)
class ReviewDue:
    """An article past its review-by date."""

    article_id: str
    unit_id: str
    unit_name: str
    question: str
    review_by: dt.date
    days_overdue: int
    status: str  # "draft" | "verified"


@dataclass(frozen=True)
class UnitRate:
    """One unit's knowledge-base maintenance rate (知识库维护率) and the counts behind it."""

    unit_id: str
    name: str
    articles: int
    current: int
    """Articles within their review-by date with no flag open for more than the grace days."""
    overdue_review: int
    open_flags: int
    """Every open flag on the unit's articles, however young."""
    stale_flagged: int
    """Articles with a flag open for more than ``FLAG_GRACE_DAYS``."""
    drafts: int
    """Articles not yet verified by the unit (shown; not part of the rate)."""
    rate: float | None
    """``current / articles``; None for a unit with no articles (nothing to rate)."""


def unit_names(store: Store) -> dict[str, str]:
    """Every unit of the catalogue, active or not: id → short name."""
    with store.read() as s:
        return dict(s.execute(select(UnitRow.id, UnitRow.name)).all())


def _stale_cutoff(today: dt.date) -> dt.datetime:
    """Flags raised before this moment are older than the grace days on ``today``.

    A flag raised on 11-01 is 7 days old on 11-08 and late from 11-09 on.
    """
    return dt.datetime.combine(today - dt.timedelta(days=FLAG_GRACE_DAYS), dt.time(), SHANGHAI)


def review_due(store: Store, today: dt.date, unit: str | None = None) -> list[ReviewDue]:
    """Articles whose review-by date is before ``today``, by unit, most overdue first."""
    q = (
        select(ArticleRow, UnitRow.name)
        .join(UnitRow, UnitRow.id == ArticleRow.unit_id)
        .where(ArticleRow.review_by < today)
        .order_by(ArticleRow.unit_id, ArticleRow.review_by, ArticleRow.id)
    )
    if unit is not None:
        q = q.where(ArticleRow.unit_id == unit)
    with store.read() as s:
        return [
            ReviewDue(
                article_id=a.id,
                unit_id=a.unit_id,
                unit_name=name,
                question=a.question,
                review_by=a.review_by,
                days_overdue=(today - a.review_by).days,
                status=a.status,
            )
            for a, name in s.execute(q).all()
        ]


def open_flags(store: Store, today: dt.date, unit: str | None = None) -> list[ArticleFlagView]:
    """Unresolved flags on the articles of each unit, by unit, oldest first."""
    q = (
        select(ArticleFlagRow, ArticleRow.unit_id, ArticleRow.question, UnitRow.name)
        .join(ArticleRow, ArticleRow.id == ArticleFlagRow.article_id)
        .join(UnitRow, UnitRow.id == ArticleRow.unit_id)
        .where(ArticleFlagRow.resolved_at.is_(None))
        .order_by(ArticleRow.unit_id, ArticleFlagRow.at, ArticleFlagRow.id)
    )
    if unit is not None:
        q = q.where(ArticleRow.unit_id == unit)
    with store.read() as s:
        return [
            ArticleFlagView(
                id=f.id,
                article_id=f.article_id,
                unit_id=owner,
                unit_name=name,
                question=question,
                problem=f.problem,
                problem_label=FLAG_PROBLEMS.get(f.problem, f.problem),
                note=f.note,
                flagged_by=f.flagged_by,
                at=f.at,
                age_days=(today - f.at.astimezone(SHANGHAI).date()).days,
            )
            for f, owner, question, name in s.execute(q).all()
        ]


def maintenance_rates(store: Store, today: dt.date, unit: str | None = None) -> list[UnitRate]:
    """The knowledge-base maintenance rate (知识库维护率, R-UNIT-KPI) of each unit on ``today``.

    The regulation names the rate but does not define it. Here it is the share of a unit's
    articles that are *maintained* on ``today``:

        rate = current / articles

    where an article is current when both hold:

    * its review-by date is not past (``review_by >= today``: an article whose review falls
      due today is still current), and
    * no flag on it has been open for more than ``FLAG_GRACE_DAYS`` (7) calendar days
      (Asia/Shanghai dates): a unit is not marked down the moment an operator reports an
      error, only when it leaves the report unanswered.

    Draft status does not lower the rate (every shipped article starts as a draft); the
    number of drafts is reported beside it. A unit with no articles has no rate (None).
    Every active unit is listed, and an inactive one that still owns articles; by unit id.

    Args:
        store: the store.
        today: the day rated (Asia/Shanghai).
        unit: only this unit.
    """
    stale = select(ArticleFlagRow.article_id).where(
        ArticleFlagRow.resolved_at.is_(None), ArticleFlagRow.at < _stale_cutoff(today)
    )
    overdue = ArticleRow.review_by < today
    counts_q = select(
        ArticleRow.unit_id,
        func.count(ArticleRow.id),
        func.sum(case((overdue, 1), else_=0)),
        func.sum(case((ArticleRow.id.in_(stale), 1), else_=0)),
        func.sum(case((and_(~overdue, ArticleRow.id.not_in(stale)), 1), else_=0)),
        func.sum(case((ArticleRow.status == "draft", 1), else_=0)),
    ).group_by(ArticleRow.unit_id)
    flags_q = (
        select(ArticleRow.unit_id, func.count(ArticleFlagRow.id))
        .join(ArticleFlagRow, ArticleFlagRow.article_id == ArticleRow.id)
        .where(ArticleFlagRow.resolved_at.is_(None))
        .group_by(ArticleRow.unit_id)
    )
    units_q = select(UnitRow.id, UnitRow.name, UnitRow.active).order_by(UnitRow.id)
    if unit is not None:
        counts_q = counts_q.where(ArticleRow.unit_id == unit)
        flags_q = flags_q.where(ArticleRow.unit_id == unit)
        units_q = units_q.where(UnitRow.id == unit)
    with store.read() as s:
        counts = {row[0]: tuple(int(n or 0) for n in row[1:]) for row in s.execute(counts_q)}
        flags = {uid: int(n) for uid, n in s.execute(flags_q).all()}
        units = s.execute(units_q).all()
    rates = []
    for uid, name, active in units:
        total, overdue_n, stale_n, current, drafts = counts.get(uid, (0, 0, 0, 0, 0))
        if not active and not total:
            continue
        rates.append(
            UnitRate(
                unit_id=uid,
                name=name,
                articles=total,
                current=current,
                overdue_review=overdue_n,
                open_flags=flags.get(uid, 0),
                stale_flagged=stale_n,
                drafts=drafts,
                rate=current / total if total else None,
            )
        )
    return rates
