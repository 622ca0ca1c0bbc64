"""The rule table: every limit of spec/rules.md, and overrides set by law."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from console.errors import InputError
from console.services.tickets.rules import RuleTable, parse_overrides
from console.services.values import Kind

TABLE = RuleTable.load()
BARE = RuleTable()


@pytest.mark.parametrize(
    ("rule", "part", "amount", "unit", "article", "name"),
    [
        ("R-SIGN", None, 1, "wd", "第12条", "签收时限"),
        ("R-RETURN", None, 2, "wd", "第12条", "退回时限"),
        ("R-CONSULT", None, 24, "hours", "第11条", "咨询答复时限"),
        ("R-EXTEND", None, 10, "wd", "第14条", "延期上限"),
        ("R-EXTEND-CONSULT", None, 3, "wd", "第14条", "咨询类延期上限"),
        ("R-SPECIAL", None, 4, "hours", "第18条", "初步响应时限"),
        ("R-SPECIAL", "progress", 3, "wd", "第18条", "进度反馈时限"),
        ("R-SPECIAL-URGENT", "first_response", 2, "hours", "第18条", "初步响应时限"),
        ("R-SPECIAL-URGENT", "progress", 2, "wd", "第18条", "进度反馈时限"),
        ("R-CALLBACK", "callback_auto", 24, "hours", "第19条", "自动回访时限"),
        ("R-CALLBACK", "callback_manual", 72, "hours", "第19条", "人工回访时限"),
        ("R-DEFAULT-SATISFIED", None, 72, "hours", "第19条", None),
        ("R-SUPERVISE-LIMIT", None, 20, "wd", "第24条", "督办办理时限"),
        ("R-SUPERVISE-LIMIT", "extension", 10, "wd", "第24条", None),
        ("R-SUPERVISE-LIMIT", "extensions", 1, "count", "第24条", None),
        ("R-ARCHIVE", None, 12, "months", "第21条", None),
        ("R-COMPLEX", None, 2, "count", "第12条", None),
        ("R-LATE-REPLY", None, 2, "count", "第13条", None),
    ],
)
def test_every_limit_of_the_regulation(
    rule: str, part: str | None, amount: int, unit: str, article: str, name: str | None
) -> None:
    lim = BARE.limit(rule, part=part)
    assert (lim.rule, lim.amount, lim.unit, lim.article) == (rule, amount, unit, article)
    if name:
        assert lim.name == name
    assert not lim.overridden
    assert article in lim.basis


@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        (Kind.CONSULTATION, 5),
        (Kind.HELP, 5),
        (Kind.SUGGESTION, 5),
        (Kind.COMPLAINT, 10),
        (Kind.REPORT, 10),
        ("complaint", 10),
        ("咨询", 5),
    ],
)
def test_r_limit_by_kind(kind: Kind | str, amount: int) -> None:
    lim = BARE.limit("R-LIMIT", kind=kind)
    assert (lim.amount, lim.unit, lim.name, lim.article) == (amount, "wd", "办理时限", "第12条")


def test_r_limit_complaint_ten_wd() -> None:
    assert BARE.limit("R-LIMIT", kind=Kind.COMPLAINT).text == "10个工作日"


def test_r_limit_needs_a_kind() -> None:
    with pytest.raises(ValueError):
        BARE.limit("R-LIMIT")


def test_r_extend_consult_for_consultations() -> None:
    lim = BARE.limit("R-EXTEND", kind=Kind.CONSULTATION)
    assert (lim.rule, lim.amount) == ("R-EXTEND-CONSULT", 3)
    assert BARE.limit("R-EXTEND", kind=Kind.COMPLAINT).amount == 10


def test_unknown_rule_or_part() -> None:
    with pytest.raises(KeyError):
        BARE.limit("R-NOPE")
    with pytest.raises(KeyError):
        BARE.limit("R-SPECIAL", part="nope")


def test_all_limits_lists_r_limit_per_kind() -> None:
    rows = BARE.all_limits()
    assert [r.amount for r in rows if r.rule == "R-LIMIT"] == [5, 5, 10, 10, 5]
    assert {r.rule for r in rows} >= {
        "R-SIGN",
        "R-RETURN",
        "R-LIMIT",
        "R-CONSULT",
        "R-EXTEND",
        "R-EXTEND-CONSULT",
        "R-SPECIAL",
        "R-SPECIAL-URGENT",
        "R-CALLBACK",
        "R-DEFAULT-SATISFIED",
        "R-SUPERVISE-LIMIT",
        "R-ARCHIVE",
        "R-COMPLEX",
        "R-LATE-REPLY",
    }


# --- overrides set by law (法律法规另有规定的，从其规定) ---------------------------------------


def test_shipped_override_labour_inspection() -> None:
    lim = TABLE.limit("R-LIMIT", kind=Kind.COMPLAINT, matter_type="劳动保障监察")
    assert (lim.amount, lim.unit, lim.overridden) == (60, "wd", True)
    assert "《劳动保障监察条例》" in lim.basis and "第十七条" in lim.basis
    ext = TABLE.limit("R-EXTEND", kind=Kind.REPORT, matter_type="劳动保障监察")
    assert (ext.rule, ext.amount) == ("R-EXTEND", 30)


@pytest.mark.parametrize(
    ("kind", "matter_type", "amount"),
    [
        (Kind.HELP, "劳动保障监察", 5),  # the override names complaint and report only
        (Kind.COMPLAINT, "社会保险", 10),  # another matter type
        (Kind.COMPLAINT, None, 10),
    ],
)
def test_override_applies_only_where_it_says(
    kind: Kind, matter_type: str | None, amount: int
) -> None:
    lim = TABLE.limit("R-LIMIT", kind=kind, matter_type=matter_type)
    assert lim.amount == amount
    assert not lim.overridden


def test_missing_overrides_file_means_defaults(tmp_path: Path) -> None:
    table = RuleTable.load(tmp_path / "none.toml")
    assert table.overrides == ()


GOOD = """
[[override]]
rule = "R-LIMIT"
matter_type = "某事项"
kinds = ["complaint"]
amount = 15
unit = "wd"
law = "《某条例》第三条"
"""


def test_override_without_kinds_covers_all_kinds() -> None:
    table = RuleTable(parse_overrides(GOOD.replace('kinds = ["complaint"]\n', "")))
    assert table.limit("R-LIMIT", kind="help", matter_type="某事项").amount == 15
    assert table.limit("R-SIGN", kind="help", matter_type="某事项").amount == 1


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('rule = "R-LIMIT"', 'rule = "R-NOPE"', "override[1].rule"),
        ('rule = "R-LIMIT"', 'rule = "R-LIMIT"\npart = "x"', "override[1].part"),
        ('matter_type = "某事项"', 'matter_type = ""', "override[1].matter_type"),
        ('kinds = ["complaint"]', 'kinds = ["petition"]', "override[1].kinds"),
        ("amount = 15", "amount = 0", "override[1].amount"),
        ("amount = 15", 'amount = "15"', "override[1].amount"),
        ('unit = "wd"', 'unit = "days"', "override[1].unit"),
        ('unit = "wd"', 'unit = "count"', "override[1].unit"),
        ('law = "《某条例》第三条"', 'law = "某条例"', "override[1].law"),
        ('law = "《某条例》第三条"', "", "override[1].law"),
        ("amount = 15", "amount = 15\nwhy = 1", "override[1].why"),
        ("[[override]]", "[[overide]]", "overide"),
        ("amount = 15", "amount = ", "limit_overrides.toml"),
    ],
)
def test_override_file_errors(old: str, new: str, field: str) -> None:
    assert old in GOOD
    with pytest.raises(InputError) as err:
        parse_overrides(GOOD.replace(old, new, 1))
    assert field in str(err.value)
    assert "\n" not in str(err.value)


# --- guards found by mutation testing (benchmarks/mutation.py) ----------------------------


def test_r_limit_table_values_are_read_only() -> None:
    """Every ticket shares the table's limits and overrides: no caller changes one in place."""
    lim = BARE.limit("R-SIGN")
    with pytest.raises(FrozenInstanceError):
        lim.amount = 2  # type: ignore[misc]
    assert BARE.limit("R-SIGN").amount == 1
    override = TABLE.overrides[0]
    with pytest.raises(FrozenInstanceError):
        override.amount = 1  # type: ignore[misc]


def test_r_limit_unknown_kind_is_refused_for_every_rule() -> None:
    """An unknown kind is an input error even where the rule does not depend on the kind."""
    with pytest.raises(InputError) as err:
        BARE.limit("R-SIGN", kind="petition")
    assert err.value.field == "kind"


def test_r_limit_override_of_an_unknown_rule_is_refused() -> None:
    (good,) = parse_overrides(GOOD)
    with pytest.raises(InputError) as err:
        RuleTable([replace(good, rule="R-NOPE")])
    assert err.value.field == "override" and "R-NOPE" in str(err.value)
    with pytest.raises(InputError):
        RuleTable([replace(good, part="nope")])


def test_r_limit_unknown_rule_is_named() -> None:
    with pytest.raises(KeyError, match="unknown rule 'R-NOPE'"):
        BARE.limit("R-NOPE")
    with pytest.raises(KeyError, match="unknown rule 'R-NOPE'"):
        BARE.parts("R-NOPE")
    assert BARE.parts("R-SPECIAL") == ["first_response", "progress"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("override = 5", "limit_overrides.toml override"),
        ('[override]\nrule = "R-LIMIT"', "limit_overrides.toml override"),
        ("override = [1]", "limit_overrides.toml override[1]"),
        (
            GOOD.replace('kinds = ["complaint"]', "kinds = 5"),
            "limit_overrides.toml override[1].kinds",
        ),
        (GOOD + "note = 5", "limit_overrides.toml override[1].note"),
    ],
)
def test_r_limit_override_file_shape_is_checked(text: str, field: str) -> None:
    with pytest.raises(InputError) as err:
        parse_overrides(text)
    assert err.value.field == field


def test_r_limit_override_amount_one_is_allowed() -> None:
    (one,) = parse_overrides(GOOD.replace("amount = 15", "amount = 1"))
    assert one.amount == 1


def test_r_limit_override_unknown_unit_lists_the_units() -> None:
    with pytest.raises(InputError) as err:
        parse_overrides(GOOD.replace('unit = "wd"', 'unit = "days"'))
    assert err.value.field == "limit_overrides.toml override[1].unit"
    assert "wd | hours | months | count" in err.value.problem


@pytest.mark.parametrize(
    ("rule", "unit", "ok"),
    [
        ("R-LIMIT", "hours", True),  # a time limit may be set in hours or WD
        ("R-CONSULT", "wd", True),
        ("R-COMPLEX", "count", True),
        ("R-COMPLEX", "hours", False),  # a count never becomes a time
        ("R-ARCHIVE", "count", False),  # months stay months
        ("R-ARCHIVE", "wd", False),
    ],
)
def test_r_limit_override_keeps_the_kind_of_unit(rule: str, unit: str, ok: bool) -> None:
    text = GOOD.replace('rule = "R-LIMIT"', f'rule = "{rule}"').replace(
        'unit = "wd"', f'unit = "{unit}"'
    )
    if ok:
        assert parse_overrides(text)[0].unit == unit
        return
    with pytest.raises(InputError) as err:
        parse_overrides(text)
    assert err.value.field == "limit_overrides.toml override[1].unit"
