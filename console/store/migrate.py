"""Schema migrations (Alembic), run by `hotline db upgrade` and on the embedded store's start.

Checking the version is a plain query (alembic loads only when something must be applied),
so a console starting on an up-to-date database does not pay for importing alembic.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from console.store.engine import Store

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0028"
"""The newest revision in migrations/versions (a test keeps the two in step)."""


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(store: Store) -> str | None:
    with store.write_engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(store: Store) -> bool:
    """Bring the schema to the newest revision. Returns True if anything was applied."""
    if current_revision(store) == HEAD:
        return False
    from alembic import command

    cfg = alembic_config()
    with store.write_engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.dbapi_connection
        if sqlite and raw is not None:
            # SQLite alters a table by copying it and dropping the old one, which the other
            # tables' foreign keys forbid while they are enforced; outside a transaction, as
            # SQLite ignores the pragma inside one. Checked below before the commit.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":  # a migration may rewrite a large table
                    conn.execute(text("SET LOCAL statement_timeout = 0"))
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left {len(broken)} broken references")
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")
    return True
