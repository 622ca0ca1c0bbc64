"""What changed in the knowledge base after a cursor, for the live feed (R-KB).

Every change of an article that another seat must see is an audit record written in the
change's own transaction (R-SECURITY): a draft saved by the owner unit (``edit_article``), a
verification that publishes a text or renews a review (``verify_article``), an error report
answered (``resolve_article_flag``). The audit trail is append-only and numbered, so "what
after record N?" is a cursor like the tickets' timeline: a console that asks again from it
after a lost connection misses nothing (with the tickets' PostgreSQL commit-order limit,
``console.services.tickets.live``). A change names the article and what was done, never its
text: a screen that shows the article reads it again.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.services.views import (
    EDITED_ACTION,
    FLAG_RESOLVED_ACTION,
    VERIFIED_ACTION,
    ArticleChange,
)
from console.store.models import AuditRow

EDITED, VERIFIED, FLAG_RESOLVED = EDITED_ACTION, VERIFIED_ACTION, FLAG_RESOLVED_ACTION
ARTICLE_ACTIONS = frozenset({EDITED, VERIFIED, FLAG_RESOLVED})
"""The audit actions that change what a seat reads of an article or of the upkeep lists."""

MAX_ARTICLE_CHANGES = 200


def newest_record(s: Session) -> int:
    return int(s.execute(select(func.max(AuditRow.id))).scalar_one() or 0)


def article_changes_after(
    s: Session, after: int | None, latest: int | None = None
) -> tuple[int, tuple[ArticleChange, ...]]:
    """The article changes after audit record ``after``, oldest first (at most
    :data:`MAX_ARTICLE_CHANGES`), and the cursor to ask from next. ``None``: just the cursor."""
    if latest is None:
        latest = newest_record(s)
    if after is None or latest <= after:
        return (latest if after is None else after), ()
    rows = s.execute(
        select(
            AuditRow.id,
            AuditRow.target,
            AuditRow.action,
            AuditRow.detail,
            AuditRow.at,
            AuditRow.seat,
        )
        .where(
            AuditRow.id > after, AuditRow.id <= latest, AuditRow.action.in_(sorted(ARTICLE_ACTIONS))
        )  # fmt: skip
        .order_by(AuditRow.id)
        .limit(MAX_ARTICLE_CHANGES)
    ).all()
    changes = tuple(
        ArticleChange(
            id=r[0],
            article_id=r[1],
            action=r[2],
            unit_id=_text((r[3] or {}).get("unit_id")),
            version=_number((r[3] or {}).get("version")),
            at=r[4],
            seat=r[5] or "",
        )
        for r in rows
    )
    cursor = changes[-1].id if len(changes) == MAX_ARTICLE_CHANGES else latest
    return cursor, changes


def _text(value: object) -> str | None:
    return str(value) if value else None


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
