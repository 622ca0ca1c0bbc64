"""The search-index copy in the data folder: a restart over an unchanged knowledge base reads
it back (same answers); an added, edited or removed article, a damaged or foreign file, or
changed code makes the next start build again — never a stale answer, never a crash."""

from __future__ import annotations

import datetime as dt
import marshal
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from console.services.clock import DrillClock
from console.services.knowledge import index_cache
from console.services.knowledge.index_cache import (
    STATE_ATTRIBUTES,
    IndexCache,
    cache_path,
    restore,
    snapshot,
)
from console.services.knowledge.kb_files import import_articles
from console.services.knowledge.search import SearchIndex
from console.services.knowledge.seed import load_seed
from console.services.knowledge.seeding import seed_store
from console.services.knowledge.service import KnowledgeService
from console.store.engine import Store
from console.store.models import ArticleRow
from tests.conftest import REPO

SEED = REPO / "knowledge_seed"
QUERIES = (
    "养老保险交满多少年才能领退休金",
    "社會保險轉移",  # traditional characters
    "公积金",
    "营业执照网上怎么办",
    "社保",
    "停电",
    "a",
    "公司拖欠工资三个月老板不接电话",
)
PENSION = "养老保险交满多少年才能领退休金"


def answers(service: KnowledgeService, query: str) -> list[tuple[str, float, str, tuple[str, ...]]]:
    return [(h.article_id, h.score, h.snippet, h.why) for h in service.search(query)]


@pytest.fixture
def seeded(store: Store, clock: DrillClock) -> Store:
    seed_store(store, SEED, clock.now())
    return store


def restart(store: Store, folder: Path) -> KnowledgeService:
    """A new process's knowledge service over the same store and data folder."""
    service = KnowledgeService(store, IndexCache.for_store(folder, store.url))
    service.search("预热")
    service.wait_for_cache()
    return service


def test_every_index_attribute_is_kept() -> None:
    # a new attribute of SearchIndex must be added to the copy (and STATE_ATTRIBUTES)
    assert set(vars(SearchIndex())) == STATE_ATTRIBUTES


def test_a_copy_answers_exactly_like_the_built_index() -> None:
    seed = load_seed(SEED)
    synonyms = [("社保", "社会保险"), ("公积金", "住房公积金")]
    built = SearchIndex(seed.articles, synonyms)
    state = snapshot(built)
    assert state is not None
    copy = restore(marshal.loads(marshal.dumps(state)), synonyms)
    assert len(copy) == len(built) and copy.stats() == built.stats()
    for query in QUERIES:
        assert copy.search(query) == built.search(query), query
    # the copy takes edits like the original
    article = seed.articles[0]
    edited = type(article)(**{**article.__dict__, "question": "独一无二的测试问题甲乙丙丁"})
    for index in (built, copy):
        index.upsert(edited)
        assert index.search("独一无二的测试问题甲乙丙丁")[0].article_id == article.id
    assert copy.search("独一无二的测试问题甲乙丙丁") == built.search("独一无二的测试问题甲乙丙丁")
    for index in (built, copy):
        assert index.remove(article.id)
        assert article.id not in [h.article_id for h in index.search("独一无二的测试问题甲乙丙丁")]


def test_an_index_with_loose_edits_is_not_copied() -> None:
    seed = load_seed(SEED)
    index = SearchIndex(seed.articles)
    index.upsert(seed.articles[0])
    index.upsert(type(seed.articles[0])(**{**seed.articles[0].__dict__, "question": "改过"}))
    assert snapshot(index) is None


def test_restart_reads_the_copy_and_answers_the_same(seeded: Store, tmp_path: Path) -> None:
    first = restart(seeded, tmp_path)
    assert not first.loaded_from_cache
    assert cache_path(tmp_path, seeded.url).is_file()
    second = restart(seeded, tmp_path)
    assert second.loaded_from_cache
    for query in QUERIES:
        assert answers(second, query) == answers(first, query), query
    # routing and duplicate detection are built at their first use, from the same articles
    assert second.suggest_units("公司拖欠工资三个月", "社会管理", "株洲市")[0].unit_id == "hn-rst"
    assert second.unit_names() == first.unit_names()


def test_each_store_has_its_own_copy(tmp_path: Path) -> None:
    assert cache_path(tmp_path, "sqlite:///a.db") != cache_path(tmp_path, "sqlite:///b.db")
    assert cache_path(tmp_path, "sqlite:///a.db").parent == tmp_path / "cache"


def test_r_kb_import_edit_seen_after_restart(
    seeded: Store, tmp_path: Path, clock: DrillClock
) -> None:
    restart(seeded, tmp_path)
    hit = restart(seeded, tmp_path).search(PENSION)[0]
    record = (
        f'[[article]]\nid = "{hit.article_id}"\nunit = "{hit.unit_id}"\n'
        'question = "独一无二的测试问题甲乙丙丁"\nanswer = "改过的答案：戊己庚辛。"\n'
        'domain = "社会管理"\neffective = 2026-01-01\nreview_by = 2027-01-01\n'
    )
    report = import_articles(seeded, record.encode(), "toml", clock.now(), name="edit.toml")
    assert report.updated == 1
    after = restart(seeded, tmp_path)
    assert not after.loaded_from_cache  # the import changed the content version
    found = after.search("独一无二的测试问题甲乙丙丁")
    assert found and found[0].article_id == hit.article_id
    assert "戊己庚辛" in found[0].snippet
    assert restart(seeded, tmp_path).loaded_from_cache  # … and the new copy is used next


def test_r_kb_edit_under_a_frozen_clock_seen_after_restart(
    seeded: Store, tmp_path: Path, clock: DrillClock
) -> None:
    # a drill clock stamps the edit with the very moment the seed was stamped: the content
    # version is unchanged, and the articles stamped near the newest are read again
    restart(seeded, tmp_path)
    article = restart(seeded, tmp_path).search(PENSION)[0].article_id
    with seeded.write() as s:
        s.execute(
            update(ArticleRow)
            .where(ArticleRow.id == article)
            .values(question="独一无二的测试问题甲乙丙丁", updated_at=clock.now())
        )
    after = restart(seeded, tmp_path)
    assert after.loaded_from_cache
    assert after.search("独一无二的测试问题甲乙丙丁")[0].article_id == article


def test_r_kb_removed_and_added_articles_after_restart(
    seeded: Store, tmp_path: Path, clock: DrillClock
) -> None:
    before = restart(seeded, tmp_path)
    gone = before.search(PENSION)[0].article_id
    with seeded.write() as s:
        s.execute(delete(ArticleRow).where(ArticleRow.id == gone))
    after = restart(seeded, tmp_path)
    assert not after.loaded_from_cache
    assert gone not in [h.article_id for h in after.search(PENSION)]
    record = (
        '[[article]]\nid = "test-new-1"\nunit = "hn-rst"\n'
        'question = "新加的知识条目壬癸子丑"\nanswer = "答案。"\n'
        'domain = "社会管理"\neffective = 2026-01-01\nreview_by = 2027-01-01\n'
    )
    assert import_articles(seeded, record.encode(), "toml", clock.now()).added == 1
    assert restart(seeded, tmp_path).search("新加的知识条目壬癸子丑")[0].article_id == "test-new-1"


@pytest.mark.parametrize(
    "damage",
    ["truncated", "flipped", "garbage", "empty", "header only", "foreign body", "directory"],
)
def test_a_damaged_copy_is_rebuilt_without_a_crash(
    seeded: Store, tmp_path: Path, damage: str
) -> None:
    expected = answers(restart(seeded, tmp_path), PENSION)
    path = cache_path(tmp_path, seeded.url)
    data = path.read_bytes()
    header_end = data.index(b"\n") + 1
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        at = header_end + (len(data) - header_end) // 2
        path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :])
    elif damage == "garbage":
        path.write_bytes(b"\x00\xff" * 1000)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "header only":
        path.write_bytes(data[:header_end])
    elif damage == "foreign body":
        # a well-formed file whose body is not an index (right key, right CRC)
        import zlib

        body = marshal.dumps({"records": "nonsense"})
        fields = data[:header_end].split()
        fields[3], fields[4] = str(zlib.crc32(body)).encode(), str(len(body)).encode()
        path.write_bytes(b" ".join(fields) + b"\n" + body)
    else:
        path.unlink()
        path.mkdir()
    again = restart(seeded, tmp_path)
    assert not again.loaded_from_cache
    assert answers(again, PENSION) == expected
    if damage != "directory":
        assert restart(seeded, tmp_path).loaded_from_cache  # rewritten whole


def test_changed_code_does_not_read_an_old_copy(
    seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    restart(seeded, tmp_path)
    assert restart(seeded, tmp_path).loaded_from_cache
    monkeypatch.setattr(index_cache, "code_version", lambda: "another build of the console")
    assert not restart(seeded, tmp_path).loaded_from_cache


def test_an_unwritable_folder_only_costs_the_rebuild(seeded: Store, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    service = restart(seeded, blocker)  # the cache folder cannot be made under a file
    assert service.search(PENSION) and not service.loaded_from_cache
    assert IndexCache(blocker / "cache" / "x.idx").save("k", SearchIndex()) is False


def test_a_start_without_a_cache_writes_nothing(seeded: Store, tmp_path: Path) -> None:
    service = KnowledgeService(seeded)
    assert service.search(PENSION)
    assert not (tmp_path / "cache").exists()


def test_the_console_start_keeps_a_copy_in_the_data_folder(tmp_path: Path) -> None:
    from console.config import Settings, default_db_url
    from console.launch import open_platform_for

    settings = Settings(db_url=default_db_url(tmp_path), now="2026-11-25 09:00", data_dir=tmp_path)
    platform = open_platform_for(settings)
    try:
        platform.knowledge.warm()
        platform.knowledge.wait_for_cache()
        assert cache_path(tmp_path, settings.db_url).is_file()
    finally:
        platform.store.dispose()
    again = open_platform_for(settings)
    try:
        assert again.knowledge.search(PENSION)[0].unit_id == "hn-rst"
        assert again.knowledge.loaded_from_cache
    finally:
        again.store.dispose()


def test_stamps_as_stored_make_the_key(seeded: Store) -> None:
    now = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)
    one = index_cache.content_key([("a", now), ("b", now)])
    assert one == index_cache.content_key([("b", now), ("a", now)])  # order does not matter
    assert one != index_cache.content_key([("a", now)])
    assert one != index_cache.content_key([("a", now), ("b", now + dt.timedelta(microseconds=1))])
