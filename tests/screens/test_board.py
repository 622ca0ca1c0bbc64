"""Special-incident board: countdowns to the 4 h / 2 h first response and the progress report,
colours as the marks near, the bell once per breach, who was notified and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from textual.widgets import DataTable

from console.app import HotlineApp
from console.screens.board import BoardScreen
from console.screens.ticket import TicketScreen
from console.services.values import Kind, Role, Special
from console.store.models import OutboxRow
from console.widgets.notifications import NotificationList
from tests.conftest import at
from tests.screens.conftest import ScreenPlatform
from tests.screens.test_queues import intake, settle, shown

pytestmark = pytest.mark.anyio


def board(app: HotlineApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen), screen
    return screen


def cell(app: HotlineApp, number: str, column: str) -> Any:
    return board(app).query_one("#board-table", DataTable).get_cell(number, column)


class Bells:
    """Counts the terminal bells an app rings."""

    def __init__(self, app: HotlineApp, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        monkeypatch.setattr(app, "bell", self.ring)

    def ring(self) -> None:
        self.count += 1


async def test_countdown_colours_and_bell_follow_the_clock(
    make_app,
    screen_platform: ScreenPlatform,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    operator = screen_platform.backend(Role.OPERATOR)
    urgent = operator.accept(
        intake("化工厂爆炸，周边居民需疏散", Kind.HELP), unit_id="hn-sthjt", special=Special.URGENT
    )
    special = operator.accept(
        intake("全小区停水两天", Kind.HELP), unit_id="hn-zjt", special=Special.SPECIAL
    )
    operator.accept(intake("普通投诉"), unit_id="hn-rst")  # not on the board
    app = make_app(Role.SHIFT_LEAD)
    bells = Bells(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        screen = board(app)
        assert [i.number for i in screen.items] == [urgent, special]  # nearest mark first
        first = cell(app, urgent, "first_response")
        assert first.plain == "剩 02:00:00" and "green" in str(first.style)  # R-SPECIAL-URGENT: 2 h
        assert cell(app, special, "first_response").plain == "剩 04:00:00"  # R-SPECIAL: 4 h
        assert cell(app, urgent, "dispatched").plain == "09:00"

        screen_platform.clock.advance(dt.timedelta(hours=1, minutes=35))
        await pilot.press("r")
        await settle(pilot, app)
        first = cell(app, urgent, "first_response")
        assert first.plain == "剩 00:25:00" and "yellow" in str(first.style)  # under 30 min
        assert "green" in str(cell(app, special, "first_response").style)  # 2 h 25 min left of 4 h
        assert bells.count == 0

        screen_platform.clock.advance(dt.timedelta(minutes=30))
        await pilot.press("r")
        await settle(pilot, app)
        first = cell(app, urgent, "first_response")
        assert first.plain == "超时 00:05:00" and "red" in str(first.style)
        assert bells.count == 1
        summary = shown(screen.query_one("#board-summary"))
        assert "已超时 1" in summary

        await pilot.press("r")  # the same breach rings once only
        await settle(pilot, app)
        assert bells.count == 1

        screen_platform.clock.advance(dt.timedelta(hours=2))  # the special's 4 h mark passes too
        await pilot.press("r")
        await settle(pilot, app)
        assert cell(app, special, "first_response").plain.startswith("超时")
        assert bells.count == 2


async def test_first_response_stops_the_countdown(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    operator = screen_platform.backend(Role.OPERATOR)
    number = operator.accept(
        intake("大面积停电", Kind.HELP), unit_id="hn-rst", special=Special.SPECIAL
    )
    screen_platform.clock.advance(dt.timedelta(minutes=50))
    screen_platform.backend(Role.UNIT_CLERK).first_response(number, "已派抢修队赶赴现场")
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        assert cell(app, number, "first_response").plain == "已反馈 09:50"
        assert cell(app, number, "progress").plain.startswith("剩 ")


async def test_detail_says_who_was_notified_and_when(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    operator = screen_platform.backend(Role.OPERATOR)
    operator.accept(
        intake("燃气泄漏 [bold]速来[/]", Kind.HELP), unit_id="hn-zjt", special=Special.URGENT
    )
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        detail = board(app).query_one("#board-detail")
        text = shown(detail).replace("\n", "")
        assert "11-25 09:00 派单至 省住房城乡建设厅" in text
        assert "燃气泄漏 [bold]速来[/]" in text  # caller words, literally


async def test_r_special_a_city_office_row_names_the_bureau_it_forwards_to(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    """A special matter at a city 优化办: the row's unit and the detail name the city bureau
    its matter type goes to (事项清单), as the ticket does."""
    operator = screen_platform.backend(Role.OPERATOR)
    number = operator.accept(
        intake("整条街路灯熄灭，路口险些撞人", Kind.HELP, matter_type="路灯"),
        unit_id="cs-yhb",
        special=Special.SPECIAL,
    )
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        assert cell(app, number, "unit").plain == "长沙→城市管理和综合执法局"
        detail = shown(board(app).query_one("#board-detail")).replace("\n", "")
        assert "派单至 长沙市优化办  → 市城市管理和综合执法局" in detail


async def test_breaches_already_red_on_opening_do_not_ring(
    make_app,
    screen_platform: ScreenPlatform,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    operator = screen_platform.backend(Role.OPERATOR)
    number = operator.accept(
        intake("山体滑坡", Kind.HELP), unit_id="hn-rst", special=Special.URGENT
    )
    screen_platform.clock.advance(dt.timedelta(hours=3))
    app = make_app(Role.SHIFT_LEAD)
    bells = Bells(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        assert cell(app, number, "first_response").plain == "超时 01:00:00"
        assert bells.count == 0


def mark_outbox(platform: ScreenPlatform, channel: str, **values: object) -> None:
    """What ``hotline worker`` records for a notification, written straight into the store."""
    with platform.store.write() as s:
        for row in s.execute(select(OutboxRow).where(OutboxRow.channel == channel)).scalars():
            for key, value in values.items():
                setattr(row, key, value)


async def test_r_special_detail_follows_each_notification_to_delivery(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    """R-SPECIAL / R-SPECIAL-REPORT: the four notifications of a special dispatch, waiting,
    then delivered (with the time) or given up — on a refresh, in the detail and the table."""
    operator = screen_platform.backend(Role.OPERATOR)
    number = operator.accept(
        intake("全小区停水两天", Kind.HELP), unit_id="hn-zjt", special=Special.SPECIAL
    )
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        screen = board(app)
        detail = screen.query_one("#board-detail")
        lines = shown(detail).splitlines()
        notices = [line.strip() for line in lines if line.strip().endswith("发起 · 待发送")]
        assert len(notices) == 4 and all(n.startswith("09:00") for n in notices)
        text = "".join(shown(detail).split())  # a long recipient wraps onto the next line
        for channel, target in (  # no duty numbers in the screen seed: said on each (Art. 18)
            ("短信通知", "省住房城乡建设厅（未登记值班短信号码）"),
            ("电话通知", "省住房城乡建设厅（未登记值班电话）"),
            ("值班报告", "省政府总值班室（未登记值班短信号码）"),
            ("应急通报", "省应急管理厅（未登记值班短信号码）"),
        ):
            assert f"{channel}{target}" in text
        assert cell(app, number, "notified").plain == "0/4"

        mark_outbox(screen_platform, "sms", delivered_at=at("2026-11-25 09:02"), attempts=1)
        mark_outbox(screen_platform, "phone", delivered_at=at("2026-11-25 09:05"), attempts=1)
        mark_outbox(
            screen_platform,
            "emergency",
            attempts=5,
            last_error="HTTP 503 [bold]网关维护[/]",
            gave_up_at=at("2026-11-25 09:40"),
        )
        mark_outbox(
            screen_platform,
            "duty_office",
            attempts=2,
            last_error="连接超时",
            next_attempt_at=at("2026-11-25 09:50"),
        )
        await pilot.press("r")
        await settle(pilot, app)
        text = shown(detail)
        assert "09:00 发起 · 已送达 09:02" in text and "09:00 发起 · 已送达 09:05" in text
        assert "09:00 发起 · 重试中（第2次）\n  下次 09:50 · 原因：连接超时" in text
        assert "09:00 发起 · 已放弃 09:40" in text
        assert "原因：HTTP 503 [bold]网关维护[/]" in text  # as stored, never markup
        assert "待发送" not in text
        assert cell(app, number, "notified").plain == "2/4!"
        assert "通知已放弃 1" in shown(screen.query_one("#board-summary"))


async def test_notifications_fit_the_narrow_board_and_show_in_the_ticket_view(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    operator = screen_platform.backend(Role.OPERATOR)
    number = operator.accept(
        intake("化工厂泄漏", Kind.HELP), unit_id="hn-sthjt", special=Special.URGENT
    )
    mark_outbox(screen_platform, "sms", delivered_at=at("2026-11-25 09:01"))
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = board(app)
        columns = [
            str(c.label) for c in screen.query_one("#board-table", DataTable).columns.values()
        ]
        assert "通知" not in columns  # no room at 80 columns: the detail pane lists them
        assert "短信通知  省生态环境厅" in shown(screen.query_one("#board-detail"))
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen) and app.screen.number == number
        section = app.screen.query_one(NotificationList)
        assert section.display and len(section.notes) == 4
        text = shown(section)
        assert "短信通知  省生态环境厅" in text and "已送达 09:01" in text
        assert text.count("待发送") == 4  # three waiting, plus the count line "待发送 3"


class CountingBackend:
    """Forwards to a backend and counts the calls that reach the store."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.inner, name)
        # the live feed's held question is the push channel, not a read of tickets
        if callable(value) and name not in ("now", "live_changes", "call_pops"):

            def wrapper(*args: Any, **kwargs: Any) -> Any:
                self.calls.append(name)
                return value(*args, **kwargs)

            return wrapper
        return value


async def test_a_running_clock_ticks_locally_without_reading_the_store(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    operator = screen_platform.backend(Role.OPERATOR)
    number = operator.accept(
        intake("暴雨内涝", Kind.HELP), unit_id="hn-rst", special=Special.URGENT
    )
    screen_platform.clock._running = True  # a drill clock running on from 09:00  # noqa: SLF001
    screen_platform.clock.set(screen_platform.clock.now())
    backend = CountingBackend(screen_platform.backend(Role.SHIFT_LEAD))
    app = make_app(Role.SHIFT_LEAD, backend=backend)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        screen = board(app)
        assert screen._running  # noqa: SLF001
        before = cell(app, number, "first_response").plain
        reads = len(backend.calls)
        await pilot.pause(2.2)
        after = cell(app, number, "first_response").plain
        assert after != before and after < before  # "剩 01:59:57" < "剩 01:59:59"
        assert len(backend.calls) == reads  # ticking reads no ticket, no queue


async def test_enter_opens_the_ticket(make_app, screen_platform: ScreenPlatform) -> None:  # type: ignore[no-untyped-def]
    operator = screen_platform.backend(Role.OPERATOR)
    number = operator.accept(
        intake("桥梁垮塌", Kind.HELP), unit_id="hn-zjt", special=Special.URGENT
    )
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, TicketScreen) and app.screen.number == number


async def test_r_special_report_board_alarms_when_notices_stay_undelivered(
    make_app, screen_platform: ScreenPlatform
) -> None:  # type: ignore[no-untyped-def]
    """No worker delivering (or a gateway down): ten minutes after a special dispatch the board
    says how many notices are stuck and for how long, instead of a quiet 「通知 0/4」."""
    operator = screen_platform.backend(Role.OPERATOR)
    operator.accept(intake("全小区停水两天", Kind.HELP), unit_id="hn-zjt", special=Special.SPECIAL)
    app = make_app(Role.SHIFT_LEAD)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        screen = board(app)
        assert "通知未送达" not in shown(screen.query_one("#board-summary"))
        screen_platform.clock.advance(dt.timedelta(minutes=12))
        await pilot.press("r")
        await settle(pilot, app)
        said = shown(screen.query_one("#board-summary"))
        assert "通知未送达 4（最久 12 分钟）" in said and "hotline worker" in said, said
        mark_outbox(screen_platform, "sms", delivered_at=at("2026-11-25 09:02"), attempts=1)
        await pilot.press("r")
        await settle(pilot, app)
        assert "通知未送达 3" in shown(screen.query_one("#board-summary"))
