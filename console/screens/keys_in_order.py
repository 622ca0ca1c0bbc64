"""Acting on a key only once the keys read before it have done their work.

A paste, or a fast typist's burst, arrives in one read: the driver posts every key at once.
A binding that acts at once (a priority one, F9 or Ctrl+S) would then act before the focused
widget has taken the keys queued before it, and before what those keys set off has arrived
where it goes: a role or a kind chosen in a list (its Enter posts the choice to the list's
owner) and Ctrl+S or F9 right behind it acted on the choice before. ``after_keys_before`` runs
the action queued behind them, on the focused widget and then on each widget above it, so it
sees every word typed and every choice made before its key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

PASSES = 4
"""At most this many passes behind the queues (a choice in a list takes two: the list posts it
to itself, then on to its owner); a widget kept busy by its own timers does not hold the
action back longer."""


def after_keys_before(screen: Screen[Any], act: Callable[[], None], passes: int = PASSES) -> None:
    """Run ``act`` once the keys already on their way to ``screen``'s focused widget, and the
    messages they post on up to the screen, are handled: queued behind what each widget from
    the focused one up has pending, pass after pass while a pass finds more behind it."""
    chain: list[Widget] = []
    node: DOMNode | None = screen.focused
    while isinstance(node, Widget) and node is not screen:
        chain.append(node)
        node = node.parent
    more = False

    def hop(i: int) -> None:
        nonlocal more
        if i and chain[i - 1].message_queue_size:
            more = True  # posted behind this pass: another pass
        if i < len(chain):
            chain[i].call_later(hop, i + 1)
        elif more and passes > 1:
            after_keys_before(screen, act, passes - 1)
        else:
            act()

    hop(0)
