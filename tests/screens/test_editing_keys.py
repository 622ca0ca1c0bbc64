"""An editing key acts where it was typed among characters read at once
(console/editing_keys.py): a seat over a slow network, a fast typist, a terminal's macro."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, Select, TextArea

from console.editing_keys import install
from console.services.values import Role
from tests.screens.test_issue13 import feed_burst, intake_focused_on

pytestmark = pytest.mark.anyio


class Fields(App[None]):
    def compose(self) -> ComposeResult:
        yield Input("2025-12-31")
        yield TextArea()


def test_the_patch_takes_on_this_textual() -> None:
    assert install()


async def test_keys_in_one_read_backspace_and_arrows_act_where_they_were_typed() -> None:
    """「abc」 Backspace 「d」 ← 「e」 in one read is abed (Backspace took the last character
    read, abcd); Ctrl+U and a new date in one read leave the new date (the date was typed, then
    wiped); the same in a text area."""
    install()
    app = Fields()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        field.focus()
        await pilot.pause()
        await feed_burst(pilot, "\x152027-12-31")
        assert field.value == "2027-12-31"
        field.value = ""
        await pilot.pause()
        await feed_burst(pilot, "abc\x7fd\x1b[De")
        assert field.value == "abed"
        area = app.query_one(TextArea)
        area.focus()
        await pilot.pause()
        await feed_burst(pilot, "金色家园停电\x7f\x7f水了\x1b[D\x1b[D小区")
        assert area.text == "金色家园小区水了"


async def test_keys_in_one_read_a_correction_in_the_request_stays_where_it_was_made(
    make_app: Any,
) -> None:
    """The intake's request: a caller's words, a wrong character taken back, the right one, in
    one read (a seat typing over a slow link), stay in the order typed."""
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await intake_focused_on(pilot, app, "#text")
        await feed_burst(pilot, "枫树山小区停水\x7f电三天了")
        assert app.screen.query_one("#text", TextArea).text == "枫树山小区停电三天了"


class Choices(App[None]):
    def compose(self) -> ComposeResult:
        yield Select([(f"第{i}项", i) for i in range(5)], value=0, allow_blank=False)
        yield Input()


async def test_keys_in_one_read_a_list_opened_and_chosen_from_takes_the_choice() -> None:
    """Enter ↓ ↓ Enter in one read chooses the third option and closes the list (the ↓ and
    Enter each opened the closed list again, and it was left open on the first); ↓ ↑ inside
    the same read move in order; Esc read with the list open closes it on the old choice; the
    same keys one read each still work; a letter typed to a closed list opens nothing."""
    install()
    app = Choices()
    async with app.run_test() as pilot:
        select = app.query_one(Select)
        select.focus()
        await pilot.pause()
        await feed_burst(pilot, "\r\x1b[B\x1b[B\r")
        assert (select.value, select.expanded) == (2, False)
        await feed_burst(pilot, "\r\x1b[B\x1b[B\x1b[A\r")
        assert (select.value, select.expanded) == (3, False)
        await feed_burst(pilot, "\r\x1b[A\x1b[O")  # ESC [ O is no key: ESC then [O…
        await pilot.press("escape")
        await pilot.pause()
        assert (select.value, select.expanded) == (3, False)
        await pilot.press("enter", "up", "up", "enter")
        await pilot.pause()
        assert (select.value, select.expanded) == (1, False)
        await feed_burst(pilot, "x")
        assert not select.expanded
