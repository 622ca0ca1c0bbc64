"""工单查询 and 并单 over HTTP: another unit's ticket never appears or merges; bad input is a
422 naming the field; a caller's number and words travel in the body, not the URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from console.services.remote import RemoteBackend
from tests.api.conftest import Api
from tests.contract.harness import intake

API = "/api/v1"


@pytest.fixture(scope="module")
def tickets(api: Api) -> Iterator[dict[str, str]]:
    operator = RemoteBackend(api.url, api.tokens["operator"])
    made = {
        "rst": operator.accept(intake(text="接口查询：人社厅欠薪"), unit_id="hn-rst"),
        "rst2": operator.accept(intake(text="接口查询：人社厅欠薪二"), unit_id="hn-rst"),
        "zjt": operator.accept(
            intake(text="接口查询：住建厅物业", caller_phone="13655550000"), unit_id="hn-zjt"
        ),
    }
    yield made
    operator.close()


def post(api: Api, seat: str, path: str, body: dict[str, Any]) -> httpx.Response:
    with httpx.Client(base_url=api.url, headers=api.auth(seat), timeout=10) as c:
        return c.post(API + path, json=body)


def test_r_security_search_never_shows_another_units_ticket(
    api: Api, tickets: dict[str, str]
) -> None:
    for body in (
        {"text": "接口查询"},
        {"number": tickets["zjt"]},
        {"phone": "13655550000"},
        {"unit": "hn-zjt"},
        {"state": "dispatched", "limit": 100},
    ):
        r = post(api, "rst", "/tickets/search", body)
        assert r.status_code == 200, r.text
        numbers = {row["number"] for row in r.json()["rows"]}
        assert tickets["zjt"] not in numbers and "住建厅物业" not in r.text
        assert "13655550000" not in r.text
    r = post(api, "manager", "/tickets/search", {"text": "接口查询"})
    assert {row["number"] for row in r.json()["rows"]} >= set(tickets.values())
    assert r.json()["total"] >= 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"state": "nope"}, "state"),
        ({"unit": "hn-none"}, "unit"),
        ({"phone": "abc"}, "phone"),
        ({"since": "2026-13-01"}, "since"),
        ({"since": "2026-12-02", "until": "2026-12-01"}, "until"),
        ({"text": "字" * 101}, "text"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_search_bad_params_are_422_naming_the_field(
    api: Api, tickets: dict[str, str], body: dict[str, Any], field: str
) -> None:
    r = post(api, "manager", "/tickets/search", body)
    assert r.status_code == 422, r.text
    assert field in r.text


def test_r_security_merge_across_units_is_not_found(api: Api, tickets: dict[str, str]) -> None:
    r = post(api, "rst", f"/tickets/{tickets['rst2']}/merge", {"master": tickets["zjt"]})
    assert r.status_code == 404 and "住建厅物业" not in r.text
    r = post(api, "zjt", f"/tickets/{tickets['rst2']}/merge", {"master": tickets["zjt"]})
    assert r.status_code == 404
    r = post(api, "rst", f"/tickets/{tickets['rst2']}/merge", {"master": tickets["rst2"]})
    assert r.status_code == 409
    assert "R-ARCHIVE" in r.text
    r = post(api, "rst", f"/tickets/{tickets['rst2']}/merge", {"master": tickets["rst"]})
    assert r.status_code == 204, r.text
