"""Issue 13 item 1: whoever has to call the caller back gets a number, or the refusal on record.

Runs on SQLite and, when HOTLINE_TEST_PG is set, on PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from console.errors import RuleError
from console.services.values import Kind, Source, Special, State
from console.store.models import EventRow, TicketRow
from tests.store.conftest import Platform, intake


def _count(p: Platform) -> int:
    with p.store.read() as s:
        return len(s.execute(select(TicketRow.id)).all())


def test_item1_callback_promise_refused_without_a_phone(platform: Platform) -> None:
    with pytest.raises(RuleError) as err:
        platform.operator.promise_callback(intake(Kind.CONSULTATION, caller_phone=""))
    assert err.value.rule == "R-CONSULT"
    assert "caller_phone" in str(err.value) and "拒绝留电话" in err.value.allowed
    assert _count(platform) == 0


@pytest.mark.parametrize("special", [Special.NONE, Special.URGENT])
def test_item1_dispatch_refused_without_a_phone(platform: Platform, special: Special) -> None:
    with pytest.raises(RuleError) as err:
        platform.operator.accept(intake(caller_phone="  "), unit_id="hn-rst", special=special)
    assert err.value.rule == "R-COMPLETE"
    assert _count(platform) == 0


def test_item1_caller_declined_is_recorded_and_lets_the_call_through(platform: Platform) -> None:
    number = platform.operator.promise_callback(
        intake(Kind.CONSULTATION, caller_phone="", phone_declined=True)
    )
    dispatched = platform.operator.accept(
        intake(caller_phone="", phone_declined=True), unit_id="hn-rst"
    )
    assert platform.manager.ticket(number).state == State.CALLBACK_PROMISED.value
    with platform.store.read() as s:
        details = {
            e.action: e.details
            for e in s.execute(
                select(EventRow).where(EventRow.action.in_(("accept", "promise_callback")))
            ).scalars()
        }
    assert details["promise_callback"].get("phone_declined") is True
    assert details["accept"].get("phone_declined") is True
    assert platform.manager.ticket(dispatched).state == State.DISPATCHED.value


def test_item1_a_number_given_is_not_marked_declined(platform: Platform) -> None:
    platform.operator.accept(intake(phone_declined=True), unit_id="hn-rst")
    with platform.store.read() as s:
        event = s.execute(select(EventRow).where(EventRow.action == "accept")).scalar_one()
    assert "phone_declined" not in event.details


def test_item1_an_assigned_task_needs_no_caller_phone(platform: Platform) -> None:
    platform.operator.accept(
        intake(caller_phone="", source=Source.ASSIGNED, source_line=""), unit_id="hn-rst"
    )
    assert _count(platform) == 1


# ---------------------------------------------------------------- item 8: tickets by caller phone
def test_item8_tickets_found_by_caller_phone_masked_and_scoped(platform: Platform) -> None:
    first = platform.operator.accept(intake(caller_phone="13912345678"), unit_id="hn-rst")
    second = platform.operator.accept(intake(caller_phone="139-1234-5678"), unit_id="hn-zjt")
    hidden = platform.operator.accept(
        intake(caller_phone="13912345678", confidential=True), unit_id="hn-rst"
    )
    platform.operator.accept(intake(caller_phone="13800000000"), unit_id="hn-rst")

    page = platform.operator.tickets_by_phone("13912345678")
    assert [r.number for r in page.rows] == [hidden, second, first]  # newest first, as typed
    assert page.total == 3
    assert all("13912345678" not in r.caller for r in page.rows)  # masked in the list
    # the unit sees its own tickets, and not a confidential caller's (R-CONFIDENTIAL)
    assert [r.number for r in platform.rst.tickets_by_phone("13912345678").rows] == [first]
    assert [r.number for r in platform.zjt.tickets_by_phone("13912345678").rows] == [second]
    assert platform.operator.tickets_by_phone("139 1234 5678").total == 3


def test_item8_phone_search_refuses_what_is_not_a_number(platform: Platform) -> None:
    from console.errors import InputError

    with pytest.raises(InputError) as err:
        platform.operator.tickets_by_phone("abc%")
    assert err.value.field == "phone"


# ---------------------------------------------------------------- item 9: no rule id in a citizen's SMS
def test_item9_extension_sms_carries_no_rule_id(platform: Platform) -> None:
    from console.store.models import OutboxRow

    number = platform.operator.accept(intake(), unit_id="hn-rst")
    platform.rst.sign(number)
    platform.rst.request_extension(number, 5, "需现场核查")
    platform.manager.review_extension(number, True, "同意")
    with platform.store.read() as s:
        sms = s.execute(select(OutboxRow).where(OutboxRow.channel == "sms")).scalars().all()
    to_caller = [o for o in sms if o.target == "13812341234"]
    assert to_caller, [o.target for o in sms]
    for o in to_caller:
        assert "R-" not in o.payload["message"]
    assert to_caller[-1].payload["rule"] == "R-EXTEND"
