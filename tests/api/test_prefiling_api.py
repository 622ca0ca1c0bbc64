"""Pre-filed scopes over HTTP (R-PREFILING) against a real ``hotline serve`` on loopback: a
unit files and sees only its own scopes, the manager sees all and reviews; another unit can
neither see nor review nor withdraw; bad fields are 422 naming the field, never 500; each
step leaves an audit record naming the seat and that it came over the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import Api

API = "/api/v1"
SCOPES = f"{API}/prefiling/scopes"


def client(api: Api, seat: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers=api.auth(seat), timeout=10)


def body(**change: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "title": "寒潮期间供暖管网抢修",
        "reason": "force_majeure",
        "keywords": ["暖气", "供暖"],
        "region": "郴州市",
        "starts": "2026-11-25T08:00:00",
        "ends": "2026-11-30T20:00:00+08:00",
        "explanation": "受寒潮影响，郴州部分片区供暖管网抢修，预计11月30日前恢复。",
    }
    doc.update(change)
    return {k: v for k, v in doc.items() if v is not ...}


def test_r_prefiling_unit_files_manager_approves_over_http(api: Api) -> None:
    with client(api, "zjt") as zjt:
        r = zjt.post(SCOPES, json=body())
        assert r.status_code == 200, r.text
        scope_id = r.json()["id"]
        [mine] = [s for s in zjt.get(SCOPES).json() if s["id"] == scope_id]
        assert mine["state"] == "pending" and mine["state_label"] == "待审核"
        assert mine["starts"].startswith("2026-11-25T") and mine["filed_by"] == "住建厅丁"
    with client(api, "rst") as rst:
        assert scope_id not in [s["id"] for s in rst.get(SCOPES).json()]
        r = rst.post(f"{SCOPES}/{scope_id}/review", json={"approve": True})
        assert r.status_code == 403 and r.json()["rule"] == "R-PREFILING"
        r = rst.post(f"{SCOPES}/{scope_id}/withdraw", json={"reason": "不是我的"})
        assert r.status_code == 403 and r.json()["rule"] == "R-PREFILING"
    with client(api, "operator") as op:
        r = op.get(SCOPES)
        assert r.status_code == 403 and "R-PREFILING" in r.json()["message"]
        match = {"text": "郴州家里暖气不热", "place": "郴州市"}
        assert op.post(f"{API}/prefiling/match", json=match).json() == []
    with client(api, "manager") as mgr:
        pending = mgr.get(SCOPES, params={"state": "pending"}).json()
        assert scope_id in [s["id"] for s in pending]
        r = mgr.get(SCOPES, params={"state": "lost"})
        assert r.status_code == 422 and r.json()["field"] == "state"
        r = mgr.post(f"{SCOPES}/{scope_id}/review", json={"approve": False, "note": ""})
        assert r.status_code == 422 and r.json()["field"] == "note"
        r = mgr.post(f"{SCOPES}/{scope_id}/review", json={"approve": True, "note": "同意"})
        assert r.status_code == 204, r.text
        r = mgr.post(f"{SCOPES}/{scope_id}/review", json={"approve": True})
        assert r.status_code == 409 and r.json()["rule"] == "R-PREFILING"
        r = mgr.post(f"{SCOPES}/pf-none/review", json={"approve": True})
        assert r.status_code == 404
    with client(api, "operator") as op:
        matched = op.post(f"{API}/prefiling/match", json=match).json()
        assert [s["id"] for s in matched] == [scope_id]
    with client(api, "zjt") as zjt:
        r = zjt.post(f"{SCOPES}/{scope_id}/withdraw", json={"reason": ""})
        assert r.status_code == 422 and r.json()["field"] == "reason"
        r = zjt.post(f"{SCOPES}/{scope_id}/withdraw", json={"reason": "已恢复供暖"})
        assert r.status_code == 204, r.text
    audit = pytest.importorskip("console.services.access.audit")
    steps = {
        e.action: e
        for e in audit.entries(api.store, target=scope_id)
        if e.action.startswith("prefiling")
    }
    assert set(steps) == {"prefiling_file", "prefiling_approve", "prefiling_withdraw"}
    assert steps["prefiling_file"].unit_id == "hn-zjt"
    assert steps["prefiling_approve"].role == "manager"
    assert all(e.origin == "api:127.0.0.1" for e in steps.values())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": "holiday"}, "reason"),
        ({"title": ""}, "title"),
        ({"title": "题" * 201}, "title"),
        ({"keywords": []}, "keywords"),
        ({"keywords": "停电"}, "keywords"),
        ({"keywords": ["郴州市"]}, "keywords"),
        ({"ends": "2026-11-24T08:00:00"}, "ends"),
        ({"ends": "not a time"}, "ends"),
        ({"ends": "9999-12-31T23:59:59-12:00"}, "ends"),
        ({"starts": "0001-01-01T00:00:00+14:00"}, "starts"),
        ({"explanation": ...}, "explanation"),
        ({"explanation": "\u0000"}, "explanation"),
        ({"region": "区" * 61}, "region"),
        ({"unit_id": "hn-rst"}, "unit_id"),
    ],
)
def test_r_prefiling_bad_fields_are_422_naming_the_field(
    api: Api, change: dict[str, Any], field: str
) -> None:
    with client(api, "scj") as scj:
        r = scj.post(SCOPES, json=body(**change))
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field
        assert scj.get(SCOPES).json() == []  # nothing stored
