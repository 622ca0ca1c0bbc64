"""Copying an answer: the desktop clipboard, or OSC 52 over SSH or without a clipboard."""

from __future__ import annotations

import pyperclip
import pytest

from console.clipboard import MESSAGES, OSC52, SYSTEM, copy_text

DESKTOP: dict[str, str] = {"DISPLAY": ":0"}
SSH = {"SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22", "SSH_TTY": "/dev/pts/3"}


class Terminal:
    """Stands in for App.copy_to_clipboard (OSC 52 through the terminal)."""

    def __init__(self) -> None:
        self.copied: list[str] = []

    def __call__(self, text: str) -> None:
        self.copied.append(text)


@pytest.fixture
def system_clipboard(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A working system clipboard, kept in memory (pyperclip's own hook for its backends)."""
    board = {"text": ""}

    def copy(text: str) -> None:
        board["text"] = text

    def paste() -> str:
        return board["text"]

    monkeypatch.setattr(pyperclip, "copy", copy)
    monkeypatch.setattr(pyperclip, "paste", paste)
    return board


@pytest.fixture
def no_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Headless Linux: pyperclip finds no copy/paste mechanism."""

    def copy(text: str) -> None:
        raise pyperclip.PyperclipException("Pyperclip could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", copy)


def test_desktop_clipboard(system_clipboard: dict[str, str]) -> None:
    terminal = Terminal()
    result = copy_text("按月领取基本养老金。", terminal, env=DESKTOP)
    assert result.where == SYSTEM
    assert result.message == "已复制到剪贴板"
    assert pyperclip.paste() == "按月领取基本养老金。"
    assert terminal.copied == []


def test_without_a_clipboard_falls_back_to_osc52(no_clipboard: None) -> None:
    terminal = Terminal()
    result = copy_text("按月领取基本养老金。", terminal, env=DESKTOP)
    assert result.where == OSC52
    assert result.message == "已通过终端（OSC 52）复制"
    assert terminal.copied == ["按月领取基本养老金。"]


def test_over_ssh_uses_osc52_even_with_a_clipboard(system_clipboard: dict[str, str]) -> None:
    terminal = Terminal()
    for env in (SSH, {"SSH_TTY": "/dev/pts/1"}, {"SSH_CONNECTION": "1 2 3 4"}):
        result = copy_text("答复口径", terminal, env=env)
        assert result.where == OSC52
        assert result.message == MESSAGES[OSC52]
    assert system_clipboard["text"] == ""  # the server's clipboard is not the operator's
    assert terminal.copied == ["答复口径"] * 3


def test_a_failing_helper_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> None:
        raise OSError("xclip died")

    monkeypatch.setattr(pyperclip, "copy", broken)
    terminal = Terminal()
    assert copy_text("x", terminal, env={}).where == OSC52
    assert terminal.copied == ["x"]


@pytest.fixture
def tmux_server(tmp_path: object) -> object:
    """A real tmux server on its own socket (tmux's default: set-clipboard external)."""
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed here")
    socket = Path(str(tmp_path)) / "tmux.sock"
    subprocess.run(["tmux", "-S", str(socket), "new-session", "-d", "sleep 60"], check=True)
    yield socket
    subprocess.run(["tmux", "-S", str(socket), "kill-server"], check=False)


def test_item10_osc52_inside_tmux_that_drops_it_says_so(tmux_server: object) -> None:
    import subprocess

    socket = str(tmux_server)
    env = {**SSH, "TMUX": f"{socket},4242,0"}
    subprocess.run(
        ["tmux", "-S", socket, "set-option", "-g", "set-clipboard", "external"], check=True
    )
    result = copy_text("按月领取基本养老金。", Terminal(), env=env)
    assert result.where == OSC52
    assert "可能未复制成功" in result.message and "set-clipboard" in result.message
    assert "已通过终端" not in result.message
    subprocess.run(["tmux", "-S", socket, "set-option", "-g", "set-clipboard", "on"], check=True)
    assert copy_text("x", Terminal(), env=env).message == MESSAGES[OSC52]


def test_item10_osc52_inside_gnu_screen_says_it_may_not_arrive() -> None:
    result = copy_text("x", Terminal(), env={**SSH, "STY": "1234.pts-0.host"})
    assert "可能未复制成功" in result.message and "screen" in result.message
