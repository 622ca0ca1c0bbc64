"""Chinese wrapped as it is read everywhere on the screen: the text areas (the caller's words
at intake, a reason in a dialog) and every text Textual lays out itself (labels, lists — the
answers pane —, articles) break lines by the rules of ``widgets.paragraph`` — no comma starting
a line, no rule id, date or phone number cut in two — instead of Textual's wrapping, which
breaks only at spaces and folds a run of Chinese at whatever cell the width ends on.

``install()`` makes Textual's wrapped document (the editor) and its ``Content`` use
``wrap_offsets``: the editor keeps spaces within the width (it shows them and puts its cursor
after them); ``Content`` lets them hang, as Rich's ``divide_line`` does. A line with a tab, or
a wrap asked not to fold, is left to Textual: only it knows the tab stops.
"""

from __future__ import annotations

from typing import Any

from rich._wrap import divide_line
from textual import content
from textual._wrap import compute_wrap_offsets
from textual.document import _wrapped_document

from console.textual_patch import patch_once
from console.widgets.paragraph import wrap_offsets


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


def content_divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """``rich._wrap.divide_line`` (as ``textual.content`` calls it) by the rules of
    ``widgets.paragraph``."""
    if "\t" in text or not fold:
        return divide_line(text, width, fold)
    return wrap_offsets(text, width)


@patch_once()
def install() -> bool:
    """Make the text areas and Textual's ``Content`` wrap by ``wrap_offsets`` (once); False
    when this Textual no longer divides its lines through these two names (then it wraps as
    it always did, and tests/screens/test_paragraph.py says so)."""
    editor: Any = _wrapped_document
    laid_out: Any = content
    if not (hasattr(editor, "compute_wrap_offsets") and hasattr(laid_out, "divide_line")):
        return False
    editor.compute_wrap_offsets = editor_wrap_offsets
    laid_out.divide_line = content_divide_line
    return True
