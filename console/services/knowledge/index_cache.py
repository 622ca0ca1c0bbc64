"""A copy of the built knowledge-search index on disk, so a start does not rebuild it.

Building the search index folds every article (NFKC, traditional → simplified) and sorts
its postings: about half a second for the seed, many seconds at 50 000 articles. The built
index is written to the seat's own data folder and read back at the next start when the
knowledge base has not changed since.

When the copy is used: its header names a key, the digest of

- the knowledge content version: every article's id and ``updated_at`` as the database
  stores them (an article added, edited or removed changes it);
- the code that shapes the index (the source of the search modules, numpy and zhconv
  versions, the Python version), so a changed index layout never reads an old file.

Any mismatch, a damaged or truncated file (a CRC over the body) or any error while reading
means "no copy": the index is built from the store as before and the copy rewritten.
Writing goes to a temporary file first and replaces the old copy in one step.

Format: a header line ``HOTLINE-KB-INDEX <format> <key> <crc32> <length>`` and a
``marshal`` body of plain values only (str, int, bytes, tuples, lists, dicts; numpy arrays
as dtype, shape and raw bytes). Reading it builds no objects of its own choosing and runs
no code; the index is put together here from those values.

A store edited through the same stamp (a drill clock frozen at one instant) keeps its key;
the caller re-reads the articles stamped near the newest one after loading (see
``KnowledgeService``), as the running sync does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
import sys
import tempfile
import threading
import zlib
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.services.knowledge.seed import ArticleRecord
from console.services.knowledge.text import zhconv_module
from console.services.values import Domain

if TYPE_CHECKING:
    from console.services.knowledge.search import SearchIndex

FORMAT = 1
MAGIC = b"HOTLINE-KB-INDEX"
FOLDER = "cache"

# The modules whose code decides what a built index holds: a change to any of them makes
# every cached copy stale.
_SOURCES = (
    "search.py",
    "search_postings.py",
    "text.py",
    "seed.py",
    "index_cache.py",
    "../values.py",
)

STATE_ATTRIBUTES = frozenset(
    {
        "_lock",
        "_synonyms",
        "_alphabet",
        "_records",
        "_folded",
        "_slot_of",
        "_capacity",
        "_alive",
        "_unit_code",
        "_domain_code",
        "_units",
        "_domains",
        "_length_sum",
        "_segments",
        "_delta",
        "_delta_postings",
    }
)
"""Every attribute of a SearchIndex; a test keeps this in step with search.py."""


def cache_path(data_dir: Path, db_url: str = "") -> Path:
    """Where the index copy of the database at ``db_url`` lives in a seat's data folder."""
    tag = hashlib.sha256(db_url.encode()).hexdigest()[:12] if db_url else "default"
    return data_dir / FOLDER / f"kb-search-{tag}.idx"


@cache
def code_version() -> str:
    """A digest of everything besides the articles that shapes a built index."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        h.update(name.encode())
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(b"?")
    # the versions the modules give (importlib.metadata alone costs ~20 ms at start-up)
    import numpy

    zhconv = zhconv_module().zhconv
    h.update(f"numpy={numpy.__version__}zhconv={getattr(zhconv, '__version__', '?')}".encode())
    h.update(f"{sys.version_info[:2]}{sys.byteorder}{FORMAT}".encode())
    return h.hexdigest()


def content_key(stamps: Iterable[tuple[Any, Any]]) -> str:
    """The cache key for articles given as (id, updated_at) as the database returned them."""
    h = hashlib.sha256(code_version().encode())
    for article_id, stamp in sorted((str(i), str(s)) for i, s in stamps):
        h.update(f"{article_id}\x00{stamp}\x01".encode())
    return h.hexdigest()


# ---------------------------------------------------------------------------- plain values


def _pack(array: Any) -> tuple[str, tuple[int, ...], bytes]:
    return (array.dtype.str, tuple(array.shape), array.tobytes())


def _unpack(packed: Sequence[Any], writable: bool = False) -> Any:
    import numpy as np

    dtype, shape, raw = packed
    array = np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape)
    return array.copy() if writable else array


def _record_values(a: ArticleRecord) -> tuple[Any, ...]:
    return (
        a.id,
        a.unit_id,
        a.question,
        tuple(a.alt_questions),
        a.answer,
        a.basis,
        a.domain.value,
        tuple(a.tags),
        bool(a.enterprise),
        a.effective.toordinal(),
        a.review_by.toordinal(),
        a.status,
        a.matter,
    )


_DOMAIN_OF = {d.value: d for d in Domain}


def _record(values: Sequence[Any]) -> ArticleRecord:
    (aid, unit_id, question, alts, answer, basis, domain, tags, ent, eff, review, status) = values[
        :12
    ]
    matter = values[12] if len(values) > 12 else ""
    return ArticleRecord(
        id=aid,
        unit_id=unit_id,
        question=question,
        alt_questions=tuple(alts),
        answer=answer,
        basis=basis,
        domain=_DOMAIN_OF[domain],
        tags=tuple(tags),
        enterprise=bool(ent),
        effective=dt.date.fromordinal(eff),
        review_by=dt.date.fromordinal(review),
        status=status,
        matter=matter,
    )


def snapshot(index: SearchIndex) -> dict[str, Any] | None:
    """The index as plain values, or None when it holds loose edits (only a freshly built
    index is worth keeping: its copy is what the next start would build)."""
    with index._lock:
        if index._delta or index._delta_postings:
            return None
        alphabet = index._alphabet
        chars = "".join(alphabet._ids)
        ids = [alphabet._ids[ch] for ch in chars]
        return {
            "records": [None if r is None else _record_values(r) for r in index._records],
            "folded": [
                None if f is None else (f._questions, f._tags, tuple(f.lengths))
                for f in index._folded
            ],
            "alphabet": (chars, ids, alphabet._next),
            "capacity": index._capacity,
            "alive": _pack(index._alive),
            "unit_code": _pack(index._unit_code),
            "domain_code": _pack(index._domain_code),
            "units": list(index._units),
            "domains": [d.value for d in index._domains],
            "length_sum": _pack(index._length_sum),
            "segments": [
                (_pack(s.term_keys), _pack(s.offsets), _pack(s.slots), _pack(s.impacts))
                for s in index._segments
            ],
        }


def restore(state: dict[str, Any], synonyms: Iterable[Sequence[str]]) -> SearchIndex:
    """A SearchIndex from ``snapshot`` values; raises on anything out of shape."""
    import numpy as np

    from console.services.knowledge.search import SearchIndex, _Folded
    from console.services.knowledge.search_postings import Alphabet, Segment
    from console.services.knowledge.search_synonyms import Synonyms

    index = SearchIndex.__new__(SearchIndex)
    index._lock = threading.RLock()
    index._synonyms = Synonyms(synonyms)
    alphabet = Alphabet()
    chars, ids, next_id = state["alphabet"]
    if len(chars) != len(ids):
        raise ValueError("alphabet")
    alphabet._ids = dict(zip(chars, ids, strict=True))
    if chars:
        points = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32)
        alphabet._table[points] = np.asarray(ids, dtype=np.uint16)
    alphabet._next = int(next_id)
    index._alphabet = alphabet
    records = [None if r is None else _record(r) for r in state["records"]]
    folded: list[_Folded | None] = []
    for f in state["folded"]:
        if f is None:
            folded.append(None)
            continue
        item = _Folded.__new__(_Folded)
        item._questions, item._tags, item.lengths = str(f[0]), f[1], tuple(f[2])
        folded.append(item)
    if len(folded) != len(records):
        raise ValueError("folded")
    index._records = records
    index._folded = folded
    index._slot_of = {r.id: slot for slot, r in enumerate(records) if r is not None}
    index._capacity = int(state["capacity"])
    index._alive = _unpack(state["alive"], writable=True)
    index._unit_code = _unpack(state["unit_code"], writable=True)
    index._domain_code = _unpack(state["domain_code"], writable=True)
    if not (index._alive.size == index._unit_code.size == index._domain_code.size):
        raise ValueError("slot arrays")
    if index._capacity != index._alive.size or len(records) > index._capacity:
        raise ValueError("capacity")
    index._units = {unit: code for code, unit in enumerate(state["units"])}
    if [d.value for d in Domain] != list(state["domains"]):
        raise ValueError("domains")
    index._domains = {d: i for i, d in enumerate(Domain)}
    index._length_sum = _unpack(state["length_sum"], writable=True)
    index._segments = []
    for keys, offsets, slots, impacts in state["segments"]:
        segment = Segment.from_arrays(
            _unpack(keys), _unpack(offsets), _unpack(slots), _unpack(impacts)
        )
        rows = int(segment.offsets[-1]) if segment.offsets.size else -1
        if segment.offsets.size != segment.term_keys.size + 1 or rows != len(segment):
            raise ValueError("segment")
        if len(segment) and int(segment.slots.max()) >= len(records):
            raise ValueError("segment slots")
        index._segments.append(segment)
    index._delta = {}
    index._delta_postings = {}
    return index


# ---------------------------------------------------------------------------- the file


class IndexCache:
    """The index copy of one database in one data folder."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_store(cls, data_dir: Path, db_url: str) -> IndexCache:
        return cls(cache_path(data_dir, db_url))

    def load(
        self, key: str, synonyms: Iterable[Sequence[str]]
    ) -> tuple[SearchIndex, list[ArticleRecord]] | None:
        """The cached index built for ``key`` and the articles it holds; None if the copy is
        absent, stale or damaged."""
        try:
            with self.path.open("rb") as fh:
                header = fh.readline(256).split()
                if (
                    len(header) != 5
                    or header[0] != MAGIC
                    or header[1] != str(FORMAT).encode()
                    or header[2] != key.encode()
                ):
                    return None
                crc, length = int(header[3]), int(header[4])
                body = fh.read()
            if len(body) != length or zlib.crc32(body) != crc:
                return None
            state = marshal.loads(body)
            if not isinstance(state, dict):
                return None
            index = restore(state, synonyms)
            return index, [r for r in index._records if r is not None]
        except Exception:  # noqa: BLE001 — any unreadable copy is rebuilt from the store
            return None

    def save(self, key: str, index: SearchIndex) -> bool:
        """Write the index's copy for ``key`` (atomically); False when not written."""
        state = snapshot(index)
        if state is None:
            return False
        body = marshal.dumps(state)
        header = b"%s %d %s %d %d\n" % (MAGIC, FORMAT, key.encode(), zlib.crc32(body), len(body))
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".kb-search-", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(header)
                fh.write(body)
            os.replace(tmp, self.path)
            tmp = None
            return True
        except OSError:
            return False  # a read-only or full disk: the next start builds again
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
