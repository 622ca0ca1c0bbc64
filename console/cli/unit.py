"""`hotline unit list [--json]`: the dispatch catalogue (派单目录), the unit codes that
`hotline seat add --unit` and the API take."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from console.cli.context import platform
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
        print(f"{u.id:<{width}}  {u.name}（{kind}{'，分中心' if u.subcentre else ''}）{where}{line}")
    print(f"共 {len(units)} 个单位；席位绑定单位：hotline seat add NAME --role unit_clerk --unit 编号")
    return 0
