"""Migrations: the code's idea of the newest revision matches the scripts; upgrade is idempotent."""

from __future__ import annotations

from console.store.engine import Store
from console.store.migrate import HEAD, current_revision, head_revision, upgrade


def test_head_constant_matches_scripts() -> None:
    assert head_revision() == HEAD


def test_upgrade_is_idempotent(store: Store) -> None:
    assert current_revision(store) == HEAD
    assert upgrade(store) is False
