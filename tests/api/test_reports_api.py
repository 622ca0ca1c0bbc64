"""GET /api/v1/reports/kpi against a real ``hotline serve`` on loopback: scoped to the seat
(R-UNIT-KPI, R-SECURITY), bad input a 422 naming the field."""

from __future__ import annotations

import httpx
import pytest

from console.services.values import Role
from tests.api.conftest import Api

PATH = "/api/v1/reports/kpi"


def get(api: Api, seat: str, **params: str) -> httpx.Response:
    return httpx.get(api.url + PATH, params=params, headers=api.auth(seat), timeout=10)


def test_r_unit_kpi_over_http_each_seat_sees_what_it_may(api: Api) -> None:
    every = get(api, "manager", period="2026Q4")
    assert every.status_code == 200, every.text
    body = every.json()
    assert body["period"] == "2026Q4" and body["start"] == "2026-10-01"
    units = {u["unit_id"]: u for u in body["units"]}
    assert {"hn-rst", "hn-zjt"} <= set(units)
    own = get(api, "rst", period="2026Q4")
    assert own.status_code == 200 and [u["unit_id"] for u in own.json()["units"]] == ["hn-rst"]
    assert own.json()["units"][0] == units["hn-rst"]
    assert get(api, "supervisor", period="2026", unit="hn-zjt").status_code == 200
    api.tokens["auditor"] = api.add_seat("审计壬", Role.AUDITOR)
    assert get(api, "auditor", period="2026-11").status_code == 200
    other = get(api, "rst", period="2026Q4", unit="hn-zjt")
    assert other.status_code == 403 and other.json()["rule"] == "R-SECURITY"
    assert get(api, "operator", period="2026Q4").status_code == 403


def test_r_unit_kpi_over_http_bad_input_names_the_field(api: Api) -> None:
    r = get(api, "manager", period="2026Q5")
    assert r.status_code == 422 and r.json()["field"] == "period"
    r = get(api, "manager", period="2026", unit="hn-none")
    assert r.status_code == 422 and r.json()["field"] == "unit"
    assert get(api, "manager").status_code == 422  # no period
    r = get(api, "manager", period="2" * 5000)
    assert r.status_code == 422
    assert httpx.get(api.url + PATH, params={"period": "2026"}, timeout=10).status_code == 401


def test_r_dissatisfied_outcomes_the_manager_marks_a_law_case_over_http(api: Api) -> None:
    """Art. 20 through the remote backend: the manager's finding lands on the timeline; a unit
    clerk is refused (403 naming the rule), an empty reason is a 422 naming the field."""
    from console.errors import InputError, PermissionDenied, RuleError
    from console.services.remote import RemoteBackend
    from console.services.values import Kind
    from tests.contract.harness import intake

    operator = RemoteBackend(api.url, api.tokens["operator"])
    manager = RemoteBackend(api.url, api.tokens["manager"])
    clerk = RemoteBackend(api.url, api.tokens["rst"])
    try:
        number = operator.accept(intake(Kind.COMPLAINT, text="劳动争议调解后仍不满意"), "hn-rst")
        with pytest.raises(PermissionDenied) as refused:
            clerk.mark_law_case(number, "属调解案件")
        assert refused.value.rule
        with pytest.raises(InputError) as empty:
            manager.mark_law_case(number, " ")
        assert empty.value.field == "note"
        manager.mark_law_case(number, "属劳动争议行政调解案件")
        [event] = [e for e in manager.ticket(number).events if e.action == "law_case"]
        assert event.reason == "属劳动争议行政调解案件"
        # a finding made in error is taken back over the API too, once
        with pytest.raises(PermissionDenied):
            clerk.withdraw_law_case(number, "不是调解案件")
        manager.withdraw_law_case(number, "经核实不属调解案件")
        with pytest.raises(RuleError) as twice:
            manager.withdraw_law_case(number, "再撤销")
        assert twice.value.rule == "R-DISSATISFIED-OUTCOMES"
        [undone] = [e for e in manager.ticket(number).events if e.action == "law_case_withdrawn"]
        assert undone.reason == "经核实不属调解案件" and undone.actor == "优化办乙"
    finally:
        for backend in (operator, manager, clerk):
            backend.close()


def test_r_unit_kpi_latest_over_http_none_yet_is_an_answer(api: Api) -> None:
    """A period whose figures were never computed has no latest figures: the server answers
    JSON null and the remote backend reads it as None (the dashboard then counts them), not as
    a server that answered nonsense; once counted, the latest is the counted report."""
    from console.services.remote import RemoteBackend

    manager = RemoteBackend(api.url, api.tokens["manager"])
    try:
        raw = httpx.get(
            api.url + PATH + "/latest", params={"period": "2025Q1"},
            headers=api.auth("manager"), timeout=10,
        )  # fmt: skip
        assert raw.status_code == 200 and raw.content == b"null"
        assert manager.kpi_latest("2025Q1") is None
        counted = manager.unit_kpis("2025Q1")
        latest = manager.kpi_latest("2025Q1")
        assert latest is not None and latest.units == counted.units
    finally:
        manager.close()
