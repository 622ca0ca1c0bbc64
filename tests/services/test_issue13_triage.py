"""Issue 13 item 7: triage hints from the caller's words, suggested not imposed."""

from __future__ import annotations

from console.services.triage import grievance, triage
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


def test_r_limit_a_grievance_taken_down_as_a_five_day_kind_hints_its_ten_day_kind() -> None:
    """A complaint has 10 working days, a consultation 5 (R-LIMIT): a noise complaint left
    under the form's default 咨询 is said to read as 投诉, naming the words; 举报 when the caller
    says so. Nothing when the kind is one of the 10-day kinds already, nor for a question."""
    noise = "楼下烧烤店每天营业到凌晨，油烟和噪音扰民，希望管一管"
    (hint,) = triage(noise, Kind.CONSULTATION)
    assert (hint.code, hint.kind, hint.rule) == ("grievance", Kind.COMPLAINT, "R-LIMIT")
    assert hint.words == ("扰民", "噪音", "油烟") and "10个工作日" in hint.text
    assert "咨询5个工作日" in hint.text
    (hint,) = triage("我要举报一家无证经营的黑诊所", Kind.HELP)
    assert hint.kind is Kind.REPORT and "求助5个工作日" in hint.text
    assert triage(noise, Kind.SUGGESTION)[0].kind is Kind.COMPLAINT
    assert triage(noise, Kind.COMPLAINT) == [] and triage(noise, Kind.REPORT) == []
    assert triage(noise) == []  # no kind given: nothing to compare
    assert grievance(noise, Kind.HELP) == triage(noise, Kind.HELP)[0]
    assert grievance(noise, Kind.COMPLAINT) is None
    assert triage("请问身份证丢了怎么补办", Kind.CONSULTATION) == []


def test_r_limit_an_incident_keeps_its_own_kind_hint() -> None:
    """A gas leak is 求助 (R-SPECIAL-URGENT) whatever else the words say: one kind suggested."""
    hints = triage("邻居违规用液化气，现在燃气泄漏了", Kind.CONSULTATION)
    assert {h.kind for h in hints if h.kind is not None} == {Kind.HELP}
