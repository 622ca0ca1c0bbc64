"""Answers before the platform opens: the saved search index of the embedded store, read with
sqlite3 alone, answers exactly as the service does — or not at all when the copy is stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from console.config import Settings, default_db_url
from console.launch import early_search_for, open_platform_for
from console.services.knowledge.early import embedded_path, open_early_search
from console.services.knowledge.kb_files import import_articles
from tests.conftest import REPO

QUERIES = ("养老保险交满多少年才能领退休金", "社會保險轉移", "公积金", "营业执照网上怎么办", "停电")


def first_start(folder: Path) -> Settings:
    """A seat's first start on the real clock: store created and seeded, index copy written."""
    settings = Settings(db_url=default_db_url(folder), data_dir=folder)
    platform = open_platform_for(settings)
    try:
        platform.knowledge.warm()
        platform.knowledge.wait_for_cache()
    finally:
        platform.store.dispose()
    return settings


def test_early_answers_are_the_platforms_answers(tmp_path: Path) -> None:
    settings = first_start(tmp_path)
    early = early_search_for(settings)
    assert early is not None
    platform = open_platform_for(settings)
    try:
        for query in QUERIES:
            assert list(early.search_kb(query, limit=8)) == platform.knowledge.search(
                query, limit=8
            ), query
        assert list(early.search_kb("社保", domain="社会管理", unit="hn-rst")) == (
            platform.knowledge.search("社保", domain="社会管理", unit="hn-rst")
        )
    finally:
        platform.store.dispose()


def test_r_kb_an_edited_article_turns_early_answers_off(tmp_path: Path) -> None:
    settings = first_start(tmp_path)
    platform = open_platform_for(settings)
    try:
        hit = platform.knowledge.search(QUERIES[0])[0]
        record = (
            f'[[article]]\nid = "{hit.article_id}"\nunit = "{hit.unit_id}"\n'
            'question = "改过的问题"\nanswer = "改过的答案。"\n'
            'domain = "社会管理"\neffective = 2026-01-01\nreview_by = 2027-01-01\n'
        )
        import_articles(platform.store, record.encode(), "toml", platform.clock.now(), name="e")
    finally:
        platform.store.dispose()
    assert early_search_for(settings) is None  # the copy no longer matches the store


def test_no_early_answers_where_they_could_mislead(tmp_path: Path) -> None:
    settings = first_start(tmp_path)
    frozen = Settings(db_url=settings.db_url, data_dir=tmp_path, now="2026-11-25 09:00")
    assert early_search_for(frozen) is None  # a frozen drill clock: edits keep their stamps
    assert open_early_search(tmp_path, "postgresql+psycopg://u@h/db") is None
    assert open_early_search(tmp_path, default_db_url(tmp_path / "none")) is None
    for copy in (tmp_path / "cache").iterdir():
        copy.write_bytes(b"damaged")
    assert early_search_for(settings) is None
    assert embedded_path("sqlite:///:memory:") is None
    assert embedded_path("sqlite:////data/h.db?mode=ro") == Path("/data/h.db")


def test_early_answers_load_neither_sqlalchemy_nor_textual(tmp_path: Path) -> None:
    """Nor what costs a tenth of a second on the way to the first answers: pkg_resources
    (zhconv imports it to find its table when it can) and importlib.metadata — a question in
    traditional characters included."""
    settings = first_start(tmp_path)
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from console.services.knowledge.early import open_early_search\n"
        f"e = open_early_search(Path({str(tmp_path)!r}), {settings.db_url!r})\n"
        "assert e is not None and e.search_kb('公积金') and e.search_kb('住房公積金怎麼提取')\n"
        "heavy = ('sqlalchemy', 'textual', 'pkg_resources', 'importlib.metadata')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.anyio
async def test_the_intake_shows_answers_while_the_platform_opens(tmp_path: Path) -> None:
    import threading

    from textual.widgets import TextArea

    from console.app import HotlineApp
    from console.services.values import Role
    from console.services.views import Actor
    from console.widgets.answer_list import AnswerList
    from tests.screens.conftest import wait_for

    settings = first_start(tmp_path)
    opening = threading.Event()

    def slow_opener():  # the platform opens only when the test lets it
        opening.wait(20)
        return open_platform_for(settings)

    app = HotlineApp(
        None,
        settings,
        opener=slow_opener,
        early_search=lambda: early_search_for(settings),
        actor=Actor(seat="s1", name="话务员甲", role=Role.OPERATOR),
        cursor_blink=False,
    )
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.early_search is not None, what="early search")
            app.screen.query_one("#text", TextArea).insert("公积金怎么提取")
            answers = app.screen.query_one(AnswerList)
            await wait_for(pilot, lambda: bool(answers.hits), what="early answers")
            assert app.backend is None and answers.query_text == "公积金怎么提取"
            early = [h.article_id for h in answers.hits]
            opening.set()
            await wait_for(pilot, lambda: app.backend is not None, what="platform")
            assert app.early_search is None  # the platform's own search from now on
            await wait_for(pilot, lambda: answers.hits, what="answers")
            assert [h.article_id for h in answers.hits] == early
    finally:
        opening.set()
        if app.platform is not None:
            app.platform.store.dispose()  # type: ignore[attr-defined]
