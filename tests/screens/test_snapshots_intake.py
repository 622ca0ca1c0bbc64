"""Snapshots of the seat, intake and knowledge screens in their main states, wide and at 80×24.

Regenerate after a deliberate change with ``pytest tests/screens/test_snapshots_intake.py
--snapshot-update`` and look at the .svg files under tests/screens/__snapshots__/.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Select, TextArea

from console.app import HotlineApp
from console.services.values import Role
from console.widgets.answer_list import AnswerList
from tests.screens.conftest import ScreenPlatform, wait_for

SIZES = [pytest.param((120, 40), id="120x40"), pytest.param((80, 24), id="80x24")]


@pytest.mark.parametrize("size", SIZES)
def test_seat(snap_compare: Any, screen_platform: ScreenPlatform, size: tuple[int, int]) -> None:
    app = HotlineApp(
        None, screen_platform.settings, opener=lambda: screen_platform, cursor_blink=False
    )

    async def ready(pilot: Any) -> None:
        from console.screens.seat import SeatScreen

        await wait_for(pilot, lambda: isinstance(app.screen, SeatScreen), what="seat screen")
        await pilot.press(*"kelly")
        app.screen.query_one("#seat-role", Select).value = Role.UNIT_CLERK.value
        await wait_for(
            pilot,
            lambda: len(app.screen.query_one("#seat-unit", Select)._options) > 1,
            what="units",
        )
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_intake_empty(snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
    app = make_app(Role.OPERATOR)

    async def ready(pilot: Any) -> None:
        await wait_for(
            pilot, lambda: app.screen.query_one("GroundChecklist").grounds, what="grounds"
        )
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_intake_filled(snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
    app = make_app(Role.OPERATOR)

    async def ready(pilot: Any) -> None:
        screen = app.screen
        await wait_for(pilot, lambda: screen.query_one("GroundChecklist").grounds, what="grounds")
        screen.query_one("#caller_phone", Input).focus()
        await pilot.press(*"13812341234", "tab", *"王女士")
        screen.query_one("#place", Input).value = "长沙市岳麓区"
        screen.query_one("#text", TextArea).focus()
        said = "社保断了三个月怎么补缴"  # one keyword: the router lists several in no set order
        await pilot.press(*said)
        await wait_for(
            pilot,
            lambda: screen.query_one(AnswerList).query_text == said and screen.context_text == said,
            what="answers and suggestions for the whole text",
        )
        await pilot.press("alt+4")
        await wait_for(
            pilot, lambda: screen.query_one("#ground-script").has_class("-on"), what="script"
        )
        screen.query_one(AnswerList).focus()  # a settled focus: no text cursor in the picture
        await wait_for(pilot, lambda: not screen.query_one("#text").has_focus, what="focus")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_knowledge_results_and_article(
    snap_compare: Any, make_app: Any, size: tuple[int, int]
) -> None:
    app = make_app(Role.EXPERT)

    async def ready(pilot: Any) -> None:
        await pilot.press(*"公积金提取")
        await wait_for(pilot, lambda: app.screen.article is not None, what="article")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_knowledge_empty(snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
    app = make_app(Role.EXPERT)

    async def ready(pilot: Any) -> None:
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)
