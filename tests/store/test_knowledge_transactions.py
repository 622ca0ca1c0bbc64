"""The knowledge service reads the store in short transactions and builds its indexes after
them (R-KB, both stores). On PostgreSQL a read transaction left open through seconds of index
work holds its locks and snapshot (idle in transaction) and blocks a migration, a truncation,
vacuum: it was seen as a truncation waiting past the lock timeout on a session whose last
statement had read the articles."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event

from console.services.knowledge.duplicates import DuplicateIndex
from console.services.knowledge.routing import Router
from console.services.knowledge.routing_model import RoutingModel
from console.services.knowledge.search import SearchIndex
from console.services.knowledge.service import KnowledgeService
from console.services.local import LocalBackend
from console.store.engine import Store
from tests.store.conftest import Platform, intake


class HeldByThread:
    """Connections of the store's pools each thread holds (checked out, not yet returned):
    other seats' services on the same store read and write at the same time, in threads of
    their own."""

    def __init__(self, store: Store) -> None:
        self.held: dict[int, int] = {}
        self.lock = threading.Lock()
        self.engines = list({id(e): e for e in (store.read_engine, store.write_engine)}.values())
        for engine in self.engines:
            event.listen(engine, "checkout", self.checkout)
            event.listen(engine, "checkin", self.checkin)

    def checkout(self, *_: Any) -> None:
        with self.lock:
            me = threading.get_ident()
            self.held[me] = self.held.get(me, 0) + 1

    def checkin(self, *_: Any) -> None:
        with self.lock:
            me = threading.get_ident()
            self.held[me] = self.held.get(me, 0) - 1

    def mine(self) -> int:
        with self.lock:
            return self.held.get(threading.get_ident(), 0)

    def close(self) -> None:
        for engine in self.engines:
            event.remove(engine, "checkout", self.checkout)
            event.remove(engine, "checkin", self.checkin)


def test_r_kb_the_indexes_are_built_and_synced_outside_read_transactions(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = platform.store
    seen: dict[str, list[int]] = {}
    held = HeldByThread(store)

    def watched(owner: type, name: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            seen.setdefault(f"{owner.__name__}.{name}", []).append(held.mine())
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, call)

    for owner, name in (
        (SearchIndex, "__init__"),
        (SearchIndex, "upsert"),
        (SearchIndex, "upsert_many"),
        (DuplicateIndex, "add"),
        (DuplicateIndex, "update"),
        (Router, "learn"),
        (RoutingModel, "from_bytes"),
    ):
        watched(owner, name)
    service = KnowledgeService(store)
    seat = LocalBackend(store, platform.clock, platform.operator.actor, knowledge=service)
    assert seat.search_kb("社保关系怎么转移")  # the search index: built
    seat.find_duplicates("公司拖欠工资三个月", "13800000000")  # routing and duplicates: built
    # another seat's work, picked up by the next look (a sync)
    view = platform.rst.article_for_edit("hn-rst-001")
    platform.rst.edit_article(
        view.article_id, view.version, "社保关系怎么转移接续？", view.answer, view.basis,
        list(view.tags), view.review_by,
    )  # fmt: skip
    platform.manager.verify_article("hn-rst-001")
    platform.operator.accept(intake(text="公司拖欠工资三个月，老板不接电话"), unit_id="hn-rst")
    service.refresh()
    assert {
        "SearchIndex.__init__", "SearchIndex.upsert", "DuplicateIndex.add", "RoutingModel.from_bytes"
    } <= seen.keys()  # fmt: skip
    held.close()
    assert all(n == 0 for counts in seen.values() for n in counts), seen
