"""Caller and article text is data: shown literally, never as markup, never as terminal codes."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.text import Text

# C0 controls (but newline and tab) and DEL become their visible "control pictures" (␛, ␇ …);
# C1 controls become U+FFFD. A pasted "\x1b[2J" is then shown as "␛[2J" and does nothing.
_NEUTRALISE = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x0A, 0x09)}
_NEUTRALISE[0x7F] = "\u2421"
_NEUTRALISE.update({c: "\ufffd" for c in range(0x80, 0xA0)})


def clean(text: str) -> str:
    """The text with every terminal control character replaced by a visible stand-in."""
    return text.translate(_NEUTRALISE)


def has_controls(text: str) -> bool:
    return any(ord(ch) in _NEUTRALISE for ch in text)


def one_line(text: str, width: int = 0) -> str:
    """Collapse whitespace to single spaces (and clip to ``width`` characters when given)."""
    flat = " ".join(clean(text).split())
    if width and len(flat) > width:
        return flat[: max(width - 1, 0)] + "…"
    return flat


def clip_cells(text: str, cells: int) -> str:
    """``text`` on one line, cut with "…" to at most ``cells`` terminal cells (a Chinese
    character takes two)."""
    flat = one_line(text)
    if cell_len(flat) <= cells:
        return flat
    return set_cell_size(flat, max(cells - 1, 0)).rstrip() + "…"


def literal(
    text: str,
    style: str = "",
    spans: Iterable[tuple[int, int]] = (),
    highlight: str = "bold reverse",
) -> Text:
    """A rich Text of ``text`` with markup off; ``spans`` (start, end) are highlighted."""
    out = Text(clean(text), style=style, no_wrap=False)
    size = len(out.plain)
    for start, end in spans:
        start, end = max(0, start), min(size, end)
        if start < end:
            out.stylize(highlight, start, end)
    return out
