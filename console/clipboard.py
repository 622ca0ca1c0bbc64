"""Copy an answer for the operator: the desktop clipboard, or the terminal's OSC 52.

On the operator's own desktop pyperclip reaches the system clipboard. Over SSH that clipboard is
the server's, not the operator's, so the text goes through the terminal instead (OSC 52, which
``App.copy_to_clipboard`` writes). When pyperclip finds no clipboard at all (headless Linux raises
``pyperclip.PyperclipException``) OSC 52 is the fallback too. Copying never raises: the result
says where the text went, and the screen shows that as a notification.

A multiplexer between the console and the terminal may swallow OSC 52: tmux passes it on only
with ``set-clipboard on`` (its default, ``external``, drops what applications send), and GNU
screen does not pass it on. Then the result says the copy may not have arrived, and how to
copy by hand, instead of claiming it did.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass

SYSTEM = "system"
OSC52 = "osc52"

MESSAGES = {
    SYSTEM: "已复制到剪贴板",
    OSC52: "已通过终端（OSC 52）复制",
}


@dataclass(frozen=True)
class CopyResult:
    where: str  # SYSTEM or OSC52
    doubt: str = ""  # why the copy may not have reached the operator's clipboard

    @property
    def message(self) -> str:
        if self.doubt:
            return f"可能未复制成功：{self.doubt}；可在全文中用终端的选择功能复制"
        return MESSAGES[self.where]


def osc52_doubt(env: Mapping[str, str] | None = None) -> str:
    """Why OSC 52 may not reach the terminal here ("" when nothing stands in the way known)."""
    env = os.environ if env is None else env
    tmux = env.get("TMUX", "")
    if tmux:
        socket = tmux.split(",")[0]
        try:
            done = subprocess.run(
                ["tmux", "-S", socket, "show-options", "-gv", "set-clipboard"],
                capture_output=True, text=True, timeout=1.0, check=False,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            return "在 tmux 中，无法确认 tmux 是否转发终端复制（set-clipboard）"
        setting = done.stdout.strip()
        if done.returncode == 0 and setting != "on":
            return f"tmux 的 set-clipboard 为 {setting or '未设置'}，不转发终端复制（需设为 on）"
        return ""
    if env.get("STY"):
        return "GNU screen 不转发终端复制（OSC 52）"
    return ""


def over_ssh(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY"))


def copy_text(
    text: str, osc52: Callable[[str], None], env: Mapping[str, str] | None = None
) -> CopyResult:
    """Copy ``text``; ``osc52`` writes it through the terminal (``App.copy_to_clipboard``).

    May be called from a worker thread: pyperclip runs a helper program (xclip, wl-copy …).
    """
    if not over_ssh(env):
        try:
            import pyperclip

            pyperclip.copy(text)
            return CopyResult(SYSTEM)
        except Exception:  # noqa: BLE001 — PyperclipException, or a helper that failed: use OSC 52
            pass
    osc52(text)
    return CopyResult(OSC52, osc52_doubt(env))
