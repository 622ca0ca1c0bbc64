"""`hotline desk list|specialists|claim|assign|follow`: the 政企通 desk (R-ENTERPRISE) from a
shell.

``list`` shows the desk's enterprise requests (``--which all`` open ones, the nearest clock
first; ``unassigned``; ``done`` the assignments closed; ``mine`` with ``--as`` a specialist's
own); ``specialists`` the policy specialists with the tickets each follows now. ``assign`` is
the manager's (or, with ``--as``, the desk lead's): it assigns or reassigns with the reason.
``claim`` and ``follow`` are a policy specialist's, named with ``--as`` (the roster entry's
seat or name). Every step runs through the same use cases as the console and the API and is
recorded on the ticket's timeline under the name given.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from console.cli import terminal_safe
from console.cli.context import opened_platform, person
from console.errors import InputError
from console.services.clock import SHANGHAI
from console.services.values import Role
from console.services.views import Actor, DeskItemView

WHICH = ("all", "unassigned", "mine", "done")
HOW = {"claim": "认领", "assign": "分配", "reassign": "改派"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("desk", help="政企通专席：企业诉求由政策专员一对一跟进（R-ENTERPRISE）")
    verbs = p.add_subparsers(dest="desk_verb", metavar="ACTION", required=True)

    ls = verbs.add_parser("list", help="列出企业诉求（未结束的，时限近的在前）")
    ls.add_argument(
        "--which",
        choices=WHICH,
        default="all",
        help="all 全部未结束，unassigned 未分配，mine 我跟进的（须 --as），done 已结束",
    )
    ls.add_argument(
        "--as", dest="as_", metavar="NAME", help="以该政策专员身份查看（名册中的坐席账号或姓名）"
    )
    ls.add_argument("--json", action="store_true", help="输出 JSON 列表")
    ls.set_defaults(handler=_list)  # fmt: skip

    sp = verbs.add_parser("specialists", help="政策专员及其正在跟进的件数（在班的在前）")
    sp.add_argument("--json", action="store_true", help="输出 JSON 列表")
    sp.set_defaults(handler=_specialists)

    c = verbs.add_parser("claim", help="政策专员认领一件无人跟进的企业诉求")
    c.add_argument("number", metavar="TICKET", help="工单号")
    c.add_argument(
        "--as", dest="as_", metavar="NAME", required=True, help="政策专员（坐席账号或姓名）"
    )
    c.set_defaults(handler=_claim)

    a = verbs.add_parser("assign", help="分配或改派政策专员，须写理由（管理部门或专席负责人）")
    a.add_argument("number", metavar="TICKET", help="工单号")
    a.add_argument(
        "--to",
        required=True,
        metavar="SPECIALIST",
        help="政策专员编号（hotline desk specialists 第一列）",
    )
    a.add_argument("--reason", required=True, help="分配或改派的理由")
    who = a.add_mutually_exclusive_group()
    who.add_argument("--by", help="管理部门操作人（记入审计）")
    who.add_argument("--as", dest="as_", metavar="NAME", help="以专席负责人身份（坐席账号或姓名）")
    a.set_defaults(handler=_assign)  # fmt: skip

    f = verbs.add_parser("follow", help="记录跟进情况（跟进该诉求的政策专员）")
    f.add_argument("number", metavar="TICKET", help="工单号")
    f.add_argument(
        "--as", dest="as_", metavar="NAME", required=True, help="政策专员（坐席账号或姓名）"
    )
    f.add_argument("--note", required=True, help="跟进内容：联系情况、推送的政策……")
    f.set_defaults(handler=_follow)


def _specialist(name: str) -> Actor:
    """A policy specialist named by its roster entry's seat (or, with none, its name)."""
    actor = person(name, Role.ENTERPRISE_DESK)  # refuses an empty name, naming --as
    return Actor(seat=actor.name, name=actor.name, role=Role.ENTERPRISE_DESK)


def _line(i: DeskItemView) -> str:
    t = i.ticket
    due = f"{t.next_due.astimezone(SHANGHAI):%m-%d %H:%M}（{t.next_rule}）" if t.next_due else "—"
    if i.assignment == "live":
        who = f"{i.specialist_name}（{HOW.get(i.how, i.how)}，跟进 {i.follow_ups} 次）"
    elif i.assignment == "closed":
        closed = f"{i.closed_at.astimezone(SHANGHAI):%m-%d %H:%M}" if i.closed_at else ""
        why = "诉求已办结" if i.close_reason == "ended" else "已改派"
        who = f"{i.specialist_name}（{why} {closed}，跟进 {i.follow_ups} 次）"
    else:
        who = "未分配"
    out = f"{t.number}  {t.state_label}  时限 {due}  {i.enterprise_name or '—'}  {who}  {t.title}"
    return terminal_safe(out.replace("\n", " ").replace("\r", " "))


def _list(args: argparse.Namespace) -> int:
    actor = _specialist(args.as_) if args.as_ else person("命令行", Role.MANAGER)
    with opened_platform() as p:
        found = p.backend(actor).desk(args.which)
    if args.json:
        print(json.dumps([asdict(i) for i in found], ensure_ascii=False, default=str))
        return 0
    if not found:
        print("没有符合条件的企业诉求")
        return 0
    for i in found:
        print(_line(i))
    print(f"共 {len(found)} 件")
    return 0


def _specialists(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        found = p.backend(person("命令行", Role.MANAGER)).specialists()
    if args.json:
        print(json.dumps([asdict(s) for s in found], ensure_ascii=False, default=str))
        return 0
    if not found:
        print("名册中没有政策专员（hotline expert add … --kind policy）")
        return 0
    for s in found:
        lead = "  专席负责人" if s.desk_lead else ""
        duty = "在班" if s.on_duty else "不在班"
        print(terminal_safe(f"{s.id}  {s.name}  {s.unit_name}（{s.unit_id}）  {duty}  "
                            f"跟进中 {s.live} 件{lead}"))  # fmt: skip
    return 0


def _claim(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        p.backend(_specialist(args.as_)).claim_enterprise(args.number)
    print(f"已认领 {args.number}")
    return 0


def _assign(args: argparse.Namespace) -> int:
    if args.as_ is None and args.by is None:
        raise InputError("by", "须写明谁分配：--by 管理部门操作人，或 --as 专席负责人")
    actor = _specialist(args.as_) if args.as_ is not None else person(args.by, Role.MANAGER)
    with opened_platform() as p:
        p.backend(actor).assign_specialist(args.number, args.to, args.reason)
    print(f"已为 {args.number} 指定政策专员 {args.to}")
    return 0


def _follow(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        p.backend(_specialist(args.as_)).follow_enterprise(args.number, args.note)
    print(f"已记录跟进 {args.number}")
    return 0
