"""Quarterly and annual evaluations (R-GRADES): the score and grade of a unit from its KPI
figures under the policy file, and the life of a stored evaluation — draft, publish, correction
as a new version with its reason — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from console.config import REPO_ROOT
from console.errors import InputError, NotFound, RuleError
from console.services.analytics import grades
from console.services.analytics.grades import Figure, GradePolicy
from tests.conftest import at
from tests.store.conftest import Platform

DEFAULT_FILE = REPO_ROOT / "knowledge_seed" / "evaluation" / "grades.toml"
POLICY = grades.load_policy(DEFAULT_FILE)
Q4 = grades.parse_period("2026Q4")


def figures(**rates: tuple[int, int]) -> dict[str, Figure]:
    return {k: Figure(*v) for k, v in rates.items()}


# ---------------------------------------------------------------- the score
def test_r_grades_score_is_the_weighted_mean_of_the_rates() -> None:
    """Default weights 20/25/20/25/10. Rates 1.0, 0.8, 0.9, 0.6, 1.0:
    (20·1.0 + 25·0.8 + 20·0.9 + 25·0.6 + 10·1.0) / 100 = (20+20+18+15+10)/100 = 0.83 → 83.0,
    which is 合格 (≥ 80, < 90)."""
    unit = figures(
        response_rate=(10, 10),
        on_time_rate=(8, 10),
        resolution_rate=(9, 10),
        satisfaction_rate=(6, 10),
        kb_upkeep_rate=(5, 5),
    )
    assert grades.score(unit, POLICY) == (83.0, "合格")


def test_r_grades_an_indicator_with_nothing_to_count_is_left_out_not_scored_zero() -> None:
    """No article owned (知识库维护率 0/0): the other four weigh 90. Rates 1, 1, 0.8, 0.8:
    (20 + 25 + 16 + 20) / 90 = 81/90 = 0.9 → 90.0 → 优秀 (the band starts at 90)."""
    unit = figures(
        response_rate=(5, 5),
        on_time_rate=(5, 5),
        resolution_rate=(4, 5),
        satisfaction_rate=(4, 5),
        kb_upkeep_rate=(0, 0),
    )
    assert grades.score(unit, POLICY) == (90.0, "优秀")


def test_r_grades_too_little_known_gives_no_grade() -> None:
    """Only 按时办结率 (25 of 100) has a figure: less than half the weight → no grade;
    with 20+25+10 = 55 ≥ 50 known, a grade."""
    assert grades.score(figures(on_time_rate=(1, 1)), POLICY) == (None, None)
    some = figures(response_rate=(1, 1), on_time_rate=(1, 1), kb_upkeep_rate=(0, 1))
    assert grades.score(some, POLICY) == (81.8, "合格")  # (20+25+0)/55 = 0.818…


@pytest.mark.parametrize(
    ("rate", "grade"),
    [
        (1.0, "优秀"),
        (0.9, "优秀"),
        (0.89, "合格"),
        (0.8, "合格"),
        (0.75, "基本合格"),
        (0.7, "基本合格"),
        (0.69, "不合格"),
        (0.0, "不合格"),
    ],
)
def test_r_grades_bands_from_the_policy(rate: float, grade: str) -> None:
    unit = {k: Figure(round(rate * 100), 100) for k, _ in POLICY.weights}
    assert grades.score(unit, POLICY)[1] == grade


def test_r_grades_policy_file_errors_name_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "g.toml"
    bad.write_text('[weights]\nresponse_rate = "高"\n[[grades]]\nname="优秀"\nmin_score=0\n')
    with pytest.raises(InputError, match=r"g\.toml: weights\.response_rate"):
        grades.load_policy(bad)
    bad.write_text('[weights]\na = 1\n[[grades]]\nname="优秀"\nmin_score=90\n')
    with pytest.raises(InputError, match="最后一个等次的最低分应为 0"):
        grades.load_policy(bad)
    bad.write_text("[weights\n")
    with pytest.raises(InputError, match="格式有误"):
        grades.load_policy(bad)
    with pytest.raises(InputError, match="weights.nonsense"):
        bad.write_text('[weights]\nnonsense = 1\n[[grades]]\nname="优秀"\nmin_score=0\n')
        grades.load_policy(bad, indicators=("response_rate",))
    with pytest.raises(InputError, match="无法读取"):
        grades.load_policy(tmp_path / "missing.toml")


def test_r_grades_policy_survives_its_json_copy() -> None:
    assert GradePolicy.from_json(POLICY.to_json()) == POLICY


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026Q4", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
        ("2026q1", dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
        ("2026", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
    ],
)
def test_r_grades_periods_are_quarters_or_years(text: str, start: dt.date, end: dt.date) -> None:
    period = grades.parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2026Q5", "2026-11", "Q4", "", "9999", "２０２６"])
def test_r_grades_other_periods_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InputError, match="^period: "):
        grades.parse_period(text)


# ---------------------------------------------------------------- stored evaluations
def draft(p: Platform, reason: str = "", **units: dict[str, Figure]) -> str:
    return grades.compute_draft(p.store, Q4, units, POLICY, "优化办乙", p.clock.now(), reason)


GOOD = figures(
    response_rate=(10, 10),
    on_time_rate=(10, 10),
    resolution_rate=(9, 10),
    satisfaction_rate=(9, 10),
    kb_upkeep_rate=(1, 1),
)  # (20+25+18+22.5+10)/100 → 95.5 优秀
POOR = figures(
    response_rate=(5, 10),
    on_time_rate=(6, 10),
    resolution_rate=(5, 10),
    satisfaction_rate=(5, 10),
    kb_upkeep_rate=(1, 1),
)  # (10+15+10+12.5+10)/100 → 57.5 不合格


def test_r_grades_draft_then_publish_then_it_never_changes(platform: Platform) -> None:
    p = platform
    first = draft(p, **{"hn-rst": GOOD, "hn-zjt": POOR})
    view = grades.get_evaluation(p.store, first)
    assert (view.version, view.state_label) == (1, "草稿")
    assert [(g.unit_id, g.score, g.grade) for g in view.grades] == [
        ("hn-rst", 95.5, "优秀"),
        ("hn-zjt", 57.5, "不合格"),
    ]
    assert view.grades[1].figures["on_time_rate"] == Figure(6, 10)
    # a draft is recomputed in place (the same id, version 1)
    assert draft(p, **{"hn-rst": POOR}) == first
    assert [g.unit_id for g in grades.get_evaluation(p.store, first).grades] == ["hn-rst"]
    assert grades.current(p.store, "2026Q4") is None  # nothing in force before publication

    grades.publish(p.store, first, "优化办乙", p.clock.now())
    published = grades.get_evaluation(p.store, first)
    assert published.state_label == "已发布" and published.published_by == "优化办乙"
    with pytest.raises(RuleError, match=r"\[R-GRADES\].*已发布.*更正原因"):
        draft(p, **{"hn-rst": GOOD})
    with pytest.raises(RuleError, match=r"\[R-GRADES\].*不能再次发布"):
        grades.publish(p.store, first, "优化办乙", p.clock.now())
    with pytest.raises(RuleError, match=r"\[R-GRADES\].*不能删除"):
        grades.discard(p.store, first)
    assert grades.get_evaluation(p.store, first).grades == published.grades


def test_r_grades_correction_is_a_new_version_with_its_reason(platform: Platform) -> None:
    p = platform
    first = draft(p, **{"hn-rst": POOR})
    grades.publish(p.store, first, "优化办乙", p.clock.now())
    p.clock.advance(dt.timedelta(days=3))
    second = draft(p, reason="人社厅申诉：3件退回经审核属实", **{"hn-rst": GOOD})
    assert second != first
    v2 = grades.get_evaluation(p.store, second)
    assert (v2.version, v2.supersedes, v2.reason) == (2, first, "人社厅申诉：3件退回经审核属实")
    # until published, version 1 stays in force
    current = grades.current(p.store, "2026Q4")
    assert current is not None and current.id == first and current.grades[0].grade == "不合格"
    grades.publish(p.store, second, "优化办乙", p.clock.now())
    current = grades.current(p.store, "2026Q4")
    assert current is not None and current.id == second and current.grades[0].grade == "优秀"
    v1 = grades.get_evaluation(p.store, first)
    assert v1.state_label == "已被更正" and v1.grades[0].grade == "不合格"  # kept as it was
    listed = grades.list_evaluations(p.store, "2026Q4")
    assert [(e.version, e.state_label) for e in listed] == [(2, "已发布"), (1, "已被更正")]


def test_r_grades_a_draft_may_be_discarded(platform: Platform) -> None:
    p = platform
    first = draft(p, **{"hn-rst": GOOD})
    grades.discard(p.store, first)
    with pytest.raises(NotFound):
        grades.get_evaluation(p.store, first)
    assert grades.list_evaluations(p.store) == []


def test_r_grades_unknown_unit_stores_nothing(platform: Platform) -> None:
    p = platform
    with pytest.raises(NotFound, match="no-such-unit"):
        draft(p, **{"hn-rst": GOOD, "no-such-unit": GOOD})
    assert grades.list_evaluations(p.store) == []


def test_r_grades_a_unit_reads_only_its_own_line(platform: Platform) -> None:
    p = platform
    first = draft(p, **{"hn-rst": GOOD, "hn-zjt": POOR})
    mine = grades.get_evaluation(p.store, first, unit_id="hn-zjt")
    assert [g.unit_id for g in mine.grades] == ["hn-zjt"]


def test_r_grades_a_later_policy_file_never_changes_a_stored_evaluation(
    platform: Platform, tmp_path: Path
) -> None:
    p = platform
    first = draft(p, **{"hn-rst": POOR})
    grades.publish(p.store, first, "优化办乙", at("2026-12-01 10:00"))
    lenient = tmp_path / "g.toml"
    lenient.write_text('[weights]\non_time_rate = 1\n[[grades]]\nname="优秀"\nmin_score=0\n')
    assert grades.load_policy(lenient) != POLICY
    view = grades.get_evaluation(p.store, first)
    assert GradePolicy.from_json(view.policy) == POLICY and view.grades[0].grade == "不合格"


# ---------------------------------------------------------------- what the mutation run asked for
VALID = {
    "weights": {"response_rate": 1},
    "grades": [{"name": "优秀", "min_score": 90}, {"name": "不合格", "min_score": 0}],
}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"weights": {}}, "weights"),
        ({"weights": [1, 2]}, "weights"),
        ({"weights": {"response_rate": -1}}, "weights.response_rate"),
        ({"weights": {"response_rate": 1000.5}}, "weights.response_rate"),
        ({"weights": {"response_rate": True}}, "weights.response_rate"),
        ({"weights": {"response_rate": 0, "on_time_rate": 0}}, "weights"),
        ({"grades": []}, "grades"),
        ({"grades": "优秀"}, "grades"),
        ({"grades": ["优秀"]}, "grades[0]"),
        ({"grades": [{"name": " ", "min_score": 0}]}, "grades[0].name"),
        ({"grades": [{"name": "优秀", "min_score": 100.5}]}, "grades[0].min_score"),
        ({"grades": [{"name": "优秀", "min_score": -1}]}, "grades[0].min_score"),
        ({"grades": [{"name": "优秀", "min_score": False}]}, "grades[0].min_score"),
        (
            {"grades": [{"name": "优秀", "min_score": 60}, {"name": "合格", "min_score": 60}]},
            "grades[1].min_score",
        ),
        ({"min_weight_share": 1.5}, "min_weight_share"),
        ({"min_weight_share": -0.1}, "min_weight_share"),
        ({"min_weight_share": True}, "min_weight_share"),
    ],
)
def test_r_grades_a_bad_policy_is_refused_naming_its_key(
    change: dict[str, object], key: str
) -> None:
    with pytest.raises(InputError) as e:
        GradePolicy.from_json({**VALID, **change}, "g.toml")
    assert e.value.field == f"g.toml: {key}"


def test_r_grades_the_policy_bounds_are_inclusive() -> None:
    """Weights 0–1000 (a weight of 0 leaves an indicator out), a best band from 100, a share
    of 0 or 1."""
    edge = GradePolicy.from_json(
        {
            "weights": {"response_rate": 0, "on_time_rate": 1000},
            "grades": [{"name": "满分", "min_score": 100}, {"name": "其他", "min_score": 0}],
            "min_weight_share": 1,
        }
    )
    assert edge.weights == (("response_rate", 0.0), ("on_time_rate", 1000.0))
    assert edge.min_weight_share == 1.0
    anything = GradePolicy.from_json({**VALID, "min_weight_share": 0})
    assert anything.min_weight_share == 0.0
    # a weight of 1 counts; with a least share of 0, nothing known is still no grade
    assert grades.score(figures(response_rate=(9, 10)), anything) == (90.0, "优秀")
    assert grades.score({}, anything) == (None, None)
    # a weight of 0 does not count towards what is known: only 按时办结率 weighs
    assert grades.score(figures(response_rate=(1, 1)), edge) == (None, None)
    assert grades.score(figures(on_time_rate=(1, 1)), edge) == (100.0, "满分")


def test_r_grades_exactly_the_least_share_of_the_weight_known_is_enough() -> None:
    """Default weights 20/25/20/25/10, least share 0.5: 25 + 25 = 50 known → graded; nothing
    known → no grade."""
    half = figures(on_time_rate=(1, 1), satisfaction_rate=(1, 2))
    assert grades.score(half, POLICY) == (75.0, "基本合格")
    assert grades.score({}, POLICY) == (None, None)


def test_r_grades_a_correction_reason_of_2000_characters_is_the_longest(
    platform: Platform,
) -> None:
    p = platform
    first = draft(p, **{"hn-rst": POOR})
    grades.publish(p.store, first, "优化办乙", p.clock.now())
    with pytest.raises(InputError) as e:
        draft(p, reason="理" * 2001, **{"hn-rst": GOOD})
    assert e.value.field == "reason"
    second = draft(p, reason="理" * 2000, **{"hn-rst": GOOD})
    assert grades.get_evaluation(p.store, second).reason == "理" * 2000


def test_r_grades_a_draft_recomputed_with_a_reason_keeps_it_and_without_one_keeps_the_old(
    platform: Platform,
) -> None:
    p = platform
    first = draft(p, **{"hn-rst": POOR})
    grades.publish(p.store, first, "优化办乙", p.clock.now())
    second = draft(p, reason="人社厅申诉属实", **{"hn-rst": GOOD})
    assert draft(p, **{"hn-rst": GOOD}) == second
    assert grades.get_evaluation(p.store, second).reason == "人社厅申诉属实"
    draft(p, reason="复核后补充说明", **{"hn-rst": GOOD})
    assert grades.get_evaluation(p.store, second).reason == "复核后补充说明"


def test_r_grades_unknown_evaluations_are_not_found(platform: Platform) -> None:
    with pytest.raises(NotFound):
        grades.publish(platform.store, "ev-none", "优化办乙", platform.clock.now())
    with pytest.raises(NotFound):
        grades.discard(platform.store, "ev-none")


def test_r_grades_a_second_publication_says_when_the_first_was(platform: Platform) -> None:
    p = platform
    first = draft(p, **{"hn-rst": GOOD})
    grades.publish(p.store, first, "优化办乙", at("2026-12-01 10:00"))
    with pytest.raises(RuleError, match="2026-12-01 10:00"):
        grades.publish(p.store, first, "优化办乙", at("2026-12-02 10:00"))


def test_r_grades_lists_by_period_and_published_only(platform: Platform) -> None:
    p = platform
    q4 = draft(p, **{"hn-rst": GOOD})
    grades.publish(p.store, q4, "优化办乙", p.clock.now())
    q4_again = draft(p, reason="更正", **{"hn-rst": POOR})
    year = grades.compute_draft(
        p.store, grades.parse_period("2026"), {"hn-rst": GOOD}, POLICY, "优化办乙", p.clock.now()
    )
    assert [e.id for e in grades.list_evaluations(p.store)] == [q4_again, q4, year]
    assert [e.id for e in grades.list_evaluations(p.store, "2026Q4")] == [q4_again, q4]
    assert [e.id for e in grades.list_evaluations(p.store, published_only=True)] == [q4]


def test_r_grades_units_are_ranked_best_first_and_those_without_a_grade_last(
    platform: Platform,
) -> None:
    p = platform
    unknown = figures(on_time_rate=(1, 1))  # too little known: no score
    first = draft(p, **{"hn-rst": unknown, "hn-zjt": POOR, "hn-scjgj": GOOD})
    ranked = grades.get_evaluation(p.store, first).grades
    assert [(g.unit_id, g.score) for g in ranked] == [
        ("hn-scjgj", 95.5),
        ("hn-zjt", 57.5),
        ("hn-rst", None),
    ]
