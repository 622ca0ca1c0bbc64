"""`hotline report experts`: the expert seats' measures of a period (R-EXPERT, R-CONSULT, R-KB,
R-ENTERPRISE) as a terminal table or ``--json``.

Queue wait (hand-off → an expert opened it) and answer time (hand-off → answered): how many,
the median, the 90th percentile and the mean, for all hand-offs, per field and per unit; the
answers turned into draft articles and into verified ones; policy push reach.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from console.cli import _cell_width, terminal_safe
from console.cli.context import platform
from console.services.clock import SHANGHAI, quarter_of
from console.services.views import SYSTEM_ACTOR, DurationStats, ExpertMeasureLine, ExpertMeasures


def add_experts(subparsers: Any) -> argparse.ArgumentParser:
    """The ``experts`` subcommand of ``report``."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "experts",
        help="专家座席统计：排队等待、答复用时、答复整理为知识的比例、政策推送到达",
        description=(
            "排队等待 = 转交专家至专家首次打开（未打开即答复的，至答复）；答复用时 = 转交至答复。"
            "各列：件数、中位数、90分位、平均。整理率 = 本期答复中整理为知识草稿的比例；"
            "核实率 = 其中已由责任单位核实的比例。"
        ),
    )
    p.add_argument(
        "--period", help="统计期：2026Q4（季度）、2026（年度）或 2026-11（月）；默认本季度"
    )
    p.add_argument("--unit", help="只看这个单位的专家（单位编号，见 hotline unit list）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(handler=run)
    return p


def run(args: argparse.Namespace) -> int:
    p = platform()
    try:
        period = args.period
        if period is None:
            period = quarter_of(p.clock.now().astimezone(SHANGHAI).date())
        m = p.backend(SYSTEM_ACTOR).expert_measures(period, args.unit)  # refusals: console.cli
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps(asdict(m), ensure_ascii=False, default=str))
        return 0
    print_table(m)
    return 0


def duration(seconds: float | None) -> str:
    """12秒, 35分, 2时05分, 3天4时."""
    if seconds is None:
        return "—"
    s = int(round(seconds))
    if s < 60:
        return f"{s}秒"
    minutes = s // 60
    if minutes < 60:
        return f"{minutes}分"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}时{minutes:02d}分"
    days, hours = divmod(hours, 24)
    return f"{days}天{hours}时"


def _stats(d: DurationStats) -> str:
    return f"{d.count} {duration(d.p50_s)}/{duration(d.p90_s)}/{duration(d.mean_s)}"


def _share(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


COLUMNS = (("转交", 6), ("未接手", 8), ("排队等待 件 中位/P90/平均", 30),
           ("答复用时 件 中位/P90/平均", 30), ("整理率", 10), ("核实率", 10))  # fmt: skip


def _pad(text: str, width: int) -> str:
    return text + " " * max(1, width - _cell_width(text))


def _row(line: ExpertMeasureLine) -> str:
    cells = (
        str(line.handed),
        str(line.untaken),
        _stats(line.wait),
        _stats(line.answer),
        f"{_share(line.draft_share)} {line.drafted}",
        f"{_share(line.verified_share)} {line.verified}",
    )
    name = terminal_safe(line.label)
    return "".join(_pad(c, w) for c, (_, w) in zip(cells, COLUMNS, strict=True)) + name


def print_table(m: ExpertMeasures) -> None:
    scope = f"，单位 {m.unit}" if m.unit else ""
    print(f"专家座席统计 {m.period}（{m.start} 至 {m.end} 前{scope}）")
    header = "".join(_pad(title, w) for title, w in COLUMNS)
    print(header + "范围")
    print(_row(m.total))
    for title, lines in (("按领域", m.fields), ("按单位", m.units)):
        print(f"{title}：")
        if not lines:
            print("  （无）")
        for line in lines:
            print(_row(line))
    r = m.push
    reach = _share(r.reach)
    print(
        f"政策推送：{r.articles} 条知识版本推送 {r.pushed} 人次，已送达 {r.delivered}（{reach}），"
        f"未发出 {r.not_sent}；期末在订 {r.subscriptions}，本期退订 {r.unsubscribed}"
    )
