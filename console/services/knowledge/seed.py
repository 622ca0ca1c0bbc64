"""Reading and validating the knowledge seed (knowledge_seed/README.md documents the format).

Everything here is pure: files in, frozen records out. A bad record is reported as one
line naming its file, record number and field; nothing is returned half-way.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import HotlineError
from console.services.values import CITY_OWNER, DOMAIN_BY_LABEL, Domain

UNIT_CATEGORIES = ("provincial", "vertical", "enterprise", "city", "central")
DUTY_NUMBER = re.compile(r"\+?\d[\d-]{1,18}\d")
"""A duty phone or SMS number: digits, an area-code hyphen allowed (0731-12345678, 12345)."""
ARTICLE_STATUSES = ("draft", "verified")
PREFILING_REASONS = ("force_majeure", "special_work", "malicious")


@dataclass(frozen=True)
class UnitRecord:
    """A handling unit of the dispatch catalogue (派单目录)."""

    id: str
    name: str
    full_name: str
    category: str
    city: str
    subcentre: bool
    hotline: str
    contact_role: str
    domains: tuple[Domain, ...]
    duties: tuple[str, ...]
    keywords: tuple[str, ...]
    duty_phone: str = ""  # 值班电话 (Art. 18); an empty seed value keeps what was set by hand
    duty_sms: str = ""  # 值班短信号码


@dataclass(frozen=True)
class DutyOfficeRecord:
    """A government duty office that receives special-incident reports (Art. 18): the
    provincial 总值班室 (no city) or a city's 人民政府 (当地人民政府)."""

    id: str
    name: str
    city: str
    duty_phone: str = ""
    duty_sms: str = ""


@dataclass(frozen=True)
class ArticleRecord:
    """A knowledge article owned by one unit (R-KB)."""

    id: str
    unit_id: str
    question: str
    alt_questions: tuple[str, ...]
    answer: str
    basis: str
    domain: Domain
    tags: tuple[str, ...]
    enterprise: bool
    effective: dt.date
    review_by: dt.date
    status: str
    matter: str = ""  # the matter type (事项清单 id) the article answers, if one


@dataclass(frozen=True)
class GroundRecord:
    """One of the ten inadmissibility grounds (R-INADMISSIBLE) with its script (话术)."""

    number: int
    title: str
    script: str
    basis: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class PrefilingRecord:
    """A pre-filed scope (报备, R-PREFILING)."""

    id: str
    unit_id: str
    reason: str
    title: str
    keywords: tuple[str, ...]
    region: str
    starts: dt.datetime
    ends: dt.datetime
    explanation: str


@dataclass(frozen=True)
class BureauRecord:
    """A kind of city bureau (市直部门) the city 优化办 forwards local matters to (事项清单)."""

    id: str
    name: str
    duties: tuple[str, ...]

    @property
    def target(self) -> str:
        return CITY_OWNER + self.id


@dataclass(frozen=True)
class MatterRecord:
    """A matter type of the matter catalogue (事项清单): who handles it, under which law.

    ``owner`` is a unit id or ``city:<bureau id>`` (see knowledge_seed/matters.toml).
    """

    id: str
    name: str
    domain: Domain
    owner: str
    also: tuple[str, ...]
    basis: str
    describe: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Seed:
    units: tuple[UnitRecord, ...] = ()
    articles: tuple[ArticleRecord, ...] = ()
    grounds: tuple[GroundRecord, ...] = ()
    prefiling: tuple[PrefilingRecord, ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()
    bureaus: tuple[BureauRecord, ...] = ()
    matters: tuple[MatterRecord, ...] = ()
    duty_offices: tuple[DutyOfficeRecord, ...] = ()


@dataclass
class Problems:
    """Collects one line per problem; raised as a SeedError at the end."""

    lines: list[str] = field(default_factory=list)

    def add(self, where: str, problem: str) -> None:
        self.lines.append(f"{where}: {problem}")


class SeedError(HotlineError):
    """The seed (or an import file) has problems; one line each."""

    exit_status = 2

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        head = f"{len(self.lines)} 个问题，未导入任何记录"
        super().__init__(head + "\n" + "\n".join(self.lines))


def _text(
    rec: Mapping[str, Any], key: str, where: str, problems: Problems, required: bool = True
) -> str:
    value = rec.get(key, "")
    if not isinstance(value, str):
        problems.add(where, f"{key} 应为文本")
        return ""
    value = value.strip()
    if required and not value:
        problems.add(where, f"{key} 为空")
    return value


def _texts(rec: Mapping[str, Any], key: str, where: str, problems: Problems) -> tuple[str, ...]:
    value = rec.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(where, f"{key} 应为文本列表")
        return ()
    return tuple(v.strip() for v in value if v.strip())


def _flag(rec: Mapping[str, Any], key: str, where: str, problems: Problems) -> bool:
    value = rec.get(key, False)
    if not isinstance(value, bool):
        problems.add(where, f"{key} 应为 true 或 false")
        return False
    return value


def _date(rec: Mapping[str, Any], key: str, where: str, problems: Problems) -> dt.date:
    value = rec.get(key)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.add(where, f"{key} 应为日期（YYYY-MM-DD）")
    return dt.date(1970, 1, 1)


def _datetime(rec: Mapping[str, Any], key: str, where: str, problems: Problems) -> dt.datetime:
    value = rec.get(key)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            value = None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    problems.add(where, f"{key} 应为带时区的时间（如 2026-12-01T00:00:00+08:00）")
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _domain(label: Any, where: str, problems: Problems) -> Domain:
    if isinstance(label, str):
        if label in DOMAIN_BY_LABEL:
            return DOMAIN_BY_LABEL[label]
        try:
            return Domain(label)
        except ValueError:
            pass
    problems.add(where, f"domain 未知：{label!r}（应为 {'、'.join(DOMAIN_BY_LABEL)} 之一）")
    return Domain.OTHER


def parse_unit(rec: Mapping[str, Any], where: str, problems: Problems) -> UnitRecord:
    category = _text(rec, "category", where, problems)
    if category and category not in UNIT_CATEGORIES:
        problems.add(where, f"category 未知：{category}（应为 {', '.join(UNIT_CATEGORIES)}）")
    domains = tuple(_domain(d, where, problems) for d in rec.get("domains", []))
    return UnitRecord(
        id=_text(rec, "id", where, problems),
        name=_text(rec, "name", where, problems),
        full_name=_text(rec, "full_name", where, problems, required=False)
        or str(rec.get("name", "")),
        category=category,
        city=_text(rec, "city", where, problems, required=False),
        subcentre=_flag(rec, "subcentre", where, problems),
        hotline=str(rec.get("hotline", "")).strip(),
        contact_role=_text(rec, "contact_role", where, problems, required=False),
        domains=domains,
        duties=_texts(rec, "duties", where, problems),
        keywords=_texts(rec, "keywords", where, problems),
        duty_phone=_duty_number(rec, "duty_phone", where, problems),
        duty_sms=_duty_number(rec, "duty_sms", where, problems),
    )


def _duty_number(rec: Mapping[str, Any], key: str, where: str, problems: Problems) -> str:
    value = str(rec.get(key, "") or "").strip()
    reason = duty_number_problem(value)
    if reason:
        problems.add(where, f"{key} {reason}")
    return value


def duty_number_problem(value: str) -> str:
    """Why ``value`` is not a duty phone/SMS number (empty: it is one, or none is given)."""
    if value and not DUTY_NUMBER.fullmatch(value):
        return "应为电话号码（3至20位数字，可含区号连字符，如 0731-12345678）"
    return ""


def parse_duty_office(rec: Mapping[str, Any], where: str, problems: Problems) -> DutyOfficeRecord:
    return DutyOfficeRecord(
        id=_text(rec, "id", where, problems),
        name=_text(rec, "name", where, problems),
        city=_text(rec, "city", where, problems, required=False),
        duty_phone=_duty_number(rec, "duty_phone", where, problems),
        duty_sms=_duty_number(rec, "duty_sms", where, problems),
    )


def parse_article(
    rec: Mapping[str, Any], unit_id: str, where: str, problems: Problems
) -> ArticleRecord:
    status = _text(rec, "status", where, problems, required=False) or "draft"
    if status not in ARTICLE_STATUSES:
        problems.add(where, f"status 未知：{status}（应为 draft 或 verified）")
    owner = str(rec.get("unit", unit_id) or "").strip()
    if not owner:
        problems.add(where, "缺少所属单位（unit）")
    return ArticleRecord(
        id=_text(rec, "id", where, problems),
        unit_id=owner,
        question=_text(rec, "question", where, problems),
        alt_questions=_texts(rec, "alt_questions", where, problems),
        answer=_text(rec, "answer", where, problems),
        basis=_text(rec, "basis", where, problems, required=False),
        domain=_domain(rec.get("domain"), where, problems),
        tags=_texts(rec, "tags", where, problems),
        enterprise=_flag(rec, "enterprise", where, problems),
        effective=_date(rec, "effective", where, problems),
        review_by=_date(rec, "review_by", where, problems),
        status=status,
        matter=_text(rec, "matter", where, problems, required=False),
    )


def parse_ground(rec: Mapping[str, Any], where: str, problems: Problems) -> GroundRecord:
    number = rec.get("number")
    if not isinstance(number, int) or not 1 <= number <= 10:
        problems.add(where, "number 应为 1–10")
        number = 0
    return GroundRecord(
        number=number,
        title=_text(rec, "title", where, problems),
        script=_text(rec, "script", where, problems),
        basis=_text(rec, "basis", where, problems),
        examples=_texts(rec, "examples", where, problems),
    )


def parse_prefiling(rec: Mapping[str, Any], where: str, problems: Problems) -> PrefilingRecord:
    reason = _text(rec, "reason", where, problems)
    if reason and reason not in PREFILING_REASONS:
        problems.add(where, f"reason 未知：{reason}（应为 {', '.join(PREFILING_REASONS)}）")
    starts = _datetime(rec, "starts", where, problems)
    ends = _datetime(rec, "ends", where, problems)
    if ends < starts:
        problems.add(where, "ends 早于 starts")
    return PrefilingRecord(
        id=_text(rec, "id", where, problems),
        unit_id=_text(rec, "unit", where, problems),
        reason=reason,
        title=_text(rec, "title", where, problems),
        keywords=_texts(rec, "keywords", where, problems),
        region=_text(rec, "region", where, problems, required=False),
        starts=starts,
        ends=ends,
        explanation=_text(rec, "explanation", where, problems),
    )


def parse_bureau(rec: Mapping[str, Any], where: str, problems: Problems) -> BureauRecord:
    return BureauRecord(
        id=_text(rec, "id", where, problems),
        name=_text(rec, "name", where, problems),
        duties=_texts(rec, "duties", where, problems),
    )


def parse_matter(rec: Mapping[str, Any], where: str, problems: Problems) -> MatterRecord:
    return MatterRecord(
        id=_text(rec, "id", where, problems),
        name=_text(rec, "name", where, problems),
        domain=_domain(rec.get("domain"), where, problems),
        owner=_text(rec, "owner", where, problems),
        also=_texts(rec, "also", where, problems),
        basis=_text(rec, "basis", where, problems),
        describe=_text(rec, "describe", where, problems),
        terms=_texts(rec, "terms", where, problems),
    )


def check_catalogue(
    units: Iterable[UnitRecord],
    bureaus: Sequence[BureauRecord],
    matters: Sequence[MatterRecord],
    problems: Problems,
) -> None:
    """Unique ids and names; every owner a known unit or city bureau."""
    owners = {u.id for u in units} | {b.target for b in bureaus}
    seen_bureaus: set[str] = set()
    for b in bureaus:
        if b.id in seen_bureaus:
            problems.add(f"bureau {b.id}", "id 重复")
        seen_bureaus.add(b.id)
    ids: set[str] = set()
    names: set[str] = set()
    for n, m in enumerate(matters, start=1):
        where = f"matters.toml #{n} {m.id}"
        if m.id in ids:
            problems.add(where, "id 重复")
        if m.name in names:
            problems.add(where, f"事项名称 {m.name} 重复")
        ids.add(m.id)
        names.add(m.name)
        for owner in (m.owner, *m.also):
            if owner and owner not in owners:
                problems.add(where, f"承办单位 {owner} 不在派单目录或市直部门中")


def _load_toml(path: Path, problems: Problems) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        problems.add(str(path), f"无法读取：{exc}")
        return {}


def check_references(
    units: Iterable[UnitRecord],
    articles: Iterable[ArticleRecord],
    problems: Problems,
    known_units: Iterable[str] = (),
) -> None:
    """Unique ids; every article owned by a known unit."""
    unit_ids: set[str] = set(known_units)
    for unit in units:
        if unit.id in unit_ids and unit.id not in set(known_units):
            problems.add(f"unit {unit.id}", "id 重复")
        unit_ids.add(unit.id)
    seen: set[str] = set()
    for n, art in enumerate(articles, start=1):
        if art.id in seen:
            problems.add(f"article #{n} {art.id}", "id 重复")
        seen.add(art.id)
        if art.unit_id and art.unit_id not in unit_ids:
            problems.add(f"article #{n} {art.id}", f"所属单位 {art.unit_id} 不在派单目录中")


def load_seed(root: Path) -> Seed:
    """Read the whole seed folder; raise SeedError listing every problem."""
    problems = Problems()
    units: list[UnitRecord] = []
    for path in sorted((root / "units").glob("*.toml")):
        unit = parse_unit(_load_toml(path, problems), path.name, problems)
        if unit.id and unit.id != path.stem:
            problems.add(path.name, f"id {unit.id} 与文件名不符")
        units.append(unit)
    articles: list[ArticleRecord] = []
    for path in sorted((root / "articles").glob("*.toml")):
        data = _load_toml(path, problems)
        for n, rec in enumerate(data.get("article", []), start=1):
            articles.append(parse_article(rec, path.stem, f"{path.name} #{n}", problems))
    check_references(units, articles, problems)
    grounds: list[GroundRecord] = []
    if (root / "grounds.toml").exists():
        data = _load_toml(root / "grounds.toml", problems)
        for n, rec in enumerate(data.get("ground", []), start=1):
            grounds.append(parse_ground(rec, f"grounds.toml #{n}", problems))
    prefiling: list[PrefilingRecord] = []
    if (root / "prefiling.toml").exists():
        data = _load_toml(root / "prefiling.toml", problems)
        for n, rec in enumerate(data.get("scope", []), start=1):
            prefiling.append(parse_prefiling(rec, f"prefiling.toml #{n}", problems))
    synonyms: list[tuple[str, ...]] = []
    if (root / "synonyms.toml").exists():
        data = _load_toml(root / "synonyms.toml", problems)
        for n, group in enumerate(data.get("groups", []), start=1):
            if (
                not isinstance(group, list)
                or len(group) < 2
                or not all(isinstance(g, str) for g in group)
            ):
                problems.add(f"synonyms.toml #{n}", "每组应为至少两个词的列表")
                continue
            synonyms.append(tuple(g.strip() for g in group))
    bureaus: list[BureauRecord] = []
    matters: list[MatterRecord] = []
    if (root / "matters.toml").exists():
        data = _load_toml(root / "matters.toml", problems)
        for n, rec in enumerate(data.get("bureau", []), start=1):
            bureaus.append(parse_bureau(rec, f"matters.toml bureau #{n}", problems))
        for n, rec in enumerate(data.get("matter", []), start=1):
            matters.append(parse_matter(rec, f"matters.toml #{n}", problems))
        check_catalogue(units, bureaus, matters, problems)
    duty_offices: list[DutyOfficeRecord] = []
    if (root / "duty_offices.toml").exists():
        data = _load_toml(root / "duty_offices.toml", problems)
        for n, rec in enumerate(data.get("office", []), start=1):
            duty_offices.append(parse_duty_office(rec, f"duty_offices.toml #{n}", problems))
    if problems.lines:
        raise SeedError(problems.lines)
    return Seed(
        tuple(units),
        tuple(articles),
        tuple(grounds),
        tuple(prefiling),
        tuple(synonyms),
        tuple(bureaus),
        tuple(matters),
        tuple(duty_offices),
    )
