"""`hotline subcentre list|calls import|kpi`: the sub-centres (分中心) of the catalogue, their
call records sent as a file (R-SUBCENTRE), and their KPIs (R-SUBCENTRE-KPI)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from console.cli import path_arg
from console.cli.context import platform
from console.errors import InputError
from console.services.access import audit
from console.services.analytics.kpi import parse_period
from console.services.analytics.subcentre_kpi import all_subcentre_kpis, subcentre_kpis
from console.services.subcentre.calls import (
    MAX_BATCH,
    BatchRejected,
    batch_subcentre,
    ingest_calls,
    list_subcentres,
    read_records,
)
from console.services.values import Role
from console.services.views import Actor

MAX_FILE = 50 * 1024 * 1024
CLI_ACTOR = Actor(seat="cli:subcentre", name="命令行导入", role=Role.ADMIN)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("subcentre", help="分中心：列出分中心、导入其话务记录、查看分中心考评指标")
    verbs = p.add_subparsers(dest="subcentre_verb", required=True)
    ls = verbs.add_parser("list", help="列出分中心（热线号码、所属单位）")
    ls.add_argument("--json", action="store_true", help="输出 JSON（数组）")
    ls.set_defaults(handler=_list)
    calls = verbs.add_parser("calls", help="分中心话务记录")
    calls_verbs = calls.add_subparsers(dest="calls_verb", required=True)
    imp = calls_verbs.add_parser(
        "import",
        help="导入一个分中心的话务记录文件（JSON Lines 或 CSV）：整批入库或整批不入库，"
        "已报送过的相同记录记为已存在",
    )
    imp.add_argument("file", type=path_arg, metavar="FILE", help=".jsonl/.json 或 .csv 文件")
    imp.add_argument(
        "--subcentre", help="分中心热线号码，如 12333（记录中没有 subcentre 字段时必填）"
    )
    imp.add_argument("--json", action="store_true", help="输出 JSON")
    imp.set_defaults(handler=_import)
    kpi = verbs.add_parser(
        "kpi", help="分中心考评指标（接通率、在线办结率 …），口径见 docs/subcentre_kpi.zh.md"
    )
    kpi.add_argument("--period", required=True, help="期间：2026、2026Q4 或 2026-11")
    kpi.add_argument("--subcentre", help="只看该分中心（热线号码）")
    kpi.add_argument("--json", action="store_true", help="输出 JSON")
    kpi.set_defaults(handler=_kpi)


def _list(args: argparse.Namespace) -> int:
    p = platform()
    try:
        centres = list_subcentres(p.store)
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps([asdict(c) for c in centres], ensure_ascii=False))
        return 0
    if not centres:
        print("（派单目录中没有分中心：hotline seed 载入种子数据）")
        return 0
    for c in centres:
        print(f"{c.code:<6}  {c.name}（{c.unit_id}）")
    print(
        f"共 {len(centres)} 个分中心；分中心席位："
        "hotline seat add NAME --role subcentre_operator --unit 单位编号"
    )
    return 0


def _read(path: Path) -> str:
    if not path.is_file():
        raise InputError("FILE", f"文件不存在：{path}")
    if path.stat().st_size > MAX_FILE:
        raise InputError("FILE", f"文件过大（最多 {MAX_FILE // 1024 // 1024} MB）")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("FILE", "不是 UTF-8 文本文件") from None


def _import(args: argparse.Namespace) -> int:
    path: Path = args.file
    records = read_records(path.name, _read(path))  # before opening the database
    if not records:
        raise InputError("FILE", "文件中没有记录")
    if len(records) > MAX_BATCH:
        raise InputError(
            "FILE", f"一次最多导入 {MAX_BATCH} 条记录，文件有 {len(records)} 条，请分批"
        )
    code = batch_subcentre(records, args.subcentre)
    p = platform()
    try:
        with audit.audit_context(CLI_ACTOR):
            result = ingest_calls(p.store, CLI_ACTOR, code, records, p.clock.now())
    except BatchRejected as exc:
        for problem in exc.problems:
            print(problem.line(), file=sys.stderr)
        print(f"{len(exc.problems)} 条记录有误，整批未入库", file=sys.stderr)
        return 2
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps(asdict(result), ensure_ascii=False))
    else:
        print(f"分中心 {result.subcentre}：新入库 {result.stored} 条，已存在 {result.existing} 条")
    return 0


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _kpi(args: argparse.Namespace) -> int:
    period = parse_period(args.period)
    p = platform()
    try:
        if args.subcentre:
            rows = [subcentre_kpis(p.store, args.subcentre, period)]
        else:
            rows = all_subcentre_kpis(p.store, period)
    finally:
        p.store.dispose()
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False))
        return 0
    for r in rows:
        print(f"{r.code} {r.name}  {r.period}")
        for i in r.indicators:
            figure = f"{i.numerator}/{i.denominator}" if i.denominator else ""
            note = f"（{i.note}）" if i.note else ""
            print(f"  {i.label:<6} {_rate(i.rate):>7}  {figure}{note}")
    if not rows:
        print("（派单目录中没有分中心）")
    return 0
