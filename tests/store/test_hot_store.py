"""Hot and sudden matters over the store (R-ANALYTICS), SQLite and PostgreSQL: tickets accepted
through the platform are grouped as they arrive; the shift lead sees a burst as an alert, a unit
clerk only its own unit's tickets, other seats are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from console.errors import InputError, NotFound, PermissionDenied, Unavailable
from console.services.analytics import hot_store
from console.services.analytics.hot import HotTracker, readers
from console.services.analytics.hot_store import HotWarming, HotWatch
from console.services.knowledge.seed import MatterRecord, Seed
from console.services.knowledge.seeding import apply_seed
from console.services.local import LocalBackend
from console.services.values import Domain, Role
from console.services.views import Actor
from console.store.models import MatterRow
from tests.conftest import HeldFirstLook
from tests.services.test_hot import BACKGROUND, NOISE
from tests.store.conftest import UNITS, Platform, intake


def lead(p: Platform) -> LocalBackend:
    return p.operator.as_actor(Actor("lead-1", "班长甲", Role.SHIFT_LEAD))


def history(p: Platform, count: int = 120) -> None:
    """A month of other matters before the test's calls (what a platform's index holds)."""
    for i, text in enumerate(BACKGROUND[:count]):
        p.operator.accept(intake(text=text, caller_phone=f"1390000{i:04d}"), unit_id="hn-zjt")
    p.advance(days=30)


def call(p: Platform, i: int, unit: str = "hn-zjt") -> str:
    return p.operator.accept(intake(text=NOISE[i], caller_phone=f"1370000{i:04d}"), unit_id=unit)


def test_r_analytics_three_new_callers_within_hours_alert_the_shift_lead(
    platform: Platform,
) -> None:
    p = platform
    history(p)
    watcher = lead(p)
    assert watcher.hot_alerts() == []
    first = call(p, 0)
    p.advance(hours=1)
    second = call(p, 1)
    assert watcher.hot_alerts() == []  # two callers: not yet
    p.advance(hours=1, minutes=30)
    third = call(p, 2)
    [alert] = watcher.hot_alerts()  # picked up incrementally, at the third caller
    assert alert.kind == "sudden" and alert.label == "突发"
    assert alert.numbers == (first, second, third) and alert.callers == 3
    assert alert.at == p.clock.now().astimezone(alert.at.tzinfo) and "丽发新城" in alert.summary
    [group] = [g for g in watcher.hot_matters(50) if first in g.numbers]
    assert group.numbers == (first, second, third) and group.units == ("hn-zjt",)
    p.advance(hours=13)
    assert watcher.hot_alerts() == []  # the shift's alerts only


def test_r_analytics_a_unit_clerk_sees_only_its_own_units_tickets(platform: Platform) -> None:
    p = platform
    history(p, 60)
    mine = call(p, 0, unit="hn-rst")
    others = [call(p, 1), call(p, 2)]
    assert p.rst.hot_matters(50) == []  # one caller of its own: no group yet
    mine2 = call(p, 3, unit="hn-rst")
    [group] = p.rst.hot_matters(50)
    assert group.numbers == (mine, mine2) and group.callers == 2 and group.units == ("hn-rst",)
    [whole] = [g for g in p.manager.hot_matters(50) if mine in g.numbers]
    assert whole.numbers == (mine, *others, mine2) and whole.units == ("hn-rst", "hn-zjt")
    # the burst at the third caller (sudden), the group growing at the fourth (emerging): the
    # clerk reads both with its own tickets only
    alerts = p.rst.hot_alerts()
    assert [(a.kind, a.numbers) for a in alerts] == [
        ("emerging", (mine, mine2)),
        ("sudden", (mine,)),
    ]
    assert all(mine not in a.numbers for a in p.zjt.hot_alerts())
    assert all(mine not in g.numbers for g in p.zjt.hot_matters(50))


def test_r_analytics_a_tickets_group_is_read_as_its_seat_may_see_it(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ticket's same-matter tickets (the ticket screen's line): the manager reads the whole
    group, a unit clerk its own unit's tickets of it, nothing for a ticket alone. Asking never
    waits for the groups' first look, and begins it only for a small window (the screen asks
    all day; a large window is minutes of work, begun by the board or the dashboard)."""
    p = platform
    history(p, 60)
    mine = call(p, 0, unit="hn-rst")
    others = [call(p, 1), call(p, 2)]
    mine2 = call(p, 3, unit="hn-rst")
    watch = p.manager.hot
    monkeypatch.setattr(hot_store, "QUICK_FIRST_LOOK", 10)  # a window too large to begin
    with pytest.raises(HotWarming):  # never waited for, nor begun for a large window
        p.manager.hot_matter_of(others[0])
    assert not watch.grouping() and not watch.ready()
    monkeypatch.setattr(hot_store, "QUICK_FIRST_LOOK", 2_000)  # a small one: begun
    with pytest.raises(HotWarming):
        p.manager.hot_matter_of(others[0])
    assert watch.grouping() or watch.ready()
    watch._first_done.wait(60)
    whole = p.manager.hot_matter_of(others[0])
    assert whole is not None and whole.numbers == (mine, *others, mine2)
    own = p.rst.hot_matter_of(mine)
    assert own is not None and own.numbers == (mine, mine2) and own.units == ("hn-rst",)
    with pytest.raises((PermissionDenied, NotFound)):
        p.rst.hot_matter_of(others[0])  # another unit's ticket: refused, as reading it is
    lone = p.operator.accept(intake(text="公司拖欠工资三个月，请求劳动监察部门协调。",
                                    caller_phone="13911112222"), unit_id="hn-rst")  # fmt: skip
    assert p.manager.hot_matter_of(lone) is None


def test_r_analytics_other_seats_are_refused_naming_the_rule(platform: Platform) -> None:
    with pytest.raises(PermissionDenied, match="R-SECURITY"):
        platform.operator.hot_matters()
    with pytest.raises(PermissionDenied, match="R-SECURITY"):
        platform.operator.hot_alerts()
    with pytest.raises(PermissionDenied, match="R-SECURITY"):
        platform.operator.hot_matter_of("HN261125000001")
    with pytest.raises(InputError, match="limit"):
        platform.manager.hot_matters(0)


def test_r_analytics_a_restarted_process_replays_the_window_into_the_same_groups(
    platform: Platform,
) -> None:
    """A new process (a new watch) replays the window and finds the same groups."""
    p = platform
    history(p, 60)
    numbers = [call(p, i) for i in range(3)]
    before = [g.numbers for g in p.manager.hot_matters(50)]
    fresh = LocalBackend(p.store, p.clock, Actor("mgr-2", "优化办乙", Role.MANAGER))
    assert [g.numbers for g in fresh.hot_matters(50)] == before
    assert any(set(numbers) <= set(n) for n in before)


def test_every_seat_of_a_process_shares_one_tracker_per_database(platform: Platform) -> None:
    """An API request builds its backend per request: it reads the process's tracker of the
    store, never replays the window into a tracker of its own."""
    p = platform
    first = LocalBackend(p.operator.store, p.clock, Actor("a", "甲", Role.SHIFT_LEAD))
    second = LocalBackend(p.operator.store, p.clock, Actor("b", "乙", Role.MANAGER))
    assert first.hot is second.hot is lead(p).hot
    assert first.hot.readers == readers()  # its first look reads the texts in other processes


def test_r_analytics_the_watch_reads_requests_with_the_stores_matter_catalogue(
    platform: Platform,
) -> None:
    """The matter types a request names are evidence of one matter (as at intake): the watch
    and the period report read with the store's catalogue, not without one."""
    p = platform
    noise = MatterRecord(
        "noise", "施工噪音扰民", Domain.ECOLOGY, "hn-zjt", (), "《噪声污染防治法》", "",
        ("施工噪音", "噪音扰民"),
    )  # fmt: skip
    apply_seed(p.store, Seed(units=UNITS, matters=(noise,)), p.clock.now())
    history(p, 20)
    call(p, 0)
    lead(p).hot_matters(50)
    watch = HotWatch.for_store(p.store)
    assert watch.tracker is not None and watch.tracker.catalogue is not None
    with p.store.read() as s:
        active = set(s.execute(select(MatterRow.id).where(MatterRow.active.is_(True))).scalars())
    assert active == {"noise"} and {m.id for m in watch.tracker.catalogue.matters} == active
    seen: list[object] = []
    real = hot_store.replay

    def noting(tickets: object, params: object = None, catalogue: object = None, *a: object):  # type: ignore[no-untyped-def]
        seen.append((catalogue, a))
        return real(tickets, params, catalogue, *a)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(hot_store, "replay", noting)
        now = p.clock.now()
        hot_store.period_report(p.store, now - dt.timedelta(days=60), now)
    [(catalogue, rest)] = seen
    assert {m.id for m in catalogue.matters} == active  # type: ignore[attr-defined]
    assert rest == (readers(),)  # the texts read by other processes


def test_r_analytics_a_look_during_the_first_look_says_so_and_waits_no_longer(
    platform: Platform, held_first_look: HeldFirstLook
) -> None:
    """The first look of a process (minutes on a busy store) runs in a thread of its own: a
    look made meanwhile waits ``patience`` seconds, then says the matters are being grouped
    (HotWarming, an Unavailable: 503 over the API); looks made meanwhile start no second one,
    and once it is done a look answers."""
    p = platform
    history(p, 20)
    numbers = [call(p, i) for i in range(3)]
    replays = held_first_look.calls
    watch = HotWatch(p.store, patience=0.05)
    for _ in range(3):
        with pytest.raises(HotWarming, match="热点分组正在首次计算"):
            watch.groups(p.clock.now(), limit=50)
    assert not watch.ready() and replays == [1]
    held_first_look.gate.set()
    assert watch._first_done.wait(30)
    [group] = [g for g in watch.groups(p.clock.now(), limit=50) if numbers[0] in g.numbers]
    assert group.numbers == tuple(numbers) and replays == [1]
    assert issubclass(HotWarming, Unavailable)


def test_r_analytics_a_first_look_that_failed_is_said_and_tried_again(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = platform
    history(p, 20)
    numbers = [call(p, i) for i in range(3)]
    real = hot_store.replay
    calls: list[int] = []

    def failing_once(*args: object, **kwargs: object) -> HotTracker:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hot_store, "replay", failing_once)
    watch = HotWatch(p.store, patience=30)
    with pytest.raises(Unavailable, match=r"首次计算失败（RuntimeError）"):
        watch.alerts(p.clock.now())
    assert any(numbers[0] in g.numbers for g in watch.groups(p.clock.now(), limit=50))
    assert len(calls) == 2


def test_r_analytics_a_ticket_returned_to_another_unit_moves_to_that_clerks_scope(
    platform: Platform,
) -> None:
    """After the first look, a ticket the manager moves to another unit (a return approved)
    is counted in its new unit's scope at the next look, not in the old one's."""
    p = platform
    history(p, 20)
    numbers = [call(p, i, unit="hn-rst") for i in range(3)]
    assert [g.numbers for g in p.rst.hot_matters(50)] == [tuple(numbers)]
    assert not any(set(numbers) & set(g.numbers) for g in p.zjt.hot_matters(50))
    p.advance(minutes=30)
    p.rst.return_ticket(numbers[2], "属住建部门职责", "三定方案")
    p.manager.review_return(numbers[2], True, "同意", "hn-zjt")
    [mine] = p.rst.hot_matters(50)
    assert mine.numbers == tuple(numbers[:2]) and mine.units == ("hn-rst",)
    [whole] = [g for g in p.manager.hot_matters(50) if numbers[0] in g.numbers]
    assert whole.numbers == tuple(numbers) and whole.units == ("hn-rst", "hn-zjt")
    assert [a.numbers for a in p.zjt.hot_alerts() if numbers[2] in a.numbers] == [(numbers[2],)]


def test_r_analytics_the_first_look_reads_the_last_ninety_days_and_no_earlier(
    platform: Platform,
) -> None:
    """The window: tickets created from 90 days and 5 s (``SYNC_OVERLAP``) before the first
    look — one created at that very instant is in, one a second earlier is not."""
    p = platform
    before = p.operator.accept(intake(text=NOISE[0], caller_phone="13700000000"), unit_id="hn-zjt")
    p.advance(seconds=1)
    edge = p.operator.accept(intake(text=NOISE[1], caller_phone="13700000001"), unit_id="hn-zjt")
    p.advance(days=90, seconds=5)
    watch = HotWatch(p.store, patience=None)
    assert watch.ready() is False
    watch.groups(p.clock.now())
    assert watch.ready() is True and watch.tracker is not None
    assert edge in watch.tracker and before not in watch.tracker


def test_r_analytics_a_period_report_groups_the_periods_tickets_only(platform: Platform) -> None:
    """A period's report groups the tickets created in [start, end) afresh and ranks them at
    the period's end: a call at the end itself belongs to the next period."""
    p = platform
    history(p, 20)
    start = p.clock.now()
    numbers = [call(p, i) for i in range(3)]
    again = p.operator.accept(intake(text=NOISE[3], caller_phone="13700000000"), unit_id="hn-zjt")
    p.advance(hours=2)
    end = p.clock.now()
    late = call(p, 4)
    groups, alerts = hot_store.period_report(p.store, start, end, limit=50)
    [group] = [g for g in groups if numbers[0] in g.numbers]
    assert group.numbers == (*numbers, again) and late not in group.numbers
    assert group.last_at <= end and (group.callers, group.repeats) == (3, 1)  # one called again
    assert group.units == ("hn-zjt",)
    assert [a.kind for a in alerts if numbers[0] in a.numbers] == ["sudden"]
