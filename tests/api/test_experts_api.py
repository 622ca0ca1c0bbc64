"""The expert roster over HTTP (R-EXPERT) against a real ``hotline serve`` on loopback: the
manager adds, edits and retires experts; every seat reads the roster, a unit clerk its own
unit's experts only; other seats' changes are 403 naming R-EXPERT; bad fields are 422 naming
the field, with nothing stored; each change is audited as coming over the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.conftest import Api

API = "/api/v1"
EXPERTS = f"{API}/experts"


def client(api: Api, seat: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers=api.auth(seat), timeout=10)


def body(**change: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": "周住建",
        "unit_id": "hn-zjt",
        "fields": ["社会管理"],
        "shifts": ["每天 00:00-00:00"],
        "phone": "0731-88950000",
    }
    doc.update(change)
    return {k: v for k, v in doc.items() if v is not ...}


def test_r_expert_roster_over_http(api: Api) -> None:
    with client(api, "zjt") as zjt:
        r = zjt.post(EXPERTS, json=body())
        assert r.status_code == 403 and r.json()["rule"] == "R-EXPERT"
    with client(api, "manager") as mgr:
        r = mgr.post(EXPERTS, json=body())
        assert r.status_code == 200, r.text
        expert_id = r.json()["id"]
        r = mgr.post(
            f"{EXPERTS}/{expert_id}", json=body(shifts=["工作日 09:00-17:30", "周六 09:00-12:00"])
        )
        assert r.status_code == 204, r.text
        r = mgr.post(f"{EXPERTS}/ex-none", json=body())
        assert r.status_code == 404
    with client(api, "operator") as op:
        [mine] = [e for e in op.get(EXPERTS).json() if e["id"] == expert_id]
        assert mine["shift_labels"] == ["工作日 09:00–17:30", "周六 09:00–12:00"]
        assert mine["unit_name"] == "省住房城乡建设厅" and mine["field_labels"] == ["社会管理"]
        assert [e["id"] for e in op.get(EXPERTS, params={"field": "社会管理"}).json()] == [
            expert_id
        ]
        r = op.get(EXPERTS, params={"field": "天文"})
        assert r.status_code == 422 and r.json()["field"] == "field"
        r = op.post(f"{EXPERTS}/{expert_id}/retire", json={"reason": "我想退"})
        assert r.status_code == 403 and r.json()["rule"] == "R-EXPERT"
    with client(api, "rst") as rst:
        assert expert_id not in [e["id"] for e in rst.get(EXPERTS).json()]
    with client(api, "zjt") as zjt:
        assert expert_id in [e["id"] for e in zjt.get(EXPERTS).json()]
    with client(api, "manager") as mgr:
        r = mgr.post(f"{EXPERTS}/{expert_id}/retire", json={"reason": "调离"})
        assert r.status_code == 204, r.text
        r = mgr.post(f"{EXPERTS}/{expert_id}/retire", json={"reason": "调离"})
        assert r.status_code == 409 and r.json()["rule"] == "R-EXPERT"
        assert expert_id not in [e["id"] for e in mgr.get(EXPERTS).json()]
        [gone] = [
            e for e in mgr.get(EXPERTS, params={"include_retired": "true"}).json()
            if e["id"] == expert_id
        ]  # fmt: skip
        assert gone["active"] is False and gone["retire_reason"] == "调离"
    audit = pytest.importorskip("console.services.access.audit")
    steps = [e for e in audit.entries(api.store, target=expert_id)]
    assert [e.action for e in steps] == ["expert_add", "expert_edit", "expert_retire"]
    assert all(e.origin == "api:127.0.0.1" and e.role == "manager" for e in steps)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "名" * 61}, "name"),
        ({"fields": []}, "fields"),
        ({"fields": "社会管理"}, "fields"),
        ({"fields": ["火星"]}, "fields"),
        ({"shifts": ["24小时"]}, "shifts"),
        ({"shifts": ...}, "shifts"),
        ({"phone": "call me"}, "phone"),
        ({"note": "\u0000"}, "note"),
        ({"unit_id": "hn-none"}, None),
    ],
)
def test_r_expert_bad_fields_are_refused_naming_the_field(
    api: Api, change: dict[str, Any], field: str | None
) -> None:
    with client(api, "manager") as mgr:
        before = mgr.get(EXPERTS, params={"include_retired": "true"}).json()
        r = mgr.post(
            EXPERTS, json=body(name="吴测试", **change) if "name" not in change else body(**change)
        )
        if field is None:
            assert r.status_code == 404, r.text
        else:
            assert r.status_code == 422, r.text
            assert r.json()["field"] == field
        assert mgr.get(EXPERTS, params={"include_retired": "true"}).json() == before
