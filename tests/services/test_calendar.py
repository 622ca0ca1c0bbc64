"""The work calendar (WD with 调休), its fallback years and the schedule-file format."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import FrozenInstanceError, replace
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.errors import InputError
from console.services.calendar.schedule_file import (
    dump_schedule,
    load_official_schedules,
    load_schedule_file,
    official_schedule_paths,
    parse_schedule,
)
from console.services.calendar.workdays import (
    FALLBACK_SOURCE,
    WorkCalendar,
    YearSchedule,
    chinese_calendar_years,
    statutory_holidays,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "knowledge_seed" / "calendar" / "EXAMPLE-2027.toml"
# chinese-calendar 1.11 knows 2004–2026; pin that so 2027 stays a fallback year in these
# tests even after a newer package with the 2027 notice is installed.
UP_TO_2026 = range(2004, 2027)
CAL = WorkCalendar(library_years=UP_TO_2026)


def d(text: str) -> date:
    return date.fromisoformat(text)


def naive_add(start: date, n: int) -> date:
    """The reference: walk day by day asking chinese-calendar."""
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            left -= 1
    return day


def official_2027() -> YearSchedule:
    """The example layout, treated as if it were the published notice (for tests only)."""
    return replace(load_schedule_file(EXAMPLE), official=True, source="测试用 2027 安排")


# --- real 2026 dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        # Spring Festival 2026: Feb 15–23 off, Saturdays Feb 14 and Feb 28 worked.
        ("2026-02-13", True),
        ("2026-02-14", True),
        *[(f"2026-02-{n:02d}", False) for n in range(15, 24)],
        ("2026-02-24", True),
        ("2026-02-27", True),
        ("2026-02-28", True),
        ("2026-03-01", False),
        # National Day 2026: Oct 1–7 off, Sunday Sep 20 and Saturday Oct 10 worked.
        ("2026-09-19", False),
        ("2026-09-20", True),
        ("2026-09-30", True),
        *[(f"2026-10-{n:02d}", False) for n in range(1, 8)],
        ("2026-10-08", True),
        ("2026-10-09", True),
        ("2026-10-10", True),
        ("2026-10-11", False),
    ],
)
def test_2026_official_days(day: str, workday: bool) -> None:
    assert CAL.is_workday(d(day)) is workday
    assert chinese_calendar.is_workday(d(day)) is workday


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # spec/rules.md "Counting time", example 1
        ("2026-09-30", 5, "2026-10-13"),
        # spec/rules.md "Counting time", example 2 (2027 by the fallback)
        ("2026-12-28", 10, "2027-01-12"),
        ("2026-02-13", 1, "2026-02-14"),  # the make-up Saturday counts
        ("2026-02-14", 1, "2026-02-24"),
        ("2026-02-27", 1, "2026-02-28"),
        ("2026-09-18", 1, "2026-09-20"),  # the make-up Sunday counts
        ("2026-10-08", 0, "2026-10-08"),
        ("2026-10-13", -5, "2026-09-30"),
    ],
)
def test_add_working_days_known(start: str, n: int, due: str) -> None:
    assert CAL.add_working_days(d(start), n) == d(due)


def test_working_days_lists_the_counted_days() -> None:
    assert CAL.working_days(d("2026-09-30"), d("2026-10-13")) == [
        d("2026-10-08"),
        d("2026-10-09"),
        d("2026-10-10"),
        d("2026-10-12"),
        d("2026-10-13"),
    ]
    assert CAL.working_days_between(d("2026-09-30"), d("2026-10-13")) == 5
    assert CAL.working_days_between(d("2026-10-13"), d("2026-09-30")) == -5
    # an empty or reversed interval counts no day: an empty list, never None
    assert CAL.working_days(d("2026-10-13"), d("2026-10-13")) == []
    assert CAL.working_days(d("2026-10-13"), d("2026-09-30")) == []


def test_day_notes_name_holidays_and_makeup_days() -> None:
    assert CAL.day_note(d("2026-02-16")) == "春节"
    assert CAL.day_note(d("2026-02-14")) == "春节调休上班"
    assert CAL.day_note(d("2026-10-10")) == "国庆节调休上班"
    assert CAL.day_note(d("2026-03-01")) == "星期日"
    assert CAL.day_note(d("2026-03-02")) == ""


# --- never raises, agrees with chinese-calendar -----------------------------------------


def test_never_raises_2004_to_2035() -> None:
    cal = WorkCalendar()
    day, end = d("2004-01-01"), d("2035-12-31")
    one = timedelta(days=1)
    count = 0
    while day <= end:
        count += cal.is_workday(day)
        assert cal.add_working_days(day, 1) > day
        day += one
    assert 31 * 240 < count < 32 * 255


@pytest.mark.parametrize("year", [2004, 2026, 2027, 2040, 2050, 2075, 2099])
def test_any_year_to_2099_has_a_schedule(year: int) -> None:
    cal = WorkCalendar()
    sched = cal.schedule(year)
    assert sched.year == year
    assert cal.add_working_days(date(year, 12, 31), 30).year == year + 1
    assert cal.add_working_days(date(year, 1, 1), -30).year == year - 1


def test_out_of_range_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="超出"):
        WorkCalendar().add_working_days(d("2199-12-30"), 10)


def test_agrees_with_chinese_calendar_every_day_2004_2026() -> None:
    cal = WorkCalendar()
    day, end = d("2004-01-01"), d("2026-12-31")
    while day <= end:
        assert cal.is_workday(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=d("2004-01-01"), max_value=d("2026-10-15")),
    n=st.integers(min_value=0, max_value=40),
)
def test_add_working_days_equals_day_by_day(start: date, n: int) -> None:
    assert CAL.add_working_days(start, n) == naive_add(start, n)


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=d("2004-01-01"), max_value=d("2098-01-01")),
    n=st.integers(min_value=0, max_value=300),
)
def test_working_days_between_inverts_add(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert due >= start
    assert CAL.working_days_between(start, due) == n
    assert n == 0 or CAL.is_workday(due)


# --- the fallback -----------------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_fallback_holidays_match_chinese_calendar(year: int) -> None:
    """Under the 2024 放假办法 (from 2025) every statutory day is off in the real schedule."""
    fallback = statutory_holidays(year)
    assert len(fallback) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3
    for day in fallback:
        assert day in chinese_calendar.holidays, (day, fallback[day])


@pytest.mark.parametrize("year", range(2008, 2027))
def test_fallback_lunar_and_solar_term_dates(year: int) -> None:
    """清明, 端午, 中秋 and 春节初一–初三 fall on days the real schedule gave off."""
    fallback = statutory_holidays(year)
    for name in ("清明节", "端午节", "中秋节"):
        days = [k for k, v in fallback.items() if name in v]
        assert len(days) == 1, name
        assert not chinese_calendar.is_workday(days[0]), (name, days[0])
    spring = sorted(k for k, v in fallback.items() if v == "春节")
    assert len(spring) == 4
    for day in spring[1:]:  # 除夕 was not statutory from 2014 to 2024
        assert not chinese_calendar.is_workday(day), day


@pytest.mark.parametrize(
    ("year", "eve", "qingming", "duanwu", "zhongqiu"),
    [
        (2025, "2025-01-28", "2025-04-04", "2025-05-31", "2025-10-06"),
        (2026, "2026-02-16", "2026-04-05", "2026-06-19", "2026-09-25"),
        (2027, "2027-02-05", "2027-04-05", "2027-06-09", "2027-09-15"),
    ],
)
def test_fallback_known_festival_dates(
    year: int, eve: str, qingming: str, duanwu: str, zhongqiu: str
) -> None:
    h = statutory_holidays(year)
    assert h[d(eve)] == "春节"
    assert h[d(qingming)] == "清明节"
    assert h[d(duanwu)] == "端午节"
    assert h[d(zhongqiu)] == "中秋节"
    assert h[date(year, 1, 1)] == "元旦"
    assert [h.get(date(year, 5, n)) for n in (1, 2, 3)] == ["劳动节", "劳动节", None]
    assert [h.get(date(year, 10, n)) for n in (1, 2, 3, 4)] == ["国庆节"] * 3 + [None]


def test_fallback_year_is_provisional_and_has_no_makeup_days() -> None:
    cal = WorkCalendar(library_years=UP_TO_2026)
    assert not cal.is_provisional(2026)
    assert cal.schedule(2026).source.startswith("chinese-calendar ")
    for year in (2027, 2030, 2040, 2099):
        sched = cal.schedule(year)
        assert cal.is_provisional(year)
        assert sched.source == FALLBACK_SOURCE
        assert sched.makeup_workdays == {}
    # weekdays minus statutory days, nothing else: 2027-02-09 (初四, Tue) is worked
    assert cal.is_workday(d("2027-02-09"))
    assert not cal.is_workday(d("2027-02-05"))  # 除夕


# --- official schedules -----------------------------------------------------------------


def test_loading_an_official_2027_schedule_changes_the_answer() -> None:
    start = d("2027-01-29")  # Friday before the Spring Festival
    fallback = WorkCalendar(library_years=UP_TO_2026)
    official = WorkCalendar({2027: official_2027()})
    assert fallback.add_working_days(start, 5) == d("2027-02-09")
    # Sunday Jan 31 is a make-up workday in the loaded schedule
    assert official.add_working_days(start, 5) == d("2027-02-04")
    assert fallback.is_provisional(2027)
    assert not official.is_provisional(2027)
    assert official.schedule(2027).source == "测试用 2027 安排"


def test_a_non_official_file_keeps_the_year_provisional() -> None:
    example = load_schedule_file(EXAMPLE)
    assert not example.official
    assert "示例，非官方" in example.source
    cal = WorkCalendar({2027: example})
    assert cal.is_provisional(2027)
    assert cal.is_workday(d("2027-01-31"))  # its days are used all the same


def test_a_notice_may_reach_back_into_december() -> None:
    text = """
year = 2028
source = "测试"
published = 2027-11-01
[[holiday]]
name = "元旦"
start = 2027-12-31
end = 2028-01-02
"""
    cal = WorkCalendar({2028: parse_schedule(text)})
    assert not cal.is_workday(d("2027-12-31"))  # a Friday
    assert cal.day_note(d("2027-12-31")) == "元旦"
    assert WorkCalendar(library_years=UP_TO_2026).is_workday(d("2027-12-31"))


def test_schedule_key_must_match_year() -> None:
    with pytest.raises(ValueError):
        WorkCalendar({2028: official_2027()})


# --- the schedule file ------------------------------------------------------------------

GOOD = """
year = 2027
source = "国务院办公厅关于2027年部分节假日安排的通知"
published = 2026-11-05
[[holiday]]
name = "元旦"
start = 2027-01-01
end = 2027-01-03
[[holiday]]
name = "春节"
start = 2027-02-05
end = 2027-02-13
[[workday]]
date = 2027-02-20
name = "春节调休上班"
"""


def test_schedule_file_parses() -> None:
    sched = parse_schedule(GOOD, origin="2027.toml")
    assert sched.year == 2027
    assert sched.official
    assert sched.published == d("2026-11-05")
    assert len(sched.holidays) == 3 + 9
    assert sched.makeup_workdays == {d("2027-02-20"): "春节调休上班"}
    assert parse_schedule(dump_schedule(sched)) == sched


def test_example_file_is_a_full_plausible_year() -> None:
    sched = load_schedule_file(EXAMPLE)
    names = set(sched.holidays.values())
    assert names == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}
    assert all(day.weekday() >= 5 for day in sched.makeup_workdays)
    # every statutory day of the fallback is a holiday in the example too
    assert set(statutory_holidays(2027)) <= set(sched.holidays)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("year = 2027", ""), "year"),
        (("year = 2027", "year = 1800"), "year"),
        (("year = 2027", 'year = "2027"'), "year"),
        (('source = "国务院办公厅关于2027年部分节假日安排的通知"', 'source = ""'), "source"),
        (("published = 2026-11-05", "published = 2028-01-01"), "published"),
        (("published = 2026-11-05", 'published = "yesterday"'), "published"),
        (("published = 2026-11-05", "published = 2026-11-05\nofficial = 1"), "official"),
        (("published = 2026-11-05", "published = 2026-11-05\nnotes = 1"), "notes"),
        (("end = 2027-01-03", "end = 2026-12-31"), "holiday[1].end"),
        (("end = 2027-02-13", "end = 2027-02-01"), "holiday[2].end"),
        (("end = 2027-02-13", "end = 2027-03-13"), "holiday[2].end"),
        (
            ("start = 2027-02-05\nend = 2027-02-13", "start = 2027-01-03\nend = 2027-01-04"),
            "holiday[2].start",
        ),  # overlaps 元旦
        (("start = 2027-02-05", "start = 2028-02-05"), "holiday[2].start"),
        (('name = "春节"\n', ""), "holiday[2].name"),
        (('name = "春节"\n', 'name = "春节"\nday = 1\n'), "holiday[2].day"),
        (("date = 2027-02-20", "date = 2027-02-22"), "workday[1].date"),  # a Monday
        (("date = 2027-02-20", "date = 2027-02-06"), "workday[1].date"),  # inside 春节
        (('name = "春节调休上班"', ""), "workday[1].name"),
        (("date = 2027-02-20", 'date = "2027-02-30"'), "workday[1].date"),
    ],
)
def test_schedule_file_errors_name_the_field(change: tuple[str, str], field: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(InputError) as err:
        parse_schedule(GOOD.replace(old, new, 1), origin="2027.toml")
    message = str(err.value)
    assert f"2027.toml {field}" in message, message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("year = ", "2027.toml"),
        ('year = 2027\nsource = "x"\npublished = 2026-11-01\n', "holiday"),
        ('year = 2027\nsource = "x"\npublished = 2026-11-01\nholiday = 3\n', "holiday"),
    ],
)
def test_schedule_file_structural_errors(text: str, field: str) -> None:
    with pytest.raises(InputError) as err:
        parse_schedule(text, origin="2027.toml")
    assert field in str(err.value)
    assert "\n" not in str(err.value)


def test_schedule_file_name_must_match_year(tmp_path: Path) -> None:
    (tmp_path / "2028.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "EXAMPLE-2027.toml").write_text(GOOD, encoding="utf-8")
    assert [p.name for p in official_schedule_paths(tmp_path)] == ["2028.toml"]
    with pytest.raises(InputError, match="2028.toml year"):
        load_official_schedules(tmp_path)
    (tmp_path / "2028.toml").rename(tmp_path / "2027.toml")
    assert list(load_official_schedules(tmp_path)) == [2027]


def test_shipped_folder_loads_and_leaves_the_example_out() -> None:
    folder = ROOT / "knowledge_seed" / "calendar"
    assert EXAMPLE.name not in [p.name for p in official_schedule_paths(folder)]
    for year, sched in load_official_schedules(folder).items():
        assert sched.year == year


def test_services_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "import console.services.calendar.workdays, console.services.tickets.deadlines\n"
        "import console.services.tickets.rules, console.services.calendar.schedule_file\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize("n", [3000, -3000, 10000, -10000])
def test_long_jumps_grow_the_span_both_ways(n: int) -> None:
    cal = WorkCalendar()
    start = d("2030-06-15")
    due = cal.add_working_days(start, n)
    assert cal.is_workday(due)
    if n > 0:  # working days in (start, due]
        assert cal.working_days_between(start, due) == n
    else:  # working days in [due, start)
        one = timedelta(days=1)
        assert cal.working_days_between(due - one, start - one) == -n


# --- guards found by mutation testing (benchmarks/mutation.py) ----------------------------


def test_r_limit_calendar_range_is_1901_to_2199_inclusive() -> None:
    cal = WorkCalendar()
    assert cal.schedule(1901).year == 1901 and cal.schedule(2199).year == 2199
    assert cal.is_provisional(1901) and cal.is_provisional(2199)
    assert cal.add_working_days(d("2199-12-01"), 5) == d("2199-12-06")
    for call, field in (
        (lambda: cal.schedule(1900), "year"),
        (lambda: cal.schedule(2200), "year"),
        (lambda: cal.is_workday(d("1900-12-31")), "date"),
        (lambda: cal.add_working_days(d("1901-01-05"), -5), "date"),
    ):
        with pytest.raises(InputError) as err:
            call()
        assert err.value.field == field
        assert "1901–2199" in err.value.problem


def test_r_limit_schedules_are_read_only_and_equal_whatever_their_publication() -> None:
    sched = official_2027()
    with pytest.raises(FrozenInstanceError):
        sched.official = False  # type: ignore[misc]
    assert replace(sched, published=None) == sched


def test_r_limit_day_note_of_an_ordinary_day_is_empty() -> None:
    assert CAL.day_note(d("2026-12-04")) == ""  # a Friday
    assert CAL.day_note(d("2026-12-05")) == "星期六"
    assert CAL.day_note(d("2026-12-06")) == "星期日"


def test_r_limit_library_years_end_with_the_packages_last_year() -> None:
    """A year past chinese-calendar's last is provisional, never an empty "official" one."""
    last = max(chinese_calendar.holidays).year
    assert chinese_calendar_years()[-1] == last
    cal = WorkCalendar()
    assert not cal.is_provisional(last) and cal.is_provisional(last + 1)
    assert cal.schedule(last).source == f"chinese-calendar {metadata.version('chinese-calendar')}"


def test_r_limit_day_note_names_a_one_off_holiday() -> None:
    """chinese-calendar's own names (not in the shown-name table) are given in Chinese."""
    assert WorkCalendar().day_note(d("2015-09-03")).startswith("中国人民抗日战争")


def test_r_limit_official_years_and_a_notice_reaching_back_from_2199() -> None:
    text = """
year = 2199
source = "测试"
published = 2198-11-01
[[holiday]]
name = "元旦"
start = 2198-12-31
end = 2199-01-01
"""
    cal = WorkCalendar({2199: parse_schedule(text)})
    assert cal.official_years() == [2199]
    assert not cal.is_workday(d("2198-12-31"))  # a weekday, off by the 2199 notice
    assert cal.day_note(d("2198-12-31")) == "元旦"


def test_the_precomputed_span_is_reused_inside_it_and_grown_with_a_margin() -> None:
    """Fast is a feature: the day ordinals are computed once for the library's years (and the
    next), reused for any day inside them, and grown by a margin past them — not rebuilt at
    every query near a year's end."""
    cal = WorkCalendar()
    cal.is_workday(date(2026, 1, 5))
    span = cal._span
    assert span is not None and span.last >= cal._lib_last + 1  # the first year after the library
    for year in (span.first, span.last):
        cal.is_workday(date(year, 1, 1))
        cal.is_workday(date(year, 12, 31))
        assert cal._span is span
    cal.is_workday(date(span.last + 1, 1, 1))
    grown = cal._span
    assert grown is not None and grown.last == span.last + 3 and grown.first == span.first
    cal.is_workday(date(span.first - 1, 12, 31))
    assert cal._span is not None and cal._span.first == span.first - 3
