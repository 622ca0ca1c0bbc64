"""A screen shown for the first time is not styled whole again at its resumes (console/screen_resume.py);
a screen that was suspended is, as before — on a plain Textual app and on the console's own start."""

from __future__ import annotations

from typing import Any

import pytest
import textual
from textual.app import App, ComposeResult
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input, Label

from console import screen_resume
from console.services.values import Role

pytestmark = pytest.mark.anyio


class _Page(Screen[None]):
    def __init__(self, word: str) -> None:
        super().__init__()
        self.word = word

    def compose(self) -> ComposeResult:
        yield Label(self.word)
        yield Input()


class TwoModes(App[None]):
    MODES = {"a": lambda: _Page("甲"), "b": lambda: _Page("乙")}  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__()
        self.restyled: list[str] = []  # the screens styled whole, by their word

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        if isinstance(node, _Page):
            self.restyled.append(node.word)
        super().update_styles(node, animate)

    def get_driver_class(self) -> Any:
        screen_resume.install()
        return super().get_driver_class()


async def test_a_mode_shown_first_is_not_restyled_and_one_shown_again_is() -> None:
    assert textual.__version__ == screen_resume.FOR_VERSION, (
        "Textual changed: check whether switch_mode still restyles a new screen twice, and drop "
        "or port console/screen_resume.py"
    )
    app = TwoModes()
    async with app.run_test(size=(60, 10)) as pilot:
        await app.switch_mode("a")
        await pilot.pause()
        assert app.restyled == []  # styled as it mounted; its two resumes left it as it was
        await app.switch_mode("b")
        await pilot.pause()
        assert app.restyled == []
        await app.switch_mode("a")  # back after being suspended: styled whole, as before
        await pilot.pause()
        assert app.restyled == ["甲"]
        assert str(app.screen.query_one(Label).render()) == "甲"
        assert app.screen.query_one(Input).styles.height.value > 0  # its CSS applied


async def test_the_intake_at_start_up_is_styled_once(make_app) -> None:  # type: ignore[no-untyped-def]
    """The operator's first screen: styled as its widgets mount, and once more when its size
    class (-wide, the app's breakpoints) is set — not again at each of its two resumes (each
    restyle of the intake costs ~0.05 s of the start)."""
    app = make_app(Role.OPERATOR)
    seen: list[str] = []
    update = app.update_styles

    def counting(node: DOMNode, animate: bool = True) -> None:
        if isinstance(node, Screen):
            seen.append(type(node).__name__)
        update(node, animate)

    app.update_styles = counting  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "IntakeScreen"
        assert seen.count("IntakeScreen") == 1, seen


def test_a_patch_is_applied_once_and_only_on_its_textual() -> None:
    """console.textual_patch: the patch runs until it takes, then never again; one written for
    another Textual never runs."""
    from console.textual_patch import patch_once

    runs: list[str] = []

    @patch_once(textual.__version__)
    def here() -> bool:
        runs.append("here")
        return True

    @patch_once("0.0.1")
    def elsewhere() -> bool:
        runs.append("elsewhere")
        return True

    @patch_once()
    def not_yet() -> bool:
        runs.append("not yet")
        return False

    assert here() and here()
    assert not elsewhere()
    assert not not_yet() and not not_yet()
    assert runs == ["here", "not yet", "not yet"]
