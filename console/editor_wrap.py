"""Typing Chinese: the text areas (the caller's words at intake, a reason in a dialog) wrap as
the console's other text does (``widgets.paragraph``) — no comma starting a line, no rule id,
date or phone number cut in two — instead of Textual's wrapping, which breaks only at spaces
and folds a run of Chinese at whatever cell the width ends on.

``install()`` makes Textual's wrapped document use ``wrap_offsets`` (spaces kept within the
width: the editor shows them and puts its cursor after them). A line with a tab, or a wrap
asked not to fold, is left to Textual: only it knows the tab stops.
"""

from __future__ import annotations

from typing import Any

from textual._wrap import compute_wrap_offsets
from textual.document import _wrapped_document

from console.widgets.paragraph import wrap_offsets

_installed = False


def editor_wrap_offsets(
    text: str,
    width: int,
    tab_size: int,
    fold: bool = True,
    precomputed_tab_sections: list[tuple[str, int]] | None = None,
) -> list[int]:
    """``textual._wrap.compute_wrap_offsets`` by the rules of ``widgets.paragraph``."""
    if "\t" in text or not fold:
        return compute_wrap_offsets(text, width, tab_size, fold, precomputed_tab_sections)
    return wrap_offsets(text, width, spaces_hang=False)


def install() -> None:
    """Make the text areas wrap with ``editor_wrap_offsets`` (once)."""
    global _installed
    if _installed:
        return
    module: Any = _wrapped_document
    module.compute_wrap_offsets = editor_wrap_offsets
    _installed = True
