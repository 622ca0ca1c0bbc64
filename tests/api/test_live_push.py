"""Live updates over HTTP (R-SPECIAL): two consoles of one ``hotline serve``; a special
incident accepted on one appears on the other's board pushed at once (checked against 3 s;
the board's own reload is every 10 s); the server is killed and restarted, and the second
console catches up from its cursor with no change lost."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest

from console.app import HotlineApp
from console.config import Settings
from console.services.access import seats
from console.services.clock import DrillClock
from console.services.local import LocalBackend
from console.services.remote import RemoteBackend
from console.services.values import Kind, Role, Special
from console.services.views import Actor, LiveChanges
from console.store.models import EventRow
from tests.conftest import at
from tests.contract.harness import PINNED, Server, intake, prepare_store
from tests.screens.conftest import screen_text, wait_for

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def token(store: Any, name: str, role: Role) -> str:
    return seats.add_seat(store, name, role, None, now=dt.datetime.now(dt.UTC))[1]


async def test_r_special_an_incident_on_one_console_is_pushed_to_the_others_board(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    store = prepare_store(url)
    server = Server(url, tmp_path).start()
    try:
        operator = RemoteBackend(server.url, token(store, "话务员甲", Role.OPERATOR)).connect()
        lead = RemoteBackend(server.url, token(store, "班长丁", Role.SHIFT_LEAD)).connect()
        settings = Settings(db_url="", api_url=server.url, data_dir=tmp_path / "lead")
        app = HotlineApp(lead, settings, cursor_blink=False, retry_interval=0.2)
        delivered: list[int] = []
        shown = app.live_changed

        def record(live: LiveChanges) -> None:
            delivered.extend(c.id for c in live.changes)
            shown(live)

        monkeypatch.setattr(app, "live_changed", record)
        async with app.run_test(size=(140, 45)) as pilot:
            await wait_for(pilot, lambda: app.live_watch is not None
                           and app.live_watch.cursor is not None, what="the feed")  # fmt: skip
            first_cursor = app.live_watch.cursor  # type: ignore[union-attr]
            await wait_for(pilot, lambda: "特殊事项" in screen_text(app), what="the board")

            urgent = operator.accept(intake(Kind.HELP, "化工厂爆炸，周边居民需疏散"),
                                     unit_id="hn-scjgj", special=Special.URGENT)  # fmt: skip
            started = time.monotonic()  # timed from the commit: the write's own time is not push
            await wait_for(pilot, lambda: urgent in screen_text(app), timeout=5, what="pushed")
            assert time.monotonic() - started < 3.0  # pushed, not the 10-s reload

            server.stop()  # the platform goes away: the console says so
            await wait_for(pilot, lambda: not app.connection_ok, what="the outage shown")
            # meanwhile another seat works on the store itself (an embedded seat, a job)
            direct = LocalBackend(
                store, DrillClock(at(PINNED)), Actor("op-2", "话务员乙", Role.OPERATOR)
            )
            missed = direct.accept(intake(Kind.HELP, "全小区停水两天"), unit_id="hn-zjt",
                                   special=Special.SPECIAL)  # fmt: skip
            server.start(keep_port=True)
            await wait_for(pilot, lambda: missed in screen_text(app), timeout=15, what="caught up")
            await wait_for(pilot, lambda: app.connection_ok, what="the outage over")
            with store.read() as s:
                made = sorted(s.scalars(EventRow.__table__.select().with_only_columns(EventRow.id)
                                        .where(EventRow.id > first_cursor)))  # fmt: skip
            await wait_for(pilot, lambda: sorted(delivered) == made, what="every change")
            assert len(delivered) == len(set(delivered))  # and none twice
        operator.close()
        lead.close()
    finally:
        server.stop()
        store.dispose()


def test_r_special_a_held_question_is_woken_by_the_write_itself(tmp_path: Path) -> None:
    """The server answers a held ``/live`` question when a write it answered lands, not at its
    next look at the store (1 s) — and the answer holds the change, scoped to the seat."""
    import threading

    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    store = prepare_store(url)
    server = Server(url, tmp_path).start()
    try:
        with RemoteBackend(server.url, token(store, "话务员甲", Role.OPERATOR)).connect() as op, \
                RemoteBackend(server.url, token(store, "督办己", Role.SUPERVISOR)).connect() as sup:  # fmt: skip
            cursor = sup.live_changes(None).cursor
            got: dict[str, Any] = {}

            def ask() -> None:
                got["live"] = sup.live_changes(cursor, wait=10)
                got["returned"] = time.monotonic()

            waiter = threading.Thread(target=ask)
            waiter.start()
            time.sleep(1.1)  # held, just past the server's 1-s look at the store
            assert "live" not in got
            sent = time.monotonic()
            number = op.accept(intake(), unit_id="hn-rst")
            waiter.join(10)
            assert {c.number for c in got["live"].changes} == {number}
            assert got["returned"] - sent < 0.5, got  # woken by the write, not by the look
    finally:
        server.stop()
        store.dispose()
