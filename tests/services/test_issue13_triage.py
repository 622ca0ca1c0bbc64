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
