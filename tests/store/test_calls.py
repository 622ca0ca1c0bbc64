"""Call events from the telephony (CTI, R-SOURCE) on SQLite and PostgreSQL: one record per
call, its state only moving forward whatever order the events arrive in; a resent event
changes nothing; the same event id with other content, and a bad field, are refused naming
the field, with nothing stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from console.errors import InputError
from console.services.telephony.calls import ingest_event, list_calls, parse_event
from console.store.engine import Store
from console.store.models import CallEventRow, CallRow
from tests.conftest import at

NOW = at("2026-12-05 09:00")


def event(kind: str, n: int, **extra: Any) -> dict[str, Any]:
    return {"event_id": f"e{n}", "call_id": "c-1", "kind": kind,
            "at": f"2026-12-05T09:00:{n:02d}+08:00", **extra}  # fmt: skip


def counts(store: Store) -> tuple[int, int]:
    with store.read() as s:
        calls = s.execute(select(func.count()).select_from(CallRow)).scalar_one()
        events = s.execute(select(func.count()).select_from(CallEventRow)).scalar_one()
        return int(calls), int(events)


def test_r_source_a_call_is_one_record_through_its_events(store: Store) -> None:
    sent = [
        event("ringing", 1, caller="13812341234", line="长沙12345"),
        event("answered", 5, seat="seat-07"),
        event("transferred", 30, to="seat-12"),
        event("ended", 59, recording_id="rec-20261205-0001"),
    ]
    states = [ingest_event(store, "changsha", parse_event(e), NOW).state for e in sent]
    assert states == ["ringing", "answered", "transferred", "ended"]
    [call] = list_calls(store)
    assert (call.caller_phone, call.line, call.seat) == ("13812341234", "长沙12345", "seat-12")
    assert call.recording_id == "rec-20261205-0001" and call.state == "ended"
    assert call.rang_at == at("2026-12-05 09:00") + dt.timedelta(seconds=1)
    assert call.ended_at is not None
    assert call.answered_at is not None and call.answered_at.second == 5
    assert list_calls(store, phone="13900000000") == []
    assert counts(store) == (1, 4)


def test_r_source_events_out_of_order_and_resent(store: Store) -> None:
    ended = parse_event(event("ended", 59, recording_id="rec-1"))
    assert ingest_event(store, "changsha", ended, NOW).state == "ended"
    late = parse_event(event("answered", 5, seat="seat-07"))
    assert ingest_event(store, "changsha", late, NOW).state == "ended"  # never backwards
    again = ingest_event(store, "changsha", late, NOW)
    assert again.status == "exists" and counts(store) == (1, 2)
    [call] = list_calls(store)
    assert call.seat == "seat-07" and call.state == "ended"
    other = parse_event(event("answered", 5, seat="seat-99"))  # same event id, other words
    with pytest.raises(InputError) as changed:
        ingest_event(store, "changsha", other, NOW)
    assert changed.value.field == "event_id"
    # the same ids from another source are another call
    assert ingest_event(store, "zhuzhou", late, NOW).status == "stored"
    assert counts(store) == (2, 3)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "hold"}, "kind"),
        ({"event_id": ""}, "event_id"),
        ({"call_id": "c" * 81}, "call_id"),
        ({"at": "yesterday"}, "at"),
        ({"at": "1900-01-01T00:00:00"}, "at"),
        ({"caller": "call me"}, "caller"),
        ({"line": "长沙\x1b[31m"}, "line"),
        ({"seat": 7}, "seat"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_r_source_a_bad_field_is_named_and_nothing_stored(
    store: Store, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(InputError) as bad:
        parse_event({**event("ringing", 1), **change})
    assert bad.value.field == field
    assert counts(store) == (0, 0)
