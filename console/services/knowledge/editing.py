"""Editing and cross-checking knowledge articles (R-KB: 更新、交叉核验、纠错).

R-KB has each unit keep the articles of its own business: updated, cross-checked, errors
corrected. The decisions taken here:

* **Who.** Only the article's owner unit (any clerk of it) and the manager edit or verify an
  article; anyone else is refused with R-KB.
* **A draft beside the article, not in place.** An edit is saved as a *revision* in state
  ``draft`` (待核实) in ``article_revisions``; the article row keeps the text operators read
  until the draft is verified. An operator on a call is never shown an unverified edit as if
  it were verified: the search index reads article rows only, and drafts never reach them.
  (An article shipped or imported as a whole is itself ``draft`` until verified once, and is
  shown with its 草稿 badge, as before.)
* **Cross-check (交叉核验).** A draft is verified by someone other than its editor: another
  clerk of the owner unit or the manager. Verifying copies the draft's title, answer script
  (答复口径), basis (依据), keywords (标签) and review date onto the article, marks it
  ``verified`` with who and when, and closes the article's open error reports with a note.
  Verifying an article with no pending draft confirms its text as current (as before).
* **One pending draft.** Saving over a pending draft leaves the older one ``superseded``
  (kept in the history, never verified).
* **Optimistic versioning.** ``articles.version`` grows with every saved edit, verification
  and import; a save or a verification names the version it was made on, and one made on an
  older version is refused as a conflict naming who changed it and when. Nothing is stored,
  and the form keeps the editor's text.
* **History.** Every revision keeps who edited and when, who verified and when; the article
  keeps who verified it last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.errors import Conflict, InputError, NotFound, PermissionDenied, RuleError
from console.services.clock import SHANGHAI
from console.services.views import ArticleDraftView, ArticleEditView, ArticleRevisionView
from console.store.engine import Store
from console.store.models import ArticleFlagRow, ArticleRevisionRow, ArticleRow, UnitRow

REVIEW_PERIOD_DAYS = 365
"""A verified article's next review falls this many days after the verification (R-KB)."""
MAX_REVIEW_DAYS = 3 * 366
"""The furthest a review-by date may be set ahead of today."""
STATE_LABELS = {"draft": "待核实", "verified": "已核实", "superseded": "已被后续修改取代"}
QUESTION_MAX = 200
ANSWER_MAX = 5000
BASIS_MAX = 2000
TAGS_MAX = 20
TAG_MAX = 30

AuditHook = Callable[[Session, str, dict[str, str | int]], None]


@dataclass(frozen=True)
class ArticleEdit:
    """What the form sends: the fields an owner unit may change."""

    question: str
    answer: str
    basis: str
    tags: tuple[str, ...]
    review_by: dt.date


def _text(field: str, value: str, limit: int, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise InputError(field, "不能为空")
    if len(value) > limit:
        raise InputError(field, f"过长（最多 {limit} 字）")
    if "\x00" in value:
        raise InputError(field, "含有不可见的控制字符")
    return value


def checked(edit: ArticleEdit, today: dt.date) -> ArticleEdit:
    """The edit with its text trimmed, or InputError naming the first bad field."""
    question = _text("question", edit.question, QUESTION_MAX, True)
    if "\n" in question:
        raise InputError("question", "标题应为一行")
    answer = _text("answer", edit.answer, ANSWER_MAX, True)
    basis = _text("basis", edit.basis, BASIS_MAX, False)
    tags: list[str] = []
    for tag in edit.tags:
        tag = _text("tags", tag, TAG_MAX, False)
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise InputError("tags", f"关键词过多（最多 {TAGS_MAX} 个）")
    review_date(edit.review_by, today)
    return ArticleEdit(question, answer, basis, tuple(tags), edit.review_by)


def review_date(due: dt.date, today: dt.date) -> dt.date:
    """``due`` when it is after today and within three years, else InputError."""
    if due <= today:
        raise InputError("review_by", f"下次复核日期应晚于今天（{today.isoformat()}）")
    if (due - today).days > MAX_REVIEW_DAYS:
        raise InputError("review_by", "下次复核日期最多定在三年之内")
    return due


def _owned(s: Session, article_id: str, unit_id: str | None, doing: str) -> ArticleRow:
    a = s.get(ArticleRow, article_id)
    if a is None:
        raise NotFound("知识", article_id)
    if unit_id is not None and a.unit_id != unit_id:
        raise PermissionDenied(
            f"知识 {a.id} 由其他单位维护，只有其责任单位或管理部门可以{doing}", rule="R-KB"
        )
    return a


def pending(s: Session, article_id: str) -> ArticleRevisionRow | None:
    """The article's draft waiting for its cross-check, if any."""
    return s.execute(
        select(ArticleRevisionRow)
        .where(ArticleRevisionRow.article_id == article_id, ArticleRevisionRow.state == "draft")
        .order_by(ArticleRevisionRow.id.desc())
        .limit(1)
    ).scalar()


def _revision_view(r: ArticleRevisionRow) -> ArticleRevisionView:
    return ArticleRevisionView(
        id=r.id,
        state=r.state,
        state_label=STATE_LABELS.get(r.state, r.state),
        edited_by=r.edited_by,
        edited_at=r.edited_at,
        verified_by=r.verified_by or "",
        verified_at=r.verified_at,
    )


def history(s: Session, article_id: str) -> tuple[ArticleRevisionView, ...]:
    """Every saved edit of an article, newest first."""
    rows = s.execute(
        select(ArticleRevisionRow)
        .where(ArticleRevisionRow.article_id == article_id)
        .order_by(ArticleRevisionRow.id.desc())
    ).scalars()
    return tuple(_revision_view(r) for r in rows)


def _stale(a: ArticleRow, version: int | None, s: Session) -> None:
    if version is None or a.version == version:
        return
    draft = pending(s, a.id)
    if draft is not None and draft.edited_at >= a.updated_at:
        who, when = draft.edited_by, draft.edited_at
    else:
        who, when = a.updated_by, a.updated_at
    raise Conflict(f"知识 {a.id}", who, f"{when.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")


def for_edit(store: Store, article_id: str, unit_id: str | None) -> ArticleEditView:
    """The article as its form opens it: the pending draft's text, else the article's."""
    with store.read() as s:
        a = _owned(s, article_id, unit_id, "修改")
        unit = s.get(UnitRow, a.unit_id)
        draft = pending(s, a.id)
        src: ArticleRow | ArticleRevisionRow = draft if draft is not None else a
        return ArticleEditView(
            article_id=a.id,
            unit_id=a.unit_id,
            unit_name=unit.name if unit else a.unit_id,
            version=a.version,
            question=src.question,
            answer=src.answer,
            basis=src.basis,
            tags=tuple(src.tags),
            review_by=src.review_by,
            status=a.status,
            draft=_revision_view(draft) if draft is not None else None,
            verified_by=a.verified_by or "",
            verified_at=a.verified_at,
            history=history(s, a.id),
        )


def save_draft(
    store: Store,
    article_id: str,
    unit_id: str | None,
    version: int,
    edit: ArticleEdit,
    by: str,
    now: dt.datetime,
    audit_with: AuditHook | None = None,
) -> int:
    """Save an edit as the article's pending draft (待核实); answers the article's new version.

    Raises:
        InputError: a field is empty, too long or the review date is out of range.
        NotFound: no such article.
        PermissionDenied: the article belongs to another unit (R-KB).
        Conflict: the article was edited or verified since ``version`` was read.
    """
    edit = checked(edit, now.astimezone(SHANGHAI).date())
    with store.write() as s:
        a = _owned(s, article_id, unit_id, "修改")
        _stale(a, version, s)
        old = pending(s, a.id)
        if old is not None:
            old.state = "superseded"
        row = ArticleRevisionRow(
            article_id=a.id,
            question=edit.question,
            answer=edit.answer,
            basis=edit.basis,
            tags=list(edit.tags),
            review_by=edit.review_by,
            state="draft",
            edited_by=by,
            edited_at=now,
        )
        s.add(row)
        a.version += 1  # the article operators read is unchanged: no re-indexing
        s.flush()
        if audit_with is not None:
            audit_with(s, a.id, {"revision": row.id, "version": a.version, "unit_id": a.unit_id})
        return a.version


def publish(s: Session, a: ArticleRow, by: str, now: dt.datetime) -> ArticleRevisionRow | None:
    """Verify the article's pending draft, if any: its text becomes the article's (R-KB).

    Raises:
        RuleError: the verifier is the draft's editor (交叉核验, R-KB).
    """
    draft = pending(s, a.id)
    if draft is None:
        return None
    if draft.edited_by == by:
        raise RuleError(
            "R-KB",
            f"知识 {a.id} 的修改由您本人提交，不能由您核实（交叉核验）",
            "请本单位其他经办人或管理部门核实",
        )
    a.question, a.answer, a.basis = draft.question, draft.answer, draft.basis
    a.tags = list(draft.tags)
    draft.state, draft.verified_by, draft.verified_at = "verified", by, now
    return draft


def verify(
    s: Session,
    article_id: str,
    unit_id: str | None,
    by: str,
    now: dt.datetime,
    review_by: dt.date | None,
    version: int | None,
) -> tuple[ArticleRow, ArticleRevisionRow | None, int]:
    """Verify an article (and its pending draft) in session ``s``; close its open reports.

    Answers the article, the draft verified (None: the text was confirmed as it was) and
    how many reports closed. ``review_by`` None: the draft's date, else a year on.
    """
    today = now.astimezone(SHANGHAI).date()
    if review_by is not None:
        review_date(review_by, today)
    a = _owned(s, article_id, unit_id, "核实")
    _stale(a, version, s)
    draft = publish(s, a, by, now)
    if review_by is None and draft is not None and draft.review_by > today:
        review_by = draft.review_by
    a.review_by = review_by or today + dt.timedelta(days=REVIEW_PERIOD_DAYS)
    a.status = "verified"
    a.verified_by, a.verified_at = by, now
    a.version += 1
    a.updated_at = now  # the search index picks the new text and review date up
    a.updated_by = by
    rows = s.execute(
        select(ArticleFlagRow).where(
            ArticleFlagRow.article_id == a.id, ArticleFlagRow.resolved_at.is_(None)
        )
    ).scalars()
    n = 0
    what = "修改已核实" if draft is not None else "知识已核实"
    for f in rows:
        f.resolved_at = now
        f.note = f"{f.note}\n【复核】{by}：{what}".strip()
        n += 1
    return a, draft, n


def drafts(store: Store, unit_id: str | None) -> Sequence[ArticleDraftView]:
    """Drafts waiting for their cross-check, of the unit's articles (every unit's for the
    manager), oldest first."""
    q = (
        select(ArticleRevisionRow, ArticleRow.unit_id, ArticleRow.version, UnitRow.name)
        .join(ArticleRow, ArticleRow.id == ArticleRevisionRow.article_id)
        .join(UnitRow, UnitRow.id == ArticleRow.unit_id)
        .where(ArticleRevisionRow.state == "draft")
        .order_by(ArticleRevisionRow.edited_at, ArticleRevisionRow.id)
    )
    if unit_id is not None:
        q = q.where(ArticleRow.unit_id == unit_id)
    with store.read() as s:
        return [
            ArticleDraftView(
                article_id=r.article_id,
                unit_id=owner,
                unit_name=name,
                question=r.question,
                edited_by=r.edited_by,
                edited_at=r.edited_at,
                version=version,
                review_by=r.review_by,
            )
            for r, owner, version, name in s.execute(q).all()
        ]
