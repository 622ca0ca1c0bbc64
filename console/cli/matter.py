"""`hotline matter list [--json]`: the matter types (事项类型) a ticket may be recorded with,
under their domains (R-DOMAIN), and which of them carry a limit set by law (法律法规另有规定).
These are the values `hotline due --matter-type` takes."""

from __future__ import annotations

import argparse
import json

from console.cli.context import rule_table
from console.services.categories import MATTER_TYPES
from console.services.values import Domain

LIST_COMMAND = "hotline matter list"


def known_matter_types() -> dict[str, Domain | None]:
    """Every matter type, with its domain (None: known only from a law-set limit)."""
    known: dict[str, Domain | None] = {}
    for domain, names in MATTER_TYPES.items():
        for name in names:
            known.setdefault(name, domain)
    for override in rule_table().overrides:
        known.setdefault(override.matter_type, None)
    return known


def law_set() -> set[str]:
    """The matter types whose limits a law sets (knowledge_seed/limit_overrides.toml)."""
    return {o.matter_type for o in rule_table().overrides}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("matter", help="事项类型：列出工单可登记的事项类型")
    verbs = p.add_subparsers(dest="matter_verb", required=True)
    ls = verbs.add_parser(
        "list", help="按领域列出事项类型；标“法定时限”的按法律法规另有规定计算时限"
    )
    ls.add_argument("--json", action="store_true", help="输出 JSON（数组）")
    ls.set_defaults(handler=_list)


def _list(args: argparse.Namespace) -> int:
    known = known_matter_types()
    by_law = law_set()
    if args.json:
        rows = [
            {"matter_type": name, "domain": d.value if d else None, "law_set_limit": name in by_law}
            for name, d in known.items()
        ]
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    for domain in Domain:
        names = [n for n, d in known.items() if d is domain]
        if names:
            marked = [f"{n}（法定时限）" if n in by_law else n for n in names]
            print(f"{domain.label}：{'、'.join(marked)}")
    loose = [n for n, d in known.items() if d is None]
    if loose:
        print(f"其他（法定时限）：{'、'.join(loose)}")
    print(f"共 {len(known)} 个事项类型；计算时限：hotline due --matter-type 事项类型")
    return 0
