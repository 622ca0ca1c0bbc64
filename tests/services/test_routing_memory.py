"""The routing memory (R-DISPATCH: every ticket's final unit teaches the next suggestion):
character-bigram TF-IDF vectors of past tickets, their cosine to a new request, and how the
memory keeps itself in step as tickets are learned again and forgotten.

The figures are checked against an oracle written here from the definition (a bigram's weight
is ``(1 + ln tf) · idf``, ``idf = ln((n + 1) / (df + 1)) + 1`` over the tickets the memory held
when it was last fitted, a bigram it has not seen weighs as one in no ticket; vectors are
L2-normalised), not against the memory's own arithmetic.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest

from console.services.knowledge.routing import HistoryMemory, _grams


def bigrams(text: str) -> Counter[str]:
    """The oracle's bigrams: every two neighbouring characters of a plain request."""
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def oracle_cosine(query: str, doc: str, corpus: list[str]) -> float:
    n = len(corpus)
    df = Counter(g for text in corpus for g in set(bigrams(text)))

    def vector(text: str) -> dict[str, float]:
        raw = {
            g: (1.0 + math.log(tf)) * (math.log((n + 1) / (df[g] + 1)) + 1.0)
            for g, tf in bigrams(text).items()
        }
        norm = math.sqrt(sum(w * w for w in raw.values()))
        return {g: w / norm for g, w in raw.items()}

    q, d = vector(query), vector(doc)
    return sum(w * d.get(g, 0.0) for g, w in q.items())


CORPUS = {
    "a": "路灯坏了路灯不亮",
    "b": "路灯不亮很多天",
    "c": "公交改线太远了",
    "d": "公交站点取消",
}


def fitted(corpus: dict[str, str]) -> HistoryMemory:
    memory = HistoryMemory()
    for key, text in corpus.items():
        memory.learn(key, text, f"T-{key}", refit=False)
    memory.fit()
    return memory


def test_r_dispatch_a_requests_bigrams_are_its_folded_core() -> None:
    assert _grams("路灯坏了路灯") == Counter({"路灯": 2, "灯坏": 1, "坏了": 1, "了路": 1})
    assert _grams("您好，路灯坏了，谢谢") == Counter({"路灯": 1, "灯坏": 1, "坏了": 1})
    assert _grams("了") == Counter()
    # the first 1 500 characters are read: 1 499 bigrams
    assert sum(_grams("路灯" * 1000).values()) == 1499


def test_r_dispatch_memory_similarity_is_the_tfidf_cosine_of_bigrams() -> None:
    """Repeated bigrams (路灯 twice in a) count sublinearly, shared ones by their rarity, and
    the query's bigrams the memory never saw (吗 …) lengthen the query as rare ones do."""
    memory = fitted(CORPUS)
    found = memory.nearest("路灯坏了不亮吗", 4)
    corpus = list(CORPUS.values())
    expected = {k: oracle_cosine("路灯坏了不亮吗", CORPUS[k], corpus) for k in CORPUS}
    assert [key for key, _, _ in found] == ["a", "b"]  # c, d share no bigram
    for key, target, sim in found:
        assert target == f"T-{key}"
        assert sim == pytest.approx(expected[key], rel=1e-9)
    assert memory.nearest("路灯坏了路灯不亮", 1)[0][2] == pytest.approx(1.0)
    # one ticket: a bigram of the query it lacks weighs ln(1 + 1) + 1, as one in no ticket
    one = fitted({"a": "路灯坏了"})
    assert one.nearest("路灯坏了吗", 1)[0][2] == pytest.approx(
        oracle_cosine("路灯坏了吗", "路灯坏了", ["路灯坏了"]), rel=1e-9
    )


def test_r_dispatch_memory_refits_its_idf_when_it_has_grown_by_a_quarter() -> None:
    """Learned one by one, the memory refits at 17 tickets (more than 16), then at 22 (more
    than 17 · 5 // 4 = 21) and 28 (more than 27): the similarity of a fixed pair moves at
    those counts only (the tickets in between share no bigram with it, and are weighed by
    the document frequencies of the last fit)."""
    memory = HistoryMemory()
    memory.learn("a", "路灯坏了", "T-a")
    moved: list[int] = []
    last = memory.nearest("路灯坏了吗", 1)[0][2]
    fillers = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒日月盈昃"
    for i in range(1, 30):
        memory.learn(f"f{i}", fillers[i] + fillers[i + 1] + fillers[i], "T-f")
        sim = memory.nearest("路灯坏了吗", 1)[0][2]
        if sim != pytest.approx(last, rel=1e-12):
            moved.append(len(memory))
        last = sim
    assert moved == [17, 22, 28]


def test_r_dispatch_a_very_common_bigram_is_not_walked() -> None:
    """A bigram in more than max(64, n // 8) past tickets tells little and is skipped: a
    request sharing only that one finds no neighbour."""
    shared = {f"k{i}": f"公交{chr(0x4E00 + i)}" for i in range(65)}
    assert fitted(dict(list(shared.items())[:64])).nearest("公交", 3)  # 64: walked
    assert fitted(shared).nearest("公交", 3) == []  # 65: skipped
    many = {f"k{i}": f"{chr(0x5000 + i)}{chr(0x6000 + i)}" for i in range(600)}
    many.update({f"s{i}": f"公交{chr(0x4E00 + i)}" for i in range(80)})
    # 680 tickets: 680 // 8 = 85 > 64, so a bigram in 80 of them is walked
    assert fitted(many).nearest("公交", 3)


def test_r_dispatch_a_ticket_learned_again_forgets_what_it_taught() -> None:
    """Learned again (its final unit changed after a return), a ticket's old words, matter
    types and document frequencies are gone: the memory is as if it had been learned once."""
    memory = HistoryMemory()
    memory.learn("a", "路灯坏了好几天", "T-x", refit=False, matters=("light",))
    memory.learn("b", "公交站点取消了", "T-b", refit=False)
    memory.learn("a", "共享单车乱停放", "T-y", refit=False, matters=("bike",))
    memory.fit()
    assert "a" in memory and memory.target_of("a") == "T-y"
    assert memory.matters_of("a") == frozenset({"bike"})
    assert memory.nearest("路灯坏了好几天", 3) == []
    once = fitted({"b": "公交站点取消了", "a": "共享单车乱停放"})
    # 路灯坏了好几天's bigrams are in no ticket now: they weigh as unseen ones
    for text in ("共享单车乱停放在站点", "公交站点", "路灯坏了好几天的站点"):
        assert [(k, round(s, 12)) for k, _, s in memory.nearest(text, 3)] == [
            (k, round(s, 12)) for k, _, s in once.nearest(text, 3)
        ]
    memory.forget("a")
    assert "a" not in memory and memory.target_of("a") is None and len(memory) == 1
    assert memory.matters_of("a") == frozenset()
    assert memory.nearest("共享单车", 3) == []


def test_r_dispatch_the_matter_types_a_ticket_named_are_kept_with_it() -> None:
    memory = HistoryMemory()
    memory.learn("a", "路灯坏了", "T-a", matters=("light", "road"))
    assert memory.matters_of("a") == frozenset({"light", "road"})
    assert memory.matters_of("nobody") == frozenset()
    memory.learn("empty", "了", "T-e", matters=("light",))  # no bigram: nothing is kept
    assert "empty" not in memory and memory.matters_of("empty") == frozenset()
