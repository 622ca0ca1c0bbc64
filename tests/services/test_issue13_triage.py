"""Issue 13 item 7: triage hints from the caller's words, suggested not imposed."""

from __future__ import annotations

from console.services.triage import triage
from console.services.values import Kind, Special


def test_item7_gas_leak_hints_urgent_help_and_ground5_119() -> None:
    hints = {h.code: h for h in triage("家里厨房燃气泄漏了，味道很大")}
    assert hints["urgent"].special is Special.URGENT and hints["urgent"].kind is Kind.HELP
    assert hints["urgent"].rule == "R-SPECIAL-URGENT"
    assert hints["ground5"].ground == 5 and "119" in hints["ground5"].text


def test_item7_court_judgment_hints_ground2() -> None:
    (hint,) = triage("我想撤销法院判决")
    assert hint.code == "ground2" and hint.ground == 2 and hint.rule == "R-INADMISSIBLE"


def test_item7_outage_hints_special_and_plain_requests_none() -> None:
    assert [h.code for h in triage("小区大面积停电三天了")] == ["special"]
    assert triage("门口路灯坏了一个月") == []


def test_item7_subcentre_matters_hint_their_line_and_the_transfer() -> None:
    cases = {
        "公司拖欠工资三个月不发": ("hn-rst", "12333"),
        "网购的商品质量太差，商家不给退款": ("hn-scjgj", "12315"),
        "我想申请法律援助": ("hn-sft", "12348"),
        "这个月电费怎么这么高": ("hn-sgcc", "95598"),
        "个人所得税汇算怎么退税": ("hn-tax", "12366"),
    }
    for text, (unit_id, line) in cases.items():
        (hint,) = [h for h in triage(text) if h.code == "subcentre"]
        assert hint.unit_id == unit_id and line in hint.text, text
        assert hint.rule == "R-SUBCENTRE" and "Ctrl+T" in hint.text


def test_item7_an_incident_is_not_sent_to_a_subcentre() -> None:
    """A large outage is a special incident for the platform first (4 h), not a 95598 call."""
    assert [h.code for h in triage("小区大面积停电三天了")] == ["special"]


def test_r_special_urgent_a_gas_leak_told_with_words_between_is_still_urgent() -> None:
    """Callers rarely say 燃气泄漏 in one breath: the gas, then the pipe or the bottle, then
    the leak (and 泄露 for 泄漏) — each is urgent and 119's (ground 5)."""
    for text in ("小区燃气管道泄漏，闻到很大的味道", "家里煤气罐漏气了", "楼下天然气管子泄露"):
        codes = {h.code: h for h in triage(text)}
        assert codes["urgent"].special is Special.URGENT and "ground5" in codes, text
    # not a leak: the gas bill, a tyre, a company leaking its users' data after a comma
    for text in ("燃气费怎么交，漏缴了", "电动车轮胎漏气", "燃气公司收费太高，泄漏用户信息"):
        assert not [h for h in triage(text) if h.code == "urgent"], text
