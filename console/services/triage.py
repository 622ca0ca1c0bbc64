"""Triage hints from a caller's words: what the seat should consider, suggested, never imposed.

- a danger to life or property now → 特殊紧急事项 (R-SPECIAL-URGENT), and the emergency line
  that owns it (ground 5 of R-INADMISSIBLE: 110/119/120/122);
- a large outage or pollution → 特殊事项 (R-SPECIAL);
- a matter for the courts, arbitration, reconsideration, discipline inspection or information
  disclosure → ground 2 of R-INADMISSIBLE;
- a help request read as a consultation → the kind 求助, whose limit the caller is then told;
- a complaint or a report taken down as a consultation, a help request or a suggestion → 投诉
  (举报 when the caller says so), whose limit is 10 working days, not 5 (R-LIMIT);
- a matter a sub-centre's own line settles (social insurance and wages 12333, consumer
  complaints 12315, legal aid 12348, electricity 95598, tax 12366) → its sub-centre, to which
  the call may be transferred (R-SUBCENTRE; Ctrl+T), unless the matter is an incident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from console.services.values import Kind, Special


@dataclass(frozen=True)
class TriageHint:
    """One suggestion for the seat: ``text`` to read, the rule behind it, what it proposes."""

    code: str  # "urgent", "special", "ground5", "ground2", "subcentre"
    text: str
    rule: str
    ground: int | None = None
    special: Special = Special.NONE
    kind: Kind | None = None
    words: tuple[str, ...] = ()  # the caller's words that raised it
    unit_id: str = ""  # the sub-centre's unit (code "subcentre")


GAS_LEAK = re.compile(r"(?:燃气|煤气|天然气|液化气)[^，。！？,.!?\s]{0,4}?(?:泄漏|泄露|漏气)")
"""A gas leak told with words between the gas and the leak: 燃气管道泄漏, 煤气罐漏气, 天然气
管子泄露 (a frequent miswriting of 泄漏) — a caller rarely says 燃气泄漏 in one breath."""

# (words — or a pattern — , emergency line, what it is)
EMERGENCIES: tuple[tuple[tuple[str | re.Pattern[str], ...], str, str], ...] = (
    (
        ("燃气泄漏", "煤气泄漏", "天然气泄漏", "液化气泄漏", "闻到煤气", "闻到燃气", GAS_LEAK),
        "119",
        "燃气泄漏",
    ),  # fmt: skip
    (("着火", "失火", "火灾", "起火", "冒烟了", "爆炸"), "119", "火情"),
    (("被困", "困在电梯", "溺水", "落水"), "119", "人员被困"),
    (("打架", "斗殴", "持刀", "动了刀", "抢劫", "行凶", "绑架", "家暴"), "110", "治安警情"),
    (("昏迷", "晕倒", "不省人事", "大出血", "心脏病发", "中毒"), "120", "急症伤病"),
    (("车祸", "撞车", "追尾", "交通事故"), "122", "交通事故"),
)
SPECIAL_WORDS = (
    "大面积停水",
    "大面积停电",
    "大面积停气",
    "全小区停水",
    "全小区停电",
    "整片停电",
    "整片停水",
    "水源污染",
    "水污染",
    "自来水发黑",
    "自来水有异味",
    "河里死鱼",
)
GROUND2_WORDS = (
    "法院判决",
    "撤销判决",
    "判决书",
    "裁定书",
    "上诉",
    "再审",
    "起诉",
    "诉讼",
    "仲裁",
    "行政复议",
    "纪检",
    "监察委",
    "信息公开",
)

GRIEVANCE_WORDS = (
    "扰民", "举报", "投诉", "违法", "违规", "非法", "查处", "取缔", "私自", "虚假", "噪音", "噪声",
    "涉嫌", "油烟", "霸王", "敷衍", "欺骗", "无证", "侵占", "乱象", "不作为", "臭味", "偷排",
    "乱收费", "严查", "严惩",
)  # fmt: skip
"""Words that tell a complaint or a report (a grievance against someone, 10 working days) from a
consultation, a help request or a suggestion (5): each word was kept when, on the development
half of the real labelled set, at least 9 in 10 of the requests saying it were labelled 投诉 or
举报. Held-out half: right in 0.92 of the requests it is said of, and said of 0.63 of the
complaints and reports (``benchmarks/bench_kinds.py``)."""
FIVE_DAY_KINDS = frozenset({Kind.CONSULTATION, Kind.HELP, Kind.SUGGESTION})

# (words, the sub-centre's unit, its line, what it settles)
SUBCENTRES: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    (
        ("社保", "社会保险", "养老保险", "失业保险", "失业金", "工伤", "拖欠工资", "欠薪",
         "劳动合同", "退休金", "职业资格"),
        "hn-rst", "12333", "人社",
    ),
    (
        ("消费投诉", "假冒伪劣", "商品质量", "虚假宣传", "价格欺诈", "食品安全", "过期食品",
         "缺斤少两", "不给退款", "拒绝退款"),
        "hn-scjgj", "12315", "市场监管",
    ),
    (("法律援助", "公证", "律师", "法律咨询"), "hn-sft", "12348", "法律服务"),
    (("停电", "电费", "电表", "供电", "电压不稳"), "hn-sgcc", "95598", "供电服务"),
    (("个税", "个人所得税", "发票", "纳税", "退税", "税务"), "hn-tax", "12366", "税务"),
)  # fmt: skip


def _found(text: str, words: tuple[str | re.Pattern[str], ...]) -> tuple[str, ...]:
    """The words (or the text a pattern matched) found in ``text``, each once."""
    found: list[str] = []
    for w in words:
        hit = (w if w in text else None) if isinstance(w, str) else (
            m.group(0) if (m := w.search(text)) else None)  # fmt: skip
        if hit and hit not in found:
            found.append(hit)
    return tuple(found)


def grievance(text: str, kind: Kind | None) -> TriageHint | None:
    """The hint that a request taken down as ``kind`` reads as a complaint or a report (the
    limit told to the caller follows the kind, R-LIMIT), if it does."""
    return next((h for h in triage(text, kind) if h.code == "grievance"), None)


def triage(text: str, kind: Kind | None = None) -> list[TriageHint]:
    """The hints the caller's words raise, most urgent first."""
    flat = "".join(text.split())
    hints: list[TriageHint] = []
    for words, line, what in EMERGENCIES:
        found = _found(flat, words)
        if not found:
            continue
        hints.append(
            TriageHint(
                "urgent",
                f"疑似{what}：特殊紧急事项，须2小时内初步响应（F10 立即派单）",
                "R-SPECIAL-URGENT",
                special=Special.URGENT,
                kind=Kind.HELP,
                words=found,
            )
        )
        hints.append(
            TriageHint(
                "ground5",
                f"正在发生的险情请来电人立即拨打{line}（不予受理第5项）",
                "R-INADMISSIBLE",
                ground=5,
                words=found,
            )
        )
        break
    found = _found(flat, SPECIAL_WORDS)
    if found and not any(h.code == "urgent" for h in hints):
        hints.append(
            TriageHint(
                "special",
                "疑似特殊事项：4小时内初步响应（F10 立即派单）",
                "R-SPECIAL",
                special=Special.SPECIAL,
                kind=Kind.HELP,
                words=found,
            )
        )
    if not any(h.special is not Special.NONE for h in hints):
        for words, unit_id, line, what in SUBCENTRES:
            found = _found(flat, words)
            if found:
                hints.append(
                    TriageHint(
                        "subcentre",
                        f"{line}（{what}）分中心事项：可转分中心（Ctrl+T）或照常受理",
                        "R-SUBCENTRE",
                        words=found,
                        unit_id=unit_id,
                    )
                )
                break
    if kind in FIVE_DAY_KINDS and not any(h.kind is not None for h in hints):
        found = _found(flat, GRIEVANCE_WORDS)
        if found:
            said = Kind.REPORT if "举报" in found else Kind.COMPLAINT
            hints.append(
                TriageHint(
                    "grievance",
                    f"诉求读来像{said.label}（{'、'.join(found[:3])}）：时限10个工作日，"
                    f"{kind.label}5个工作日",
                    "R-LIMIT",
                    kind=said,
                    words=found,
                )
            )
    found = _found(flat, GROUND2_WORDS)
    if found:
        hints.append(
            TriageHint(
                "ground2",
                "涉及诉讼、仲裁、复议、纪检监察或信息公开等法定途径：考虑不予受理第2项",
                "R-INADMISSIBLE",
                ground=2,
                words=found,
            )
        )
    return hints
