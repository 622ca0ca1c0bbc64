"""Issue 13 item 8 over HTTP: the shift lead's re-notify, escalate and note against a real
``hotline serve`` on loopback — the same answers and refusals as the LocalBackend, audited
with the API origin."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from console.errors import InputError, NotFound, PermissionDenied, RuleError
from console.services.access import audit
from console.services.clock import DrillClock
from console.services.local import LocalBackend
from console.services.remote import RemoteBackend
from console.services.values import Kind, Role, Special
from console.services.views import Actor
from console.store.models import AuditRow, OutboxRow
from tests.api.conftest import Api
from tests.contract.harness import NOW, SEATS, intake

API = "/api/v1"


@pytest.fixture(scope="module")
def seats(api: Api) -> Iterator[dict[str, RemoteBackend]]:
    backends = {
        "lead": RemoteBackend(api.url, api.add_seat("班长壬", Role.SHIFT_LEAD)),
        "operator": RemoteBackend(api.url, api.tokens["operator"]),
        "manager": RemoteBackend(api.url, api.tokens["manager"]),
        "zjt": RemoteBackend(api.url, api.tokens["zjt"]),
        "rst": RemoteBackend(api.url, api.tokens["rst"]),
    }
    yield backends
    for backend in backends.values():
        backend.close()


def special(seats: dict[str, RemoteBackend], text: str = "全镇停水两天") -> str:
    return seats["operator"].accept(
        intake(Kind.HELP, text=text, incident_summary="全镇停水，约两万户"),
        "hn-zjt",
        special=Special.SPECIAL,
    )


def keys(api: Api, number: str) -> list[str]:
    with api.store.read() as s:
        return list(
            s.execute(
                select(OutboxRow.idempotency_key)
                .where(OutboxRow.idempotency_key.startswith(f"{number}:"))
                .order_by(OutboxRow.id)
            ).scalars()
        )


def local(api: Api, seat: str) -> LocalBackend:
    name, role, unit = SEATS[seat]
    return LocalBackend(api.store, DrillClock(NOW), Actor(f"seat-{name}", name, role, unit))


def test_item8_api_shift_lead_renotifies_with_a_new_key_each_time(
    api: Api, seats: dict[str, RemoteBackend]
) -> None:
    number = special(seats)
    assert len(keys(api, number)) == 4
    assert seats["lead"].renotify(number, "首次通知未响应") == 1
    assert seats["lead"].renotify(number) == 2
    sent = keys(api, number)
    assert len(sent) == len(set(sent)) == 12
    assert f"{number}:sms:hn-zjt:resend1" in sent and f"{number}:duty:resend2" in sent
    events = [e for e in seats["manager"].ticket(number).events if e.action == "renotify"]
    assert [e.reason for e in events] == ["首次通知未响应", ""]
    records = [r for r in audit.entries(api.store, target=number) if r.action == "renotify"]
    assert len(records) == 2 and all(r.origin == "api:127.0.0.1" for r in records)


def test_item8_api_shift_lead_escalates_and_notes(
    api: Api, seats: dict[str, RemoteBackend]
) -> None:
    number = special(seats)
    seats["lead"].escalate(number, "4小时未响应 [b]速办[/]")
    seats["lead"].add_note(number, "已电话联系承办单位值班员")
    view = seats["manager"].ticket(number)
    (up,) = [e for e in view.events if e.action == "escalate"]
    assert up.reason == "4小时未响应 [b]速办[/]" and up.actor == "班长壬"
    (note,) = [e for e in view.events if e.action == "note"]
    assert note.reason == "已电话联系承办单位值班员"
    assert any(n.channel == "manager" for n in view.notifications)
    with api.store.read() as s:
        actions = set(s.execute(select(AuditRow.action).where(AuditRow.target == number)).scalars())
    assert {"escalate", "note"} <= actions
    seats["manager"].add_note(number, "优化办已知悉")  # the manager may act too


def test_item8_api_refuses_other_roles_as_the_local_backend_does(
    api: Api, seats: dict[str, RemoteBackend]
) -> None:
    number = special(seats)
    calls = {
        "renotify": (lambda b: b.renotify(number), "R-SPECIAL-REPORT"),
        "escalate": (lambda b: b.escalate(number, "理由"), "R-SUPERVISE-WHEN"),
        "add_note": (lambda b: b.add_note(number, "备注"), "R-SPECIAL"),
    }
    for name, (call, rule) in calls.items():
        for seat in ("operator", "zjt"):
            with pytest.raises(PermissionDenied) as remote:
                call(seats[seat])
            with pytest.raises(PermissionDenied) as here:
                call(local(api, seat))
            assert remote.value.rule == here.value.rule == rule, name
            assert str(remote.value) == str(here.value), name
            assert "\n" not in str(remote.value) and "班长" in str(remote.value)
    # a clerk of another unit learns nothing about the ticket, not even that it exists
    # (R-SECURITY): the answer for a number nobody issued
    with pytest.raises(NotFound) as other:
        seats["rst"].renotify(number)
    assert str(other.value) == str(NotFound("工单", number))
    with httpx.Client(base_url=api.url, headers=api.auth("operator"), timeout=10) as c:
        r = c.post(f"{API}/tickets/{number}/renotify", json={})
    assert r.status_code == 403 and r.json()["rule"] == "R-SPECIAL-REPORT"
    assert len(keys(api, number)) == 4  # nothing sent


def test_item8_api_rule_and_input_refusals_match_local(
    api: Api, seats: dict[str, RemoteBackend]
) -> None:
    ordinary = seats["operator"].accept(intake(), unit_id="hn-rst")
    for backend in (seats["lead"], local(api, "manager")):
        with pytest.raises(RuleError) as err:
            backend.renotify(ordinary)
        assert err.value.rule == "R-SPECIAL"
    number = special(seats)
    for backend in (seats["lead"], local(api, "manager")):
        with pytest.raises(InputError) as blank:
            backend.escalate(number, "  ")
        assert blank.value.field == "reason"
        with pytest.raises(InputError) as empty:
            backend.add_note(number, " ")
        assert empty.value.field == "note"
