"""Work-queue claims: a seat takes the next ticket of a queue; no ticket is taken twice,
claims expire, and on PostgreSQL many seats claim at once (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select

from console.bootstrap import open_store
from console.errors import InputError, NotFound, PermissionDenied
from console.services.access import audit
from console.services.local import LocalBackend
from console.services.tickets import claims
from console.services.tickets.claims import CLAIM_TTL
from console.services.tickets.commands import OBLIGATIONS
from console.services.tickets.queries import OPEN_STATES
from console.services.values import Kind, Role, Special
from console.services.views import Actor
from console.store.models import QUEUE_OBLIGATIONS, QUEUE_OPEN_STATES, TicketRow
from tests.store.conftest import Platform, intake


def completions(p: Platform, n: int) -> list[str]:
    """``n`` tickets waiting in the manager's "completions" queue."""
    numbers = []
    for i in range(n):
        number = p.operator.accept(intake(text=f"第{i}件：公司拖欠工资"), unit_id="hn-rst")
        p.rst.sign(number)
        p.rst.request_completion(number, "电话", p.clock.now().date(), "已办理")
        numbers.append(number)
    return numbers


def test_claims_walk_the_queue_once_and_then_stop(platform: Platform) -> None:
    p = platform
    numbers = completions(p, 3)
    manager2 = p.manager.as_actor(Actor("mgr-2", "优化办庚", Role.MANAGER))
    versions = {n: p.manager.ticket(n).version for n in numbers}
    first = p.manager.claim_next("completions")
    second = manager2.claim_next("completions")
    third = p.manager.claim_next("completions")
    assert sorted([first, second, third]) == sorted(numbers)  # type: ignore[type-var]
    assert p.manager.claim_next("completions") is None
    assert manager2.claim_next("completions") is None
    with p.store.read() as s:
        t = s.execute(select(TicketRow).where(TicketRow.number == second)).scalar_one()
        assert t.claimed_by == "mgr-2"
        assert t.version == versions[str(second)]  # a claim does not bump the version
    # the claimed ticket can still be acted on with the version the seat saw
    view = manager2.ticket(second)  # type: ignore[arg-type]
    manager2.review_completion(second, True, version=view.version)  # type: ignore[arg-type]


def test_release_and_expiry_put_a_ticket_back(platform: Platform) -> None:
    p = platform
    (number,) = completions(p, 1)
    manager2 = p.manager.as_actor(Actor("mgr-2", "优化办庚", Role.MANAGER))
    assert p.manager.claim_next("completions") == number
    with pytest.raises(PermissionDenied):
        manager2.release(number)
    p.manager.release(number)
    assert manager2.claim_next("completions") == number
    assert p.manager.claim_next("completions") is None
    p.clock.advance(CLAIM_TTL + dt.timedelta(seconds=1))  # mgr-2 went away
    assert p.manager.claim_next("completions") == number
    actions = [e.action for e in audit.entries(p.store, target=number)]
    assert actions[-4:] == ["claim", "release", "claim", "claim"]
    assert audit.verify(p.store).ok


def test_claims_are_refused_to_the_wrong_role_and_queue(platform: Platform) -> None:
    p = platform
    completions(p, 1)
    with pytest.raises(PermissionDenied):
        p.rst.claim_next("completions")
    with pytest.raises(InputError, match="queue"):
        p.manager.claim_next("mine")
    with pytest.raises(InputError, match="queue"):
        p.manager.claim_next("nonsense")


def test_a_clerk_claims_only_their_units_tickets(platform: Platform) -> None:
    p = platform
    mine = p.operator.accept(intake(), unit_id="hn-rst")
    p.operator.accept(intake(), unit_id="hn-zjt")
    assert p.rst.claim_next("awaiting_sign") == mine
    assert p.rst.claim_next("awaiting_sign") is None


def test_a_claim_lasts_fifteen_minutes_to_the_second(platform: Platform) -> None:
    """Held through the 15th minute (another seat gets nothing), free just after it."""
    p = platform
    (number,) = completions(p, 1)
    manager2 = p.manager.as_actor(Actor("mgr-2", "优化办庚", Role.MANAGER))
    assert CLAIM_TTL == dt.timedelta(minutes=15)
    assert p.manager.claim_next("completions") == number
    p.clock.advance(dt.timedelta(minutes=15))  # exactly the claim's lifetime: still held
    assert manager2.claim_next("completions") is None
    p.clock.advance(dt.timedelta(seconds=1))
    assert manager2.claim_next("completions") == number


def test_claims_take_the_nearest_running_deadline_first(platform: Platform) -> None:
    """An ordinary ticket (签收 by the end of the next working day) taken first, a special one
    (initial response within 4 hours, R-SPECIAL) after it: the special one is claimed first."""
    p = platform
    ordinary = p.operator.accept(intake(), unit_id="hn-rst")
    p.advance(hours=1)
    special = p.operator.accept(
        intake(Kind.HELP, text="小区停水两天"), unit_id="hn-rst", special=Special.SPECIAL
    )
    assert p.rst.claim_next("awaiting_sign") == special
    assert p.rst.claim_next("awaiting_sign") == ordinary
    p.rst.release(special)
    p.rst.release(ordinary)
    p.rst.first_response(special, "已到场")  # its 4-hour clock stops; 签收 by tomorrow remains
    assert p.rst.claim_next("awaiting_sign") == ordinary  # 1 hour older, due at the same time


def test_claim_refusals_say_why_the_queue_is_not_claimed(platform: Platform) -> None:
    p = platform
    with pytest.raises(InputError) as err:
        p.manager.claim_next("mine")
    assert err.value.field == "queue" and err.value.problem.startswith("该队列不按认领分配 mine")
    with pytest.raises(InputError) as err:
        p.manager.claim_next("nonsense")
    assert err.value.problem.startswith("未知队列 nonsense")
    with pytest.raises(PermissionDenied) as denied:
        p.rst.claim_next("completions")
    assert denied.value.rule == "R-SECURITY"
    with pytest.raises(ValueError, match="different seats"):
        claims.claim_next(p.store, p.manager.queries, p.rst.actor, "awaiting_sign", p.clock.now())


def test_r_security_release_refuses_bad_unknown_and_unseen_numbers(platform: Platform) -> None:
    """A release names the field of a bad number, says an unknown one does not exist, and
    answers a clerk of another unit exactly as for an unknown number (not who holds it)."""
    p = platform
    mine = p.operator.accept(intake(), unit_id="hn-rst")
    assert p.rst.claim_next("awaiting_sign") == mine
    with pytest.raises(InputError) as err:
        p.rst.release("20261125\x000001")  # a NUL never reaches the database
    assert err.value.field == "number"
    with pytest.raises(InputError) as err:  # the service checks it too, not only the backend
        claims.release(p.store, p.rst.actor, "20261125\x000001")
    assert err.value.field == "number"
    with pytest.raises(NotFound):
        p.rst.release("20261125-9999")
    with pytest.raises(NotFound) as unseen:
        p.zjt.release(mine)
    assert "u-rst" not in str(unseen.value)
    p.rst.release(mine)
    p.rst.release(mine)  # releasing a free ticket is a no-op, not an error
    actions = [e.action for e in audit.entries(p.store, target=mine)]
    assert actions[-2:] == ["claim", "release"]


def test_eight_seats_claim_fifty_tickets_each_exactly_once(platform: Platform) -> None:
    p = platform
    if p.store.dialect != "postgresql":
        pytest.skip("concurrent claims run on PostgreSQL (SQLite serialises them)")
    numbers = set(completions(p, 50))
    threads = 8
    stores = [open_store(p.store.url) for _ in range(threads)]
    seats = [
        LocalBackend(
            stores[i], p.clock, Actor(f"mgr-{i}", f"审核{i}", Role.MANAGER), p.manager.rules
        )
        for i in range(threads)
    ]
    claimed: list[tuple[int, str]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)
    deadline = time.monotonic() + 60

    def work(i: int) -> None:
        try:
            barrier.wait()
            for _ in range(len(numbers) + 1):  # bounded: never more than the queue holds
                if time.monotonic() > deadline:
                    raise TimeoutError("claims took too long")
                number = seats[i].claim_next("completions")
                if number is None:
                    return
                with lock:
                    claimed.append((i, number))
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    try:
        for t in ts:
            t.start()
        for t in ts:
            t.join(timeout=90)
    finally:
        for st in stores:
            st.dispose()
    assert not errors, errors
    counts = Counter(n for _, n in claimed)
    assert set(counts) == numbers
    assert max(counts.values()) == 1  # no double claim
    with p.store.read() as s:
        holders = dict(
            s.execute(
                select(TicketRow.number, TicketRow.claimed_by).where(TicketRow.number.in_(numbers))
            ).all()
        )
    assert holders == {n: f"mgr-{i}" for i, n in claimed}
    assert len({i for i, _ in claimed}) > 1, "the seats shared the work"
    assert audit.verify(p.store).ok


def test_queue_index_lists_match_the_workflow() -> None:
    """The partial queue indexes (migration 0003) are on exactly the obligations and open states."""
    assert set(QUEUE_OBLIGATIONS) == OBLIGATIONS
    assert list(QUEUE_OPEN_STATES) == [s.value for s in OPEN_STATES]


def test_queue_windows_keep_order_and_total(platform: Platform) -> None:
    """The window is picked in one narrow pass (ids + total) and loaded after (bench_queues)."""
    p = platform
    numbers = []
    for _ in range(3):
        numbers.append(p.operator.accept(intake(), unit_id="hn-rst"))
        p.advance(hours=1)
    first = p.manager.queue("awaiting_sign", offset=0, limit=2)
    assert [r.number for r in first.rows] == numbers[:2] and first.total == 3
    rest = p.manager.queue("awaiting_sign", offset=2, limit=2)
    assert [r.number for r in rest.rows] == numbers[2:] and rest.total == 3
    past = p.manager.queue("awaiting_sign", offset=5, limit=2)
    assert past.rows == () and past.total == 3
    assert p.manager.queue_counts(["awaiting_sign", "overdue"]) == {
        "awaiting_sign": 3,
        "overdue": 0,
    }
    p.advance(days=3)  # the sign clocks (1 WD) have run out
    overdue = p.rst.queue("overdue")
    assert [r.number for r in overdue.rows] == numbers and overdue.total == 3
    assert p.zjt.queue("overdue").total == 0  # another unit sees none of them
