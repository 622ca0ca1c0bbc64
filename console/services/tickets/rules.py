"""The rule table: every limit of the regulation in one place, keyed by R-id.

Each limit is a default from 《湖南省省级12345政务服务便民热线与优化营商环境工作一体化平台
运行管理办法（试行）》 (``spec/rules.md``).  Art. 12 adds "法律法规另有规定的，从其规定": a
limit set by law for a matter type wins over the default.  Such overrides live in
``knowledge_seed/limit_overrides.toml`` (format documented there) and are applied by
:meth:`RuleTable.limit`.

A rule may have several parts (R-SPECIAL: a 4-hour first response *and* a 3-WD progress
report); each part has a stable short key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from console.errors import InputError
from console.services.values import Kind

Unit = Literal["wd", "hours", "months", "count"]
UNITS: tuple[Unit, ...] = ("wd", "hours", "months", "count")
UNIT_LABELS: Mapping[str, str] = {
    "wd": "个工作日",
    "hours": "小时",
    "months": "个月",
    "count": "次",
}

REGULATION = "《湖南省省级12345政务服务便民热线与优化营商环境工作一体化平台运行管理办法（试行）》"
"""The regulation every default comes from (湘发改优化规〔2022〕708号)."""

DEFAULT_OVERRIDES_FILE = (
    Path(__file__).resolve().parents[3] / "knowledge_seed" / "limit_overrides.toml"
)
"""Where the shipped overrides live (read only when :meth:`RuleTable.load` is called)."""


@dataclass(frozen=True)
class Limit:
    """One effective limit: what it is, how long, and where that number comes from."""

    rule: str
    """R-id, e.g. ``"R-LIMIT"``."""
    part: str
    """Stable short key of the part of the rule, e.g. ``"limit"``, ``"first_response"``."""
    name: str
    """Chinese name, e.g. ``"办理时限"``."""
    amount: int
    unit: Unit
    article: str
    """Article of the regulation, e.g. ``"第12条"``."""
    kind: Kind | None = None
    """The request kind this value is for (R-LIMIT only), else None."""
    matter_type: str | None = None
    """Set when a law overrides the default for this matter type."""
    basis: str = ""
    """Where the number comes from: the regulation's article, or the law that overrides it."""

    @property
    def overridden(self) -> bool:
        """True when a law for the matter type replaced the regulation's default."""
        return self.matter_type is not None

    @property
    def text(self) -> str:
        """The amount as a Chinese phrase, e.g. ``"5个工作日"``."""
        return f"{self.amount}{UNIT_LABELS[self.unit]}"


def _regulation_basis(article: str) -> str:
    return f"{REGULATION}{article}"


def _limit(rule: str, part: str, name: str, amount: int, unit: Unit, article: str) -> Limit:
    return Limit(rule, part, name, amount, unit, article, basis=_regulation_basis(article))


# The defaults. Order within a rule: the primary part first.
DEFAULT_LIMITS: tuple[Limit, ...] = (
    _limit("R-CONSULT", "consult", "咨询答复时限", 24, "hours", "第11条"),
    _limit("R-SIGN", "sign", "签收时限", 1, "wd", "第12条"),
    _limit("R-RETURN", "return", "退回时限", 2, "wd", "第12条"),
    # R-LIMIT by kind: see _LIMIT_BY_KIND; this row is the name/article template.
    _limit("R-LIMIT", "limit", "办理时限", 5, "wd", "第12条"),
    _limit("R-COMPLEX", "returns", "疑难复杂认定（退回次数）", 2, "count", "第12条"),
    _limit("R-LATE-REPLY", "rejections", "未按时回复认定（办结退回次数）", 2, "count", "第13条"),
    _limit("R-EXTEND", "extend", "延期上限", 10, "wd", "第14条"),
    _limit("R-EXTEND-CONSULT", "extend", "咨询类延期上限", 3, "wd", "第14条"),
    _limit("R-SPECIAL", "first_response", "初步响应时限", 4, "hours", "第18条"),
    _limit("R-SPECIAL", "progress", "进度反馈时限", 3, "wd", "第18条"),
    _limit("R-SPECIAL-URGENT", "first_response", "初步响应时限", 2, "hours", "第18条"),
    _limit("R-SPECIAL-URGENT", "progress", "进度反馈时限", 2, "wd", "第18条"),
    _limit("R-CALLBACK", "callback_auto", "自动回访时限", 24, "hours", "第19条"),
    _limit("R-CALLBACK", "callback_manual", "人工回访时限", 72, "hours", "第19条"),
    _limit(
        "R-DEFAULT-SATISFIED", "rating", "满意度评价时限（逾期视为基本满意）", 72, "hours", "第19条"
    ),
    _limit("R-ARCHIVE", "recordings", "电话录音保存期限（至少）", 12, "months", "第21条"),
    _limit("R-SUPERVISE-LIMIT", "supervise", "督办办理时限", 20, "wd", "第24条"),
    _limit("R-SUPERVISE-LIMIT", "extension", "督办延期上限", 10, "wd", "第24条"),
    _limit("R-SUPERVISE-LIMIT", "extensions", "督办延期次数上限", 1, "count", "第24条"),
)

_LIMIT_BY_KIND: Mapping[Kind, int] = {
    Kind.CONSULTATION: 5,
    Kind.HELP: 5,
    Kind.SUGGESTION: 5,
    Kind.COMPLAINT: 10,
    Kind.REPORT: 10,
}
"""R-LIMIT: consultation, help, suggestion 5 WD; complaint, report 10 WD (Art. 12)."""


@dataclass(frozen=True)
class Override:
    """A limit set by law for a matter type (法律法规另有规定的，从其规定)."""

    rule: str
    part: str
    matter_type: str
    amount: int
    unit: Unit
    law: str
    """The law and article, e.g. ``"《劳动保障监察条例》第十七条"``."""
    kinds: frozenset[Kind] = frozenset()
    """Kinds it applies to; empty means every kind."""
    note: str = ""

    def applies(self, kind: Kind | None) -> bool:
        """True when this override covers ``kind`` (an empty kind list covers all)."""
        return not self.kinds or (kind is not None and kind in self.kinds)


def _coerce_kind(kind: Kind | str | None) -> Kind | None:
    if kind is None or isinstance(kind, Kind):
        return kind
    try:
        return Kind.parse(kind)  # type: ignore[return-value]
    except ValueError:
        raise InputError("kind", f"未知的工单类型 {kind!r}") from None


class RuleTable:
    """The effective limits: regulation defaults plus overrides set by law per matter type."""

    def __init__(self, overrides: Iterable[Override] = ()) -> None:
        self._defaults: dict[tuple[str, str], Limit] = {}
        self._parts: dict[str, list[str]] = {}
        for lim in DEFAULT_LIMITS:
            self._defaults[(lim.rule, lim.part)] = lim
            self._parts.setdefault(lim.rule, []).append(lim.part)
        self._overrides: tuple[Override, ...] = tuple(overrides)
        for ov in self._overrides:
            if (ov.rule, ov.part) not in self._defaults:
                raise InputError("override", f"规则 {ov.rule}/{ov.part} 不存在")

    @classmethod
    def load(cls, path: Path | None = None) -> RuleTable:
        """The table with the overrides file applied (the shipped one by default).

        A missing file means no overrides; a malformed one raises :class:`InputError`.
        """
        path = DEFAULT_OVERRIDES_FILE if path is None else path
        if not path.exists():
            return cls()
        return cls(parse_overrides(path.read_text(encoding="utf-8"), origin=path.name))

    @property
    def overrides(self) -> tuple[Override, ...]:
        """The overrides in force, as loaded."""
        return self._overrides

    def rules(self) -> list[str]:
        """Every R-id in the table, in table order."""
        return list(self._parts)

    def parts(self, rule: str) -> list[str]:
        """The part keys of ``rule``, primary first."""
        try:
            return list(self._parts[rule])
        except KeyError:
            raise KeyError(f"unknown rule {rule!r}") from None

    def limit(
        self,
        rule: str,
        kind: Kind | str | None = None,
        matter_type: str | None = None,
        *,
        part: str | None = None,
    ) -> Limit:
        """The effective limit of ``rule`` for a ticket of ``kind`` and ``matter_type``.

        Args:
            rule: the R-id, e.g. ``"R-LIMIT"``.
            kind: the request kind; required for R-LIMIT. ``limit("R-EXTEND",
                kind=consultation)`` returns the R-EXTEND-CONSULT cap (3 WD).
            matter_type: the matter type (e.g. ``"劳动保障监察"``); a law-set override for it,
                if any, wins over the default.
            part: which part of a multi-part rule (``"progress"`` of R-SPECIAL …); the
                primary (first) part when omitted.

        Returns:
            The :class:`Limit`, whose ``basis`` says where the number comes from.
        """
        k = _coerce_kind(kind)
        if rule == "R-EXTEND" and k is Kind.CONSULTATION:
            rule = "R-EXTEND-CONSULT"
        if rule not in self._parts:
            raise KeyError(f"unknown rule {rule!r}")
        key = part if part is not None else self._parts[rule][0]
        try:
            base = self._defaults[(rule, key)]
        except KeyError:
            raise KeyError(
                f"rule {rule!r} has no part {key!r}; parts: {self._parts[rule]}"
            ) from None
        if rule == "R-LIMIT":
            if k is None:
                raise ValueError("R-LIMIT depends on the kind of request; pass kind=")
            base = replace(base, amount=_LIMIT_BY_KIND[k], kind=k)
        if matter_type:
            for ov in self._overrides:
                if (
                    ov.rule == rule
                    and ov.part == key
                    and ov.matter_type == matter_type
                    and ov.applies(k)
                ):
                    return replace(
                        base,
                        amount=ov.amount,
                        unit=ov.unit,
                        matter_type=matter_type,
                        basis=ov.law,
                    )
        return base

    def all_limits(self) -> list[Limit]:
        """Every default limit (R-LIMIT once per kind), for a rules screen or report."""
        out: list[Limit] = []
        for lim in DEFAULT_LIMITS:
            if lim.rule == "R-LIMIT":
                out.extend(self.limit("R-LIMIT", kind=k) for k in Kind)
            else:
                out.append(lim)
        return out


# --- the overrides file ------------------------------------------------------------------

_OVERRIDE_KEYS = {"rule", "part", "matter_type", "kinds", "amount", "unit", "law", "note"}


def parse_overrides(text: str, origin: str = "limit_overrides.toml") -> list[Override]:
    """Parse an overrides file; raise :class:`InputError` naming the entry and field.

    Format::

        [[override]]
        rule = "R-LIMIT"                 # an R-id of the table
        part = "limit"                   # optional: the part key (primary part if omitted)
        matter_type = "劳动保障监察"       # the matter type it applies to
        kinds = ["complaint", "report"]  # optional: kinds it applies to (all if omitted)
        amount = 60
        unit = "wd"                      # wd | hours | months | count
        law = "《劳动保障监察条例》第十七条"  # the law that sets it (required)
        note = "…"                       # optional
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(origin, f"不是有效的 TOML：{exc}") from None
    extra = set(data) - {"override"}
    if extra:
        raise InputError(origin, f"未知的字段 {sorted(extra)[0]!r}（只允许 [[override]]）")
    entries = data.get("override", [])
    if not isinstance(entries, list):
        raise InputError(f"{origin} override", "应为 [[override]] 表数组")
    table = RuleTable()
    out: list[Override] = []
    for i, entry in enumerate(entries, start=1):
        where = f"{origin} override[{i}]"
        if not isinstance(entry, dict):
            raise InputError(where, "应为表")
        unknown = set(entry) - _OVERRIDE_KEYS
        if unknown:
            raise InputError(f"{where}.{sorted(unknown)[0]}", "未知的字段")
        for key in ("rule", "matter_type", "amount", "unit", "law"):
            if key not in entry:
                raise InputError(f"{where}.{key}", "缺少此字段")
        rule = entry["rule"]
        if not isinstance(rule, str) or rule not in table.rules():
            raise InputError(f"{where}.rule", f"未知的规则 {rule!r}")
        part = entry.get("part", table.parts(rule)[0])
        if part not in table.parts(rule):
            raise InputError(f"{where}.part", f"{rule} 没有 {part!r}，可选：{table.parts(rule)}")
        matter_type = entry["matter_type"]
        if not isinstance(matter_type, str) or not matter_type.strip():
            raise InputError(f"{where}.matter_type", "应为非空字符串")
        amount = entry["amount"]
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise InputError(f"{where}.amount", f"应为正整数，而不是 {amount!r}")
        unit = entry["unit"]
        if unit not in UNITS:
            raise InputError(f"{where}.unit", f"应为 {' | '.join(UNITS)} 之一，而不是 {unit!r}")
        default_unit = table.limit(
            rule, kind=Kind.COMPLAINT if rule == "R-LIMIT" else None, part=part
        ).unit
        time_units = ("wd", "hours")
        if (unit in time_units) != (default_unit in time_units) or (
            unit not in time_units and unit != default_unit
        ):
            raise InputError(f"{where}.unit", f"{rule}/{part} 的单位应与默认一致（{default_unit}）")
        law = entry["law"]
        if not isinstance(law, str) or "《" not in law:
            raise InputError(f"{where}.law", "应写明法律法规名称及条款，如《……》第N条")
        kinds_raw = entry.get("kinds", [])
        if not isinstance(kinds_raw, list):
            raise InputError(f"{where}.kinds", "应为数组")
        kinds: set[Kind] = set()
        for k in kinds_raw:
            try:
                kinds.add(Kind.parse(str(k)))  # type: ignore[arg-type]
            except ValueError:
                raise InputError(f"{where}.kinds", f"未知的工单类型 {k!r}") from None
        note = entry.get("note", "")
        if not isinstance(note, str):
            raise InputError(f"{where}.note", "应为字符串")
        out.append(
            Override(
                rule=rule,
                part=part,
                matter_type=matter_type.strip(),
                amount=amount,
                unit=unit,
                law=law,
                kinds=frozenset(kinds),
                note=note,
            )
        )
    return out
