"""Reading a caller's words: the named places (estate, road, line) that search, routing,
duplicates and hot matters compare."""

from __future__ import annotations

import pytest

from console.services.knowledge.reading import Place, find_places, same_place


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # 家 ends a name only where it is not part of the place word 家园
        ("天心区书院路金色家园小区从早上开始停水", [("road", "书院路"), ("estate", "金色家园")]),
        ("金色家园停水，物业说不知道原因", [("estate", "金色家园")]),
        ("幸福家园二期门口堆满垃圾", [("estate", "幸福家园")]),
        ("我家小区停水", []),
        ("我住在长沙市天心区金色家园小区", [("estate", "金色家园")]),
        # 小区 after an estate's own word names the same estate
        ("王府花园小区停水", [("estate", "王府花园")]),
        ("某某小区停水", []),
        # an authority is never an estate named 府, however it is asked for
        ("希望政府尽快解决", []),
        ("恳求上级政府帮忙", []),
        # 城 in 城市, 城际, 城铁 is no estate's ending
        ("呼吁长株潭城铁增开班次", []),
        ("万科城停水", [("estate", "万科城")]),
        # a village group is named by its number (三组), not 专案组
        ("相关部门成立专案组调查", []),
        # a verb before a road is not part of its name; a flyover alone names no place
        ("建议减少红旗路的红绿灯", [("road", "红旗路")]),
        ("新建立交桥", []),
        # 街道 (a sub-district) is not a road named 街 running into a village's name
        ("西湖街道茶场村五组什么时候征地", [("village", "西湖街道茶场村五组")]),
        # a name runs on past 门口 or 楼下 to the next place word (路 of 路灯, a shop): the
        # place before the stop is still named
        ("反映金色家园小区门口路灯不亮", [("estate", "金色家园")]),
        ("东塘新村楼下烧烤店油烟扰民", [("estate", "东塘新村"), ("org", "烧烤店")]),
        ("投诉丽发新城小区旁边的搅拌站噪音扰民", [("estate", "丽发新城"), ("site", "搅拌站")]),
        # 临街 (facing the street) names no street: the estate and road before it do
        ("劳动东路魅力之城小区临街门面烧烤摊", [("road", "劳动东路"), ("estate", "魅力之城")]),
        ("临街门面噪音扰民", []),
        # a way, a distance or what someone must or wants to do is not part of a name: the
        # bus line's new route, the road it leaves, the roads a stretch runs between
        ("希望805路改道走木莲中路", [("line", "805路"), ("road", "木莲中路")]),
        ("805路中间一段不走香樟路", [("line", "805路"), ("road", "香樟路")]),
        ("小区离洞井路不到一百米", [("road", "洞井路")]),
        ("香樟路至井湾路之间的小巷", [("road", "香樟路"), ("road", "井湾路")]),
        ("学生必须横跨东四路", [("road", "东四路")]),
        ("以后不能芙蓉中路也封了吧", [("road", "芙蓉中路")]),
        ("中联重科需要建智慧产业城", [("estate", "智慧产业城")]),
        # …while a name holding such a character keeps it (走马楼, 东能华府, 至诚大厦)
        ("走马楼步行街占道经营", [("road", "走马楼步行街")]),
        ("东能华府停车难", [("estate", "东能华府")]),
        # 小区 ends an estate's name: a shop or a centre after it is a place of its own
        ("东塘新村小区烧烤店油烟扰民", [("estate", "东塘新村"), ("org", "烧烤店")]),
        (
            "金色溪泉湾小区卫生服务中心选址不合理",
            [("estate", "金色溪泉湾"), ("site", "卫生服务中心")],
        ),
        # a verb or an adverb of the account before a name is not part of it (去, 违法占用,
        # 何时办成, 一旦建成势必严重, 说找); a side of a road ends the road's name
        ("带小孩去松雅湖幼儿园要很久", [("school", "松雅湖幼儿园")]),
        ("开发商违法占用湖滨小区的绿地", [("estate", "湖滨小区")]),
        ("湖滨路以南特立路一带积水", [("road", "湖滨路"), ("road", "特立路")]),
        ("何时办成普惠性幼儿园", []),
        ("一旦建成势必严重影响本小区", []),
        ("问过物业也说找社区", []),
        ("我们居民小区没有路灯", []),
        # …while names holding such a word keep it (解放西路, 建湘路)
        ("解放西路晚上噪音大", [("road", "解放西路")]),
        ("去年建湘路就开始修", [("road", "建湘路")]),
        # a line (公交线路, 架空线路) is not a road named 路
        ("需要增加公交线路", []),
        ("小区上空的高压架空线路有辐射", []),
        # where two roads meet is a place of its own, however the crossing is said; two road
        # names run together are two roads; 十字路口 and 路口 name no road
        (
            "芙蓉南路与新姚路交叉口的路灯不亮",
            [("road", "芙蓉南路"), ("road", "新姚路"), ("junction", "新姚路×芙蓉南路")],
        ),
        (
            "天心区芙蓉南路新姚路口南边路灯不亮",
            [("road", "芙蓉南路"), ("road", "新姚路"), ("junction", "新姚路×芙蓉南路")],
        ),
        (
            "红旗路、远大路十字路口红绿灯太短",
            [("road", "红旗路"), ("road", "远大路"), ("junction", "红旗路×远大路")],
        ),
        ("三一大道十字路口经常堵车", [("road", "三一大道")]),
        # …and a name runs on no more past 路口 to the 路 of 路灯 (新姚路口路 was read)
        (
            "芙蓉南路新姚路口路灯坏了",
            [("road", "芙蓉南路"), ("road", "新姚路"), ("junction", "新姚路×芙蓉南路")],
        ),
        (
            "人民东路红旗路路口拥堵",
            [("road", "人民东路"), ("road", "红旗路"), ("junction", "人民东路×红旗路")],
        ),
        ("香樟路和井湾路都在修", [("road", "香樟路"), ("road", "井湾路")]),
    ],
)
def test_the_places_a_caller_names(text: str, places: list[tuple[str, str]]) -> None:
    assert [(p.kind, p.name) for p in find_places(text)] == places


def test_one_estate_named_with_and_without_xiaoqu_is_the_same_place() -> None:
    [a] = [p for p in find_places("金色家园小区停水了") if p.kind == "estate"]
    [b] = [p for p in find_places("金色家园停水，请尽快恢复") if p.kind == "estate"]
    assert same_place(a, b)
    assert not same_place(a, Place("estate", "银色家园"))


def test_one_junction_however_its_roads_are_named_is_the_same_place() -> None:
    """A junction is the same where both its roads are, in either order, never where only one
    road is shared; its key says so (the duplicate index finds candidates by it)."""
    from console.services.knowledge.reading import place_key

    [a] = [p for p in find_places("芙蓉南路与新姚路交叉口路灯不亮") if p.kind == "junction"]
    [b] = [p for p in find_places("新姚路、芙蓉南路路口路灯坏了") if p.kind == "junction"]
    [c] = [p for p in find_places("新姚路与韶山南路交叉口路灯不亮") if p.kind == "junction"]
    assert same_place(a, b) and place_key(a) == place_key(b)
    assert not same_place(a, c) and place_key(a) != place_key(c)


@pytest.mark.parametrize(
    ("text", "trouble"),
    [
        ("金色家园小区断水两天了", "停水"),
        ("枫树山小区还是没水，小孩都没法洗澡", "停水"),
        ("书院路一带断电一晚上", "停电"),
        ("家里没电了，冰箱里的东西都坏了", "停电"),
        ("希望805路改走木莲中路", "改道"),
        ("建议302路公交改线经过火车站", "改道"),
        ("芙蓉南路新姚路附近的路灯坏了一个星期", "不亮"),
    ],
)
def test_other_words_for_a_trouble_read_as_that_trouble(text: str, trouble: str) -> None:
    """断水 and 没水 are 停水, 断电 and 没电 are 停电, 改线 and 改走 are 改道, a lamp broken
    (灯坏了) is a lamp not lit: the same trouble at one place is one matter however the caller
    words it (duplicates, hot matters)."""
    from console.services.knowledge.reading import read

    assert trouble in read(text).problems
