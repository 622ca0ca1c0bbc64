"""Sub-centres over HTTP (R-SUBCENTRE, R-SUBCENTRE-KPI) against a real ``hotline serve`` on
loopback: a sub-centre posts its call records with its own seat and token; a resent batch
changes nothing; a bad batch is 422 naming each bad record and field and stores nothing; a
seat of another sub-centre or role is refused; the write is audited as coming over the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from console.services.values import Role
from console.store.models import AuditRow, SubcentreCallRow, UnitRow
from tests.api.conftest import Api

API = "/api/v1"


@pytest.fixture(scope="module")
def centres(api: Api) -> Iterator[dict[str, str]]:
    """Tokens of a 12333 seat (省人社厅) and a 95598 seat (国网湖南电力)."""
    with api.store.write() as s:
        s.execute(
            update(UnitRow).where(UnitRow.id == "hn-rst").values(subcentre=True, hotline="12333")
        )
        s.execute(
            update(UnitRow).where(UnitRow.id == "hn-sgcc").values(subcentre=True, hotline="95598")
        )
    yield {
        "12333": api.add_seat("12333坐席", Role.SUBCENTRE_OPERATOR, "hn-rst"),
        "95598": api.add_seat("95598坐席", Role.SUBCENTRE_OPERATOR, "hn-sgcc"),
    }


def post(api: Api, token: str, code: str, records: Any) -> httpx.Response:
    return httpx.post(
        f"{api.url}{API}/subcentres/{code}/calls",
        json=records,
        headers={"Authorization": f"Bearer {token}"},
        timeout=15,
    )


def record(record_id: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "record_id": record_id,
        "started_at": "2026-11-25T08:00:00+08:00",
        "answered": True,
        "answered_at": "2026-11-25T08:00:12+08:00",
        "ended_at": "2026-11-25T08:03:00+08:00",
        "seat": "A01",
        "caller_phone": "13812341234",
        "outcome": "first_contact",
    }
    base.update(kw)
    return base


def count(api: Api, model: Any = SubcentreCallRow) -> int:
    with api.store.read() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_r_subcentre_posts_its_calls_and_a_resend_changes_nothing(
    api: Api, centres: dict[str, str]
) -> None:
    batch = [
        record("h-1"),
        record("h-2", answered=False, answered_at=None, seat="", outcome="none"),
    ]
    r = post(api, centres["12333"], "12333", batch)
    assert r.status_code == 200, r.text
    assert (r.json()["stored"], r.json()["existing"]) == (2, 0)
    rows, audits = count(api), count(api, AuditRow)
    again = post(api, centres["12333"], "12333", batch)
    assert again.status_code == 200 and (again.json()["stored"], again.json()["existing"]) == (0, 2)
    assert [x["status"] for x in again.json()["records"]] == ["已存在", "已存在"]
    assert (count(api), count(api, AuditRow)) == (rows, audits)
    with api.store.read() as s:
        trail = s.execute(
            select(AuditRow.seat, AuditRow.origin, AuditRow.detail).where(
                AuditRow.action == "subcentre_calls"
            )
        ).all()
    [(seat, origin, detail)] = trail
    assert seat and origin.startswith("api:") and detail == {"stored": 2, "existing": 0}


def test_r_subcentre_a_bad_batch_is_422_naming_each_record_and_nothing_is_stored(
    api: Api, centres: dict[str, str]
) -> None:
    before = count(api)
    batch = [
        record("b-ok"),
        record("b-1", ended_at="2026-11-25T07:00:00+08:00"),
        record("b-2", outcome="lost"),
    ]
    r = post(api, centres["12333"], "12333", batch)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["field"] == "ended_at" and "第 2 条记录" in body["message"]
    assert [(p["index"], p["record_id"], p["field"]) for p in body["problems"]] == [
        (2, "b-1", "ended_at"),
        (3, "b-2", "outcome"),
    ]
    assert count(api) == before
    for bad in ({"record_id": "x"}, [], "text"):
        r = post(api, centres["12333"], "12333", bad)
        assert r.status_code == 422 and r.json()["error"] == "input", r.text
    assert count(api) == before


def test_r_subcentre_a_seat_of_another_sub_centre_or_role_is_refused(
    api: Api, centres: dict[str, str]
) -> None:
    before = count(api)
    r = post(api, centres["95598"], "12333", [record("x-1")])
    assert r.status_code == 403 and r.json()["rule"] == "R-SUBCENTRE", r.text
    r = post(api, api.tokens["operator"], "12333", [record("x-1")])
    assert r.status_code == 403
    r = post(api, api.tokens["rst"], "12333", [record("x-1")])  # the unit's clerk, not its line
    assert r.status_code == 403
    admin = api.add_seat(
        "系统管理员", Role.ADMIN
    )  # imports on the server: hotline subcentre calls import
    assert post(api, admin, "12333", [record("x-1")]).status_code == 403
    r = post(api, centres["12333"], "12366", [record("x-1")])
    assert r.status_code == 404
    assert count(api) == before


def test_r_subcentre_kpi_is_read_by_the_manager_and_the_sub_centre_itself(
    api: Api, centres: dict[str, str]
) -> None:
    url = f"{api.url}{API}/subcentres/12333/kpi"

    def get(token: str, period: str = "2026Q4") -> httpx.Response:
        return httpx.get(
            url, params={"period": period}, headers={"Authorization": f"Bearer {token}"}, timeout=15
        )

    post(api, centres["12333"], "12333", [record("k-1")])
    mine = get(centres["12333"])
    assert mine.status_code == 200, mine.text
    labels = [i["label"] for i in mine.json()["indicators"]]
    assert labels == ["接通率", "在线办结率", "按时办结率", "回访率", "回访满意率", "数据准确度"]
    assert get(api.tokens["manager"]).json() == mine.json()
    assert get(centres["95598"]).status_code == 403
    assert get(api.tokens["rst"]).status_code == 403
    bad = get(api.tokens["manager"], "2026Q9")
    assert bad.status_code == 422 and bad.json()["field"] == "period"
    listed = httpx.get(f"{api.url}{API}/subcentres", headers=api.auth("operator"), timeout=15)
    assert [c["code"] for c in listed.json()] == ["12333", "95598"]
