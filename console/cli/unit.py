"""`hotline unit list [--json]`: the dispatch catalogue (派单目录), the unit codes that
`hotline seat add --unit` and the API take."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from console.cli.context import platform
from console.services.knowledge.duty import duty_contacts, set_duty_numbers
from console.services.views import SYSTEM_ACTOR

CATEGORY_LABELS = {
    "provincial": "省直单位",
    "city": "市州",
    "central": "中央驻湘单位",
    "vertical": "垂直管理单位",
    "enterprise": "企业",
    "subcentre": "分中心",
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("unit", help="承办单位：列出派单目录中的单位及其编号")
    verbs = p.add_subparsers(dest="unit_verb", required=True)
    ls = verbs.add_parser("list", help="列出在用的承办单位（编号、名称、类别、所在市州）")
    ls.add_argument("--json", action="store_true", help="输出 JSON（数组）")
    ls.set_defaults(handler=_list)
    duty = verbs.add_parser(
        "duty",
        help="值班号码：各值班机构（省政府总值班室、市州人民政府）和承办单位的值班电话、短信号码",
    )
    duty.add_argument("--json", action="store_true", help="输出 JSON（数组）")
    duty.set_defaults(handler=_duty)
    st = verbs.add_parser(
        "set", help="登记单位或值班机构的值班电话、值班短信号码（特殊事项的通知和报告发往这里）"
    )
    st.add_argument("id", help="单位或值班机构编号（见 hotline unit duty）")
    st.add_argument("--duty-phone", help="值班电话，如 0731-12345678；空字符串清除")
    st.add_argument("--duty-sms", help="值班短信号码（手机号）；空字符串清除")
    st.set_defaults(handler=_set)


def _list(args: argparse.Namespace) -> int:
    p = platform()
    try:
        units = list(p.backend(SYSTEM_ACTOR).units())
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps([asdict(u) for u in units], ensure_ascii=False))
        return 0
    if not units:
        print("（派单目录为空：hotline seed 载入种子数据）")
        return 0
    width = max(len(u.id) for u in units)
    for u in units:
        where = f"  {u.city}" if u.city else ""
        line = f"  热线 {u.hotline}" if u.hotline else ""
        kind = CATEGORY_LABELS.get(u.category, u.category)
        print(
            f"{u.id:<{width}}  {u.name}（{kind}{'，分中心' if u.subcentre else ''}）{where}{line}"
        )
    print(
        f"共 {len(units)} 个单位；席位绑定单位：hotline seat add NAME --role unit_clerk --unit 编号"
    )
    return 0


def _number(value: str) -> str:
    return value or "未登记"


def _duty(args: argparse.Namespace) -> int:
    p = platform()
    try:
        rows = duty_contacts(p.store)
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False))
        return 0
    width = max((len(r.id) for r in rows), default=0)
    for r in rows:
        kind = "值班机构" if r.kind == "office" else "承办单位"
        print(
            f"{r.id:<{width}}  {r.name}（{kind}）  值班电话 {_number(r.duty_phone)}"
            f"  值班短信 {_number(r.duty_sms)}"
        )
    missing = sum(1 for r in rows if not (r.duty_phone and r.duty_sms))
    print(
        f"共 {len(rows)} 个，{missing} 个号码不全；登记：hotline unit set 编号 --duty-phone … --duty-sms …"
    )
    return 0


def _set(args: argparse.Namespace) -> int:
    p = platform()
    try:
        r = set_duty_numbers(p.store, args.id, args.duty_phone, args.duty_sms)
    finally:
        p.store.dispose()
    print(f"{r.id} {r.name}：值班电话 {_number(r.duty_phone)}，值班短信 {_number(r.duty_sms)}")
    return 0
