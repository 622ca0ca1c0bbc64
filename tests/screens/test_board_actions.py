"""Issue 13 item 8 (shift-lead part): the shift lead acts on the special-incident board —
re-notify, escalate to the manager (省优化办), add a note — and a toast with the bell marks
the moment an incident breaches its 4 h / 2 h clock, once per breach."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from console.app import HotlineApp
from console.screens.board import BoardScreen
from console.services.values import Kind, Role, Special
from console.store.models import AuditRow, OutboxRow
from tests.screens.conftest import ScreenPlatform, Toasts, screen_text, wait_for
from tests.screens.test_queues import intake, settle, shown

pytestmark = pytest.mark.anyio


def board(app: HotlineApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen), screen
    return screen


def breached(platform: ScreenPlatform) -> str:
    """An urgent incident dispatched at 09:00 whose 2 h first response has passed."""
    number = platform.backend(Role.OPERATOR).accept(
        intake("化工厂爆炸 [bold]速来[/]", Kind.HELP, incident_summary="化工厂爆炸，约30户需疏散"),
        unit_id="hn-rst",
        special=Special.URGENT,
    )
    platform.clock.advance(dt.timedelta(hours=2, minutes=10))
    return number


def outbox(platform: ScreenPlatform, number: str) -> list[OutboxRow]:
    with platform.store.read() as s:
        return list(
            s.execute(
                select(OutboxRow)
                .where(OutboxRow.idempotency_key.startswith(f"{number}:"))
                .order_by(OutboxRow.id)
            ).scalars()
        )


def audited(platform: ScreenPlatform, number: str, action: str) -> list[AuditRow]:
    with platform.store.read() as s:
        return list(
            s.execute(
                select(AuditRow).where(AuditRow.target == number, AuditRow.action == action)
            ).scalars()
        )


def events(platform: ScreenPlatform, number: str, action: str) -> list[Any]:
    view = platform.backend(Role.MANAGER).ticket(number)
    return [e for e in view.events if e.action == action]


async def test_item8_shift_lead_renotifies_a_breached_incident(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = breached(screen_platform)
    first = outbox(screen_platform, number)
    assert len(first) == 4  # sms, phone, duty office, emergency at dispatch
    app = make_app(Role.SHIFT_LEAD)
    toasts = Toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        footer = screen_text(app)  # the keys are in the footer (nothing else says 重新通知)
        assert "重新通知" in footer and "上报优化办" in footer and "备注" in footer
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(outbox(screen_platform, number)) == 8, what="re-send")
        await settle(pilot, app)
        assert "已重新通知（第1次）" in toasts.text()
        await pilot.press("n", "enter")
        await wait_for(pilot, lambda: len(outbox(screen_platform, number)) == 12, what="again")
    rows = outbox(screen_platform, number)
    keys = [r.idempotency_key for r in rows]
    assert len(set(keys)) == 12  # each re-send its own keys: never deduplicated away
    assert f"{number}:duty:resend1" in keys and f"{number}:emergency:resend2" in keys
    assert {r.channel for r in rows[4:8]} == {"sms", "phone", "duty_office", "emergency"}
    assert "第1次" in rows[4].payload["message"]
    assert [str(e.details["resend"]) for e in events(screen_platform, number, "renotify")] == [
        "1",
        "2",
    ]
    assert len(audited(screen_platform, number, "renotify")) == 2


async def test_item8_shift_lead_escalates_to_the_manager(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = breached(screen_platform)
    app = make_app(Role.SHIFT_LEAD)
    toasts = Toasts(app, monkeypatch)
    reason = "超时未响应 [red]电话[/] 无人接"
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*reason)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: events(screen_platform, number, "escalate"), what="escalation"
        )
        await settle(pilot, app)
        assert "已上报优化办" in toasts.text()
        (event,) = events(screen_platform, number, "escalate")
        assert event.reason == reason and event.details["to"] == "省优化办"
        notice = [r for r in outbox(screen_platform, number) if r.channel == "manager"]
        assert len(notice) == 1 and notice[0].target == "省优化办"
        assert reason in notice[0].payload["message"]
        assert audited(screen_platform, number, "escalate")
        # the caller's words and the lead's reason are shown literally in the ticket view
        await pilot.press("enter")
        await settle(pilot, app)
        text = screen_text(app)
        assert "上报优化办" in text and "[red]电话[/]" in text


async def test_item8_shift_lead_adds_a_note_to_the_timeline(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = breached(screen_platform)
    app = make_app(Role.SHIFT_LEAD)
    toasts = Toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"已电话催办 [/b]")
        await pilot.press("enter")
        await wait_for(pilot, lambda: events(screen_platform, number, "note"), what="note")
        await settle(pilot, app)
        assert "已添加备注" in toasts.text()
    (event,) = events(screen_platform, number, "note")
    assert event.reason == "已电话催办 [/b]" and event.actor == "班长丁"
    assert audited(screen_platform, number, "note")


async def test_item8_board_actions_refused_to_an_operator_naming_the_rule(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = breached(screen_platform)
    app = make_app(Role.OPERATOR)
    toasts = Toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("f5")
        await settle(pilot, app)
        board(app)
        await pilot.press("n", "enter")
        await wait_for(pilot, lambda: "未执行" in toasts.text(), what="refusal")
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"备注", "enter")
        await wait_for(pilot, lambda: toasts.text().count("未执行") == 2, what="refusal 2")
    refusals = [m for t, m in toasts.said if t == "未执行"]
    assert "R-SPECIAL-REPORT" in refusals[0] and "班长" in refusals[0]
    assert "R-SPECIAL" in refusals[1]
    assert all("\n" not in m for m in refusals)
    assert len(outbox(screen_platform, number)) == 4
    assert not events(screen_platform, number, "note")


async def test_item8_breach_toast_and_bell_once_per_incident(
    make_app: Any, screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = screen_platform.backend(Role.OPERATOR).accept(
        intake("燃气泄漏", Kind.HELP), unit_id="hn-rst", special=Special.URGENT
    )
    app = make_app(Role.SHIFT_LEAD)
    toasts = Toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, app)
        assert toasts.bells == 0 and not toasts.said
        screen_platform.clock.advance(dt.timedelta(hours=2, seconds=1))
        for _ in range(3):  # refreshed again and again: one toast, one bell
            await pilot.press("r")
            await settle(pilot, app)
        breach = [m for _, m in toasts.said if "超时" in m]
        assert breach == [f"工单 {number} 初步响应已超时"]
        assert toasts.bells == 1
        assert "已超时 1" in shown(board(app).query_one("#board-summary"))
