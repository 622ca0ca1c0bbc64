"""Hot and sudden matters over the store (R-ANALYTICS), SQLite and PostgreSQL: tickets accepted
through the platform are grouped as they arrive; the shift lead sees a burst as an alert, a unit
clerk only its own unit's tickets, other seats are refused."""

from __future__ import annotations

import pytest

from console.errors import InputError, PermissionDenied
from console.services.local import LocalBackend
from console.services.values import Role
from console.services.views import Actor
from tests.services.test_hot import BACKGROUND, NOISE
from tests.store.conftest import Platform, intake


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


def test_r_analytics_other_seats_are_refused_naming_the_rule(platform: Platform) -> None:
    with pytest.raises(PermissionDenied, match="R-SECURITY"):
        platform.operator.hot_matters()
    with pytest.raises(PermissionDenied, match="R-SECURITY"):
        platform.operator.hot_alerts()
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
