"""Drawing Chinese text that lies across another widget's edge (a toast over two panes).

Textual cuts every screen line at the edges of all the widgets on it, and draws each piece at
its own column. A double-width character (every Chinese character) that straddles one of those
edges is cut in two, and each half becomes a space: the toast 「已提交，工单已更新」 shown over
the ticket view's two panes read 「已提交，工 已更新」 — on the screen Textual composes and, in a
real terminal, also when only the pane under it was redrawn (writing to either half of a wide
character erases all of it).

Here a character cut that way stays whole in the piece on its left, and the piece on its right
starts one column later (an absolute cursor move, no cells). That is done only where both
pieces come from the same widget: where another widget is drawn on one side, that side is the
other widget's and the cut stays as Textual makes it.

``install()`` puts this into Textual's compositor (textual is pinned in pyproject.toml; the
replaced method is ``Compositor._render_chops`` of that version).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import get_character_cell_size
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

_installed = False
MOVE_STYLE = Style(meta={"hotline": "widechar"})
"""The cursor move's own style: Strip.simplify never merges text into it."""


def wide_middles(strip: Strip) -> set[int]:
    """The cell positions that fall inside a double-width character of ``strip``."""
    middles: set[int] = set()
    x = 0
    for text, _, control in strip:
        if control:
            continue
        if text.isascii():
            x += len(text)
            continue
        for ch in text:
            width = get_character_cell_size(ch)
            if width == 2:
                middles.add(x + 1)
            x += width
    return middles


def divide_whole(
    strip: Strip, cuts: Sequence[int], keep: Callable[[int], bool], screen_x: int, y: int
) -> list[Strip]:
    """``strip.divide(cuts)``, except that a double-width character a cut falls inside stays
    whole in the piece before the cut when ``keep(i)`` (cuts[i] may be moved); the next piece
    then starts with a cursor move to the column after the character (``screen_x`` is the
    strip's first column on the screen, ``y`` its line)."""
    middles = wide_middles(strip) if len(cuts) > 1 else set()
    moved = [c + 1 if c in middles and keep(i) else c for i, c in enumerate(cuts)]
    if moved == list(cuts):
        return list(strip.divide(cuts))
    pieces: list[Strip] = []
    start = 0
    for i, segments in enumerate(Segment.divide(list(strip), moved)):
        end = moved[i]
        if i and moved[i - 1] != cuts[i - 1]:
            move = Control.move_to(screen_x + start, y).segment
            segments = [Segment(move.text, MOVE_STYLE, move.control), *segments]
        pieces.append(Strip(segments, end - start))
        start = end
    return pieces


def _render_chops(
    self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[dict[int, Strip | None]]:
    """Textual 8.2.8's ``Compositor._render_chops`` with ``divide_whole`` for ``divide``."""
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    for region, clip, strips in self._get_renders(crop):
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            chops_line = chops[y]
            final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]

            def free(i: int, line: dict[int, Strip | None] = chops_line,
                     at: list[int] = final_cuts) -> bool:  # fmt: skip
                # the pieces on both sides of cut i go to this strip (painted front to back:
                # a piece already there belongs to a widget in front)
                return i + 1 < len(at) and line.get(at[i]) is None and line.get(at[i + 1]) is None

            pieces = divide_whole(
                strip, [cut - render_x for cut in final_cuts[1:]], free, render_x, y
            )
            for cut, piece in zip(final_cuts, pieces, strict=False):
                if chops_line.get(cut) is None:
                    chops_line[cut] = piece
    return chops


def install() -> None:
    """Draw wide characters across widget edges whole (see the module's docstring)."""
    global _installed
    if not _installed:
        Compositor._render_chops = _render_chops  # type: ignore[method-assign,assignment]
        _installed = True
