"""Issue 13 item 9: a toast over a pane's border keeps every character (「已提交，工单已更新」 read
「已提  ，工单已更新」: Textual's compositor drew a wide character cut by a widget edge as two
spaces). console/wide_chars.py keeps what one widget wins in one piece."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import textual

from console import wide_chars
from tests.screens.wide_chars_app import TOASTS, PanesApp

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.anyio


def _screen_text(app: PanesApp) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def test_item9_a_toast_over_pane_borders_keeps_every_character() -> None:
    assert textual.__version__ == wide_chars.FOR_VERSION, (
        "Textual changed: check whether issue #6357 is fixed and drop or port console/wide_chars.py"
    )
    app = PanesApp(patched=True)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await pilot.pause(1.0)
        text = _screen_text(app)
        for toast in TOASTS:
            assert toast in text, f"toast cut: {toast!r} not on screen"


@pytest.fixture
def tmux_socket(tmp_path: Path) -> Iterator[str]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed here")
    socket = str(tmp_path / "tmux.sock")
    yield socket
    subprocess.run(["tmux", "-S", socket, "kill-server"], check=False, capture_output=True)


def _shown_in_tmux(socket: str, *args: str) -> str:
    command = [sys.executable, str(HERE / "wide_chars_app.py"), *args]
    root = str(HERE.parent.parent)
    subprocess.run(
        ["tmux", "-S", socket, "new-session", "-d", "-x", "120", "-y", "30", "-c", root,
         "env", "-u", "COLUMNS", "-u", "LINES", f"PYTHONPATH={root}", *command],
        check=True,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    screen = ""
    while time.monotonic() < deadline:
        time.sleep(0.5)
        screen = subprocess.run(
            ["tmux", "-S", socket, "capture-pane", "-p"], capture_output=True, text=True
        ).stdout
        if "未" in screen and "19" in screen:
            time.sleep(0.5)  # let the last frame land
            return subprocess.run(
                ["tmux", "-S", socket, "capture-pane", "-p"], capture_output=True, text=True
            ).stdout
    return screen


def test_item9_a_toast_over_pane_borders_keeps_every_character_in_a_real_terminal(
    tmux_socket: str,
) -> None:
    """What a seat sees: the toasts drawn by partial updates in tmux, all characters there."""
    screen = _shown_in_tmux(tmux_socket)
    for toast in TOASTS:
        assert toast in screen, f"toast cut in the terminal: {toast!r}\n{screen}"
