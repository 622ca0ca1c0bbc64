"""`hotline audit verify` / `hotline audit show`: the keyed, checkpointed audit trail (R-SECURITY, R-ARCHIVE)."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from console.cli import UsageError
from console.cli.context import platform
from console.services.access import audit
from console.services.clock import SHANGHAI, local

MAX_SHOW = 10_000


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("audit", help="审计记录：校验哈希链，按席位/操作/对象/时间查看")
    verbs = p.add_subparsers(dest="audit_verb", required=True)
    verify = verbs.add_parser(
        "verify",
        help="校验审计记录是否完整：密钥哈希链、事件与工单状态、席位、检查点；"
        "每处问题一行，有问题时以状态 1 退出；无问题时写入新检查点",
    )
    verify.add_argument("--json", action="store_true", help="输出 JSON")
    verify.set_defaults(handler=_verify)
    show = verbs.add_parser("show", help="列出审计记录（旧→新）")
    show.add_argument("--seat", help="席位编号")
    show.add_argument("--action", help="操作，如 dispatch、reveal_contact、claim")
    show.add_argument("--target", help="对象，如工单编号")
    show.add_argument("--since", help="起始日期 YYYY-MM-DD（北京时间当日零点起）")
    show.add_argument(
        "--limit", default="200", help=f"最多显示最近多少条（默认 200，最多 {MAX_SHOW}）"
    )
    show.add_argument("--json", action="store_true", help="输出 JSON（每行一条）")
    show.set_defaults(handler=_show)


def _verify(args: argparse.Namespace) -> int:
    p = platform()
    try:
        result = audit.verify(p.store)
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        for line in result.lines():
            print(line)
    return 0 if result.ok else 1


def _since(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    from console.services.calendar.workdays import MIN_YEAR

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"since: 应为日期 YYYY-MM-DD，收到 {text!r}") from None
    if day.year < MIN_YEAR:  # before that, Beijing midnight in UTC falls off the calendar
        raise UsageError(f"since: 应不早于 {MIN_YEAR} 年，收到 {text}")
    return dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)


def _limit(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise UsageError(f"limit: 应为正整数，收到 {text!r}") from None
    if not 1 <= n <= MAX_SHOW:
        raise UsageError(f"limit: 应在 1–{MAX_SHOW} 之间，收到 {n}")
    return n


def _show(args: argparse.Namespace) -> int:
    since = _since(args.since)
    limit = _limit(args.limit)
    p = platform()
    try:
        rows = audit.entries(
            p.store,
            seat=args.seat,
            action=args.action,
            target=args.target,
            since=since,
            limit=limit,
        )
    finally:
        p.store.dispose()
    if args.json:
        for r in rows:
            print(json.dumps(r.as_json(), ensure_ascii=False))
        return 0
    if not rows:
        print("没有符合条件的审计记录")
        return 0
    for r in rows:
        detail = " ".join(f"{k}={v}" for k, v in r.detail.items())
        who = (
            f"{r.actor}（{r.seat or '-'}，{r.role or '-'}{'，' + r.unit_id if r.unit_id else ''}）"
        )
        print(
            f"#{r.id} {local(r.at):%Y-%m-%d %H:%M:%S} {who} {r.action} {r.target} "
            f"[{r.origin}] {detail}".rstrip()
        )
    return 0
