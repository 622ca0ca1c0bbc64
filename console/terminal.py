"""Reading the terminal: keys that mean the same in every terminal, pastes that stay text.

Two things Textual's own parser does that hurt a seat:

- Alt+digit. tmux, screen, PuTTY, Xshell, Windows Terminal over SSH and the Linux console send
  Alt+2 as ESC followed by "2". Textual reads that pair as the macOS Option character (™), so
  Alt+2 typed 「™」 into the caller's words instead of ticking ground 2. Here ESC+digit is the
  key alt+digit, never a character.
- Alt+arrow, Alt+PgUp … sent as ESC before the key's own sequence (PuTTY, Xshell, rxvt/urxvt:
  Alt+↓ is ``ESC ESC [B``). Textual read that as the Escape key and then ↓: Alt+↓ (next
  answer at intake) backed out of the form. Here it is the key alt+down, as xterm's
  ``ESC [1;3B`` is.
- Bracketed paste. An ESC inside a paste started an escape sequence that was sent as keys
  ahead of the pasted text (``ABC甲乙\\x1b[31m丙丁`` became ``^[31m丙丁ABC甲乙``), and the bytes
  after it were read as keys (a pasted ``\\x11`` quit the console). Here every ESC inside a
  paste becomes the visible stand-in 「␛」 before the parser sees it: the paste stays one piece
  of text, in order, and nothing in it is ever a key.

``install()`` makes the drivers read with ``HotlineParser``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser

ESC = "\x1b"
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
ESC_SHOWN = "\u241b"  # ␛, as widgets.safe.clean shows it
ALT_DIGITS = {f"{ESC}{d}": f"alt+{d}" for d in "0123456789"}
_ALT_PREFIXED = re.compile(r"\x1b\x1b(?:[\[O]([ABCDHF])|\[(\d+)~)")
"""ESC, then an arrow, Home/End (``ESC [B``, ``ESC O B``) or a ``ESC [n~`` key (PgUp, Delete …)."""
DRIVER_MODULES = (
    "textual.drivers.linux_driver",
    "textual.drivers.linux_inline_driver",
    "textual.drivers.web_driver",
)


class HotlineParser(XTermParser):
    """Textual's parser with ESC+digit read as Alt+digit and pastes kept as text."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._in_paste = False
        self._held = ""  # the start of a paste end marker split across two reads
        self._tail = ""  # the last few characters outside a paste (a split start marker)

    def feed(self, data: str) -> Iterable[events.Message]:  # type: ignore[override]
        if data:
            data = alt_prefixed(self.guard_paste(data))
            if not data:
                return []
        return super().feed(data)

    def guard_paste(self, data: str) -> str:
        """``data`` with every ESC inside a bracketed paste (but the end marker) made visible."""
        data = self._held + data
        self._held = ""
        out: list[str] = []
        i = 0
        while i < len(data):
            if not self._in_paste:
                seen = self._tail + data[i:]
                at = seen.find(PASTE_START)
                if at < 0:
                    out.append(data[i:])
                    self._tail = seen[-(len(PASTE_START) - 1) :]
                    break
                end = at + len(PASTE_START) - len(self._tail)  # in data, relative to i
                out.append(data[i : i + end])
                i += end
                self._tail = ""
                self._in_paste = True
                continue
            at = data.find(PASTE_END, i)
            if at < 0:
                body = data[i:]
                # a trailing ESC… may be the first part of the end marker: keep it for later
                cut = body.rfind(ESC)
                if cut >= 0 and PASTE_END.startswith(body[cut:]):
                    self._held = body[cut:]
                    body = body[:cut]
                out.append(body.replace(ESC, ESC_SHOWN))
                break
            out.append(data[i:at].replace(ESC, ESC_SHOWN))
            out.append(PASTE_END)
            i = at + len(PASTE_END)
            self._in_paste = False
        return "".join(out)

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        key = ALT_DIGITS.get(sequence)
        if key is not None:
            yield events.Key(key, None)
            return
        yield from super()._sequence_to_key_events(sequence, alt)


def alt_prefixed(data: str) -> str:
    """``data`` with each key sent with ESC before it (Alt as PuTTY, Xshell and rxvt send it)
    written as xterm writes the Alt key: ``ESC ESC [B`` → ``ESC [1;3B`` (alt+down),
    ``ESC ESC [5~`` → ``ESC [5;3~`` (alt+pageup). A paste has no ESC left by now
    (``guard_paste``)."""
    if "\x1b\x1b" not in data:
        return data

    def alt(match: re.Match[str]) -> str:
        letter, number = match.groups()
        return f"{ESC}[1;3{letter}" if letter else f"{ESC}[{number};3~"

    return _ALT_PREFIXED.sub(alt, data)


def install() -> None:
    """Make Textual's terminal drivers read input with ``HotlineParser``."""
    for name in DRIVER_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - a driver this platform lacks
            continue
        if hasattr(module, "XTermParser"):
            module.XTermParser = HotlineParser  # type: ignore[attr-defined]
