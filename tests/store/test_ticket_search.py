"""工单查询 (ticket search) on SQLite and PostgreSQL: criteria, scope, masking, paging."""

from __future__ import annotations

import datetime as dt

import pytest

from console.errors import InputError
from console.services.values import Kind, State
from tests.store.conftest import Platform, intake


def numbers(page: object) -> list[str]:
    return [r.number for r in page.rows]  # type: ignore[attr-defined]


def test_search_by_each_criterion(platform: Platform) -> None:
    p = platform
    wages = p.operator.accept(intake(Kind.COMPLAINT, text="公司拖欠工资三个月"), unit_id="hn-rst")
    p.advance(days=2)
    house = p.operator.accept(
        intake(Kind.COMPLAINT, text="小区物业乱收费", caller_phone="13900001111"),
        unit_id="hn-zjt",
    )
    m = p.manager
    assert numbers(m.search_tickets(text="拖欠工资")) == [wages]
    assert numbers(m.search_tickets(phone="139-0000-1111")) == [house]
    assert numbers(m.search_tickets(number=house[-6:])) == [house]
    assert numbers(m.search_tickets(number=house.lower())) == [house]
    assert numbers(m.search_tickets(unit="hn-rst")) == [wages]
    assert numbers(m.search_tickets(state="已派单待签收")) == [house, wages]  # newest first
    p.rst.sign(wages)
    assert numbers(m.search_tickets(state=State.HANDLING.value)) == [wages]
    assert numbers(m.search_tickets(since=dt.date(2026, 11, 27))) == [house]
    assert numbers(m.search_tickets(until=dt.date(2026, 11, 25))) == [wages]
    assert numbers(m.search_tickets(text="工资", unit="hn-zjt")) == []


def test_search_escapes_like_wildcards(platform: Platform) -> None:
    p = platform
    plain = p.operator.accept(intake(Kind.COMPLAINT, text="收费标准百分之五十"), unit_id="hn-rst")
    percent = p.operator.accept(intake(Kind.COMPLAINT, text="收费上涨50%_以上"), unit_id="hn-rst")
    assert numbers(p.manager.search_tickets(text="%")) == [percent]
    assert numbers(p.manager.search_tickets(text="_")) == [percent]
    assert plain in numbers(p.manager.search_tickets(text="收费"))


def test_r_security_unit_finds_only_its_own_tickets(platform: Platform) -> None:
    p = platform
    ours = p.operator.accept(intake(Kind.COMPLAINT), unit_id="hn-rst")
    theirs = p.operator.accept(intake(Kind.COMPLAINT), unit_id="hn-zjt")
    co = p.operator.accept(intake(Kind.COMPLAINT))
    p.manager.designate_lead(co, "hn-zjt", ("hn-rst",), "涉及多个部门")
    found = numbers(p.rst.search_tickets(text="拖欠工资"))
    assert ours in found and co in found and theirs not in found
    assert numbers(p.rst.search_tickets(number=theirs)) == []
    assert numbers(p.rst.search_tickets(unit="hn-zjt")) == [co]  # co-unit: the lead's ticket
    assert set(numbers(p.manager.search_tickets(text="拖欠工资"))) == {ours, theirs, co}


def test_r_confidential_masked_and_not_found_by_phone_for_a_unit(platform: Platform) -> None:
    p = platform
    secret = p.operator.accept(intake(Kind.COMPLAINT, confidential=True), unit_id="hn-rst")
    open_ = p.operator.accept(intake(Kind.COMPLAINT), unit_id="hn-rst")
    assert numbers(p.rst.search_tickets(phone="13812341234")) == [open_]
    rows = p.rst.search_tickets(text="拖欠工资").rows
    assert {r.number for r in rows} == {secret, open_}
    assert all("13812341234" not in r.caller for r in rows)


def test_search_pages_with_total(platform: Platform) -> None:
    p = platform
    made = [p.operator.accept(intake(Kind.COMPLAINT), unit_id="hn-rst") for _ in range(5)]
    first = p.manager.search_tickets(text="拖欠", limit=2)
    second = p.manager.search_tickets(text="拖欠", offset=2, limit=2)
    past = p.manager.search_tickets(text="拖欠", offset=10, limit=2)
    assert first.total == second.total == past.total == 5
    assert numbers(first) + numbers(second) == made[::-1][:4] and past.rows == ()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"phone": "abc"}, "phone"),
        ({"state": "nope"}, "state"),
        ({"unit": "hn-none"}, "unit"),
        ({"since": dt.date(2026, 12, 2), "until": dt.date(2026, 12, 1)}, "until"),
        ({"until": dt.date.max}, "until"),
        ({"since": dt.date.min}, "since"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"text": "字" * 101}, "text"),
        ({"text": "a\x00"}, "text"),
    ],
)
def test_search_bad_input_names_the_field(
    platform: Platform, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as err:
        platform.manager.search_tickets(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field
