"""`hotline serve --workers 2`: two server processes over one store stay consistent — a change
written through one reaches a seat whose question is held by the other at once (each process
watches the store; checked against half the held question's 5-s recheck), and a claim is
still held by one seat only."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

from console.api.signal import RECHECK_S
from console.services.access import seats
from console.services.remote import RemoteBackend
from console.services.values import Role
from tests.contract.harness import Server, intake, prepare_store


def test_r_special_two_server_processes_push_each_others_changes(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'hotline.db'}"
    store = prepare_store(url)
    server = Server(url, tmp_path, args=("--workers", "2")).start()
    try:
        now = dt.datetime.now(dt.UTC)
        op_token = seats.add_seat(store, "话务员甲", Role.OPERATOR, None, now=now)[1]
        sup_token = seats.add_seat(store, "督办己", Role.SUPERVISOR, None, now=now)[1]
        delays = []
        for _ in range(6):  # fresh connections: the two processes take them in turn or at random
            with RemoteBackend(server.url, op_token).connect() as op, \
                    RemoteBackend(server.url, sup_token).connect() as sup:  # fmt: skip
                cursor = sup.live_changes(None).cursor
                got: dict[str, Any] = {}

                def ask(sup: Any = sup, cursor: int = cursor, got: dict[str, Any] = got) -> None:
                    got["live"] = sup.live_changes(cursor, wait=10)
                    got["at"] = time.monotonic()

                waiter = threading.Thread(target=ask)
                waiter.start()
                time.sleep(0.3)
                sent = time.monotonic()
                number = op.accept(intake(), unit_id="hn-rst")
                waiter.join(10)
                assert number in {c.number for c in got["live"].changes}
                delays.append(got["at"] - sent)
        # each process watches the store every WATCH_S: well inside half the held question's
        # RECHECK_S, which a process that never looked would wait (room for a busy machine)
        assert max(delays) < RECHECK_S / 2, delays
    finally:
        server.stop()
        store.dispose()
