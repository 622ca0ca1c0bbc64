"""Text wrapped as Chinese is read.

Rich (and Textual, but for ``console.line_breaks``, which gives it these rules) breaks a line
only at a space, and folds a run of Chinese with no space at whatever cell the width ends on:
inside a rule id (「R-R / ETURN」), a date (「12-0 / 9」), between a figure and its unit
(「1 / 个工作日」), with a comma or a closing bracket starting the next line, and the rest of an
indented detail line back at column 0. ``Paragraph`` wraps by the usual
rules of Chinese typesetting:

- a line may break at a space; a run of characters between spaces that fits on a line (a
  name, a status: 省人力资源社会保障厅, 已延期) goes to the next line whole, as a word
  does, and a longer one (a sentence) breaks between two Chinese characters;
- never inside a run of Latin letters, digits and signs (R-RETURN, 2026-12-09, 24:00,
  138****0003, 3.5) — unless the run alone is wider than the line — nor between a figure and
  the unit after it (2个工作日, 时限 1 个工作日);
- never before closing punctuation (，。、；：！？）》」』…) nor after opening punctuation
  (（《「『“) — the punctuation goes with its neighbour (避头尾);
- a line that starts with spaces keeps them for every line it wraps to (a hanging indent:
  what ``Paragraph`` adds to the line breaking Textual now shares).

The styles of the ``Text`` are kept; nothing is read as markup.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, get_character_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

CLOSING = frozenset("，。、；：！？）》」』〕】”’,.;:!?)]}…·%％～—")
"""Never at the start of a line (a trailing ``…``/``—`` too: they belong to what they follow)."""
OPENING = frozenset("（《「『〔【“‘([{")
"""Never at the end of a line."""
_RUN = re.compile(r"\S+")


def _whole_runs(line: str, width: int) -> bytearray:
    """1 at each index that continues a run of non-space characters no wider than ``width`` (a
    name, a status: 省人力资源社会保障厅, 已延期): kept whole like a word."""
    inside = bytearray(len(line))
    for run in _RUN.finditer(line):
        if cell_len(run.group()) <= width:
            inside[run.start() + 1 : run.end()] = b"\x01" * (run.end() - run.start() - 1)
    return inside


def _may_break(line: str, i: int, whole: bytearray) -> bool:
    """Whether a line may break before ``line[i]`` (``i`` ≥ 1)."""
    if whole[i]:
        return False
    before, after = line[i - 1], line[i]
    if after.isspace() or get_character_cell_size(after) == 0:
        return False  # a space stays at the end of the line it follows; a mark on its letter
    if before.isspace():
        # a figure and what it counts go together: 时限 1 个工作日 breaks before the 1
        j = i - 1
        while j > 0 and line[j].isspace():
            j -= 1
        return after not in CLOSING and not (
            line[j].isdigit() and get_character_cell_size(after) == 2
        )
    if after in CLOSING or before in OPENING:
        return False
    if before.isdigit() and get_character_cell_size(after) == 2:
        return False  # 2个工作日, 3天: a figure and its unit
    # between two Chinese characters, or one and a Latin word or figure; never inside a word
    return get_character_cell_size(before) == 2 or get_character_cell_size(after) == 2


def wrap_offsets(
    line: str, width: int, rest: int | None = None, *, spaces_hang: bool = True
) -> list[int]:
    """Where ``line`` (no newline in it) breaks to fit in ``width`` cells (``rest`` cells for
    the lines after the first, when they are indented): the index of each continuation line's
    first character. Spaces at a break stay on the line they end: past its width when
    ``spaces_hang`` (they are dropped when shown), within it otherwise (an editor shows them)."""
    width = max(1, width)
    rest = width if rest is None else max(1, rest)
    whole = _whole_runs(line, rest)
    breaks: list[int] = []
    used = 0  # cells on the current line, spaces at its end counted
    last_break = -1  # the latest index on this line where a break is allowed
    start = 0
    room = width
    for i, ch in enumerate(line):
        cells = get_character_cell_size(ch)
        if i > start and _may_break(line, i, whole):
            last_break = i
        if used + cells <= room or (spaces_hang and ch.isspace()):
            used += cells
            continue
        if last_break > start:
            cut = last_break
        else:  # nothing to break at since the line began: fold here (a run wider than a line)
            cut = i
        breaks.append(cut)
        start, room = cut, rest
        last_break = -1
        used = cell_len(line[cut : i + 1])
        for j in range(cut + 1, i + 1):
            if _may_break(line, j, whole):
                last_break = j
    return breaks


def wrap_text(text: Text, width: int) -> list[Text]:
    """``text`` as lines of at most ``width`` cells (styles kept): each line of it wrapped by
    ``wrap_offsets``, its continuation lines indented as far as the line itself is."""
    out: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        plain = line.plain
        indent = len(plain) - len(plain.lstrip(" "))
        if indent * 2 > width:
            indent = 0  # no room left to indent in: continuation lines start at the edge
        offsets = wrap_offsets(plain, width, width - indent)
        for n, piece in enumerate(line.divide(offsets) if offsets else [line]):
            piece.rstrip()
            if n and indent:
                piece = Text(" " * indent, end="") + piece
            out.append(piece)
    return out


class Paragraph:
    """A Rich renderable of ``text`` wrapped by ``wrap_text`` at the width it is given (a
    ``Static`` re-wraps it when resized)."""

    def __init__(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text(text)

    @property
    def plain(self) -> str:
        return self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = wrap_text(self.text, options.max_width)
        new_line = Segment.line()
        for line in lines:
            line.end = ""
            yield from line.render(console)
            yield new_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((cell_len(line) for line in self.text.plain.split("\n")), default=0)
        return Measurement(min(widest, 2), min(widest, options.max_width))
