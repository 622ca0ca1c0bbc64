"""Snapshots of the 政企通 desk (R-ENTERPRISE) as a policy specialist lands on it — its own
request highlighted, another unassigned under 全部 — at 120×40 and 80×24, the drill clock
pinned at 2026-11-25 09:00."""

from __future__ import annotations

from typing import Any

import pytest

from console.services.values import CallerType, Role
from console.services.views import Actor, ExpertDraft
from tests.screens.conftest import ScreenPlatform
from tests.screens.test_queues import intake, settle

SIZES = [(120, 40), (80, 24)]
ZHAO = Actor("pol-zhao", "赵政策", Role.ENTERPRISE_DESK)


def seed_desk(platform: ScreenPlatform) -> None:
    manager = platform.backend(Role.MANAGER)
    manager.add_expert(
        ExpertDraft("赵政策", "hn-rst", ("营商环境",), ("每天 00:00-00:00",), seat="pol-zhao",
                    kind="policy")
    )  # fmt: skip
    operator = platform.backend(Role.OPERATOR)
    mine = operator.accept(
        intake("企业申请稳岗返还补贴三个月未到账 [bold]速办[/]", caller_type=CallerType.ENTERPRISE,
               enterprise_name="湘江机械制造有限公司"),
        unit_id="hn-rst",
    )  # fmt: skip
    operator.accept(
        intake("外贸企业出口退税办理进度咨询", caller_type=CallerType.ENTERPRISE,
               enterprise_name="岳阳外贸[/]有限公司"),
        unit_id="hn-rst",
    )  # fmt: skip
    specialist = platform.backend(ZHAO)
    specialist.claim_enterprise(mine)
    specialist.follow_enterprise(mine, "已电话联系企业财务")


async def wait(pilot: Any) -> None:
    await settle(pilot, pilot.app)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_desk_mine_snapshot(make_app, screen_platform: ScreenPlatform, snap_compare, size) -> None:  # type: ignore[no-untyped-def]
    seed_desk(screen_platform)
    assert snap_compare(make_app(ZHAO), terminal_size=size, run_before=wait)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_desk_all_snapshot(make_app, screen_platform: ScreenPlatform, snap_compare, size) -> None:  # type: ignore[no-untyped-def]
    seed_desk(screen_platform)

    async def all_then_second(pilot: Any) -> None:
        await wait(pilot)
        await pilot.press("a")
        await wait(pilot)
        await pilot.press("down")
        await wait(pilot)

    assert snap_compare(make_app(ZHAO), terminal_size=size, run_before=all_then_second)
