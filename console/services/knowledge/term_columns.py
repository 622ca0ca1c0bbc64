"""The indexed tickets' term ids in columns, for scoring many candidates in a few array
operations (``DuplicateIndex._scored``).

Every document's sorted term ids lie end to end in one flat array; a document is where its
ids begin and how many there are (0 once removed), with its cached norm (the sum of idf²
over its terms) and the index size the norm was computed at. Gathering the terms of 70
candidates is then a handful of array operations instead of 70 small arrays joined.

Arrays grow by doubling into new arrays: a look-up that took the arrays at its start keeps
reading them while another thread indexes a ticket (it writes only past what was there).
Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_INITIAL = 1024


def _grown(old: npt.NDArray[np.generic], need: int) -> npt.NDArray[np.generic]:
    """``old`` copied into an array of at least ``need`` rows (twice as many when grown)."""
    if need <= len(old):
        return old
    new = np.zeros((max(need, 2 * len(old)), *old.shape[1:]), dtype=old.dtype)
    new[: len(old)] = old
    return new


@dataclass(frozen=True)
class TermView:
    """The columns as one look-up reads them: documents ``0 … count - 1``."""

    flat: npt.NDArray[np.uint32]
    spans: npt.NDArray[np.int64]  # per document: where its ids begin, how many
    norms: npt.NDArray[np.float64]  # per document: sum of idf², index size it was computed at
    count: int

    def gather(
        self, docs: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.intp]]:
        """The term ids of ``docs`` (each with at least one term) end to end, and where each
        document's begin among them (for np.add.reduceat)."""
        ids, offsets, _ = self.gather_owned(docs)
        return ids, offsets

    def gather_owned(
        self, docs: npt.NDArray[np.intp]
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """``gather`` for documents that may have no ids, and for each id gathered the
        position in ``docs`` of the document it is of (for np.bincount)."""
        start = self.spans[docs, 0]
        size = self.spans[docs, 1]
        offsets = np.zeros(len(docs), dtype=np.intp)
        if len(docs) > 1:
            np.cumsum(size[:-1], out=offsets[1:])
        total = int(offsets[-1] + size[-1]) if len(docs) else 0
        ids = self.flat[np.arange(total) + np.repeat(start - offsets, size)]
        return ids, offsets, np.repeat(np.arange(len(docs)), size)


class TermColumns:
    """Term ids of documents 0, 1, 2 … (numbered in the order they were appended)."""

    def __init__(self) -> None:
        self._flat: npt.NDArray[np.uint32] = np.zeros(_INITIAL, dtype=np.uint32)
        self._used = 0  # places of ``_flat`` in use
        self._spans: npt.NDArray[np.int64] = np.zeros((_INITIAL, 2), dtype=np.int64)
        # sum of idf² over the document's terms, as of an index of that many tickets (0: not
        # yet computed); one array, so a look-up reads both from the same
        self._norms: npt.NDArray[np.float64] = np.zeros((_INITIAL, 2), dtype=np.float64)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def view(self) -> TermView:
        """The columns as they are now (the count read first: every array read after it
        holds at least that many documents)."""
        count = self._count
        return TermView(self._flat, self._spans, self._norms, count)

    def append(self, term_ids: list[int]) -> int:
        """Add a document's sorted term ids; its number."""
        i = self._count
        end = self._used + len(term_ids)
        flat = _grown(self._flat, end)
        flat[self._used : end] = term_ids
        self._flat = flat  # type: ignore[assignment]
        spans, norms = _grown(self._spans, i + 1), _grown(self._norms, i + 1)
        spans[i] = (self._used, len(term_ids))
        norms[i] = (0.0, 0.0)
        self._spans, self._norms = spans, norms  # type: ignore[assignment]
        self._used = end
        self._count = i + 1
        return i

    def drop(self, i: int) -> None:
        """Document ``i`` is removed: it has no terms from now on."""
        self._spans[i, 1] = 0

    def of(self, i: int) -> npt.NDArray[np.uint32]:
        """Document ``i``'s sorted term ids (empty once removed)."""
        start, size = self._spans[i].tolist()
        return self._flat[start : start + size]

    def norm(self, i: int) -> tuple[float, int]:
        """Document ``i``'s cached norm and the index size it was computed at."""
        norm_sq, at = self._norms[i].tolist()
        return norm_sq, int(at)

    def set_norm(self, i: int, norm_sq: float, at: int) -> None:
        self._norms[i] = (norm_sq, at)
