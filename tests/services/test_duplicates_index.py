"""The duplicate index kept in step with the store (R-INADMISSIBLE ground 4, R-TERMINATE): its
term cosine against an oracle written from the definition, and an index that tickets were
added to, changed in and removed from answering as one built afresh from what is left."""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np
import pytest

from console.services.knowledge.duplicates import (
    IDF_PRIOR,
    DuplicateIndex,
    TicketRecord,
    _most_shared,
)
from console.services.knowledge.text import terms

ESTATES = ("金色家园", "银色家园", "芙蓉小区", "枫林一村", "湘江世纪城")
TROUBLES = ("停水三天了", "电梯坏了没人修", "晚上施工噪音扰民", "路灯不亮", "垃圾没人清运")


def oracle_cosine(query: str, doc: str, corpus: list[str], max_chars: int = 400) -> float:
    """Binary terms weighted by ``ln((n + 1 + IDF_PRIOR) / (df + 1)) + 1`` squared (100 more
    tickets counted, none with the term); a query term no ticket has weighs as one in no
    ticket."""
    n = len(corpus)
    df = Counter(t for text in corpus for t in set(terms(text, limit=max_chars)))

    def idf(t: str) -> float:
        return math.log((n + 1 + IDF_PRIOR) / (df[t] + 1)) + 1.0

    q, d = set(terms(query, limit=max_chars)), set(terms(doc, limit=max_chars))
    dot = sum(idf(t) ** 2 for t in q & d)
    norm = math.sqrt(sum(idf(t) ** 2 for t in q)) * math.sqrt(sum(idf(t) ** 2 for t in d))
    return min(1.0, dot / norm) if dot else 0.0


def request(rng: random.Random) -> str:
    return f"{rng.choice(ESTATES)}{rng.choice(TROUBLES)}，{rng.choice(TROUBLES)}"


def test_r_inadmissible_the_term_cosine_is_the_idf_weighted_cosine() -> None:
    rng = random.Random(1)
    texts = [request(rng) for _ in range(30)]
    index = DuplicateIndex(TicketRecord(f"T{i}", "", t, "handling") for i, t in enumerate(texts))
    for query in ("金色家园停水三天了", "金色家园停水三天了，物业说水泵坏了", texts[3]):
        for i in (0, 3, 7):
            assert index.cosine(query, f"T{i}") == pytest.approx(
                oracle_cosine(query, texts[i], texts), rel=1e-9
            )
    assert index.cosine("金色家园停水", "nobody") == 0.0
    assert index.cosine("完全无关的话", "T0") == 0.0
    # more tickets change every idf: a norm cached at 30 tickets is read again at 40
    more = [request(rng) for _ in range(10)]
    for i, t in enumerate(more, start=30):
        index.add(TicketRecord(f"T{i}", "", t, "handling"))
    assert index.cosine(texts[3], "T3") == pytest.approx(1.0)
    assert index.cosine("金色家园停水三天了", "T0") == pytest.approx(
        oracle_cosine("金色家园停水三天了", texts[0], texts + more), rel=1e-9
    )


def answers(
    index: DuplicateIndex, queries: list[tuple[str, str]]
) -> list[set[tuple[str, float, bool]]]:
    return [
        {(m.number, round(m.score, 9), m.same_caller) for m in index.find(q, phone, k=50, min_score=0.0)}
        for q, phone in queries
    ]  # fmt: skip


def test_r_inadmissible_an_index_kept_in_step_answers_as_a_fresh_one() -> None:
    """Tickets added, changed (a new state, another caller's number, other words) and
    removed — past the point where the index compacts itself — answer every look-up as an
    index built from the tickets left: the same matches, scores and callers."""
    rng = random.Random(7)
    live: dict[str, TicketRecord] = {}
    index = DuplicateIndex()
    for i in range(1400):
        number = f"T{i}"
        record = TicketRecord(number, f"1380000{rng.randrange(40):04d}", request(rng), "handling")
        index.add(record)
        live[number] = record
        if i % 3 == 2:  # another caller's number, then another state
            old = live[f"T{i - 1}"]
            moved = TicketRecord(old.number, f"1390000{rng.randrange(40):04d}", old.text, "closed")
            index.update(moved)
            live[old.number] = moved
        if i % 7 == 6:  # other words
            old = live[f"T{i - 2}"]
            reworded = TicketRecord(old.number, old.caller_phone, request(rng), old.state)
            index.update(reworded)
            live[old.number] = reworded
    for number in [f"T{i}" for i in range(1400) if i % 10 < 8]:
        assert index.remove(number)
        del live[number]
    assert not index.remove("T0") and index.get("T0") is None
    assert len(index) == len(live) == 280
    # compacted once a thousand were removed: 1 600 documents made, at most 1 000 dead kept
    assert len(index._docs) <= len(live) + 1000
    fresh = DuplicateIndex(live.values())
    queries = [(request(rng), f"1380000{rng.randrange(40):04d}") for _ in range(12)]
    queries += [(live["T9"].text, live["T9"].caller_phone), (live["T1398"].text, "13900000001")]
    assert answers(index, queries) == answers(fresh, queries)
    assert index.get("T9") == live["T9"]


def test_r_inadmissible_a_change_of_caller_moves_the_ticket_between_callers() -> None:
    index = DuplicateIndex([TicketRecord("T1", "13800000001", "金色家园停水三天了", "handling")])
    assert index.find("金色家园停水三天了", "13800000001")[0].same_caller
    index.update(TicketRecord("T1", "13800000002", "金色家园停水三天了", "handling"))
    assert not index.find("金色家园停水三天了", "13800000001")[0].same_caller
    assert index.find("金色家园停水三天了", "13800000002")[0].same_caller
    index.update(TicketRecord("T1", "", "金色家园停水三天了", "closed"))
    found = index.find("金色家园停水三天了", "13800000002")
    assert not found[0].same_caller and found[0].state == "closed"


def test_r_inadmissible_a_prepared_request_is_read_afresh_when_the_index_learned_words() -> None:
    """A request read once and looked up, then looked up again after a ticket brought its
    words into the index, scores as a request read now; one indexed with another request's
    reading is indexed with its own words."""
    index = DuplicateIndex([TicketRecord("T1", "", "公交站点取消了", "handling")])
    prepared = index.prepare("金色家园停水三天了")
    assert index.scored(prepared) == []
    index.add(TicketRecord("T2", "", "金色家园停水三天了", "handling"))
    assert [index.number_of(i) for _, i, _ in index.scored(prepared)] == ["T2"]
    assert index.scored(prepared) == index.scored("金色家园停水三天了")
    index.add(TicketRecord("T3", "", "芙蓉小区路灯不亮", "handling"), prepared)
    assert index.cosine("芙蓉小区路灯不亮", "T3") == pytest.approx(1.0)


def test_r_inadmissible_shared_specific_and_name_terms_are_summed_by_idf() -> None:
    """Among 2 020 tickets a term in at most 20 (1 %) is specific, in at most 5 (one in 400) a
    name's: 翠湖一号 (in 20) counts as specific only, 鑫隆财富 (in 5) as both. Each candidate's
    cosine, specific mass and name mass match the oracle — again after the index grew by more
    than a tenth (each cached norm is read again)."""
    rng = random.Random(11)
    texts = [request(rng) for _ in range(1995)]
    texts += [f"鑫隆财富逾期不兑付，第{i}次" for i in range(5)]
    texts += [f"翠湖一号延期交房第{i}回" for i in range(20)]
    index = DuplicateIndex(TicketRecord(f"T{i}", "", t, "handling") for i, t in enumerate(texts))
    query = "鑫隆财富翠湖一号的业主，延期交房"

    def check(corpus: list[str]) -> None:
        n = len(corpus)
        df = Counter(t for text in corpus for t in set(terms(text, limit=400)))
        q = set(terms(query, limit=400))
        ids, unknown = index._term_set(index.prepare(query), create=False)
        found = index._scored(ids, unknown, "", frozenset())
        assert {index.number_of(d) for _, d, _, _, _ in found} >= {"T1995", "T2000"}
        for cosine, doc, rare, names, _cover in found:
            shared = q & set(terms(corpus[doc], limit=400))
            idf = {t: math.log((n + 1 + IDF_PRIOR) / (df[t] + 1)) + 1.0 for t in shared}
            assert cosine == pytest.approx(oracle_cosine(query, corpus[doc], corpus), rel=1e-9)
            assert rare == pytest.approx(
                sum(v for t, v in idf.items() if df[t] <= max(3, n // 100))
            )
            assert names == pytest.approx(
                sum(v for t, v in idf.items() if df[t] <= max(3, n // 400))
            )

    check(texts)
    more = [request(rng) for _ in range(400)]
    for i, t in enumerate(more, start=len(texts)):
        index.add(TicketRecord(f"T{i}", "", t, "handling"))
    check(texts + more)


def test_r_inadmissible_at_most_k_matches_per_caller_group() -> None:
    """Five by default, else k, for the same caller and for other callers each; a look-up
    whose only match is left out finds nothing."""
    index = DuplicateIndex(
        [TicketRecord(f"S{i}", "13800000001", f"金色家园停水三天了{i}", "handling") for i in range(7)]
        + [TicketRecord(f"O{i}", f"1390000000{i}", f"金色家园停水三天了{i}", "handling") for i in range(7)]
    )  # fmt: skip
    found = index.find("金色家园停水三天了", "13800000001", min_score=0.0)
    assert [m.same_caller for m in found] == [True] * 5 + [False] * 5
    assert len(index.find("金色家园停水三天了", "13800000001", k=1, min_score=0.0)) == 2
    assert index.find("金色家园停水三天了", "13800000001", k=0) == []
    scores = {
        index.number_of(i): s for s, i, _ in index.scored("金色家园停水三天了", "13800000001")
    }
    assert all(m.score == round(scores[m.number], 4) for m in found)
    alone = DuplicateIndex([TicketRecord("T1", "", "金色家园停水三天了", "handling")])
    assert alone.find("金色家园停水三天了", exclude=["T1"], min_score=0.0) == []


def test_r_inadmissible_the_candidates_are_those_met_most_on_the_walk() -> None:
    """As ``Counter(walked).most_common(k)`` chooses them (ties: the one met first); all of them
    when there are no more than k."""
    rng = random.Random(4)
    for _ in range(300):
        walked = np.array([rng.randrange(30) for _ in range(rng.randrange(1, 80))], dtype=np.uint32)
        k = rng.randrange(1, 12)
        got = _most_shared(walked, k).tolist()
        common = Counter(walked.tolist())
        if len(common) <= k:
            assert sorted(got) == sorted(common)
        else:
            assert got == [d for d, _ in common.most_common(k)]


def test_r_inadmissible_the_evidence_fitted_on_is_the_evidence_looked_up() -> None:
    """The pair evidence the weights are fitted on (``features``) is the evidence a look-up
    scores (``scored``): the same score for every candidate, for a caller with a number, one
    without, and the same caller; best first; with ``best_of``, the candidates of highest
    cosine only."""
    rng = random.Random(9)
    records = [
        TicketRecord(f"T{i}", rng.choice(["", "13800000001", f"1390000{i:04d}"]), request(rng), "handling")
        for i in range(120)
    ]  # fmt: skip
    records.append(TicketRecord("N1", "", "鑫隆财富逾期不兑付，金色家园停水三天了", "handling"))
    # 樟木花园 in three tickets: at the edge of specific (and name) terms, max(3, 124 // 100)
    records += [TicketRecord(f"Z{i}", "", f"樟木花园漏水第{i}次", "handling") for i in range(3)]
    index = DuplicateIndex(records)
    weights = index.weights
    for query, phone in [
        ("鑫隆财富的钱什么时候兑付，金色家园停水", ""),
        ("樟木花园又漏水了", ""),
        (records[5].text, "13800000001"),
        (request(rng), "13900000007"),
    ]:
        scored = index.scored(query, phone)
        assert scored and [s for s, _, _ in scored] == sorted(
            (s for s, _, _ in scored), reverse=True
        )
        for score, i, places in scored:
            f = index.features(query, index.number_of(i), phone)
            assert score == pytest.approx(weights.score(f), rel=1e-9), index.number_of(i)
            assert places == f.places
        cosines = sorted(
            ((index.cosine(query, index.number_of(i)), i) for _, i, _ in scored), reverse=True
        )
        best = {i for _, i, _ in index.scored(query, phone, best_of=3)}
        assert len(best) == min(3, len(cosines))
        if len(cosines) > 3:
            assert {i for c, i in cosines if c > cosines[3][0]} <= best


def test_r_analytics_similar_pairs_are_each_pair_once() -> None:
    index = DuplicateIndex(
        TicketRecord(f"T{i}", "", text, "handling")
        for i, text in enumerate(
            ["金色家园停水三天了", "金色家园停水三天了！", "金色家园停水三天", "路灯不亮"]
        )
    )
    pairs = list(index.similar_pairs(0.5))
    assert sorted(tuple(sorted(p[:2])) for p in pairs) == [("T0", "T1"), ("T0", "T2"), ("T1", "T2")]
    assert all(score >= 0.5 for *_, score in pairs)


def test_r_inadmissible_a_callers_own_tickets_are_scored_whatever_their_words() -> None:
    """The caller's earlier tickets are candidates even with no word in common (the phone
    index); a change of number or a removal takes a ticket off the caller's list."""
    index = DuplicateIndex(
        [
            TicketRecord("T1", "13800000001", "公交站点取消了", "handling"),
            TicketRecord("T2", "13800000009", "芙蓉小区路灯不亮", "handling"),
        ]
    )

    def own(phone: str) -> list[str]:
        found = index.find("金色家园路灯不亮", phone, min_score=0.0)  # shares 路灯 with T2 only
        return [m.number for m in found if m.same_caller]

    assert own("13800000001") == ["T1"] and own("13800000002") == []
    index.update(TicketRecord("T1", "13800000002", "公交站点取消了", "handling"))
    assert own("13800000001") == [] and own("13800000002") == ["T1"]
    index.update(TicketRecord("T1", "", "公交站点取消了", "handling"))
    assert own("13800000002") == []
    index.update(TicketRecord("T1", "13800000002", "公交站点取消了", "closed"))
    assert own("13800000002") == ["T1"]
    index.remove("T1")
    assert own("13800000002") == []
    assert own("13800000009") == ["T2"]
