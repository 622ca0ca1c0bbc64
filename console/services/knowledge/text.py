"""Text normalisation shared by search, routing and duplicate detection.

Caller speech and articles are folded the same way before matching: full-width to
half-width (NFKC), lower case, traditional characters to simplified, punctuation and
white space removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import zhconv

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified (zh-cn)."""
    return zhconv.convert(text, "zh-cn")


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


def normalize_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """Fold a text like :func:`normalize` and say where each folded character came from.

    Returns the folded text and, for each of its characters, the index of the character
    of ``text`` it was made from, so a match found in the folded text can be pointed at
    in the original (highlights). The folding agrees with :func:`normalize` for Chinese
    text; where a conversion changes the length (rare phrase conversions) the characters
    are converted one by one instead.
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for piece in unicodedata.normalize("NFKC", ch).lower():
            chars.append(piece)
            origin.append(i)
    joined = "".join(chars)
    simplified = to_simplified(joined)
    if len(simplified) != len(joined):
        parts = [to_simplified(c) for c in chars]
        origin = [o for part, o in zip(parts, origin, strict=True) for _ in part]
        simplified = "".join(parts)
    kept = [(c, o) for c, o in zip(simplified, origin, strict=True) if not _DROP.match(c)]
    return "".join(c for c, _ in kept), tuple(o for _, o in kept)
