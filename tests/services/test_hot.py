"""Hot, sudden and emerging matters (R-ANALYTICS) on hand-made tickets: grouping by matter and
place, the heat formula, bursts against a matter's own baseline, emerging groups."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from concurrent.futures.process import BrokenProcessPool

import pytest

from console.services.analytics import hot
from console.services.analytics.hot import EMERGING, SUDDEN, HotParams, HotTicket, HotTracker, heat

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)

NOISE = (
    "投诉丽发新城小区旁边的搅拌站噪音扰民，晚上施工噪音太大，灰尘也很严重，影响休息。",
    "投诉丽发新城小区附近搅拌站噪音扰民，夜间施工粉尘污染，请尽快处理。",
    "反映丽发新城小区旁边搅拌站噪音扰民的问题，灰尘污染严重，居民晚上无法入睡。",
    "投诉丽发新城小区附近的搅拌站噪音扰民，灰尘很大，严重影响生活。",
    "丽发新城小区旁边搅拌站噪音扰民，半夜还在作业，粉尘满天。",
    "丽发新城小区附近搅拌站噪音扰民、灰尘多，请环保部门查处。",
)
PLACES = (
    "芙蓉路", "湘江世纪城", "五一广场", "梅溪湖小区", "星沙街道", "岳麓山景区", "东塘菜市场",
    "万家丽路", "开福寺社区", "坪塘镇", "洋湖湿地公园", "高桥大市场", "天心阁", "韶山路",
    "金星中学", "雨花亭小区", "黄花机场", "浏阳河大桥", "月湖公园", "望城区政务中心",
)  # fmt: skip
PROBLEMS = (
    "路灯坏了好几天不亮", "下水道堵塞污水外溢", "垃圾长期无人清运", "违章建筑占用消防通道",
    "占道经营严重影响通行", "红绿灯时间设置不合理", "积水严重行人无法通过", "树木倒伏压坏车辆",
    "健身器材损坏无人维修", "停车收费不规范",
)  # fmt: skip
BACKGROUND = tuple(f"{p}{q}，请相关部门处理。" for p in PLACES for q in PROBLEMS)
"""Months of other matters before the test's tickets: what a platform's index holds (the pair
score weighs how rare shared words are, which a near-empty index cannot tell)."""
BUS = "希望金阳巴士L827路公交车在机场大道人民东路站停靠，方便市民出行。"
OTHER = (
    "公司拖欠工资三个月，请求劳动监察部门协调。",
    "幼儿园收费标准是多少，想咨询一下学位申请。",
    "医保报销比例怎么计算，异地就医如何备案。",
)


def ticket(n: int, text: str, hours: float, phone: str | None = None, unit: str = "") -> HotTicket:
    return HotTicket(
        f"T{n:04d}", phone or f"1380000{n:04d}", text, T0 + dt.timedelta(hours=hours), unit
    )


def tracker_with_history(params: HotParams | None = None) -> HotTracker:
    tracker = HotTracker(params)
    for i, text in enumerate(BACKGROUND):
        tracker.add(ticket(5000 + i, text, hours=-24 * 120 + 2 * i))
    tracker.alerts.clear()
    return tracker


def test_r_analytics_same_matter_and_place_in_other_words_is_one_group() -> None:
    tracker = tracker_with_history()
    for i, text in enumerate(NOISE):
        tracker.add(ticket(i, text, hours=24 * i))
    for i, text in enumerate(OTHER):
        tracker.add(ticket(100 + i, text, hours=1 + i))
    groups = {tracker.group_of(f"T{i:04d}") for i in range(len(NOISE))}
    assert len(groups) == 1
    others = {tracker.group_of(f"T{100 + i:04d}") for i in range(len(OTHER))}
    assert len(others) == len(OTHER) and not others & groups
    [top] = [g for g in tracker.groups(limit=50) if "T0000" in g.numbers]
    assert top.callers == len(NOISE) and "丽发新城" in top.summary


def test_r_analytics_a_callers_own_match_joins_from_its_own_least_score() -> None:
    """Another caller's match joins from ``join_min``, the same caller's from
    ``join_min_same_caller`` (a caller's own tickets on other matters read alike: their words
    and number)."""
    first = "华强电子厂拖欠工资三个月，请求劳动监察部门协调解决。"
    again = "华强电子厂已经拖欠我们工资三个月了，请劳动监察帮忙协调。"
    probe = tracker_with_history()
    probe.add(ticket(1, first, 0, phone="13900000001"))
    own = probe._index.scored(again, "13900000001")[0][0]
    others = probe._index.scored(again, "13900000002")[0][0]

    def joined(phone: str, join_min: float, join_min_same_caller: float) -> bool:
        tracker = tracker_with_history(HotParams(join_min, join_min_same_caller))
        tracker.add(ticket(1, first, 0, phone="13900000001"))
        tracker.add(ticket(2, again, 1, phone=phone))
        return tracker.group_of("T0001") == tracker.group_of("T0002")

    assert joined("13900000002", others - 0.01, 1.0)
    assert not joined("13900000002", others + 0.01, 0.0)
    assert joined("13900000001", 1.0, own - 0.01)
    assert not joined("13900000001", 0.0, own + 0.01)


def test_r_analytics_heat_counts_callers_repeats_growth_and_persistence() -> None:
    """6 callers, 8 tickets (2 repeats), 3 new in the last 7 days, 15 days long:
    6 + 0.5·2 + 2·3 + 0.5·log2(16) = 6 + 1 + 6 + 2 = 15."""
    assert heat(6, 8, 3, dt.timedelta(days=15)) == 15.0
    tracker = tracker_with_history()
    # callers 0..5 at days 0, 3, 6, 9, 12, 15; callers 0 and 1 call again on day 15
    for i, text in enumerate(NOISE):
        tracker.add(ticket(i, text, hours=72 * i))
    tracker.add(ticket(10, NOISE[0], hours=72 * 5, phone="13800000000"))
    tracker.add(ticket(11, NOISE[1], hours=72 * 5, phone="13800000001"))
    [top] = [g for g in tracker.groups(limit=50) if "T0000" in g.numbers]
    assert (top.callers, top.tickets, top.repeats, top.growth) == (6, 8, 2, 3)
    assert top.heat == 15.0


def test_r_analytics_three_new_callers_within_hours_on_a_quiet_matter_is_sudden() -> None:
    tracker = tracker_with_history(HotParams(emerging_min=99))
    tracker.add(ticket(1, NOISE[0], hours=0))
    assert tracker.add(ticket(2, NOISE[1], hours=1)) == []
    raised = tracker.add(ticket(3, NOISE[2], hours=2.5))  # the third new caller in 6 h
    assert [a.kind for a in raised] == [SUDDEN]
    assert raised[0].numbers == ("T0001", "T0002", "T0003") and raised[0].callers == 3
    assert [a.kind for a in tracker.add(ticket(4, NOISE[3], hours=3))] == []  # one per burst


def test_r_analytics_the_same_callers_spread_over_days_raise_no_sudden_alert() -> None:
    tracker = tracker_with_history(HotParams(emerging_min=99))
    for i, text in enumerate(NOISE):
        assert tracker.add(ticket(i, text, hours=24 * i)) == []


def test_r_analytics_repeats_of_one_caller_are_no_burst() -> None:
    tracker = tracker_with_history()
    for i in range(5):
        assert tracker.add(ticket(i, NOISE[i], hours=0.5 * i, phone="13912345678")) == []


def test_r_analytics_a_busy_matter_needs_a_burst_against_its_own_baseline() -> None:
    """30 callers over the last 30 days: 30 · 6 h / 30 d = 0.25 expected per 6 h, so the line is
    max(3, 3·0.25 + 1) = 3; with 240 over 30 days it is 3·2 + 1 = 7."""
    params = HotParams(emerging_min=999)
    busy = tracker_with_history(params)
    for i in range(240):  # 8 new callers a day for 30 days
        busy.add(ticket(i, NOISE[i % len(NOISE)], hours=-24 * 30 + 3 * i))
    busy.alerts.clear()
    start = 1000
    raised = []
    for j in range(7):
        raised += busy.add(ticket(start + j, NOISE[j % len(NOISE)], hours=12 + 0.5 * j))
    # the regular 8 a day at 3-hour steps already put 2 new callers in each 6 h window
    assert [a.kind for a in raised] == [SUDDEN]
    assert raised[0].at == T0 + dt.timedelta(hours=12 + 0.5 * 6)  # the 7th in the window


def test_r_analytics_a_new_group_that_keeps_growing_is_emerging() -> None:
    tracker = tracker_with_history(HotParams(burst_min=99))
    kinds = []
    for i, text in enumerate(NOISE[:4]):
        kinds += [a.kind for a in tracker.add(ticket(i, text, hours=30 * i))]
    assert kinds == [EMERGING]  # 4 callers within 4 days, 2 of them in the last 72 h


def test_r_analytics_a_unit_sees_only_its_own_tickets_of_a_group() -> None:
    tracker = tracker_with_history()
    for i, text in enumerate(NOISE):
        tracker.add(ticket(i, text, hours=i, unit="hn-zjt" if i % 2 else "hn-rst"))
    tracker.add(ticket(50, BUS, hours=1, unit="hn-jtt"))
    [mine] = tracker.groups(unit_id="hn-rst")
    assert mine.numbers == ("T0000", "T0002", "T0004") and mine.units == ("hn-rst",)
    assert tracker.groups(unit_id="hn-none") == []
    for a in tracker.recent_alerts(T0 - dt.timedelta(days=1), unit_id="hn-rst"):
        assert set(a.numbers) <= {"T0000", "T0002", "T0004"}


WATER = (
    "天心区书院路金色家园小区从早上开始停水，没有任何通知。",
    "金色家园小区停水了，什么时候来水？",
    "书院路金色家园小区停水一上午了，老人孩子没水用。",
    "金色家园停水，物业说不知道原因，请尽快恢复供水。",
)


def test_r_analytics_one_estate_and_one_trouble_in_few_shared_words_is_one_sudden_matter() -> None:
    """Four callers in two hours about 金色家园 having no water, each in their own words (their
    duplicate scores are near 0): one group, and a sudden alert; the same trouble at another
    estate, and a general word (投诉) at the same estate, stay apart."""
    tracker = tracker_with_history()
    for i, text in enumerate(WATER):
        tracker.add(ticket(200 + i, text, hours=0.5 * i))
    group = {tracker.group_of(f"T{200 + i:04d}") for i in range(len(WATER))}
    assert len(group) == 1
    assert any(a.kind == SUDDEN for a in tracker.alerts)
    tracker.add(ticket(300, "银色家园小区停水两天了", hours=3))
    tracker.add(ticket(301, "投诉金色家园小区物业乱收停车费", hours=3.5))
    assert tracker.group_of("T0300") not in group and tracker.group_of("T0301") not in group


STREET_LIGHT = (
    "长沙市天心区芙蓉南路与新姚路交叉口往南一百米的路灯已经连续一个星期晚上不亮了，晚上走路很危险。",
    "天心区芙蓉南路新姚路口南边路灯一直不亮，好几天了，请派人修一下。",
    "芙蓉南路新姚路附近的路灯坏了一个星期，晚上黑漆漆的，很不安全。",
)


def test_r_analytics_three_callers_at_one_junction_in_their_own_words_are_one_sudden_matter() -> (
    None
):
    """Three callers within an hour about the street light at the junction of 芙蓉南路 and
    新姚路, each naming the crossing and the trouble in their own way (交叉口 / 路口 / 附近;
    不亮 / 坏了): one group and a sudden alert — a road is too long to be one place, its
    junction with another is not. The same trouble at another junction of 新姚路 stays apart."""
    tracker = tracker_with_history()
    for i, text in enumerate(STREET_LIGHT):
        tracker.add(ticket(600 + i, text, hours=0.3 * i))
    group = {tracker.group_of(f"T{600 + i:04d}") for i in range(len(STREET_LIGHT))}
    assert len(group) == 1
    assert [a.numbers for a in tracker.alerts if a.kind == SUDDEN] == [("T0600", "T0601", "T0602")]
    tracker.add(ticket(610, "新姚路与韶山南路交叉口的路灯不亮，晚上很黑", hours=1))
    assert tracker.group_of("T0610") not in group


def test_r_analytics_a_tickets_group_is_read_from_the_ticket_and_scoped_to_a_unit() -> None:
    """The ticket screen asks for the group of the ticket it shows: its other tickets, as the
    hot list ranks them; a unit reads its own tickets of it only, and nothing for a ticket
    of another unit or a ticket alone in its group."""
    tracker = tracker_with_history()
    units = ("cs-yhb", "cs-yhb", "hn-zjt")
    for i, text in enumerate(STREET_LIGHT):
        tracker.add(ticket(600 + i, text, hours=0.3 * i, unit=units[i]))
    whole = tracker.group_with("T0601")
    assert whole is not None and whole.numbers == ("T0600", "T0601", "T0602")
    assert whole == next(g for g in tracker.groups(limit=500) if "T0601" in g.numbers)
    mine = tracker.group_with("T0601", unit_id="cs-yhb")
    assert mine is not None and mine.numbers == ("T0600", "T0601") and mine.callers == 2
    assert tracker.group_with("T0602", unit_id="cs-yhb") is None  # another unit's ticket
    assert tracker.group_with("T0602", unit_id="hn-zjt") is None  # alone in its unit's part
    tracker.add(ticket(620, "公司拖欠工资三个月，请求劳动监察部门协调。", hours=2))
    assert tracker.group_with("T0620") is None and tracker.group_with("nope") is None


def test_r_analytics_a_place_and_trouble_a_month_old_starts_a_new_matter() -> None:
    tracker = tracker_with_history()
    tracker.add(ticket(400, WATER[0], hours=0))
    tracker.add(ticket(401, WATER[3], hours=24 * 40))
    assert tracker.group_of("T0400") != tracker.group_of("T0401")


def test_r_analytics_a_replay_reading_ahead_in_other_processes_groups_as_one_add_after_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A large replay reads the texts in other processes: the same groups and the same alerts
    as the tickets added one after another (reading is pure)."""
    tickets = [ticket(5000 + i, t, hours=-24 * 120 + 2 * i) for i, t in enumerate(BACKGROUND)]
    tickets += [ticket(i, t, hours=24 * i) for i, t in enumerate(NOISE)]
    tickets += [ticket(200 + i, t, hours=0.5 * i) for i, t in enumerate(WATER)]
    tickets += [ticket(300 + i, t, hours=1 + i) for i, t in enumerate(OTHER)]
    one_by_one = hot.replay(tickets, workers=0)
    monkeypatch.setattr(hot, "PARALLEL_MIN", 10)
    monkeypatch.setattr(hot, "_BATCH", 16)
    read_ahead = hot.replay(tickets, workers=2)
    assert [read_ahead.group_of(t.number) for t in tickets] == [
        one_by_one.group_of(t.number) for t in tickets
    ]
    assert read_ahead.alerts == one_by_one.alerts and one_by_one.alerts
    assert read_ahead.groups() == one_by_one.groups()


def test_r_analytics_a_reader_process_writes_nothing_to_the_consoles_terminal() -> None:
    """Readers are started from a console whose terminal they share: whatever a reader would
    print (a failure's traceback) goes nowhere, and a Ctrl+C is the console's, not theirs."""
    read_end, write_end = os.pipe()
    probe = (
        "import os, signal, sys\n"
        "from console.services.analytics.hot import _quiet_reader\n"
        "_quiet_reader()\n"
        "print('out'); sys.stdout.flush(); sys.stderr.write('err\\n'); sys.stderr.flush()\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        f"os.write({write_end}, b'alive')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, pass_fds=(write_end,), timeout=60
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as survived:
        assert survived.read() == b"alive"
    assert done.returncode == 0 and done.stdout == b"" and done.stderr == b""


class _BrokenPool:
    """A process pool whose processes died at once."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __enter__(self) -> _BrokenPool:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def submit(self, *args: object, **kwargs: object) -> None:
        raise BrokenProcessPool("a reader died")


def _no_pool(*args: object, **kwargs: object) -> None:
    raise OSError("no processes here")


@pytest.mark.parametrize("pool", [_no_pool, _BrokenPool], ids=["no processes", "processes died"])
def test_r_analytics_a_replay_without_other_processes_reads_the_texts_itself(
    monkeypatch: pytest.MonkeyPatch, pool: object
) -> None:
    monkeypatch.setattr(hot, "ProcessPoolExecutor", pool)
    monkeypatch.setattr(hot, "PARALLEL_MIN", 10)
    tickets = [ticket(i, t, hours=0.5 * i) for i, t in enumerate(WATER * 3)]
    tracker = hot.replay(tickets, workers=2)
    assert len(tracker) == len(tickets)
    assert any(a.kind == SUDDEN for a in tracker.alerts)


LEAK = (
    "反映东塘新村地下室漏水严重，物业一直不管，请相关部门尽快处理。",
    "东塘新村车库渗水，墙面发霉长毛，停在下面的车都泡了。",
    "东塘新村地下室漏水严重物业一直不管，车库渗水墙面发霉长毛，车都泡了。",
)
"""Two wordings of one leak that do not match each other, and a ticket saying both."""


def _consistent(group: hot._Group) -> None:
    """A group's tickets in (time, number, caller) order unless some came out of order (then
    as they came); each caller's first time, the callers seen and the newcomers' times agree
    with them."""
    rows = list(zip(group.times, group.numbers, group.callers, strict=True))
    if group.ordered:
        assert rows == sorted(rows)
    first: dict[str, dt.datetime] = {}
    for t, _, c in sorted(rows):
        first.setdefault(c, t)
    assert group.first == first and group.seen == set(first)
    assert group.newcomers == sorted(first.values())


@pytest.mark.parametrize(
    ("second", "shuffle"),
    [(70, False), (10, False), (70, True)],
    ids=["two-large-groups", "a-small-group-into-a-large-one", "out-of-order"],
)
def test_r_analytics_groups_merged_in_order_are_those_sorted_whole(
    monkeypatch: pytest.MonkeyPatch, second: int, shuffle: bool
) -> None:
    """70 callers word a leak at 东塘新村 one way over three days; weeks later ``second`` more
    word it another way (two groups); weeks after, tickets saying both make them one. Merged
    by inserting the smaller group's tickets (up to ``_MERGE_INSERTS``) or by sorting both
    (larger ones; groups whose tickets came out of order): the merged group holds every ticket
    in order with each caller's first time, and the same tickets, callers, newcomers and alerts
    as when every merge sorts both."""
    import random

    rng = random.Random(5)
    tickets = []
    for i in range(70 + second + 10):
        kind = 0 if i < 70 else 1 if i < 70 + second else 2
        tickets.append(
            ticket(
                i, LEAK[kind], hours=24 * 40 * kind + rng.uniform(0, 72),
                phone=f"13900{rng.randrange(90):06d}",
            )
        )  # fmt: skip
    arrival = sorted(tickets, key=lambda t: (t.at, t.number))
    if shuffle:  # the later ones out of order
        arrival = arrival[:60] + rng.sample(arrival[60:], len(arrival) - 60)
    runs = []
    for inserts in (hot._MERGE_INSERTS, -1):  # -1: every merge sorts both groups
        monkeypatch.setattr(hot, "_MERGE_INSERTS", inserts)
        tracker = tracker_with_history()
        for t in arrival:
            tracker.add(t)
        [gid] = {tracker.group_of(t.number) for t in tickets}  # one matter at the end
        group = tracker._groups[gid]
        assert sorted(group.numbers) == sorted(t.number for t in tickets)
        _consistent(group)
        assert group.ordered == (not shuffle)  # a merge in order keeps it; sorting makes it
        # the group counts its tickets the index holds (each wording's first three in order)
        assert group.exemplars == sum(n in tracker._index for n in group.numbers)
        assert shuffle or group.exemplars == 2 * 3
        assert group.summary == summary_of_first(tickets)
        runs.append(tracker)
    fast, whole = runs
    assert [(g.numbers, g.times, g.callers, g.newcomers, g.seen) for g in fast._groups] == [
        (g.numbers, g.times, g.callers, g.newcomers, g.seen) for g in whole._groups
    ]
    assert fast.alerts == whole.alerts
    assert fast.groups(limit=100) == whole.groups(limit=100)


def summary_of_first(tickets: list[HotTicket]) -> str:
    """The summary a group of these tickets shows: its earliest ticket's words."""
    return hot.summary_of(min(tickets, key=lambda t: (t.at, t.number)).text)


def test_r_analytics_a_merged_group_is_found_through_its_tickets_and_its_place() -> None:
    """Once a group went into another (a ticket naming both matters bridges them), its tickets
    are the other's, and a new call about its estate and trouble in other words (found by the
    place and trouble, not by the words) joins the group it went into."""
    tracker = tracker_with_history()
    for i, text in enumerate(NOISE[:3]):
        tracker.add(ticket(600 + i, text, hours=i))
    for i, text in enumerate(WATER[:2]):
        tracker.add(ticket(700 + i, text, hours=4 + i))
    noise, water = tracker.group_of("T0600"), tracker.group_of("T0700")
    assert noise is not None and water is not None and noise != water
    tracker._merge(noise, water)  # what a bridging ticket does
    numbers = ("T0600", "T0601", "T0602", "T0700", "T0701")
    assert {tracker.group_of(n) for n in numbers} == {noise}
    tracker.add(ticket(703, WATER[3], hours=7))  # the same estate and trouble, other words
    tracker.add(ticket(702, WATER[2], hours=7.5))  # close in words to the water tickets
    assert tracker.group_of("T0702") == noise and tracker.group_of("T0703") == noise
    [top] = [g for g in tracker.groups(limit=50) if "T0700" in g.numbers]
    assert set(numbers) | {"T0702", "T0703"} <= set(top.numbers)


ESTATES = ("东塘新村", "书香苑", "银杏小区", "金色家园")


def _four_estates_after_one_naming_none(words: str) -> tuple[HotTracker, list[int | None]]:
    """A tracker that saw ``words`` at 小区 (no estate named: T0000), then at each of
    ``ESTATES`` half an hour apart (T0001 …), and the groups of those four."""
    tracker = tracker_with_history()
    tracker.add(ticket(0, words.format("小区"), hours=0))
    for i, estate in enumerate(ESTATES, start=1):
        tracker.add(ticket(i, words.format(estate), hours=i / 2))
    return tracker, [tracker.group_of(f"T{i:04d}") for i in range(1, len(ESTATES) + 1)]


def test_r_analytics_a_group_is_not_chained_across_estates_through_a_ticket_naming_none() -> None:
    """The same trouble in the same words at four named estates, after a ticket naming no
    estate: each estate is its own matter. The ticket naming none matches every one of them
    in words, and each named estate matches it (no place to disagree on); a group is one
    matter at one place, so a ticket naming another estate than the group's is not let in
    through it, and a ticket naming none does not make two estates' groups one."""
    leak = "反映{}地下室漏水严重，物业一直不管，请相关部门尽快处理。"
    tracker, groups = _four_estates_after_one_naming_none(leak)
    assert len(set(groups)) == len(ESTATES)
    # another ticket naming none matches them all: it joins one, and merges none of them
    tracker.add(ticket(8, leak.format("小区").replace("反映", "再次反映"), hours=2.5))
    assert tracker.group_of("T0008") in groups
    assert [tracker.group_of(f"T{i:04d}") for i in range(1, len(ESTATES) + 1)] == groups
    # the same estate again, in other words, still joins its own
    tracker.add(ticket(9, "书香苑小区地下室又漏水了，物业不管不问", hours=3))
    assert tracker.group_of("T0009") == tracker.group_of("T0002")


def test_r_analytics_groups_merged_keep_the_places_of_both() -> None:
    """A ticket naming no estate bridges a group naming none and a group at 东塘新村: the one
    group they become is at 东塘新村, so the same leak at 书香苑 is another matter, and the
    same leak at 东塘新村 is the same."""
    tracker = tracker_with_history()
    texts = [
        "反映小区地下室漏水严重，物业一直不管，请相关部门尽快处理。",
        "东塘新村车库渗水，墙面发霉长毛，停在下面的车都泡了。",
        "小区地下室漏水严重物业一直不管，车库渗水墙面发霉长毛，车都泡了。",  # both
    ]
    for i, text in enumerate(texts):
        tracker.add(ticket(i, text, hours=i))
    merged = tracker.group_of("T0000")
    assert tracker.group_of("T0001") == tracker.group_of("T0002") == merged
    tracker.add(ticket(3, "反映书香苑地下室漏水严重，物业一直不管，请相关部门尽快处理。", hours=3))
    assert tracker.group_of("T0003") != merged
    # and 东塘新村 again (in the first ticket's words, with a trouble word its own ticket
    # did not use) joins it
    tracker.add(
        ticket(4, "反映东塘新村地下室漏水严重，物业一直不管，请相关部门尽快处理。", hours=4)
    )
    assert tracker.group_of("T0004") == merged


def test_r_analytics_two_groups_at_one_estate_bridged_by_a_ticket_become_one() -> None:
    """Two wordings of a leak at 东塘新村 weeks apart are two groups; a ticket that says both
    makes them one (they name the same estate: nothing keeps them apart)."""
    tracker = tracker_with_history()
    texts = [
        "反映东塘新村地下室漏水严重，物业一直不管，请相关部门尽快处理。",
        "东塘新村车库渗水，墙面发霉长毛，停在下面的车都泡了。",
        "东塘新村地下室漏水严重物业一直不管，车库渗水墙面发霉长毛，车都泡了。",
    ]
    for i, text in enumerate(texts[:2]):
        tracker.add(ticket(i, text, hours=24 * 40 * i))
    assert tracker.group_of("T0000") != tracker.group_of("T0001")
    tracker.add(ticket(2, texts[2], hours=24 * 80))
    assert tracker.group_of("T0000") == tracker.group_of("T0001") == tracker.group_of("T0002")


def test_r_analytics_a_shop_named_by_its_trade_does_not_make_estates_one_place() -> None:
    """The barbecue shop below four estates: each names 烧烤店 (a trade, not a shop's name)
    and its own estate, so each estate is its own matter; the same estate again joins its
    own, whichever road it names beside it."""
    smoke = "反映{}楼下烧烤店油烟扰民，请相关部门尽快处理。"
    tracker, groups = _four_estates_after_one_naming_none(smoke)
    assert len(set(groups)) == len(ESTATES)
    tracker.add(ticket(9, "芙蓉路书香苑楼下烧烤店油烟扰民，请相关部门尽快处理。", hours=3))
    assert tracker.group_of("T0009") == tracker.group_of("T0002")
    # (weeks later: by its words, not by a recent ticket on the estate and trouble)
    tracker.add(ticket(10, "韶山路书香苑楼下烧烤店油烟扰民，请相关部门尽快处理。", hours=24 * 40))
    assert tracker.group_of("T0010") == tracker.group_of("T0002")


def test_r_analytics_a_water_cut_in_other_words_joins_its_estate() -> None:
    """没水 at an estate where 停水 was reported hours before is the same matter (the same
    estate and the same trouble, in few shared words), and a third caller makes it sudden."""
    tracker = tracker_with_history()
    tracker.add(ticket(1, "雨花区枫树山小区从昨晚开始停水，物业说不清楚什么时候来水。", hours=0))
    tracker.add(
        ticket(2, "枫树山小区停水一天了，没有任何通知，请督促供水公司尽快恢复供水。", hours=1)
    )
    raised = tracker.add(ticket(3, "枫树山小区还是没水，已经一天一夜了，小孩都没法洗澡。", hours=2))
    assert tracker.group_of("T0003") == tracker.group_of("T0001") == tracker.group_of("T0002")
    assert [a.kind for a in raised] == [SUDDEN]


def test_r_analytics_a_group_is_summed_up_by_its_first_callers_words_without_courtesy() -> None:
    """The hot list's line for a group: its first ticket's words, courtesy stripped, spaces
    folded, cut at 40 characters with "…" (a line of exactly 40 is whole); a text of courtesy
    alone is kept as it is."""
    tracker = tracker_with_history()
    tracker.add(ticket(1, "您好，我想反映芙蓉路井盖丢了  好几天没人管的问题，谢谢！", hours=0))
    [group] = [g for g in tracker.groups(min_callers=1, limit=1000) if "T0001" in g.numbers]
    assert group.summary == "芙蓉路井盖丢了 好几天没人管的问题，"
    assert hot.summary_of("路" * 40) == "路" * 40
    assert hot.summary_of("路" * 41) == "路" * 40 + "…"
    assert hot.summary_of("  您好，谢谢 ") == "您好，谢谢"


def test_r_analytics_a_ticket_moved_to_another_unit_counts_for_that_unit() -> None:
    """A ticket re-dispatched from 人社厅 to 住建厅 is 住建厅's in the hot list; moving a ticket
    the tracker never saw changes nothing (it is not added to any group by the move)."""
    tracker = tracker_with_history()
    for i, text in enumerate(NOISE[:3]):
        tracker.add(ticket(i, text, hours=i, unit="hn-rst"))
    assert "T0001" in tracker and "T0999" not in tracker
    tracker.set_unit("T0001", "hn-zjt")
    tracker.set_unit("T0999", "hn-zjt")
    assert "T0999" not in tracker
    [moved] = tracker.groups(unit_id="hn-zjt", min_callers=1)
    assert moved.numbers == ("T0001",)
    [kept] = tracker.groups(unit_id="hn-rst")
    assert kept.numbers == ("T0000", "T0002")


def test_r_analytics_a_callers_earlier_call_arriving_late_makes_them_no_newcomer() -> None:
    """A's call of today reaches the tracker first, then A's call of eight days ago (two seats,
    two clocks), then B's and C's of today: A first called eight days ago, so only B and C are
    new within the six hours — two, no sudden matter. Counted from A's call as it came, three
    new callers would have raised one."""
    tracker = tracker_with_history(HotParams(emerging_min=99))
    tracker.add(ticket(1, NOISE[0], hours=0, phone="13900000001"))
    tracker.add(ticket(2, NOISE[1], hours=-24 * 8, phone="13900000001"))
    tracker.add(ticket(3, NOISE[2], hours=1, phone="13900000003"))
    assert tracker.add(ticket(4, NOISE[3], hours=2, phone="13900000004")) == []
    assert len({tracker.group_of(f"T{i:04d}") for i in range(1, 5)}) == 1
    [g] = [g for g in tracker.groups(T0 + dt.timedelta(hours=2)) if "T0001" in g.numbers]
    assert (g.callers, g.tickets, g.growth) == (3, 4, 2)


def _secret(n: int, text: str, hours: float) -> HotTicket:
    return HotTicket(
        f"T{n:04d}", f"1380000{n:04d}", text, T0 + dt.timedelta(hours=hours), confidential=True
    )


def test_r_analytics_a_confidential_callers_words_never_sum_up_a_group() -> None:
    """A group opened by a confidential ticket shows （保密件）, not its words, in the hot list
    and its alerts; a second confidential ticket leaves it so; the first ordinary ticket to
    join gives it that caller's words, and a confidential one after it changes nothing."""
    tracker = tracker_with_history(HotParams(emerging_min=99))
    tracker.add(_secret(1, NOISE[0], hours=0))
    tracker.add(_secret(2, NOISE[1], hours=1))
    [g] = [g for g in tracker.groups() if "T0001" in g.numbers]
    assert g.summary == "（保密件）" and g.callers == 2
    [alert] = tracker.add(ticket(3, NOISE[2], hours=2))  # the third new caller in 6 h
    assert alert.kind == SUDDEN and alert.summary == hot.summary_of(NOISE[2])
    tracker.add(_secret(4, NOISE[3], hours=3))
    [g] = [g for g in tracker.groups() if "T0001" in g.numbers]
    assert g.summary == hot.summary_of(NOISE[2]) and g.tickets == 4


def test_r_analytics_a_matter_emerges_once_within_its_first_week() -> None:
    """Emerging: at most 7 days from the group's first ticket, 4 callers, 2 of them new within
    72 h. Callers at 0, 10, 80 and 90 h: at the fourth, those new within 72 h are the third and
    the fourth — exactly 2: emerging, once (a fifth and sixth caller raise nothing more)."""
    tracker = tracker_with_history(HotParams(burst_min=99))
    kinds = []
    for i, hours in enumerate((0, 10, 80, 90, 100, 110)):
        kinds += [(i, a.kind) for a in tracker.add(ticket(i, NOISE[i], hours=hours))]
    assert kinds == [(3, EMERGING)]


def test_r_analytics_four_callers_but_one_new_in_three_days_is_not_emerging() -> None:
    """Three callers within two hours, the fourth four days later: only one new within the
    last 72 h — the matter is not growing now."""
    tracker = tracker_with_history(HotParams(burst_min=99))
    for i, hours in enumerate((0, 1, 2)):
        tracker.add(ticket(i, NOISE[i], hours=hours))
    assert tracker.add(ticket(3, NOISE[3], hours=98)) == []


@pytest.mark.parametrize(("days", "emerges"), [(7, True), (7 + 1 / 86_400, False)])
def test_r_analytics_a_group_is_new_for_seven_days_to_the_second(
    days: float, emerges: bool
) -> None:
    """Callers at day 0, day 5, day 6 and then exactly 7 days after the first (still new: it
    emerges) or one second later (no longer new: it does not)."""
    tracker = tracker_with_history(HotParams(burst_min=99))
    for i, hours in enumerate((0, 24 * 5, 24 * 6)):
        tracker.add(ticket(i, NOISE[i], hours=hours))
    raised = tracker.add(ticket(3, NOISE[3], hours=24 * days))
    assert [a.kind for a in raised] == ([EMERGING] if emerges else [])


def test_r_analytics_the_hot_list_is_hottest_first_from_two_callers() -> None:
    """Six callers on the noise, four on the water cut, two on the bus stop, one on wages, all
    today: the list is noise, water, bus (heat falls), and a matter of one caller is not
    listed; the whole list, older matters with it, is in falling heat."""
    tracker = tracker_with_history(HotParams(burst_min=99, emerging_min=99))
    for i, text in enumerate(NOISE):
        tracker.add(ticket(i, text, hours=i))
    for i, text in enumerate(WATER):
        tracker.add(ticket(20 + i, text, hours=10 + i))
    tracker.add(ticket(30, BUS, hours=20))
    tracker.add(ticket(31, BUS, hours=21))
    tracker.add(ticket(40, OTHER[0], hours=22))
    ranked = tracker.groups(limit=100)  # with the months of other matters before them
    listed = [(g.numbers[0], g.callers) for g in ranked if g.numbers[0] < "T1000"]
    assert listed == [("T0000", 6), ("T0020", 4), ("T0030", 2)]
    assert [g.heat for g in ranked] == sorted((g.heat for g in ranked), reverse=True)
    assert all(g.callers >= 2 for g in ranked)


def test_r_analytics_a_unit_sees_the_alerts_on_its_own_tickets_only() -> None:
    """A sudden matter on three tickets, two of 人社厅 and one of 住建厅: 人社厅 sees the alert
    with its two tickets (two callers), 住建厅 with its one, 交通厅 none; an alert raised at the
    very moment asked from is shown."""
    tracker = tracker_with_history(HotParams(emerging_min=99))
    tracker.add(ticket(1, NOISE[0], hours=0, unit="hn-rst"))
    tracker.add(ticket(2, NOISE[1], hours=1, unit="hn-zjt"))
    [alert] = tracker.add(ticket(3, NOISE[2], hours=2, unit="hn-rst"))
    since = alert.at
    [mine] = tracker.recent_alerts(since, unit_id="hn-rst")
    assert (mine.numbers, mine.callers, mine.kind) == (("T0001", "T0003"), 2, SUDDEN)
    [theirs] = tracker.recent_alerts(since, unit_id="hn-zjt")
    assert theirs.numbers == ("T0002",)
    assert tracker.recent_alerts(since, unit_id="hn-jtt") == []
    assert tracker.recent_alerts(since) == [alert]
    assert tracker.recent_alerts(since + dt.timedelta(seconds=1)) == []
