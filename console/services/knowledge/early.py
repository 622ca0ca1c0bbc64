"""Answers before the platform is open: the cached search index of the embedded store, read
with the standard library's sqlite3 while SQLAlchemy is still loading.

At a console's start the seat can type at once, but the platform (SQLAlchemy, the store, the
services) takes the better part of a second more to open. The answers beside the form need
only the search index, which the last start saved (index_cache.py). This reads it back the
way :class:`~console.services.knowledge.service.KnowledgeService` does — the same content key
over every article's id and stamp, the same synonyms — so what it finds is what the service
would find; when anything differs (no copy, another key, a damaged file) there is no early
search and the answers come with the platform, as before.

Only for the embedded SQLite store, and not under a frozen drill clock (an article edited
under a frozen clock keeps its stamp: the service re-reads such articles, this does not).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from console.services.knowledge.answers import search_answers
from console.services.knowledge.catalogue import Catalogue
from console.services.knowledge.confidence import AnswerJudge
from console.services.knowledge.index_cache import IndexCache, content_key
from console.services.knowledge.search import SearchIndex
from console.services.knowledge.seed import BureauRecord, MatterRecord, UnitRecord
from console.services.values import Domain
from console.services.views import ArticleHit

SQLITE_PREFIX = "sqlite:///"


def embedded_path(db_url: str) -> Path | None:
    """The file of an embedded store's URL (``sqlite:///…``), without importing SQLAlchemy."""
    if not db_url.startswith(SQLITE_PREFIX):
        return None
    path = db_url[len(SQLITE_PREFIX) :].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path)


class EarlySearch:
    """``search_kb`` over a cached index, answering as the service would with that index."""

    def __init__(
        self, index: SearchIndex, unit_names: dict[str, str], judge: AnswerJudge | None = None
    ) -> None:
        self._index = index
        self._unit_names = unit_names
        self._judge = judge

    def search_kb(
        self, query: str, unit: str | None = None, domain: str | None = None, limit: int = 10
    ) -> Sequence[ArticleHit]:
        return search_answers(
            self._index, self._unit_names, query, unit, domain, limit, judge=self._judge
        )


def open_early_search(data_dir: Path, db_url: str) -> EarlySearch | None:
    """The early search of this store, or None (not embedded, no usable copy, any error)."""
    path = embedded_path(db_url)
    if path is None or not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1.0)
        try:
            stamps = db.execute("SELECT id, updated_at FROM articles").fetchall()
            synonyms = [
                tuple(json.loads(terms)) for (terms,) in db.execute("SELECT terms FROM synonyms")
            ]
            units, bureaus, matters = _read_catalogue(db)
        finally:
            db.close()
        loaded = IndexCache.for_store(data_dir, db_url).load(content_key(stamps), synonyms)
    except Exception:  # noqa: BLE001 — no early answers; the platform brings them
        return None
    if loaded is None:
        return None
    # judged as the service judges: with the matter catalogue when the store has one
    judge = AnswerJudge(Catalogue(units, bureaus, matters) if matters else None)
    return EarlySearch(loaded[0], {u.id: u.name for u in units}, judge)


def _read_catalogue(
    db: sqlite3.Connection,
) -> tuple[tuple[UnitRecord, ...], tuple[BureauRecord, ...], tuple[MatterRecord, ...]]:
    """The active units, the bureaus and the active matter types, as the service reads them."""
    units = tuple(
        UnitRecord(
            id=r[0],
            name=r[1],
            full_name=r[2],
            category=r[3],
            city=r[4],
            subcentre=bool(r[5]),
            hotline=r[6],
            contact_role=r[7],
            domains=tuple(Domain(d) for d in json.loads(r[8])),
            duties=tuple(json.loads(r[9])),
            keywords=tuple(json.loads(r[10])),
        )
        for r in db.execute(
            "SELECT id, name, full_name, category, city, subcentre, hotline, contact_role,"
            " domains, duties, keywords FROM units WHERE active"
        )
    )
    bureaus = tuple(
        BureauRecord(id=r[0], name=r[1], duties=tuple(json.loads(r[2])))
        for r in db.execute("SELECT id, name, duties FROM bureaus")
    )
    matters = tuple(
        MatterRecord(
            id=r[0],
            name=r[1],
            domain=Domain(r[2]),
            owner=r[3],
            also=tuple(json.loads(r[4])),
            basis=r[5],
            describe=r[6],
            terms=tuple(json.loads(r[7])),
        )
        for r in db.execute(
            "SELECT id, name, domain, owner, also, basis, describe, terms FROM matters WHERE active"
        )
    )
    return units, bureaus, matters
