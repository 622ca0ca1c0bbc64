"""Duplicate and repeat detection at intake (R-INADMISSIBLE ground 4, R-TERMINATE)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import time
from collections import Counter

import pytest

from console.services.knowledge.duplicates import (
    DuplicateIndex,
    DuplicateMatch,
    PairWeights,
    TicketRecord,
    find_clusters,
    normalize_phone,
)

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)

WAGES = (
    "来电人反映株洲市荷塘区顺达物流公司拖欠其工资三个月共计约两万元，多次讨要未果，请求协调处理。"
)
WAGES_AGAIN = "来电人再次反映荷塘区顺达物流公司拖欠工资三个月约两万元的事，到现在还没拿到钱。"
NOISE = "来电人反映岳阳市金鹗山庄小区楼下烧烤店油烟直排，晚上噪音很大，影响休息，请求查处。"
NOISE_NEIGHBOUR = "金鹗山庄小区楼下那家烧烤店油烟直排进窗户，夜里噪音大，邻居也都受不了，要求处理。"
PENSION = "来电人咨询灵活就业人员养老保险每年缴费基数怎么确定，能不能按最低档缴纳。"
BRIDGE = "来电人建议在常德市柳叶湖大桥加装路灯，晚上骑电动车过桥太黑，容易出事故。"


def rec(number: str, phone: str, text: str, state: str = "handling") -> TicketRecord:
    return TicketRecord(number, phone, text, state, created_at=T0, unit_id="hn-rst")


@pytest.fixture
def index() -> DuplicateIndex:
    return DuplicateIndex(
        [
            rec("20261102-0001", "13800000001", WAGES, "handling"),
            rec("20261102-0002", "13800000002", NOISE, "closed"),
            rec("20261102-0003", "13800000003", PENSION, "completed"),
            rec("20261102-0004", "13800000004", BRIDGE, "terminated"),
        ]
    )


def test_r_inadmissible_ground4_same_caller_same_matter(index: DuplicateIndex) -> None:
    """Ground 4: same caller, same matter already in progress → flagged, with the reason."""
    found = index.find(WAGES_AGAIN, caller_phone="138-0000-0001")
    assert found, "the caller's earlier ticket on the same matter was not found"
    first = found[0]
    assert isinstance(first, DuplicateMatch)
    assert first.number == "20261102-0001"
    assert first.same_caller and not first.terminated
    assert first.state == "handling"
    assert first.ground4
    assert 0.35 <= first.score <= 1.0
    assert first.reason.startswith("同一来电人，同一地点（顺达物流公司），同一事项的把握 ")
    assert first.places == ("顺达物流公司",)  # for a pane that says the figures apart
    assert "工单办理中" in first.reason
    assert "R-INADMISSIBLE" in first.reason


def test_r_terminate_repeat_call_flagged(index: DuplicateIndex) -> None:
    """R-TERMINATE: a later call on a terminated matter is flagged, whoever calls."""
    again = "来电人又建议柳叶湖大桥装路灯，晚上骑电动车过桥太黑，容易出事故。"
    same = index.find(again, caller_phone="13800000004")
    assert same and same[0].number == "20261102-0004"
    assert same[0].same_caller and same[0].terminated
    assert not same[0].ground4  # R-TERMINATE, not ground 4
    assert "已终结" in same[0].reason and "R-TERMINATE" in same[0].reason
    other = index.find(again, caller_phone="13999999999")
    assert other and other[0].terminated and not other[0].same_caller
    assert "R-TERMINATE" in other[0].reason


def test_other_caller_same_matter_in_the_other_group(index: DuplicateIndex) -> None:
    found = index.find(NOISE_NEIGHBOUR, caller_phone="13900000009")
    assert [m.number for m in found] == ["20261102-0002"]
    match = found[0]
    assert not match.same_caller and not match.ground4
    assert match.reason.startswith("其他来电人反映相似事项")
    assert "已结案" in match.reason


def test_same_caller_group_comes_first() -> None:
    idx = DuplicateIndex([rec("A", "13800000001", NOISE), rec("B", "13800000002", NOISE_NEIGHBOUR)])
    found = idx.find(NOISE_NEIGHBOUR + "还是没人管", caller_phone="13800000001", min_score=0.2)
    assert [m.same_caller for m in found] == [True, False]
    assert [m.number for m in found] == ["A", "B"]


def test_unrelated_text_not_found(index: DuplicateIndex) -> None:
    assert index.find("来电人咨询护照到期了怎么换发，需要带哪些材料", "13800000001") == []
    assert index.find("", "13800000001") == []


def test_unknown_caller_never_same_caller(index: DuplicateIndex) -> None:
    for phone in (None, ""):
        found = index.find(WAGES_AGAIN, caller_phone=phone, min_score=0.2)
        assert found and not any(m.same_caller for m in found)


def test_phone_normalisation() -> None:
    assert normalize_phone("+86 138-0000-0001") == "13800000001"
    assert normalize_phone("008613800000001") == "13800000001"
    assert normalize_phone("0731-88889999") == "073188889999"
    assert normalize_phone(None) == ""


def test_add_update_remove(index: DuplicateIndex) -> None:
    assert len(index) == 4 and "20261102-0001" in index
    index.update(rec("20261102-0001", "13800000001", WAGES, "terminated"))
    found = index.find(WAGES_AGAIN, caller_phone="13800000001")
    assert found[0].terminated
    index.update(rec("20261102-0001", "13800000001", PENSION, "handling"))  # text changed
    assert index.find(WAGES_AGAIN, caller_phone="13800000001") == []
    assert index.remove("20261102-0001") is True
    assert index.remove("20261102-0001") is False
    assert "20261102-0001" not in index and index.get("20261102-0001") is None
    assert "20261102-0001" not in [m.number for m in index.find(PENSION, "13800000001")]
    index.add(rec("20261102-0001", "13800000001", WAGES))
    assert index.find(WAGES_AGAIN, caller_phone="13800000001")[0].number == "20261102-0001"


def test_exclude_and_k(index: DuplicateIndex) -> None:
    assert index.find(WAGES, caller_phone="13800000001", exclude=["20261102-0001"]) == []
    assert index.find(WAGES, k=0) == []


def test_find_clusters_same_matter_many_callers() -> None:
    records = [
        rec("1", "13800000001", NOISE),
        rec("2", "13800000002", NOISE_NEIGHBOUR),
        rec(
            "3", "13800000003", "岳阳市某小区楼下烧烤店油烟直排，噪音很大，晚上没法休息，请求查处。"
        ),
        rec("4", "13800000004", PENSION),
        rec("5", "13800000005", WAGES),
        rec("6", "13800000005", WAGES_AGAIN),  # same caller twice: one caller only
    ]
    # Six tickets only: the shared words are common here, so the scores are modest.
    clusters = find_clusters(records, threshold=0.25)
    assert len(clusters) == 1
    assert clusters[0].numbers == ("1", "2", "3")
    assert clusters[0].callers == 3
    assert 0.25 <= clusters[0].score <= 1.0
    assert find_clusters(records, threshold=0.25, min_callers=1)[1].numbers == ("5", "6")
    # most callers first, then most tickets, then by number: three callers with four tickets
    # before three with three
    more = [*records, rec("7", "13800000007", WAGES), rec("8", "13800000008", WAGES_AGAIN)]
    more += [rec("9", "13800000009", PENSION), rec("11", "13800000011", PENSION)]
    assert [c.numbers for c in find_clusters(more, threshold=0.25)] == [
        ("5", "6", "7", "8"), ("1", "2", "3"), ("11", "4", "9"),
    ]  # fmt: skip


def test_compaction_after_many_removals_keeps_answers() -> None:
    idx = DuplicateIndex()
    for n in range(2500):
        idx.add(
            rec(f"N{n}", f"1390000{n:04d}", f"第{n}号：某单位{n % 97}号楼电梯故障{n % 13}天没人修")
        )
    idx.add(rec("KEEP", "13800000001", WAGES))
    for n in range(2000):
        idx.remove(f"N{n}")
    assert len(idx) == 501
    found = idx.find(WAGES_AGAIN, caller_phone="13800000001")
    assert found and found[0].number == "KEEP"


def test_speed_sanity_with_many_tickets() -> None:
    rng = random.Random(3)
    words = [WAGES, NOISE, PENSION, BRIDGE, NOISE_NEIGHBOUR, WAGES_AGAIN]
    idx = DuplicateIndex()
    for n in range(5000):
        a, b = rng.sample(words, 2)
        idx.add(
            rec(f"S{n}", f"1{rng.randrange(10**9, 10**10)}", a[: rng.randint(10, 40)] + b[-30:])
        )
    start = time.perf_counter()
    for _ in range(50):
        idx.find(WAGES_AGAIN, caller_phone="13800000001")
    assert (time.perf_counter() - start) / 50 < 0.1  # sanity only; bench_duplicates measures


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # the same estate with the same specific trouble, however worded
        ("金色家园小区从早上开始停水", "金色家园停水一整天了，请尽快恢复", 1.0),
        # the same estate, another trouble: another matter
        ("金色家园小区从早上开始停水", "金色家园门口路灯不亮", 0.0),
        # the same estate with a trouble too general to say it is one matter
        ("金色家园有人违规建设", "金色家园小区规划变更违规", 0.0),
        # a road is long: the same road with the same trouble is not yet one matter
        ("书院路晚上停水", "书院路今天停水", 0.0),
        # another estate with the same trouble
        ("金色家园小区停水", "银色家园小区停水", 0.0),
        # a bus line is named whole: the same line with the same change asked for
        ("希望805路公交车改道走木莲中路", "805路能不能不走香樟路，改道木莲中路", 1.0),
        ("希望805路公交车改道走木莲中路", "希望806路公交车改道走木莲中路", 0.0),
    ],
)
def test_place_and_trouble_evidence_needs_a_named_estate_and_a_specific_trouble(
    a: str, b: str, expected: float
) -> None:
    from console.services.knowledge.duplicates import pair_features
    from console.services.knowledge.reading import read

    assert pair_features(read(a), read(b), 0.1, False).place_trouble == expected


def test_other_callers_on_one_estate_and_trouble_in_other_words_are_flagged() -> None:
    """The same estate and trouble by another caller is flagged even when little else of the
    wording is shared (the weight of that evidence was fitted on the real development half):
    the earlier ticket that states them first (the other, 0.30, falls short of 0.40; the
    operator is warned by one)."""
    earlier = [
        "天心区书院路金色家园小区从早上开始停水，到现在还没来水，物业说不清楚原因。",
        "反映金色家园小区停水问题，已经停了十个小时，没有任何通知。",
    ]
    index = DuplicateIndex(
        [rec(f"E{i}", f"1380000001{i}", t) for i, t in enumerate(earlier)]
        + [rec(f"B{i}", f"1390000{i:04d}", t) for i, t in enumerate(_background())]
    )
    found = index.find("金色家园小区又停水了，什么时候来水？", "13700000000")
    assert [m.number for m in found if not m.same_caller] == ["E0"]
    assert "金色家园" in found[0].reason
    # the same estate with another trouble is not flagged
    assert not index.find("金色家园门口的路灯坏了好几天", "13700000000")


def test_other_callers_on_one_bus_line_asking_the_same_change_are_flagged() -> None:
    """Two callers asking the same bus line to change its route are one matter, however else
    they word it (the same line and trouble weigh as for an estate): on a new store, where
    the words alone (score 0.31) fall short of the other-caller threshold."""
    from pathlib import Path

    from console.services.knowledge.catalogue import Catalogue
    from console.services.knowledge.seed import load_seed

    seed = load_seed(Path(__file__).resolve().parents[2] / "knowledge_seed")
    index = DuplicateIndex(
        [rec("E0", "13900000001", "希望805路公交车改道走木莲中路，我们住在木莲中路中建木莲工社"
             "公寓，周边几十栋居民宿舍和多所学校，出行很不方便")],
        catalogue=Catalogue(seed.units, seed.bureaus, seed.matters),
    )  # fmt: skip
    found = index.find(
        "805路公交车能不能不走香樟路，改道走木莲中路？木莲中路上的居民出行太不方便了",
        "13900000002",
    )
    assert [m.number for m in found] == ["E0"]
    assert "805路" in found[0].reason


def test_r_supervise_when_another_caller_names_what_an_earlier_ticket_opens_with() -> None:
    """Another caller's request that names what an earlier ticket opens with — the scheme and
    its trouble, 湖楚财富 逾期不兑付 — is flagged though the rest shares little (0.57); without
    the weight of what the openings cover, the same pair scores 0.05."""
    earlier = (
        "湖楚财富平台逾期不兑付，出借人本金无法取回。来电人称2018年经朋友介绍在平台出借六万元，"
        "平台宣称有国资背景、银行存管，去年宣布良性退出、承诺分期兑付，至今没有收到一分钱，"
        "电话无人接听，要求督促清退。"
    )
    request = "湖楚财富逾期不兑付，要求政府督促平台清退。"

    def index(weights: PairWeights) -> DuplicateIndex:
        background = [rec(f"B{i}", f"1390000{i:04d}", t) for i, t in enumerate(_background())]
        return DuplicateIndex([rec("L0", "13800000010", earlier), *background], weights=weights)

    [found] = index(PairWeights()).find(request, "13700000000")
    assert (found.number, found.same_caller) == ("L0", False)
    assert found.score == pytest.approx(0.57, abs=0.01)
    uncovered = dataclasses.replace(PairWeights(), cover=0.0)
    assert not index(uncovered).find(request, "13700000000")
    assert index(uncovered).scored(request, "13700000000")[0][0] == pytest.approx(0.05, abs=0.01)


def test_r_supervise_when_a_new_store_of_one_ticket_tells_another_callers_repeat() -> None:
    """In a store of one ticket (a seat's first calls) every term is in all or none of them:
    weighed as if 100 more tickets had none (``IDF_PRIOR``), the terms both requests share
    are still rare, and another caller's request on the same matter is flagged as among
    thousands (0.58; 0.22 without the prior)."""
    earlier = (
        "湖楚财富平台逾期不兑付，出借人本金无法取回。来电人称2018年经朋友介绍在平台出借六万元，"
        "平台宣称有国资背景，去年宣布良性退出、承诺分期兑付，至今没有收到一分钱，要求督促清退。"
    )
    request = "湖楚财富逾期不兑付，要求政府督促平台清退。"
    [found] = DuplicateIndex([rec("L0", "13807310011", earlier)]).find(request, "13907310022")
    assert found.number == "L0" and found.score == pytest.approx(0.58, abs=0.01)
    among = DuplicateIndex(
        [rec("L0", "13807310011", earlier)]
        + [rec(f"B{i}", f"1390000{i:04d}", t) for i, t in enumerate(_background())]
    )
    assert among.find(request, "13907310022")[0].score == pytest.approx(found.score, abs=0.01)


def _background() -> list[str]:
    """Requests on other matters and places, so the estate's name is rare as in a real store."""
    places = ["枫林花园", "湘江世纪城", "银杏小区", "梅溪湖一号", "东塘新村", "书香苑"]
    troubles = ["停电", "电梯故障", "噪音扰民", "路灯不亮", "垃圾清运不及时", "漏水"]
    return [f"{p}{t}，请相关部门处理。" for p in places for t in troubles] * 3


def test_most_shared_chooses_as_counter_most_common_does() -> None:
    """The candidates counted over arrays are those ``Counter.most_common`` would choose:
    the most met, and among those met equally often the ones met first on the walk."""
    import numpy as np

    from console.services.knowledge.duplicates import _most_shared

    rng = random.Random(11)
    for _ in range(300):
        walked = [rng.randrange(rng.choice((5, 40, 400))) for _ in range(rng.randrange(1, 300))]
        k = rng.randrange(1, 70)
        want = {doc for doc, _ in Counter(walked).most_common(k)}
        got = _most_shared(np.array(walked, dtype=np.uint32), k).tolist()
        assert set(got) == want
        if len(set(walked)) > k:  # most met first, ties in the order first met
            assert got == [doc for doc, _ in Counter(walked).most_common(k)]


def test_look_ups_while_another_thread_indexes_are_safe_and_exact() -> None:
    """The console looks up duplicates while its sync indexes other seats' tickets: neither
    fails (a look-up keeps the term counts it read), and no look-up sees another's query."""
    import threading

    words = ["路灯不亮", "噪音扰民", "停水", "拖欠工资", "油烟", "公交线路", "违建", "物业"]
    places = ["金色家园", "书院路", "芙蓉区", "岳麓区", "星沙", "梅溪湖"]
    rng = random.Random(5)
    idx = DuplicateIndex()
    for i in range(300):
        idx.add(
            rec(f"A{i}", f"1380000{i:04d}", f"{rng.choice(places)}{rng.choice(words)}第{i}次反映")
        )
    queries = [f"{p}{w}" for p in places for w in words]
    errors: list[BaseException] = []

    def index_more() -> None:
        try:
            for i in range(3000):  # new words on every ticket: the term counts grow and grow
                idx.add(rec(f"B{i}", "13900000000", f"新词{i}号{rng.choice(words)}{i * 7919}"))
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    def look_up() -> None:
        try:
            for _ in range(20):
                for q in queries:
                    idx.find(q, k=3)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=index_more), threading.Thread(target=look_up)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # concurrent look-ups of different words do not mix their queries
    same: dict[str, list[tuple[str, float]]] = {}

    def ask(q: str) -> None:
        for _ in range(30):
            got = [(m.number, m.score) for m in idx.find(q, k=3)]
            assert same.setdefault(q, got) == got

    askers = [threading.Thread(target=ask, args=(q,)) for q in queries[:6]]
    for t in askers:
        t.start()
    for t in askers:
        t.join()
    assert len(same) == 6


def test_a_floor_leaves_out_exactly_the_candidates_below_it() -> None:
    """``scored(floor=…)`` (the hot grouping's look-up) skips the costlier evidence of a pair
    that cannot reach the floor: what it returns is what the full scoring keeps at or above
    the floor (and any candidate ``whatever_floor`` asks for), with the same scores, and
    ``PairWeights.ceiling`` bounds every pair's logit."""
    from console.services.knowledge.duplicates import pair_features

    rng = random.Random(5)
    pieces = [WAGES, WAGES_AGAIN, NOISE, NOISE_NEIGHBOUR, PENSION, BRIDGE]
    clauses = [c for p in pieces for c in p.split("，") if c]
    texts = ["，".join(rng.sample(clauses, rng.randrange(2, 5))) for _ in range(120)]
    # names no other ticket mentions (the evidence the same caller's names weigh), each in a
    # ticket and in a later request by the same caller
    names = ["鑫瑞达", "恒泰隆", "金鼎盛", "宏图远", "瑞丰祥", "华茂源"]
    named = [(f"1390000{j:04d}", f"{n}公司，{rng.choice(clauses)}") for j, n in enumerate(names)]
    index = DuplicateIndex(
        [rec(f"N{i}", f"1380000{rng.randrange(30):04d}", t) for i, t in enumerate(texts[:100])]
        + [rec(f"M{j}", phone, t) for j, (phone, t) in enumerate(named)]
    )
    kept_some = left_some = False
    asked = [(f"1380000{i % 30:04d}", t) for i, t in enumerate(texts[100:] + pieces)]
    asked += [(phone, t.split("，")[0] + "，" + rng.choice(clauses)) for phone, t in named]
    for phone, text in asked:
        full = index.scored(text, phone, k=1, best_of=12)
        for floor in (0.3, 0.5, 0.8):
            floored = index.scored(text, phone, k=1, best_of=12, floor=floor)
            assert floored == [c for c in full if c[0] >= floor]
            # and whatever their score, those asked for (the hot grouping's recent groups)
            thirds = index.scored(
                text, phone, k=1, best_of=12, floor=floor, whatever_floor=lambda j: j % 3 == 0
            )
            assert thirds == [c for c in full if c[0] >= floor or c[1] % 3 == 0]
            kept_some |= bool(floored)
            left_some |= len(floored) < len(full)
        prepared = index.prepare(text)
        for cosine, j, rare, mass, _cover in index._scored(  # every one, not the best 12
            index._term_set(prepared, create=False)[0], 0, phone, frozenset(), 64
        ):
            other = index._docs[j]
            assert other is not None
            same = other.phone == phone
            f = pair_features(
                prepared.reading, other.reading, cosine, same, rare, 0.3, 4, mass, 0.4
            )
            ceiling = index.weights.ceiling(cosine, same, rare, 0.3, mass, 0.4)
            assert index.weights.logit(f) <= ceiling
    assert kept_some and left_some  # both sides of the floor were exercised


@pytest.mark.parametrize("same_caller", [True, False])
@pytest.mark.parametrize(
    ("cosine", "rare", "head", "names"), [(0.3, 12.0, 0.2, 9.0), (0.8, 45.0, 0.6, 70.0)]
)
def test_the_ceiling_is_the_logit_with_every_unread_feature_at_its_raising_end(
    same_caller: bool, cosine: float, rare: float, head: float, names: float
) -> None:
    """``PairWeights.ceiling`` is tight: the logit of a pair whose evidence read first is as
    given and whose every other feature raises the score as far as it can (a term left out of
    the ceiling, or counted twice, fails this)."""
    from dataclasses import fields

    from console.services.knowledge.duplicates import (
        SPECIFIC_CAP,
        PairFeatures,
        PairWeights,
        names_evidence,
    )

    weights = PairWeights()
    read_first = {
        "cosine": cosine,
        "same_caller": 1.0 if same_caller else 0.0,
        "rare": min(rare, SPECIFIC_CAP) / SPECIFIC_CAP,
        "head": head,
        "same_caller_names": names_evidence(names) if same_caller else 0.0,
        "cover": 0.0 if same_caller else 0.25,  # another caller's only
    }
    unread = {
        f.name: (1.0 if getattr(weights, f.name) > 0 else 0.0)
        for f in fields(PairFeatures)
        if f.name not in read_first and f.name != "places"
    }
    best = PairFeatures(**read_first, **unread)  # type: ignore[arg-type]
    ceiling = weights.ceiling(cosine, same_caller, rare, head, names, 0.25)
    assert weights.logit(best) == pytest.approx(ceiling, abs=1e-6)


def _probes(index: DuplicateIndex, text: str) -> list[int]:
    """The terms a look-up walks: the query's terms that are neither unseen nor common, rarest
    first (ties in term order); only the rarest few when all are common."""
    from console.services.knowledge import duplicates

    query, _ = index._term_set(index.prepare(text), create=False)
    common = max(50, int(len(index) * duplicates._COMMON_SHARE))
    by_df = sorted(((int(index._df[t]), t) for t in query), key=lambda p: p[0])
    probes = [t for d, t in by_df if 0 < d <= common]
    return probes or [t for d, t in by_df if d > 0][:4]


def _walk_as_counted(index: DuplicateIndex, text: str, k: int) -> set[int]:
    """The candidates of a look-up by the plain reading of the walk: whole postings of the
    probes while the budget of entries lasts (the first non-empty one whatever its length);
    the ``k`` documents met most often (``Counter.most_common``)."""
    from console.services.knowledge import duplicates

    walked: list[int] = []
    budget = duplicates._POSTINGS_BUDGET
    for t in _probes(index, text):
        budget -= len(index._postings[t])
        if budget < 0 and walked:
            break
        walked.extend(index._postings[t])
    return {doc for doc, _ in Counter(walked).most_common(k)}


def test_candidates_and_cosines_are_those_of_the_plain_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The look-up's candidates and their term cosines, computed over arrays, are what the
    plain reading gives: the walk as counted term by term (``_walk_as_counted``, under budgets
    small enough to cut it, every one of them once), plus the caller's own tickets, each
    cosine as ``cosine`` computes it one ticket at a time; removed and excluded tickets are
    never candidates."""
    from console.services.knowledge import duplicates

    rng = random.Random(17)
    pieces = [WAGES, WAGES_AGAIN, NOISE, NOISE_NEIGHBOUR, PENSION, BRIDGE]
    clauses = [c for p in pieces for c in p.split("，") if c]
    index = DuplicateIndex()
    for i in range(1500):  # past the first growth of every column
        index.add(rec(f"N{i}", f"1380000{i % 40:04d}", "，".join(rng.sample(clauses, 3))))
    for i in range(0, 1500, 7):
        index.remove(f"N{i}")
    cut = False
    for q in range(160):
        text = "，".join(rng.sample(clauses, rng.randrange(1, 4)))
        lengths = [len(index._postings[t]) for t in _probes(index, text)]
        # 20 … 99 entries; every third look-up, exactly the postings of its first few probes
        budget = sum(lengths[: 1 + q // 3 % 3]) if q % 3 == 0 else 20 + q // 2
        monkeypatch.setattr(duplicates, "_POSTINGS_BUDGET", budget)
        phone = f"1380000{q % 40:04d}"
        exclude = frozenset(f"N{j}" for j in range(q, 1500, 97)) if q % 2 else frozenset()
        query, unknown = index._term_set(index.prepare(text), create=False)
        got = index._scored(query, unknown, phone, exclude, 16)
        scores = {index.number_of(i): score for score, i, *_rare in got}
        own = {d.record.number for d in index._docs if d is not None and d.phone == phone}
        walked = {
            d.record.number
            for i in _walk_as_counted(index, text, 16)
            if (d := index._docs[i]) is not None
        }
        # every candidate sharing a weighted term, or the caller's own, is scored
        want = {m for m in walked if index.cosine(text, m) > 0} | own
        assert set(scores) == want - exclude
        for number, score in scores.items():
            assert score == pytest.approx(index.cosine(text, number), abs=1e-12)
        cut |= len(walked) < len({d for t in query for d in index._postings[t]})
    assert cut  # the budgets did cut walks short
