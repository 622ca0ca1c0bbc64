"""Ticket search (工单查询): by number, caller phone, the caller's words, date, unit and state.

Scoped like every read (``queries.scope``): a unit clerk finds its own tickets (as lead or
co-unit), the manager and the platform's seats every ticket. Worked out in SQL, newest first,
one page at a time: the window's ids and the total in one narrow pass, then only the window's
rows are loaded (as ``Queries.page`` does). Callers come back masked (``Queries.summary``).

A unit never finds a confidential caller's tickets by phone (R-CONFIDENTIAL): the search would
tell it who called. The caller's words are matched with LIKE (``%``, ``_`` and ``\\`` typed by the
seat are taken literally).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from console.errors import InputError
from console.services.clock import SHANGHAI
from console.services.inputs import check_text
from console.services.tickets.queries import Queries, scope
from console.services.values import Role, State
from console.services.views import Page
from console.store.models import TicketRow, UnitRow

MAX_LIMIT = 100
MAX_WORDS = 100
"""The longest text a search looks for (a few words of what the caller said)."""
MAX_OFFSET = 2**31 - 1
FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(9998, 12, 31)
"""Dates a search accepts (beyond them a moment has no UTC form in the store)."""


def phone_variants(phone: str, field: str = "phone") -> set[str]:
    """The ways a caller's number may have been typed (as stored): digits only, as given, and a
    mobile number grouped 3-4-4 with a dash or a space. Refuses what is not a phone number."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not (5 <= len(digits) <= 15) or any(ch not in "0123456789- +" for ch in phone.strip()):
        raise InputError(field, "电话号码应为 5–15 位数字")
    variants = {digits, phone.strip()}
    if len(digits) == 11:  # a mobile number as seats often type it: 139-1234-5678
        variants |= {f"{digits[:3]}{sep}{digits[3:7]}{sep}{digits[7:]}" for sep in "- "}
    return variants


def like_pattern(text: str) -> str:
    """``%text%`` with the LIKE wildcards in ``text`` escaped (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class TicketSearch:
    """What a seat searches for; empty fields are not part of the search."""

    number: str = ""
    phone: str = ""
    text: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    unit: str = ""
    state: str = ""


def _state(value: str) -> str:
    try:
        return State.parse(value).value
    except ValueError:
        names = "、".join(f"{st.value}（{st.label}）" for st in State)
        raise InputError("state", f"没有状态「{value}」，可用：{names}") from None


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=SHANGHAI)


def statement(s: Session, q: TicketSearch, role: Role) -> Select[Any]:
    """The search as one statement over tickets (not yet scoped); bad criteria → InputError."""
    stmt = select(TicketRow)
    number = check_text("number", q.number, limit=40).strip().upper()
    if number:
        stmt = stmt.where(TicketRow.number.like(like_pattern(number), escape="\\"))
    if check_text("phone", q.phone, limit=30).strip():
        stmt = stmt.where(TicketRow.caller_phone.in_(phone_variants(q.phone)))
        if role is Role.UNIT_CLERK:
            stmt = stmt.where(TicketRow.confidential.is_(False))
    words = " ".join(check_text("text", q.text, limit=MAX_WORDS).split())
    if words:
        stmt = stmt.where(TicketRow.text.like(like_pattern(words), escape="\\"))
    for field, day in (("since", q.since), ("until", q.until)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise InputError(field, f"日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间")
    if q.since is not None and q.until is not None and q.until < q.since:
        raise InputError("until", "截止日期不能早于起始日期")
    if q.since is not None:
        stmt = stmt.where(TicketRow.created_at >= _day_start(q.since))
    if q.until is not None:
        stmt = stmt.where(TicketRow.created_at < _day_start(q.until + dt.timedelta(days=1)))
    unit = check_text("unit", q.unit, limit=40).strip()
    if unit:
        if s.get(UnitRow, unit) is None:
            raise InputError("unit", f"承办单位 {unit} 不在派单目录中")
        stmt = stmt.where(TicketRow.unit_id == unit)
    state = check_text("state", q.state, limit=40).strip()
    if state:
        stmt = stmt.where(TicketRow.state == _state(state))
    return stmt


def search(
    s: Session, queries: Queries, q: TicketSearch, now: dt.datetime, offset: int, limit: int
) -> Page:
    """One page of the tickets this seat may see that match, newest first."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError("limit", f"每页 1–{MAX_LIMIT} 条")
    if not 0 <= offset <= MAX_OFFSET:
        raise InputError("offset", "offset 应为非负整数")
    base = scope(statement(s, q, queries.actor.role), queries.actor)
    window = (
        base.with_only_columns(TicketRow.id, func.count().over())
        .order_by(TicketRow.id.desc())
        .offset(offset)
        .limit(limit)
    )
    picked = s.execute(window).all()
    if picked:
        total = int(picked[0][1])
    else:
        total = int(s.execute(select(func.count()).select_from(base.subquery())).scalar_one())
    ids = [row[0] for row in picked]
    loaded = {t.id: t for t in s.execute(select(TicketRow).where(TicketRow.id.in_(ids))).scalars()}
    return Page(
        rows=queries.summaries(s, (loaded[i] for i in ids if i in loaded), now),
        offset=offset,
        total=total,
    )
