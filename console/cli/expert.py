"""`hotline expert list|add|edit|retire|handoffs`: the expert roster (专家座席, R-EXPERT), the
consultations handed to experts, and the 政企通 desk's policy specialists on the roster
(``--kind policy``, 政策专员, R-ENTERPRISE), from a shell.

``list`` shows the roster (those on duty first; ``--field`` keeps the experts who cover a
domain or matter type, ``--on-duty`` those on shift now); ``add``, ``edit`` and ``retire`` are
the manager's (省优化办, Art. 28), run through the same use cases as the console and the API
and audited under the name given with ``--by``. ``handoffs`` lists the hand-offs of the last days
with their clocks (handed, taken — first opened by an expert —, answered, the R-CONSULT due
time), as the manager reads them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import asdict

from console.cli import terminal_safe
from console.cli.context import opened_platform, person
from console.cli.report_experts import duration
from console.errors import NotFound
from console.services.clock import SHANGHAI
from console.services.experts.shifts import EXAMPLE
from console.services.values import Role
from console.services.views import ExpertDraft, ExpertHandoffView, ExpertView

SHIFT_HELP = (
    f"值班时间，如「{EXAMPLE}」「每天 20:00-08:00」「周六,周日 09:00-17:00」；"
    "可重复写，或用分号隔开多个"
)
FIELD_HELP = "擅长领域（如 公共服务）或事项类型（如 公交线路），逗号或顿号隔开"
KIND_CHOICES = ("expert", "policy")
KIND_HELP = "名册类别：expert 专家座席（默认），policy 政企通政策专员（R-ENTERPRISE）"
LEAD_HELP = "政企通专席负责人（只限政策专员）：可分配、改派企业诉求"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("expert", help="专家座席名册：单位专家、擅长领域与值班（R-EXPERT）")
    verbs = p.add_subparsers(dest="expert_verb", metavar="ACTION", required=True)

    ls = verbs.add_parser("list", help="列出在册专家（在班的在前）")
    ls.add_argument("--field", help="只看擅长该领域或事项类型的")
    ls.add_argument("--on-duty", action="store_true", help="只看此刻在班的")
    ls.add_argument("--all", action="store_true", help="含已退出名册的")
    ls.add_argument("--kind", choices=KIND_CHOICES, help="只看一类：expert 专家，policy 政策专员")
    ls.add_argument("--json", action="store_true", help="输出 JSON 列表")
    ls.set_defaults(handler=_list)

    a = verbs.add_parser("add", help="把单位专家列入名册（管理部门）")
    a.add_argument("--by", required=True, help="操作人（记入审计）")
    a.add_argument("--name", required=True, help="专家姓名")
    a.add_argument("--unit", required=True, metavar="U", help="所属单位 id，如 hn-rst")
    a.add_argument("--fields", required=True, help=FIELD_HELP)
    a.add_argument("--shift", action="append", required=True, help=SHIFT_HELP)
    a.add_argument("--phone", default="", help="值班电话")
    a.add_argument("--seat", default="", help="专家登录的坐席账号")
    a.add_argument("--note", default="", help="备注")
    a.add_argument("--kind", choices=KIND_CHOICES, default="expert", help=KIND_HELP)
    a.add_argument("--desk-lead", action="store_true", help=LEAD_HELP)
    a.set_defaults(handler=_add)

    e = verbs.add_parser("edit", help="修改专家的领域、值班时间、电话等（管理部门；不写的项不变）")
    e.add_argument("id", metavar="EXPERT", help="专家编号（hotline expert list 第一列）")
    e.add_argument("--by", required=True, help="操作人（记入审计）")
    e.add_argument("--name", help="专家姓名")
    e.add_argument("--unit", metavar="U", help="所属单位 id")
    e.add_argument("--fields", help=FIELD_HELP + "（整体替换）")
    e.add_argument("--shift", action="append", help=SHIFT_HELP + "（整体替换）")
    e.add_argument("--phone", help="值班电话")
    e.add_argument("--seat", help="坐席账号")
    e.add_argument("--note", help="备注")
    e.add_argument("--kind", choices=KIND_CHOICES, help=KIND_HELP)
    lead = e.add_mutually_exclusive_group()
    lead.add_argument(
        "--desk-lead", dest="desk_lead", action="store_true", default=None, help=LEAD_HELP
    )
    lead.add_argument("--no-desk-lead", dest="desk_lead", action="store_false",
                      help="不再担任政企通专席负责人")  # fmt: skip
    e.set_defaults(handler=_edit)

    h = verbs.add_parser("handoffs", help="列出转交专家的咨询及其时间（转交、接手、答复、时限）")
    h.add_argument("--field", help="只看转给该领域或事项类型的")
    h.add_argument("--waiting", action="store_true", help="只看尚未答复的")
    h.add_argument("--days", type=int, default=7, help="最近几天转交的（1–366，默认 7）")
    h.add_argument("--json", action="store_true", help="输出 JSON 列表")
    h.set_defaults(handler=_handoffs)

    r = verbs.add_parser("retire", help="让专家退出名册，须写原因（管理部门）")
    r.add_argument("id", metavar="EXPERT", help="专家编号")
    r.add_argument("--by", required=True, help="操作人（记入审计）")
    r.add_argument("--reason", required=True, help="退出原因，如：调离原单位")
    r.set_defaults(handler=_retire)


def _line(v: ExpertView) -> str:
    state = "在班" if v.on_duty else ("不在班" if v.active else "已退出")
    kind = (
        "" if v.kind == "expert" else f"{v.kind_label}{'（专席负责人）' if v.desk_lead else ''}  "
    )
    out = (
        f"{v.id}  {v.name}  {kind}{v.unit_name}（{v.unit_id}）  {state}  "
        f"领域：{'、'.join(v.field_labels)}  值班：{'；'.join(v.shift_labels)}"
    )
    if v.phone:
        out += f"  电话：{v.phone}"
    if v.seat:
        out += f"  坐席：{v.seat}"
    if not v.active and v.retired_at:
        out += f"  退出：{v.retired_by} {v.retired_at.astimezone(SHANGHAI):%Y-%m-%d}（{v.retire_reason}）"
    return terminal_safe(out.replace("\n", " ").replace("\r", " "))


def _list(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        found = p.backend(person("命令行", Role.MANAGER)).experts(
            args.field, args.on_duty, args.all, args.kind
        )
    if args.json:
        print(json.dumps([asdict(v) for v in found], ensure_ascii=False, default=str))
        return 0
    if not found:
        print("没有符合条件的专家")
        return 0
    for v in found:
        print(_line(v))
    on_duty = sum(1 for v in found if v.on_duty)
    print(f"共 {len(found)} 人，此刻在班 {on_duty} 人")
    return 0


def _add(args: argparse.Namespace) -> int:
    draft = ExpertDraft(
        name=args.name,
        unit_id=args.unit,
        fields=(args.fields,),  # several, 、 or comma apart: the roster splits them
        shifts=tuple(args.shift),
        phone=args.phone,
        seat=args.seat,
        note=args.note,
        kind=args.kind,
        desk_lead=args.desk_lead,
    )
    with opened_platform() as p:
        expert_id = p.backend(person(args.by, Role.MANAGER)).add_expert(draft)
    print(f"已列入名册 {expert_id}")
    return 0


def _edit(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        backend = p.backend(person(args.by, Role.MANAGER))
        current = {v.id: v for v in backend.experts(include_retired=True)}.get(args.id)
        if current is None:  # before the fields: an unknown id is what is wrong
            raise NotFound("专家", args.id)
        draft = ExpertDraft(
            name=args.name if args.name is not None else current.name,
            unit_id=args.unit if args.unit is not None else current.unit_id,
            fields=(args.fields,) if args.fields is not None else current.fields,
            shifts=tuple(args.shift) if args.shift else current.shifts,
            phone=args.phone if args.phone is not None else current.phone,
            seat=args.seat if args.seat is not None else current.seat,
            note=args.note if args.note is not None else current.note,
            kind=args.kind if args.kind is not None else current.kind,
            desk_lead=args.desk_lead if args.desk_lead is not None else current.desk_lead,
        )
        backend.edit_expert(args.id, draft)
    print(f"专家 {args.id} 已修改")
    return 0


def _retire(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        p.backend(person(args.by, Role.MANAGER)).retire_expert(args.id, args.reason)
    print(f"专家 {args.id} 已退出名册")
    return 0


def _minutes(start: dt.datetime, end: dt.datetime | None) -> str:
    return "—" if end is None else duration((end - start).total_seconds())


def _handoff_line(h: ExpertHandoffView) -> str:
    def at(moment: dt.datetime | None) -> str:
        return "—" if moment is None else f"{moment.astimezone(SHANGHAI):%m-%d %H:%M}"

    state = "已答复" if h.state == "answered" else "待答复"
    to = h.expert_name or f"{h.field_label}专家队列"
    out = (
        f"{h.number}  {state}  {h.field_label} → {to}  转交 {at(h.handed_at)}  "
        f"接手 {at(h.taken_at)}（等待 {_minutes(h.handed_at, h.taken_at)}）  "
        f"答复 {at(h.answered_at)}（用时 {_minutes(h.handed_at, h.answered_at)}）  "
        f"时限 {at(h.due_at)}"
    )
    if h.answered_by:
        out += f"  答复专家：{h.answered_by}"
    if h.article_id:
        out += f"  知识：{h.article_id}"
    return terminal_safe(out.replace("\n", " ").replace("\r", " "))


def _handoffs(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        # a refused --field or --days is named as typed (console.cli)
        found = p.backend(person("命令行", Role.MANAGER)).expert_handoffs(
            args.field, args.waiting, args.days
        )
    if args.json:
        print(json.dumps([asdict(v) for v in found], ensure_ascii=False, default=str))
        return 0
    if not found:
        print(f"最近 {args.days} 天没有符合条件的转专家咨询")
        return 0
    for h in found:
        print(_handoff_line(h))
    waiting = sum(1 for h in found if h.state == "open")
    untaken = sum(1 for h in found if h.taken_at is None)
    print(f"共 {len(found)} 件，待答复 {waiting} 件，其中未接手 {untaken} 件")
    return 0
