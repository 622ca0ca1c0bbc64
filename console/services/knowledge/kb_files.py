"""Knowledge articles in and out of files: `hotline kb import` and `hotline kb export` (R-KB).

Two formats carry the same records (knowledge_seed/README.md, ``articles/<unit-id>.toml``):

* ``toml`` — ``[[article]]`` tables, read with tomllib, written with tomli_w;
* ``jsonl`` — JSON Lines, one article object per line with the same keys, dates as ISO text.

Each record may name its owner unit with a ``unit`` key; without one, the unit is implied by
the file name when that is a unit id of the catalogue (``hn-rst.toml``). Export always writes
``unit``, so what export writes, import reads back unchanged.

An import checks every record first — with the seed's own checks (``parse_article``,
``check_references``) plus what only a hand-made file gets wrong (unknown keys, over-long ids,
terminal control characters) — and reports one line
per problem, ``第 N 条（id）：answer 为空``. A file with any problem imports nothing; a clean
file is written in one transaction (``apply_seed``): new articles added, edited ones updated
in place, the rest left alone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from sqlalchemy import func, select

from console.errors import InputError
from console.services.knowledge.seed import (
    ArticleRecord,
    Problems,
    Seed,
    SeedError,
    check_references,
    parse_article,
)
from console.services.knowledge.seeding import apply_seed
from console.services.knowledge.service import KnowledgeService, article_record
from console.store.engine import Store
from console.store.models import ArticleRow, MatterRow, UnitRow

FORMATS = ("toml", "jsonl")
SUFFIXES = {".toml": "toml", ".jsonl": "jsonl", ".ndjson": "jsonl"}
ARTICLE_KEYS = (
    "id",
    "unit",
    "question",
    "alt_questions",
    "answer",
    "basis",
    "domain",
    "tags",
    "enterprise",
    "effective",
    "review_by",
    "status",
    "matter",
)
ID_MAX = 40  # width of articles.id (ArticleRow)
TEXT_KEYS = ("id", "unit", "question", "answer", "basis")
LIST_KEYS = ("alt_questions", "tags")
# C0 controls but tab and newline, DEL, C1 controls: they would drive the operator's terminal.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_REFERENCE = re.compile(r"article #(\d+) (.*)", re.DOTALL)
_NUMBER = re.compile(r"第 (\d+) 条")
_UNREADABLE = object()  # a JSON Lines record that was not JSON (already reported)
_TOML_HEADER = "# 知识条目（hotline kb export）；格式见 knowledge_seed/README.md\n\n"


@dataclass(frozen=True)
class ImportReport:
    """What an import changed."""

    added: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def where(number: int, article_id: object) -> str:
    """How a problem line names a record: ``第 3 条（hn-rst-009）``."""
    if isinstance(article_id, str) and article_id.strip():
        shown = _CONTROLS.sub("\ufffd", article_id.strip())
        if len(shown) > ID_MAX:
            shown = shown[:ID_MAX] + "…"
        return f"第 {number} 条（{shown}）"
    return f"第 {number} 条"


class _RecordProblems(Problems):
    """Problems worded for an import file: ``第 N 条（id）：…``.

    ``check_references`` names a record ``article #k id`` by its place in the list it was
    given; ``numbers`` maps that place back to the record's number in the file (records that
    could not be parsed at all are not in that list).
    """

    def __init__(self) -> None:
        super().__init__()
        self.numbers: list[int] = []
        self.first: dict[str, int] = {}  # article id → number of the record that has it first

    def add(self, where_: str, problem: str) -> None:
        ref = _REFERENCE.fullmatch(where_)
        if ref is not None:
            article_id = ref.group(2)
            if problem == "id 重复":
                if not article_id:
                    return  # a missing id is already reported as "id 为空"
                problem += f"（与第 {self.first[article_id]} 条相同）"
            where_ = where(self.numbers[int(ref.group(1)) - 1], article_id)
        self.lines.append(f"{where_}：{problem}")

    def by_record(self) -> list[str]:
        """The lines, file-level ones first, then record by record (stable within one)."""

        def number(line: str) -> int:
            found = _NUMBER.match(line)
            return int(found.group(1)) if found else 0

        return sorted(self.lines, key=number)


# ---------------------------------------------------------------------------- formats
def format_of(path: Path, given: str | None = None) -> str:
    """The format named by ``--format`` or else by the file's extension."""
    if given:
        if given not in FORMATS:
            raise InputError("--format", f"应为 {' 或 '.join(FORMATS)}")
        return given
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            "--format", f"无法从扩展名 {path.suffix or '（无）'} 判断格式，请指定 toml 或 jsonl"
        )
    return fmt


def _toml_records(text: str, problems: Problems) -> list[object]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.add("文件", f"不是有效的 TOML：{exc}")
        return []
    extra = sorted(k for k in doc if k != "article")
    if extra:
        problems.add("文件", f"未知的顶层键：{'、'.join(extra)}（知识条目应写在 [[article]] 中）")
    records = doc.get("article", [])
    if not isinstance(records, list):
        problems.add("文件", "article 应为 [[article]] 表的数组")
        return []
    return records


def _jsonl_records(text: str, problems: Problems) -> list[object]:
    records: list[object] = []
    # split on "\n" only: json.dumps(ensure_ascii=False) leaves U+2028 and the like raw
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            number = len(records) + 1
            problems.add(where(number, None), f"第 {line_no} 行不是有效的 JSON（{exc.msg}）")
            records.append(_UNREADABLE)
    return records


def read_records(data: bytes, fmt: str, problems: Problems) -> list[object]:
    """The raw records of a file, in order; file-level problems go to ``problems``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add("文件", "不是 UTF-8 编码的文本")
        return []
    return _toml_records(text, problems) if fmt == "toml" else _jsonl_records(text, problems)


# ---------------------------------------------------------------------------- checking
def _file_checks(rec: Mapping[str, Any], place: str, problems: Problems) -> None:
    """What ``parse_article`` does not check because the curated seed never needs it."""
    unknown = sorted(str(k) for k in rec if k not in ARTICLE_KEYS)
    if unknown:
        problems.add(place, f"未知字段：{'、'.join(unknown)}")
    article_id = rec.get("id")
    if isinstance(article_id, str) and len(article_id.strip()) > ID_MAX:
        problems.add(place, f"id 过长（最多 {ID_MAX} 个字符）")
    for key in TEXT_KEYS + LIST_KEYS:
        value = rec.get(key)
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and _CONTROLS.search(t) for t in texts):
            problems.add(place, f"{key} 含控制字符")


def check_records(
    raw: Iterable[object],
    default_unit: str,
    known_units: Iterable[str],
    problems: _RecordProblems | None = None,
    known_matters: Iterable[str] | None = None,
) -> list[ArticleRecord]:
    """Every record parsed and checked; raises SeedError listing every problem.

    Args:
        raw: the records as read from the file, in file order.
        default_unit: the owner of records without a ``unit`` key ("" for none).
        known_units: ids of the units of the dispatch catalogue.
        problems: problems found while reading the file, reported with the others.
        known_matters: ids of the matter types (事项清单) an article may name; None: not checked.
    """
    matters = None if known_matters is None else set(known_matters)
    problems = _RecordProblems() if problems is None else problems
    articles: list[ArticleRecord] = []
    for number, rec in enumerate(raw, start=1):
        if rec is _UNREADABLE:
            continue
        if not isinstance(rec, dict):
            problems.add(where(number, None), "应为一个对象（键值表）")
            continue
        place = where(number, rec.get("id"))
        _file_checks(rec, place, problems)
        article = parse_article(rec, default_unit, place, problems)
        if matters is not None and article.matter and article.matter not in matters:
            problems.add(place, f"matter 未知：{article.matter}（应为事项清单中的事项 id）")
        articles.append(article)
        problems.numbers.append(number)
        problems.first.setdefault(article.id, number)
    check_references((), articles, problems, known_units=known_units)
    if problems.lines:
        raise SeedError(problems.by_record())
    return articles


def _catalogue(store: Store) -> set[str]:
    """Ids of the units an article may belong to (active units of the catalogue)."""
    with store.read() as s:
        return set(s.execute(select(UnitRow.id).where(UnitRow.active.is_(True))).scalars())


def _stamp(store: Store, now: dt.datetime) -> dt.datetime:
    """``now``, or just after the newest article stamp when the clock is not past it.

    Consoles pick up other processes' edits by an ``updated_at`` watermark (``updated_at >
    mark``). A drill clock frozen at the moment the seed was loaded would stamp the import
    with that very moment, and no running console would ever see it.
    """
    with store.read() as s:
        newest = s.execute(select(func.max(ArticleRow.updated_at))).scalar()
    if newest is not None and now <= newest:
        return newest + dt.timedelta(microseconds=1)
    return now


def import_articles(
    store: Store,
    data: bytes,
    fmt: str,
    now: dt.datetime,
    *,
    name: str = "",
    knowledge: KnowledgeService | None = None,
) -> ImportReport:
    """Check every record of a file and, if all are sound, upsert them in one transaction.

    Args:
        store: where the articles live.
        data: the file's bytes.
        fmt: ``toml`` or ``jsonl``.
        now: the import's moment (stamped on added and updated articles).
        name: the file name; implies the owner unit when it is a unit id (``hn-rst.toml``).
        knowledge: this process's knowledge service, refreshed so its next search sees the
            import (other processes pick it up by their own sync).

    Raises:
        SeedError: one line per problem; nothing was written.
    """
    if fmt not in FORMATS:
        raise InputError("--format", f"应为 {' 或 '.join(FORMATS)}")
    problems = _RecordProblems()
    raw = read_records(data, fmt, problems)
    known = _catalogue(store)
    with store.read() as s:
        matters = set(s.execute(select(MatterRow.id)).scalars())
    stem = Path(name).stem if name else ""
    articles = check_records(raw, stem if stem in known else "", known, problems, matters)
    if not articles:
        return ImportReport(0, 0, 0)
    by = f"kb import {Path(name).name}".strip()[:80]
    report = apply_seed(store, Seed(articles=tuple(articles)), _stamp(store, now), by=by)
    if knowledge is not None:
        knowledge.refresh()
    return ImportReport(
        added=report.articles_added,
        updated=report.articles_updated,
        unchanged=len(articles) - report.articles_added - report.articles_updated,
    )


def import_file(
    store: Store,
    path: Path,
    now: dt.datetime,
    fmt: str | None = None,
    knowledge: KnowledgeService | None = None,
) -> ImportReport:
    """:func:`import_articles` on a file (format from ``fmt`` or the extension)."""
    kind = format_of(path, fmt)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("FILE", f"文件不存在：{path}") from None
    except OSError as exc:
        raise InputError("FILE", f"无法读取 {path}：{exc.strerror or exc}") from None
    return import_articles(store, data, kind, now, name=path.name, knowledge=knowledge)


# ---------------------------------------------------------------------------- export
def article_document(a: ArticleRecord) -> dict[str, Any]:
    """An article as a file record, keys in the README's order (dates as dates)."""
    return {
        "id": a.id,
        "unit": a.unit_id,
        "question": a.question,
        "alt_questions": list(a.alt_questions),
        "answer": a.answer,
        "basis": a.basis,
        "domain": a.domain.label,
        "tags": list(a.tags),
        "enterprise": a.enterprise,
        "effective": a.effective,
        "review_by": a.review_by,
        "status": a.status,
        **({"matter": a.matter} if a.matter else {}),
    }


def render(articles: Iterable[ArticleRecord], fmt: str) -> str:
    """The text of a file in ``fmt`` holding ``articles``."""
    docs = [article_document(a) for a in articles]
    if fmt == "toml":
        return _TOML_HEADER + tomli_w.dumps({"article": docs}, multiline_strings=True)
    if fmt == "jsonl":
        return "".join(json.dumps(d, ensure_ascii=False, default=str) + "\n" for d in docs)
    raise InputError("--format", f"应为 {' 或 '.join(FORMATS)}")


def export_articles(store: Store, fmt: str, unit: str | None = None) -> tuple[str, int]:
    """All articles (or one unit's), ordered by unit and id, as file text; and how many."""
    with store.read() as s:
        if unit is not None and s.get(UnitRow, unit) is None:
            raise InputError("--unit", f"单位 {unit} 不在派单目录中")
        q = select(ArticleRow).order_by(ArticleRow.unit_id, ArticleRow.id)
        if unit is not None:
            q = q.where(ArticleRow.unit_id == unit)
        articles = [article_record(r) for r in s.execute(q).scalars()]
    return render(articles, fmt), len(articles)


def write_text(path: Path, text: str) -> None:
    """Write a whole file or nothing (a temporary file renamed over the target)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("--out", f"目录不存在：{folder}")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
