"""Expert shifts (专家值班时间, R-EXPERT): written in Chinese or in short English, read against
the platform's work calendar (调休 Saturdays are working days, National Day is not), past
midnight, and refused with a message naming the field when they cannot be read."""

from __future__ import annotations

import datetime as dt

import pytest

from console.errors import InputError
from console.services.calendar.workdays import WorkCalendar
from console.services.experts.shifts import parse_shift
from tests.conftest import at

CAL = WorkCalendar({})


@pytest.mark.parametrize(
    ("written", "canonical", "label"),
    [
        ("工作日 09:00-17:30", "workdays 09:00-17:30", "工作日 09:00–17:30"),
        ("workdays 9:00-17:30", "workdays 09:00-17:30", "工作日 09:00–17:30"),
        ("每天 20:00至08:00", "daily 20:00-08:00", "每天 20:00–次日08:00"),
        ("休息日 09:00～17:00", "restdays 09:00-17:00", "休息日 09:00–17:00"),
        ("周一至周五 08:30-12:00", "mon,tue,wed,thu,fri 08:30-12:00", "周一、周二、周三、周四、周五 08:30–12:00"),
        ("周六,周日 00:00-24:00", "sat,sun 00:00-00:00", "周六、周日 全天"),
        ("星期五到星期一 18:00-22:00", "mon,fri,sat,sun 18:00-22:00", "周一、周五、周六、周日 18:00–22:00"),
        ("周一 至 周三 09:00 - 12:00", "mon,tue,wed 09:00-12:00", "周一、周二、周三 09:00–12:00"),
        ("sat、sun 10:00-16:00", "sat,sun 10:00-16:00", "周六、周日 10:00–16:00"),
    ],
)  # fmt: skip
def test_r_expert_shift_forms(written: str, canonical: str, label: str) -> None:
    shift = parse_shift(written)
    assert shift.text() == canonical and shift.label() == label
    assert parse_shift(shift.text()) == shift  # what is stored reads back the same


def test_r_expert_workday_shift_follows_the_work_calendar() -> None:
    shift = parse_shift("工作日 09:00-17:30")
    assert shift.covers(at("2026-11-25 09:00"), CAL)  # a Wednesday
    assert shift.covers(at("2026-11-25 17:29"), CAL)
    assert not shift.covers(at("2026-11-25 17:30"), CAL)  # the end is not on duty
    assert not shift.covers(at("2026-11-25 08:59"), CAL)
    assert not shift.covers(at("2026-11-28 10:00"), CAL)  # a Saturday
    assert shift.covers(at("2026-09-20 10:00"), CAL)  # a Sunday worked (调休)
    assert not shift.covers(at("2026-10-01 10:00"), CAL)  # National Day, a Thursday
    rest = parse_shift("休息日 09:00-17:00")
    assert rest.covers(at("2026-10-01 10:00"), CAL) and not rest.covers(at("2026-09-20 10:00"), CAL)


def test_r_expert_night_shift_belongs_to_the_day_it_starts() -> None:
    friday_night = parse_shift("周五 20:00-08:00")
    assert friday_night.covers(at("2026-11-27 23:00"), CAL)  # Friday evening
    assert friday_night.covers(at("2026-11-28 07:59"), CAL)  # Saturday morning, same shift
    assert not friday_night.covers(at("2026-11-28 08:00"), CAL)
    assert not friday_night.covers(at("2026-11-27 07:00"), CAL)  # Friday morning: Thursday's
    assert not friday_night.covers(at("2026-11-28 21:00"), CAL)  # Saturday evening
    workday_nights = parse_shift("工作日 20:00-08:00")
    assert workday_nights.covers(at("2026-10-01 02:00"), CAL)  # began on 30 Sep, a workday
    assert not workday_nights.covers(at("2026-10-02 02:00"), CAL)  # began on a holiday
    whole_day = parse_shift("周六 00:00-00:00")
    assert whole_day.covers(at("2026-11-28 00:00"), CAL)
    assert whole_day.covers(at("2026-11-28 23:59"), CAL)
    assert not whole_day.covers(at("2026-11-29 00:00"), CAL)
    utc = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)  # 23:00 in Beijing
    assert friday_night.covers(utc, CAL)


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("", "不能为空"),
        ("09:00-17:30", "先写日子"),
        ("工作日 9点-17点", "时:分"),
        ("工作日 25:00-26:00", "不存在"),
        ("周八 09:00-10:00", "周八"),
        ("工作日 09:00", "开始-结束"),
        ("周一至周三至周五 09:00-10:00", "写法不对"),
    ],
)
def test_r_expert_unreadable_shift_names_the_field(written: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_shift(written, field="shifts")
    assert caught.value.field == "shifts" and words in str(caught.value)
