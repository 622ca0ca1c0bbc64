"""Hot and sudden matters over HTTP (R-ANALYTICS): GET /api/v1/analytics/hot and /alerts, scoped
as the console is — the manager and supervisors see every unit's tickets, a unit clerk its own
unit's only, other seats 403 naming R-SECURITY; a bad limit is 422 naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from console.services.remote import RemoteBackend
from tests.api.conftest import Api, start_api
from tests.contract.harness import intake
from tests.services.test_hot import BACKGROUND, NOISE

API = "/api/v1"


@pytest.fixture(scope="module")
def hot_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, list[str]]]:
    """A server whose store holds 60 other matters and four calls on one (two units)."""
    folder = tmp_path_factory.mktemp("hot")
    for api in start_api(f"sqlite:///{folder / 'hotline.db'}", folder):
        operator = RemoteBackend(api.url, api.tokens["operator"])
        for i, text in enumerate(BACKGROUND[:60]):
            operator.accept(intake(text=text, caller_phone=f"1390000{i:04d}"), unit_id="hn-scjgj")
        numbers = [
            operator.accept(
                intake(text=NOISE[i], caller_phone=f"1370000{i:04d}"),
                unit_id="hn-rst" if i in (0, 3) else "hn-zjt",
            )
            for i in range(4)
        ]
        yield api, numbers


def get(api: Api, seat: str, path: str, **params: object) -> httpx.Response:
    return httpx.get(f"{api.url}{API}{path}", headers=api.auth(seat), params=params, timeout=30)


def test_r_analytics_the_manager_sees_the_whole_group_and_its_alerts(
    hot_api: tuple[Api, list[str]],
) -> None:
    api, numbers = hot_api
    r = get(api, "manager", "/analytics/hot", limit=50)
    assert r.status_code == 200
    [group] = [g for g in r.json() if numbers[0] in g["numbers"]]
    assert group["numbers"] == numbers and group["callers"] == 4
    assert group["units"] == ["hn-rst", "hn-zjt"]
    # (the 60 other matters arrived within seconds too: some of them alert as well)
    alerts = [
        a for a in get(api, "supervisor", "/analytics/alerts").json() if numbers[0] in a["numbers"]
    ]
    assert sorted(a["kind"] for a in alerts) == ["emerging", "sudden"]
    assert all(set(a["numbers"]) <= set(numbers) for a in alerts)


def test_r_analytics_a_unit_clerk_sees_its_own_units_tickets_only(
    hot_api: tuple[Api, list[str]],
) -> None:
    api, numbers = hot_api
    rst = RemoteBackend(api.url, api.tokens["rst"])
    [group] = rst.hot_matters(50)
    assert group.numbers == (numbers[0], numbers[3]) and group.units == ("hn-rst",)
    for a in rst.hot_alerts():
        assert set(a.numbers) <= {numbers[0], numbers[3]}
    sgcc = get(api, "sgcc", "/analytics/hot", limit=50).json()
    assert sgcc == [] and get(api, "sgcc", "/analytics/alerts").json() == []
    zjt = get(api, "zjt", "/analytics/hot", limit=50).text
    assert numbers[1] in zjt and numbers[0] not in zjt and numbers[3] not in zjt


def test_r_analytics_a_tickets_group_over_http_scoped_and_null_when_alone(
    hot_api: tuple[Api, list[str]],
) -> None:
    api, numbers = hot_api
    get(api, "manager", "/analytics/hot")  # the groups made (as the board's look does)
    r = get(api, "manager", f"/analytics/hot/of/{numbers[1]}")
    assert r.status_code == 200 and r.json()["numbers"] == numbers
    rst = RemoteBackend(api.url, api.tokens["rst"])
    own = rst.hot_matter_of(numbers[0])
    assert own is not None and own.numbers == (numbers[0], numbers[3])
    r = get(api, "zjt", f"/analytics/hot/of/{numbers[0]}")  # another unit's ticket
    assert r.status_code in (403, 404)
    assert not any(n in r.text for n in numbers[1:])  # nothing of the group
    lone = get(api, "manager", "/analytics/hot/of/HN000000000000")
    assert lone.status_code == 200 and lone.json() is None
    assert get(api, "operator", f"/analytics/hot/of/{numbers[0]}").status_code == 403


def test_r_security_other_seats_are_refused_and_bad_limits_name_the_field(
    hot_api: tuple[Api, list[str]],
) -> None:
    api, _ = hot_api
    for path in ("/analytics/hot", "/analytics/alerts"):
        r = get(api, "operator", path)
        assert r.status_code == 403 and r.json()["rule"] == "R-SECURITY", r.text
    for bad in (0, 501, "x"):
        r = get(api, "manager", "/analytics/hot", limit=bad)
        assert r.status_code == 422 and "limit" in r.text, r.text


def test_r_analytics_the_server_starts_the_first_look_itself_and_waits_a_second_for_it(
    tmp_path: Path,
) -> None:
    """``hotline serve`` starts grouping the last 90 days when it starts (not at the first
    board's request), and a request waits a second for it before answering 503."""
    from console.bootstrap import open_platform
    from console.cli.serve import SERVER_PATIENCE, _warm_hot
    from console.config import load_settings
    from console.services.analytics.hot_store import HotWatch

    settings = load_settings(
        {
            "HOTLINE_DB": f"sqlite:///{tmp_path / 'hotline.db'}",
            "HOTLINE_DATA_DIR": str(tmp_path),
            "HOTLINE_CONFIG": str(tmp_path / "absent.toml"),
            "HOTLINE_NOW": "2026-11-25 09:00",
        }
    )
    platform = open_platform(settings)
    watch = HotWatch.for_store(platform.store)
    assert watch.tracker is None
    _warm_hot(platform)
    assert watch.patience == SERVER_PATIENCE == 1.0
    assert watch._first is not None and watch._first_done.wait(60) and watch.ready()
