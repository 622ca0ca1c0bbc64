"""Screens that are not a mode of their own (报备, 知识维护, 考核看板) open from the command palette
on any screen, for the seats that work them (R-PREFILING, R-KB, R-UNIT-KPI); other seats are
not offered them."""

from __future__ import annotations

from typing import Any

import pytest

from console.services.values import Role
from tests.screens.conftest import wait_for

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


async def palette_texts(pilot: Any, typed: str) -> list[str]:
    from textual.command import CommandList

    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    commands = app.screen.query_one(CommandList)
    await pilot.press(*typed)
    await wait_for(pilot, lambda: commands.option_count > 0, what="commands")
    await pilot.pause(0.5)
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


async def test_r_prefiling_the_manager_opens_it_from_the_knowledge_screen(make_app: Any) -> None:
    from console.screens.prefiling import PrefilingScreen

    app = make_app(Role.MANAGER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait_for(pilot, lambda: app.current_mode == "knowledge", what="knowledge")
        texts = await palette_texts(pilot, "报备")
        assert any("报备（提交、撤回与审核）" in t for t in texts), texts
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PrefilingScreen), what="报备")


@pytest.mark.parametrize(
    ("role", "typed", "screen"),
    [
        (Role.UNIT_CLERK, "知识维护", "UpkeepScreen"),
        (Role.SHIFT_LEAD, "考核看板", "DashboardScreen"),
    ],
)
async def test_r_kb_and_r_unit_kpi_their_screens_open_from_the_palette(
    make_app: Any, role: Role, typed: str, screen: str
) -> None:
    app = make_app(role)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)
        await palette_texts(pilot, typed)
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == screen, what=screen)
        await pilot.press("ctrl+p")  # asked again on the screen itself: it is not stacked twice
        await pilot.pause(0.3)
        await pilot.press(*typed, "enter")
        await pilot.pause(0.5)
        assert sum(type(s).__name__ == screen for s in app.screen_stack) == 1


async def test_r_prefiling_an_operator_is_not_offered_the_units_screens(make_app: Any) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        for typed in ("报备", "知识维护", "考核看板"):
            texts = await palette_texts(pilot, typed)
            assert all(
                "提交、撤回" not in t and "待复核" not in t and "等次" not in t for t in texts
            ), texts
            await pilot.press("escape")
            await pilot.pause(0.2)
