"""Access over HTTP (R-SECURITY, R-CONFIDENTIAL) against a real ``hotline serve``:

- a unit clerk's token reads no other unit's ticket by ANY endpoint (enumerated from the
  OpenAPI document), and no answer carries that ticket's words or caller;
- no token → 401; unknown, revoked and expired tokens → 401 with the reason;
- SQL and markup in every text field are stored and shown literally;
- bodies over the limit → 413 (announced or streamed), nothing stored;
- every error is the JSON object, malformed input is 422 naming the field, never 500;
- the access log holds neither query strings nor a caller's words.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from console.errors import PermissionDenied
from console.services.remote import RemoteBackend
from console.services.values import Kind, Role
from console.store.models import TicketRow
from tests.api.conftest import Api
from tests.contract.harness import intake

API = "/api/v1"
WORDS = "小区东门排水沟堵塞半个月无人清理，臭气熏天"
NAME = "欧阳秀兰"
PHONE = "13698761234"
ID_NUMBER = "430102198802023456"


@pytest.fixture(scope="module")
def other_units_ticket(api: Api) -> Iterator[dict[str, Any]]:
    """A ticket of hn-rst with a supervision, and what must never reach a clerk of hn-zjt."""
    operator = RemoteBackend(api.url, api.tokens["operator"])
    manager = RemoteBackend(api.url, api.tokens["manager"])
    number = operator.accept(
        intake(text=WORDS, caller_name=NAME, caller_phone=PHONE, caller_id_number=ID_NUMBER),
        unit_id="hn-rst",
    )
    sid = manager.open_supervision(number, 5, "written", "请书面说明排水沟情况")
    view = manager.ticket(number)
    yield {"number": number, "supervision": sid, "version": view.version}
    operator.close()
    manager.close()


def client(api: Api, seat: str | None = None) -> httpx.Client:
    headers = api.auth(seat) if seat else {}
    return httpx.Client(base_url=api.url, headers=headers, timeout=10)


# ---------------------------------------------------------------- a body for each operation
def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def example(spec: dict[str, Any], schema: dict[str, Any], name: str = "") -> Any:
    """A plausible value for ``schema``; text fields carry the other unit's words and phone."""
    schema = _resolve(spec, schema)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return example(spec, options[0], name) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        required = set(schema.get("required", ()))
        props = schema.get("properties", {})
        return {
            key: example(spec, sub, key)
            for key, sub in props.items()
            if key in required or key in ("text", "query", "caller_phone", "version", "unit_id")
        }
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2026-11-25"
    if name in ("text", "query"):
        return WORDS
    if name == "caller_phone":
        return PHONE
    if name in ("unit_id", "unit"):
        return "hn-rst"
    return "测试"


def requests_for(
    spec: dict[str, Any], ticket: dict[str, Any]
) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(operationId, method, url, httpx kwargs) for every operation of the API."""
    for path, item in spec["paths"].items():
        for method, op in item.items():
            url = (
                path.replace("{number}", ticket["number"])
                .replace("{supervision_id}", str(ticket["supervision"]))
                .replace("{name}", "awaiting_sign")
                .replace("{article_id}", "kb-rst-001")
            )
            kwargs: dict[str, Any] = {}
            params = {}
            for p in op.get("parameters", []):
                if p["in"] == "query" and p.get("required"):
                    schema = _resolve(spec, p["schema"])
                    params[p["name"]] = (
                        ["mine"] if schema.get("type") == "array" else example(spec, schema)
                    )
            if op["operationId"] == "live_feed":  # the push, from the start, for a second
                params.update(after=0, kb_after=0, seconds=1)
            if params:
                kwargs["params"] = params
            body = op.get("requestBody")
            if body:
                schema = body["content"]["application/json"]["schema"]
                kwargs["json"] = example(spec, schema)
                if isinstance(kwargs["json"], dict) and "version" in kwargs["json"]:
                    kwargs["json"]["version"] = 0  # stale: must not reveal who changed it
            yield op["operationId"], method.upper(), url, kwargs


def test_a_unit_clerk_reads_no_other_units_ticket_by_any_endpoint(
    api: Api, other_units_ticket: dict[str, Any]
) -> None:
    number = other_units_ticket["number"]
    secrets_ = (WORDS, NAME, PHONE, ID_NUMBER, "请书面说明排水沟情况")
    with client(api, "zjt") as c:
        spec = c.get("/openapi.json").json()
        tried = 0
        for op_id, method, url, kwargs in requests_for(spec, other_units_ticket):
            r = c.request(method, url, **kwargs)
            tried += 1
            assert r.status_code != 500, (op_id, r.text)
            pushed = op_id == "live_feed" and r.status_code == 200  # Server-Sent Events
            assert r.headers["content-type"].startswith(
                "text/event-stream" if pushed else "application/json"
            ), op_id
            if number in url or "/supervisions/" in url:
                assert r.status_code in (403, 404), (op_id, r.status_code, r.text)
                assert r.json()["error"] in ("permission", "not_found"), op_id
            else:
                assert number not in r.text, (op_id, r.text[:300])
            for secret in secrets_:
                assert secret not in r.text, (op_id, secret)
        assert tried >= 45
    # nothing the clerk tried changed the ticket
    with client(api, "manager") as c:
        view = c.get(f"{API}/tickets/{number}").json()
    assert view["version"] == other_units_ticket["version"]
    assert view["supervisions"][0]["reply"] == "" and view["supervisions"][0]["state"] == "open"
    # … while the clerk of the ticket's own unit reads it
    with client(api, "rst") as c:
        assert c.get(f"{API}/tickets/{number}").status_code == 200


def test_every_backend_use_case_is_an_operation(api: Api) -> None:
    from console.services.backend import Backend

    spec = httpx.get(f"{api.url}/openapi.json", timeout=10).json()
    operations = {
        op["operationId"]: method for item in spec["paths"].values() for method, op in item.items()
    }
    use_cases = {
        name for name in vars(Backend) if not name.startswith("_") and name not in ("drill",)
    }
    assert use_cases <= set(operations), use_cases - set(operations)
    post_reads = {"search_kb", "suggest_units", "find_duplicates", "match_prefiling",
                  "caller_history", "policy_search"}  # fmt: skip
    for name, method in operations.items():
        if name in (
            "actor",
            "now",
            "units",
            "grounds",
            "prefiling_active",
            "due_preview",
            "article",
            "article_flags",
            "articles_due_review",
            "prefiling_scopes",
            "article_for_edit",
            "article_drafts",
            "ticket",
            "queue",
            "queue_counts",
            "subcentres",
            "subcentre_kpi",
            "hot_matters",
            "hot_matter_of",
            "hot_alerts",
            "unit_kpis",
            "kpi_tickets",
            "kpi_latest",
            "evaluations",
            "evaluation",
            "accountability",
            "experts",
            "expert_queue",
            "expert_handoff",
            "expert_handoffs",
            "expert_measures",
            "call_pops",
            "live_changes",
            "live_feed",
            "policy_subscriptions",
            "policy_push_report",
            "desk",
            "specialists",
        ):
            assert method == "get", name
        elif name not in post_reads:
            assert method == "post", name
    assert spec["components"]["securitySchemes"]["seat_token"]["scheme"] == "bearer"


# ---------------------------------------------------------------- tokens
def test_a_missing_or_unknown_token_is_401(api: Api) -> None:
    with client(api) as c:
        r = c.get(f"{API}/me")
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert r.json()["error"] == "unauthenticated" and r.json()["rule"] == "R-SECURITY"
        r = c.get(f"{API}/me", headers={"Authorization": "Bearer not-a-token"})
        assert r.status_code == 401 and "令牌无效" in r.json()["message"]
        r = c.get(f"{API}/me", headers={"Authorization": f"Basic {api.tokens['operator']}"})
        assert r.status_code == 401
        r = c.post(f"{API}/intake/accept", json={"intake": {}})
        assert r.status_code == 401  # authentication before validation: nothing is looked at


def test_revoked_and_expired_tokens_are_refused(api: Api) -> None:
    from console.services.access import seats

    token = api.add_seat("临时席位", Role.OPERATOR)
    with client(api) as c:
        auth = {"Authorization": f"Bearer {token}"}
        assert c.get(f"{API}/me", headers=auth).json()["role"] == "operator"
        seat_id = next(s.id for s in seats.list_seats(api.store) if s.name == "临时席位")
        seats.revoke_seat(api.store, seat_id, dt.datetime.now(dt.UTC))
        r = c.get(f"{API}/me", headers=auth)
        assert r.status_code == 401 and "吊销" in r.json()["message"]
        past = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
        expired = api.add_seat(
            "过期席位", Role.OPERATOR, expires_at=past + dt.timedelta(days=1), now=past
        )
        r = c.get(f"{API}/me", headers={"Authorization": f"Bearer {expired}"})
        assert r.status_code == 401 and "过期" in r.json()["message"]
    with pytest.raises(PermissionDenied, match="吊销"):
        RemoteBackend(api.url, token).connect()


# ---------------------------------------------------------------- text is data
NASTY = (
    "'; DROP TABLE tickets; --",
    "[bold red]警告[/] [/",
    "<script>alert('x')</script>",
    "\x1b[31m红字\x1b[0m",
    "%s %(name)s {0} ${HOME}",
    "Robert'); DELETE FROM seats;--",
)


def test_sql_and_markup_in_every_text_field_are_stored_literally(api: Api) -> None:
    operator = RemoteBackend(api.url, api.tokens["operator"])
    rst = RemoteBackend(api.url, api.tokens["rst"])
    try:
        for nasty in NASTY:
            number = operator.accept(
                intake(
                    Kind.COMPLAINT,
                    text=f"诉求：{nasty}",
                    caller_name=nasty[:100],
                    enterprise_name=nasty,
                    source_line=nasty[:40],
                    place=nasty[:60],
                    matter_type=nasty[:60],
                ),
                unit_id="hn-rst",
            )
            rst.sign(number)
            rst.return_ticket(number, reason=nasty, basis=nasty)
            view = operator.ticket(number)
            assert view.text == f"诉求：{nasty}" and view.place == nasty[:60]
            assert view.source_line == nasty[:40] and view.matter_type == nasty[:60]
            assert view.events[-1].reason == nasty and view.events[-1].details["basis"] == nasty
            with api.store.read() as s:
                row = s.execute(select(TicketRow).where(TicketRow.number == number)).scalar_one()
                assert (row.caller_name, row.enterprise_name) == (nasty[:100], nasty)
            hits = operator.search_kb(nasty)
            assert isinstance(hits, list)
        with api.store.read() as s:  # the tables are all still there
            assert s.execute(select(func.count()).select_from(TicketRow)).scalar_one() >= len(NASTY)
    finally:
        operator.close()
        rst.close()


# ---------------------------------------------------------------- sizes and shapes
def _tickets(api: Api) -> int:
    with api.store.read() as s:
        return int(s.execute(select(func.count()).select_from(TicketRow)).scalar_one())


def test_oversized_bodies_are_413_and_store_nothing(api: Api) -> None:
    before = _tickets(api)
    big = {
        "intake": {"kind": "complaint", "domain": "other", "text": "字" * 100_000},
        "unit_id": "hn-rst",
    }
    with client(api, "operator") as c:
        r = c.post(f"{API}/intake/accept", json=big)
        assert r.status_code == 413 and r.json()["error"] == "too_large"

        def chunks() -> Iterator[bytes]:  # streamed: no Content-Length to refuse up front
            yield b'{"intake": {"kind": "complaint", "domain": "other", "text": "'
            for _ in range(40):
                yield b"x" * 10_000
            yield b'"}, "unit_id": "hn-rst"}'

        r = c.post(
            f"{API}/intake/accept", content=chunks(), headers={"content-type": "application/json"}
        )
        assert r.status_code == 413 and r.json()["error"] == "too_large"
    assert _tickets(api) == before
    with client(api, "operator") as c:
        assert c.get(f"{API}/me").status_code == 200  # the server is fine


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "field"),
    [
        ("POST", "/intake/accept", {"content": b"{not json"}, "body"),
        ("POST", "/kb/search", {"content": b"\xff\xfe\x00{"}, "body"),
        (
            "POST",
            "/intake/accept",
            {"json": {"intake": {"kind": "complaint", "domain": "other"}}},
            "text",
        ),
        (
            "POST",
            "/intake/accept",
            {"json": {"intake": {"kind": "rant", "domain": "other", "text": "x"}}},
            "kind",
        ),
        (
            "POST",
            "/intake/accept",
            {"json": {"intake": {"kind": "complaint", "domain": "other", "text": "a\u0000b"}}},
            "text",
        ),
        (
            "POST",
            "/intake/accept",
            {
                "json": {
                    "intake": {
                        "kind": "complaint",
                        "domain": "other",
                        "text": "x",
                        "caller_name": "名" * 101,
                    }
                }
            },
            "caller_name",
        ),
        (
            "POST",
            "/intake/accept",
            {
                "json": {
                    "intake": {"kind": "complaint", "domain": "other", "text": "x"},
                    "colour": "red",
                }
            },
            "colour",
        ),
        (
            "POST",
            "/intake/refuse",
            {
                "json": {
                    "intake": {"kind": "complaint", "domain": "other", "text": "x"},
                    "ground": 10**30,
                    "reason": "x",
                }
            },
            "ground",
        ),
        ("POST", "/tickets/HN1/sign", {"json": {"version": "new"}}, "version"),
        ("POST", "/tickets/HN1/sign", {"json": [1, 2]}, "body"),
        (
            "POST",
            "/tickets/HN1/request-completion",
            {"json": {"contact_method": "电话", "contact_date": "yesterday", "handling": "x"}},
            "contact_date",
        ),
        ("GET", "/tickets/HN%001", {}, "number"),
        ("GET", "/queues/mine?limit=lots", {}, "limit"),
        ("GET", "/due-preview?kind=complaint&start=tomorrow", {}, "start"),
        ("POST", "/kb/search", {"json": {"query": "x", "domain": "天文"}}, "domain"),
        ("POST", "/supervisions/99999999999/close", {"json": {"note": "x"}}, "supervision_id"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    api: Api, method: str, path: str, kwargs: dict[str, Any], field: str
) -> None:
    headers = {"content-type": "application/json"} if "content" in kwargs else {}
    with client(api, "operator") as c:
        r = c.request(method, f"{API}{path}", headers=headers, **kwargs)
    assert r.status_code == 422, r.text
    payload = r.json()
    assert set(payload) >= {"error", "rule", "field", "message"}
    assert payload["error"] == "input" and payload["field"] == field
    assert payload["message"].startswith(f"{field}: ")
    assert re.search(r"[\u4e00-\u9fff]", payload["message"]), "the reason is in Chinese"
    assert "a\x00b" not in r.text and "名" * 50 not in r.text  # the value is never echoed


def test_errors_are_the_json_object(api: Api, other_units_ticket: dict[str, Any]) -> None:
    number = other_units_ticket["number"]
    with client(api, "operator") as c:
        r = c.post(f"{API}/tickets/{number}/sign", json={})
        assert r.status_code == 403
        assert r.json() == {
            "error": "permission",
            "rule": "R-SIGN",
            "field": None,
            "message": "[R-SIGN] 「签收」只能由承办单位经办人操作",
            "reason": "「签收」只能由承办单位经办人操作",
        }
        r = c.get(f"{API}/tickets/HN000000000000")
        assert r.status_code == 404 and r.json()["error"] == "not_found"
        r = c.post(f"{API}/tickets/{number}/dispatch", json={"unit_id": "hn-zjt"})
        assert (
            r.status_code == 409
            and r.json()["error"] == "rule"
            and r.json()["rule"] == "R-DISPATCH"
        )
    with client(api, "manager") as c:
        r = c.post(
            f"{API}/tickets/{number}/designate-lead",
            json={"lead_unit_id": "hn-rst", "co_unit_ids": [], "version": 0},
        )
        assert r.status_code == 409 and r.json()["error"] == "conflict"
        assert r.json()["changed_by"] == "优化办乙" and r.json()["changed_at"]
        assert c.get("/nowhere").json()["error"] == "not_found"
        assert c.put(f"{API}/me").status_code == 405


def test_the_access_log_has_no_query_strings_or_callers(
    api: Api, other_units_ticket: dict[str, Any]
) -> None:
    with client(api, "operator") as c:
        c.get(f"{API}/queue-counts", params={"names": ["mine", "overdue"]})
        c.post(f"{API}/kb/search", json={"query": WORDS})
        c.post(f"{API}/intake/duplicates", json={"text": WORDS, "caller_phone": PHONE})
    log = api.server.log(until="POST /api/v1/intake/duplicates")
    assert "GET /api/v1/queue-counts 200" in log and "POST /api/v1/kb/search 200" in log
    assert "names=" not in log and "?" not in log
    for secret in (WORDS, NAME, PHONE, ID_NUMBER, "DROP TABLE", "<script>"):
        assert secret not in log
    assert "Traceback" not in log


def test_audit_records_say_the_request_came_over_the_api(
    api: Api, other_units_ticket: dict[str, Any]
) -> None:
    audit = pytest.importorskip("console.services.access.audit")
    number = other_units_ticket["number"]
    with client(api, "zjt") as c:
        assert (
            c.post(f"{API}/tickets/{number}/reveal-contact", json={"reason": "想看看"}).status_code
            == 404
        )
    records = audit.entries(api.store, target=number)
    assert records and all(r.origin == "api:127.0.0.1" for r in records)
    assert {"accept", "open_supervision", "reveal_refused"} <= {r.action for r in records}
    refused = next(r for r in records if r.action == "reveal_refused")
    assert refused.role == "unit_clerk" and refused.unit_id == "hn-zjt"
    assert all(WORDS not in json.dumps(r.as_json(), ensure_ascii=False) for r in records)


# ---------------------------------------------------------------- hardening (R-SECURITY)
def test_r_security_platform_wide_tools_are_refused_over_http(
    api: Api, other_units_ticket: dict[str, Any]
) -> None:
    """Duplicates and unit suggestions are intake tools; settling call-backs is the manager's
    (or the worker's): other seats get 403 naming R-SECURITY, and no ticket number."""
    number = other_units_ticket["number"]
    calls = (
        ("/intake/duplicates", {"text": WORDS, "caller_phone": PHONE}),
        ("/routing/suggest", {"text": WORDS}),
    )
    with client(api, "zjt") as c:
        for path, body_ in calls:
            r = c.post(f"{API}{path}", json=body_)
            assert r.status_code == 403, (path, r.text)
            assert r.json()["error"] == "permission" and r.json()["rule"] == "R-SECURITY"
            assert number not in r.text
        r = c.post(f"{API}/callbacks/settle")
        assert r.status_code == 403 and r.json()["rule"] == "R-SECURITY"
    with client(api, "operator") as c:
        found = c.post(f"{API}/intake/duplicates", json={"text": WORDS, "caller_phone": PHONE})
        assert found.status_code == 200 and isinstance(found.json(), list)
        assert c.post(f"{API}/callbacks/settle").status_code == 403
    with client(api, "manager") as c:
        r = c.post(f"{API}/callbacks/settle")
        assert r.status_code == 200 and isinstance(r.json(), list)


def test_r_security_release_and_stale_version_of_another_units_ticket_say_nothing(
    api: Api, other_units_ticket: dict[str, Any]
) -> None:
    number = other_units_ticket["number"]
    with client(api, "zjt") as c:
        for path, body_ in (
            (f"/tickets/{number}/release", None),
            (f"/tickets/{number}/sign", {"version": 0}),
            (f"/tickets/{number}/request-extension", {"days": 2, "reason": "x", "version": 0}),
        ):
            r = c.post(f"{API}{path}", json=body_)
            missing = c.post(f"{API}{path.replace(number, 'HN990101999999')}", json=body_)
            assert r.status_code == missing.status_code == 404, (path, r.text)
            # the same answer as for a number nobody issued: nothing to enumerate
            assert r.json()["error"] == missing.json()["error"] == "not_found"
            assert "不属于本单位" not in r.text


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/kb/search", {"query": "社保", "domain": "天文"}, "domain"),
        ("/routing/suggest", {"text": "停电了", "domain": "天文"}, "domain"),
        ("/kb/search", b'{"query": "\\ud800"}', "query"),  # a lone surrogate
        ("/intake/duplicates", b'{"text": "\\udfff"}', "text"),
    ],
)
def test_unknown_names_and_bad_text_are_422_over_http(
    api: Api, path: str, payload: dict[str, Any] | bytes, field: str
) -> None:
    with client(api, "operator") as c:
        if isinstance(payload, bytes):
            r = c.post(
                f"{API}{path}", content=payload, headers={"content-type": "application/json"}
            )
        else:
            r = c.post(f"{API}{path}", json=payload)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "input" and r.json()["field"] == field


def test_a_naive_moment_over_http_is_beijing_time(api: Api) -> None:
    with client(api, "operator") as c:
        naive = c.get(f"{API}/prefiling/active", params={"at": "2026-11-25T09:00:00"})
        aware = c.get(f"{API}/prefiling/active", params={"at": "2026-11-25T09:00:00+08:00"})
        assert naive.status_code == 200 and naive.json() == aware.json()
        r = c.get(f"{API}/due-preview", params={"kind": "nonsense"})
        assert r.status_code == 422 and r.json()["field"] == "kind"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/due-preview?kind=complaint&start=9999-12-31T23:59:59-14:00", "start"),
        ("/due-preview?kind=complaint&start=0001-01-01T00:00:00", "start"),
        ("/prefiling/active?at=0001-01-01T00:00:00", "at"),
        ("/prefiling/active?at=9999-12-31T23:59:59%2B14:00", "at"),
    ],
)
def test_r_security_extreme_dates_are_422_naming_the_field(api: Api, path: str, field: str) -> None:
    with client(api, "operator") as c:
        got = c.get(API + path)
    assert got.status_code == 422, got.text
    body = got.json()
    assert field in json.dumps(body, ensure_ascii=False), body
