"""Fuzzing the API with schemathesis against a live ``hotline serve`` on 127.0.0.1.

Every operation of the OpenAPI document (``schemathesis.openapi.from_url``) gets generated
requests — valid ones and invalid ones (wrong types, out-of-range numbers, NUL characters,
extra fields …), and for ticket operations also requests on a real ticket — sent with a valid
token (an operator's, the manager's and a unit clerk's in turn, to reach deeper). No answer
may be a 5xx; every status, content type and body is the one the OpenAPI document declares,
and every error is the JSON error object. Afterwards no ticket may be
half-stored: every ticket row has its number and its creation event, and the audit chain is
intact.

One test item (so that the check afterwards runs on the same server even under xdist),
bounded to :data:`EXAMPLES` examples per operation and generation mode — about a minute in
all. The server's database is PostgreSQL when HOTLINE_TEST_PG is set (it refuses more than
SQLite does), else an SQLite file.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from console.services.remote import RemoteBackend
from console.store.models import EventRow, TicketRow
from tests.api.conftest import Api, start_api
from tests.conftest import pg_url
from tests.contract.harness import intake

EXAMPLES = int(os.environ.get("HOTLINE_FUZZ_EXAMPLES", "30"))
SEATS = ("operator", "manager", "rst")
CREATING = {"accept", "refuse", "answer", "promise_callback", "explain_prefiled", "transfer"}


@pytest.fixture(scope="module")
def fuzz_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("fuzz")
    url = (
        request.getfixturevalue("module_pg_database")
        if pg_url()
        else f"sqlite:///{folder / 'h.db'}"
    )
    yield from start_api(url, folder)


def _strategy(operation: Any, number: str) -> Any:
    """Valid and invalid requests for one operation; ticket operations also on a real ticket."""
    options = [operation.as_strategy(GenerationMode.POSITIVE)]
    has_input = bool(operation.path_parameters or operation.query or operation.body)
    if has_input:
        options.append(operation.as_strategy(GenerationMode.NEGATIVE))
    if "{number}" in operation.path:
        options.append(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters={"number": number})
        )
    return st.one_of(options)


def test_no_input_makes_a_server_error_nor_half_stores_a_ticket(fuzz_api: Api) -> None:
    operator = RemoteBackend(fuzz_api.url, fuzz_api.tokens["operator"])
    number = operator.accept(intake(), unit_id="hn-rst")  # something real to act on
    operator.close()
    schema = schemathesis.openapi.from_url(f"{fuzz_api.url}/openapi.json")
    seats = itertools.cycle(SEATS)
    headers = {seat: fuzz_api.auth(seat) for seat in SEATS}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 45

    for operation in operations:

        @given(case=_strategy(operation, number))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            # intake is the operator's (so calls do make tickets); the rest in turn by seat
            seat = "operator" if "/intake/" in case.operation.path else next(seats)
            if case.operation.path == "/api/v1/live/stream":  # the push: a second, not 5 min
                case.query = {"seconds": 1, **(case.query if isinstance(case.query, dict) else {})}
            for held_for in ("wait", "seconds"):  # a held question, the push's stream
                held = case.query.get(held_for) if isinstance(case.query, dict) else None
                if isinstance(held, (int, float)) and not isinstance(held, bool) and held > 1:
                    case.query[held_for] = 1  # held that long: keep it short
            response = case.call(base_url=fuzz_api.url, headers=headers[seat], timeout=15)
            case.validate_response(
                response,
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
            )
            if response.status_code >= 400:
                payload = response.json()
                assert payload["error"] and payload["message"], payload

        try:
            fuzz()
        except Exception as exc:  # noqa: BLE001 — collect every operation's failure
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)

    with fuzz_api.store.read() as s:
        tickets = s.execute(select(TicketRow.id, TicketRow.number)).all()
        first_action = dict(
            s.execute(
                select(EventRow.ticket_id, EventRow.action).order_by(EventRow.id.desc())
            ).all()
        )  # ticket id → its earliest action (rows newest first, so the oldest one wins)
    # whether generated bodies happen to be valid intakes depends on the generator; what must
    # hold is that whatever was stored is whole
    assert tickets, "not even the ticket made for the fuzzer is there"
    for ticket_id, ticket_number in tickets:
        assert ticket_number, f"ticket row {ticket_id} has no number"
        assert first_action.get(ticket_id) in CREATING, (ticket_number, first_action.get(ticket_id))
    try:
        from console.services.access import audit
    except ImportError:
        audit = None  # type: ignore[assignment]
    if audit is not None:
        assert audit.verify(fuzz_api.store).ok
    log = fuzz_api.server.log()
    assert "Traceback" not in log and "internal error" not in log
    assert re.search(r"POST /api/v1/intake/\S+ 201", log), "the fuzzer never got past validation"
    assert re.search(r"POST /api/v1/tickets/HN\d+/\S+ 204", log), "no command ever succeeded"
