"""Reading a caller's words: what is said about what, and where.

Real requests wrap one matter in courtesy and filler (尊敬的领导您好，我想反映一个问题……
谢谢！). Everything that matches or routes a request reads it through here first:

- ``core``: the words without salutations, courtesy, self-introduction and filler, so that
  search, routing and duplicate detection weigh the matter, not the manners;
- ``places``: the named places the request is about (an estate, a road, a bus line, a school,
  a village group, a company, a shop, a project …), folded, with their kind;
- ``objects`` and ``problems``: the catalogue terms the request names (路灯, 公交线路, 油烟)
  and the trouble it reports (不亮, 调整, 扰民), which together say the matter (路灯不亮).

Pure and fast (regular expressions over the first ``MAX_CHARS`` characters); no segmenter
is loaded on any path a keystroke takes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from console.services.knowledge.text import normalize

if TYPE_CHECKING:
    from console.services.knowledge.catalogue import Catalogue

MAX_CHARS = 1500

# Courtesy and filler, most specific first. Each pattern is removed where it matches; what is
# left keeps its own characters (so the operator's words stay as typed).
_PUNCT = r"[，,。.！!？?：:；;、\s]*"
_COURTESY: tuple[str, ...] = (
    # salutations: 尊敬的（各位）领导/市长/书记/工作人员（们）（您好）
    r"(?:尊敬的|敬爱的|亲爱的)[^，,。！!：:\n]{0,14}?"
    r"(?:领导|市长|书记|主任|局长|区长|县长|同志|政府|工作人员|部门|网站|平台)(?:们)?"
    r"(?:您们好|你们好|您好|你好|好)?" + _PUNCT,
    r"(?:各位|相关|有关)?(?:领导|市长|书记|工作人员)(?:们)?(?:您们好|你们好|您好|你好|好)" + _PUNCT,
    r"(?:您们好|你们好|您好|你好|大家好)" + _PUNCT,
    # self-introduction: 我是……的业主/居民/市民/村民/家长/员工
    r"我(?:们)?(?:是|系)[^，,。！!\n]{0,24}?"
    r"(?:业主|居民|市民|村民|家长|员工|职工|学生|住户|群众|老百姓|租户|商户)(?:之一|代表)?"
    + _PUNCT,
    # announcing the call: 我（想/要）（向您）反映/咨询/投诉/举报（一下）（一个）（问题/情况/事）
    r"(?:(?:我|本人|我们)(?:想|要|特|特此|在此|现)?|(?:想|要|特此|在此))"
    r"(?:向(?:您|你们|领导|政府|有关部门|相关部门))?"
    r"(?:反映|反应|咨询|询问|请教|了解|投诉|举报|求助|建议|留言|问)(?:一下|下)?"
    r"(?:一个|个|一件|件|几个)?(?:问题|情况|事情|事)?" + _PUNCT,
    r"请问(?:一下)?" + _PUNCT,
    r"(?:麻烦|劳烦)(?:您|你们|领导|政府|相关部门|有关部门)?(?:了)?" + _PUNCT,
    # closing: 谢谢/感谢（您/领导）（的关注/百忙之中……）
    r"(?:非常|十分|万分)?(?:感谢|谢谢|多谢)(?:您|你们|领导|政府|各位)?(?:的)?"
    r"(?:关注|关心|支持|帮助|回复|解答|百忙之中|在百忙之中)?(?:了)?" + _PUNCT,
    r"(?:望|希望|恳请|请|盼|急盼|期待)(?:领导|政府|相关部门|有关部门|贵单位|你们|您)?"
    r"(?:能|能够|尽快|早日|及时)?(?:给予|予以)?(?:回复|答复|回应|解答|重视|关注)"
    r"(?:为盼|为谢|是盼)?" + _PUNCT,
    r"此致敬礼|此致|敬礼",
)
_COURTESY_RE = re.compile("|".join(f"(?:{p})" for p in _COURTESY))
# Anonymised areas of the sample data and the province's own name: where, never what.
_AREA_CODE = re.compile(r"(?<![a-z0-9])[a-z]\d{0,2}[市区县](?![a-z0-9])|西地省|湖南省", re.I)

# Named places: a run of name characters ending in a place word (the last one within reach:
# 王府花园, not 王府), split where a road name runs into an estate's (车站北路 | 王府花园).
_PLACE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("estate", ("小区", "花园", "家园", "公寓", "大厦", "新城", "新村", "山庄", "公馆", "名苑",
                "名城", "雅苑", "国际", "苑", "府", "庭", "湾", "城")),
    ("road", ("大道", "路", "街", "巷", "大桥", "桥", "隧道", "立交")),
    ("school", ("小学", "中学", "学校", "幼儿园", "学院", "大学", "附中", "附小")),
    ("village", ("社区", "街道", "村", "组", "镇", "乡")),
    ("org", ("医院", "公司", "集团", "银行", "酒店", "宾馆", "超市", "商场", "市场", "工厂",
             "会所", "厂", "店", "馆")),
    ("site", ("项目", "工地", "公园", "广场", "地铁站", "车站", "中心", "夜市", "站")),
)  # fmt: skip
_KIND_OF = {w: kind for kind, words in _PLACE_WORDS for w in words}
_WORDS = sorted(_KIND_OF, key=len, reverse=True)
# A one-character place word that begins a longer word is not a place word there
# (城市, 城际, 城管; 村委; 站长; 庭审; 路灯: 200米路灯 is no road named 200米路).
_NOT_BEFORE = {
    "城": "市际铁区管乡中镇投建", "村": "委民", "站": "长岗", "庭": "审院", "府": "办", "路": "灯"
}  # fmt: skip


def _word_pattern(word: str) -> str:
    after = _NOT_BEFORE.get(word)
    return re.escape(word) + (f"(?![{after}])" if after else "")


_PLACE_RE = re.compile(rf"[\u4e00-\u9fff0-9a-z]{{2,14}}(?:{'|'.join(map(_word_pattern, _WORDS))})")
# A village group (村民小组) is named by its number: 三组, 5组 (not 专案组, 编组).
_GROUP = re.compile(r"[0-9一二三四五六七八九十]+组$")
_ROAD_IN_NAME = re.compile(
    r"^(.{2,8}?(?:大道|路|街(?!道)))(.{2,}(?:"
    + "|".join(map(re.escape, [w for w in _WORDS if _KIND_OF[w] != "road"]))
    + r"))$"
)
# Two roads run together: 芙蓉南路新姚路(口) is 芙蓉南路 and 新姚路.
_TWO_ROADS = re.compile(r"^(.{2,8}?(?:大道|路|街(?!道)))(.{2,8}?(?:大道|路|街(?!道)))$")
# Where two roads meet: the words between the two names, and the words after the second.
_JOINED_BY = re.compile(r"(?:与|和|跟|同|及|/|、|x|×)?")
_JUNCTION_AFTER = re.compile(
    r"(?:交叉路口|交叉口|交汇处|交汇口|交界处|交界口|十字路口|丁字路口|岔路口|路口|口|附近|一带)"
)
_BUS_LINE = re.compile(r"(?:公交)?(?:[a-z]?\d{1,3})(?:路|号线)(?:公交|公交车|线路|车)?")
# Where a name cannot begin: after these characters and words.
_NAME_STOP = re.compile(
    r".*(的|在|住|是|于|了|和|与|及|对|把|被|从|向|到|给|我|们|家(?!园)|位|个|这|那|该|有|让|"
    r"请|为|因|将|已|由|近|旁|边|前|后|里|内|外|各|某|附|反映|反馈|投诉|举报|关于|咨询|"
    r"楼下|门口|(?<=[路街道])口(?!镇)|对面|旁边|附近|期间|以来|目前|现在|今年|去年|\d+[年月日号]|"
    r"解决|减少|通过|绕道|做好|打电话|修建|新建|建议|希望|恳求|确保|要求|呼吁|感谢|配合|"
    r"同时|而|又|很多|多所|其他|其它|以上|"
    # a way or a distance: 改道走|木莲中路, 离|洞井路, 香樟路至|井湾路, 经过|特立路
    r"走(?!马)|绕路|绕过|离|距离|至(?![诚尊])|经过|途经|必经|沿|横跨|横穿|穿过|穿越|"
    # what someone must, may or wants to do there: 必须|横跨东四路, 需要建|智慧产业城 (at one
    # position the first alternative that fits is taken: 不能 before 不, or 能 stays in the name)
    r"不能|能够|只能|能否|不|没|要(?:建)?|必须|应当|应该|应|可以|或者|"
    r"按照|根据|导致|甚至|争取|增加|设置|告知|进入|影响|缓解|拓宽|拉通|拟建|新建|改建|搭建|筹建|增建|开建|"
    # a verb or an adverb of the account before the name: 去|大医院, 问|购买公寓, 造成拥堵以|楚府路,
    # 何时办成|普惠性幼儿园, 一旦建成势必严重|本小区
    r"去|问|说|跟|找|见|搞|算上|造成|一旦|势必|严重|保证|提高|唯独|变成|办成|建成|决定|如何|何时|"
    r"延长|进行|名义|严格|限定|无法|确认|用来|购买|破坏|宣传|统一|规范|占用|施工|开发商|租赁|"
    r"违法|设立|方便|一所|小时|中间|"
    # a side of a road, a unit of a building: 湖滨路以南|特立路, 3期西侧|市政道路, 2栋2单元|超市
    r"以[东南西北]|[东南西北]侧|\d+栋|单元)"
)
_GENERIC_PLACES = frozenset(
    {"小区", "学校", "社区", "街道", "公司", "医院", "市场", "附近", "本小区", "这个小区",
     "马路", "道路", "公路", "小学", "中学", "幼儿园", "工地", "项目", "公园", "车站",
     "立交桥", "天桥", "人行天桥"}
)  # fmt: skip


# A city, district or county before a name says where it is, not which it is.
_LEADING_AREA = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,6}?[省市州])?[\u4e00-\u9fff]{1,4}?[区县](?=[\u4e00-\u9fff]{3,})"
)

# A name whose part before the place word is only a common word names no place of its own
# (新建小区, 周边小区, 物业公司, 自来水公司, 希望政府 …).
_GENERIC_STEM = re.compile(
    r"^(?:新建|周围|周边|附近|安置|老旧|整个|这个|那个|我们|我家|本|该|其他|其它|各|所有|多个|"
    r"一些|部分|相关|有关|当地|本地|外地|物业|物业服务|自来水|供水|供电|电力|燃气|开发|房地产|"
    r"物流|建筑|施工|市政|环卫|保安|家政|中介|装修|一个|个别|大型|小型|私立|公立|公办|民办|"
    r"城中|城区|市区|县城|乡下|农村|城市|居民|辖区|配套|重点|装饰|维保|煤气|分流|"
    r"普惠性?|营利性|非营利性|政府|希望政府|.*政府)$|政府$"
)

# What is wrong: the trouble words a request reports (kept short; a matter is object+trouble).
PROBLEMS: tuple[str, ...] = (
    "不亮", "坏了", "损坏", "破损", "故障", "停运", "停水", "停电", "漏水", "渗水", "开裂",
    "扰民", "噪音", "噪声", "油烟", "臭", "污染", "积水", "堵塞", "堵", "拥堵", "违停",
    "违建", "违章", "私搭", "占道", "占用", "拖欠", "欠薪", "不作为", "乱收费", "多收",
    "退费", "退款", "虚假宣传", "延期", "逾期", "烂尾", "拆除", "调整", "开通", "延伸",
    "增设", "取消", "撤销", "改道", "迁移", "搬迁", "修建", "建设", "打通", "硬化", "维修",
    "改造", "安装", "加装", "不发", "未发", "没有发放", "补贴", "报销", "办理", "办不了",
    "转移", "缴纳", "补缴", "断缴", "审批", "规划", "变更", "安全隐患", "隐患", "危险",
    "无证", "无照", "非法", "违规", "违法", "投诉", "举报", "偷排", "扬尘", "夜间施工",
)  # fmt: skip
GENERIC_TROUBLES = frozenset(
    {"投诉", "举报", "违法", "违规", "非法", "办理", "建设", "修建", "规划", "调整", "改造",
     "变更", "审批", "危险", "隐患", "安全隐患", "坏了", "堵"}
)  # fmt: skip
"""Trouble words too general to say that two requests at one place are one matter."""
PLACE_TROUBLE_KINDS = frozenset({"estate", "school", "line", "junction"})
"""Places named whole enough that the same one with the same specific trouble is one matter:
an estate, a school, a bus line (805路 改道), the junction of two roads (芙蓉南路与新姚路交叉口
路灯不亮) — roads are long, shops and sites are often named by their trade, a shared ending
such as 安置小区 is not one estate."""
_SAME_TROUBLE = {
    "断水": "停水", "没水": "停水", "断电": "停电", "没电": "停电", "改线": "改道", "改走": "改道",
    "灯坏了": "不亮", "灯坏": "不亮", "灯灭了": "不亮", "灯熄了": "不亮",
}  # fmt: skip
"""Other words callers use for a trouble of ``PROBLEMS``: read as that trouble (金色家园断水
and 金色家园停水 are one matter; 805路改走木莲中路 and 805路改道 one request; a lamp broken
is a lamp not lit: 路灯坏了 and 路灯不亮 one matter)."""
_PROBLEM_RE = re.compile(
    "|".join(sorted(map(re.escape, (*PROBLEMS, *_SAME_TROUBLE)), key=len, reverse=True))
)


@dataclass(frozen=True)
class Place:
    """A named place in a request, folded (``name``), with its kind."""

    kind: str  # estate | road | junction | line | school | village | org | site
    name: str  # a junction: its two roads, in order, joined by "×" (芙蓉南路×新姚路)


@dataclass(frozen=True)
class Reading:
    """What a request says, about what, and where (see the module docstring)."""

    core: str
    places: tuple[Place, ...]
    objects: tuple[str, ...]  # folded catalogue terms, in order of appearance
    problems: tuple[str, ...]  # folded trouble words, in order of appearance
    matter_ids: tuple[str, ...]  # matter types the objects belong to, most named first

    @property
    def matter(self) -> str:
        """The matter in a few characters: the first object and trouble (路灯不亮)."""
        obj = self.objects[0] if self.objects else ""
        trouble = next((p for p in self.problems if p not in obj), "")
        return obj + trouble

    def place_keys(self) -> frozenset[str]:
        return frozenset(p.name for p in self.places)

    # Sets a pair of readings is compared by, made once per reading (a reading in the
    # duplicate index is compared with many requests).
    @cached_property
    def place_kinds(self) -> frozenset[str]:
        """The kinds of place named, villages left out (a village names a wide area)."""
        return frozenset(p.kind for p in self.places if p.kind != "village")

    @cached_property
    def first_matters(self) -> frozenset[str]:
        """The two matter types most named."""
        return frozenset(self.matter_ids[:2])

    @cached_property
    def problem_set(self) -> frozenset[str]:
        return frozenset(self.problems)

    @cached_property
    def precise_places(self) -> tuple[str, ...]:
        """The keys of the places named whole enough to be one matter with a trouble
        (``PLACE_TROUBLE_KINDS``): an estate, a school, a bus line by its whole name, a
        junction by its roads (``place_key``: 芙蓉南路×新姚路 however each road is named)."""
        return tuple(
            dict.fromkeys(
                place_key(p) if p.kind == "junction" else f"{p.kind}:{p.name}"
                for p in self.places
                if p.kind in PLACE_TROUBLE_KINDS
            )
        )


def strip_courtesy(text: str) -> str:
    """The request without salutations, courtesy, self-introduction and filler."""
    out = _COURTESY_RE.sub(" ", text[:MAX_CHARS])
    return " ".join(out.split())


def find_places(text: str) -> tuple[Place, ...]:
    """The named places of a text, folded, first mention first, each once."""
    folded = _AREA_CODE.sub("|", normalize_keep_breaks(text[:MAX_CHARS]))
    found: dict[str, Place] = {}
    for m in _BUS_LINE.finditer(folded):
        digits = re.search(r"[a-z]?\d{1,3}", m.group())
        if digits is not None:
            key = digits.group() + ("号线" if "号线" in m.group() else "路")
            found.setdefault(key, Place("line", key))
    for part in re.split(r"[|，,。.！!？?：:；;\s()（）【】\[\]“”\"'《》<>]+", folded):
        places = _places_of(part)
        for place in (*places, *_junctions(part, places)):
            found.setdefault(place.name, place)
    return tuple(found.values())


def _junctions(part: str, places: Sequence[Place]) -> list[Place]:
    """Where two roads of a stretch of text meet: named one after the other (with 与, 和, 、 …
    or nothing between) and followed by 交叉口, 路口, 口 …: 芙蓉南路与新姚路交叉口,
    芙蓉南路新姚路口 — one precise place, as precise as an estate (a road is long)."""
    roads = [p.name for p in places if p.kind == "road"]
    out = []
    for a, b in zip(roads, roads[1:], strict=False):
        at = part.find(a)
        if at < 0:
            continue
        between = _JOINED_BY.match(part, at + len(a))
        if between is None or not part.startswith(b, between.end()):
            continue
        if _JUNCTION_AFTER.match(part, between.end() + len(b)):
            out.append(Place("junction", "×".join(sorted((a, b)))))
    return out


def _places_of(part: str) -> tuple[Place, ...]:
    """The places named in a stretch of folded text without breaks, in order."""
    return tuple(p for m in _PLACE_RE.finditer(part) for p in _places_in(m.group()))


@lru_cache(maxsize=65_536)
def _places_in(name: str) -> tuple[Place, ...]:
    """The places one match of ``_PLACE_RE`` names (cached: callers name the same places
    again and again)."""
    if name.endswith("临街"):  # 小区临街门面: facing the street, no street named 临街
        return _places_of(name[:-2])
    if name.endswith(("十字路", "丁字路", "交叉路", "交汇路", "交界路")):
        return _places_of(name[:-3])  # 三一大道十字路(口): a crossing, no road
    if name.endswith("路路"):  # 红旗路路(口): the road, then the crossing
        name = name[:-1]
    elif name.endswith("路岔路"):  # 望仙路岔路(口): the road, then the fork
        name = name[:-2]
    out: list[Place] = []
    cut = _NAME_STOP.match(name)
    if cut is not None:
        # the words before the stop may name a place of their own: 金色家园小区|门口|路(灯)
        # ran on to the 路 of 路灯, 东塘新村|楼下|烧烤店 to the shop
        head = name[: cut.start(1)]
        out.extend(_places_of(head))
        name = name[cut.end() :]
    name = _LEADING_AREA.sub("", name)
    estate, sep, rest = name.partition("小区")
    if sep and len(rest) >= 2 and len(estate) >= 2:
        # 小区 ends an estate's name: what follows is a place of its own (金色溪泉湾小区|建|卫生
        # 服务中心)
        return (*_places_in(estate + sep), *_places_in(rest))
    split = _ROAD_IN_NAME.match(name) or _TWO_ROADS.match(name)
    names = [split.group(1), split.group(2)] if split else [name]
    for n in names:
        if n.endswith("小区") and _KIND_OF.get(place_word(n[:-2])) == "estate":
            n = n[:-2]  # 金色家园小区 is 金色家园: one estate however it is named
        word = next((w for w in _WORDS if n.endswith(w)), "")
        if (
            len(n) < len(word) + 2
            or n in _GENERIC_PLACES
            or _GENERIC_STEM.search(n[: len(n) - len(word)])
            or re.fullmatch(r"[a-z]?\d+路", n)
            or n.endswith("线路")  # 公交线路, 架空线路: a line, not a road
            or "政府" in n  # 希望政府, 区政府: an authority, never an estate named 府
            or (word == "组" and not _GROUP.search(n))
        ):
            continue
        out.append(Place(_KIND_OF.get(word, "site"), n))
    return tuple(out)


def normalize_keep_breaks(text: str) -> str:
    """Fold like ``normalize`` but keep punctuation as breaks between names."""
    from console.services.knowledge.text import fold

    return fold(text)


def _mask_places(folded: str, places: Sequence[Place], catalogue: Catalogue) -> str:
    """The text with proper place names blanked: 地质中学附近拥堵 is about traffic, not a
    school. A name that is itself a matter's object (地铁站, 垃圾站, 农贸市场) is kept."""
    for place in sorted(places, key=lambda p: -len(p.name)):
        if place.kind == "line" or _names_a_matter(place.name, catalogue):
            continue
        folded = folded.replace(place.name, "|")
    return folded


@lru_cache(maxsize=65_536)
def _names_a_matter(name: str, catalogue: Catalogue) -> bool:
    """A place name that is itself a matter's object, or whose stem is (see ``_mask_places``)."""
    word = next((w for w in _WORDS if name.endswith(w)), "")
    stem = name[: len(name) - len(word)]
    return bool(
        catalogue.matter_terms(stem)
        or catalogue.matter_terms(name)
        and any(term == name for term, _ in catalogue.matter_terms(name))
    )


@lru_cache(maxsize=4096)
def _read(text: str, catalogue: Catalogue | None) -> Reading:
    core = strip_courtesy(text)
    folded = normalize(core)
    places = find_places(text)
    objects: list[str] = []
    matter_votes: dict[str, float] = {}
    if catalogue is not None:
        for term, matters in catalogue.matter_terms(_mask_places(folded, places, catalogue)):
            if term not in objects:
                objects.append(term)
            for m in matters:
                # a long term says more than a short one; a term shared by several matters less
                matter_votes[m.id] = matter_votes.get(m.id, 0.0) + len(term) / len(matters)
    problems = list(dict.fromkeys(_SAME_TROUBLE.get(w, w) for w in _PROBLEM_RE.findall(folded)))
    ranked = sorted(matter_votes, key=lambda k: (-matter_votes[k], k))
    return Reading(core, places, tuple(objects), tuple(problems), tuple(ranked))


def read(text: str, catalogue: Catalogue | None = None) -> Reading:
    """Read a request (cached: the same words typed again cost nothing)."""
    return _read(text[:MAX_CHARS], catalogue)


def same_place(a: Place, b: Place) -> bool:
    """Two mentions name the same place: same kind, and the same name once junk before it is
    ignored (their common ending holds the place word and at least two characters of name:
    王府花园 = 车站北路王府花园; 东方新城 ≠ 西方新城)."""
    if a.kind != b.kind:
        return False
    if a.name == b.name:
        return True
    if a.kind == "junction":
        return _same_roads(a.name, b.name)
    if a.kind == "line":
        return False
    common = 0
    for x, y in zip(reversed(a.name), reversed(b.name), strict=False):
        if x != y:
            break
        common += 1
    return common >= len(place_word(a.name)) + 2


def _same_roads(a: str, b: str) -> bool:
    """Two junctions (``A×B``) are the same where each road of one is a road of the other
    (``same_place``: 芙蓉南路×新姚路 = 新姚路×天心区芙蓉南路, not 新姚路×韶山南路)."""
    a1, _, a2 = a.partition("×")
    b1, _, b2 = b.partition("×")
    road = [Place("road", x) for x in (a1, a2, b1, b2)]
    return (same_place(road[0], road[2]) and same_place(road[1], road[3])) or (
        same_place(road[0], road[3]) and same_place(road[1], road[2])
    )


@lru_cache(maxsize=65_536)
def place_word(name: str) -> str:
    """The place word a name ends with (路, 小区, 花园 …); "" when none."""
    return next((w for w in _WORDS if name.endswith(w)), "")


def place_key(place: Place) -> str:
    """The key two mentions of the same place share (see ``same_place``): the kind and the
    place word with the two characters of name before it."""
    if place.kind == "line":
        return "line:" + place.name
    if place.kind == "junction":
        roads = sorted(place_key(Place("road", r)) for r in place.name.split("×"))
        return "junction:" + "×".join(roads)
    word = place_word(place.name)
    return f"{place.kind}:{place.name[-(len(word) + 2) :]}"


def shared_places(a: Sequence[Place], b: Sequence[Place]) -> list[str]:
    """Places two requests both name (the shorter of the two names)."""
    out = []
    for p in a:
        for q in b:
            if same_place(p, q):
                out.append(p.name if len(p.name) <= len(q.name) else q.name)
                break
    return out
