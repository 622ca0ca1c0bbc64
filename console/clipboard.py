"""Copy an answer for the operator: the desktop clipboard, or the terminal's OSC 52.

On the operator's own desktop pyperclip reaches the system clipboard. Over SSH that clipboard is
the server's, not the operator's, so the text goes through the terminal instead (OSC 52, which
``App.copy_to_clipboard`` writes). When pyperclip finds no clipboard at all (headless Linux raises
``pyperclip.PyperclipException``) OSC 52 is the fallback too. Copying never raises: the result
says where the text went, and the screen shows that as a notification.
"""

from __future__ import annotations

import os
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

    @property
    def message(self) -> str:
        return MESSAGES[self.where]


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
    return CopyResult(OSC52)
