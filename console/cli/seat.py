"""`hotline seat add|list|revoke`: seats and their tokens for the HTTP API (R-SECURITY)."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from console.cli import UsageError
from console.cli.context import platform
from console.errors import InputError
from console.services.access import seats
from console.services.clock import SHANGHAI, local, parse_local


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("seat", help="席位与令牌：发放、列出、吊销（供 hotline serve 认证）")
    verbs = p.add_subparsers(dest="seat_verb", required=True)
    roles = "、".join(r.value for r in seats.SEAT_ROLES)
    add = verbs.add_parser("add", help="新增席位并显示其令牌（只显示这一次）")
    add.add_argument("name", help="席位名称，如 话务员张三")
    add.add_argument("--role", required=True, help=f"角色：{roles}")
    add.add_argument(
        "--unit", help="承办单位编号（unit_clerk 必填；subcentre_operator 可填其分中心）"
    )
    add.add_argument(
        "--expires", help="到期：日期 YYYY-MM-DD（当日 24:00 北京时间）或 'YYYY-MM-DD HH:MM'"
    )
    add.add_argument("--json", action="store_true", help="输出 JSON")
    add.set_defaults(handler=_add)
    ls = verbs.add_parser("list", help="列出全部席位（不含令牌）")
    ls.add_argument("--json", action="store_true", help="输出 JSON（数组）")
    ls.set_defaults(handler=_list)
    rv = verbs.add_parser("revoke", help="吊销席位令牌，立即生效")
    rv.add_argument("id", help="席位编号（见 hotline seat list）")
    rv.set_defaults(handler=_revoke)


def parse_expiry(text: str | None) -> dt.datetime | None:
    """``YYYY-MM-DD`` → the end of that day (Beijing); ``YYYY-MM-DD HH:MM`` → that moment."""
    if not text:
        return None
    from console.services.calendar.workdays import MAX_YEAR

    value = text.strip()
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            moment = (
                None
                if day.year > MAX_YEAR
                else dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)
            )
        else:
            moment = parse_local(value)
    except ValueError:
        raise UsageError(f"expires: 应为 YYYY-MM-DD 或 'YYYY-MM-DD HH:MM'，收到 {text!r}") from None
    if moment is None or moment.year > MAX_YEAR:
        raise UsageError(f"expires: 最晚 {MAX_YEAR}-12-31；不设到期请省略 --expires")
    return moment


def _now() -> dt.datetime:
    # Seats live in real time: a drill clock (HOTLINE_NOW) never makes a token valid or stale.
    return dt.datetime.now(dt.UTC)


def _when(moment: dt.datetime | None) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _as_json(info: seats.SeatInfo, now: dt.datetime) -> dict[str, object]:
    return {
        "id": info.id,
        "name": info.name,
        "role": info.role.value,
        "unit_id": info.unit_id,
        "created_at": info.created_at.isoformat(),
        "expires_at": info.expires_at.isoformat() if info.expires_at else None,
        "revoked_at": info.revoked_at.isoformat() if info.revoked_at else None,
        "status": info.status(now),
    }


def _add(args: argparse.Namespace) -> int:
    expires = parse_expiry(args.expires)
    p = platform()
    try:
        try:
            info, token = seats.add_seat(
                p.store, args.name, args.role, args.unit, expires, now=_now()
            )
        except InputError as exc:
            raise UsageError(str(exc)) from None
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps({**_as_json(info, _now()), "token": token}, ensure_ascii=False))
        return 0
    unit = f"，单位 {info.unit_id}" if info.unit_id else ""
    until = f"，有效期至 {_when(info.expires_at)}" if info.expires_at else ""
    print(f"已新增席位 {info.id}：{info.name}（{info.role.label}{unit}{until}）")
    print(f"令牌（只显示这一次，请妥善交给该席位）：{token}")
    return 0


def _list(args: argparse.Namespace) -> int:
    p = platform()
    try:
        found = seats.list_seats(p.store)
    finally:
        p.store.dispose()
    now = _now()
    if args.json:
        print(json.dumps([_as_json(i, now) for i in found], ensure_ascii=False))
        return 0
    if not found:
        print("（尚无席位：hotline seat add NAME --role ROLE）")
        return 0
    labels = {"active": "有效", "revoked": "已吊销", "expired": "已过期"}
    for i in found:
        extra = ""
        if i.revoked_at:
            extra = f"  吊销于 {_when(i.revoked_at)}"
        elif i.expires_at:
            extra = f"  到期 {_when(i.expires_at)}"
        unit = f" {i.unit_id}" if i.unit_id else ""
        print(f"{i.id}  {i.name}  {i.role.value}{unit}  {labels[i.status(now)]}{extra}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    p = platform()
    try:
        info = seats.revoke_seat(p.store, args.id, _now())
    finally:
        p.store.dispose()
    print(f"席位 {info.id}（{info.name}）的令牌已吊销（{_when(info.revoked_at)}）")
    return 0
