"""What of a caller a seat may see (R-CONFIDENTIAL): masked phones, ID numbers and names.

Lists and ticket views mask the phone and ID number for every role; the full ones only come
through ``reveal_contact`` (audited). A caller who asked for confidentiality is hidden from the
handling unit and from roles that do not work with callers.
"""

from __future__ import annotations

from console.services.values import Role
from console.services.views import Actor
from console.store.models import TicketRow

# Who works with callers: sees a caller's name, and may reveal the phone and ID number with a
# reason (reveal_contact, audited). Lists and ticket views mask phone and ID for every role.
SECRET = "（保密）"
SEES_CONTACT = frozenset(
    {
        Role.OPERATOR,
        Role.EXPERT,
        Role.ENTERPRISE_DESK,  # one-to-one service with the enterprise (R-ENTERPRISE)
        Role.SHIFT_LEAD,
        Role.SUBCENTRE_OPERATOR,
        Role.UNIT_CLERK,
        Role.MANAGER,
    }
)


def mask_phone(phone: str) -> str:
    """138****1234 (R-CONFIDENTIAL)."""
    if len(phone) >= 7:
        return (
            phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
            if len(phone) > 7
            else phone[:3] + "****"
        )
    return "*" * len(phone)


def mask_id(number: str) -> str:
    if len(number) >= 8:
        return number[:4] + "*" * (len(number) - 8) + number[-4:]
    return "*" * len(number)


def mask_phone_full(phone: str) -> str:
    if len(phone) == 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return mask_phone(phone)


def caller_identity(t: TicketRow, actor: Actor) -> tuple[str, str, str, str]:
    """(name, phone, ID number, enterprise) of a ticket's caller as this seat may see them.

    Phone and ID number are masked for every role (R-CONFIDENTIAL); the full ones only come
    through ``reveal_contact``. A caller who asked for confidentiality is hidden altogether
    from the handling unit and from roles that do not work with callers.
    """

    def secret(value: str) -> str:
        return SECRET if value else ""

    if t.confidential and (actor.role is Role.UNIT_CLERK or actor.role not in SEES_CONTACT):
        return (
            SECRET,
            secret(t.caller_phone),
            secret(t.caller_id_number),
            secret(t.enterprise_name),
        )
    name = t.caller_name if actor.role in SEES_CONTACT else mask_name(t.caller_name)
    return (
        name,
        mask_phone_full(t.caller_phone),
        mask_id(t.caller_id_number),
        t.enterprise_name,
    )


def mask_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1) if name else ""
