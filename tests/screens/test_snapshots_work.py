"""Snapshots of the work screens (queues, special-incident board, ticket view, an action
dialog) at 120×40 and 80×24, the drill clock pinned at 2026-11-25 09:00 (later where said)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from console.services.values import Kind, Role, Special
from tests.conftest import at
from tests.screens.conftest import ScreenPlatform
from tests.screens.test_journeys import MANAGER
from tests.screens.test_queues import intake, settle

SIZES = [(120, 40), (80, 24)]


def seed_queue(platform: ScreenPlatform) -> list[str]:
    """A handful of tickets for the hn-rst clerk in several states."""
    operator = platform.backend(Role.OPERATOR)
    clerk = platform.backend(Role.UNIT_CLERK)
    numbers = [
        operator.accept(intake("公司拖欠工资三个月，请求协调 [bold]速办[/]"), unit_id="hn-rst"),
        operator.accept(intake("失业保险金申领进度咨询", Kind.HELP), unit_id="hn-rst"),
        operator.accept(intake("社保转移接续一直办不下来", Kind.COMPLAINT), unit_id="hn-rst"),
    ]
    platform.clock.advance(dt.timedelta(hours=3))
    numbers.append(
        operator.accept(
            intake("变电站故障，全镇停电", Kind.HELP), unit_id="hn-rst", special=Special.URGENT
        )
    )
    clerk.sign(numbers[2])
    platform.clock.advance(dt.timedelta(days=1, hours=21))  # Friday 09:00: signing is overdue
    return numbers


async def wait(pilot: Any) -> None:
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_queues_snapshot(make_app, screen_platform: ScreenPlatform, snap_compare, size) -> None:  # type: ignore[no-untyped-def]
    seed_queue(screen_platform)
    assert snap_compare(make_app(Role.UNIT_CLERK), terminal_size=size, run_before=wait)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_board_snapshot(make_app, screen_platform: ScreenPlatform, snap_compare, size) -> None:  # type: ignore[no-untyped-def]
    operator = screen_platform.backend(Role.OPERATOR)
    clock = screen_platform.clock
    clock.set(at("2026-11-25 07:30"))
    operator.accept(intake("山体滑坡阻断道路", Kind.HELP), unit_id="hn-zjt", special=Special.URGENT)
    clock.set(at("2026-11-25 09:00"))
    operator.accept(
        intake("化工厂爆炸，周边居民需疏散", Kind.HELP), unit_id="hn-sthjt", special=Special.URGENT
    )
    clock.set(at("2026-11-25 09:40"))
    operator.accept(
        intake("全小区停水两天 [@click=app.quit]", Kind.HELP),
        unit_id="hn-zjt",
        special=Special.SPECIAL,
    )
    clock.set(at("2026-11-25 10:05"))
    number = operator.accept(
        intake("变电站故障，全镇停电", Kind.HELP), unit_id="hn-sgcc", special=Special.SPECIAL
    )
    clock.set(at("2026-11-25 10:25"))
    screen_platform.backend(actor_sgcc()).first_response(number, "抢修队已出发")
    # 10:45: one urgent mark breached (red), one in its last 30 minutes (yellow), the rest green
    clock.set(at("2026-11-25 10:45"))
    assert snap_compare(make_app(Role.SHIFT_LEAD), terminal_size=size, run_before=wait)


def actor_sgcc() -> Any:
    from console.services.views import Actor

    return Actor("clerk-sgcc", "国网经办", Role.UNIT_CLERK, "hn-sgcc")


def ticket_with_history(platform: ScreenPlatform) -> str:
    operator = platform.backend(Role.OPERATOR)
    number = operator.accept(intake("小区楼下工地夜间施工噪声扰民 [/ \x1b[2J"), unit_id="hn-rst")
    platform.clock.advance(dt.timedelta(hours=2))
    platform.backend(Role.UNIT_CLERK).return_ticket(
        number, "施工噪声不属于人社部门职责", "三定方案"
    )
    platform.clock.advance(dt.timedelta(hours=1))
    platform.backend(MANAGER).review_return(
        number, True, "属住建部门职责", new_unit_id="hn-rst", co_unit_ids=("hn-zjt",)
    )
    return number


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ticket_snapshot(make_app, screen_platform: ScreenPlatform, snap_compare, size) -> None:  # type: ignore[no-untyped-def]
    number = ticket_with_history(screen_platform)

    async def open_it(pilot: Any) -> None:
        await wait(pilot)
        pilot.app.open_ticket(number)
        await wait(pilot)

    assert snap_compare(make_app(Role.UNIT_CLERK), terminal_size=size, run_before=open_it)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_return_dialog_with_a_refusal_snapshot(
    make_app, screen_platform: ScreenPlatform, snap_compare, size
) -> None:  # type: ignore[no-untyped-def]
    number = screen_platform.backend(Role.OPERATOR).accept(intake(), unit_id="hn-rst")

    async def refused(pilot: Any) -> None:
        await wait(pilot)
        pilot.app.open_ticket(number)
        await wait(pilot)
        await pilot.press("t")
        await wait(pilot)
        await pilot.press(*"不属于本厅职责", "ctrl+s")
        await wait(pilot)

    assert snap_compare(make_app(Role.UNIT_CLERK), terminal_size=size, run_before=refused)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_upkeep_snapshot(make_app, screen_platform: ScreenPlatform, snap_compare, size) -> None:  # type: ignore[no-untyped-def]
    """The hn-rst clerk's knowledge upkeep: two reports (one past the 7 days), none due."""
    operator = screen_platform.backend(Role.OPERATOR)
    operator.flag_article("hn-rst-001", "wrong", "平台名称写错了 [bold]速改[/]")
    screen_platform.clock.advance(dt.timedelta(days=8))
    operator.flag_article("hn-rst-002", "outdated", "领取标准已调整")

    async def open_it(pilot: Any) -> None:
        await settle(pilot, pilot.app)
        await pilot.press("k")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(Role.UNIT_CLERK), terminal_size=size, run_before=open_it)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_prefiling_snapshot(  # type: ignore[no-untyped-def]
    make_app, screen_platform: ScreenPlatform, snap_compare, size, monkeypatch
) -> None:
    """The manager's 报备 screen (R-PREFILING): a pending scope first, one sent back, the seed's."""
    import uuid

    from console.services.views import Actor, PrefilingDraft

    ids = iter(uuid.UUID(hex=h * 8 + "0" * 24) for h in "ab")
    monkeypatch.setattr("console.services.knowledge.prefiling.uuid.uuid4", lambda: next(ids))
    clerk = screen_platform.backend(Actor("clerk-sgcc", "电力经办辛", Role.UNIT_CLERK, "hn-sgcc"))
    draft = PrefilingDraft(
        title="寒潮致株洲线路覆冰停电 [bold]急[/]",
        reason="force_majeure",
        keywords=("停电", "覆冰"),
        region="株洲市",
        starts=at("2026-11-25 08:00"),
        ends=at("2026-11-28 20:00"),
        explanation="受寒潮影响，株洲部分线路覆冰跳闸，正在抢修，预计11月28日前恢复供电。",
    )
    sent_back = clerk.file_prefiling(
        PrefilingDraft(**{**vars(draft), "title": "计划检修停电", "reason": "special_work"})
    )
    screen_platform.backend(MANAGER).review_prefiling(sent_back, False, "计划检修应提前公告")
    clerk.file_prefiling(draft)

    async def open_it(pilot: Any) -> None:
        await settle(pilot, pilot.app)
        await pilot.press("b")
        await settle(pilot, pilot.app)

    assert snap_compare(make_app(MANAGER), terminal_size=size, run_before=open_it)
