"""The shift lead's board lists the shift's sudden and emerging matters (R-ANALYTICS): a burst of
new callers on one matter appears at the next refresh with a bell and a toast, the callers' words
shown literally; other seats' boards have no alerts section."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Static

from console.screens.board import BoardScreen
from console.services.values import Role
from tests.conftest import HeldFirstLook
from tests.screens.conftest import ScreenPlatform, Toasts
from tests.screens.test_queues import intake, settle, shown
from tests.services.test_hot import BACKGROUND, NOISE

pytestmark = pytest.mark.anyio

MARKUP = "丽发新城[bold]搅拌站[/bold]噪音扰民，半夜还在作业，粉尘满天，投诉丽发新城小区附近搅拌站。"


def calls(p: ScreenPlatform) -> None:
    operator = p.backend(Role.OPERATOR)
    for i, text in enumerate(BACKGROUND[:60]):
        operator.accept(intake(text, caller_phone=f"1390000{i:04d}"), unit_id="hn-zjt")
    p.clock.advance(dt.timedelta(days=30))


async def test_r_analytics_a_burst_appears_on_the_shift_leads_board(
    make_app, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    p = screen_platform
    calls(p)
    operator = p.backend(Role.OPERATOR)
    for i in (0, 1):
        operator.accept(intake(NOISE[i], caller_phone=f"1370000{i:04d}"), unit_id="hn-zjt")
        p.clock.advance(dt.timedelta(hours=1))
    app = make_app(Role.SHIFT_LEAD)
    toasts = Toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        box = screen.query_one("#board-alerts", Static)
        assert not box.display and screen.alerts == ()  # two callers: nothing yet
        third = operator.accept(intake(MARKUP, caller_phone="13700000002"), unit_id="hn-zjt")
        await pilot.press("r")
        await settle(pilot, app)
        assert box.display and [a.kind for a in screen.alerts] == ["sudden"]
        assert third in screen.alerts[0].numbers
        text = shown(box)
        assert "突发" in text and "3 人" in text
        assert toasts.bells == 1 and "突发事项" in toasts.text()
        await pilot.press("r")
        await settle(pilot, app)
        assert toasts.bells == 1  # the same alert rings once


async def test_r_analytics_the_callers_words_are_shown_literally(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    p = screen_platform
    calls(p)
    operator = p.backend(Role.OPERATOR)
    operator.accept(intake(MARKUP, caller_phone="13700000009"), unit_id="hn-zjt")
    for i in (1, 2):
        operator.accept(intake(NOISE[i], caller_phone=f"1370000{i:04d}"), unit_id="hn-zjt")
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        assert "[bold]" in shown(screen.query_one("#board-alerts", Static))


async def test_r_analytics_a_burst_is_pushed_to_the_board_without_a_refresh(
    make_app, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The third caller's ticket is a change on the live feed: the shift lead's board asks for
    the alerts again at once and rings — its periodic reload is set out of reach here (ten
    minutes, against the five seconds the test waits; no wall-clock bound, which a busy
    machine breaks)."""
    from tests.screens.conftest import wait_for

    monkeypatch.setattr("console.screens.board.REFRESH_SECONDS", 600.0)
    p = screen_platform
    calls(p)
    operator = p.backend(Role.OPERATOR)
    for i in (0, 1):
        operator.accept(intake(NOISE[i], caller_phone=f"1370000{i:04d}"), unit_id="hn-zjt")
        p.clock.advance(dt.timedelta(hours=1))
    app = make_app(Role.SHIFT_LEAD)
    toasts = Toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, BoardScreen) and screen.alerts == ()
        await wait_for(pilot, lambda: app.live_watch is not None
                       and app.live_watch.cursor is not None, what="the feed")  # fmt: skip
        operator.accept(intake(MARKUP, caller_phone="13700000002"), unit_id="hn-zjt")
        await wait_for(pilot, lambda: bool(screen.alerts), timeout=5, what="the alert")
        assert [a.kind for a in screen.alerts] == ["sudden"] and toasts.bells == 1


async def test_r_analytics_an_alert_stays_on_one_line_its_tickets_before_the_words(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    """A summary of 40 wide characters and two places is wider than a 140-column board: the
    line is cut with "…" at its end, the words', and the tickets' count stays in sight (it
    wrapped onto a line of its own)."""
    long_words = (
        "天心区芙蓉南路与新姚路交叉口往南一百米的路灯已经连续一个星期晚上不亮了晚上走路很危险"
    )
    p = screen_platform
    operator = p.backend(Role.OPERATOR)
    numbers = [
        operator.accept(intake(long_words + "。" * i, caller_phone=f"1370000{i:04d}"),
                        unit_id="cs-yhb")
        for i in range(3)
    ]  # fmt: skip
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        await pilot.press("r")
        await settle(pilot, app)
        box = screen.query_one("#board-alerts", Static)
        assert [a.numbers for a in screen.alerts] == [tuple(numbers)]
        lines = shown(box).rstrip("\n").splitlines()
        assert len(lines) == 1, lines
        assert f"3 人 {numbers[0]} 等 3 件  天心区芙蓉南路" in lines[0]
        assert lines[0].rstrip().endswith("…")


def test_an_alert_line_names_its_first_ticket_and_how_many_in_all() -> None:
    """An alert of four tickets stays on one line at 140 columns (a summary of 40 characters
    and a place beside it): its first number, then 等 4 件."""
    from console.screens.board import numbers_line

    four = ("HN261206000001", "HN261206000002", "HN261206000003", "HN261206000004")
    assert numbers_line(four) == "HN261206000001 等 4 件"
    assert numbers_line(four[:1]) == "HN261206000001"
    assert numbers_line(()) == ""


async def test_r_analytics_the_board_says_the_matters_are_being_grouped_until_they_are(
    make_app,
    screen_platform: ScreenPlatform,
    monkeypatch: pytest.MonkeyPatch,
    held_first_look: HeldFirstLook,
) -> None:  # type: ignore[no-untyped-def]
    """The first look of a process groups the last 90 days (minutes on a busy store): the
    shift lead's board says so in the alerts' place, keeps its countdowns, and shows the
    alerts once the grouping is done — without a key pressed."""
    from console.services.analytics.hot_store import HotWatch
    from tests.screens.conftest import wait_for

    p = screen_platform
    calls(p)
    operator = p.backend(Role.OPERATOR)
    for i in range(3):
        operator.accept(intake(NOISE[i], caller_phone=f"1370000{i:04d}"), unit_id="hn-zjt")
    monkeypatch.setattr("console.screens.board.RETRY_SECONDS", 0.2)
    HotWatch.for_store(p.store).patience = 0.05
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        box = screen.query_one("#board-alerts", Static)
        await wait_for(pilot, lambda: "正在首次计算" in shown(box), what="the notice")
        assert box.display and screen.alerts == ()
        held_first_look.gate.set()
        # asked again soon, not at the board's own reload (every 10 s)
        await wait_for(pilot, lambda: bool(screen.alerts), timeout=5, what="the alert")
        assert [a.kind for a in screen.alerts] == ["sudden"] and "突发" in shown(box)
