"""Migrations: the code's idea of the newest revision matches the scripts; upgrade is idempotent."""

from __future__ import annotations

from pathlib import Path

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
    values.update(
        number="HN1", state="accepted", created_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    )
    before = {k: v for k, v in values.items() if k not in audit.LATER_TICKET_COLUMNS}
    plain = {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in before.items()}
    signed_then = auditkey.mac(secret, "ticket", auditkey.canonical_json(plain))
    for key, default in audit.LATER_TICKET_COLUMNS.items():
        values[key] = default
    assert audit.ticket_digest(secret, SimpleNamespace(**values)) == signed_then
    values["notify_government"] = True
    assert audit.ticket_digest(secret, SimpleNamespace(**values)) != signed_then


# columns and tables added after revision 0010, by table
AFTER_0010 = {
    "units": ("duty_phone", "duty_sms"),
    "tickets": ("notify_government", "call_ref"),
    "prefiling_scopes": (
        "state", "filed_at", "reviewed_by", "reviewed_at", "review_note",
        "withdrawn_by", "withdrawn_at", "withdraw_reason",
    ),
    "articles": ("version", "verified_by", "verified_at"),
}  # fmt: skip
TABLES_AFTER_0010 = (
    "enterprise_assignments",
    "expert_handoffs",
    "kpi_snapshots",
    "policy_pushes",
    "policy_subscriptions",
    "duty_offices",
    "ticket_merges",
    "article_revisions",
    "subcentre_calls",
    "evaluation_grades",
    "evaluations",
    "experts",
    "calls",
    "call_events",
)
INDEXES_AFTER_0010 = (
    "ix_tickets_caller_type",
    "ix_tickets_subcentre_line",
    "ix_tickets_call_ref",
    "ix_events_action_at",
    "ix_events_ticket_action",
    "ix_clocks_key_due",
    "ix_clocks_ticket_key",
    "ix_events_approved_at",
    "ix_events_requests_ticket",
    "ix_clocks_limit_ticket",
    "ix_clocks_sign_due",
)


def test_r_archive_an_embedded_database_with_tickets_upgrades_and_its_trail_verifies(
    tmp_path: Path,
) -> None:
    """A database in use at revision 0010 (tickets, their events and clocks referring to them)
    upgrades: SQLite copies a table to alter it, which the references forbid unless the
    migration lifts them; the audit trail signed before the upgrade still verifies after it."""
    from sqlalchemy import text

    from console.bootstrap import open_store
    from console.services.access.verification import verify
    from console.services.clock import DrillClock
    from console.services.knowledge.seed import Seed
    from console.services.knowledge.seeding import apply_seed
    from console.services.local import LocalBackend
    from console.services.values import Role
    from console.services.views import Actor
    from tests.conftest import at
    from tests.store.conftest import ARTICLES, GROUNDS, PREFILING, UNITS, intake

    url = f"sqlite:///{tmp_path / 'in-use.db'}"
    store = open_store(url)
    try:
        upgrade(store)
        clock = DrillClock(at("2026-11-25 09:00"))
        seed = Seed(units=UNITS, articles=ARTICLES, grounds=GROUNDS, prefiling=PREFILING)
        apply_seed(store, seed, clock.now())
        op = LocalBackend(store, clock, Actor("seat-1", "话务员甲", Role.OPERATOR))
        numbers = [op.accept(intake(), unit_id="hn-rst") for _ in range(3)]
        # the same database as revision 0010 left it
        with store.write_engine.begin() as conn:
            for table in TABLES_AFTER_0010:
                conn.execute(text(f"DROP TABLE {table}"))
            for index in INDEXES_AFTER_0010:
                conn.execute(text(f"DROP INDEX {index}"))
            for table, columns in AFTER_0010.items():
                for column in columns:
                    conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
            conn.execute(text("UPDATE alembic_version SET version_num = '0010'"))
        assert current_revision(store) == "0010"
        assert upgrade(store) is True
        assert current_revision(store) == HEAD
        result = verify(store)
        assert result.ok, result.lines()
        assert [op.ticket(n).number for n in numbers] == numbers
    finally:
        store.dispose()
