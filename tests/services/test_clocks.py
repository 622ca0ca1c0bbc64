"""Deadlines per rule (spec/rules.md "Counting time"), with their explanations."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.errors import InputError
from console.services import clock as clock_module
from console.services.calendar.schedule_file import load_schedule_file
from console.services.calendar.workdays import WorkCalendar
from console.services.clock import DrillClock, SystemClock, clock_from_setting, local, parse_local
from console.services.tickets.deadlines import (
    CLOCK_KINDS,
    SHANGHAI,
    DueExplanation,
    clocks_for,
    due_for,
    extend,
    hours_due,
    parse_clock_kind,
    wd_due,
)
from console.services.tickets.rules import RuleTable

ROOT = Path(__file__).resolve().parents[2]
CAL = WorkCalendar(library_years=range(2004, 2027))  # 2027 by the fallback, whatever is installed
TABLE = RuleTable.load()


def at(text: str) -> datetime:
    """Asia/Shanghai wall time."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def end_of(day: str) -> datetime:
    return at(f"{day} 23:59:59")


def official_2027() -> WorkCalendar:
    sched = load_schedule_file(ROOT / "knowledge_seed" / "calendar" / "EXAMPLE-2027.toml")
    return WorkCalendar({2027: replace(sched, official=True)})


def clock(kind: str, start: str, key: str, cal: WorkCalendar = CAL, **kw: str) -> datetime:
    by_key = {c.key: c for c in clocks_for(kind, at(start), TABLE, cal, **kw)}
    return by_key[key].due.due


# --- the examples of spec/rules.md ----------------------------------------------------


def test_counting_time_example_national_day() -> None:
    due = wd_due(CAL, at("2026-09-30 10:00"), 5, rule="R-LIMIT")
    assert due.due == end_of("2026-10-13")
    assert due.display() == "2026-10-13 24:00（星期二）"
    assert not due.provisional
    ex = due.explanation
    assert ex.counted == tuple(
        date.fromisoformat(x)
        for x in ("2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-13")
    )
    assert [(s.day.isoformat(), s.note) for s in ex.skipped] == [
        *[(f"2026-10-0{n}", "国庆节") for n in range(1, 8)],
        ("2026-10-11", "星期日"),
    ]
    assert [(s.day.isoformat(), s.note) for s in ex.makeup_used] == [
        ("2026-10-10", "国庆节调休上班")
    ]
    assert ex.provisional_years == ()
    assert any("10-10（国庆节调休上班）" in line for line in ex.lines())


def test_counting_time_example_new_year_provisional() -> None:
    due = wd_due(CAL, at("2026-12-28 09:00"), 10, rule="R-LIMIT")
    assert due.due == end_of("2027-01-12")
    assert due.provisional
    assert due.explanation.provisional_years == (2027,)
    assert due.explanation.counted[-1] == date(2027, 1, 12)
    assert any("2027 年放假安排尚未载入" in line for line in due.explanation.lines())


def test_loading_official_2027_recomputes_and_clears_provisional() -> None:
    start = at("2027-01-29 09:00")
    before = wd_due(CAL, start, 5)
    after = wd_due(official_2027(), start, 5)
    assert before.provisional and not after.provisional
    assert before.due == end_of("2027-02-09")
    assert after.due == end_of("2027-02-04")  # Sunday Jan 31 is worked in the loaded notice
    assert [s.day for s in after.explanation.makeup_used] == [date(2027, 1, 31)]
    assert (
        clocks_for("complaint", at("2026-12-28 09:00"), TABLE, official_2027())[2].due.provisional
        is False
    )


# --- one rule at a time --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2026-09-30 10:00", "2026-10-08"),
        ("2026-02-13 16:30", "2026-02-14"),  # make-up Saturday
        ("2026-02-14 08:00", "2026-02-24"),
        ("2026-03-06 23:59", "2026-03-09"),  # Friday night → Monday
        ("2026-03-07 10:00", "2026-03-09"),  # dispatched on a Saturday
    ],
)
def test_r_sign_one_working_day(start: str, due: str) -> None:
    assert clock("help", start, "sign") == end_of(due)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2026-09-30 10:00", "2026-10-09"),
        ("2026-02-13 09:00", "2026-02-24"),
        ("2026-12-30 09:00", "2027-01-04"),
    ],
)
def test_r_return_two_working_days(start: str, due: str) -> None:
    assert clock("report", start, "return") == end_of(due)


@pytest.mark.parametrize(
    ("kind", "start", "due"),
    [
        ("consultation", "2026-09-30 10:00", "2026-10-13"),
        ("help", "2026-09-30 10:00", "2026-10-13"),
        ("suggestion", "2026-09-30 10:00", "2026-10-13"),
        ("consultation", "2026-02-12 10:00", "2026-02-26"),
        ("help", "2026-06-15 10:00", "2026-06-23"),  # 端午 Jun 19
    ],
)
def test_r_limit_five_wd(kind: str, start: str, due: str) -> None:
    assert clock(kind, start, "limit") == end_of(due)


@pytest.mark.parametrize(
    ("kind", "start", "due"),
    [
        ("complaint", "2026-09-30 10:00", "2026-10-20"),
        ("report", "2026-09-30 10:00", "2026-10-20"),
        ("complaint", "2026-12-28 09:00", "2027-01-12"),
        ("complaint", "2026-02-10 09:00", "2026-03-02"),
    ],
)
def test_r_limit_complaint_ten_wd(kind: str, start: str, due: str) -> None:
    assert clock(kind, start, "limit") == end_of(due)


def test_r_limit_set_by_law_overrides_the_default() -> None:
    default = clock("complaint", "2026-03-02 09:00", "limit")
    by_law = clock("complaint", "2026-03-02 09:00", "limit", matter_type="劳动保障监察")
    assert default == end_of("2026-03-16")
    assert by_law == wd_due(CAL, at("2026-03-02 09:00"), 60).due
    assert clock("help", "2026-03-02 09:00", "limit", matter_type="劳动保障监察") == end_of(
        "2026-03-09"
    )


def test_r_consult_24_hours_through_a_holiday() -> None:
    assert clock("consultation", "2026-09-30 10:00", "consult") == at("2026-10-01 10:00")


@pytest.mark.parametrize(
    ("kind", "start", "first_response", "progress"),
    [
        ("special", "2026-09-30 22:00", "2026-10-01 02:00", "2026-10-10"),
        ("special", "2026-02-16 09:00", "2026-02-16 13:00", "2026-02-26"),
        ("urgent", "2026-09-30 23:30", "2026-10-01 01:30", "2026-10-09"),
        ("urgent", "2026-02-16 09:00", "2026-02-16 11:00", "2026-02-25"),
    ],
)
def test_r_special_and_r_special_urgent(
    kind: str, start: str, first_response: str, progress: str
) -> None:
    specs = clocks_for(kind, at(start), TABLE, CAL)
    rule = "R-SPECIAL" if kind == "special" else "R-SPECIAL-URGENT"
    assert [(c.rule, c.key, c.name) for c in specs] == [
        (rule, "first_response", "初步响应时限"),
        (rule, "progress", "进度反馈时限"),
    ]
    assert specs[0].due.due == at(first_response)
    assert specs[1].due.due == end_of(progress)


def test_r_supervise_limit_twenty_wd() -> None:
    assert clock("supervision", "2026-09-30 10:00", "supervise") == end_of("2026-11-03")


def test_r_callback_24_and_72_hours() -> None:
    specs = clocks_for("callback", at("2026-10-01 08:15"), TABLE, CAL)
    assert [(c.rule, c.key) for c in specs] == [
        ("R-CALLBACK", "callback_auto"),
        ("R-CALLBACK", "callback_manual"),
    ]
    assert specs[0].due.due == at("2026-10-02 08:15")
    assert specs[1].due.due == at("2026-10-04 08:15")


def test_r_extend_adds_wd_to_the_current_due_date() -> None:
    due = wd_due(CAL, at("2026-09-30 10:00"), 5, rule="R-LIMIT")
    longer = extend(CAL, due, 10)
    assert longer.due == end_of("2026-10-27")
    assert longer.explanation.extension_wd == 10
    assert len(longer.explanation.counted) == 15
    assert wd_due(CAL, at("2026-09-30 10:00"), 5, extension_wd=10).due == longer.due
    assert extend(CAL, longer, 0) is longer
    # an extension that runs into a fallback year makes the deadline provisional
    late = extend(CAL, wd_due(CAL, at("2026-12-10 10:00"), 10), 10)
    assert late.due == end_of("2027-01-08") and late.provisional
    assert late.explanation.provisional_years == (2027,)


# --- which clocks each kind has ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "keys"),
    [
        (
            "consultation",
            [
                ("R-SIGN", "sign"),
                ("R-RETURN", "return"),
                ("R-LIMIT", "limit"),
                ("R-CONSULT", "consult"),
            ],
        ),
        ("help", [("R-SIGN", "sign"), ("R-RETURN", "return"), ("R-LIMIT", "limit")]),
        ("complaint", [("R-SIGN", "sign"), ("R-RETURN", "return"), ("R-LIMIT", "limit")]),
        ("report", [("R-SIGN", "sign"), ("R-RETURN", "return"), ("R-LIMIT", "limit")]),
        ("suggestion", [("R-SIGN", "sign"), ("R-RETURN", "return"), ("R-LIMIT", "limit")]),
        ("special", [("R-SPECIAL", "first_response"), ("R-SPECIAL", "progress")]),
        ("urgent", [("R-SPECIAL-URGENT", "first_response"), ("R-SPECIAL-URGENT", "progress")]),
        ("supervision", [("R-SUPERVISE-LIMIT", "supervise")]),
        ("callback", [("R-CALLBACK", "callback_auto"), ("R-CALLBACK", "callback_manual")]),
    ],
)
def test_clocks_for_each_kind(kind: str, keys: list[tuple[str, str]]) -> None:
    specs = clocks_for(kind, at("2026-05-06 09:00"), TABLE, CAL)
    assert [(c.rule, c.key) for c in specs] == keys
    assert all(c.name for c in specs)


def test_clocks_for_accepts_chinese_labels_and_rejects_unknown() -> None:
    assert clocks_for("投诉", at("2026-05-06 09:00"), TABLE, CAL)[2].due.due == end_of("2026-05-19")
    with pytest.raises(InputError, match="kind"):
        clocks_for("petition", at("2026-05-06 09:00"), TABLE, CAL)


# --- time zones -----------------------------------------------------------------------------


def test_any_time_zone_is_computed_in_shanghai() -> None:
    utc = datetime(2026, 9, 30, 17, 30, tzinfo=UTC)  # 2026-10-01 01:30 in Shanghai
    due = wd_due(CAL, utc, 1)
    assert due.due == end_of("2026-10-08")
    assert due.due.tzinfo == SHANGHAI
    assert due.explanation.start == at("2026-10-01 01:30")
    assert hours_due(utc, 2).due == at("2026-10-01 03:30")
    # 2026-09-30 16:30 UTC is 2026-10-01 00:30 in Shanghai — the start day is Oct 1, not Sep 30
    assert wd_due(CAL, datetime(2026, 9, 29, 17, 0, tzinfo=UTC), 1).due == end_of("2026-10-08")


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InputError):
        wd_due(CAL, datetime(2026, 9, 30, 10, 0), 1)
    with pytest.raises(InputError):
        hours_due(datetime(2026, 9, 30, 10, 0), 1)


# --- properties -----------------------------------------------------------------------------

STARTS = st.datetimes(
    min_value=datetime(2004, 1, 1), max_value=datetime(2040, 12, 1), timezones=st.just(SHANGHAI)
)


@settings(max_examples=300, deadline=None)
@given(start=STARTS, n=st.integers(min_value=0, max_value=40), ext=st.integers(0, 10))
def test_due_never_before_start(start: datetime, n: int, ext: int) -> None:
    due = wd_due(CAL, start, n, extension_wd=ext)
    assert due.due >= start
    if n + ext:
        assert due.due.date() > start.date()
        assert CAL.is_workday(due.due.date())
    assert len(due.explanation.counted) == n + ext
    assert due.due.time().isoformat() == "23:59:59"


@settings(max_examples=300, deadline=None)
@given(start=STARTS, hours=st.sampled_from([2, 4, 24, 72]))
def test_hour_clocks_ignore_holidays(start: datetime, hours: int) -> None:
    due = hours_due(start, hours)
    assert due.due - start == timedelta(hours=hours)
    assert not due.provisional


@settings(max_examples=300, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2026, 6, 1), max_value=datetime(2028, 6, 1), timezones=st.just(SHANGHAI)
    ),
    n=st.integers(min_value=1, max_value=30),
)
def test_provisional_exactly_when_a_counted_day_is_in_a_fallback_year(
    start: datetime, n: int
) -> None:
    for cal, fallback_years in ((CAL, {2027, 2028}), (official_2027(), {2028})):
        due = wd_due(cal, start, n)
        counted_in_fallback = any(d.year in fallback_years for d in due.explanation.counted)
        assert due.provisional is counted_in_fallback
        assert set(due.explanation.provisional_years) == {
            d.year for d in due.explanation.counted if d.year in fallback_years
        }


def test_all_clock_kinds_are_known() -> None:
    assert set(CLOCK_KINDS) == {
        "consultation",
        "help",
        "complaint",
        "report",
        "suggestion",
        "special",
        "urgent",
        "supervision",
        "callback",
    }


def test_hour_clock_shows_minutes_and_extends_by_wd() -> None:
    due = hours_due(at("2026-09-30 23:59:59"), 24, rule="R-CONSULT")
    assert due.display() == "2026-10-01 23:59（星期四）"
    longer = extend(CAL, due, 3)  # counted from the hour clock's due date
    assert longer.display() == "2026-10-10 24:00（星期六）"
    assert [d.isoformat() for d in longer.explanation.counted] == [
        "2026-10-08",
        "2026-10-09",
        "2026-10-10",
    ]
    assert any("延期 3 个工作日" in line for line in longer.explanation.lines())


def test_explanation_is_value_equal_and_lists_days_lazily() -> None:
    a = wd_due(CAL, at("2026-09-30 10:00"), 5, rule="R-LIMIT")
    b = wd_due(WorkCalendar(), at("2026-09-30 10:00"), 5, rule="R-LIMIT")
    assert a == b  # the calendar object is not part of the value
    assert a.explanation.counted == b.explanation.counted


# --- guards found by mutation testing (benchmarks/mutation.py) ----------------------------


def test_r_consult_hour_clock_has_no_counted_days() -> None:
    """An hour clock (R-CONSULT 24 h) lists no working days: nothing was counted in days."""
    exp = hours_due(at("2026-09-30 10:00"), 24, rule="R-CONSULT").explanation
    assert exp.counted == ()
    assert exp.skipped == ()
    assert exp.makeup_used == ()
    assert exp.lines()[1] == "R-CONSULT 时限 24 小时，按自然时间连续计算（含节假日）"


def test_r_limit_deadlines_are_read_only_values() -> None:
    """A deadline is a value: shared by screens and queues, never changed in place."""
    due = wd_due(CAL, at("2026-09-30 10:00"), 5, rule="R-LIMIT")
    with pytest.raises(FrozenInstanceError):
        due.provisional = True  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        due.explanation.amount = 1  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        due.explanation.skipped[0].note = ""  # type: ignore[misc]
    assert "WorkCalendar" not in repr(due)
    spec = clocks_for("help", at("2026-09-30 10:00"), TABLE, CAL)[0]
    with pytest.raises(FrozenInstanceError):
        spec.due = due  # type: ignore[misc]


def test_r_limit_explanation_of_the_national_day_example() -> None:
    """The spec's example, explained line by line: counted, skipped and 调休 days."""
    due = wd_due(CAL, at("2026-09-30 10:00"), 5, rule="R-LIMIT", basis="《办法》第12条")
    assert due.display() == "2026-10-13 24:00（星期二）"
    holidays = "、".join(f"10-0{d}（国庆节）" for d in range(1, 8))
    assert due.explanation.lines() == [
        "起算：2026-09-30 10:00（星期三）",
        "R-LIMIT 时限 5 个工作日，起算当日不计，至第 5 个工作日 24:00",
        "依据：《办法》第12条",
        "计入的工作日：10-08、10-09、10-10、10-12、10-13",
        f"跳过的休息日：{holidays}、10-11（星期日）",
        "计入的调休上班日：10-10（国庆节调休上班）",
    ]


def test_r_extend_explanation_into_a_provisional_year() -> None:
    due = extend(CAL, wd_due(CAL, at("2026-12-10 10:00"), 10), 10)
    lines = due.explanation.lines()
    assert lines[:3] == [
        "起算：2026-12-10 10:00（星期四）",
        "时限 10 个工作日，起算当日不计，至第 10 个工作日 24:00",
        "已批准延期 10 个工作日，自原到期日起顺延",
    ]
    assert lines[3].endswith(
        "12-30、12-31、2027-01-04、2027-01-05、2027-01-06、2027-01-07、2027-01-08"
    )
    assert lines[4].endswith(
        "12-27（星期日）、2027-01-01（元旦）、2027-01-02（星期六）、2027-01-03（星期日）"
    )
    assert lines[5:] == ["2027 年放假安排尚未载入，按法定节假日推算，为临时结果"]
    assert due.display() == "2027-01-08 24:00（星期五）"


def test_r_extend_one_wd_turns_an_hour_clock_into_a_day_deadline() -> None:
    due = extend(CAL, hours_due(at("2026-09-30 10:07"), 24, rule="R-CONSULT"), 1)
    assert due.is_end_of_day
    assert due.display() == "2026-10-08 24:00（星期四）"


def test_r_extend_twice_lists_the_days_of_both_extensions() -> None:
    """An hour clock extended twice lists every extension day, not only the last ones."""
    once = extend(CAL, hours_due(at("2026-09-30 23:59:59"), 24, rule="R-CONSULT"), 3)
    twice = extend(CAL, once, 2)
    assert twice.display() == "2026-10-13 24:00（星期二）"
    assert twice.explanation.extension_wd == 5
    assert [d.isoformat() for d in twice.explanation.counted] == [
        "2026-10-08",
        "2026-10-09",
        "2026-10-10",
        "2026-10-12",
        "2026-10-13",
    ]


def test_r_consult_hour_deadline_shows_its_minute() -> None:
    due = hours_due(at("2026-09-30 10:07"), 24, rule="R-CONSULT")
    assert not due.is_end_of_day
    assert due.display() == "2026-10-01 10:07（星期四）"
    assert due.explanation.lines() == [
        "起算：2026-09-30 10:07（星期三）",
        "R-CONSULT 时限 24 小时，按自然时间连续计算（含节假日）",
    ]


# --- the injected clock (console/services/clock.py) ---------------------------------------


def test_r_limit_clock_input_without_offset_is_shanghai_time() -> None:
    """Every limit counts in Asia/Shanghai: a drill time typed without an offset is local."""
    assert parse_local(" 2026-09-30 10:00 ") == at("2026-09-30 10:00")
    assert parse_local("2026-09-30T10:00:05") == at("2026-09-30 10:00:05")
    utc = parse_local("2026-09-30 02:00+00:00")
    assert utc.utcoffset() == timedelta(0) and local(utc) == at("2026-09-30 10:00")
    assert local(utc).tzinfo == SHANGHAI


def test_r_limit_drill_clock_frozen_or_running(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter([100.0, 100.0, 160.0, 200.0, 200.0, 230.0])
    monkeypatch.setattr(clock_module.time, "monotonic", lambda: next(ticks))
    start = at("2026-09-30 10:00")
    frozen = clock_from_setting("2026-09-30 10:00")
    assert isinstance(frozen, DrillClock) and frozen.pinned
    assert frozen.now() == start
    frozen.advance(timedelta(hours=25))  # set() reads tick 100
    assert frozen.now() == at("2026-10-01 11:00")
    running = clock_from_setting("2026-09-30 10:00", running=True)  # started at tick 160
    assert running.now() == start + timedelta(seconds=40)  # tick 200
    assert isinstance(running, DrillClock)
    running.set(start)  # tick 200
    assert running.now() == start + timedelta(seconds=30)  # tick 230


def test_r_limit_system_clock_is_live_and_unpinned() -> None:
    for value in (None, ""):
        clock = clock_from_setting(value)
        assert isinstance(clock, SystemClock) and not clock.pinned
    now = SystemClock().now()
    assert now.tzinfo is not None
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)


def test_r_limit_provisional_only_for_counted_days_of_a_fallback_year() -> None:
    new_year = wd_due(CAL, at("2026-12-31 10:00"), 1)  # Jan 1 off: Mon 2027-01-04 counts
    assert new_year.due == end_of("2027-01-04") and new_year.provisional
    assert new_year.explanation.provisional_years == (2027,)
    assert not wd_due(CAL, at("2026-12-30 10:00"), 1).provisional  # Dec 31 counts
    same_day = wd_due(CAL, at("2027-03-01 10:00"), 0)  # nothing counted
    assert same_day.due == end_of("2027-03-01") and not same_day.provisional
    assert same_day.explanation.provisional_years == ()
    # from Dec 31 of a fallback year only the next year's days are counted
    assert wd_due(CAL, at("2027-12-31 10:00"), 1).explanation.provisional_years == (2028,)
    assert wd_due(CAL, at("2027-12-30 10:00"), 3).explanation.provisional_years == (2027, 2028)


def test_r_limit_negative_counts_are_refused_zero_is_allowed() -> None:
    start = at("2026-09-30 10:00")
    for call, field in (
        (lambda: wd_due(CAL, start, -1), "n"),
        (lambda: wd_due(CAL, start, 1, extension_wd=-1), "n"),
        (lambda: hours_due(start, -1), "hours"),
        (lambda: extend(CAL, wd_due(CAL, start, 1), -1), "wd"),
    ):
        with pytest.raises(InputError) as err:
            call()
        assert err.value.field == field
    assert wd_due(CAL, start, 0).due == end_of("2026-09-30")
    assert hours_due(start, 0).due == start


def test_r_limit_start_needs_a_known_offset() -> None:
    class NoOffset(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta | None:
            return None

    with pytest.raises(InputError) as err:
        wd_due(CAL, datetime(2026, 9, 30, 10, 0, tzinfo=NoOffset()), 1)
    assert err.value.field == "start"


def test_r_complex_count_is_not_a_time_limit() -> None:
    with pytest.raises(ValueError, match="R-COMPLEX/returns is not a time limit"):
        due_for(TABLE.limit("R-COMPLEX"), at("2026-09-30 10:00"), CAL)


def test_r_limit_clock_kind_by_value_or_chinese_label() -> None:
    assert parse_clock_kind(" 投诉 ") == "complaint"
    assert parse_clock_kind("督办") == "supervision"
    assert parse_clock_kind("callback") == "callback"


def test_r_limit_explanation_without_its_calendar_lists_no_days() -> None:
    """An explanation rebuilt without the calendar it was counted on (calendar=None, e.g.
    read back from a store) shows its sentences but lists no days instead of failing."""
    exp = DueExplanation(
        start=at("2026-09-30 10:00"),
        rule="R-LIMIT",
        amount=5,
        unit="wd",
        after=date(2026, 9, 30),
        through=date(2026, 10, 13),
    )
    assert (exp.counted, exp.skipped, exp.makeup_used) == ((), (), ())
    assert exp.lines()[1] == "R-LIMIT 时限 5 个工作日，起算当日不计，至第 5 个工作日 24:00"


def test_r_limit_drill_clock_is_frozen_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter(range(0, 1000, 10))
    monkeypatch.setattr(clock_module.time, "monotonic", lambda: float(next(ticks)))
    start = at("2026-09-30 10:00")
    frozen = DrillClock(start)
    assert frozen.now() == start and frozen.now() == start
