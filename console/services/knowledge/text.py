"""Text normalisation shared by search, routing and duplicate detection.

Caller speech and articles are folded the same way before matching: full-width to
half-width (NFKC), lower case, traditional characters to simplified, punctuation and
white space removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def zhconv_module() -> ModuleType:
    """zhconv (the traditional → simplified table), imported without pkg_resources.

    zhconv finds its table through pkg_resources when that imports, which alone costs about
    0.1 s (on the way to the first answers at start-up); without it, zhconv opens the file next
    to itself. Nothing else is changed. Every use of zhconv here imports it through this."""
    import sys

    if "zhconv" in sys.modules or "pkg_resources" in sys.modules:
        import zhconv

        return zhconv
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes its import fail
    try:
        import zhconv
    finally:
        if sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return zhconv


@dataclass(frozen=True)
class _Simplify:
    """zhconv's zh-cn table split for converting a text without its phrase-by-phrase walk."""

    single: dict[int, str]
    """Code point → simplified form of every one-character rule that changes something."""
    openings: re.Pattern[str]
    """Finds every pair of characters that could open a phrase (below)."""
    phrases: frozenset[str]
    """The first two characters of every phrase that converts otherwise than its characters
    one by one (乾隆 stays 乾隆; 乾 alone is 干)."""
    inner: frozenset[str]
    """Every two neighbouring characters inside a phrase of the table: between two characters
    that are not, zhconv's walk never crosses (no phrase spans them)."""


@cache
def _simplify() -> _Simplify | None:
    """The tables of ``to_simplified``; None when zhconv's table cannot be read (then every
    text goes through zhconv)."""
    zhconv = zhconv_module()

    try:
        table: dict[str, str] = zhconv.zhconv.getdict("zh-cn")
    except Exception:  # noqa: BLE001 — an unknown zhconv layout: convert everything
        return None
    single = {ord(k): v for k, v in table.items() if len(k) == 1 and v != k}
    phrases = frozenset(
        key[:2] for key, value in table.items() if len(key) >= 2 and value != key.translate(single)
    )
    firsts = "".join(re.escape(c) for c in sorted({p[0] for p in phrases}))
    seconds = "".join(re.escape(c) for c in sorted({p[1] for p in phrases}))
    openings = re.compile(f"(?=([{firsts}][{seconds}]))" if phrases else r"(?!)")
    inner = frozenset(key[i : i + 2] for key in table if len(key) >= 2 for i in range(len(key) - 1))
    return _Simplify(single, openings, phrases, inner)


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified (zh-cn), exactly as zhconv does.

    zhconv walks the text phrase by phrase, longest phrase first. Where no phrase that
    converts otherwise than character by character begins, the text is converted character
    by character (``str.translate``): the same result, without the walk. Only a stretch
    around each such phrase goes through zhconv, cut where no phrase of the table can span
    the cut (so the walk passes there whatever comes before).
    """
    tables = _simplify()  # read on first use: the table's load is not start-up work
    if tables is None:
        return zhconv_module().convert(text, "zh-cn")
    starts = [m.start() for m in tables.openings.finditer(text) if m.group(1) in tables.phrases]
    if not starts:
        return text.translate(tables.single)
    inner, single = tables.inner, tables.single
    zhconv = zhconv_module()
    out: list[str] = []
    done = 0  # converted up to here (a place the walk passes)
    for at in starts:
        if at < done:
            continue
        begin, end = at, at + 1
        while begin > done and text[begin - 1 : begin + 1] in inner:
            begin -= 1
        while end < len(text) and text[end - 1 : end + 1] in inner:
            end += 1
        out.append(text[done:begin].translate(single))
        out.append(zhconv.convert(text[begin:end], "zh-cn"))
        done = end
    out.append(text[done:].translate(single))
    return "".join(out)


def normalize(text: str) -> str:
    """Fold a text for matching: NFKC, lower case, simplified, no punctuation or spaces."""
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = to_simplified(folded)
    return _DROP.sub("", folded)


def bigrams(folded: str) -> list[str]:
    """Overlapping character bigrams of an already normalised text (a lone char is kept)."""
    if len(folded) < 2:
        return [folded] if folded else []
    return [folded[i : i + 2] for i in range(len(folded) - 1)]


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


_CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK_CHARS}]+|[a-z0-9]+")


def fold(text: str) -> str:
    """Fold like `normalize` (NFKC, lower case, simplified) but keep punctuation and spaces.

    Useful where sentence boundaries matter, e.g. before `terms`.
    """
    return to_simplified(unicodedata.normalize("NFKC", text).lower())


def terms(text: str, limit: int | None = None) -> list[str]:
    """Matching terms of a raw text, for TF-IDF and similarity.

    Character bigrams inside each run of CJK characters (a run of one character is kept
    as itself) and whole runs of latin letters or digits ("5g", "12333", "502"). Bigrams
    never cross punctuation, spaces or a change of script, so "工资。我" gives no "资我".

    Args:
        text: raw text as typed or spoken; it is folded here.
        limit: fold at most this many characters of the text (long letters are cut).
    """
    if limit is not None:
        text = text[:limit]
    out: list[str] = []
    for run in _RUNS.findall(fold(text)):
        if run[0] < "\u3400":  # latin letters or digits
            out.append(run)
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


_KEEP = re.compile(r"[^\s\W_]+", re.UNICODE)


def normalize_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """Fold a text like :func:`normalize` and say where each folded character came from.

    Returns the folded text and, for each of its characters, the index of the character
    of ``text`` it was made from, so a match found in the folded text can be pointed at
    in the original (highlights). The folding agrees with :func:`normalize` whenever
    NFKC, lower-casing and the conversion to simplified keep one character per character
    (always so for Chinese text); otherwise the characters are folded one by one.
    """
    folded = to_simplified(unicodedata.normalize("NFKC", text).lower())
    if len(folded) == len(text):
        parts: list[str] = []
        origin: list[int] = []
        for m in _KEEP.finditer(folded):
            parts.append(m.group())
            origin.extend(range(m.start(), m.end()))
        return "".join(parts), tuple(origin)
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for piece in to_simplified(unicodedata.normalize("NFKC", ch).lower()):
            if not _DROP.match(piece):
                chars.append(piece)
                where.append(i)
    return "".join(chars), tuple(where)


@dataclass(frozen=True)
class _BulkTables:
    """zhconv's zh-cn table split for bulk folding (see :func:`normalize_many`)."""

    single: npt.NDArray[np.uint32]
    """Code point → code point of every one-character conversion (identity elsewhere)."""
    prefixes: npt.NDArray[np.int64]
    """Sorted codes (a << 21 | b) of the first two characters of each phrase that
    converts differently from its characters one by one."""
    phrases: dict[str, tuple[str, ...]]
    """Those phrases by their first two characters."""
    seconds: frozenset[str]
    """Starters that can compose with the character before them (NFC_QC=Maybe)."""
    first: npt.NDArray[np.bool_]
    """Code points that start such a phrase."""
    second: npt.NDArray[np.bool_]
    """Code points that are the second character of such a phrase."""


@cache
def _bulk_tables() -> _BulkTables | None:
    import numpy as np  # bulk folding only: keeps numpy off the console's start-up path

    zhconv = zhconv_module()

    try:
        table: dict[str, str] = zhconv.zhconv.getdict("zh-cn")
    except Exception:  # an unknown zhconv layout: fall back to normalize() text by text
        return None
    single = np.arange(0x110000, dtype=np.uint32)
    for key, value in table.items():
        if len(key) == 1:
            if len(value) != 1:
                return None
            single[ord(key)] = ord(value)
    phrases: dict[str, list[str]] = {}
    for key, value in table.items():
        if len(key) >= 2:
            one_by_one = "".join(chr(single[ord(c)]) for c in key)
            if value != one_by_one:
                phrases.setdefault(key[:2], []).append(key)
    prefixes = np.array(sorted((ord(p[0]) << 21) | ord(p[1]) for p in phrases), dtype=np.int64)
    # Second characters of canonical pairs, plus Hangul vowels and trailing consonants
    # (composed algorithmically): a string free of them (and of combining marks) is
    # NFKC-normalised character by character.
    seconds = {chr(c) for c in range(0x1161, 0x1176)} | {chr(c) for c in range(0x11A8, 0x11C3)}
    for point in range(0x110000):
        decomposition = unicodedata.decomposition(chr(point))
        if decomposition and decomposition[0] != "<":
            parts = decomposition.split()
            if len(parts) == 2:
                seconds.add(chr(int(parts[1], 16)))
    first = np.zeros(0x110000, dtype=bool)
    second = np.zeros(0x110000, dtype=bool)
    for pair in phrases:
        first[ord(pair[0])] = second[ord(pair[1])] = True
    return _BulkTables(
        single,
        prefixes,
        {p: tuple(keys) for p, keys in phrases.items()},
        frozenset(seconds),
        first,
        second,
    )


_BULK_MIN_CHARS = 300_000
_char_folds: dict[int, str | None] = {}


def _char_fold(point: int, seconds: frozenset[str]) -> str | None:
    """NFKC + lower case of one character, or None when its context could matter."""
    if point in _char_folds:
        return _char_folds[point]
    ch = chr(point)
    parts = unicodedata.normalize("NFKD", ch)
    if ch == "\u03a3" or any(unicodedata.combining(c) or c in seconds for c in parts):
        result: str | None = None  # combining marks, Hangul jamo, final sigma …
    else:
        result = unicodedata.normalize("NFKC", ch).lower()
    _char_folds[point] = result
    return result


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, several times faster for thousands of texts.

    All texts are folded as one array of code points: NFKC and lower case character by
    character, then zhconv's one-character table, then punctuation dropped. Where that
    could differ from :func:`normalize` the text is folded by :func:`normalize` itself:
    a text with combining marks or composable characters (NFKC then depends on the
    neighbours), or with a phrase zhconv converts differently from its characters one
    by one (行政總裁, 保障著 …). The result is exactly that of :func:`normalize`.
    """
    import numpy as np

    # Building the tables takes ~0.1 s once: worth it from a few hundred thousand chars.
    worth = len(texts) >= 64 and (
        _bulk_tables.cache_info().currsize or sum(map(len, texts)) >= _BULK_MIN_CHARS
    )
    tables = _bulk_tables() if worth else None
    if tables is None:
        return [normalize(t) for t in texts]
    clean = [t.replace("\x00", "") if "\x00" in t else t for t in texts]
    points = np.frombuffer("\x00".join(clean).encode("utf-32-le"), dtype=np.uint32)
    exact: set[int] = set()
    bounds = np.flatnonzero(points == 0)

    def owners_of(positions: npt.NDArray[np.int64]) -> list[int]:
        return [int(i) for i in np.unique(np.searchsorted(bounds, positions, side="right"))]

    fold_map = np.arange(0x110000, dtype=np.uint32)
    expand: dict[str, str | int | None] = {}
    awkward: list[int] = []
    for point in np.flatnonzero(np.bincount(points)).tolist():
        folded = _char_fold(point, tables.seconds)
        if folded is None:
            awkward.append(point)
        elif len(folded) == 1:
            fold_map[point] = ord(folded)
        elif folded != chr(point):
            expand[chr(point)] = folded
    if awkward:
        exact.update(owners_of(np.flatnonzero(np.isin(points, awkward))))
    points = fold_map[points]
    lowered = points.tobytes().decode("utf-32-le")
    if expand:
        lowered = lowered.translate(str.maketrans(expand))
        points = np.frombuffer(lowered.encode("utf-32-le"), dtype=np.uint32)
        bounds = np.flatnonzero(points == 0)
    if tables.prefixes.size and points.size > 1:
        first = tables.first[points[:-1]] & tables.second[points[1:]]
        maybe = np.flatnonzero(first)
        codes = (points[maybe].astype(np.int64) << 21) | points[maybe + 1]
        at = np.minimum(np.searchsorted(tables.prefixes, codes), tables.prefixes.size - 1)
        for p in maybe[tables.prefixes[at] == codes].tolist():
            for key in tables.phrases[lowered[p : p + 2]]:
                if lowered.startswith(key, p):
                    exact.add(int(np.searchsorted(bounds, p, side="right")))
                    break
    points = tables.single[points]
    keep = np.zeros(0x110000, dtype=bool)
    kept_chars = np.flatnonzero(np.bincount(points))
    keep[kept_chars] = [chr(c).isalnum() or c == 0 for c in kept_chars.tolist()]
    pieces = points[keep[points]].tobytes().decode("utf-32-le").split("\x00")
    for i in exact:
        pieces[i] = normalize(texts[i])
    return pieces
