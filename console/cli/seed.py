"""`hotline seed`: load the knowledge seed (units, articles, grounds, pre-filing, calendars)."""

from __future__ import annotations

import argparse

from console.cli import path_arg
from console.cli.context import platform
from console.services.knowledge.seeding import seed_store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("seed", help="载入知识库种子数据（可重复运行，不会重复写入）")
    p.add_argument("--dir", type=path_arg, default=None, help="种子目录（默认 knowledge_seed/）")
    p.set_defaults(handler=_seed)


def _seed(args: argparse.Namespace) -> int:
    p = platform()
    try:
        report = seed_store(p.store, args.dir or p.settings.seed_dir, p.clock.now())
        if p.calendar is not None:
            p.calendar.invalidate()
    finally:
        p.store.dispose()
    print(
        f"单位 新增{report.units_added} 更新{report.units_updated}；"
        f"知识 新增{report.articles_added} 更新{report.articles_updated}；"
        f"不予受理情形 {report.grounds}；报备 {report.prefiling}；同义词 {report.synonyms}；"
        f"事项清单 {report.matters}；日历 {report.calendars}"
        + ("" if report.changed else "（无变化）")
    )
    return 0
