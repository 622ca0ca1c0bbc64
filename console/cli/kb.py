"""`hotline kb search|import|export|review|flags`: the knowledge base from a shell (R-KB).

``search`` asks the same knowledge service the console asks; ``import``/``export`` move
articles in and out as the seed's TOML or as JSON Lines (format in kb_files.py); ``review``
and ``flags`` show each unit's upkeep and its maintenance rate (upkeep.py, R-UNIT-KPI).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from console.bootstrap import Platform
from console.cli import UsageError, path_arg
from console.cli.context import opened_platform
from console.errors import InputError
from console.services.clock import SHANGHAI
from console.services.knowledge import kb_files, upkeep
from console.services.values import DOMAIN_BY_LABEL, Domain
from console.services.views import ArticleHit

LIMIT_MAX = 100
# C0 controls (but tab and newline), DEL and C1 controls: article text never drives the terminal.
_CONTROLS = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)], "\ufffd")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``kb`` verb and its sub-verbs to the ``hotline`` command."""
    p = sub.add_parser("kb", help="知识库：检索、导入、导出、复核与维护率")
    verbs = p.add_subparsers(dest="kb_verb", metavar="ACTION", required=True)

    s = verbs.add_parser("search", help="检索知识（与坐席界面同一检索）")
    s.add_argument("query", metavar="QUERY", help="问题或关键词，如：社保断缴怎么补")
    s.add_argument("--unit", metavar="U", help="只检索该单位的知识（单位 id，如 hn-rst）")
    s.add_argument("--domain", metavar="D", help="只检索该领域：" + "、".join(DOMAIN_BY_LABEL))
    s.add_argument("--limit", type=int, default=10, metavar="N", help="最多 N 条（默认 10）")
    s.add_argument("--json", action="store_true", help="输出 JSON 列表")
    s.set_defaults(handler=_search)

    i = verbs.add_parser(
        "import",
        help="从文件导入知识（逐条校验，有任何问题则一条都不导入）",
        description=(
            "导入 TOML（[[article]]，格式同 knowledge_seed/articles）或 JSON Lines（每行一条）。"
            "每条记录用 unit 指明所属单位，或由文件名（如 hn-rst.toml）指明。"
            "已有的条目按 id 更新，不会重复。"
        ),
    )
    i.add_argument("file", type=path_arg, metavar="FILE")
    i.add_argument("--format", choices=kb_files.FORMATS, help="文件格式（默认按扩展名）")
    i.set_defaults(handler=_import)

    e = verbs.add_parser("export", help="导出知识（导入可原样读回）")
    e.add_argument("--format", choices=kb_files.FORMATS, help="toml（默认）或 jsonl")
    e.add_argument("--unit", metavar="U", help="只导出该单位的知识")
    e.add_argument("--out", type=path_arg, metavar="FILE", help="写入文件（默认输出到标准输出）")
    e.set_defaults(handler=_export)

    r = verbs.add_parser("review", help="逾期未复核的知识与各单位知识库维护率")
    r.add_argument("--unit", metavar="U", help="只看该单位")
    r.add_argument("--json", action="store_true", help="输出 JSON")
    r.set_defaults(handler=_review)

    f = verbs.add_parser("flags", help="坐席报告有误或过时、尚未处理的知识")
    f.add_argument("--unit", metavar="U", help="只看该单位")
    f.add_argument("--json", action="store_true", help="输出 JSON 列表")
    f.set_defaults(handler=_flags)


def _today(p: Platform) -> dt.date:
    return p.clock.now().astimezone(SHANGHAI).date()


def _plain(text: str) -> str:
    """One line of article or operator text, safe to print to a terminal."""
    return " ".join(text.translate(_CONTROLS).split())


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: Sequence[Sequence[str]], right: Sequence[bool] = ()) -> list[str]:
    """Columns padded to their display width (CJK characters are two cells wide)."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(cell))
            cells.append(pad + cell if i < len(right) and right[i] else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return lines


def _check_unit(unit: str | None, known: Callable[[], dict[str, str]]) -> str | None:
    if unit is None:
        return None
    unit = unit.strip()
    if unit not in known():
        raise UsageError(f"--unit: 单位 {unit!r} 不在派单目录中")
    return unit


def _json_default(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(SHANGHAI).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _dump(doc: Any) -> None:
    print(json.dumps(doc, ensure_ascii=False, default=_json_default))


def _status(status: str) -> str:
    return upkeep.STATUS_LABELS.get(status, status)


# ---------------------------------------------------------------------------- search
def _hit_document(rank: int, h: ArticleHit) -> dict[str, Any]:
    return {
        "rank": rank,
        "article_id": h.article_id,
        "unit_id": h.unit_id,
        "unit_name": h.unit_name,
        "status": h.status,
        "status_label": _status(h.status),
        "question": h.question,
        "snippet": h.snippet,
        "score": h.score,
        "why": list(h.why),
    }


def _search(args: argparse.Namespace) -> int:
    query = args.query.strip()
    if not query:
        raise UsageError("QUERY: 检索词为空")
    if not 1 <= args.limit <= LIMIT_MAX:
        raise UsageError(f"--limit: 应为 1–{LIMIT_MAX}")
    domain: str | None = None
    if args.domain is not None:
        try:
            domain = Domain.parse(args.domain.strip()).value
        except ValueError:
            raise UsageError(
                f"--domain: 未知的领域 {args.domain!r}（应为 {'、'.join(DOMAIN_BY_LABEL)} 之一）"
            ) from None
    with opened_platform() as p:
        unit = _check_unit(args.unit, lambda: upkeep.unit_names(p.store))
        hits = p.knowledge.search(query, unit=unit, domain=domain, limit=args.limit)
    if args.json:
        _dump([_hit_document(n, h) for n, h in enumerate(hits, start=1)])
        return 0
    if not hits:
        print("没有找到相关知识")
        return 0
    rows = [
        [str(n), h.article_id, _plain(h.unit_name), _status(h.status), _plain(h.question)]
        for n, h in enumerate(hits, start=1)
    ]
    for n, (line, h) in enumerate(zip(_table(rows, right=[True]), hits, strict=True)):
        print(line)
        if h.why:
            indent = " " * (_width(rows[n][0]) + 2)
            print(f"{indent}依据：{_plain('；'.join(h.why))}")
    return 0


# ---------------------------------------------------------------------------- import / export
def _import(args: argparse.Namespace) -> int:
    path: Path = args.file
    fmt = kb_files.format_of(path, args.format)  # before opening the database
    if not path.exists():
        raise InputError("FILE", f"文件不存在：{path}")
    with opened_platform() as p:
        # This process searches nothing afterwards, so its index is not built just to be
        # refreshed; running consoles pick the import up by their own sync (SYNC_SECONDS).
        report = kb_files.import_file(p.store, path, p.clock.now(), fmt)
    if not report.total:
        print(f"{path.name}：文件中没有知识条目，未作任何更改")
        return 0
    print(
        f"{path.name}：共 {report.total} 条，新增 {report.added}，更新 {report.updated}，"
        f"未变 {report.unchanged}" + ("" if report.changed else "（无变化）")
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    out: Path | None = args.out
    fmt = args.format or (kb_files.format_of(out) if out and out.suffix else "toml")
    with opened_platform() as p:
        unit = _check_unit(args.unit, lambda: upkeep.unit_names(p.store))
        text, count = kb_files.export_articles(p.store, fmt, unit)
    if out is None:
        sys.stdout.write(text)
        return 0
    kb_files.write_text(out, text)
    print(f"已导出 {count} 条知识到 {out}（{fmt}）")
    return 0


# ---------------------------------------------------------------------------- review / flags
def _rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def _review(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        unit = _check_unit(args.unit, lambda: upkeep.unit_names(p.store))
        today = _today(p)
        due = upkeep.review_due(p.store, today, unit)
        rates = upkeep.maintenance_rates(p.store, today, unit)
    if args.json:
        _dump(
            {
                "today": today,
                "flag_grace_days": upkeep.FLAG_GRACE_DAYS,
                "review_due": [asdict(d) for d in due],
                "rates": [asdict(r) for r in rates],
            }
        )
        return 0
    print(f"逾期未复核的知识（复核期限早于 {today}）：{len(due)} 条")
    current_unit = None
    rows: list[list[str]] = []
    for d in due:
        if d.unit_id != current_unit:
            if rows:
                print("\n".join("  " + line for line in _table(rows)))
                rows = []
            current_unit = d.unit_id
            print(f"{_plain(d.unit_name)}（{d.unit_id}）")
        rows.append(
            [
                d.article_id,
                f"复核期限 {d.review_by}",
                f"逾期 {d.days_overdue} 天",
                _status(d.status),
                _plain(d.question),
            ]
        )
    if rows:
        print("\n".join("  " + line for line in _table(rows)))
    print()
    print(
        f"知识库维护率（R-UNIT-KPI）= 在复核期内且无超过 {upkeep.FLAG_GRACE_DAYS} 天"
        "未处理报错的条目 ÷ 全部条目"
    )
    table = [["单位", "名称", "条目", "在维护", "逾期复核", "未处理报错", "草稿", "维护率"]]
    table += [
        [
            r.unit_id,
            _plain(r.name),
            str(r.articles),
            str(r.current),
            str(r.overdue_review),
            str(r.open_flags),
            str(r.drafts),
            _rate_text(r.rate),
        ]
        for r in rates
    ]
    print("\n".join(_table(table, right=[False, False] + [True] * 6)))
    return 0


def _flags(args: argparse.Namespace) -> int:
    with opened_platform() as p:
        unit = _check_unit(args.unit, lambda: upkeep.unit_names(p.store))
        flags = upkeep.open_flags(p.store, _today(p), unit)
    if args.json:
        _dump([asdict(f) for f in flags])
        return 0
    if not flags:
        print("没有未处理的报错")
        return 0
    print(f"未处理的报错：{len(flags)} 条（超过 {upkeep.FLAG_GRACE_DAYS} 天未处理的计入维护率）")
    current_unit = None
    for f in flags:
        if f.unit_id != current_unit:
            current_unit = f.unit_id
            print(f"{_plain(f.unit_name)}（{f.unit_id}）")
        when = f.at.astimezone(SHANGHAI)
        print(
            f"  #{f.id}  {f.article_id}  {f.problem_label}  {when:%Y-%m-%d %H:%M}"
            f"  {_plain(f.flagged_by)}  已 {f.age_days} 天  {_plain(f.question)}"
        )
        if f.note.strip():
            print(f"      说明：{_plain(f.note)}")
    return 0
