"""Loaded by a test server's Python (PYTHONPATH) to make its SQLite database read-only or full
on demand, with SQLite's own means — the errors are SQLite's real ones:

- ``readonly``: ``PRAGMA query_only`` → "attempt to write a readonly database" (SQLITE_READONLY,
  what a read-only database file gives);
- ``full``: ``PRAGMA max_page_count`` at the present size → "database or disk is full"
  (SQLITE_FULL, what a full disk gives);
- anything else: back to normal.

The mode is read from the file named by HOTLINE_TEST_STORAGE_FAULT at each transaction's start,
so a test switches it while the server runs.
"""

from __future__ import annotations

import os
from pathlib import Path

_CONTROL = os.environ.get("HOTLINE_TEST_STORAGE_FAULT")

if _CONTROL:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "begin")
    def _storage_fault(conn: object) -> None:
        if getattr(conn, "dialect").name != "sqlite":  # noqa: B009
            return
        try:
            mode = Path(_CONTROL).read_text(encoding="utf-8").strip()
        except OSError:
            mode = ""
        raw = getattr(conn, "connection").dbapi_connection  # noqa: B009
        if mode == "readonly":
            raw.execute("PRAGMA query_only = 1")
        elif mode == "full":
            raw.execute("PRAGMA query_only = 0")
            pages = raw.execute("PRAGMA page_count").fetchone()[0]
            raw.execute(f"PRAGMA max_page_count = {pages}")
        else:
            raw.execute("PRAGMA query_only = 0")
            raw.execute("PRAGMA max_page_count = 1073741823")
