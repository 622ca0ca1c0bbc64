"""Who a special incident's notices and reports go to, and what they say (R-SPECIAL,
R-SPECIAL-REPORT, Art. 18).

On dispatch (and each re-notification) of a special or urgent ticket:

- the handling unit gets an SMS at its 值班短信号码 and a phone notice at its 值班电话;
- the provincial government's 总值班室 (:data:`DUTY_OFFICE_ID`, a duty office) and the
  emergency management department (:data:`EMERGENCY_UNIT_ID`, a unit) get a report at their
  duty SMS numbers, with the operator's incident summary and never the caller's identity;
- when the operator chose so, the incident's local government (当地人民政府: the duty office
  of the city the place names) gets a report too.

The outbox row's target is the number. A recipient with no number registered is not dropped:
its row is written to its catalogue id with ``number_missing`` naming the field, and the
ticket's notification list says 「未登记值班…」 (someone must phone and register the number).
Every text comes from the template file (``console.services.delivery.templates``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.errors import InputError
from console.services.delivery.templates import render
from console.services.values import SUPERVISION_GROUNDS, SUPERVISION_METHODS
from console.store.models import DutyOfficeRow, EventRow, SupervisionRow, TicketRow, UnitRow

DUTY_OFFICE_ID = "hn-zbs"
"""省政府总值班室 in the duty offices (knowledge_seed/duty_offices.toml)."""
EMERGENCY_UNIT_ID = "hn-yjt"
"""省应急管理厅 in the dispatch catalogue."""
NUMBER_LABELS = {"duty_phone": "值班电话", "duty_sms": "值班短信号码"}


@dataclass(frozen=True)
class Outgoing:
    """One outbox row to write: channel, target (a number, or an id when none is known)."""

    channel: str
    target: str
    key: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Recipient:
    id: str
    name: str
    duty_phone: str
    duty_sms: str


def _recipient(row: UnitRow | DutyOfficeRow) -> Recipient:
    return Recipient(row.id, row.name, row.duty_phone or "", row.duty_sms or "")


def _to(r: Recipient, field: str, channel: str, key: str, payload: dict[str, Any]) -> Outgoing:
    number = getattr(r, field)
    extra: dict[str, Any] = {"recipient": r.name, "recipient_id": r.id}
    if not number:
        extra["number_missing"] = field
    return Outgoing(channel, number or r.id, key, {**payload, **extra})


def unit_sms(unit: UnitRow, key: str, payload: dict[str, Any]) -> Outgoing:
    """An SMS to a unit at its 值班短信号码 (its id, flagged, when none is registered): the
    reminders, 催办 and co-unit notices of tickets/reminders.py."""
    return _to(_recipient(unit), "duty_sms", "sms", key, payload)


def recipient_label(payload: dict[str, Any]) -> str:
    """How a seat reads a notice's recipient: the name, and 「未登记…」 when it had no number."""
    name = str(payload.get("recipient") or "")
    missing = NUMBER_LABELS.get(str(payload.get("number_missing") or ""))
    if name and missing:
        return f"{name}（未登记{missing}）"
    return name


def local_government(s: Session, t: TicketRow, unit: UnitRow) -> DutyOfficeRow:
    """The duty office of the incident's city (当地人民政府): the city named in the place, else
    the handling unit's city. InputError on ``place`` when neither names one."""
    offices = [
        o for o in s.execute(select(DutyOfficeRow).where(DutyOfficeRow.city != "")).scalars()
    ]
    place = t.place or ""
    for o in offices:
        short = o.city.removesuffix("市").removesuffix("土家族苗族自治州")
        if o.city in place or (short and short in place):
            return o
    for o in offices:
        if unit.city and o.city == unit.city:
            return o
    raise InputError(
        "place",
        "通知当地人民政府须写明事发地所在市州（如「长沙市岳麓区」）（R-SPECIAL-REPORT）",
    )


def special_notices(
    s: Session,
    t: TicketRow,
    unit: UnitRow,
    tag: str,
    fields: dict[str, Any],
    resend: int | None = None,
) -> list[Outgoing]:
    """The unit's notices and the duty reports of one dispatch (``resend`` None) or one
    re-notification. ``fields`` carries level, rule, due, unit, first_response_due, state."""
    summary = t.incident_summary or "（话务员未填写事件概要）"
    base = {
        "unit": fields["unit"],
        "level": fields["level"],
        "first_response_due": fields["first_response_due"],
        **({"resend": resend} if resend is not None else {}),
    }
    words = dict(fields, number=t.number, summary=summary, resend=resend)
    notice = {
        **base,
        "message": render("special_notice" if resend is None else "special_renotice", **words),
    }
    report = {
        **base,
        "incident": t.incident_summary,
        "message": render("special_report" if resend is None else "special_rereport", **words),
    }
    handler = _recipient(unit)
    out = [
        _to(handler, "duty_sms", "sms", f"sms:{unit.id}:{tag}", notice),
        _to(handler, "duty_phone", "phone", f"phone:{unit.id}:{tag}", notice),
    ]
    office = s.get(DutyOfficeRow, DUTY_OFFICE_ID)
    duty = _recipient(office) if office else Recipient(DUTY_OFFICE_ID, "省政府总值班室", "", "")
    out.append(_to(duty, "duty_sms", "duty_office", f"duty:{tag}", report))
    emergency_row = s.get(UnitRow, EMERGENCY_UNIT_ID)
    emergency = (
        _recipient(emergency_row)
        if emergency_row
        else Recipient(EMERGENCY_UNIT_ID, "省应急管理厅", "", "")
    )
    out.append(_to(emergency, "duty_sms", "emergency", f"emergency:{tag}", report))
    if t.notify_government:
        gov = _recipient(local_government(s, t, unit))
        message = render("government_report", **words, place=t.place or gov.name)
        out.append(
            _to(
                gov,
                "duty_sms",
                "government",
                f"government:{tag}",
                {**report, "message": message, "rule": "R-SPECIAL-REPORT"},
            )
        )
    return out


def supervision_upload(
    s: Session, t: TicketRow, sup: SupervisionRow, due: str, replies: list[str]
) -> dict[str, Any]:
    """The supervision record as uploaded to the provincial platform (R-SUPERVISE-HOW, Art. 23):
    ground, method, content, unit, due date and the unit's written replies so far."""
    unit = s.get(UnitRow, sup.unit_id)
    unit_name = unit.name if unit is not None else sup.unit_id
    words = dict(
        supervision=sup.id,
        number=t.number,
        ground=SUPERVISION_GROUNDS.get(sup.ground, str(sup.ground)),
        method=SUPERVISION_METHODS.get(sup.method, sup.method),
        unit=unit_name,
        due=due[:10],
        content=sup.note,
        reply=replies[-1] if replies else "",
    )
    return dict(
        supervision=sup.id,
        ticket=t.number,
        ground=sup.ground,
        method=sup.method,
        content=sup.note,
        unit_id=sup.unit_id,
        unit=unit_name,
        due=due,
        replies=replies,
        rule="R-SUPERVISE-HOW",
        message=render("supervision_reply" if replies else "supervision_opened", **words),
    )


def supervision_replies(s: Session, t: TicketRow, sup: SupervisionRow) -> list[str]:
    """The unit's written replies (书面说明) to one supervision, oldest first."""
    rows = s.execute(
        select(EventRow)
        .where(EventRow.ticket_id == t.id, EventRow.action == "supervision_reply")
        .order_by(EventRow.id)
    ).scalars()
    return [e.reason for e in rows if str(e.details.get("supervision")) == str(sup.id)]
