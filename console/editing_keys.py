"""An editing key acts where it was typed among the characters around it.

Textual's text fields insert a typed character as the field receives it, but act on a key they
bind (Backspace, ←, Ctrl+U, Ctrl+W …) only once that key has bubbled up to the app: keys that
arrive in one read — a fast typist, a seat over a slow network whose keys come in bunches, a
terminal's macro — come out in another order. 「abc」 Backspace 「d」 read at once gave abcd,
not abd (the Backspace took the last character read); Ctrl+U and a new review date left the
field empty (the date typed, then wiped). Textual's own issue #6605 (fix proposed as #6631) is this.

Here ``Input`` and ``TextArea`` run their own bindings for a key as they receive it, as the app
would have run them when the key came back up: the same binding, the same ``check_action``, the
same action; keys the field does not bind go on up as before (a form's own ↓, the screens' keys).

A list (``Select``) is the same story told twice: Enter ↓ ↓ Enter in one read (a role or a kind
chosen at speed) reached the closed list all four, the ↓ and Enter each opening it again, and
the list was left open on the old choice. Here the list opens on its Enter as it receives it,
and the keys it receives while open are its open list's (↓, ↑, Enter, Esc, a letter to jump
to), acted on in the order they were read, as if the open list had had the focus already.

``install()`` patches them once, and only the Textual version this was written for: with any
other version it does nothing (tests/screens/test_editing_keys.py then fails, to be looked at).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widget import Widget
from textual.widgets import Input, Select, TextArea
from textual.widgets._select import SelectOverlay

from console.textual_patch import patch_once

FOR_VERSION = "8.2.8"


async def run_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run the widget's own (not priority) binding for the key now; whether one ran."""
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


async def _list_key(select: Select[Any], event: events.Key) -> None:
    """A key the list receives: its open list's while open, else its own binding's now."""
    overlay = next(iter(select.query(SelectOverlay)), None)
    if overlay is not None and select.expanded:
        if await run_own_binding(overlay, event):
            return
        if event.is_printable:
            await overlay._on_key(event)  # a letter jumps to the option it begins
            return
    if overlay is not None and (not event.is_printable or event.key == "space"):
        if await run_own_binding(select, event):
            return
    await Widget._on_key(select, event)


@patch_once(FOR_VERSION)
def install() -> bool:
    """Patch ``Input``, ``TextArea`` and ``Select`` (once); False on another Textual version."""
    for field in (Input, TextArea):
        own = field._on_key

        async def _on_key(self: Any, event: events.Key, _own: Any = own) -> None:
            if event.is_printable or not await run_own_binding(self, event):
                await _own(self, event)

        field._on_key = _on_key  # type: ignore[method-assign]
    Select._on_key = _list_key  # type: ignore[assignment]
    return True
