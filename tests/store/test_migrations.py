"""Migrations: the code's idea of the newest revision matches the scripts; upgrade is idempotent."""

from __future__ import annotations

from console.store.engine import Store
from console.store.migrate import HEAD, current_revision, head_revision, upgrade


def test_head_constant_matches_scripts() -> None:
    assert head_revision() == HEAD


def test_upgrade_is_idempotent(store: Store) -> None:
    assert current_revision(store) == HEAD
    assert upgrade(store) is False


def test_r_security_a_ticket_signed_before_a_later_column_still_verifies() -> None:
    """A column added to tickets after the keyed audit (0010) leaves the digest of a ticket
    signed before it unchanged while the column holds its default (audit verify after an
    upgrade finds nothing), and is signed once it is set."""
    import datetime as dt
    from types import SimpleNamespace

    from console.services.access import audit, auditkey

    secret = b"k" * 32
    values = {c.key: None for c in audit.TICKET_COLUMNS}
    values.update(number="HN1", state="accepted", created_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    before = {k: v for k, v in values.items() if k not in audit.LATER_TICKET_COLUMNS}
    plain = {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in before.items()}
    signed_then = auditkey.mac(secret, "ticket", auditkey.canonical_json(plain))
    for key, default in audit.LATER_TICKET_COLUMNS.items():
        values[key] = default
    assert audit.ticket_digest(secret, SimpleNamespace(**values)) == signed_then
    values["notify_government"] = True
    assert audit.ticket_digest(secret, SimpleNamespace(**values)) != signed_then
