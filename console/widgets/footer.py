"""The key-hint footer, rebuilt only when what it shows changes.

Textual's Footer rebuilds all its keys on every ``refresh_bindings`` (each focus change, each
busy/idle switch of a screen), and styling the new key widgets is most of what the main thread
does while the intake screen starts. This footer compares what it would show — keys,
descriptions, enabled or greyed — with what it shows, and rebuilds once, only on a difference.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool], ...]


class KeyFooter(Footer):
    """A Footer that skips rebuilds which would show the same keys."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: Shown | None = None
        self._pending = False

    def _wanted(self, screen: Screen[object]) -> Shown:
        return tuple(
            (binding.key, binding.action, binding.description, enabled)
            for _node, binding, enabled, _tip in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        wanted = self._wanted(self.screen)
        if wanted == self._shown:
            return
        self._shown = wanted
        await self.recompose()
