"""Call events from the telephony (CTI, R-SOURCE) kept as one record per call.

A source reports each call's events — ``ringing`` (the caller's number, the city line it was
transferred from), ``answered`` (the seat), ``transferred`` (to whom), ``ended`` (the recording
id) — one request per event, signed (``signing``). The platform keeps every event as sent and
folds it into the call's record:

- an event is recognised by (source, event id): sent again it changes nothing (answered as
  已存在), sent again with other content it is refused naming ``event_id``;
- events may arrive out of order: a call's state only moves forward (ringing → answered →
  transferred → ended) and each moment keeps the first report of it;
- a bad field refuses the event naming the field; nothing of it is stored.

Recordings are referred to by id only; the recording itself stays with the telephony and is
kept as R-ARCHIVE says (at least 12 months).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from console.errors import InputError
from console.services.clock import SHANGHAI
from console.services.telephony.pops import file_recording
from console.store.engine import Store
from console.store.models import CallEventRow, CallRow

KINDS = ("ringing", "answered", "transferred", "ended")
"""The events of a call, in the order a call goes through them."""
KIND_LABELS = {"ringing": "振铃", "answered": "接听", "transferred": "转接", "ended": "挂断"}
LIMITS = {"event_id": 80, "call_id": 80, "caller": 40, "line": 40, "seat": 80,
          "recording_id": 120, "to": 80}  # fmt: skip
_PHONE = re.compile(r"^\+?[\d-]{3,39}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MOMENT_AT = {
    "ringing": "rang_at",
    "answered": "answered_at",
    "transferred": "transferred_at",
    "ended": "ended_at",
}


@dataclass(frozen=True)
class CallEvent:
    """One event of one call, checked."""

    event_id: str
    call_id: str
    kind: str
    at: dt.datetime
    caller: str = ""
    line: str = ""
    seat: str = ""
    recording_id: str = ""
    to: str = ""

    def payload(self) -> dict[str, str]:
        return {
            "event_id": self.event_id,
            "call_id": self.call_id,
            "kind": self.kind,
            "at": self.at.isoformat(),
            "caller": self.caller,
            "line": self.line,
            "seat": self.seat,
            "recording_id": self.recording_id,
            "to": self.to,
        }


@dataclass(frozen=True)
class Ingested:
    status: str  # stored | exists
    call_id: str
    state: str


def _text(raw: Mapping[str, Any], field: str, required: bool = False) -> str:
    value = raw.get(field, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(field, "应为文字")
    value = value.strip()
    if required and not value:
        raise InputError(field, "不能为空")
    if len(value) > LIMITS[field]:
        raise InputError(field, f"过长（最多 {LIMITS[field]} 字）")
    if _CONTROL.search(value):
        raise InputError(field, "含控制字符")
    return value


def _moment(raw: Mapping[str, Any]) -> dt.datetime:
    value = raw.get("at")
    if not isinstance(value, str) or not value.strip():
        raise InputError("at", "须写事件时间（ISO 8601，如 2026-12-05T09:00:00+08:00）")
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError("at", f"「{value[:40]}」不是时间（ISO 8601）") from None
    if not 2000 <= moment.year <= 2100:
        raise InputError("at", f"年份 {moment.year} 不在 2000–2100 之间")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=SHANGHAI)


def parse_event(raw: object) -> CallEvent:
    """A call event from its JSON object, or InputError naming the first bad field."""
    if not isinstance(raw, Mapping):
        raise InputError("body", "话务事件应为一个 JSON 对象")
    unknown = sorted(set(raw) - {*LIMITS, "kind", "at"})
    if unknown:
        raise InputError(str(unknown[0])[:40], "不认识的字段")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise InputError("kind", "应为 " + "、".join(f"{k}（{KIND_LABELS[k]}）" for k in KINDS))
    caller = _text(raw, "caller")
    if caller and not _PHONE.match(caller):
        raise InputError("caller", "来电号码应为数字（可带 + 与 -）")
    return CallEvent(
        event_id=_text(raw, "event_id", required=True),
        call_id=_text(raw, "call_id", required=True),
        kind=str(kind),
        at=_moment(raw),
        caller=caller,
        line=_text(raw, "line"),
        seat=_text(raw, "seat"),
        recording_id=_text(raw, "recording_id"),
        to=_text(raw, "to"),
    )


def ingest_event(store: Store, source: str, event: CallEvent, now: dt.datetime) -> Ingested:
    """Keep the event and fold it into its call's record (see the module docstring)."""
    for attempt in (1, 2):  # a call's first two events at once: the second insert retries
        try:
            return _ingest(store, source, event, now)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _ingest(store: Store, source: str, event: CallEvent, now: dt.datetime) -> Ingested:
    with store.write() as s:
        seen = s.execute(
            select(CallEventRow).where(
                CallEventRow.source == source, CallEventRow.event_id == event.event_id
            )
        ).scalar_one_or_none()
        call = s.execute(
            select(CallRow).where(CallRow.source == source, CallRow.call_id == event.call_id)
        ).scalar_one_or_none()
        if seen is not None:
            if seen.payload != event.payload():
                raise InputError("event_id", f"事件编号 {event.event_id} 已收到过，内容不同")
            return Ingested("exists", event.call_id, call.state if call else event.kind)
        s.add(
            CallEventRow(
                source=source,
                event_id=event.event_id,
                call_id=event.call_id,
                kind=event.kind,
                at=event.at,
                received_at=now,
                payload=event.payload(),
            )
        )
        if call is None:
            call = CallRow(source=source, call_id=event.call_id, state=event.kind, updated_at=now)
            s.add(call)
        _fold(call, event, now)
        s.flush()
        if event.recording_id:  # a ticket already taken on this call files its recording
            file_recording(s, call)
        return Ingested("stored", event.call_id, call.state)


def _fold(call: CallRow, event: CallEvent, now: dt.datetime) -> None:
    if KINDS.index(event.kind) > KINDS.index(call.state):
        call.state = event.kind
    attr = MOMENT_AT[event.kind]
    current = getattr(call, attr)
    if current is None or event.at < current:
        setattr(call, attr, event.at)
    seat = event.to if event.kind == "transferred" and event.to else event.seat
    for field, value in (
        ("caller_phone", event.caller),
        ("line", event.line),
        ("seat", seat),
        ("recording_id", event.recording_id),
    ):
        if value and (not getattr(call, field) or event.kind in ("answered", "transferred")):
            setattr(call, field, value)
    call.updated_at = now


@dataclass(frozen=True)
class CallRecord:
    """A call as kept, in plain values."""

    source: str
    call_id: str
    state: str
    caller_phone: str
    line: str
    seat: str
    recording_id: str
    rang_at: dt.datetime | None
    answered_at: dt.datetime | None
    transferred_at: dt.datetime | None
    ended_at: dt.datetime | None


def list_calls(store: Store, phone: str = "", limit: int = 50) -> list[CallRecord]:
    """The calls kept, latest first (only those of ``phone`` when given)."""
    q = select(CallRow).order_by(CallRow.updated_at.desc(), CallRow.id.desc()).limit(limit)
    if phone:
        q = q.where(CallRow.caller_phone == phone[: LIMITS["caller"]])
    with store.read() as s:
        return [
            CallRecord(r.source, r.call_id, r.state, r.caller_phone, r.line, r.seat,
                       r.recording_id, r.rang_at, r.answered_at, r.transferred_at, r.ended_at)
            for r in s.execute(q).scalars()
        ]  # fmt: skip
