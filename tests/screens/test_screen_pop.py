"""Screen-pop (CTI, R-SOURCE): a call answered at the seat's telephony seat opens intake with
the caller's number, the line it came from and the caller's earlier tickets; the ticket taken
keeps the call and its recording. A form being typed is never overwritten by the next call."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from textual.widgets import Input, Static, TextArea

from console.app import HotlineApp
from console.services.telephony.calls import ingest_event, parse_event
from console.services.values import Role, State
from console.widgets.dialogs import ConfirmDialog, InfoDialog
from console.widgets.suggestions import TextList
from tests.screens.conftest import ScreenPlatform, Toasts, screen_text, wait_for
from tests.screens.test_intake import choice_ready, ticket_number
from tests.store.conftest import intake

pytestmark = pytest.mark.anyio

SIZE = (140, 45)
SEAT = "8001"
CALLER = "13911112222"


def app_at_seat(p: ScreenPlatform, phone_seat: str = SEAT) -> HotlineApp:
    settings = dataclasses.replace(p.settings, phone_seat=phone_seat)
    return HotlineApp(p.backend(Role.OPERATOR), settings, cursor_blink=False, retry_interval=0.2)


def call_event(p: ScreenPlatform, call: str, kind: str, **extra: str) -> None:
    raw = {"event_id": f"{call}-{kind}", "call_id": call, "kind": kind,
           "at": p.clock.now().isoformat(), **extra}  # fmt: skip
    ingest_event(p.store, "zz-acd", parse_event(raw), p.clock.now())


def answer_call(p: ScreenPlatform, call: str, phone: str = CALLER, seat: str = SEAT) -> None:
    call_event(p, call, "ringing", caller=phone, line="株洲12345")
    call_event(p, call, "answered", seat=seat)


def field(app: Any, name: str) -> str:
    return str(app.screen.query_one(f"#{name}", Input).value)


async def test_r_source_an_answered_call_opens_intake_with_number_line_and_history(
    screen_platform: ScreenPlatform,
) -> None:
    p = screen_platform
    clerk = p.backend(Role.OPERATOR)
    first = clerk.accept(intake(caller_phone=CALLER, text="小区路灯不亮一个月了。"), "hn-rst")
    second = clerk.accept(intake(caller_phone=CALLER, confidential=True), "hn-rst")
    app = app_at_seat(p)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.call_watch is not None and app.call_watch.cursor is not None,
                       what="the watch's first answer")  # fmt: skip
        answer_call(p, "c-1")
        await wait_for(pilot, lambda: field(app, "caller_phone") == CALLER, what="the number")
        assert field(app, "source_line") == "株洲12345"
        history = app.screen.query_one("#history", TextList)
        await wait_for(pilot, lambda: history.row_ids == [second, first], what="the history")
        note = app.screen.query_one("#history-note", Static)
        assert "R-CONFIDENTIAL" in str(note.render())  # asked for secrecy before
        assert app.screen.focused is app.screen.query_one("#text", TextArea)
        assert SEAT in app.sub_title

        await pilot.press(*"单位拖欠工资两个月，要求协调")
        call_event(p, "c-1", "ended", recording_id="rec-88")  # hung up: the recording is known
        await pilot.press("f9")
        await wait_for(pilot, lambda: choice_ready(app), what="unit choice")
        await pilot.press("down", "enter")  # nothing is chosen until the seat chooses
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)

        await pilot.press("escape")
        app.open_ticket(number)  # the ticket view names the call and its recording
        await wait_for(pilot, lambda: "rec-88" in screen_text(app), what="the recording")
        assert "zz-acd/c-1" in screen_text(app)

    ticket = p.backend(Role.MANAGER).ticket(number)
    assert ticket.call == "zz-acd/c-1" and ticket.recording_id == "rec-88"
    assert ticket.caller_phone.endswith("2222") and ticket.source_line == "株洲12345"
    assert ticket.state == State.DISPATCHED.value


async def test_r_source_a_call_never_overwrites_a_form_being_typed(
    screen_platform: ScreenPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = screen_platform
    app = app_at_seat(p)
    async with app.run_test(size=SIZE) as pilot:
        toasts = Toasts(app, monkeypatch)
        await wait_for(pilot, lambda: app.call_watch is not None and app.call_watch.cursor is not None,
                       what="the watch's first answer")  # fmt: skip
        app.screen.query_one("#caller_phone", Input).focus()
        await pilot.press(*"13700001111")
        app.screen.query_one("#text", TextArea).focus()
        await pilot.press(*"上一个来电人的诉求")
        answer_call(p, "c-2")
        await wait_for(pilot, lambda: any("当前表单未完成" in m for _, m in toasts.said),
                       what="the warning")  # fmt: skip
        assert field(app, "caller_phone") == "13700001111"
        assert app.screen.query_one("#text", TextArea).text == "上一个来电人的诉求"
        assert not any(CALLER in m for _, m in toasts.said)  # the number is masked in a toast

        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirm")
        await pilot.press("enter")
        await wait_for(pilot, lambda: field(app, "caller_phone") == CALLER, what="the new call")
        assert app.screen.query_one("#text", TextArea).text == ""


async def test_r_source_without_a_telephony_seat_nothing_pops(
    screen_platform: ScreenPlatform,
) -> None:
    p = screen_platform
    app = app_at_seat(p, phone_seat="")
    async with app.run_test(size=SIZE) as pilot:
        answer_call(p, "c-3")
        await pilot.pause(0.5)
        assert app.call_watch is None
        assert field(app, "caller_phone") == ""
        assert not app.screen.query_one("#history", TextList).display


async def test_r_source_typing_a_known_number_shows_the_callers_history(
    screen_platform: ScreenPlatform,
) -> None:
    p = screen_platform
    earlier = p.backend(Role.OPERATOR).accept(intake(caller_phone=CALLER), "hn-rst")
    app = app_at_seat(p, phone_seat="")
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#caller_phone", Input).focus()
        await pilot.press(*CALLER)
        history = app.screen.query_one("#history", TextList)
        await wait_for(pilot, lambda: history.row_ids == [earlier], what="the history")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="confirm")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not history.display, what="history cleared")
