"""The 政企通 desk over HTTP (R-ENTERPRISE, R-SECURITY) against a real ``hotline serve``: a
unit clerk reads no desk and assigns nothing (403 naming R-ENTERPRISE), and learns nothing of
another unit's enterprise ticket (403 or 404, nothing of it in the answer); only the manager or the desk lead assigns; a bad field
is 422 naming it; a refused step is one line with its rule id; the caller's words come back
as sent."""

from __future__ import annotations

import httpx

from console.services.remote import RemoteBackend
from console.services.values import CallerType, Role
from console.services.views import ExpertDraft
from tests.api.conftest import Api
from tests.contract.harness import intake

API = "/api/v1"
WORDS = "外贸企业出口退税迟迟不到账 [bold]急[/] \x1b[31m"


def client(api: Api, token: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_r_enterprise_desk_over_http_is_scoped(api: Api) -> None:
    manager = RemoteBackend(api.url, api.tokens["manager"])
    operator = RemoteBackend(api.url, api.tokens["operator"])
    try:
        lin_id = manager.add_expert(
            ExpertDraft("林专员", "hn-rst", ("营商环境",), ("每天 00:00-00:00",), kind="policy")
        )
        lead_id = manager.add_expert(
            ExpertDraft("何组长", "hn-rst", ("营商环境",), ("每天 00:00-00:00",),
                        kind="policy", desk_lead=True)
        )  # fmt: skip
        number = operator.accept(
            intake(caller_type=CallerType.ENTERPRISE, enterprise_name="岳阳外贸公司", text=WORDS),
            unit_id="hn-rst",
        )
    finally:
        manager.close()
        operator.close()
    lin = api.add_seat("林专员", Role.ENTERPRISE_DESK)
    lead = api.add_seat("何组长", Role.ENTERPRISE_DESK)
    tickets = f"{API}/tickets/{number}"
    with client(api, api.tokens["zjt"]) as zjt:  # another unit's clerk
        r = zjt.get(f"{API}/desk")
        assert r.status_code == 403 and r.json()["rule"] == "R-ENTERPRISE", r.text
        assert number not in r.text and "外贸" not in r.text
        assert zjt.get(f"{API}/specialists").status_code == 403
        for path, body in (
            (f"{tickets}/specialist", {"specialist_id": lin_id, "reason": "换人"}),
            (f"{tickets}/specialist/claim", {}),
            (f"{tickets}/follow", {"note": "跟进"}),
        ):
            r = zjt.post(path, json=body)
            assert r.status_code in (403, 404), (path, r.text)
            assert r.json()["error"] in ("permission", "not_found"), (path, r.text)
            assert "外贸" not in r.text and "岳阳" not in r.text
    with client(api, api.tokens["rst"]) as rst:  # the ticket's own unit: not its to assign
        r = rst.post(f"{tickets}/specialist", json={"specialist_id": lin_id, "reason": "换人"})
        assert r.status_code == 403 and r.json()["rule"] == "R-ENTERPRISE"
        assert "\n" not in r.json()["message"]
    with client(api, lin) as c:
        r = c.get(f"{API}/desk", params={"which": "unassigned"})
        assert r.status_code == 200, r.text
        [item] = [i for i in r.json() if i["ticket"]["number"] == number]
        assert item["enterprise_name"] == "岳阳外贸公司"
        assert c.get(f"{API}/desk", params={"which": "nope"}).status_code == 422
        assert c.post(f"{tickets}/specialist/claim", json={}).status_code == 204
        r = c.post(f"{tickets}/specialist", json={"specialist_id": lead_id, "reason": "自己改派"})
        assert r.status_code == 403 and r.json()["rule"] == "R-ENTERPRISE"
        r = c.post(f"{tickets}/follow", json={"note": ""})
        assert r.status_code == 422 and r.json()["field"] == "note", r.text
        r = c.post(f"{tickets}/follow", json={"note": WORDS})
        assert r.status_code == 204, r.text
        r = c.post(f"{tickets}/follow", json={"note": "x", "version": 0})
        assert r.status_code == 409
    with client(api, lead) as c:
        r = c.post(f"{tickets}/specialist/claim", json={})
        assert r.status_code == 409 and r.json()["rule"] == "R-ENTERPRISE"
        assert "林专员" in r.json()["message"]
        r = c.post(f"{tickets}/specialist", json={"specialist_id": lead_id, "reason": ""})
        assert r.status_code == 422 and r.json()["field"] == "reason"
        r = c.post(f"{tickets}/specialist", json={"specialist_id": lead_id, "reason": "负责人接手"})
        assert r.status_code == 204, r.text
        [mine] = [i for i in c.get(f"{API}/desk", params={"which": "mine"}).json()
                  if i["ticket"]["number"] == number]  # fmt: skip
        assert mine["how"] == "reassign" and mine["specialist_name"] == "何组长"
        view = c.get(tickets).json()
        assert [e["reason"] for e in view["events"] if e["action"] == "desk_follow"] == [WORDS]
    with client(api, api.tokens["operator"]) as op:
        r = op.post(f"{API}/kb/policy-search", json={"industries": ["外贸"], "regions": ["岳阳"]})
        assert r.status_code == 200, r.text
        r = op.post(f"{API}/kb/policy-search", json={"sizes": ["巨型"]})
        assert r.status_code == 422 and r.json()["field"] == "sizes"
