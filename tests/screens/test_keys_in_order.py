"""A key acts once the keys read before it in the same read have done their work
(console/screens/keys_in_order.py): a role chosen in the seat list and Ctrl+S in one read
start the shift in that role; a choice that travels through several messages arrives first."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Select

from console.screens.keys_in_order import after_keys_before
from console.services.values import Role
from tests.screens.conftest import ScreenPlatform, wait_for
from tests.screens.test_issue13 import feed_burst

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("opened_first", [True, False], ids=["list-open", "list-closed"])
async def test_keys_in_one_read_a_role_chosen_then_ctrl_s_starts_the_shift_in_it(
    screen_platform: ScreenPlatform, opened_first: bool
) -> None:
    """↓ ↓ Enter (专家座席) and Ctrl+S in one read, the role list opened before (Ctrl+S read
    the role before the list's choice had reached it) or by an Enter in the same read (the
    closed list took every key, each reopening it, and was left open on 话务员): the shift
    starts as an expert seat."""
    from console.app import HotlineApp
    from console.screens.seat import SeatScreen

    app = HotlineApp(
        None, screen_platform.settings, opener=lambda: screen_platform, cursor_blink=False
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SeatScreen), what="seat screen")
        app.screen.query_one("#seat-name", Input).value = "李静"
        app.screen.query_one("#seat-role", Select).focus()
        await pilot.pause()
        if opened_first:
            await pilot.press("enter")  # the list opens
            await pilot.pause()
        await feed_burst(pilot, ("" if opened_first else "\r") + "\x1b[B\x1b[B\r\x13")
        await wait_for(pilot, lambda: not isinstance(app.screen, SeatScreen), what="shift on")
        assert app.backend is not None and app.backend.actor.role is Role.EXPERT


class Relayed(Message):
    """The second step of a choice: posted by the widget to itself, on to its container."""


class Chosen(Message):
    """The first step: the widget's own message to itself."""


class Chooser(Widget, can_focus=True):
    def on_key(self, event: Any) -> None:
        if event.key == "x":
            self.post_message(Chosen())

    def on_chosen(self, _message: Chosen) -> None:
        self.post_message(Relayed())  # bubbles on to the container


class Holder(Container):
    value = ""

    def on_relayed(self, _message: Relayed) -> None:
        self.value = "chosen"


class ChainApp(App[None]):
    BINDINGS = [Binding("ctrl+s", "act", priority=True)]

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def compose(self) -> ComposeResult:
        with Holder():
            yield Chooser()

    def action_act(self) -> None:
        after_keys_before(self.screen, lambda: self.seen.append(self.query_one(Holder).value))


async def test_keys_in_one_read_a_choice_relayed_twice_arrives_before_the_key_behind_it() -> None:
    """A key whose work travels through two messages (to the widget itself, then on to its
    container) and Ctrl+S behind it in one read: Ctrl+S sees the choice (one pass behind the
    queues is not enough: the second message is posted after the first pass went by)."""
    app = ChainApp()
    async with app.run_test() as pilot:
        app.query_one(Chooser).focus()
        await pilot.pause()
        await feed_burst(pilot, "x\x13")
        await wait_for(pilot, lambda: bool(app.seen), what="the action")
        assert app.seen == ["chosen"]


async def test_keys_in_one_read_down_and_enter_in_the_unit_filter_choose_the_first_row(
    make_app: Any, screen_platform: ScreenPlatform
) -> None:
    """F9's unit list, 长沙 typed in its filter, then ↓ Enter in one read: the first row is
    chosen and the ticket dispatched (the Enter reached the filter after ↓ had moved to the
    list, and only moved to the list again); one Enter alone in the filter still chooses
    nothing, even with a row highlighted."""
    from console.widgets.dialogs import ChoiceDialog, InfoDialog
    from tests.screens.test_intake import choice_ready, ticket_number, type_call

    app = make_app(Role.OPERATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_call(pilot, "13812341234", "我家门口的路灯坏了一个多月了，晚上一片漆黑")
        await pilot.press("f9")
        await wait_for(pilot, lambda: choice_ready(app), what="unit choice")
        await feed_burst(pilot, "长沙\r")
        assert isinstance(app.screen, ChoiceDialog)  # to the list, nothing chosen
        app.screen.set_focus(app.screen.query_one("#choice-filter"))  # back, a row highlighted
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)  # to the list again, nothing chosen
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ChoiceDialog), what="closed")
        await pilot.press("f9")
        await wait_for(pilot, lambda: choice_ready(app), what="unit choice again")
        await feed_burst(pilot, "长沙")
        await feed_burst(pilot, "\x1b[B\r")
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="result")
        number = ticket_number(app.screen)
    assert screen_platform.backend(Role.MANAGER).ticket(number).unit_id == "cs-yhb"
