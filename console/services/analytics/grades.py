"""Quarterly and annual evaluations (季度、年度考核评价, R-GRADES, Art. 35).

The manager (省优化办) grades every handling unit 优秀 / 合格 / 基本合格 / 不合格 from its KPIs
(R-UNIT-KPI, ``analytics.kpi``). The regulation sets no weights or thresholds: they are a
policy file (``knowledge_seed/evaluation/grades.toml`` by default, its header says how a score
is made), and each evaluation keeps a copy of the policy it was computed with.

An evaluation's life::

    草稿 draft ──manager: 发布──▶ 已发布 published (never changes again)
      └─ recomputed in place while a draft (the figures of the moment it was computed)

    a published period corrected: a new draft, version n+1, with the reason (更正原因),
    which supersedes version n once it is published; both stay readable.

Each change is audited (``audit_with``). Who may do what is the caller's business
(``LocalBackend``): the manager computes and publishes; unit clerks read their own unit's
grade in published evaluations.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.errors import InputError, NotFound, RuleError
from console.services.analytics import kpi
from console.services.analytics.kpi import Period
from console.services.clock import local
from console.services.knowledge.service import AuditHook
from console.services.views import EvaluationView, Figure, UnitGradeView
from console.store.engine import Store
from console.store.models import EvaluationGradeRow, EvaluationRow, UnitRow

DEFAULT_POLICY_FILE = (
    Path(__file__).resolve().parents[3] / "knowledge_seed" / "evaluation" / "grades.toml"
)
MAX_REASON = 2000


@dataclass(frozen=True)
class GradeBand:
    name: str
    min_score: float


@dataclass(frozen=True)
class GradePolicy:
    """Weights of the indicators and the grade bands, best first (the policy file)."""

    weights: tuple[tuple[str, float], ...]
    bands: tuple[GradeBand, ...]
    min_weight_share: float = 0.5

    def to_json(self) -> dict[str, Any]:
        return {
            "weights": dict(self.weights),
            "grades": [{"name": b.name, "min_score": b.min_score} for b in self.bands],
            "min_weight_share": self.min_weight_share,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str = "policy") -> GradePolicy:
        return _policy(data, source)


def parse_period(text: str, field_name: str = "period") -> Period:
    """An evaluation period: a quarter such as 2026Q4 or a year such as 2026 (R-GRADES; the
    KPIs also know months, the grades do not)."""
    period = kpi.parse_period(text)
    if "-" in period.label:
        raise InputError(
            field_name, f"考核评价按季度（如 2026Q4）或年度（如 2026），不按月：「{text}」"
        )
    return period


def _policy(data: Mapping[str, Any], source: str) -> GradePolicy:
    def bad(key: str, problem: str) -> InputError:
        return InputError(f"{source}: {key}", problem)

    weights = data.get("weights")
    if not isinstance(weights, Mapping) or not weights:
        raise bad("weights", "应列出各项指标的权重（R-GRADES）")
    pairs: list[tuple[str, float]] = []
    for key, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1000:
            raise bad(f"weights.{key}", "权重应为 0–1000 的数")
        pairs.append((str(key), float(value)))
    if sum(w for _, w in pairs) <= 0:
        raise bad("weights", "权重之和应大于 0")
    grades = data.get("grades")
    if isinstance(grades, str) or not isinstance(grades, Sequence) or not grades:
        raise bad("grades", "应列出等次及其最低分（优秀、合格、基本合格、不合格）")
    bands: list[GradeBand] = []
    for i, band in enumerate(grades):
        if not isinstance(band, Mapping):
            raise bad(f"grades[{i}]", "应有 name 与 min_score")
        name, low = band.get("name"), band.get("min_score")
        if not isinstance(name, str) or not name.strip():
            raise bad(f"grades[{i}].name", "等次名称不能为空")
        if isinstance(low, bool) or not isinstance(low, int | float) or not 0 <= low <= 100:
            raise bad(f"grades[{i}].min_score", "最低分应为 0–100")
        if bands and low >= bands[-1].min_score:
            raise bad(f"grades[{i}].min_score", "等次应从高到低排列，最低分逐级降低")
        bands.append(GradeBand(name.strip(), float(low)))
    if bands[-1].min_score != 0:
        raise bad("grades", "最后一个等次的最低分应为 0，使每个分数都有等次")
    share = data.get("min_weight_share", 0.5)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise bad("min_weight_share", "应为 0–1 的比例")
    return GradePolicy(tuple(pairs), tuple(bands), float(share))


def load_policy(path: Path, indicators: Sequence[str] = ()) -> GradePolicy:
    """Read a policy file; every weighted indicator must be one the KPIs define."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as err:
        raise InputError(
            "grades_file", f"考核评价办法文件 {path} 无法读取：{err.strerror}"
        ) from None
    except tomllib.TOMLDecodeError as err:
        raise InputError("grades_file", f"考核评价办法文件 {path} 格式有误：{err}") from None
    policy = _policy(data, path.name)
    unknown = [k for k, _ in policy.weights if indicators and k not in indicators]
    if unknown:
        raise InputError(
            f"{path.name}: weights.{unknown[0]}", f"没有这项指标；可用：{'、'.join(indicators)}"
        )
    return policy


def score(figures: Mapping[str, Figure], policy: GradePolicy) -> tuple[float | None, str | None]:
    """The unit's score (0–100, one decimal) and grade; (None, None) when too little is known.

    score = 100 × Σ w·rate / Σ w over the weighted indicators with a figure; when those weigh
    less than ``min_weight_share`` of all weights, no grade (评价数据不足)."""
    total = sum(w for _, w in policy.weights)
    used = 0.0
    points = 0.0
    for indicator, weight in policy.weights:
        figure = figures.get(indicator)
        rate = figure.rate if figure is not None else None
        if rate is None or weight == 0:
            continue
        used += weight
        points += weight * rate
    if used == 0 or used < policy.min_weight_share * total:
        return None, None
    value = round(100 * points / used, 1)
    for band in policy.bands:
        if value >= band.min_score:
            return value, band.name
    return value, policy.bands[-1].name  # unreachable: the last band starts at 0


# ---------------------------------------------------------------- stored evaluations


FiguresByUnit = Mapping[str, Mapping[str, Figure]]


def compute_draft(
    store: Store,
    period: Period,
    figures: FiguresByUnit,
    policy: GradePolicy,
    by: str,
    now: dt.datetime,
    reason: str = "",
    audit_with: AuditHook | None = None,
) -> str:
    """Compute the period's draft from the units' figures; its id.

    A draft of the period is recomputed in place. Once a version is published, a new draft is
    a correction (更正): version n+1, and it needs the reason (R-GRADES)."""
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise InputError("reason", f"更正原因不能超过 {MAX_REASON} 字")
    with store.write() as s:
        rows = s.scalars(
            select(EvaluationRow)
            .where(EvaluationRow.period == period.label)
            .order_by(EvaluationRow.version.desc())
            .with_for_update()
        ).all()
        latest = rows[0] if rows else None
        if latest is not None and latest.state == "draft":
            row = latest
            row.computed_at, row.computed_by = now, by
            row.policy = policy.to_json()
            if reason:
                row.reason = reason
            s.query(EvaluationGradeRow).filter_by(evaluation_id=row.id).delete()
            action = "evaluation_recompute"
        else:
            if latest is not None and not reason:
                raise RuleError(
                    "R-GRADES",
                    f"{period.label} 的考核评价第 {latest.version} 版已发布，发布后不再改动",
                    "新建更正版本并写明更正原因",
                )
            row = EvaluationRow(
                id=uuid.uuid4().hex,
                period=period.label,
                version=(latest.version + 1) if latest is not None else 1,
                state="draft",
                policy=policy.to_json(),
                computed_at=now,
                computed_by=by,
                reason=reason,
                supersedes=latest.id if latest is not None else None,
            )
            s.add(row)
            action = "evaluation_draft"
        s.flush()
        units = set(s.scalars(select(UnitRow.id)))
        for unit_id, unit_figures in sorted(figures.items()):
            if unit_id not in units:
                raise NotFound("承办单位", unit_id)
            value, grade = score(unit_figures, policy)
            s.add(
                EvaluationGradeRow(
                    evaluation_id=row.id,
                    unit_id=unit_id,
                    score=value,
                    grade=grade,
                    figures={k: [f.numerator, f.denominator] for k, f in unit_figures.items()},
                )
            )
        if audit_with is not None:
            audit_with(s, row.id, {"period": row.period, "version": row.version, "action": action})
        return row.id


def publish(
    store: Store,
    evaluation_id: str,
    by: str,
    now: dt.datetime,
    audit_with: AuditHook | None = None,
) -> None:
    """Publish a draft (发布). A published evaluation never changes again (R-GRADES)."""
    with store.write() as s:
        row = s.get(EvaluationRow, evaluation_id, with_for_update=True)
        if row is None:
            raise NotFound("考核评价", evaluation_id)
        if row.state != "draft":
            raise RuleError(
                "R-GRADES",
                f"{row.period} 第 {row.version} 版已于 {_when(row.published_at)} 发布，不能再次发布",
                "新建更正版本并写明更正原因",
            )
        row.state, row.published_at, row.published_by = "published", now, by
        if audit_with is not None:
            audit_with(s, row.id, {"period": row.period, "version": row.version})


def discard(store: Store, evaluation_id: str, audit_with: AuditHook | None = None) -> None:
    """Delete a draft that will not be published (a published one stays for good)."""
    with store.write() as s:
        row = s.get(EvaluationRow, evaluation_id, with_for_update=True)
        if row is None:
            raise NotFound("考核评价", evaluation_id)
        if row.state != "draft":
            raise RuleError("R-GRADES", "已发布的考核评价不能删除", "新建更正版本并写明更正原因")
        s.query(EvaluationGradeRow).filter_by(evaluation_id=row.id).delete()
        s.delete(row)
        if audit_with is not None:
            audit_with(s, evaluation_id, {"period": row.period, "version": row.version})


def _when(moment: dt.datetime | None) -> str:
    """A stored moment as the manager reads it (Shanghai time)."""
    return f"{local(moment):%Y-%m-%d %H:%M}" if moment else "—"


def list_evaluations(
    store: Store, period: str | None = None, published_only: bool = False
) -> list[EvaluationView]:
    """Evaluations (without their grades), newest period and version first."""
    with store.read() as s:
        query = select(EvaluationRow)
        if period:
            query = query.where(EvaluationRow.period == period)
        if published_only:
            query = query.where(EvaluationRow.state == "published")
        rows = s.scalars(
            query.order_by(EvaluationRow.period.desc(), EvaluationRow.version.desc())
        ).all()
        later = _superseders(s, [r.id for r in rows])
        return [_view(r, later.get(r.id), ()) for r in rows]


def get_evaluation(store: Store, evaluation_id: str, unit_id: str | None = None) -> EvaluationView:
    """One evaluation with its grades (only ``unit_id``'s when given)."""
    with store.read() as s:
        row = s.get(EvaluationRow, evaluation_id)
        if row is None:
            raise NotFound("考核评价", evaluation_id)
        query = (
            select(EvaluationGradeRow, UnitRow.name)
            .join(UnitRow, UnitRow.id == EvaluationGradeRow.unit_id)
            .where(EvaluationGradeRow.evaluation_id == row.id)
        )
        if unit_id is not None:
            query = query.where(EvaluationGradeRow.unit_id == unit_id)
        grades = tuple(
            UnitGradeView(
                g.unit_id,
                name,
                g.score,
                g.grade,
                {k: Figure(int(v[0]), int(v[1])) for k, v in (g.figures or {}).items()},
            )
            for g, name in s.execute(query)
        )
        ranked = tuple(sorted(grades, key=lambda g: (g.score is None, -(g.score or 0), g.unit_id)))
        return _view(row, _superseders(s, [row.id]).get(row.id), ranked)


def current(store: Store, period: str) -> EvaluationView | None:
    """The period's evaluation in force: its latest published version (None: not yet)."""
    with store.read() as s:
        newest = s.scalar(
            select(func.max(EvaluationRow.version)).where(
                EvaluationRow.period == period, EvaluationRow.state == "published"
            )
        )
        if newest is None:
            return None
        evaluation_id = s.scalar(
            select(EvaluationRow.id).where(
                EvaluationRow.period == period, EvaluationRow.version == newest
            )
        )
    return get_evaluation(store, str(evaluation_id))


def _superseders(s: Session, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = s.execute(
        select(EvaluationRow.supersedes, EvaluationRow.id).where(
            EvaluationRow.supersedes.in_(ids), EvaluationRow.state == "published"
        )
    )
    return {str(old): str(new) for old, new in rows}


def _view(
    row: EvaluationRow, superseded_by: str | None, grades: tuple[UnitGradeView, ...]
) -> EvaluationView:
    return EvaluationView(
        id=row.id,
        period=row.period,
        version=row.version,
        state=row.state,
        computed_at=row.computed_at,
        computed_by=row.computed_by,
        published_at=row.published_at,
        published_by=row.published_by,
        reason=row.reason,
        supersedes=row.supersedes,
        superseded_by=superseded_by,
        policy=dict(row.policy),
        grades=grades,
    )
