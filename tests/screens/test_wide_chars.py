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
from tests.screens.wide_chars_app import TOASTS, WORDS, PanesApp

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


def _shown_in_tmux(socket: str, *args: str, ready: tuple[str, ...] = ("未", "19")) -> str:
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
        if all(mark in screen for mark in ready):
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


def test_item9_a_list_closed_over_a_callers_words_leaves_every_character_in_a_real_terminal(
    tmux_socket: str,
) -> None:
    """A drop-down list opened over the words typed (the category's, over the intake's text) and
    closed by moving on to the next field: only its cells are drawn again, up to an edge that
    halves a wide character under one of the two lists; the update goes past it, so the words
    read whole (「三栋  下」 for 「三栋楼下」 before)."""
    screen = _shown_in_tmux(tmux_socket, "--list-closed", ready=("已关闭",))
    assert sum(WORDS in line for line in screen.splitlines()) == 10, screen


def test_item9_an_update_ends_past_a_wide_character_not_through_it() -> None:
    """``_whole_char_end``: the end of an update of one line, given its pieces (where each
    starts, its strip, where it ends)."""
    from rich.segment import Segment
    from textual.strip import Strip

    piece = Strip([Segment("ab"), Segment("甲乙"), Segment("cd")])  # cells: a b 甲甲 乙乙 c d
    line = {10: piece}
    ends = [18]
    assert wide_chars._whole_char_end(line, ends, 13) == 14  # through 甲: past it
    assert wide_chars._whole_char_end(line, ends, 15) == 16  # through 乙
    assert wide_chars._whole_char_end(line, ends, 14) == 14  # between 甲 and 乙
    assert wide_chars._whole_char_end(line, ends, 12) == 12  # before 甲
    assert wide_chars._whole_char_end(line, ends, 17) == 17  # in the narrow tail
    assert wide_chars._whole_char_end(line, ends, 18) == 18  # at the piece's end
    assert wide_chars._whole_char_end({0: None, 10: piece}, [10, 18], 13) == 14
