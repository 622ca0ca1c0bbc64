"""What a screen says of a refused action: a field by its label, not its name in the store."""

from __future__ import annotations

from console.errors import InputError, NotFound, RuleError
from console.screens.field_labels import FIELD_LABELS, told


def test_a_field_is_told_by_its_label() -> None:
    err = InputError("caller_phone", "电话号码应为 5–15 位数字")
    assert told(err) == "来电号码：电话号码应为 5–15 位数字"
    assert str(err) == "caller_phone: 电话号码应为 5–15 位数字"  # the API and CLI keep the name


def test_a_forms_own_label_comes_first() -> None:
    err = InputError("question", "不能为空")
    assert told(err) == "标题：不能为空"
    assert told(err, {"question": "问题"}) == "问题：不能为空"
    assert told(InputError("reason", "不能为空"), {"question": "问题"}) == "理由：不能为空"


def test_a_problem_that_names_its_field_is_not_told_twice() -> None:
    assert told(InputError("duty_phone", "值班电话应为数字")) == "值班电话应为数字"


def test_an_unknown_field_keeps_its_name_and_other_errors_are_told_as_they_are() -> None:
    assert told(InputError("colour", "不认识")) == "colour：不认识"
    rule = RuleError("R-DISPATCH", "须先选择承办单位")
    assert told(rule) == str(rule)
    assert told(NotFound("工单", "HN1")) == str(NotFound("工单", "HN1"))


def test_every_label_is_in_chinese() -> None:
    assert all(label and not label.isascii() for label in FIELD_LABELS.values())
