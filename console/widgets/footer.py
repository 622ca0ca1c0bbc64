"""The key-hint footer, rebuilt only when what it shows changes.

Textual's Footer rebuilds all its keys on every ``refresh_bindings`` (each focus change, each
busy/idle switch of a screen), and styling the new key widgets is most of what the main thread
does while the intake screen starts. This footer compares what it would show — keys,
descriptions, enabled or greyed — with what it shows, and rebuilds once, only on a difference.

It also orders the keys for a narrow terminal (80×24 is PuTTY's and Xshell's default): the
function keys, which finish a call or open a screen, come first, so a cut footer loses the
field shortcuts, not 派单.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

_FUNCTION_KEY = re.compile(r"^f(\d+)$")
TEXTUAL_WORDS = {"Dismiss menu": "收起列表"}
"""Descriptions of Textual's own widgets' keys, as a seat reads them (the Select's list)."""

Shown = tuple[tuple[str, str, str, bool], ...]
Key = tuple[Binding, bool, str]
_PALETTE_CELLS = 12
"""Cells of the command palette's key, docked right (「▏^p 命令 」)."""


class KeyFooter(Footer):
    """A Footer that skips rebuilds which would show the same keys."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: Shown | None = None
        self._pending = False

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        seen: set[str] = set()
        keys = []
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                keys.append((binding, enabled, tooltip))
        keys.sort(key=lambda k: _order(k[0].key))  # stable: binding order within each rank
        keys = self._fitting(keys)
        self.styles.grid_size_columns = len(keys)
        for binding, enabled, tooltip in keys:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                TEXTUAL_WORDS.get(binding.description, binding.description),
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _node, binding, enabled, tooltip = palette
                yield FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    classes="-command-palette",
                    disabled=not enabled,
                    tooltip=binding.tooltip or binding.description,
                )

    def _fitting(self, keys: list[Key]) -> list[Key]:
        """The keys that fit the terminal's width, in their order. When not all fit, the
        screen's letter keys give way first, from the last: the function keys (which finish a
        call or open a screen) and the application's own (退出) stay; F1 and the command
        palette still list every key."""
        width = self.app.size.width - (_PALETTE_CELLS if self.show_command_palette else 0)
        cells = [self._cells(b) for b, _e, _t in keys]
        if sum(cells) <= width:
            return keys
        ranked = sorted(range(len(keys)), key=lambda i: (_rank(keys[i][0]), i))
        kept: set[int] = set()
        used = 0
        for i in ranked:
            if used + cells[i] <= width:
                kept.add(i)
                used += cells[i]
        return [k for i, k in enumerate(keys) if i in kept]

    def _cells(self, binding: Binding) -> int:
        """Cells one key takes: the key, its description, their padding and the gap."""
        description = TEXTUAL_WORDS.get(binding.description, binding.description)
        return cell_len(self.app.get_key_display(binding)) + cell_len(description) + 3

    def on_resize(self) -> None:
        self._shown = None  # what fits changed: rebuild on the next look
        if not self._pending and self.is_attached:
            self._pending = True
            self.call_after_refresh(self._rebuild_if_changed)

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


def _rank(binding: Binding) -> int:
    """Which keys stay when not all fit: function keys, then the application's, then the
    screen's."""
    if _FUNCTION_KEY.match(binding.key.split(",")[0]):
        return 0
    return 1 if (binding.id or "").startswith("app.") else 2


def _order(key: str) -> tuple[int, int]:
    """Function keys first, by number; every other key after them."""
    found = _FUNCTION_KEY.match(key.split(",")[0])
    return (0, int(found.group(1))) if found else (1, 0)
