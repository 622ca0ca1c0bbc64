"""Screen-pop on SQLite and PostgreSQL (R-SOURCE, R-ARCHIVE, R-CONFIDENTIAL, R-TERMINATE):
the calls answered at a telephony seat after a cursor, each once; the caller's history beside
the form; a ticket taken on a call names it, and the call's recording is filed for the ticket
whichever of the two came first."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from console.errors import InputError, PermissionDenied
from console.services.telephony.calls import ingest_event, parse_event
from console.services.telephony.pops import recording_uri
from console.services.values import Kind, State
from console.store.models import RecordingRow
from tests.store.conftest import Platform, intake

SEAT = "8001"


def send(p: Platform, call: str, kind: str, n: int, **extra: Any) -> None:
    raw = {"event_id": f"{call}-{kind}-{n}", "call_id": call, "kind": kind,
           "at": p.clock.now().isoformat(), **extra}  # fmt: skip
    ingest_event(p.store, "changsha", parse_event(raw), p.clock.now())


def ring_and_answer(p: Platform, call: str, phone: str, seat: str = SEAT) -> None:
    send(p, call, "ringing", 1, caller=phone, line="长沙12345")
    send(p, call, "answered", 2, seat=seat)


def recordings(p: Platform, number: str) -> list[str]:
    ticket_id = int(number[-6:])
    with p.store.read() as s:
        return list(
            s.execute(select(RecordingRow.uri).where(RecordingRow.ticket_id == ticket_id)).scalars()
        )


def test_r_source_a_call_answered_at_the_seat_pops_once(platform: Platform) -> None:
    p = platform
    first = p.operator.call_pops(SEAT, None)
    assert first.calls == ()
    ring_and_answer(p, "c-1", "13812341234")
    send(p, "c-2", "ringing", 1, caller="13900000000")
    send(p, "c-2", "answered", 2, seat="8002")  # another seat's call
    found = p.operator.call_pops(SEAT, first.cursor)
    assert [(c.call_id, c.caller_phone, c.line) for c in found.calls] == [
        ("c-1", "13812341234", "长沙12345")
    ]
    assert p.operator.call_pops(SEAT, found.cursor).calls == ()  # asked again: nothing twice
    assert [c.call_id for c in p.operator.call_pops("8002", first.cursor).calls] == ["c-2"]


def test_r_source_a_call_transferred_to_the_seat_pops_and_an_ended_one_does_not(
    platform: Platform,
) -> None:
    p = platform
    cursor = p.operator.call_pops(SEAT, None).cursor
    ring_and_answer(p, "c-1", "13812341234", seat="8009")
    send(p, "c-1", "transferred", 3, to=SEAT)
    ring_and_answer(p, "c-2", "13700000000")
    send(p, "c-2", "ended", 4)  # the caller hung up before the console asked
    found = p.operator.call_pops(SEAT, cursor)
    assert [c.call_id for c in found.calls] == ["c-1"]
    assert p.operator.call_pops("8009", cursor).calls == ()  # moved on from there


def test_r_source_a_console_starting_as_the_phone_is_answered_still_pops(
    platform: Platform,
) -> None:
    p = platform
    ring_and_answer(p, "c-1", "13812341234")
    assert [c.call_id for c in p.operator.call_pops(SEAT, None).calls] == ["c-1"]
    p.advance(minutes=5)  # long answered: a console opened now does not pop it
    assert p.operator.call_pops(SEAT, None).calls == ()


def test_r_scope_only_intake_seats_get_screen_pops(platform: Platform) -> None:
    with pytest.raises(PermissionDenied) as err:
        platform.rst.call_pops(SEAT, None)
    assert err.value.rule == "R-SCOPE"
    with pytest.raises(InputError) as bad:
        platform.operator.call_pops(" ", None)
    assert bad.value.field == "seat"


def test_r_archive_the_ticket_names_its_call_and_files_the_recording(platform: Platform) -> None:
    p = platform
    ring_and_answer(p, "c-1", "13812341234")
    number = p.operator.accept(intake(call_source="changsha", call_id="c-1"), "hn-rst")
    view = p.operator.ticket(number)
    assert view.call == "changsha/c-1" and view.recording_id == ""
    assert recordings(p, number) == []
    send(p, "c-1", "ended", 9, recording_id="rec-0001")  # the recording comes at hang-up
    send(p, "c-1", "ended", 9, recording_id="rec-0001")  # resent: filed once
    assert p.operator.ticket(number).recording_id == "rec-0001"
    assert recordings(p, number) == [recording_uri("changsha", "rec-0001")]
    assert p.rst.ticket(number).call == ""  # the unit handles the matter, not the archive


def test_r_archive_a_recording_known_at_acceptance_is_filed_with_the_ticket(
    platform: Platform,
) -> None:
    p = platform
    ring_and_answer(p, "c-1", "13812341234")
    send(p, "c-1", "answered", 3, seat=SEAT, recording_id="rec-0002")
    number = p.operator.promise_callback(
        intake(Kind.CONSULTATION, "社保转移要多久？", call_source="changsha", call_id="c-1")
    )
    assert recordings(p, number) == [recording_uri("changsha", "rec-0002")]


def test_r_source_a_ticket_cannot_name_a_call_the_telephony_never_reported(
    platform: Platform,
) -> None:
    p = platform
    with pytest.raises(InputError) as err:
        p.operator.accept(intake(call_source="changsha", call_id="nope"), "hn-rst")
    assert err.value.field == "call_id"
    with pytest.raises(InputError) as half:
        p.operator.accept(intake(call_id="c-1"), "hn-rst")
    assert half.value.field == "call_id"
    assert p.operator.tickets_by_phone("13812341234").total == 0  # nothing half-stored


def test_r_confidential_history_says_the_caller_asked_for_secrecy_before(
    platform: Platform,
) -> None:
    p = platform
    plain = p.operator.accept(intake(), "hn-rst")
    assert p.operator.caller_history("13812341234").confidential_before is False
    secret = p.operator.accept(intake(text="举报单位违规用工。", confidential=True), "hn-rst")
    history = p.operator.caller_history("138-1234-1234")
    assert [t.number for t in history.tickets] == [secret, plain] and history.total == 2
    assert history.confidential_before is True
    assert all("1234" not in t.caller[3:7] for t in history.tickets)  # masked as everywhere
    clerk = p.rst.caller_history("13812341234")  # a unit never learns who asked for secrecy
    assert [t.number for t in clerk.tickets] == [plain] and clerk.confidential_before is False


def test_r_terminate_history_names_the_callers_terminated_matters(platform: Platform) -> None:
    p = platform
    number = p.operator.accept(intake(), "hn-rst")
    p.rst.sign(number)
    p.rst.request_termination(number, "来电人就同一事项反复投诉，事实已查清，依法已处理完毕。")
    p.manager.review_termination(number, True, "同意终结")
    other = p.operator.accept(intake(text="小区噪音扰民。"), "hn-zjt")
    history = p.operator.caller_history("13812341234")
    assert [t.number for t in history.tickets if t.state == State.TERMINATED.value] == [number]
    assert {t.number for t in history.tickets} == {number, other}
    assert p.operator.caller_history("13700000000").tickets == ()


def test_r_source_waiting_for_a_pop_returns_when_the_wait_is_over(platform: Platform) -> None:
    p = platform
    cursor = p.operator.call_pops(SEAT, None).cursor
    started = dt.datetime.now()
    assert p.operator.call_pops(SEAT, cursor, wait=0.3).calls == ()
    assert dt.datetime.now() - started >= dt.timedelta(seconds=0.3)
    with pytest.raises(InputError) as err:
        p.operator.call_pops(SEAT, cursor, wait=31)
    assert err.value.field == "wait"


def test_r_source_a_console_starting_pops_only_the_seats_latest_call(platform: Platform) -> None:
    p = platform
    ring_and_answer(p, "c-old", "13700000000")  # its ended event never came
    p.advance(seconds=30)
    ring_and_answer(p, "c-new", "13812341234")
    assert [c.call_id for c in p.operator.call_pops(SEAT, None).calls] == ["c-new"]
