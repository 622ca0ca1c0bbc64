"""Evaluating routing suggestions: top-1 and top-k accuracy on labelled tickets.

Two sources of labelled tickets:

- ``tests/data/routing/*.toml`` — tickets written for this project, each with the unit a
  dispatcher would choose (``unit``) and units that are also right (``also_ok``);
- the TipDM 2020 labelled sample of real citizen messages (``labelled_sample.csv``, not
  shipped; see /work/shared/data/README.md), whose 7 first-level categories (一级分类) are
  mapped to the units responsible for such matters by the table `LABELLED_CLASS_UNITS`.

Pure: reads files, returns numbers. Nothing here prints a ticket's text; reports name
tickets by id only, because the real messages are personal data.
"""

from __future__ import annotations

import csv
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from console.services.values import DOMAIN_BY_LABEL, Domain

# 一级分类 of the labelled sample → units responsible for such matters (first = the
# primary unit). The categories are coarse (taxonomy.csv lists their second-level
# classes), so every unit that handles one of a category's second-level classes counts
# as right; the primary unit alone gives the "strict" figure.
#   劳动和社会保障: 劳动关系, 工资福利, 社会保险, 就业培训, 退休待遇 → 人社; 城镇居民/职工
#                 社会保险 includes medical insurance → 医保.
#   城乡建设: 住房保障与房地产, 城市建设和市政管理, 工程质量, 建筑市场, 村镇建设 → 住建;
#            城乡规划, 土地上房屋征收与补偿 → 自然资源 (规划) as well.
#   教育文体: 教育收费, 考试招生, 教师 → 教育; 体育 → 体育局; 文化, 文物 → 文旅.
#   卫生计生: 医政, 公共卫生, 医患纠纷, 人口计生 → 卫健委; 食品药品监管 → 药监, 市场监管;
#            (medical-insurance questions are often filed here) → 医保.
#   交通运输: 客货运输, 出租车, 建设管理 → 交通运输厅; 邮政管理 → 邮政管理局;
#            高速公路 → 高速集团.
#   商贸旅游: 市场监管, 商业贸易, 质监检验检疫 → 市场监管; 旅游管理 → 文旅.
#   环境保护: 环境污染, 环保管理, 建设项目环评 → 生态环境.
LABELLED_CLASS_UNITS: dict[str, tuple[str, ...]] = {
    "劳动和社会保障": ("hn-rst", "hn-ybj"),
    "城乡建设": ("hn-zjt", "hn-zrzyt"),
    "教育文体": ("hn-jyt", "hn-tyj", "hn-whlyt"),
    "卫生计生": ("hn-wjw", "hn-yjj", "hn-scjgj", "hn-ybj"),
    "交通运输": ("hn-jtt", "hn-yzglj", "hn-gsjt"),
    "商贸旅游": ("hn-scjgj", "hn-whlyt"),
    "环境保护": ("hn-sthjt",),
}

# 一级分类 → domains (R-DOMAIN) such a message may rightly carry. Coarse on purpose: most
# of these categories are public services, and the category says little more.
LABELLED_CLASS_DOMAINS: dict[str, tuple[str, ...]] = {
    "劳动和社会保障": ("公共服务", "社会管理"),
    "城乡建设": ("社会管理", "公共服务", "自然资源管理"),
    "教育文体": ("公共服务",),
    "卫生计生": ("公共服务", "市场监管"),
    "交通运输": ("公共服务", "社会管理"),
    "商贸旅游": ("市场监管",),
    "环境保护": ("生态环境保护",),
}


@dataclass(frozen=True)
class RoutingCase:
    """One labelled ticket: the right unit(s) and, where known, the right domain(s)."""

    case_id: str
    text: str
    unit: str
    also_ok: tuple[str, ...] = ()
    domain: str | None = None  # Chinese label given to the router, if any
    place: str | None = None
    ok_domains: tuple[str, ...] = ()  # domains counted right for suggest_domain
    group: str = ""  # file name or 一级分类, for per-group figures

    @property
    def ok_units(self) -> frozenset[str]:
        return frozenset((self.unit, *self.also_ok))


class Suggestion(Protocol):
    @property
    def unit_id(self) -> str: ...


class SuggestFn(Protocol):
    def __call__(
        self, text: str, domain: str | None = None, place: str | None = None, k: int = 3
    ) -> Sequence[Suggestion]: ...


@dataclass(frozen=True)
class RoutingReport:
    """Accuracy of a router on a set of cases."""

    name: str
    cases: int
    top1: float
    topk: float
    k: int
    strict_top1: float  # hit only when the first suggestion is `unit` itself
    ms_per_call: float
    by_group: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    misses: tuple[tuple[str, str, str], ...] = ()  # (case id, expected unit, got unit)
    confusion: tuple[tuple[tuple[str, str], int], ...] = ()  # ((expected, got), count)
    domain_accuracy: float | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "cases": self.cases,
            "top1": round(self.top1, 4),
            f"top{self.k}": round(self.topk, 4),
            "strict_top1": round(self.strict_top1, 4),
            "ms_per_call": round(self.ms_per_call, 3),
            "by_group": {
                g: {"cases": n, "top1": round(a, 4), f"top{self.k}": round(b, 4)}
                for g, (n, a, b) in sorted(self.by_group.items())
            },
            "top_confusions": [
                {"expected": e, "got": g, "count": c} for (e, g), c in self.confusion[:10]
            ],
        }
        if self.domain_accuracy is not None:
            out["domain_top1"] = round(self.domain_accuracy, 4)
        return out


def evaluate(
    name: str,
    suggest: SuggestFn,
    cases: Sequence[RoutingCase],
    k: int = 3,
    suggest_domain: Callable[[str], Domain | None] | None = None,
) -> RoutingReport:
    """Top-1 and top-k accuracy of `suggest` over the cases (a hit: any acceptable unit)."""
    hits1 = hitsk = strict = 0
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses: list[tuple[str, str, str]] = []
    confusion: Counter[tuple[str, str]] = Counter()
    dom_hits = dom_cases = 0
    elapsed = 0.0
    for case in cases:
        start = time.perf_counter()
        got = [s.unit_id for s in suggest(case.text, domain=case.domain, place=case.place, k=k)]
        elapsed += time.perf_counter() - start
        ok = case.ok_units
        h1 = bool(got) and got[0] in ok
        hk = any(u in ok for u in got[:k])
        hits1 += h1
        hitsk += hk
        strict += bool(got) and got[0] == case.unit
        g = groups[case.group]
        g[0] += 1
        g[1] += h1
        g[2] += hk
        if not h1:
            first = got[0] if got else "-"
            misses.append((case.case_id, case.unit, first))
            confusion[(case.unit, first)] += 1
        if suggest_domain is not None and case.ok_domains:
            dom_cases += 1
            predicted = suggest_domain(case.text)
            dom_hits += predicted is not None and predicted.label in case.ok_domains
    n = max(len(cases), 1)
    return RoutingReport(
        name=name,
        cases=len(cases),
        top1=hits1 / n,
        topk=hitsk / n,
        k=k,
        strict_top1=strict / n,
        ms_per_call=1000.0 * elapsed / n,
        by_group={g: (v[0], v[1] / v[0], v[2] / v[0]) for g, v in groups.items()},
        misses=tuple(misses),
        confusion=tuple(confusion.most_common()),
        domain_accuracy=(dom_hits / dom_cases) if dom_cases else None,
    )


def _opt_text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def load_routing_cases(folder: Path) -> list[RoutingCase]:
    """Read ``[[ticket]]`` records (text, domain, place, unit, also_ok) from folder/*.toml.

    A record without text or unit is skipped; a file that does not parse raises
    ``tomllib.TOMLDecodeError`` naming the file.
    """
    cases: list[RoutingCase] = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise tomllib.TOMLDecodeError(f"{path.name}: {exc}") from exc
        for n, rec in enumerate(data.get("ticket", []), start=1):
            text = _opt_text(rec.get("text"))
            unit = _opt_text(rec.get("unit"))
            if not text or not unit:
                continue
            also = rec.get("also_ok", [])
            if isinstance(also, str):
                also = [also]
            domain = _opt_text(rec.get("domain"))
            if domain is not None and domain not in DOMAIN_BY_LABEL:
                domain = None
            cases.append(
                RoutingCase(
                    case_id=f"{path.stem}#{n}",
                    text=text,
                    unit=unit,
                    also_ok=tuple(a for a in also if isinstance(a, str) and a),
                    domain=domain,
                    place=_opt_text(rec.get("place")),
                    ok_domains=(domain,) if domain else (),
                    group=path.stem,
                )
            )
    return cases


def load_labelled_sample(path: Path) -> list[RoutingCase]:
    """Cases from the TipDM labelled sample (主题 + 详情 → units of its 一级分类).

    A 留言编号 that appears more than once with different labels (37042 does) becomes one
    case where the units and domains of every label count as right: the data is noisy
    and the expectations say so.
    """
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            rows[row["留言编号"].strip()].append(row)
    cases: list[RoutingCase] = []
    for msg_id, group in rows.items():
        labels = list(dict.fromkeys(r["一级分类"].strip() for r in group))
        units: list[str] = []
        domains: list[str] = []
        for label in labels:
            units.extend(u for u in LABELLED_CLASS_UNITS.get(label, ()) if u not in units)
            domains.extend(d for d in LABELLED_CLASS_DOMAINS.get(label, ()) if d not in domains)
        if not units:
            continue
        first = group[0]
        text = f"{first['留言主题'].strip()}\n{first['留言详情'].strip()}"
        cases.append(
            RoutingCase(
                case_id=msg_id,
                text=text,
                unit=units[0],
                also_ok=tuple(units[1:]),
                ok_domains=tuple(domains),
                group="+".join(labels),
            )
        )
    return cases


def split_cases(cases: Iterable[RoutingCase]) -> tuple[list[RoutingCase], list[RoutingCase]]:
    """Split the labelled sample into (tune, test) halves by the parity of the message id.

    Only the tune half was looked at while setting `RouterWeights`; the test half is the
    honest figure.
    """
    tune: list[RoutingCase] = []
    test: list[RoutingCase] = []
    for case in cases:
        digits = "".join(ch for ch in case.case_id if ch.isdigit())
        (tune if digits and int(digits) % 2 == 0 else test).append(case)
    return tune, test
