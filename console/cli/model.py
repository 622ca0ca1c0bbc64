"""`hotline model train|list`: the routing model (R-DISPATCH) learned from the platform.

``train`` learns from the matter catalogue, the knowledge articles and every dispatched
ticket's final unit, and saves a new version in the store; every console and `hotline serve`
picks it up in the background at its next sync. `hotline worker` retrains on its own once
enough new tickets were dispatched (knowledge/training.py).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from console.cli.context import platform


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("model", help="派单建议模型：训练、查看版本")
    verbs = p.add_subparsers(dest="model_verb", metavar="ACTION", required=True)
    t = verbs.add_parser("train", help="用事项清单、知识库和历史工单训练新版本并启用")
    t.add_argument("--json", action="store_true", help="输出 JSON")
    t.set_defaults(handler=_train)
    s = verbs.add_parser("list", help="已训练的版本（最新在前）")
    s.add_argument("--json", action="store_true", help="输出 JSON 列表")
    s.set_defaults(handler=_list)


def _train(args: argparse.Namespace) -> int:
    from console.services.knowledge.training import train_from_store

    p = platform()
    try:
        report = train_from_store(p.store, p.clock.now(), by="hotline model train")
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False))
    else:
        print(
            f"已训练并启用第 {report.version} 版：样本 {report.examples}（其中历史工单 "
            f"{report.history}），去向 {report.targets} 个，特征 {report.features}，"
            f"用时 {report.seconds:.1f} 秒"
        )
    return 0


def _list(args: argparse.Namespace) -> int:
    from console.services.clock import local
    from console.services.knowledge.training import list_models

    p = platform()
    try:
        rows = list_models(p.store)
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, default=str))
        return 0
    if not rows:
        print("尚无已训练的版本（首次使用派单建议时自动训练，或运行 hotline model train）")
    for r in rows:
        print(
            f"第 {r.version} 版  {local(r.trained_at):%Y-%m-%d %H:%M}  {r.trained_by or '—'}  "
            f"样本 {r.examples}  历史工单 {r.history}"
        )
    return 0
