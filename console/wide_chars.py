"""Drawing Chinese over other widgets: a toast, a tooltip or a list that lies over a border keeps
every character.

Textual's compositor cuts each screen line at every widget edge under it and fills the pieces
front to back. A double-width character that straddles such an edge is split in two halves,
and a split wide character is drawn as two spaces: 「已提交，工单已更新」 shown over the line
between two panes read 「已提  ，工单已更新」, every time (Textual issue #6357, open for the
pinned version).

Here, when one widget wins several neighbouring pieces of a line, they are kept as one piece
(the edges under it do not matter: nothing else is drawn there), and the pieces it absorbed
hold an empty placeholder so that no widget behind claims them. Partial updates learn where
each merged piece really ends. Only the edges between different widgets still cut a line.

A partial update (the cells a closed drop-down list covered, say) ends where its region ends;
when that edge halves a wide character, the character's half is drawn as a space and the
terminal blanks its other half: the caller's words under the intake's category list read
「三栋  下」 for 「三栋楼下」 once the list closed as the seat moved on. Such an update is
carried on to the character's end.

``install()`` patches the compositor once, and only the Textual version this was written for:
with any other version it does nothing (tests/screens/test_wide_chars.py then says whether the
fault is still there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich.cells import cell_len, get_character_cell_size
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

from console.textual_patch import patch_once

FOR_VERSION = "8.2.8"
_EMPTY = Strip([], 0)


def _render_chops(
    self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[Mapping[int, Strip]]:
    """Compositor._render_chops, with the pieces a widget wins side by side kept whole."""
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    for region, clip, strips in self._get_renders(crop):
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            final_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            if len(final_cuts) < 2:
                continue
            # Runs of pieces that are all free (this widget wins them) or all taken.
            starts = final_cuts[:-1]
            free = [line.get(cut) is None for cut in starts]
            run_starts = [0] + [i for i in range(1, len(starts)) if free[i] != free[i - 1]]
            edges = [starts[i] for i in run_starts[1:]] + [final_cuts[-1]]
            pieces = strip.divide([edge - render_x for edge in edges])
            bounds = [*run_starts, len(starts)]
            for run, piece in enumerate(pieces):
                first, stop = bounds[run], bounds[run + 1]
                if not free[first]:
                    continue  # a widget in front already holds these
                line[starts[first]] = piece
                for i in range(first + 1, stop):
                    line[starts[i]] = _EMPTY
    return chops  # type: ignore[return-value]


def _chop_ends(chops: Sequence[Mapping[int, Strip]], cuts: list[list[int]]) -> list[list[int]]:
    """Where each piece of each line ends: at the next cut that starts a piece of its own (the
    placeholders of a merged piece end where they start)."""
    out: list[list[int]] = []
    for line, cut_set in zip(chops, cuts, strict=False):
        ends: list[int] = []
        end = cut_set[-1]
        for x in reversed(list(line)):
            if line[x] is _EMPTY:
                ends.append(x)
            else:
                ends.append(end)
                end = x
        ends.reverse()
        out.append(ends)
    return out


def _whole_char_end(line: Mapping[int, Strip | None], ends: list[int], x2: int) -> int:
    """Where an update of a line up to ``x2`` is to end so as not to split a double-width
    character: past it when one straddles ``x2`` (cut there, its half is drawn as a space and the
    terminal blanks the other half too: a list closed over a caller's words left two blanks)."""
    for end, (x, strip) in zip(ends, line.items(), strict=False):
        if strip is None or not x < x2 < end:
            continue
        cut = x2 - x
        at = 0
        for segment in strip:
            width = cell_len(segment.text)
            if at + width <= cut:
                at += width
                continue
            if width == len(segment.text):
                return x2  # no wide character in the segment the cut falls in
            for char in segment.text:
                size = get_character_cell_size(char)
                if at + size > cut:
                    return x2 + (at + size - cut) if at < cut else x2
                at += size
        return x2
    return x2


def _render_partial_update(self: Compositor) -> ChopsUpdate | None:
    """Compositor.render_partial_update, with the ends of merged pieces and updates that end
    past a wide character rather than through it."""
    screen_region = self.size.region
    update_regions = self._dirty_regions.copy()
    self._dirty_regions.clear()
    if not update_regions:
        return None
    crop = Region.from_union(update_regions).intersection(screen_region)
    spans = list(self._regions_to_spans(update_regions))
    is_rendered_line = {y for y, _, _ in spans}.__contains__
    chops = self._render_chops(crop, is_rendered_line)
    ends = _chop_ends(chops, self.cuts)
    spans = [(y, x1, _whole_char_end(chops[y], ends[y], x2)) for y, x1, x2 in spans]
    return ChopsUpdate(chops, spans, ends)


@patch_once(FOR_VERSION)
def install() -> bool:
    """Patch the compositor (once); False when this Textual is not the version it fits."""
    patched: Any = Compositor
    patched._render_chops = _render_chops
    patched.render_partial_update = _render_partial_update
    return True
