"""Many seats on one ticket through PostgreSQL: exactly one wins each round, no lost update."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from console.bootstrap import open_store
from console.errors import Conflict, RuleError
from tests.store.conftest import Platform, intake

THREADS = 8
ROUNDS = 10


def _race(fn: object, n: int) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    barrier = threading.Barrier(n)
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            fn(i)  # type: ignore[operator]
            result = "won"
        except Conflict:
            result = "conflict"
        except RuleError:
            result = "refused"
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.parametrize("with_version", [True, False], ids=["expected-version", "no-version"])
def test_eight_seats_one_ticket_exactly_one_wins_each_round(
    platform: Platform, with_version: bool, request: pytest.FixtureRequest
) -> None:
    if platform.store.dialect != "postgresql":
        pytest.skip("the race runs on PostgreSQL (SQLite serialises writers with BEGIN IMMEDIATE)")
    number = platform.operator.accept(intake(), unit_id="hn-rst")
    platform.rst.sign(number)
    # each seat gets its own connection pool, like separate processes
    seats = [
        platform.rst.__class__(
            open_store(platform.store.url), platform.clock, platform.rst.actor, platform.rst.rules
        )
        for _ in range(THREADS)
    ]
    try:
        for round_ in range(ROUNDS):
            version = platform.rst.ticket(number).version

            def act(i: int, version: int = version, round_: int = round_) -> None:
                seats[i].request_extension(
                    number, 1, f"第{round_}轮 席位{i}", version=version if with_version else None
                )

            outcomes = _race(act, THREADS)
            assert outcomes["won"] == 1, outcomes
            assert outcomes["won"] + outcomes["conflict"] + outcomes["refused"] == THREADS
            platform.manager.review_extension(number, True, "同意")
        view = platform.rst.ticket(number)
        requests = [e for e in view.events if e.action == "request_extension"]
        approvals = [e for e in view.events if e.action == "extension_approved"]
        assert len(requests) == ROUNDS and len(approvals) == ROUNDS  # no lost update
        limit = next(c for c in view.clocks if c.key == "limit" and c.running)
        assert limit.extension_wd == ROUNDS
    finally:
        for seat in seats:
            seat.store.dispose()


def test_r_extend_two_managers_approve_one_extension_at_once(platform: Platform) -> None:
    """Two managers approve the same extension request at the same moment, without a version:
    one approval stands, the other gets a conflict (it was a 500: IntegrityError on the
    outbox's idempotency key)."""
    if platform.store.dialect != "postgresql":
        pytest.skip("the race runs on PostgreSQL (SQLite serialises writers with BEGIN IMMEDIATE)")
    for _ in range(5):
        number = platform.operator.accept(intake(), unit_id="hn-rst")
        platform.rst.sign(number)
        platform.rst.request_extension(number, 2, "需要协调")
        managers = [
            platform.manager.__class__(
                open_store(platform.store.url),
                platform.clock,
                platform.manager.actor,
                platform.manager.rules,
            )
            for _ in range(4)
        ]
        try:
            outcomes = _race(
                lambda i, ms=managers, n=number: ms[i].review_extension(n, True, "同意"), 4
            )
        finally:
            for m in managers:
                m.store.dispose()
        assert outcomes["won"] == 1, outcomes
        assert outcomes["won"] + outcomes["conflict"] + outcomes["refused"] == 4
        view = platform.rst.ticket(number)
        assert [e.action for e in view.events].count("extension_approved") == 1
