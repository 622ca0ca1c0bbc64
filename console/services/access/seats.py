"""Seats and their tokens: who may reach the platform over HTTP (R-SECURITY).

A seat is a named working position with one role (and, for a unit clerk, one unit). Its token
is made here with ``secrets.token_urlsafe(32)``, shown once, and stored only as a SHA-256
hash: a token is 256 random bits, so a fast hash is enough (no password stretching needed),
and a database dump does not hand anyone a working token. Adding and revoking a seat is
audited by the store's write hook (``console.services.access.audit``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from console.errors import InputError, NotFound, PermissionDenied
from console.services.clock import local
from console.services.values import Role
from console.services.views import Actor
from console.store.engine import Store
from console.store.models import SeatRow, UnitRow

SEAT_ROLES = (
    Role.OPERATOR,
    Role.EXPERT,
    Role.ENTERPRISE_DESK,
    Role.SHIFT_LEAD,
    Role.SUBCENTRE_OPERATOR,
    Role.UNIT_CLERK,
    Role.MANAGER,
    Role.SUPERVISOR,
    Role.AUDITOR,
    Role.ADMIN,
)
"""Roles a seat may have (``system`` is the platform itself, never a seat)."""

MAX_NAME = 80
TOKEN_BYTES = 32


@dataclass(frozen=True)
class SeatInfo:
    """A seat as listed; never carries the token or its hash."""

    id: str
    name: str
    role: Role
    unit_id: str | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def status(self, now: dt.datetime) -> str:
        """``active``, ``revoked`` or ``expired`` at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


def new_token() -> str:
    """A fresh token (``TOKEN_BYTES`` random bytes, URL-safe base64) that does not begin with
    "-": typed after ``--token`` on a command line, such a token reads as an option and the
    command refuses it (one token in 64 would)."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not token.startswith("-"):
            return token


def hash_token(token: str) -> str:
    """The stored form of a token (hex SHA-256)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_role(text: str) -> Role:
    """A seat role from its value (``unit_clerk``) or its Chinese label (``承办单位经办人``)."""
    key = text.strip()
    for role in SEAT_ROLES:
        if key.lower() == role.value or key == role.label:
            return role
    names = "、".join(f"{r.value}（{r.label}）" for r in SEAT_ROLES)
    raise InputError("role", f"没有角色「{key}」，可用：{names}")


def _info(row: SeatRow) -> SeatInfo:
    return SeatInfo(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        unit_id=row.unit_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def add_seat(
    store: Store,
    name: str,
    role: Role | str,
    unit_id: str | None = None,
    expires_at: dt.datetime | None = None,
    *,
    now: dt.datetime,
    seat_id: str | None = None,
) -> tuple[SeatInfo, str]:
    """Create a seat; returns it and its token (the only time the token is ever seen).

    Args:
        role: a ``Role`` or its value/label; a unit clerk must name an existing unit; a
            sub-centre operator may name its sub-centre (then it sends that sub-centre's call
            records, R-SUBCENTRE); no other seat is bound to a unit.
        expires_at: when the token stops working (aware datetime); ``None`` never.
        seat_id: the seat's id; by default ``s-`` and 8 random hex digits.
    """
    name = name.strip()
    if not name:
        raise InputError("name", "席位名称不能为空")
    if len(name) > MAX_NAME:
        raise InputError("name", f"席位名称过长（最多 {MAX_NAME} 字）")
    role = parse_role(role) if isinstance(role, str) else role
    if role not in SEAT_ROLES:
        raise InputError("role", f"角色「{role.label}」不能作为席位")
    unit_id = (unit_id or "").strip() or None
    if role is Role.UNIT_CLERK and unit_id is None:
        raise InputError("unit", "承办单位经办人须指定所属承办单位（--unit）")
    if role not in (Role.UNIT_CLERK, Role.SUBCENTRE_OPERATOR) and unit_id is not None:
        raise InputError("unit", "只有承办单位经办人和分中心话务员绑定单位")
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise InputError("expires", "到期时间须带时区")
        if expires_at <= now:
            raise InputError("expires", "到期时间须晚于现在")
    seat_id = (seat_id or f"s-{secrets.token_hex(4)}").strip()
    if not seat_id or len(seat_id) > 40:
        raise InputError("id", "席位编号应为 1–40 个字符")
    token = new_token()
    with store.write() as s:
        if unit_id is not None:
            unit = s.get(UnitRow, unit_id)
            if unit is None or not unit.active:
                raise InputError("unit", f"承办单位 {unit_id} 不在派单目录中")
            if role is Role.SUBCENTRE_OPERATOR and not unit.subcentre:
                raise InputError("unit", f"{unit_id} 不是分中心，分中心话务员只能绑定分中心")
        if s.get(SeatRow, seat_id) is not None:
            raise InputError("id", f"席位编号 {seat_id} 已存在")
        row = SeatRow(
            id=seat_id,
            name=name,
            role=role.value,
            unit_id=unit_id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=expires_at,
            revoked_at=None,
        )
        s.add(row)
        s.flush()
        info = _info(row)
    return info, token


def list_seats(store: Store) -> list[SeatInfo]:
    """Every seat, revoked and expired ones included, by id."""
    with store.read() as s:
        rows = s.execute(select(SeatRow).order_by(SeatRow.id)).scalars().all()
        return [_info(r) for r in rows]


def revoke_seat(store: Store, seat_id: str, now: dt.datetime) -> SeatInfo:
    """Revoke a seat's token at ``now`` (idempotent: a revoked seat stays revoked as it was)."""
    with store.write() as s:
        row = s.get(SeatRow, seat_id)
        if row is None:
            raise NotFound("席位", seat_id)
        if row.revoked_at is None:
            row.revoked_at = now
            s.flush()
        return _info(row)


def authenticate(store: Store, token: str, now: dt.datetime) -> Actor:
    """The seat a bearer token belongs to, as an Actor; PermissionDenied if it may not work.

    Unknown, revoked and expired tokens are refused with a message saying which (a revoked or
    expired seat learns nothing it did not already know).
    """
    token = token.strip()
    if not token or len(token) > 200:
        raise PermissionDenied("令牌无效：请使用 hotline seat add 发放的席位令牌")
    digest = hash_token(token)
    with store.read() as s:
        row = s.execute(select(SeatRow).where(SeatRow.token_hash == digest)).scalar_one_or_none()
        if row is None or not secrets.compare_digest(row.token_hash, digest):
            raise PermissionDenied("令牌无效：请使用 hotline seat add 发放的席位令牌")
        if row.revoked_at is not None:
            raise PermissionDenied(
                f"席位 {row.id} 的令牌已于 {local(row.revoked_at):%Y-%m-%d %H:%M} 吊销"
            )
        if row.expires_at is not None and row.expires_at <= now:
            raise PermissionDenied(
                f"席位 {row.id} 的令牌已于 {local(row.expires_at):%Y-%m-%d %H:%M} 过期"
            )
        role = Role(row.role)
        return Actor(
            seat=row.id,
            name=row.name,
            role=role,
            unit_id=row.unit_id if role is Role.UNIT_CLERK else None,
        )
