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


def test_r_kb_edit_and_cross_check_over_http(api: Api) -> None:
    """Only the owner unit and the manager open, edit and verify; the edit is a draft until
    someone else verifies it; a stale version is 409; a bad field is 422 naming it."""
    edit = f"{API}/kb/articles/kb-rst-002/edit"
    with client(api, "rst") as rst:
        r = rst.get(edit)
        assert r.status_code == 200, r.text
        view = r.json()
        assert view["draft"] is None and view["unit_id"] == "hn-rst"
    body = {
        "version": view["version"],
        "question": "社保关系如何转移？",
        "answer": "网上办：国家社会保险公共服务平台（HTTP）。",
        "basis": "社会保险法",
        "tags": ["社保"],
        "review_by": "2027-06-30",
    }
    for seat in ("zjt", "operator", "supervisor"):
        with client(api, seat) as other:
            for r in (other.get(edit), other.post(edit, json=body), other.get(f"{API}/kb/drafts")):
                if seat == "zjt" and r.request.url.path.endswith("/drafts"):
                    assert r.status_code == 200 and r.json() == []
                    continue
                assert r.status_code == 403, (seat, r.text)
                assert r.json()["rule"] == "R-KB"
    with client(api, "rst") as rst:
        r = rst.post(edit, json={**body, "question": "x" * 201})
        assert r.status_code == 422 and r.json()["field"] == "question"
        r = rst.post(edit, json={**body, "review_by": "2020-01-01"})
        assert r.status_code == 422 and r.json()["field"] == "review_by"
        r = rst.post(edit, json={**body, "question": " "})
        assert r.status_code == 422 and r.json()["field"] == "question"
        assert rst.post(f"{API}/kb/articles/kb-none/edit", json=body).status_code == 404
        r = rst.post(edit, json=body)
        assert r.status_code == 200, r.text
        saved = r.json()
        assert saved["draft"]["edited_by"] == saved["history"][0]["edited_by"]
        r = rst.post(edit, json=body)  # the version read is stale now
        assert r.status_code == 409 and r.json()["error"] == "conflict"
        assert rst.get(f"{API}/kb/articles/kb-rst-002").json()["answer"] != body["answer"]
        verify = f"{API}/kb/articles/kb-rst-002/verify"
        r = rst.post(verify, json={"version": saved["version"]})
        assert r.status_code == 409 and r.json()["rule"] == "R-KB"  # not by its editor
    with client(api, "manager") as mgr:
        [draft] = [d for d in mgr.get(f"{API}/kb/drafts").json() if d["article_id"] == "kb-rst-002"]
        r = mgr.post(f"{API}/kb/articles/kb-rst-002/verify", json={"version": draft["version"]})
        assert r.status_code == 200, r.text
    with client(api, "operator") as op:
        article = op.get(f"{API}/kb/articles/kb-rst-002").json()
        assert article["answer"] == body["answer"] and article["status"] == "verified"
        assert article["history"][0]["state"] == "verified"
    audit = pytest.importorskip("console.services.access.audit")
    [record] = audit.entries(api.store, action="edit_article", target="kb-rst-002")
    assert record.unit_id == "hn-rst" and record.origin == "api:127.0.0.1"
