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

``install()`` patches both once, and only the Textual version this was written for: with any
other version it does nothing (tests/screens/test_editing_keys.py then fails, to be looked at).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea

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


@patch_once(FOR_VERSION)
def install() -> bool:
    """Patch ``Input`` and ``TextArea`` (once); False on another Textual version."""
    for field in (Input, TextArea):
        own = field._on_key

        async def _on_key(self: Any, event: events.Key, _own: Any = own) -> None:
            if event.is_printable or not await run_own_binding(self, event):
                await _own(self, event)

        field._on_key = _on_key  # type: ignore[method-assign]
    return True
