"""R-CONFIDENTIAL: a caller's phone and ID number are masked everywhere by default, revealed
only with a reason to a seat that needs them (and audited), never to the handling unit of a
caller who asked for confidentiality; nothing of a caller reaches a log."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from console.errors import InputError, NotFound, PermissionDenied
from console.services.access import audit
from console.services.access.masking import mask_id, mask_phone
from console.services.local import LocalBackend
from console.services.values import Role, Satisfaction
from console.services.views import Actor
from console.store.models import AuditRow, OutboxRow
from tests.store.conftest import Platform, intake

PHONE = "13812341234"
ID_NUMBER = "430102199001011234"
WORDS = "小区门口的排水沟堵塞半个月无人清理"


def confidential_ticket(p: Platform, confidential: bool = True) -> str:
    return p.operator.accept(
        intake(
            text=WORDS,
            caller_id_number=ID_NUMBER,
            caller_name="李女士",
            confidential=confidential,
        ),
        unit_id="hn-rst",
    )


def audit_actions(p: Platform, number: str) -> list[str]:
    with p.store.read() as s:
        return list(
            s.execute(
                select(AuditRow.action).where(AuditRow.target == number).order_by(AuditRow.id)
            ).scalars()
        )


def test_mask_formats() -> None:
    assert mask_phone(PHONE) == "138****1234"
    assert mask_id(ID_NUMBER) == "4301**********1234"
    assert mask_phone("") == "" and mask_id("") == ""


def test_every_role_sees_masked_phone_and_id_in_views_and_lists(platform: Platform) -> None:
    p = platform
    number = confidential_ticket(p, confidential=False)
    seats = [p.operator, p.manager, p.rst, p.supervisor]
    for seat in seats:
        view = seat.ticket(number)
        assert view.caller_phone == "138****1234", seat.actor.role
        assert view.caller_id_number == "4301**********1234", seat.actor.role
    assert p.operator.ticket(number).caller_name == "李女士"
    assert p.rst.ticket(number).caller_name == "李女士"
    assert p.supervisor.ticket(number).caller_name == "李**"
    for seat in (p.operator, p.manager, p.rst):
        rows = [r for r in seat.queue("awaiting_sign").rows if r.number == number]
        assert rows and rows[0].caller == "138****1234"


def test_reveal_needs_a_reason_and_is_audited(platform: Platform) -> None:
    p = platform
    number = confidential_ticket(p, confidential=False)
    with pytest.raises(InputError, match="reason"):
        p.operator.reveal_contact(number, "   ")
    contact = p.operator.reveal_contact(number, "回访需核对号码")
    assert (contact.caller_phone, contact.caller_id_number) == (PHONE, ID_NUMBER)
    assert contact.caller_name == "李女士" and contact.number == number
    assert p.rst.reveal_contact(number, "联系来电人核实地址").caller_phone == PHONE
    assert p.manager.reveal_contact(number, "核查").caller_phone == PHONE
    assert audit_actions(p, number).count("reveal_contact") == 3
    with p.store.read() as s:
        row = (
            s.execute(
                select(AuditRow).where(AuditRow.action == "reveal_contact").order_by(AuditRow.id)
            )
            .scalars()
            .first()
        )
        assert row is not None
        assert row.detail == {"reason": "回访需核对号码"} and row.seat == "seat-1"
    assert audit.verify(p.store).ok


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN])
def test_reveal_refused_for_roles_that_do_not_contact_callers(
    platform: Platform, role: Role
) -> None:
    p = platform
    number = confidential_ticket(p, confidential=False)
    seat = p.operator.as_actor(Actor("x-1", "某人", role))
    with pytest.raises(PermissionDenied) as info:
        seat.reveal_contact(number, "想看看")
    assert info.value.rule == "R-CONFIDENTIAL"
    assert audit_actions(p, number)[-1] == "reveal_refused"  # the attempt is traced too


def test_reveal_refused_to_other_units_and_co_units(platform: Platform) -> None:
    p = platform
    number = confidential_ticket(p, confidential=False)
    with pytest.raises(NotFound):  # another unit's ticket: as for a number nobody issued
        p.zjt.reveal_contact(number, "核实")
    p.rst.sign(number)
    p.manager.designate_lead(number, "hn-rst", ["hn-zjt"], "跨部门")
    with pytest.raises(PermissionDenied) as info:
        p.zjt.reveal_contact(number, "核实")
    assert info.value.rule == "R-CONFIDENTIAL"
    with pytest.raises(NotFound):
        p.operator.reveal_contact("HN000000000000", "核实")


def test_confidential_caller_hidden_from_the_handling_unit(platform: Platform) -> None:
    p = platform
    number = confidential_ticket(p)
    view = p.rst.ticket(number)
    assert (view.caller_name, view.caller_phone, view.caller_id_number) == ("（保密）",) * 3
    assert view.confidential
    row = next(r for r in p.rst.queue("mine").rows if r.number == number)
    assert row.caller == "（保密）"
    with pytest.raises(PermissionDenied) as info:
        p.rst.reveal_contact(number, "需要联系来电人")
    assert info.value.rule == "R-CONFIDENTIAL"
    # the hotline itself still works with the caller; the manager may reveal with a reason
    assert p.operator.ticket(number).caller_name == "李女士"
    assert p.operator.ticket(number).caller_phone == "138****1234"
    assert p.supervisor.ticket(number).caller_name == "（保密）"
    assert p.manager.reveal_contact(number, "督查核实").caller_phone == PHONE
    assert audit_actions(p, number)[-2:] == ["reveal_refused", "reveal_contact"]


def test_nothing_of_a_caller_reaches_a_log(
    platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    """A full workflow with every logger at DEBUG (SQLAlchemy's echo off, as deployed)."""
    p = platform
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)  # echo off
    try:
        number = confidential_ticket(p, confidential=False)
        p.rst.sign(number)
        p.rst.request_extension(number, 2, "需要协调")
        p.manager.review_extension(number, True, "同意")
        p.rst.request_completion(number, "电话", p.clock.now().date(), "已清理排水沟")
        p.manager.review_completion(number, True)
        p.operator.reveal_contact(number, "回访")
        p.operator.record_callback(number, Satisfaction.SATISFIED)
        p.operator.find_duplicates(WORDS, PHONE)
        p.operator.ticket(number)
        p.manager.queue("mine")
        with pytest.raises(PermissionDenied):
            p.supervisor.reveal_contact(number, "看看")
        assert audit.verify(p.store).ok
    finally:
        logging.getLogger("sqlalchemy").setLevel(logging.NOTSET)
    assert any(r.name.startswith("console") for r in caplog.records), "DEBUG logging was on"
    for record in caplog.records:
        message = record.getMessage()
        for secret in (PHONE, ID_NUMBER, WORDS, "李女士", "排水沟"):
            assert secret not in message, (record.name, message)


def test_r_confidential_extension_notice_target_masked_or_hidden_from_the_unit(
    platform: Platform,
) -> None:
    """The extension notice goes to the caller's phone (R-EXTEND): the notification list shows
    it masked — and to the handling unit as （保密） when the caller asked for confidentiality."""
    p = platform
    plain = confidential_ticket(p, confidential=False)
    secret = confidential_ticket(p)
    for number in (plain, secret):
        p.rst.sign(number)
        p.rst.request_extension(number, 2, "需要协调")
        p.manager.review_extension(number, True, "同意")

    def caller_notice(seat: LocalBackend, number: str) -> str:
        notes = seat.ticket(number).notifications
        (sms,) = [n for n in notes if n.channel == "sms" and n.target_label.startswith("来电人")]
        assert PHONE not in repr(notes)
        return str(sms.target_label)

    assert caller_notice(p.rst, plain) == "来电人 138****1234"
    assert caller_notice(p.operator, plain) == "来电人 138****1234"
    assert caller_notice(p.rst, secret) == "来电人（保密）"
    assert caller_notice(p.supervisor, secret) == "来电人（保密）"
    assert caller_notice(p.operator, secret) == "来电人 138****1234"  # the hotline works with them
    # a delivery error that quotes the number is masked the same way
    with p.store.write() as s:
        for row in s.execute(select(OutboxRow).where(OutboxRow.channel == "sms")).scalars():
            row.attempts, row.last_error = 1, f"gateway refused {PHONE}: busy"
    (sms,) = [n for n in p.rst.ticket(secret).notifications if n.target_label.startswith("来电人")]
    assert sms.last_error == "gateway refused （保密）: busy"
    assert sms.status_label == "重试中（第1次）"
    (sms,) = [n for n in p.rst.ticket(plain).notifications if n.target_label.startswith("来电人")]
    assert sms.last_error == "gateway refused 138****1234: busy"
