"""Knowledge search (console.services.knowledge.search): matching, ranking, edits, spans."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import pytest
import zhconv
from hypothesis import given, settings
from hypothesis import strategies as st

from console.errors import InputError
from console.services.knowledge import text as text_module
from console.services.knowledge.search import SearchHit, SearchIndex
from console.services.knowledge.seed import ArticleRecord, load_seed
from console.services.knowledge.text import normalize, normalize_many, normalize_with_offsets
from console.services.values import Domain

REPO = Path(__file__).resolve().parents[2]
SYNONYMS = (
    ("社保", "社会保险"),
    ("公积金", "住房公积金"),
    ("退休金", "养老金"),
)


def art(
    id: str,
    question: str,
    answer: str = "请按当地经办机构的要求办理。",
    *,
    unit: str = "hn-rst",
    alts: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    domain: Domain = Domain.PUBLIC_SERVICE,
    basis: str = "",
) -> ArticleRecord:
    return ArticleRecord(
        id=id,
        unit_id=unit,
        question=question,
        alt_questions=alts,
        answer=answer,
        basis=basis,
        domain=domain,
        tags=tags,
        enterprise=False,
        effective=dt.date(2025, 1, 1),
        review_by=dt.date(2027, 12, 31),
        status="draft",
    )


CORPUS = (
    art(
        "pension-years",
        "养老保险要交满多少年才能按月领退休金？",
        "参加职工基本养老保险的人员，达到法定退休年龄时累计缴费满15年的，可以按月领取基本养老金。",
        alts=("社保交够几年能拿养老金",),
        tags=("养老保险", "退休"),
    ),
    art(
        "insurance-transfer",
        "换城市工作了，社会保险关系怎么转移？",
        "跨省流动就业的，基本养老保险关系随本人转移，缴费年限累计计算。",
        tags=("社保转移",),
    ),
    art(
        "fund-withdraw",
        "住房公积金提取需要什么材料？",
        "购房、租房、退休等情形可以申请提取住房公积金，凭身份证件和相关证明办理。",
        unit="hn-gjj",
        tags=("公积金提取",),
    ),
    art(
        "fund-loan",
        "公积金贷款最多能贷多少？",
        "贷款额度与缴存余额、缴存时间和还款能力有关，以当地公积金中心公布为准。",
        unit="hn-gjj",
        tags=("公积金贷款",),
    ),
    art(
        "wage-arrears",
        "公司拖欠工资好几个月了，到哪里投诉？",
        "可以向用工所在地人力资源社会保障部门劳动保障监察机构投诉，也可以申请劳动仲裁。",
        tags=("欠薪",),
        domain=Domain.SOCIAL_MANAGEMENT,
    ),
    art(
        "id-card",
        "身份证丢了怎么补办？",
        "可以到户籍所在地或居住地公安机关户政窗口申请补领，跨省通办。",
        unit="hn-gat",
        domain=Domain.SOCIAL_MANAGEMENT,
        tags=("身份证",),
    ),
    art(
        "markup",
        "标题带[bold]方括号[/bold]的条目怎么显示？",
        "原样显示[bold]不解析[/，也不会[red]变色。",
        unit="hn-zwj",
        tags=("[/",),
    ),
)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(CORPUS, SYNONYMS)


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.article_id for h in hits]


def test_exact_question_ranks_first(index: SearchIndex) -> None:
    assert ids(index.search("身份证丢了怎么补办"))[0] == "id-card"
    assert ids(index.search("公积金贷款"))[0] == "fund-loan"


def test_traditional_query_matches_simplified_article(index: SearchIndex) -> None:
    assert ids(index.search("養老保險要交滿多少年"))[0] == "pension-years"
    assert ids(index.search("身份證丟了"))[0] == "id-card"


def test_full_width_and_punctuation_are_folded(index: SearchIndex) -> None:
    assert ids(index.search("ＡＢＣ，身份证！！丢了"))[0] == "id-card"


@pytest.mark.parametrize(
    ("query", "expected", "line"),
    [
        ("社保怎么转移", "insurance-transfer", "同义词：社保→社会保险"),
        ("社会保险交够几年", "pension-years", None),
        ("住房公积金贷款", "fund-loan", None),
    ],
)
def test_synonyms_work_both_ways(
    index: SearchIndex, query: str, expected: str, line: str | None
) -> None:
    hits = index.search(query)
    assert ids(hits)[0] == expected
    if line is not None:
        assert line in hits[0].why


def test_synonym_highlights_the_article_word(index: SearchIndex) -> None:
    hit = index.search("社保怎么转移")[0]
    marked = [hit.question[s:e] for s, e in hit.highlights.question]
    assert "社会保险" in marked


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("公积提取", "fund-withdraw"),  # missing character
        ("公积金提取材枓", "fund-withdraw"),  # mistyped character
        ("身分证丢了", "id-card"),  # homophone typo
        ("公积金金贷款", "fund-loan"),  # doubled character
    ],
)
def test_a_typo_or_a_missing_character_still_finds(
    index: SearchIndex, query: str, expected: str
) -> None:
    assert ids(index.search(query))[0] == expected


def test_typo_is_explained(index: SearchIndex) -> None:
    hit = index.search("公积提取")[0]
    assert "容错匹配（错字、漏字）" in hit.why


def test_rambling_speech_ranks_the_right_article(index: SearchIndex) -> None:
    speech = (
        "喂你好，我想问一下啊，就是我那个社保吧交了十几年了，现在快退休了，能不能按月领退休金啊"
    )
    assert ids(index.search(speech))[0] == "pension-years"


def test_single_character_and_prefixes_find_something(index: SearchIndex) -> None:
    assert "id-card" in ids(index.search("身"))
    for i in range(1, len("公积金提取") + 1):
        assert index.search("公积金提取"[:i]), "公积金提取"[:i]


def test_filters_by_unit_and_domain(index: SearchIndex) -> None:
    assert set(ids(index.search("公积金", unit="hn-gjj"))) == {"fund-withdraw", "fund-loan"}
    assert index.search("公积金", unit="hn-gat") == []
    assert index.search("公积金", unit="no-such-unit") == []
    assert set(ids(index.search("补办 投诉", unit=["hn-gat", "hn-rst"]))) <= {
        "id-card",
        "wage-arrears",
        "pension-years",
        "insurance-transfer",
    }
    social = ids(index.search("投诉 补办 身份证 工资", domain=Domain.SOCIAL_MANAGEMENT))
    assert set(social) == {"id-card", "wage-arrears"}
    assert ids(index.search("投诉 补办 身份证 工资", domain="社会管理")) == social
    assert ids(index.search("投诉 补办 身份证 工资", domain="social_management")) == social
    with pytest.raises(InputError):
        index.search("身份证", domain="不存在的领域")


def test_limit_and_empty_queries(index: SearchIndex) -> None:
    assert len(index.search("的", limit=2)) <= 2
    assert index.search("") == []
    assert index.search("，。！ ") == []
    assert index.search("身份证", limit=0) == []
    assert index.search("𠀀𠀁") == []  # characters no article has


def test_ranking_prefers_question_over_answer_and_tags_over_answer() -> None:
    corpus = [
        art("in-question", "失业金怎么领取？", "按规定办理。"),
        art("in-answer", "离职以后有什么待遇？", "符合条件的可以领取失业金，按月发放。"),
        art("in-tags", "离职后的生活补助", "按规定办理。", tags=("失业金",)),
        art("unrelated", "驾驶证怎么换领？", "到车管所办理。"),
    ]
    order = ids(SearchIndex(corpus).search("失业金"))
    assert order[:3] == ["in-question", "in-tags", "in-answer"]
    assert "unrelated" not in order


def test_common_words_weigh_less_than_rare_ones() -> None:
    corpus = [art(f"filler-{i}", f"我想问一下第{i}个问题怎么办") for i in range(30)]
    corpus.append(art("rare", "电梯年检怎么办", "向市场监管部门咨询。"))
    hits = SearchIndex(corpus).search("我想问一下电梯年检")
    assert hits[0].article_id == "rare"


def test_incremental_upsert_and_remove_are_visible_to_the_next_query() -> None:
    index = SearchIndex(CORPUS, SYNONYMS)
    assert index.search("无人机") == []
    index.upsert(art("drone", "无人机飞行需要报备吗？", "请向空管部门咨询。", unit="hn-gat"))
    assert ids(index.search("无人机"))[0] == "drone"
    assert "drone" in index and len(index) == len(CORPUS) + 1

    index.upsert(art("drone", "航拍飞行器要登记吗？", "请向空管部门咨询。", unit="hn-gat"))
    assert "drone" not in ids(index.search("无人机"))
    assert ids(index.search("航拍飞行器"))[0] == "drone"
    assert index.get("drone") is not None and index.get("drone").question.startswith("航拍")

    assert index.remove("drone") is True
    assert index.remove("drone") is False
    assert "drone" not in ids(index.search("航拍飞行器"))
    assert index.remove("id-card") is True  # an article of the bulk segment
    assert "id-card" not in ids(index.search("身份证丢了怎么补办"))
    assert len(index) == len(CORPUS) - 1


def test_many_edits_freeze_segments_and_compact_keeps_answers() -> None:
    rng = random.Random(7)
    index = SearchIndex(CORPUS, SYNONYMS)
    words = "东南西北上下左右前后春夏秋冬金木水火土"
    edited: dict[str, str] = {}
    for n in range(700):  # enough to freeze and merge several segments
        article_id = f"edit-{n % 300}"
        question = "".join(rng.choice(words) for _ in range(6)) + f"第{n}号事项"
        edited[article_id] = question
        index.upsert(art(article_id, question, "按规定办理。", unit="hn-zwj"))
    index.upsert(dataclasses.replace(CORPUS[0], question="养老保险缴费年限是多少？"))
    index.remove("edit-5")
    del edited["edit-5"]
    assert index.stats().segments >= 2

    def check() -> None:
        assert len(index) == len(CORPUS) + len(edited)
        for article_id, question in list(edited.items())[::37]:
            assert ids(index.search(question, limit=3))[0] == article_id
        assert ids(index.search("养老保险缴费年限"))[0] == "pension-years"
        assert "edit-5" not in index

    check()
    index.compact()
    assert index.stats().segments == 1
    check()


def test_highlight_spans_point_at_the_matched_characters(index: SearchIndex) -> None:
    hit = index.search("公积金提取")[0]
    assert hit.article_id == "fund-withdraw"
    marked = [hit.question[s:e] for s, e in hit.highlights.question]
    assert marked == ["住房公积金提取"]  # 住房公积金 is a synonym of 公积金
    snippet_marks = [hit.snippet[s:e] for s, e in hit.highlights.snippet]
    assert any("公积金" in m for m in snippet_marks)
    for text, spans in (
        (hit.question, hit.highlights.question),
        (hit.snippet, hit.highlights.snippet),
    ):
        for s, e in spans:
            assert 0 <= s < e <= len(text)


def test_highlight_spans_skip_punctuation_and_map_traditional_text() -> None:
    index = SearchIndex([art("a", "社會保險，養老保險怎麼轉移？")])
    hit = index.search("险养老保险")[0]
    marked = [hit.question[s:e] for s, e in hit.highlights.question]
    # 险养 spans the comma in the folded text, but no span covers the comma itself
    assert marked == ["保險", "養老保險"]


def test_why_is_never_empty(index: SearchIndex) -> None:
    for query in ("社保", "退", "公积提取", "我想问一下工资的事情", "材料"):
        for hit in index.search(query):
            assert hit.why and all(isinstance(line, str) and line for line in hit.why)
    assert "问题含「身份证」" in index.search("身份证")[0].why[0]
    assert "标签：欠薪" in index.search("欠薪")[0].why


def test_markup_like_text_comes_back_verbatim(index: SearchIndex) -> None:
    hit = index.search("方括号的条目")[0]
    assert hit.article_id == "markup"
    assert hit.question == "标题带[bold]方括号[/bold]的条目怎么显示？"
    assert hit.snippet == "原样显示[bold]不解析[/，也不会[red]变色。"
    assert [hit.question[s:e] for s, e in hit.highlights.question] == ["方括号", "的条目"]
    typed = index.search("[bold]方括号[/")[0]
    assert typed.article_id == "markup"
    assert "bold" in [typed.question[s:e] for s, e in typed.highlights.question]
    assert index.search("[/") == []  # nothing left to match once punctuation is folded away


def test_hits_are_plain_frozen_values(index: SearchIndex) -> None:
    hit = index.search("身份证")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.score = 0  # type: ignore[misc]
    assert hit.status == "draft" and hit.domain is Domain.SOCIAL_MANAGEMENT
    assert hit.unit_id == "hn-gat"


def test_snippet_is_one_line_and_cut_around_the_match() -> None:
    answer = (
        "开头的说明。" * 30 + "\n关键内容：电梯年检由特种设备检验机构负责。\n" + "结尾的说明。" * 30
    )
    hit = SearchIndex([art("long", "电梯的事", answer)]).search("电梯年检")[0]
    assert "\n" not in hit.snippet
    assert "电梯年检" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert any(hit.snippet[s:e] == "电梯年检" for s, e in hit.highlights.snippet)


def test_duplicate_ids_keep_the_last_record() -> None:
    first = art("same", "旧问题？")
    second = art("same", "新问题？")
    index = SearchIndex([first, second])
    assert len(index) == 1
    assert ids(index.search("新问题")) == ["same"]
    assert index.search("旧问题") == [] or ids(index.search("旧问题")) == ["same"]


def test_empty_index() -> None:
    index = SearchIndex()
    assert index.search("社保") == []
    index.upsert(art("x", "社保卡怎么办？"))
    assert ids(index.search("社保卡")) == ["x"]


# ---------------------------------------------------------------- text folding helpers

_ALPHABET = (
    "社会保险养老公积金提取身份证丢了补办的一是不"  # simplified
    "會險養證麼國後發乾著於覆藉"  # traditional and phrase-dependent
    "行政總裁保障著計程車幺么九"  # phrase conversions
    "ＡＢＣａｂ１２３，。！？（）…①⑩㈱ﬁ"  # full width and compatibility forms
    "aZ9_ \n\t-[]/"  # ASCII
    "e\u0301\u0301ΣσİḀ가\u1100\u1161\u11a8"  # combining marks, sigma, Hangul jamo
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=40), min_size=64, max_size=120))
def test_normalize_many_equals_normalize(texts: list[str]) -> None:
    assert text_module._bulk_tables() is not None  # built: the bulk path is taken
    assert normalize_many(texts) == [normalize(t) for t in texts]


def test_normalize_many_on_the_real_seed() -> None:
    seed = load_seed(REPO / "knowledge_seed")
    texts = [t for a in seed.articles for t in (a.question, a.answer, a.basis, *a.tags)]
    texts += [zhconv.convert(t, "zh-tw") for t in texts]
    assert normalize_many(texts) == [normalize(t) for t in texts]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_ALPHABET + "干幹乾隆台臺颱面麵發髮里裡", max_size=60))
def test_to_simplified_equals_zhconv(text: str) -> None:
    """The character-by-character path is taken only where zhconv's phrase walk would give
    the same text."""
    text_module.to_simplified.cache_clear()
    assert text_module.to_simplified(text) == zhconv.convert(text, "zh-cn")


def test_to_simplified_equals_zhconv_on_the_real_seed() -> None:
    seed = load_seed(REPO / "knowledge_seed")
    texts = [t for a in seed.articles for t in (a.question, a.answer, a.basis)]
    for t in (
        texts
        + [zhconv.convert(t, "zh-tw") for t in texts]
        + [zhconv.convert(t, "zh-hk") for t in texts]
    ):
        assert text_module.to_simplified(t) == zhconv.convert(t, "zh-cn")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_normalize_with_offsets_points_into_the_original(text: str) -> None:
    folded, origin = normalize_with_offsets(text)
    assert len(folded) == len(origin)
    assert list(origin) == sorted(origin)
    assert all(0 <= o < len(text) for o in origin)
    if not any(c in text for c in "\u0301İ①⑩㈱ﬁ…\u1161\u11a8"):
        assert folded == normalize(text)


def test_upserting_an_unchanged_record_costs_nothing() -> None:
    index = SearchIndex(CORPUS, SYNONYMS)
    before = index.stats()
    for article in CORPUS:
        index.upsert(article)  # a store sync re-reading the same rows
    assert index.stats() == before
    index.upsert(dataclasses.replace(CORPUS[0], tags=("养老保险",)))
    assert index.stats().loose_articles == 1


def test_the_same_query_ranks_the_same_in_every_process() -> None:
    """Two members of one synonym group as long (社保 / 医保 style) in one query: the member
    mentioned first is the one the query used, whatever the process's string hashing — a seat
    and the server, or two seats, rank the same words the same (it followed a set's order)."""
    import os
    import subprocess
    import sys

    code = (
        "from console.services.knowledge.search_synonyms import Synonyms\n"
        "s = Synonyms([('甲乙', '丙丁', '戊己庚')])\n"
        "print(s.find('丙丁和甲乙')[0].member, s.find('甲乙和丙丁')[0].member)\n"
    )
    seen = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.split()
        seen.add(tuple(out))
    assert seen == {("丙丁", "甲乙")}
