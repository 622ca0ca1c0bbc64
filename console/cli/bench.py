"""`hotline bench [NAME …]`: run the project's benchmarks (each against its own baseline).

The benchmarks live in ``benchmarks/`` of the checkout; each exposes ``run() -> dict`` and
prints its own figures. Without names, the quick ones run (due, search, answers, routing,
duplicates, kinds, startup) — the answers, routing, duplicates and kinds ones on the real messages first
(../shared/data, where present); ``queues``, ``load``, ``centre``, ``kpi``, ``dashboard`` and ``experts``
need PostgreSQL and, with ``push``, are run by name.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from console.cli import UsageError
from console.config import REPO_ROOT

BENCHMARKS = {
    "due": "bench_due.py",
    "search": "bench_search.py",
    "routing": "bench_routing.py",
    "answers": "bench_answers.py",
    "duplicates": "bench_duplicates.py",
    "kinds": "bench_kinds.py",
    "startup": "bench_startup.py",
    "push": "bench_push.py",
    "queues": "bench_queues.py",
    "load": "load_test.py",
    "centre": "load_centre.py",
    "kpi": "bench_kpi.py",
    "dashboard": "bench_dashboard.py",
    "experts": "bench_experts.py",
    "hot": "bench_hot.py",
}
DEFAULT = ("due", "search", "answers", "routing", "duplicates", "kinds", "startup")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("bench", help="运行基准测试（与基线同场对比）")
    p.add_argument(
        "names", nargs="*", help=f"可选：{'、'.join(BENCHMARKS)}（默认 {'、'.join(DEFAULT)}）"
    )
    p.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace) -> int:
    names = args.names or list(DEFAULT)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise UsageError(
            f"names: 未知的基准测试 {', '.join(unknown)}（可选：{', '.join(BENCHMARKS)}）"
        )
    failed = []
    for name in names:
        path: Path = REPO_ROOT / "benchmarks" / BENCHMARKS[name]
        if not path.exists():
            raise UsageError(f"{name}: 找不到 {path}（基准测试随源码检出提供）")
        print(f"== {name} ==", flush=True)
        # each benchmark prints its own figures next to its baseline
        if subprocess.run([sys.executable, str(path)], cwd=REPO_ROOT).returncode != 0:
            failed.append(name)
    if failed:
        print(f"未达标或出错：{'、'.join(failed)}", file=sys.stderr)
        return 1
    return 0
