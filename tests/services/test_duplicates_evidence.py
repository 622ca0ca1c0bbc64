"""The evidence that two requests raise the same matter (R-INADMISSIBLE ground 4, R-TERMINATE,
R-ANALYTICS), piece by piece: openings and names read as character pairs, shared runs of
them, the places, matter types and troubles both name, how the fitted weights combine them,
the bound a look-up prunes by, and what the operator is told. Each figure is worked out by
hand in the test."""

from __future__ import annotations

import dataclasses
import math
import random
from pathlib import Path

import numpy as np
import pytest

from console.services.knowledge.catalogue import Catalogue
from console.services.knowledge.duplicates import (
    FEATURES,
    DuplicateIndex,
    DuplicateMatch,
    PairFeatures,
    PairWeights,
    TicketRecord,
    _gram_positions,
    _jaccard,
    _logit,
    _longest_run,
    _longest_shared_run,
    _longest_uncommon_run,
    _reason,
    _stale,
    cover,
    head_grams,
    name_grams,
    names_df,
    names_evidence,
    normalize_phone,
    pair_features,
    specific_df,
)
from console.services.knowledge.reading import read
from console.services.knowledge.seed import load_seed

SEED = load_seed(Path(__file__).resolve().parents[2] / "knowledge_seed")
CATALOGUE = Catalogue(SEED.units, SEED.bureaus, SEED.matters)


def test_r_inadmissible_an_opening_is_its_first_forty_folded_characters_in_pairs() -> None:
    """Courtesy goes, 壹 is 一: 尊敬的领导：翠湖壹号停水 opens with 翠湖一号停水."""
    assert head_grams("尊敬的领导：翠湖壹号停水") == {"翠湖", "湖一", "一号", "号停", "停水"}
    distinct = "".join(chr(0x4E00 + 7 * i) for i in range(45))
    assert len(head_grams(distinct)) == 39  # 40 characters, 39 pairs
    assert head_grams("水") == frozenset()


def test_r_inadmissible_names_are_read_from_the_first_two_hundred_characters() -> None:
    assert name_grams("66车贷") == ("66", "6车", "车贷")
    distinct = "".join(chr(0x4E00 + 7 * i) for i in range(250))
    assert len(name_grams(distinct)) == 199
    assert name_grams("翠湖壹号") == ("翠湖", "湖一", "一号")


def test_r_inadmissible_the_longest_shared_run_counts_characters() -> None:
    """翠湖一号停 against a request with 翠湖, 湖一, 一号: three pairs in a row are four
    characters; with 湖一 too common to name anything, the runs are one pair each (two
    characters); nothing shared, nothing."""
    grams = ("翠湖", "湖一", "一号", "号停")
    other = frozenset({"翠湖", "湖一", "一号", "别的"})
    assert _longest_run(grams, other, lambda g: False) == 4
    assert _longest_run(grams, other, lambda g: g == "湖一") == 2
    assert _longest_run(grams, frozenset({"别的"}), lambda g: False) == 0
    assert _longest_uncommon_run((None, None), other) == 0


def test_r_inadmissible_the_shared_run_from_positions_is_the_same_run() -> None:
    """The look-up's way (positions of the query's pairs, only the shared ones marked) gives
    what the plain way gives, repeated pairs and blanked ones included."""
    rng = random.Random(3)
    alphabet = [chr(0x4E00 + i) for i in range(6)]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(2, 14)))
        grams = [text[i : i + 2] for i in range(len(text) - 1)]
        blanked = [None if rng.random() < 0.2 else g for g in grams]
        other = frozenset(rng.sample([a + b for a in alphabet for b in alphabet], 8))
        positions = _gram_positions(blanked)
        assert _longest_shared_run(positions, len(blanked), other) == _longest_uncommon_run(
            blanked, other
        )
    assert _gram_positions(["ab", None, "ab", "cd"]) == {"ab": [0, 2], "cd": [3]}


def test_r_inadmissible_a_cached_norm_is_stale_once_the_index_moved_a_tenth() -> None:
    assert not _stale(110, 100) and _stale(111, 100)
    assert not _stale(90, 100) and _stale(89, 100)
    assert _stale(120, np.array([100, 110, 120])).tolist() == [True, False, False]


def test_r_inadmissible_logit_and_overlap() -> None:
    assert _logit(0.5) == 0.0 and _logit(0.8) == pytest.approx(math.log(4.0))
    assert _logit(1.0) == math.inf
    assert _jaccard(frozenset("ab"), frozenset("bc")) == pytest.approx(1 / 3)
    assert _jaccard(frozenset(), frozenset("bc")) == 0.0
    assert _jaccard(frozenset("ab"), frozenset()) == 0.0


def features(
    a: str,
    b: str,
    cosine: float = 0.5,
    same_caller: bool = False,
    rare: float = 0.0,
    head: float = 0.0,
    name: int = 0,
    names: float = 0.0,
    cover: float = 0.0,
) -> PairFeatures:
    """The pair evidence of two requests read with the shipped catalogue."""
    return pair_features(
        read(a, CATALOGUE), read(b, CATALOGUE), cosine, same_caller, rare, head, name, names,
        cover,
    )  # fmt: skip


def test_r_inadmissible_places_matters_and_troubles_both_name() -> None:
    same = features("金色家园小区停水三天了", "金色家园停水")
    assert (same.same_place, same.other_place, same.places) == (1.0, 0.0, ("金色家园",))
    assert (same.same_matter, same.same_trouble, same.place_trouble) == (1.0, 1.0, 1.0)
    other = features("金色家园小区停水三天了", "银色家园停水了")
    assert (other.same_place, other.other_place, other.places) == (0.0, 1.0, ())
    assert (other.same_matter, other.same_trouble, other.place_trouble) == (1.0, 1.0, 0.0)
    unnamed = features("金色家园小区停水三天了", "停水三天了")
    assert (unnamed.same_place, unnamed.other_place, unnamed.place_trouble) == (0.0, 0.0, 0.0)
    # 坏了 is a trouble of any matter: shared, it makes no place-and-trouble evidence
    broken = features("金色家园电梯坏了", "金色家园电梯又坏了")
    assert (broken.same_trouble, broken.place_trouble) == (1.0, 0.0)
    apart = features("金色家园电梯坏了", "金色家园停水")
    assert (apart.same_matter, apart.same_trouble, apart.same_place) == (0.0, 0.0, 1.0)


def test_r_inadmissible_the_measured_evidence_is_scaled_to_one() -> None:
    """Shared rare terms count to an IDF mass of 30; a shared run from 3 characters, full at 6;
    the names a same caller repeats on a log scale, and only for the same caller."""
    f = features("甲", "乙", rare=15.0, name=2)
    assert (f.rare, f.name, f.same_caller_names) == (0.5, 0.0, 0.0)
    f = features("甲", "乙", rare=45.0, name=3, names=20.0)
    assert (f.rare, f.name, f.same_caller_names) == (1.0, 0.5, 0.0)
    f = features("甲", "乙", name=9, names=20.0, same_caller=True)
    assert (f.name, f.same_caller, f.same_caller_names) == (1.0, 1.0, names_evidence(20.0))
    assert names_evidence(20.0) == pytest.approx(math.log(21) / math.log(61))
    assert names_evidence(100.0) == 1.0


def test_r_inadmissible_the_score_is_the_logistic_of_the_weighted_evidence() -> None:
    w = PairWeights()
    f = features("金色家园小区停水三天了", "金色家园停水", cosine=0.4, rare=12.0, head=0.3, name=4)
    assert dict(zip(FEATURES, f.vector(), strict=True)) == {n: getattr(f, n) for n in FEATURES}
    logit = w.bias + sum(getattr(w, n) * v for n, v in zip(FEATURES, f.vector(), strict=True))
    assert w.logit(f) == pytest.approx(logit)
    assert w.score(f) == pytest.approx(1 / (1 + math.exp(-logit)))
    # as fitted: another place of the same kind counts against; another caller's words
    # covering an opening, and the same caller's repeated names, for
    base = dataclasses.replace(f, other_place=0.0, same_caller=0.0)
    assert w.logit(dataclasses.replace(base, other_place=1.0)) < w.logit(base)
    assert w.logit(dataclasses.replace(base, cover=0.5)) > w.logit(base)
    alone = dataclasses.replace(base, same_caller=1.0)
    assert w.logit(dataclasses.replace(alone, same_caller_names=1.0)) > w.logit(alone)


def test_r_inadmissible_the_bound_a_look_up_prunes_by_is_never_below_the_score() -> None:
    """From what is read first (cosine, caller, rare and name masses, opening), no pair scores
    above the bound, and a pair with every other piece of evidence at its best reaches it."""
    w = PairWeights()
    rng = random.Random(5)
    texts = [
        "金色家园小区停水三天了",
        "金色家园停水",
        "银色家园停水了",
        "停水三天了",
        "金色家园电梯坏了",
    ]
    for _ in range(200):
        a, b = rng.choice(texts), rng.choice(texts)
        cosine, head = rng.random(), rng.random()
        rare, names, same = rng.uniform(0, 50), rng.uniform(0, 80), rng.random() < 0.5
        covered = rng.random()
        f = features(a, b, cosine=cosine, head=head, rare=rare, names=names,
                     name=rng.randrange(0, 10), same_caller=same, cover=covered)  # fmt: skip
        assert w.logit(f) <= w.ceiling(cosine, same, rare, head, names, covered)
    best = PairFeatures(
        cosine=0.7, same_place=1.0, other_place=0.0, same_matter=1.0, same_trouble=1.0,
        same_caller=1.0, rare=0.5, head=0.2, name=1.0, place_trouble=1.0,
        same_caller_names=names_evidence(10.0),
    )  # fmt: skip
    assert w.ceiling(0.7, True, 15.0, 0.2, 10.0, 0.5) == pytest.approx(
        w.logit(best) + 1e-9, abs=1e-12
    )  # the same caller's: what the openings cover is not counted
    other = dataclasses.replace(best, same_caller=0.0, same_caller_names=0.0, cover=0.5)
    assert w.ceiling(0.7, False, 15.0, 0.2, 10.0, 0.5) == pytest.approx(
        w.logit(other) + 1e-9, abs=1e-12
    )


def test_r_supervise_when_another_callers_words_cover_an_opening() -> None:
    """Cover: the share of an opening's weight the other request mentions, the greater of the
    two ways. Worked by hand: two tickets indexed and the prior's 100 (``IDF_PRIOR``), so a
    term (here a bigram) in one ticket weighs ln(103/2) and one in none ln(103/1).
    湖楚财富不兑付's opening, six bigrams of equal weight, has three in the request 湖楚财富还钱:
    1/2; the request's opening, 湖楚 楚财 财富 (in that ticket) and 富还 还钱 (in none), is
    3·ln(51.5) / (3·ln(51.5) + 2·ln(103)) = 0.561 in it. The greater, 0.561 — for another
    caller; a caller's own tickets share their openings' words whatever the matter, so for the
    same caller it is not counted."""
    index = DuplicateIndex(
        [
            TicketRecord("A", "13800000001", "湖楚财富不兑付", "handling"),
            TicketRecord("B", "13800000002", "路灯不亮", "handling"),
        ]
    )
    request = 3 * math.log(103 / 2) / (3 * math.log(103 / 2) + 2 * math.log(103))
    assert request == pytest.approx(0.561, abs=5e-4)
    assert index.features("湖楚财富还钱", "A", "13900000009").cover == pytest.approx(request)
    assert index.features("湖楚财富还钱", "A", "13800000001").cover == 0.0
    assert index.features("湖楚财富还钱", "B", "13900000009").cover == 0.0
    # an opening weighing 3, 3, 1 and 2, the other request having the first three: 7/9
    assert cover([3.0, 3.0, 1.0, 2.0], [True, True, True, False], [4.0], [False]) == pytest.approx(
        7 / 9
    )
    assert cover([], [], [0.0], [True]) == 0.0  # nothing of weight: nothing covered


def test_r_inadmissible_the_specific_and_name_document_frequencies() -> None:
    """A term in at most 1 % of the tickets is specific, in at most one in 400 a name's; at
    least 3 in a small index."""
    assert (specific_df(10), specific_df(1000), specific_df(4326)) == (3, 10, 43)
    assert (names_df(100), names_df(4000), names_df(4326)) == (3, 10, 10)


def test_r_inadmissible_a_caller_is_known_by_the_digits_of_the_number() -> None:
    assert normalize_phone("+86 138-0013-8000") == "13800138000"
    assert normalize_phone("008613800138000") == "13800138000"
    assert normalize_phone("8613800138000") == "13800138000"
    assert normalize_phone("86123") == "86123"  # a prefix only before eleven digits
    assert normalize_phone("0731-8888 6666") == "073188886666"
    assert normalize_phone(None) == "" and normalize_phone("") == ""


def test_r_inadmissible_ground4_is_said_only_of_the_same_callers_live_matter() -> None:
    same = _reason(True, 0.91, "handling", ("金色家园", "金色家园北门", "三期"))
    assert same == (
        "同一来电人，同一地点（金色家园、金色家园北门），同一事项的把握 0.91，工单办理中；"
        "无新的事实和理由的，可不予受理（R-INADMISSIBLE 第四项）"
    )
    other = _reason(False, 0.5, "handling")
    assert other == "其他来电人反映相似事项，同一事项的把握 0.50，工单办理中"
    assert "第四项" not in _reason(True, 0.9, "refused")
    assert _reason(False, 0.7, "terminated").endswith(
        "该事项已终结，不再受理，请向来电人解释（R-TERMINATE）"
    )
    match = DuplicateMatch("T1", 0.9, True, "handling", False, "")
    assert match.ground4
    assert not dataclasses.replace(match, same_caller=False).ground4
    assert not dataclasses.replace(match, state="refused").ground4
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.score = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        TicketRecord("T1", "", "", "handling").state = "closed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        PairWeights().bias = 0.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        features("甲", "乙").cosine = 1.0  # type: ignore[misc]
