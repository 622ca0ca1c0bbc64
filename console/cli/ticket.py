"""`hotline ticket search`: find tickets (工单查询) by number, caller phone, words, dates, unit
and state, as the seat of a token sees them: a unit clerk its own unit's tickets, the manager
all (R-SECURITY); callers masked (R-CONFIDENTIAL).

The seat is the one a token names (``--token``, or HOTLINE_TOKEN), never a name typed in: with
HOTLINE_API set the search goes to that server, else to this installation's database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from console.cli.context import platform
from console.config import load_settings
from console.errors import InputError, PermissionDenied
from console.services.backend import Backend
from console.services.clock import SHANGHAI
from console.services.views import Page, TicketSummary


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD，收到「{text}」") from None


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为整数，收到「{text}」") from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("ticket", help="工单：查询（按席位令牌的可见范围）")
    verbs = p.add_subparsers(dest="ticket_verb", required=True)
    s = verbs.add_parser("search", help="按编号、来电号码、诉求内容、日期、承办单位、状态查询工单")
    s.add_argument("--number", default="", help="工单编号或其中一段")
    s.add_argument("--phone", default="", help="来电号码")
    s.add_argument("--text", default="", help="诉求内容中的文字（最多 100 字）")
    s.add_argument("--since", type=_date, help="受理日期起（含），YYYY-MM-DD")
    s.add_argument("--until", type=_date, help="受理日期止（含），YYYY-MM-DD")
    s.add_argument("--unit", default="", help="承办单位编号，如 hn-rst")
    s.add_argument("--state", default="", help="状态，如 handling 或 办理中")
    s.add_argument("--offset", type=_count, default=0, help="跳过前几条（翻页）")
    s.add_argument("--limit", type=_count, default=50, help="每页条数 1–100")
    s.add_argument("--token", default="", help="席位令牌（默认取 HOTLINE_TOKEN）")
    s.add_argument("--json", action="store_true", help="输出 JSON")
    s.set_defaults(handler=_search)


def _as_dict(r: TicketSummary) -> dict[str, object]:
    return {
        "number": r.number,
        "kind": r.kind.label,
        "state": r.state,
        "state_label": r.state_label,
        "unit_id": r.unit_id,
        "bureau": r.bureau,
        "caller": r.caller,
        "title": r.title,
        "created_at": r.created_at.isoformat(),
        "overdue": r.overdue,
    }


def _run(backend: Backend, args: argparse.Namespace) -> Page:
    return backend.search_tickets(
        args.number,
        args.phone,
        args.text,
        args.since,
        args.until,
        args.unit,
        args.state,
        args.offset,
        args.limit,
    )


def _search(args: argparse.Namespace) -> int:
    settings = load_settings()
    token = args.token or settings.api_token
    if not token.strip():
        raise InputError(
            "--token", "须给出席位令牌（--token 或 HOTLINE_TOKEN），按其席位的范围查询"
        )
    if settings.api_url:
        from console.services.remote import RemoteBackend

        remote = RemoteBackend(settings.api_url, token)
        try:
            page = _run(remote, args)
        finally:
            remote.close()
    else:
        from console.services.access.seats import authenticate

        p = platform()
        try:
            try:
                actor = authenticate(p.store, token, p.clock.now())
            except PermissionDenied as exc:
                raise InputError("--token", exc.message) from None
            page = _run(p.backend(actor), args)
        finally:
            p.store.dispose()
    _print(page, args)
    return 0


def _print(page: Page, args: argparse.Namespace) -> None:
    if args.json:
        rows = [_as_dict(r) for r in page.rows]
        print(
            json.dumps(
                {"total": page.total, "offset": page.offset, "rows": rows}, ensure_ascii=False
            )
        )
        return
    if not page.rows:
        print(f"没有符合条件的工单（共 {page.total} 条）")
        return
    for r in page.rows:
        when = r.created_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        mark = " 【已超期】" if r.overdue else ""
        bureau = f"→{r.bureau}" if r.bureau else ""
        print(
            f"{r.number}  {when}  {r.state_label}  {r.unit_id or '-'}{bureau}  {r.caller}  "
            f"{r.title}{mark}"
        )
    last = page.offset + len(page.rows)
    print(f"第 {page.offset + 1}–{last} 条，共 {page.total} 条")
