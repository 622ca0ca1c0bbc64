"""`hotline outbox list|retry|cancel`: the messages the worker has not delivered, and a
person's decision on one (send it again now, or cancel it with a reason). Both decisions are
audited under the name given with ``--by``; a special matter's notice is never dropped
without one (R-SPECIAL-REPORT)."""

from __future__ import annotations

import argparse
import json

from console.cli.context import platform
from console.services.delivery.outbox import OutboxEntry, cancel, list_outbox, retry_now
from console.services.tickets.queries import CHANNEL_LABELS
from console.services.values import Role
from console.services.views import Actor

WHICH = {"open": "未送达（待发送或失败重试中）", "given_up": "已放弃", "all": "全部"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("outbox", help="待发消息：查看未送达的，重新发送或取消（留痕）")
    verbs = p.add_subparsers(dest="outbox_verb", required=True)
    ls = verbs.add_parser("list", help="列出待发消息（不含内容）")
    ls.add_argument(
        "--which", choices=tuple(WHICH), default="open", help="open：未送达；given_up：已放弃；all"
    )
    ls.add_argument("--json", action="store_true", help="输出 JSON（数组）")
    ls.set_defaults(handler=_list)
    again = verbs.add_parser("retry", help="立即重新发送一条消息（含已放弃的），幂等键不变")
    again.add_argument("key", help="消息的幂等键（hotline outbox list 第一列）")
    again.add_argument("--by", required=True, help="作此决定的人（记入审计）")
    again.set_defaults(handler=_retry)
    stop = verbs.add_parser("cancel", help="不再发送一条消息（如已电话通知），须说明原因")
    stop.add_argument("key", help="消息的幂等键（hotline outbox list 第一列）")
    stop.add_argument("--reason", required=True, help="原因，如：已电话通知省政府总值班室")
    stop.add_argument("--by", required=True, help="作此决定的人（记入审计）")
    stop.set_defaults(handler=_cancel)


def _person(name: str) -> Actor:
    name = " ".join(name.split())[:40] or "?"
    return Actor(seat=f"cli:{name}", name=name, role=Role.ADMIN)


def _as_dict(e: OutboxEntry) -> dict[str, object]:
    return {
        "key": e.key,
        "ticket": e.ticket,
        "channel": e.channel,
        "target": e.target,
        "status": e.status,
        "urgent": e.urgent,
        "attempts": e.attempts,
        "last_error": e.last_error,
        "created_at": e.created_at.isoformat(),
        "next_attempt_at": e.next_attempt_at.isoformat() if e.next_attempt_at else None,
        "gave_up_at": e.gave_up_at.isoformat() if e.gave_up_at else None,
    }


def _list(args: argparse.Namespace) -> int:
    p = platform()
    try:
        entries = list_outbox(p.store, args.which)
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps([_as_dict(e) for e in entries], ensure_ascii=False))
        return 0
    if not entries:
        print(f"没有{WHICH[args.which]}的消息")
        return 0
    for e in entries:
        mark = "【特殊事项】" if e.urgent else ""
        error = f"  最近失败：{e.last_error}" if e.last_error else ""
        print(
            f"{e.key}  {e.ticket}  {CHANNEL_LABELS.get(e.channel, e.channel)}→{e.target}  "
            f"{mark}{e.status}，已试 {e.attempts} 次{error}"
        )
    print(f"共 {len(entries)} 条{WHICH[args.which]}；重新发送：hotline outbox retry 键 --by 姓名")
    return 0


def _retry(args: argparse.Namespace) -> int:
    p = platform()
    try:
        retry_now(p.store, p.clock, args.key, _person(args.by))
    finally:
        p.store.dispose()
    print(f"已安排立即重新发送：{args.key}（hotline worker 运行时发出）")
    return 0


def _cancel(args: argparse.Namespace) -> int:
    p = platform()
    try:
        cancel(p.store, p.clock, args.key, args.reason, _person(args.by))
    finally:
        p.store.dispose()
    print(f"已取消，不再发送：{args.key}")
    return 0
