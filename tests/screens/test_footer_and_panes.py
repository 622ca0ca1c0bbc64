"""The footer rebuilds only when what it shows changes; the focused pane is marked by a class
(not ``:focus-within``, which restyles a whole pane at every Tab)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from console.app import mark_focused_pane
from console.services.values import Role
from console.widgets.footer import KeyFooter
from tests.screens.conftest import wait_for

pytestmark = pytest.mark.anyio


class CountingFooter(KeyFooter):
    rebuilds = 0

    async def recompose(self) -> None:
        type(self).rebuilds += 1
        await super().recompose()


class Keys(App[None]):
    BINDINGS = [Binding("f6", "noop", "答复"), Binding("f9", "noop2", "派单")]
    busy = False

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield CountingFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "noop2" and self.busy else True


async def test_footer_rebuilds_only_on_a_change_of_what_it_shows() -> None:
    app = Keys()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        start = CountingFooter.rebuilds
        for _ in range(5):  # focus moves: the same keys, nothing to rebuild
            await pilot.press("tab")
            app.screen.refresh_bindings()
            await pilot.pause()
        assert CountingFooter.rebuilds == start
        app.busy = True  # 派单 greyed: one rebuild
        app.screen.refresh_bindings()
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert CountingFooter.rebuilds == start + 1


class Panes(App[None]):
    def compose(self) -> ComposeResult:
        with Vertical(classes="pane", id="left"):
            yield Input(id="a1")
            yield Input(id="a2")
        with Vertical(classes="pane", id="right"):
            yield Input(id="b1")

    def on_descendant_focus(self, event: Any) -> None:
        mark_focused_pane(event.widget)


async def test_the_pane_holding_the_focus_is_marked() -> None:
    app = Panes()
    async with app.run_test(size=(80, 10)) as pilot:
        left, right = app.query_one("#left"), app.query_one("#right")
        app.query_one("#a1").focus()
        await pilot.pause()
        assert left.has_class("-has-focus") and not right.has_class("-has-focus")
        await pilot.press("tab")  # a2: same pane
        assert left.has_class("-has-focus")
        await pilot.press("tab")  # b1
        await pilot.pause()
        assert right.has_class("-has-focus") and not left.has_class("-has-focus")


async def test_intake_marks_the_form_pane_while_typing(make_app: Any) -> None:
    app = make_app(Role.OPERATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+e")
        form = app.screen.query_one("#form-pane")
        await wait_for(pilot, lambda: form.has_class("-has-focus"), what="form pane marked")
        assert not app.screen.query_one("#answers-pane").has_class("-has-focus")


class Crowded(App[None]):
    """A screen with more keys than a narrow terminal shows, and the application's 退出."""

    BINDINGS = [
        *(Binding(c, f"noop_{c}", "一个很长的说明") for c in "abcdefgh"),
        Binding("f9", "dispatch", "派单"),
        Binding("ctrl+q", "quit_app", "退出", id="app.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield KeyFooter()


@pytest.mark.parametrize("width", [80, 120])
async def test_keys_that_do_not_fit_give_way_and_quit_stays(width: int) -> None:
    """Every key shown is whole (no key without its label), the function keys and 退出 are
    among them, and the screen's letter keys give way from the last."""
    from textual.widgets._footer import FooterKey

    app = Crowded()
    async with app.run_test(size=(width, 10)) as pilot:
        await wait_for(pilot, lambda: app.screen.query(FooterKey), what="footer keys")
        await pilot.pause()
        keys = [k for k in app.screen.query(FooterKey) if "-command-palette" not in k.classes]
        shown = [k.key for k in keys]
        assert "f9" in shown and "ctrl+q" in shown, shown
        assert len(shown) < 10  # not all fit
        letters = [k for k in shown if len(k) == 1]
        assert letters == list("abcdefgh")[: len(letters)]  # the last letters gave way
        palette = [k for k in app.screen.query(FooterKey) if "-command-palette" in k.classes]
        left_edge = min([p.region.x for p in palette] or [width])
        assert all(k.region.width > 0 and k.region.right <= left_edge for k in keys), [
            (k.key, k.region) for k in keys
        ]


def test_a_focus_event_trailing_a_closed_dialog_is_ignored() -> None:
    """Textual can deliver a focus event for a dialog's button after the dialog is removed
    (seen under load: a seat signing and then pressing the next key); marking the pane must
    not crash the console for a widget that no longer has a screen."""
    from textual.widgets import Button

    mark_focused_pane(Button("取消"))  # never mounted: no screen
