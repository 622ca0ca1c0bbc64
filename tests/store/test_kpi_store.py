"""A period's unit KPIs kept as last computed (R-UNIT-KPI), SQLite and PostgreSQL: a period over
is computed once and read from what was kept, equal to computing it again; the current period is
computed each time and its latest computation is what a dashboard shows at once, with the
moment it stood at; figures of other definitions are never read; a unit clerk reads its own
unit's line only.

Clock: Wednesday 2026-11-25 09:00 (Shanghai); November's sign limits fall on 11-26 24:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from console.errors import PermissionDenied
from console.services.analytics import kpi_store
from console.services.analytics.kpi import Period, parse_period
from console.services.values import Kind
from console.store.models import KpiSnapshotRow
from tests.conftest import at
from tests.store.conftest import Platform, intake


def dispatched(p: Platform, phone: str) -> str:
    return p.operator.accept(intake(Kind.COMPLAINT, caller_phone=phone), unit_id="hn-rst")


def response(report: object, unit: str = "hn-rst") -> tuple[int, int]:
    [line] = [u for u in report.units if u.unit_id == unit]  # type: ignore[attr-defined]
    f = line.figure("response_rate")
    return f.numerator, f.denominator


def kept(p: Platform) -> list[tuple[str, bool]]:
    with p.store.read() as s:
        return [
            (r.period, r.final)
            for r in s.execute(select(KpiSnapshotRow).order_by(KpiSnapshotRow.id)).scalars()
        ]


def test_r_unit_kpi_a_period_over_is_computed_once_and_read_as_kept(platform: Platform) -> None:
    """Two November dispatches to 人社厅, one signed: 1/1 while the other's sign limit is still
    ahead, 1/2 once November is over. In December the first reading computes and keeps it; a later reading is the kept figures (an event slipped
    into November's history behind the platform's back does not move them), equal to computing
    it again before that event."""
    p = platform
    a, _ = dispatched(p, "13812340001"), dispatched(p, "13812340002")
    p.rst.sign(a)
    assert p.manager.kpi_latest("2026-11") is None  # never computed
    live = p.manager.unit_kpis("2026-11")  # the current period: computed, kept as latest
    assert response(live) == (1, 1) and not live.stored and live.as_of == p.clock.now()
    assert kept(p) == [("2026-11", False)]
    p.clock.set(at("2026-12-02 09:00"))
    first = p.manager.unit_kpis("2026-11")
    assert response(first) == (1, 2) and not first.stored and first.as_of is None
    assert kept(p) == [("2026-11", False), ("2026-11", True)]
    again = p.manager.unit_kpis("2026-11")
    assert again.stored and again.units == first.units
    # a third November dispatch written straight into the store (as no command would): the
    # kept figures stand; computing afresh would see it
    p.clock.set(at("2026-11-25 10:00"))
    dispatched(p, "13812340003")
    p.clock.set(at("2026-12-02 09:00"))
    assert response(p.manager.unit_kpis("2026-11")) == (1, 2)
    fresh = kpi_store.unit_kpis(p.store, _period("2026-11", p), None, p.clock.now(), reuse=False)
    assert response(fresh) == (1, 3)


def _period(label: str, p: Platform, as_of: dt.datetime | None = None) -> Period:
    """The period as a live reading sees it: as of ``as_of``, the platform's now by default."""
    return replace(parse_period(label), as_of=as_of or p.clock.now())


def test_r_unit_kpi_the_current_period_keeps_its_latest_computation(platform: Platform) -> None:
    """The current month computed at 09:00 (0/0: the sign limit is still ahead), then at 10:00
    after the sign (1/1): one row is kept, the latest, and ``kpi_latest`` shows it with the moment it stood at."""
    p = platform
    a = dispatched(p, "13812340001")
    p.manager.unit_kpis("2026-11")
    early = p.manager.kpi_latest("2026-11")
    assert early is not None and early.stored and early.as_of == at("2026-11-25 09:00")
    p.advance(hours=1)
    p.rst.sign(a)
    assert response(p.manager.kpi_latest("2026-11")) == (0, 0)  # as last computed
    assert response(p.manager.unit_kpis("2026-11")) == (1, 1)
    latest = p.manager.kpi_latest("2026-11")
    assert latest is not None and response(latest) == (1, 1)
    assert latest.as_of == at("2026-11-25 10:00")
    with p.store.read() as s:
        assert s.execute(select(func.count()).select_from(KpiSnapshotRow)).scalar_one() == 1


def test_r_unit_kpi_figures_of_other_definitions_are_never_read(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = platform
    dispatched(p, "13812340001")
    p.clock.set(at("2026-12-02 09:00"))
    p.manager.unit_kpis("2026-11")
    assert p.manager.unit_kpis("2026-11").stored
    monkeypatch.setattr(kpi_store, "definitions", lambda: "another definition")
    assert p.manager.kpi_latest("2026-11") is None
    assert not p.manager.unit_kpis("2026-11").stored  # computed under the new definitions


def test_r_unit_kpi_kept_figures_are_scoped_like_the_computed_ones(platform: Platform) -> None:
    p = platform
    dispatched(p, "13812340001")
    p.manager.unit_kpis("2026-11")
    latest = p.rst.kpi_latest("2026-11")
    assert latest is not None and [u.unit_id for u in latest.units] == ["hn-rst"]
    with pytest.raises(PermissionDenied):
        p.operator.kpi_latest("2026-11")


def test_r_unit_kpi_a_deadline_falling_due_at_the_instant_of_as_of_is_not_yet_decided(
    platform: Platform,
) -> None:
    """A dispatch of Wednesday 11-25 09:00 must be signed by Thursday 11-26 23:59:59 (R-SIGN),
    and a sign at that very second is in time. So November's KPIs as of 23:59:59 do not count it
    yet (0/0: it may still be signed in time), and as of one second later it is a miss (0/1)."""
    p = platform
    dispatched(p, "13812340001")
    due = at("2026-11-26 23:59:59")

    def as_of(moment: dt.datetime) -> tuple[int, int]:
        period = _period("2026-11", p, moment)
        return response(kpi_store.unit_kpis(p.store, period, None, moment, reuse=False))

    assert as_of(due) == (0, 0)
    assert as_of(due + dt.timedelta(seconds=1)) == (0, 1)
