"""Banners every screen may show: the drill clock, and a lost connection to the platform."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from console.services.clock import local

UNAVAILABLE_TEXT = "数据库/服务器连接中断，正在重试…（已填写的内容会保留）"


def drill_text(now: Any, running: bool = False) -> str:
    if running:  # HOTLINE_CLOCK=run: the drill clock started at HOTLINE_NOW and runs on
        return f"演练模式 · 演练时钟自 {local(now):%Y-%m-%d %H:%M} 起运行"
    return f"演练模式 · 时钟固定于 {local(now):%Y-%m-%d %H:%M}"


class DrillBanner(Static):
    """ "演练模式 · 时钟固定于 …" while the platform clock is pinned (HOTLINE_NOW)."""

    DEFAULT_CSS = """
    DrillBanner {
        height: 1;
        width: 1fr;
        background: $warning-muted;
        color: $text;
        text-style: bold;
        padding: 0 1;
        display: none;
    }
    DrillBanner.-on { display: block; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "drill_text", self._show, init=True)

    def _show(self, text: str) -> None:
        self.update(Text(text))
        self.set_class(bool(text), "-on")


class ConnectionBanner(Static):
    """Shown while the platform cannot be reached; the app retries in the background."""

    DEFAULT_CSS = """
    ConnectionBanner {
        height: auto;
        width: 1fr;
        background: $error;
        color: $text;
        text-style: bold;
        padding: 0 1;
        display: none;
    }
    ConnectionBanner.-on { display: block; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "connection_ok", self._show, init=True)

    def _show(self, ok: bool) -> None:
        self.update(Text(UNAVAILABLE_TEXT))
        self.set_class(not ok, "-on")
