"""Knowledge upkeep over HTTP (R-KB) against a real ``hotline serve`` on loopback: the owner
unit answers an error report and verifies an article; every refusal is the JSON error object
with its status (403 another unit or seat, 409 answered twice, 422 bad input), never 500;
each command leaves an audit record naming the seat and that it came over the API."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import Api

API = "/api/v1"


def client(api: Api, seat: str) -> httpx.Client:
    return httpx.Client(base_url=api.url, headers=api.auth(seat), timeout=10)


def test_r_kb_unit_resolves_a_report_of_its_article_over_http(api: Api) -> None:
    with client(api, "operator") as op:
        r = op.post(f"{API}/kb/articles/kb-rst-001/flag", json={"problem": "wrong", "note": "HTTP"})
        assert r.status_code == 204
        r = op.get(f"{API}/kb/flags")
        assert r.status_code == 403 and r.json()["rule"] == "R-KB"
    with client(api, "rst") as rst:
        flags = rst.get(f"{API}/kb/flags").json()
    [flag] = [f for f in flags if f["note"] == "HTTP"]
    path = f"{API}/kb/flags/{flag['id']}/resolve"
    with client(api, "zjt") as zjt:
        assert flag["id"] not in [f["id"] for f in zjt.get(f"{API}/kb/flags").json()]
        r = zjt.post(path, json={"outcome": "fixed", "note": "已改"})
        assert r.status_code == 403, r.text
        body = r.json()
        assert body["error"] == "permission" and body["rule"] == "R-KB"
        assert "R-KB" in body["message"] and "\n" not in body["message"]
    with client(api, "rst") as rst:
        r = rst.post(path, json={"outcome": "fixed", "note": ""})
        assert r.status_code == 422 and r.json()["field"] == "note"
        r = rst.post(path, json={"outcome": "perhaps", "note": "看过了"})
        assert r.status_code == 422 and r.json()["field"] == "outcome"
        r = rst.post(path, json={"outcome": "fixed"})
        assert r.status_code == 422
        r = rst.post(f"{API}/kb/flags/2147483647/resolve", json={"outcome": "fixed", "note": "x"})
        assert r.status_code == 404
        r = rst.post(path, json={"outcome": "fixed", "note": "已更正为国家社会保险公共服务平台"})
        assert r.status_code == 204, r.text
        r = rst.post(path, json={"outcome": "fixed", "note": "再改一次"})
        assert r.status_code == 409 and r.json()["rule"] == "R-KB"
        assert flag["id"] not in [f["id"] for f in rst.get(f"{API}/kb/flags").json()]
    audit = pytest.importorskip("console.services.access.audit")
    [record] = audit.entries(api.store, action="resolve_article_flag", target="kb-rst-001")
    assert record.role == "unit_clerk" and record.unit_id == "hn-rst"
    assert record.origin == "api:127.0.0.1" and record.detail["outcome"] == "fixed"


def test_r_kb_unit_verifies_an_article_over_http(api: Api) -> None:
    path = f"{API}/kb/articles/kb-zjt-001/verify"
    with client(api, "rst") as rst:
        r = rst.post(path, json={})
        assert r.status_code == 403 and r.json()["rule"] == "R-KB"
    with client(api, "operator") as op:
        assert op.post(path, json={}).status_code == 403
    with client(api, "zjt") as zjt:
        r = zjt.post(path, json={"review_by": "2020-01-01"})
        assert r.status_code == 422 and r.json()["field"] == "review_by"
        r = zjt.post(path, json={"review_by": "not a date"})
        assert r.status_code == 422
        assert zjt.post(f"{API}/kb/articles/kb-none/verify", json={}).status_code == 404
        r = zjt.post(path, json={"review_by": "2030-01-01"})
        assert r.status_code == 422 and r.json()["field"] == "review_by"  # over three years
        r = zjt.post(path, json={})
        assert r.status_code == 200 and r.json() == {"closed": 0}, r.text
        article = zjt.get(f"{API}/kb/articles/kb-zjt-001").json()
        assert article["status"] == "verified"
        due = zjt.get(f"{API}/kb/review-due")
        assert due.status_code == 200 and isinstance(due.json(), list)
    audit = pytest.importorskip("console.services.access.audit")
    [record] = audit.entries(api.store, action="verify_article", target="kb-zjt-001")
    assert record.unit_id == "hn-zjt" and record.origin == "api:127.0.0.1"
