"""`hotline prefiling list|file|approve|reject|withdraw`: pre-filed scopes (报备, R-PREFILING)
from a shell.

``file`` files a scope for a unit as its clerk (waiting for review, 待审核); ``approve`` and
``reject`` are the manager's (省优化办) review, ``reject`` with the reason; ``withdraw`` takes a
pending or unexpired scope back for its unit. Each step runs through the same use cases as the
console and the API and is audited under the name given with ``--by``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import asdict

from console.bootstrap import Platform
from console.cli import terminal_safe
from console.cli.context import opened_platform, person
from console.errors import InputError, NotFound
from console.services.clock import SHANGHAI
from console.services.knowledge import prefiling
from console.services.values import Role
from console.services.views import PrefilingDraft, PrefilingScopeView
from console.store.models import PrefilingRow

STATES = tuple(prefiling.STATE_LABELS)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("prefiling", help="报备：单位提前报备，管理部门审核（R-PREFILING）")
    verbs = p.add_subparsers(dest="prefiling_verb", metavar="ACTION", required=True)

    ls = verbs.add_parser("list", help="列出报备及其审核状态（待审核在前）")
    ls.add_argument("--unit", metavar="U", help="只看该单位的报备（单位 id，如 hn-sgcc）")
    ls.add_argument("--state", choices=STATES, help="只看该状态：" + "、".join(
        f"{c}（{label}）" for c, label in prefiling.STATE_LABELS.items()))  # fmt: skip
    ls.add_argument("--json", action="store_true", help="输出 JSON 列表")
    ls.set_defaults(handler=_list)

    f = verbs.add_parser(
        "file",
        help="为单位提前报备（待管理部门审核）",
        description="事由限于《运行管理办法》第十七条：不可抗力（如恶劣天气）、特殊工作要求、"
        "服务对象恶意诉求。时间不写时区为北京时间。",
    )
    f.add_argument("--unit", required=True, metavar="U", help="报备单位 id，如 hn-sgcc")
    f.add_argument("--by", required=True, help="报备人（记入审计）")
    f.add_argument("--title", required=True, help="报备标题，如：冰灾致岳阳部分线路停电")
    f.add_argument(
        "--reason",
        required=True,
        help="事由：force_majeure（不可抗力）、special_work（特殊工作要求）、malicious（服务对象恶意诉求）",
    )
    f.add_argument("--keywords", required=True, help="关键词，逗号分隔，如：停电,断电")
    f.add_argument("--region", default="", help="区域，如 岳阳市；不写为全省")
    f.add_argument("--starts", required=True, help="开始时间，如 2026-11-25 08:00")
    f.add_argument("--ends", required=True, help="结束时间，如 2026-11-30 20:00")
    f.add_argument("--explanation", required=True, help="答复口径：话务员向来电人解释的话")
    f.set_defaults(handler=_file)

    a = verbs.add_parser("approve", help="审核通过一条待审核的报备（管理部门）")
    a.add_argument("id", metavar="SCOPE", help="报备编号（hotline prefiling list 第一列）")
    a.add_argument("--by", required=True, help="审核人（记入审计）")
    a.add_argument("--note", default="", help="审核意见（可不写）")
    a.set_defaults(handler=_approve)

    r = verbs.add_parser("reject", help="退回一条待审核的报备，须写理由（管理部门）")
    r.add_argument("id", metavar="SCOPE", help="报备编号")
    r.add_argument("--by", required=True, help="审核人（记入审计）")
    r.add_argument("--reason", required=True, help="退回理由")
    r.set_defaults(handler=_reject)

    w = verbs.add_parser("withdraw", help="撤回待审核或未到期的报备，须写原因（报备单位）")
    w.add_argument("id", metavar="SCOPE", help="报备编号")
    w.add_argument("--by", required=True, help="撤回人（记入审计）")
    w.add_argument("--reason", required=True, help="撤回原因，如：已恢复供电")
    w.set_defaults(handler=_withdraw)


def _moment(text: str, field: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(field, "应为时间，如 2026-11-25 08:00") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=SHANGHAI)


def _when(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if moment else "—"


def _list(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        unit = args.unit.strip() if args.unit else None
        if unit is not None and unit not in prefiling_units(p):
            raise NotFound("单位", unit)
        scopes = prefiling.list_scopes(p.store, p.clock.now(), unit, args.state)
    if args.json:
        print(json.dumps([asdict(s) for s in scopes], ensure_ascii=False, default=str))
        return 0
    if not scopes:
        print("没有报备")
        return 0
    for s in scopes:
        print(_line(s))
    pending = sum(1 for s in scopes if s.state == "pending")
    print(
        f"共 {len(scopes)} 条，待审核 {pending} 条；审核：hotline prefiling approve 编号 --by 姓名"
    )
    return 0


def prefiling_units(p: Platform) -> set[str]:
    from console.services.knowledge.upkeep import unit_names

    return set(unit_names(p.store))


def _line(s: PrefilingScopeView) -> str:
    region = s.region or "全省"
    state = s.state_label + ("（生效中）" if s.current else "")
    out = (
        f"{s.id}  {s.unit_id}  {state}  {s.reason_label}  {s.title}  {region}  "
        f"{_when(s.starts)}–{_when(s.ends)}  关键词：{'、'.join(s.keywords)}  "
        f"报备：{s.filed_by} {_when(s.filed_at)}"
    )
    if s.reviewed_at:
        out += f"  审核：{s.reviewed_by} {_when(s.reviewed_at)}"
        if s.review_note:
            out += f"（{s.review_note}）"
    if s.withdrawn_at:
        out += f"  撤回：{s.withdrawn_by} {_when(s.withdrawn_at)}（{s.withdraw_reason}）"
    return terminal_safe(out.replace("\n", " ").replace("\r", " "))


def _file(args: argparse.Namespace) -> int:
    draft = PrefilingDraft(
        title=args.title,
        reason=args.reason,
        keywords=tuple(k for k in args.keywords.replace("，", ",").split(",")),
        region=args.region,
        starts=_moment(args.starts, "starts"),
        ends=_moment(args.ends, "ends"),
        explanation=args.explanation,
    )
    with opened_platform() as p:
        unit = args.unit.strip()
        if unit not in prefiling_units(p):
            raise NotFound("单位", unit)
        scope_id = p.backend(person(args.by, Role.UNIT_CLERK, unit)).file_prefiling(draft)
    print(f"已报备 {scope_id}，待管理部门审核：hotline prefiling approve {scope_id} --by 姓名")
    return 0


def _approve(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        p.backend(person(args.by, Role.MANAGER)).review_prefiling(args.id, True, args.note)
    print(f"报备 {args.id} 已通过，来电落在范围内按报备答复")
    return 0


def _reject(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        p.backend(person(args.by, Role.MANAGER)).review_prefiling(args.id, False, args.reason)
    print(f"报备 {args.id} 已退回")
    return 0


def _withdraw(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        with p.store.read() as s:
            row = s.get(PrefilingRow, args.id)
            unit = row.unit_id if row is not None else None
        if unit is None:
            raise NotFound("报备", args.id)
        p.backend(person(args.by, Role.UNIT_CLERK, unit)).withdraw_prefiling(args.id, args.reason)
    print(f"报备 {args.id} 已撤回，不再按报备答复")
    return 0
