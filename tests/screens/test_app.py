"""The app shell: landing screen per role, global keys, keymap, palette, seat screen, crashes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select

from console.app import HotlineApp
from console.errors import InputError
from console.launch import parse_seat
from console.services.values import Role
from console.services.views import Actor
from console.widgets.banner import DrillBanner
from console.widgets.dialogs import PromptDialog
from tests.screens.conftest import ScreenPlatform, wait_for

pytestmark = pytest.mark.anyio

SIZE = (120, 40)


@pytest.mark.parametrize(
    ("role", "mode"),
    [
        (Role.OPERATOR, "intake"),
        (Role.SUBCENTRE_OPERATOR, "intake"),
        (Role.EXPERT, "knowledge"),
        (Role.SHIFT_LEAD, "board"),
        (Role.ENTERPRISE_DESK, "desk"),
        (Role.UNIT_CLERK, "queues"),
        (Role.MANAGER, "queues"),
        (Role.SUPERVISOR, "queues"),
    ],
)
async def test_each_seat_lands_on_its_screen(make_app: Any, role: Role, mode: str) -> None:
    app = make_app(role)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current_mode == mode


async def test_function_keys_switch_screens(make_app: Any) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        assert app.current_mode == "knowledge"
        await pilot.press("f4")
        assert app.current_mode == "queues"
        await pilot.press("f5")
        assert app.current_mode == "board"
        await pilot.press("f2")
        assert app.current_mode == "intake"


async def test_unit_clerk_has_no_intake(make_app: Any) -> None:
    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        assert app.current_mode == "queues"
        assert (
            "f2" not in app.screen.active_bindings or not app.screen.active_bindings["f2"].enabled
        )


async def test_keymap_from_settings_remaps_a_binding(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    screen_platform.settings = replace(screen_platform.settings, keymap={"app.knowledge": "f11"})
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        assert app.current_mode == "intake"
        await pilot.press("f11")
        assert app.current_mode == "knowledge"


async def test_navigation_bar_names_every_screen_key_as_remapped(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    from console.widgets.nav import NavBar

    # (a key no screen uses: intake's F11 hands a consultation to an expert)
    screen_platform.settings = replace(screen_platform.settings, keymap={"app.knowledge": "f1"})
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = str(app.screen.query_one(NavBar).render_bar(120))
        assert "f2 受理" in bar and "f1 知识库" in bar and "f3" not in bar
        assert "f4 工单队列" in bar and "f5 特殊事项" in bar and "^o 打开工单" in bar
        assert bar.startswith("12345 热线坐席控制台 · ")
        # the footer keeps its room for the screen's own keys
        assert all(not b.show for b in app.BINDINGS if b.action in ("intake", "queues"))


async def test_navigation_bar_leaves_out_what_a_unit_clerk_cannot_open(make_app: Any) -> None:
    from console.widgets.nav import NavBar

    app = make_app(Role.UNIT_CLERK)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = str(app.screen.query_one(NavBar).render_bar(120))
        assert "受理" not in bar and "工单队列" in bar
        # narrow terminals keep the keys, drop the title
        assert not str(app.screen.query_one(NavBar).render_bar(40)).startswith("12345")


async def test_item10_at_80_columns_the_bar_still_says_who_is_on_the_seat(make_app: Any) -> None:
    """80×24 (PuTTY's default): the app's name gives way, the seat's name stays."""
    from console.widgets.nav import NavBar

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = str(app.screen.query_one(NavBar).render_bar(80))
        actor = app.backend.actor
        assert bar.startswith(actor.name) and "f2 受理" in bar, bar
        assert "^p" in bar


async def test_drill_banner(make_app: Any) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        banner = app.screen.query_one(DrillBanner)
        assert banner.has_class("-on")
        assert str(banner.render()) == "演练模式 · 时钟固定于 2026-11-25 09:00"


async def test_open_a_ticket_by_number(make_app: Any) -> None:
    from console.screens.ticket import TicketScreen

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptDialog), what="prompt")
        await pilot.press(*"hn261125000001", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen), what="ticket view")
        assert app.screen.number == "HN261125000001"
        await pilot.press("f2")  # back to the intake
        assert not isinstance(app.screen, TicketScreen)


async def test_command_palette_opens_a_ticket_and_reaches_actions(make_app: Any) -> None:
    from console.screens.ticket import TicketScreen

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"HN261125000007")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketScreen), what="ticket view")
        assert app.screen.number == "HN261125000007"
        app.pop_screen()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"知识库")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_mode == "knowledge", what="knowledge via palette")


async def test_seat_screen_asks_who_is_working(screen_platform: ScreenPlatform) -> None:
    app = HotlineApp(
        None, screen_platform.settings, opener=lambda: screen_platform, cursor_blink=False
    )
    async with app.run_test(size=SIZE) as pilot:
        from console.screens.seat import SeatScreen

        await wait_for(pilot, lambda: isinstance(app.screen, SeatScreen), what="seat screen")
        await pilot.press(*"kelly")
        app.screen.query_one("#seat-role", Select).value = Role.UNIT_CLERK.value
        await wait_for(
            pilot,
            lambda: len(app.screen.query_one("#seat-unit", Select)._options) > 1,
            what="units",
        )
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SeatScreen)  # a clerk needs a unit
        app.screen.query_one("#seat-unit", Select).value = "hn-rst"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.current_mode == "queues", what="queues")
        assert app.backend is not None
        assert app.backend.actor == Actor("kelly", "kelly", Role.UNIT_CLERK, "hn-rst")


async def test_hotline_seat_skips_the_seat_screen(screen_platform: ScreenPlatform) -> None:
    actor = parse_seat("张三:operator")
    app = HotlineApp(
        None,
        screen_platform.settings,
        opener=lambda: screen_platform,
        actor=actor,
        cursor_blink=False,
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.current_mode == "intake", what="intake")
        await wait_for(pilot, lambda: app.backend is not None, what="backend")
        app.screen.query_one("#caller_phone", Input).focus()
        await pilot.press(*"138")
        assert app.screen.query_one("#caller_phone", Input).value == "138"


def test_parse_seat() -> None:
    assert parse_seat("") is None
    assert parse_seat("张三:operator") == Actor("张三", "张三", Role.OPERATOR)
    assert parse_seat("李四:unit_clerk:hn-rst") == Actor("李四", "李四", Role.UNIT_CLERK, "hn-rst")
    assert parse_seat("王五:班长").role is Role.SHIFT_LEAD
    assert parse_seat("赵六:lead").role is Role.SHIFT_LEAD
    for bad in ("张三", "张三:pilot", "李四:unit_clerk"):
        with pytest.raises(InputError):
            parse_seat(bad)


CRASHING = textwrap.dedent("""
    import sys
    from console.screens import intake

    def on_mount(self):
        phone = "13812349876"
        words = "我的身份证号430102199001011234，家住芙蓉区"
        raise RuntimeError("cannot handle " + words + phone)

    intake.IntakeScreen.on_mount = on_mount
    from console.launch import run_console
    sys.exit(run_console(headless=True))
""")


def test_a_crash_shows_no_traceback_and_logs_no_caller_data(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HOTLINE_DATA_DIR": str(tmp_path),
        "HOTLINE_SEAT": "张三:operator",
        "HOTLINE_NOW": "2026-11-25 09:00",
    }
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", CRASHING],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1
    assert "内部错误" in out
    assert "Traceback" not in out and "13812349876" not in out and "430102" not in out
    log = (tmp_path / "crash.log").read_text("utf-8")
    assert "RuntimeError" in log and "on_mount" in log
    assert "13812349876" not in log and "430102" not in log and "芙蓉区" not in log
