"""Issue 12 item 4: every route of the OpenAPI document, every parameter and body field, each
extreme value in turn — deterministically, not at random (``test_fuzz.py`` does the random part).

For each operation a valid request is built (real ticket number, article, flag, supervision;
the required body fields with plausible values) and sent once as it is; then each path and query
parameter, each body field, and each field of a nested intake is replaced, one at a time, by
each of :data:`EXTREMES` (far past and far future moments, +14:00 and −14:00 offsets, naive
times, 1900 and 2200, the empty string, 2**63, −1, 0, NaN, a 10 000-character text, NUL and
control characters, null, a boolean, a list, an object). No answer may be a 5xx; every 4xx is
the JSON error object, and a 422 names the field that was replaced. Afterwards the server's log
holds no traceback and the audit trail is whole.

On an SQLite file, and on PostgreSQL when HOTLINE_TEST_PG is set.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from console.services.remote import RemoteBackend
from tests.api.conftest import Api, start_api
from tests.contract.harness import intake

EXTREMES: tuple[tuple[str, Any], ...] = (
    ("earliest moment", "0001-01-01T00:00:00"),
    ("earliest moment +14:00", "0001-01-01T00:00:00+14:00"),
    ("latest moment -14:00", "9999-12-31T23:59:59-14:00"),
    ("latest moment +14:00", "9999-12-31T23:59:59+14:00"),
    ("latest moment Z", "9999-12-31T23:59:59Z"),
    ("+14:00 today", "2026-11-25T09:00:00+14:00"),
    ("naive moment", "2026-11-25T09:00:00"),
    ("earliest date", "0001-01-01"),
    ("latest date", "9999-12-31"),
    ("1900", "1900-01-01"),
    ("2200", "2200-01-01T00:00:00+08:00"),
    ("empty", ""),
    ("2**63", 2**63),
    ("-2**63-1", -(2**63) - 1),
    ("2**63 as text", str(2**63)),
    ("-1", -1),
    ("0", 0),
    ("huge float", 1e308),
    ("NaN", "NaN"),
    ("-Infinity", "-Infinity"),
    ("10 000 characters", "字" * 10_000),  # 30 KB; 90 KB percent-encoded: bodies only
    ("10 000 digits", "9" * 10_000),
    ("NUL", "a\x00b"),
    ("control characters", "\x01\x07\x1b[31m\x7f\u202e\u2028"),
    ("null", None),
    ("true", True),
    ("list", ["0001-01-01", 2**63]),
    ("object", {"x": "9999-12-31"}),
)

CONCURRENCY = int(os.environ.get("HOTLINE_SWEEP_CONCURRENCY", "3"))
SEAT_ORDER = ("operator", "manager", "rst", "zjt", "supervisor", "sub12333")

# plausible values for required fields, by name (the rest by type)
NAMED: dict[str, Any] = {
    "intake": {  # a whole intake (optional fields too), so that intake commands go through
        "kind": "complaint",
        "domain": "social_management",
        "text": "公司拖欠工资三个月，请求协调。",
        "caller_phone": "13812341234",
        "caller_name": "张先生",
        "source_line": "长沙12345",
        "place": "长沙市",
    },
    "unit_id": "hn-rst",
    "lead_unit_id": "hn-rst",
    "new_unit_id": "hn-zjt",
    "article_id": "kb-rst-001",
    "scope_id": "pf-1",
    "fields": ["公共服务"],  # an expert's (R-EXPERT)
    "shifts": ["工作日 09:00-17:30"],
    "ground": 5,
    "days": 3,
    "text": "公司拖欠工资三个月，请求协调。",
    "query": "拖欠工资",
    "period": "2026Q4",
    "phone": "13812341234",
    "target_line": "长沙12345",
    "contact_date": "2026-11-25",
    "contact_method": "电话",
    "result": "satisfied",
    "decision": "close",
    "outcome": "fixed",
    "method": "written",
    "problem": "outdated",
    "approve": True,
    "opinion": "经多次协调，诉求人要求超出政策规定，已依法依规答复，申请终结备案。",
    "handling": "已联系用人单位，督促其于本月底前结清所欠工资，诉求人表示认可。",
    "reason": "测试理由",
    "code": "12333",  # a sub-centre's line (the sweep's store makes hn-rst the 12333 sub-centre)
    "unit": "hn-rst",
    "indicator": "on_time_rate",
    "specialist_id": "",  # the sweep's policy specialist (R-ENTERPRISE), set by sweep_api
}
# the one record of a sub-centre's batch (a JSON array body): each of its fields is swept
SUBCENTRE_RECORD: dict[str, Any] = {
    "record_id": "sweep-1",
    "started_at": "2026-11-25T08:00:00+08:00",
    "answered": True,
    "answered_at": "2026-11-25T08:00:10+08:00",
    "ended_at": "2026-11-25T08:02:00+08:00",
    "seat": "A01",
    "caller_phone": "13812341234",
    "outcome": "first_contact",
    "ticket_number": None,
    "own_ticket_id": "RS-1",
}
# the services name a queue "queue" whatever the parameter is called (the local and the remote
# backend raise the very same error)
T = "/api/v1/tickets/{number}/"
SIGNED = [("sign", "rst", {})]
COMPLETION = [*SIGNED, ("request-completion", "rst", {})]
CALLBACK_DUE = [*COMPLETION, ("review-completion", "manager", {"approve": True})]
RECIPES: dict[str, tuple[str, str, list[tuple[str, str, dict[str, Any]]]]] = {
    # a ticket command is swept on a ticket of its own in a state that allows it (seat, how the
    # ticket is made, the commands before), so that each value reaches the service's own
    # checks; once a request succeeds, the next one gets a new ticket
    T + "sign": ("rst", "complaint", []),
    T + "return": ("rst", "complaint", []),
    T + "review-return": ("manager", "complaint", [("return", "rst", {})]),
    T + "designate-lead": ("manager", "complaint", []),
    T + "request-completion": ("rst", "complaint", SIGNED),
    T + "review-completion": ("manager", "complaint", COMPLETION),
    T + "request-extension": ("rst", "complaint", []),
    T + "review-extension": ("manager", "complaint", [("request-extension", "rst", {})]),
    T + "request-termination": ("rst", "complaint", SIGNED),
    T + "review-termination": (
        "manager",
        "complaint",
        [*SIGNED, ("request-termination", "rst", {})],
    ),
    T + "first-response": ("rst", "special", []),
    T + "progress": ("rst", "special", [("first-response", "rst", {})]),
    T + "renotify": ("manager", "special", []),
    T + "urge": ("manager", "complaint", []),
    T + "mark-law-case": ("manager", "complaint", []),
    T + "withdraw-law-case": (
        "manager",
        "complaint",
        [("mark-law-case", "manager", {"note": "行政调解类"})],
    ),
    T + "co-part": (
        "zjt",
        "complaint",
        [("designate-lead", "manager", {"lead_unit_id": "hn-rst", "co_unit_ids": ["hn-zjt"]})],
    ),
    T + "merge": ("rst", "complaint", []),  # into the sweep's own ticket (ids["master"])
    T + "escalate": ("manager", "special", []),
    T + "answer-callback": ("operator", "consultation", []),
    T + "callback": ("operator", "complaint", CALLBACK_DUE),
    # the 政企通 desk (R-ENTERPRISE): an enterprise's ticket, the sweep's policy specialist
    T + "specialist/claim": ("desk", "enterprise", []),
    T + "specialist": ("manager", "enterprise", []),
    T + "follow": ("desk", "enterprise", [("specialist/claim", "desk", {})]),
    T + "decide-dissatisfied": (
        "manager",
        "complaint",
        [*CALLBACK_DUE, ("callback", "operator", {"result": "dissatisfied"})],
    ),
}
ALIASES: dict[str, set[str]] = {
    "name": {"queue"},
    "names": {"queue"},
    "last-event-id": {"Last-Event-ID"},  # a header's name is case-blind
}
OVERRIDES: dict[str, dict[str, Any]] = {
    "/api/v1/tickets/{number}/callback": {"method": "manual"},
    "/api/v1/queues/{name}/claim": {"name": "callbacks"},  # a path parameter
    "/api/v1/tickets/{number}/review-return": {"new_unit_id": "hn-zjt"},
    "/api/v1/intake/answer": {"intake": {**NAMED["intake"], "kind": "consultation"}},
    "/api/v1/intake/promise-callback": {"intake": {**NAMED["intake"], "kind": "consultation"}},
    "/api/v1/policy/subscriptions": {"consent": True},  # the subscriber agreed
    "/api/v1/prefiling/scopes": {  # a scope the rule allows (Art. 17 grounds), in force now
        "reason": "force_majeure",
        "keywords": ["停电"],
        "starts": "2026-11-25T08:00:00+08:00",
        "ends": "2026-11-28T08:00:00+08:00",
    },
}

# query values every request of an operation carries: the push is held a second, not 5 minutes
QUERY_DEFAULTS: dict[str, dict[str, Any]] = {"/api/v1/live/stream": {"seconds": 1}}


def _plain(value: Any) -> str:
    """A value as it goes into a path or query string."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


class Sweep:
    """The OpenAPI document of a running server and a valid request per operation."""

    def __init__(self, api: Api, ids: dict[str, str]) -> None:
        self.api = api
        self.ids = ids
        self.doc = httpx.get(f"{api.url}/openapi.json", timeout=15).json()
        self.schemas = self.doc["components"]["schemas"]
        self.client = httpx.Client(base_url=api.url, timeout=30)

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in schema:
            return self.resolve(self.schemas[schema["$ref"].rsplit("/", 1)[-1]])
        options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
        if options:
            return self.resolve(options[0])
        return schema

    def value(self, name: str, schema: dict[str, Any]) -> Any:
        if name == "master":  # 并单: a ticket of the same unit to merge into
            return self.ids["master"]
        if name in NAMED:
            return NAMED[name]
        schema = self.resolve(schema)
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object":
            return self.body(schema)
        if kind == "integer":
            return max(1, int(schema.get("minimum", 1)))
        if kind == "boolean":
            return False
        if kind == "array":
            return []
        if schema.get("format") == "date":
            return "2026-12-01"
        if schema.get("format") == "date-time":
            return "2026-11-25T09:00:00+08:00"
        return "测试"

    def body(self, schema: dict[str, Any]) -> Any:
        schema = self.resolve(schema)
        if schema.get("type") == "array":  # a sub-centre's batch of records
            return [dict(SUBCENTRE_RECORD)]
        props = schema.get("properties", {})
        return {n: self.value(n, props[n]) for n in schema.get("required", [])}

    def valid_body(self, path: str) -> dict[str, Any]:
        """The valid body of the POST at ``path`` (with its overrides)."""
        op = self.doc["paths"][path]["post"]
        if "requestBody" not in op:
            return {}
        schema = self.resolve(op["requestBody"]["content"]["application/json"]["schema"])
        extra = {k: v for k, v in OVERRIDES.get(path, {}).items() if "{" + k + "}" not in path}
        return {**self.body(schema), **extra}

    def fresh_ticket(self, path: str) -> str:
        """A new ticket in a state where the command at ``path`` is allowed (RECIPES)."""
        _, kind, steps = RECIPES[path]
        intake_ = {**NAMED["intake"]}
        make, extra = "/api/v1/intake/accept", {"unit_id": "hn-rst"}
        if kind == "special":
            extra["special"] = "special"
        if kind == "consultation":
            make, extra = "/api/v1/intake/promise-callback", {}
            intake_["kind"] = "consultation"
        if kind == "enterprise":
            intake_.update(caller_type="enterprise", enterprise_name="湘江机械制造有限公司")
        made = self.request("operator", "POST", make, {}, {}, {"intake": intake_, **extra})
        assert made.status_code == 201, (path, made.text)
        number = str(made.json()["number"])
        for step, seat, body in steps:
            step_path = T + step
            done = self.request(
                seat,
                "POST",
                step_path,
                {"number": number},
                {},
                {**self.valid_body(step_path), **body},
            )
            assert done.status_code < 300, (path, step, done.text)
        return number

    def operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for path, ops in self.doc["paths"].items():
            for verb, op in ops.items():
                yield verb.upper(), path, op

    def request(
        self,
        seat: str,
        verb: str,
        path: str,
        path_params: dict[str, Any],
        query: dict[str, Any],
        body: Any,
        header: dict[str, str] | None = None,
    ) -> httpx.Response:
        url = path
        for name, value in path_params.items():
            url = url.replace("{" + name + "}", quote(_plain(value), safe=""))
        params = [
            (k, _plain(v))
            for k, vs in query.items()
            for v in (vs if isinstance(vs, list) and k == "names" else [vs])
        ]
        content = None
        headers = {**self.api.auth(seat), **(header or {})}
        if body is not None:
            content = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        return self.client.request(verb, url, params=params, content=content, headers=headers)


def _baseline(sweep: Sweep, path: str, op: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    path_params: dict[str, Any] = {}
    query: dict[str, Any] = {}
    for p in op.get("parameters", []):
        name = p["name"]
        if p["in"] == "path":
            path_params[name] = sweep.ids.get(name, sweep.value(name, p["schema"]))
        elif p.get("required", False):
            query[name] = ["mine"] if name == "names" else sweep.value(name, p["schema"])
    path_params.update((k, v) for k, v in OVERRIDES.get(path, {}).items() if "{" + k + "}" in path)
    query.update(QUERY_DEFAULTS.get(path, {}))
    return path_params, query


def _header_safe(text: str) -> bool:
    return len(text) < 4096 and all(" " <= c <= "~" for c in text)


ANY_FIELD = frozenset({"*"})


def _check(
    response: httpx.Response,
    where: str,
    field: str | None,
    failures: list[str],
    inside: frozenset[str] = frozenset(),
) -> None:
    """No 5xx; a 4xx is the JSON error object; a 422 names ``field`` (or, for an object put
    in its place, one of the fields ``inside`` it)."""
    status = response.status_code
    if status >= 500:
        failures.append(f"{where}: {status} {response.text[:300]}")
        return
    if status < 400:
        return
    try:
        payload = response.json()
    except ValueError:
        failures.append(f"{where}: {status} not JSON: {response.text[:200]!r}")
        return
    if not (isinstance(payload, dict) and payload.get("error") and payload.get("message")):
        failures.append(f"{where}: {status} not the error object: {str(payload)[:200]}")
        return
    if status == 422 and field is not None:
        if inside is ANY_FIELD:
            return
        accepted = {field} | ALIASES.get(field, set()) | inside
        named = payload.get("field") in accepted or bool(
            accepted & set(payload.get("fields") or [])
        )
        if not named:
            failures.append(
                f"{where}: 422 names {payload.get('field')!r}: {payload['message'][:120]}"
            )


def sweep_all(api: Api) -> tuple[list[str], int]:
    """Every operation × every input × every extreme; returns the failures and the count."""
    operator = RemoteBackend(api.url, api.tokens["operator"])
    number = operator.accept(intake(), unit_id="hn-rst")
    other = operator.accept(intake(text="小区物业乱收费，请求查处。"), unit_id="hn-zjt")
    operator.close()
    manager = RemoteBackend(api.url, api.tokens["manager"])
    manager.flag_article("kb-rst-001", "outdated", "测试")
    manager.close()
    flags = httpx.get(f"{api.url}/api/v1/kb/flags", headers=api.auth("manager"), timeout=15)
    supervisor = RemoteBackend(api.url, api.tokens["manager"])
    supervision_id = supervisor.open_supervision(other, 5, "written", "测试督办")
    supervisor.close()
    ids = {
        "number": number,
        "master": number,
        "article_id": "kb-rst-001",
        "flag_id": str(flags.json()[0]["id"]),
        "supervision_id": str(supervision_id),
        "name": "mine",
    }
    sweep = Sweep(api, ids)
    pool = ThreadPoolExecutor(max_workers=CONCURRENCY)
    failures: list[str] = []
    sent = 0
    operations = list(sweep.operations())
    assert len(operations) >= 53, [f"{v} {p}" for v, p, _ in operations]
    for verb, path, op in operations:
        path_params, query = _baseline(sweep, path, op)
        body_schema: dict[str, Any] | None = None
        body: Any = None
        if "requestBody" in op:
            body_schema = sweep.resolve(op["requestBody"]["content"]["application/json"]["schema"])
            extra = {k: v for k, v in OVERRIDES.get(path, {}).items() if "{" + k + "}" not in path}
            made = sweep.body(body_schema)
            body = made if isinstance(made, list) else {**made, **extra}
        recipe = RECIPES.get(path)
        # the seat that gets past authorisation for the valid request
        seat = recipe[0] if recipe else SEAT_ORDER[0]
        for candidate in () if recipe else SEAT_ORDER:
            first = sweep.request(candidate, verb, path, path_params, query, body)
            sent += 1
            _check(first, f"{verb} {path} [valid, {candidate}]", None, failures)
            if first.status_code == 422:
                failures.append(f"{verb} {path}: the valid request is refused: {first.text[:300]}")
            if os.environ.get("HOTLINE_SWEEP_TRACE"):
                print(verb, path, candidate, first.status_code, first.text[:150])
            if first.status_code not in (401, 403):
                seat = candidate
                break

        inputs: list[tuple[str, str]] = [(p["in"], p["name"]) for p in op.get("parameters", [])]
        nested_fields: dict[str, list[str]] = {}
        flags: dict[str, bool] = {}
        if isinstance(body, list):  # each field of the batch's record, and the batch itself
            inputs += [("record", n) for n in SUBCENTRE_RECORD] + [("batch", "records")]
        if body_schema is not None:
            for name, prop in body_schema.get("properties", {}).items():
                inputs.append(("body", name))
                nested = sweep.resolve(prop)
                flags[name] = nested.get("type") == "boolean"
                if nested.get("type") == "object":
                    nested_fields[name] = list(nested.get("properties", {}))
                    inputs += [("body." + name, n) for n in nested_fields[name]]
                if nested.get("type") == "array":
                    inputs.append(("body[]", name))
        cases: list[tuple[str, tuple[Any, ...], str, frozenset[str]]] = []
        for where, name in inputs:
            for label, extreme in EXTREMES:
                if where in ("path", "query") and label == "10 000 characters":
                    continue  # over httpx's URL limit; "10 000 digits" is the long one there
                pp, qq = dict(path_params), dict(query)
                hh: dict[str, str] = {}
                bb = json.loads(json.dumps(body)) if body is not None else None
                if where == "header":
                    text = _plain(extreme)
                    if extreme is None or not _header_safe(text):
                        continue  # a header carries printable ASCII only (HTTP itself refuses)
                    hh[name] = text
                elif where == "path":
                    pp[name] = extreme
                elif where == "query":
                    if extreme is None:
                        continue  # an absent parameter: the valid request already did that
                    qq[name] = extreme
                elif where == "body":
                    assert bb is not None
                    bb[name] = extreme
                elif where == "body[]":
                    assert bb is not None
                    bb[name] = [extreme]
                elif where == "record":
                    bb[0][name] = extreme
                elif where == "batch":
                    bb = extreme
                else:
                    assert bb is not None
                    outer = where.split(".", 1)[1]
                    inner = dict(bb.get(outer) or {})
                    inner[name] = extreme
                    bb[outer] = inner
                inside = (
                    frozenset(nested_fields.get(name, ()))
                    if isinstance(extreme, dict)
                    else frozenset()
                )
                if extreme == 0 and flags.get(name):
                    inside = ANY_FIELD  # 0 is false: a valid answer; another field may be missing
                if where == "batch":
                    inside = ANY_FIELD  # not an array: the body itself (named "body" or "records")
                where_ = f"{verb} {path} {where}:{name}={label}"
                cases.append((where_, (seat, verb, path, pp, qq, bb, hh), name, inside))
        if recipe:
            sent += _sweep_on_fresh_tickets(sweep, path, body, cases, failures)
            continue
        # a few at a time: the same requests, in less time (the server serves them in threads)
        responses = pool.map(lambda case: sweep.request(*case[1]), cases)
        for (where_, _, name, inside), response in zip(cases, responses, strict=True):
            sent += 1
            _check(response, where_, name, failures, inside)
    pool.shutdown()
    sweep.client.close()
    return failures, sent


def _sweep_on_fresh_tickets(
    sweep: Sweep,
    path: str,
    body: dict[str, Any] | None,
    cases: list[tuple[str, tuple[Any, ...], str, frozenset[str]]],
    failures: list[str],
) -> int:
    """The cases of a ticket command one by one on a ticket in the right state; a new one after
    each success (the state moved on). Last, the valid request must succeed there."""
    sent = 0
    number = ""
    for where_, (seat, verb, _, pp, qq, bb, _hh), name, inside in cases:
        if not number:
            number = sweep.fresh_ticket(path)
        if "{" + "number}" in path and pp.get("number") == sweep.ids["number"]:
            pp = {**pp, "number": number}
        response = sweep.request(seat, verb, path, pp, qq, bb)
        sent += 1
        _check(response, where_, name, failures, inside)
        if response.status_code < 300:
            number = ""
    number = sweep.fresh_ticket(path)
    seat = RECIPES[path][0]
    valid = sweep.request(seat, "POST", path, {"number": number}, {}, body)
    sent += 1
    if valid.status_code >= 300:
        failures.append(f"POST {path}: the valid request on a prepared ticket: {valid.text[:300]}")
    return sent


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def sweep_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp(f"sweep-{request.param}")
    if request.param == "postgres":
        url = request.getfixturevalue("module_pg_database")
    else:
        url = f"sqlite:///{folder / 'h.db'}"
    for api in start_api(url, folder):
        from sqlalchemy import update

        from console.services.values import Role
        from console.store.models import UnitRow

        with api.store.write() as s:  # 省人社厅 as the 12333 sub-centre, with a seat of its own
            s.execute(
                update(UnitRow)
                .where(UnitRow.id == "hn-rst")
                .values(subcentre=True, hotline="12333")
            )
        api.tokens["sub12333"] = api.add_seat("12333坐席", Role.SUBCENTRE_OPERATOR, "hn-rst")
        # a policy specialist of the 政企通 desk with a seat of its own (R-ENTERPRISE)
        from console.services.views import ExpertDraft

        manager = RemoteBackend(api.url, api.tokens["manager"])
        NAMED["specialist_id"] = manager.add_expert(
            ExpertDraft("赵专员", "hn-rst", ("营商环境",), ("每天 00:00-00:00",), kind="policy")
        )
        manager.close()
        api.tokens["desk"] = api.add_seat("赵专员", Role.ENTERPRISE_DESK)
        yield api


def test_item4_every_route_and_field_with_extreme_values_answers_without_a_server_error(
    sweep_api: Api,
) -> None:
    started = time.monotonic()
    failures, sent = sweep_all(sweep_api)
    elapsed = time.monotonic() - started
    assert not failures, f"{len(failures)} of {sent} requests:\n" + "\n".join(failures[:80])
    log = sweep_api.server.log()
    assert "Traceback" not in log and "internal error" not in log, log[-3000:]
    from console.services.access import audit

    assert audit.verify(sweep_api.store).ok
    assert sent > 3000, sent
    print(f"{sent} requests in {elapsed:.0f} s")


def test_item4_review_return_names_new_unit_id_for_an_unknown_unit(api: Api) -> None:
    """The sweep found the unknown unit of an approved return named ``unit_id``, a field the
    request does not have; the return stays awaiting review (nothing half-stored)."""
    operator = RemoteBackend(api.url, api.tokens["operator"])
    rst = RemoteBackend(api.url, api.tokens["rst"])
    manager = RemoteBackend(api.url, api.tokens["manager"])
    try:
        number = operator.accept(intake(), unit_id="hn-rst")
        rst.return_ticket(number, "不属于本单位职责", "三定方案")
        before = manager.ticket(number).state
        response = httpx.post(
            f"{api.url}/api/v1/tickets/{number}/review-return",
            json={"approve": True, "reason": "同意", "new_unit_id": "hn-nope"},
            headers=api.auth("manager"),
            timeout=15,
        )
        assert response.status_code == 422, response.text
        assert response.json()["field"] == "new_unit_id", response.text
        assert manager.ticket(number).state == before
    finally:
        for backend in (operator, rst, manager):
            backend.close()
