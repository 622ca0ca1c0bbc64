"""How a routing suggestion is put together (R-DISPATCH): what the seed teaches the model, the
votes of the catalogue, the history and the domain the operator chose, the shares a seat sees,
the reasons beside each suggestion, and the domain (R-DOMAIN) suggested from them. Each figure
is worked out by hand in the test."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from console.services.knowledge.catalogue import CITY_SELF, Catalogue
from console.services.knowledge.reading import read
from console.services.knowledge.routing import (
    DomainSuggestion,
    HistoryMemory,
    Router,
    _clip,
    seed_examples,
)
from console.services.knowledge.routing_model import Example
from console.services.knowledge.seed import ArticleRecord, Seed
from console.services.values import Domain
from tests.services.test_routing import SEED, FixedModel, matter, unit
from tests.services.test_routing_memory import oracle_cosine


def bare(seed: Seed = SEED, model: FixedModel | None = None) -> Router:
    """A router with no model unless one is given, and an empty memory."""
    return Router(Catalogue(seed.units, seed.bureaus, seed.matters), model)


def article(aid: str, unit_id: str, matter: str) -> ArticleRecord:
    return ArticleRecord(
        id=aid, unit_id=unit_id, question=f"问题{aid}", alt_questions=(f"另问{aid}",),
        answer="答", basis="《某条例》", domain=Domain.PUBLIC_SERVICE, tags=(f"标签{aid}",),
        enterprise=False, effective=dt.date(2026, 1, 1), review_by=dt.date(2027, 1, 1),
        status="published", matter=matter,
    )  # fmt: skip


def test_r_dispatch_what_the_seed_teaches_the_model() -> None:
    """Each matter type its name and description (weight 2) and each of its terms (0.5) for
    its owner; each duty of a bureau (1) for the bureau's target, of a unit (1) for the unit —
    a city's office for the city's own target 市优化办; each keyword (0.3) of a provincial unit,
    none of a city's (its place names route by place, not by matter); each article its
    questions and tags (1), for the owner of its matter type, else for its unit's target, and
    none for an unknown unit. 5 + 16 + 4 + 8 + 8 + 3 = 44 examples."""
    seed = dataclasses.replace(
        SEED,
        articles=(
            article("a1", "hn-rst", "food"),  # the matter type decides: 市场监管
            article("a2", "hn-rst", ""),
            article("a3", "cs-yhb", ""),
            article("a4", "nobody", ""),
        ),
    )
    out = seed_examples(seed)
    assert len(out) == 44
    for example in (
        Example("劳动保障监察。拖欠工资、讨薪", "hn-rst", 2.0, "catalogue"),
        Example("欠薪", "hn-rst", 0.5, "catalogue"),
        Example("路灯、井盖、市政设施维护", "city:cgj", 1.0, "catalogue"),
        Example("养老保险参保、缴费、待遇政策", "hn-rst", 1.0, "catalogue"),
        Example(
            "政府部门拖欠企业账款、招商引资承诺不兑现等政务失信问题", CITY_SELF, 1.0, "catalogue"
        ),
        Example("社保", "hn-rst", 0.3, "catalogue"),
        Example("问题a1。另问a1。标签a1", "hn-scjgj", 1.0, "article"),
        Example("问题a2。另问a2。标签a2", "hn-rst", 1.0, "article"),
        Example("问题a3。另问a3。标签a3", CITY_SELF, 1.0, "article"),
    ):
        assert example in out, example
    assert not any(e.text in ("株洲", "长沙市", "优化办") for e in out)  # no city keyword
    assert not any("a4" in e.text for e in out)


def test_r_dispatch_from_seed_learns_the_history_fits_it_and_keeps_a_given_model() -> None:
    history = [
        ("t1", "路灯坏了好几天", "city:cgj"),
        ("t2", "公交站点的路灯", "city:jtj"),
        ("t3", "路灯不亮，公交站点也取消了，超市还卖过期食品", "city:jtj"),
    ]
    model = FixedModel({"city:cgj": 0.5, "city:jtj": 0.5}, examples=5000)
    r = Router.from_seed(SEED, history, model=model)
    assert r.model is model
    assert len(r.memory) == 3 and r.memory.target_of("t2") == "city:jtj"
    assert r.memory.matters_of("t1") == frozenset({"light"})
    assert r.memory.matters_of("t3") == frozenset({"bus", "food"})  # the first two named
    # fitted over the three tickets: 路灯 is in all, so it weighs less than the rest
    (key, _, sim), *_ = r.memory.nearest("路灯坏了", 1)
    folded = [text for _, text, _ in history[:2]] + ["路灯不亮公交站点也取消了超市还卖过期食品"]
    assert key == "t1" and sim == pytest.approx(oracle_cosine("路灯坏了", folded[0], folded))
    assert Router.from_seed(SEED, history, train_model=False).model is None


@pytest.mark.parametrize("domain", [Domain.PUBLIC_SERVICE, "public_service", "公共服务"])
def test_r_dispatch_the_domain_the_operator_chose_votes_for_its_targets(
    domain: Domain | str,
) -> None:
    """公共服务: the owners of its matter types (路灯 → 城管, 公交 → 交通运输) and the provincial
    units serving it (人社厅), each 0.05, times 0.1 as no matter term names them. A city's
    office serving the domain would not be one (it routes by place)."""
    r = bare()
    assert r.target_scores("随便说说", domain=domain) == pytest.approx(
        {"city:cgj": 0.005, "city:jtj": 0.005, "hn-rst": 0.005}
    )
    assert r.target_scores("随便说说", domain=Domain.MARKET_REGULATION) == pytest.approx(
        {"hn-scjgj": 0.005}
    )
    for nothing in (None, "", "no-such-domain"):
        assert r.target_scores("随便说说", domain=nothing) == {}
    # equal scores: in the order of the targets' names
    assert [s.target for s in r.suggest("随便说说", domain=domain)] == [
        "city:cgj", "city:jtj", "hn-rst",
    ]  # fmt: skip


def test_r_dispatch_the_first_three_matters_named_vote_by_rank() -> None:
    """公交 (named most), 过期食品, 拖欠工资 and 路灯: the first three vote 1, 1/2 and 1/3 for
    their owners — shares 6/11, 3/11, 2/11 — and the fourth not at all."""
    r = bare()
    text = "路灯不亮，公交站点也取消了，超市还卖过期食品，老板拖欠工资"
    reading = read(text, r.catalogue)
    assert reading.matter_ids == ("bus", "food", "wage", "light")
    assert r._term_votes(reading) == pytest.approx(
        {"city:jtj": 6 / 11, "hn-scjgj": 3 / 11, "hn-rst": 2 / 11}
    )
    assert r._term_votes(read("随便说说", r.catalogue)) == {}


def test_r_dispatch_the_opening_states_the_matter() -> None:
    """路灯 in the first 30 characters, 公交 (its 公 the 30th), 过期食品 and 拖欠工资 after them:
    the opening's matter votes 1, the whole request's first three a tenth of 1, 1/2, 1/3 —
    shares 60/71 for 路灯's owner, 6/71, 3/71, 2/71 — and the reason names 路灯's matter."""
    r = bare()
    text = (
        "路灯一直不亮已经有一个多月了，晚上出门很不方便，请尽快修。"  # 29 characters
        "公交站点也取消了，超市还卖过期食品，老板拖欠工资"  # 公交 across the opening's end
    )
    reading = read(text, r.catalogue)
    assert reading.matter_ids == ("bus", "food", "wage", "light")
    assert r._stated_matters(reading) == ("light", "bus", "food", "wage")
    assert r._term_votes(reading) == pytest.approx(
        {"city:cgj": 60 / 71, "city:jtj": 6 / 71, "hn-scjgj": 3 / 71, "hn-rst": 2 / 71}
    )
    best = r.suggest(text, place="长沙市", k=1)[0]
    assert best.target == "city:cgj"
    assert "事项：路灯" in best.reasons


def test_r_dispatch_the_reason_names_the_matter_the_opening_states() -> None:
    """The street lights' owner also owns 餐饮油烟, which the whole request names first (餐饮油烟
    is the longer term); the opening names 路灯, and the reason names 路灯."""
    smoke = matter("smoke", "餐饮油烟", "city:cgj", ("油烟", "餐饮油烟"), "饭店油烟扰民",
                   Domain.PUBLIC_SERVICE)  # fmt: skip
    r = bare(dataclasses.replace(SEED, matters=(*SEED.matters, smoke)))
    text = "路灯一直不亮已经有一个多月了，晚上出门很不方便，请尽快修。另外楼下餐饮油烟很大"
    assert read(text, r.catalogue).matter_ids == ("smoke", "light")
    best = r.suggest(text, place="长沙市", k=1)[0]
    assert (best.target, best.reasons[0]) == ("city:cgj", "事项：路灯")


NEIGHBOURS = [
    ("k1", "city:cgj", 0.9),
    ("k2", "city:cgj", 0.5),
    ("k3", "city:jtj", 0.45),
    ("k4", "hn-rst", 0.3),
    ("k5", "hn-rst", 0.29),
]


def test_r_dispatch_past_tickets_vote_by_how_similar_they_are() -> None:
    """Each neighbour at least 0.3 similar votes (similarity − 0.3): 城管 0.6 + 0.2 = 0.8, 交通
    0.15, 人社 0 (k5 is below 0.3), of 0.95 in all; a target's share is then scaled by its
    closest neighbour over 0.6, at most 1: 城管 0.8/0.95, 交通 0.15/0.95 × 0.75, 人社 0. In
    the scores (no model, no matter named) each share is the likelihood, times 0.1."""
    r = bare()
    reading = read("随便说说", r.catalogue)
    votes = {"city:cgj": 0.8 / 0.95, "city:jtj": 0.15 / 0.95 * 0.75, "hn-rst": 0.0}
    assert r._memory_votes("随便说说", reading, NEIGHBOURS) == pytest.approx(votes)
    scores = r.target_scores("随便说说", reading=reading, neighbours=NEIGHBOURS)
    assert scores == pytest.approx(
        {"city:cgj": votes["city:cgj"] * 0.1, "city:jtj": votes["city:jtj"] * 0.1, "hn-rst": 0.001}
    )  # 人社, with a share of 0, counts as a target named by nothing but votes: 0.01 × 0.1
    # nothing above 0.3 (all votes zero): no vote, and no division by zero
    assert r._memory_votes("随便说说", reading, [("k4", "hn-rst", 0.3)]) == {}


def test_r_dispatch_a_past_ticket_about_another_matter_type_does_not_vote() -> None:
    """Similar in words only: the request names 路灯, the past ticket 公交 and not 路灯."""
    r = bare()
    r.memory = HistoryMemory()
    r.memory.learn("bus", "路灯坏了", "city:jtj", matters=("bus",))
    r.memory.learn("light", "路灯坏了", "city:cgj", matters=("light", "bus"))
    r.memory.learn("none", "路灯坏了", "hn-rst", matters=())
    reading = read("路灯坏了", r.catalogue)
    near = [("bus", "city:jtj", 0.9), ("light", "city:cgj", 0.9), ("none", "hn-rst", 0.9)]
    assert set(r._memory_votes("路灯坏了", reading, near)) == {"city:cgj", "hn-rst"}
    # a request's first two matter types count: naming 公交, 食品 and then 路灯, the ticket
    # that names 路灯 alone is about another matter
    r.memory.learn("light only", "路灯坏了", "city:cgj", matters=("light",))
    three = read("路灯不亮，公交站点也取消了，超市还卖过期食品", r.catalogue)
    assert three.matter_ids == ("bus", "food", "light")
    assert r._memory_votes("…", three, [("light only", "city:cgj", 0.9)]) == {}


def test_r_dispatch_the_shares_a_seat_sees_sum_to_one() -> None:
    """Each suggestion's score is its share of all the targets' scores (rounded)."""
    model = FixedModel({"hn-rst": 0.5, "hn-scjgj": 0.3, "city:cgj": 0.2})
    r = bare(model=model)
    out = r.suggest("路灯坏了", place="长沙市", k=5)
    # 路灯 raises 城管 elevenfold: 0.2 × 1.1 = 0.22 against 0.05 and 0.03 (× 0.1)
    assert [s.target for s in out] == ["city:cgj", "hn-rst", "hn-scjgj"]
    assert [s.score for s in out] == [round(x / 0.30, 4) for x in (0.22, 0.05, 0.03)]
    assert bare().suggest("随便说说") == []  # nothing votes: no suggestion
    # each suggestion names the matter type its target owns among those the request names
    both = bare().suggest("公交站点旁的路灯不亮", place="长沙市", k=2)
    assert {(s.target, s.matter) for s in both} == {
        ("city:jtj", "公交线路与站点"), ("city:cgj", "路灯"),
    }  # fmt: skip


def test_r_dispatch_the_reasons_name_the_bureau_and_the_past_tickets() -> None:
    """A city bureau's target says the city's office forwards it; the city's own office
    (营商环境) does not. Past tickets count when at least 0.3 similar and of that target."""
    r = Router.from_seed(
        SEED,
        [
            ("p1", "小区门口的路灯坏了", "city:cgj"),
            ("p2", "小区门口的路灯坏了", "city:cgj"),
            ("p3", "小区门口的路灯坏了", "city:jtj"),
            ("p4", "路灯", "city:cgj"),
        ],
        train_model=False,
    )
    best = r.suggest("小区门口的路灯坏了", place="长沙市", k=1)[0]
    assert best.target == "city:cgj"
    assert "由属地优化办转市城市管理和综合执法局" in best.reasons
    assert "相似历史工单 2 件最终由此办理" in best.reasons
    assert "关键词：路灯" in best.reasons  # the request's word that is a term of 路灯
    # 公交 and 站点 are the request's words too, but terms of another matter type
    lamp = bare().suggest("公交站点旁的路灯不亮", place="长沙市", k=2)
    assert [x for s in lamp if s.target == "city:cgj" for x in s.reasons if "关键词" in x] == [
        "关键词：路灯"
    ]
    # the twelve nearest past tickets are read: thirteen alike count as twelve
    many = Router.from_seed(
        SEED, [(f"q{i}", "小区门口的路灯坏了", "city:cgj") for i in range(13)], train_model=False
    )
    assert "相似历史工单 12 件最终由此办理" in many.suggest("小区门口的路灯坏了", k=1)[0].reasons
    own = r.suggest("招商承诺不兑现，部门推诿", place="长沙市", k=1)[0]
    assert own.target == CITY_SELF and not any(x.startswith("由属地优化办转") for x in own.reasons)
    # the city unknown: the bureau is named, the office is not yet
    nowhere = r.suggest("小区门口的路灯坏了", k=1)[0]
    assert (nowhere.unit_id, nowhere.unit_name, nowhere.bureau) == (
        "", "市城市管理和综合执法局（属地待定）", "市城市管理和综合执法局",
    )  # fmt: skip
    assert r.suggest("招商承诺不兑现，部门推诿", k=1)[0].bureau == ""


class SpeakingModel(FixedModel):
    """A fixed model whose deciding character pairs are given."""

    def __init__(self, probabilities: dict[str, float], grams: list[str]) -> None:
        super().__init__(probabilities)
        self.grams = grams

    def evidence(self, text: str, target: str, k: int = 3) -> list[str]:
        return list(self.grams)


def test_r_dispatch_the_keywords_shown_are_four_distinct_words() -> None:
    """The model's deciding pairs, as words (``_spoken``), after the request's own matter terms:
    a word already shown, or inside one shown (工资 in 拖欠工资), is not shown again; four at
    most."""
    grams = ["拖欠工资", "工资", "欠薪", "拖欠工资", "社保", "养老保险", "过期"]
    r = bare(model=SpeakingModel({"hn-rst": 0.9, "hn-scjgj": 0.1}, grams))
    best = r.suggest("社保没交", k=1)[0]
    assert best.target == "hn-rst"
    assert "关键词：拖欠工资、欠薪、社保、养老保险" in best.reasons


def test_r_dispatch_a_reason_speaks_in_words_the_catalogue_knows() -> None:
    """A deciding character pair is shown as a word the catalogue knows (a matter's name or
    term, a unit's keyword, two characters or more), or as the request's word holding it; a
    pair across two words says nothing."""
    r = bare()
    assert r._spoken("路灯", ()) == "路灯"  # a matter term
    assert r._spoken("社保", ()) == "社保"  # a provincial unit's keyword only
    assert r._spoken("灯坏", ("路灯坏了",)) == "路灯坏了"
    assert r._spoken("区路", ("天心区", "路灯")) is None
    assert r._spoken("灯", ()) is None  # one character is no word
    assert _clip("依据条例", 4) == "依据条例" and _clip("依据某条例", 4) == "依据某…"


def test_r_domain_is_suggested_from_the_likeliest_targets() -> None:
    """The three likeliest targets give their scores to the domain of the matter type they own
    for the request, or (owning none of it) to their unit's first domain: 公安 0.06 (no matter
    type: 社会管理) and 城管 0.04 (路灯: 公共服务) — 0.6 and 0.4."""
    seed = dataclasses.replace(
        SEED,
        units=(
            *SEED.units,
            unit("hn-gat", "省公安厅", ("治安管理",), ("派出所",), (Domain.SOCIAL_MANAGEMENT,)),
        ),
    )
    r = bare(seed, FixedModel({"hn-gat": 0.6, "city:cgj": 0.4}))
    assert r.suggest_domain("随便说说") == [
        DomainSuggestion(Domain.SOCIAL_MANAGEMENT, 0.6),
        DomainSuggestion(Domain.PUBLIC_SERVICE, 0.4),
    ]
    # the fourth likeliest target (食品 → 市场监管) gives nothing; shares to four places
    four = bare(
        seed, FixedModel({"hn-gat": 0.4, "city:cgj": 0.25, "city:jtj": 0.2, "hn-scjgj": 0.15})
    )  # 公共服务 0.25 + 0.2 = 0.45 against 社会管理 0.4
    assert four.suggest_domain("随便说说") == [
        DomainSuggestion(Domain.PUBLIC_SERVICE, round(0.45 / 0.85, 4)),
        DomainSuggestion(Domain.SOCIAL_MANAGEMENT, round(0.4 / 0.85, 4)),
    ]
    thirds = bare(seed, FixedModel({"hn-gat": 2 / 3, "city:cgj": 1 / 3}))
    assert [d.score for d in thirds.suggest_domain("随便说说")] == [0.6667, 0.3333]
    assert bare().suggest_domain("随便说说") == [DomainSuggestion(Domain.OTHER, 0.0)]
    assert bare().suggest_domain("随便说说", k=0) == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.suggest_domain("随便说说")[0].score = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.weights.terms = 2.0  # type: ignore[misc]
