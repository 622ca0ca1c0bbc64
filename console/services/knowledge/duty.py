"""Duty numbers (值班电话, 值班短信号码) of the units and the government duty offices: where a
special incident's notices and reports go (R-SPECIAL-REPORT, Art. 18).

Read and set by `hotline unit duty` and `hotline unit set`; the seed never wipes a number set
here (an empty seed value keeps it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from console.errors import InputError
from console.services.knowledge.seed import duty_number_problem
from console.store.engine import Store
from console.store.models import DutyOfficeRow, UnitRow

FIELD_LABELS = {"duty_phone": "值班电话", "duty_sms": "值班短信号码"}


@dataclass(frozen=True)
class DutyContact:
    """A unit (kind ``unit``) or a government duty office (kind ``office``) and its numbers."""

    id: str
    name: str
    kind: str
    city: str
    duty_phone: str
    duty_sms: str


def _contact(row: UnitRow | DutyOfficeRow) -> DutyContact:
    kind = "unit" if isinstance(row, UnitRow) else "office"
    return DutyContact(row.id, row.name, kind, row.city, row.duty_phone, row.duty_sms)


def duty_contacts(store: Store) -> list[DutyContact]:
    """The duty offices, then the units in use, each with its numbers (empty: none registered)."""
    with store.read() as s:
        offices = s.execute(select(DutyOfficeRow).order_by(DutyOfficeRow.id)).scalars()
        out = [_contact(o) for o in offices]
        units = s.execute(
            select(UnitRow).where(UnitRow.active.is_(True)).order_by(UnitRow.id)
        ).scalars()
        return out + [_contact(u) for u in units]


def check_number(field: str, value: str) -> str:
    """The number as stored; InputError naming the field when it is not a phone number."""
    value = value.strip()
    reason = duty_number_problem(value)
    if reason:
        raise InputError(field, f"{FIELD_LABELS[field]}{reason}")
    return value


def set_duty_numbers(
    store: Store, contact_id: str, duty_phone: str | None = None, duty_sms: str | None = None
) -> DutyContact:
    """Set (or, with an empty string, clear) a unit's or duty office's numbers; None keeps one."""
    given = {k: v for k, v in (("duty_phone", duty_phone), ("duty_sms", duty_sms)) if v is not None}
    if not given:
        raise InputError("duty_phone", "请给出 --duty-phone 或 --duty-sms")
    checked = {k: check_number(k, v) for k, v in given.items()}
    if not contact_id.strip() or len(contact_id) > 40 or not contact_id.isprintable():
        raise InputError("id", "编号应为派单目录或值班机构的编号（如 hn-yjt、cs-zf）")
    with store.write() as s:
        row: UnitRow | DutyOfficeRow | None = s.get(UnitRow, contact_id)
        if row is None:
            row = s.get(DutyOfficeRow, contact_id)
        if row is None:
            raise InputError("id", f"派单目录和值班机构中没有编号 {contact_id}")
        for key, value in checked.items():
            setattr(row, key, value)
        s.flush()
        return _contact(row)
