"""The expert seats' measures and the hand-off list over HTTP (R-EXPERT, R-SECURITY), against a
real ``hotline serve`` on loopback: GET /reports/experts scoped as the unit KPIs are (a unit
clerk its own unit only, another unit's 403, an operator 403, a bad period 422 naming it);
GET /experts/handoffs for the manager and shift leads with each hand-off's clocks; the
RemoteBackend speaks both."""

from __future__ import annotations

import httpx

from console.services.remote import RemoteBackend
from console.services.values import Domain, Kind, Role
from console.services.views import Intake
from tests.api.conftest import Api

API = "/api/v1"


def client(api: Api, seat: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers=api.auth(seat), timeout=10)


def test_r_expert_measures_over_http_a_unit_clerk_sees_its_own_unit_only(api: Api) -> None:
    token = api.add_seat("孙物业", Role.EXPERT)
    with client(api, "manager") as mgr:
        r = mgr.post(
            f"{API}/experts",
            json={"name": "孙物业", "unit_id": "hn-zjt", "fields": ["物业服务"],
                  "shifts": ["每天 00:00-00:00"], "seat": "孙物业"},
        )  # fmt: skip
        assert r.status_code == 200, r.text
        expert_id = r.json()["id"]
    operator = RemoteBackend(api.url, api.tokens["operator"])
    expert = RemoteBackend(api.url, token)
    manager = RemoteBackend(api.url, api.tokens["manager"])
    try:
        number = operator.hand_to_expert(
            Intake(Kind.CONSULTATION, Domain.SOCIAL_MANAGEMENT, "物业费能不能按季度交？",
                   caller_phone="13700002222"),
            "物业服务",
            expert_id,
            consent=True,
        )  # fmt: skip
        assert expert.expert_handoff(number).taken_at is None  # a read takes nothing
        assert expert.take_handoff(number).taken_at is not None  # opened: taken
        expert.answer_consultation(number, "可以与物业服务企业约定按季度缴纳。")
        listed = {h.number: h for h in manager.expert_handoffs(days=1)}
        assert listed[number].taken_at is not None and listed[number].answered_at is not None
        assert number not in {h.number for h in manager.expert_handoffs(waiting=True)}
        month = "2026-11"  # the server's drill clock: 2026-11-25 09:00
        every = manager.expert_measures(month)
        zjt = next(u for u in every.units if u.key == "hn-zjt")
        assert zjt.answer.count >= 1 and zjt.wait.count >= 1
    finally:
        for backend in (operator, expert, manager):
            backend.close()

    with client(api, "zjt") as c:
        own = c.get(f"{API}/reports/experts", params={"period": month})
        assert own.status_code == 200, own.text
        body = own.json()
        assert body["unit"] == "hn-zjt" and [u["key"] for u in body["units"]] == ["hn-zjt"]
        assert body["units"][0] == next(
            u for u in manager_json(api, month)["units"] if u["key"] == "hn-zjt"
        )
        assert "verified_share" in body["total"] and "reach" in body["push"]
    with client(api, "rst") as c:
        other = c.get(f"{API}/reports/experts", params={"period": month, "unit": "hn-zjt"})
        assert other.status_code == 403 and other.json()["rule"] == "R-SECURITY"
        mine = c.get(f"{API}/reports/experts", params={"period": month}).json()
        assert "hn-zjt" not in [u["key"] for u in mine["units"]]
        r = c.get(f"{API}/experts/handoffs")
        assert r.status_code == 403 and r.json()["rule"] == "R-EXPERT"
    with client(api, "operator") as c:
        assert c.get(f"{API}/reports/experts", params={"period": month}).status_code == 403
    with client(api, "manager") as c:
        r = c.get(f"{API}/reports/experts", params={"period": "2026Q5"})
        assert r.status_code == 422 and r.json()["field"] == "period"
        assert c.get(f"{API}/experts/handoffs", params={"days": 0}).status_code == 422
        r = c.get(f"{API}/experts/handoffs", params={"field": "天文"})
        assert r.status_code == 422 and r.json()["field"] == "field"


def manager_json(api: Api, period: str) -> dict:  # type: ignore[type-arg]
    with client(api, "manager") as c:
        r = c.get(f"{API}/reports/experts", params={"period": period})
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]
