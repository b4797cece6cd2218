from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tresen.core.business_hours import (
    DEFAULT_SPEC,
    BusinessCalendar,
    add_business_time,
    business_time_between,
    describe_hours,
    is_holiday,
    is_open,
    next_open,
    open_intervals,
)

BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_FIVE = [(time(9), time(17))]
WEEKDAYS = dict.fromkeys(range(5), NINE_TO_FIVE)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def calendar(region: str = "DE", hours=None, closed=(), tz: str = "Europe/Berlin"):
    return BusinessCalendar(
        timezone=tz,
        weekly_hours=WEEKDAYS if hours is None else hours,
        holiday_region=region,
        extra_closed_days=frozenset(closed),
    )


def test_friday_afternoon_plus_two_hours_is_monday_morning():
    deadline = add_business_time(calendar(), berlin(2026, 3, 6, 16), timedelta(hours=2))
    assert deadline == berlin(2026, 3, 9, 10)
    assert deadline.tzinfo == BERLIN


def test_forty_business_hours_fill_one_working_week():
    cal = calendar()
    assert add_business_time(cal, berlin(2026, 3, 9, 9), timedelta(hours=40)) == berlin(
        2026, 3, 13, 17
    )


def test_result_is_in_calendar_timezone_for_utc_input():
    deadline = add_business_time(
        calendar(), datetime(2026, 3, 9, 8, tzinfo=UTC), timedelta(hours=1)
    )
    assert deadline == berlin(2026, 3, 9, 10)
    assert deadline.tzinfo == BERLIN


def test_zero_duration_from_closed_instant_is_next_opening():
    cal = calendar()
    saturday = berlin(2026, 3, 7, 12)
    assert add_business_time(cal, saturday, timedelta(0)) == berlin(2026, 3, 9, 9)
    assert next_open(cal, saturday) == berlin(2026, 3, 9, 9)


def test_next_open_returns_instant_itself_when_open():
    instant = berlin(2026, 3, 9, 11, 23, 45)
    assert next_open(calendar(), instant) == instant


def test_is_open():
    cal = calendar()
    assert is_open(cal, berlin(2026, 3, 9, 9))
    assert is_open(cal, berlin(2026, 3, 9, 16, 59, 59))
    assert not is_open(cal, berlin(2026, 3, 9, 17))
    assert not is_open(cal, berlin(2026, 3, 9, 8, 59))
    assert not is_open(cal, berlin(2026, 3, 7, 12))  # Saturday
    assert is_open(cal, datetime(2026, 3, 9, 8, 30, tzinfo=UTC))  # 09:30 in Berlin


def test_bavaria_only_holiday():
    bavaria, berlin_state = calendar("DE-BY"), calendar("DE-BE")
    epiphany = date(2026, 1, 6)
    assert is_holiday(bavaria, epiphany) == "Heilige Drei Könige"
    assert is_holiday(berlin_state, epiphany) is None
    assert is_holiday(calendar("DE"), epiphany) is None

    start, two_hours = berlin(2026, 1, 5, 16), timedelta(hours=2)
    assert add_business_time(bavaria, start, two_hours) == berlin(2026, 1, 7, 10)
    assert add_business_time(berlin_state, start, two_hours) == berlin(2026, 1, 6, 10)
    assert not is_open(bavaria, berlin(2026, 1, 6, 10))


def test_nationwide_holidays_apply_to_every_state():
    assert is_holiday(calendar("DE-BE"), date(2026, 10, 3)) == "Tag der Deutschen Einheit"
    assert is_holiday(calendar(""), date(2026, 10, 3)) is None


def test_austrian_holiday():
    immaculate_conception = date(2026, 12, 8)
    assert is_holiday(calendar("AT"), immaculate_conception) == "Mariä Empfängnis"
    assert is_holiday(calendar("AT-9"), immaculate_conception) == "Mariä Empfängnis"
    assert is_holiday(calendar("DE"), immaculate_conception) is None
    vienna = calendar("AT-9", tz="Europe/Vienna")
    start = datetime(2026, 12, 7, 16, tzinfo=ZoneInfo("Europe/Vienna"))
    assert add_business_time(vienna, start, timedelta(hours=2)) == datetime(
        2026, 12, 9, 10, tzinfo=ZoneInfo("Europe/Vienna")
    )


def test_swiss_cantonal_holidays():
    # holidays 0.109: Berchtoldstag is public in Bern, not Zurich; Labour Day the other way round.
    bern, zurich = calendar("CH-BE", tz="Europe/Zurich"), calendar("CH-ZH", tz="Europe/Zurich")
    assert is_holiday(bern, date(2026, 1, 2)) == "Berchtoldstag"
    assert is_holiday(zurich, date(2026, 1, 2)) is None
    assert is_holiday(zurich, date(2026, 5, 1)) == "Tag der Arbeit"
    assert is_holiday(bern, date(2026, 5, 1)) is None


def test_christmas_and_new_year_gap():
    cal = calendar("DE", closed={date(2026, 12, 24), date(2026, 12, 31)})
    two_hours = timedelta(hours=2)
    # Thu 24th closed by the shop, Fri 25th holiday, then the weekend.
    assert add_business_time(cal, berlin(2026, 12, 23, 16), two_hours) == berlin(2026, 12, 28, 10)
    # Thu 31st closed by the shop, Fri 1st holiday, then the weekend.
    assert add_business_time(cal, berlin(2026, 12, 30, 16), two_hours) == berlin(2027, 1, 4, 10)
    assert business_time_between(cal, berlin(2026, 12, 23, 9), berlin(2027, 1, 4, 9)) == timedelta(
        hours=8 * 4
    )


def test_lunch_break():
    hours = dict.fromkeys(range(5), [(time(13), time(17)), (time(9), time(12))])
    cal = calendar(hours=hours)
    assert add_business_time(cal, berlin(2026, 3, 9, 11), timedelta(hours=2)) == berlin(
        2026, 3, 9, 14
    )
    assert add_business_time(cal, berlin(2026, 3, 9, 11), timedelta(hours=1)) == berlin(
        2026, 3, 9, 12
    )
    assert not is_open(cal, berlin(2026, 3, 9, 12, 30))
    assert next_open(cal, berlin(2026, 3, 9, 12, 30)) == berlin(2026, 3, 9, 13)
    assert business_time_between(cal, berlin(2026, 3, 9), berlin(2026, 3, 10)) == timedelta(hours=7)
    assert list(open_intervals(cal, berlin(2026, 3, 9, 10), berlin(2026, 3, 9, 15))) == [
        (berlin(2026, 3, 9, 10), berlin(2026, 3, 9, 12)),
        (berlin(2026, 3, 9, 13), berlin(2026, 3, 9, 15)),
    ]


def test_business_time_between_across_weekend():
    cal = calendar()
    assert business_time_between(cal, berlin(2026, 3, 6, 15), berlin(2026, 3, 9, 11)) == timedelta(
        hours=4
    )
    assert business_time_between(cal, berlin(2026, 3, 6, 17), berlin(2026, 3, 9, 9)) == timedelta(0)


def test_business_time_between_is_zero_when_end_not_after_start():
    cal = calendar()
    assert business_time_between(cal, berlin(2026, 3, 9, 12), berlin(2026, 3, 9, 10)) == timedelta(
        0
    )
    assert business_time_between(cal, berlin(2026, 3, 9, 12), berlin(2026, 3, 9, 12)) == timedelta(
        0
    )


NIGHT_SHIFT = {6: [(time(1), time(4))]}  # Sundays 01:00–04:00, across the DST switch


def test_spring_forward_day_has_one_hour_less():
    cal = calendar("", hours=NIGHT_SHIFT)
    day = (berlin(2026, 3, 29), berlin(2026, 3, 30))
    assert business_time_between(cal, *day) == timedelta(hours=2)
    # 02:00–03:00 does not exist that night.
    assert add_business_time(cal, berlin(2026, 3, 29, 1), timedelta(minutes=90)) == berlin(
        2026, 3, 29, 3, 30
    )
    assert add_business_time(cal, berlin(2026, 3, 29, 1), timedelta(hours=2)) == berlin(
        2026, 3, 29, 4
    )
    assert add_business_time(cal, berlin(2026, 3, 29, 1), timedelta(hours=3)) == berlin(
        2026, 4, 5, 2
    )


def test_fall_back_day_has_one_hour_more():
    cal = calendar("", hours=NIGHT_SHIFT)
    day = (berlin(2026, 10, 25), berlin(2026, 10, 26))
    assert business_time_between(cal, *day) == timedelta(hours=4)
    first_half_past_two = add_business_time(cal, berlin(2026, 10, 25, 1), timedelta(minutes=90))
    second_half_past_two = add_business_time(cal, berlin(2026, 10, 25, 1), timedelta(minutes=150))
    # Compared in UTC: == across zones is always False for times in the fold (PEP 495).
    assert first_half_past_two.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert second_half_past_two.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert (first_half_past_two.hour, first_half_past_two.fold) == (2, 0)
    assert (second_half_past_two.hour, second_half_past_two.fold) == (2, 1)
    assert add_business_time(cal, berlin(2026, 10, 25, 1), timedelta(hours=4)) == berlin(
        2026, 10, 25, 4
    )
    assert is_open(cal, second_half_past_two)


def test_open_until_midnight():
    cal = calendar("", hours={5: [(time(20), time(0))]})
    assert is_open(cal, berlin(2026, 3, 7, 23, 59))
    assert not is_open(cal, berlin(2026, 3, 8, 0, 0))
    assert add_business_time(cal, berlin(2026, 3, 7, 23), timedelta(hours=1)) == berlin(2026, 3, 8)
    assert describe_hours(cal, "de") == ["Sa 20:00–24:00"]


INVERSE_CASES = [
    (berlin(2026, 3, 9, 10), timedelta(0)),
    (berlin(2026, 3, 9, 10), timedelta(minutes=1)),
    (berlin(2026, 3, 6, 16, 30), timedelta(hours=8)),
    (berlin(2026, 3, 7, 12), timedelta(hours=40)),
    (berlin(2026, 3, 27, 15, 59, 59, 500), timedelta(hours=123, minutes=17, seconds=3)),
    (berlin(2026, 12, 22, 11), timedelta(hours=3000)),
]


@pytest.mark.parametrize(("start", "duration"), INVERSE_CASES)
@pytest.mark.parametrize("region", ["DE-BY", "AT", "CH-ZH", ""])
def test_business_time_between_inverts_add_business_time(start, duration, region):
    hours = {
        **WEEKDAYS,
        0: [(time(8), time(12)), (time(12, 30), time(18))],
        6: [(time(1), time(4))],
    }
    cal = calendar(region, hours=hours, closed={date(2026, 12, 24)})
    end = add_business_time(cal, start, duration)
    assert business_time_between(cal, start, end) == duration


def test_open_intervals_clips_to_range_and_skips_closed_days():
    cal = calendar("DE", closed={date(2026, 3, 10)})
    intervals = list(open_intervals(cal, berlin(2026, 3, 9, 12), berlin(2026, 3, 11, 10)))
    assert intervals == [
        (berlin(2026, 3, 9, 12), berlin(2026, 3, 9, 17)),
        (berlin(2026, 3, 11, 9), berlin(2026, 3, 11, 10)),
    ]
    assert all(lo.tzinfo == BERLIN and hi.tzinfo == BERLIN for lo, hi in intervals)


@pytest.mark.parametrize(
    "call",
    [
        lambda cal, naive, aware: is_open(cal, naive),
        lambda cal, naive, aware: next_open(cal, naive),
        lambda cal, naive, aware: add_business_time(cal, naive, timedelta(hours=1)),
        lambda cal, naive, aware: business_time_between(cal, naive, aware),
        lambda cal, naive, aware: business_time_between(cal, aware, naive),
        lambda cal, naive, aware: open_intervals(cal, aware, naive),
    ],
)
def test_naive_datetime_is_rejected(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call(calendar(), datetime(2026, 3, 9, 10), berlin(2026, 3, 9, 10))


def test_negative_duration_is_rejected():
    with pytest.raises(ValueError, match="negative"):
        add_business_time(calendar(), berlin(2026, 3, 9, 10), timedelta(hours=-1))


@pytest.mark.parametrize("region", ["XX", "DE-XX", "DE-Bavaria", "CH-ZZ"])
def test_unknown_region_is_rejected(region):
    with pytest.raises(ValueError, match="Unknown holiday region"):
        calendar(region)


@pytest.mark.parametrize("tz", ["Europe/Nowhere", "", "../etc/passwd"])
def test_unknown_timezone_is_rejected(tz):
    with pytest.raises(ValueError, match="Unknown timezone"):
        calendar(tz=tz)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({0: [(time(17), time(9))]}, "ends before it starts"),
        ({0: [(time(9), time(9))]}, "ends before it starts"),
        ({0: [(time(9), time(13)), (time(12), time(17))]}, "overlaps"),
        ({0: [(time(20), time(0)), (time(21), time(22))]}, "overlaps"),
        ({7: NINE_TO_FIVE}, "Weekday"),
    ],
)
def test_invalid_hours_are_rejected(hours, message):
    with pytest.raises(ValueError, match=message):
        calendar(hours=hours)


def test_calendar_without_hours_never_opens():
    cal = calendar(hours={})
    start = berlin(2026, 3, 9, 10)
    assert not is_open(cal, start)
    assert business_time_between(cal, start, start + timedelta(days=30)) == timedelta(0)
    with pytest.raises(ValueError, match="no open hours"):
        next_open(cal, start)
    with pytest.raises(ValueError, match="no open hours"):
        add_business_time(cal, start, timedelta(hours=1))


def test_default_spec_round_trip():
    cal = BusinessCalendar.from_spec(DEFAULT_SPEC)
    assert cal == calendar("DE")
    assert cal.to_spec() == DEFAULT_SPEC


def test_spec_round_trip():
    spec = {
        "timezone": "Europe/Vienna",
        "region": "AT-9",
        "hours": {
            "mon": [["08:00", "12:00"], ["12:30", "18:00"]],
            "fri": [["08:00", "14:00"]],
            "sat": [["18:00", "24:00"]],
        },
        "closed_days": ["2026-12-24", "2026-12-31"],
    }
    cal = BusinessCalendar.from_spec(spec)
    assert cal.weekly_hours[5] == [(time(18), time(0))]
    assert cal.extra_closed_days == {date(2026, 12, 24), date(2026, 12, 31)}
    assert cal.to_spec() == spec
    assert BusinessCalendar.from_spec(cal.to_spec()) == cal
    assert hash(BusinessCalendar.from_spec(spec)) == hash(cal)


def test_spec_with_unknown_weekday_is_rejected():
    with pytest.raises(ValueError, match="Unknown weekday"):
        BusinessCalendar.from_spec({**DEFAULT_SPEC, "hours": {"montag": [["09:00", "17:00"]]}})


def test_describe_hours():
    hours = {
        **dict.fromkeys(range(5), [(time(9), time(12)), (time(13), time(17))]),
        2: [(time(9), time(12))],
        5: [(time(10), time(14))],
    }
    cal = calendar(hours=hours)
    assert describe_hours(cal, "de") == [
        "Mo–Di 09:00–12:00, 13:00–17:00",
        "Mi 09:00–12:00",
        "Do–Fr 09:00–12:00, 13:00–17:00",
        "Sa 10:00–14:00",
    ]
    assert describe_hours(cal, "en") == [
        "Mon–Tue 09:00–12:00, 13:00–17:00",
        "Wed 09:00–12:00",
        "Thu–Fri 09:00–12:00, 13:00–17:00",
        "Sat 10:00–14:00",
    ]


def test_describe_default_hours():
    cal = BusinessCalendar.from_spec(DEFAULT_SPEC)
    assert describe_hours(cal, "de") == ["Mo–Fr 09:00–17:00"]
    assert describe_hours(cal, "de-AT") == ["Mo–Fr 09:00–17:00"]
    assert describe_hours(cal, "en") == ["Mon–Fri 09:00–17:00"]
    assert describe_hours(calendar(hours={}), "de") == []
