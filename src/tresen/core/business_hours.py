"""Business-time arithmetic for SLAs, autoresponders and KPIs.

Pure functions on a `BusinessCalendar`, free of Django and the rest of Tresen so the
same rules apply in requests, background tasks and reports, and stay cheap to test.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

Interval = tuple[time, time]

# As an interval end, midnight means the end of the day, so a day can be open until 24:00.
MIDNIGHT = time(0, 0)
# A calendar closed this long is treated as never opening, so searches terminate.
MAX_CLOSED_SPAN = timedelta(days=3 * 366)

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_ONE_MICROSECOND = timedelta(microseconds=1)

DEFAULT_SPEC: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "region": "DE",
    "hours": {day: [["09:00", "17:00"]] for day in WEEKDAY_KEYS[:5]},
    "closed_days": [],
}


@dataclass(frozen=True)
class BusinessCalendar:
    """When a shop's support is staffed; hours are local wall-clock times in `timezone`."""

    timezone: str
    # Excluded from the hash because dicts are unhashable; equality still compares it.
    weekly_hours: dict[int, list[Interval]] = field(hash=False)
    holiday_region: str = ""
    extra_closed_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"Unknown timezone {self.timezone!r}") from None
        _validate_region(self.holiday_region)
        # Copies, so later changes to the caller's objects cannot alter a frozen calendar.
        object.__setattr__(self, "weekly_hours", _normalize_hours(self.weekly_hours))
        object.__setattr__(self, "extra_closed_days", frozenset(self.extra_closed_days))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> BusinessCalendar:
        """Build a calendar from its JSON form (see `DEFAULT_SPEC`)."""
        hours: dict[int, list[Interval]] = {}
        for key, intervals in spec.get("hours", {}).items():
            if key not in WEEKDAY_KEYS:
                raise ValueError(f"Unknown weekday {key!r}, expected one of {WEEKDAY_KEYS}")
            hours[WEEKDAY_KEYS.index(key)] = [
                (_parse_time(opens), _parse_time(closes)) for opens, closes in intervals
            ]
        return cls(
            timezone=spec.get("timezone", ""),
            weekly_hours=hours,
            holiday_region=spec.get("region", ""),
            extra_closed_days=frozenset(
                date.fromisoformat(day) for day in spec.get("closed_days", ())
            ),
        )

    def to_spec(self) -> dict[str, Any]:
        """The JSON form read by `from_spec`."""
        return {
            "timezone": self.timezone,
            "region": self.holiday_region,
            "hours": {
                WEEKDAY_KEYS[weekday]: [
                    [_format_time(opens), _format_time(closes, is_end=True)]
                    for opens, closes in intervals
                ]
                for weekday, intervals in self.weekly_hours.items()
            },
            "closed_days": sorted(day.isoformat() for day in self.extra_closed_days),
        }


def is_holiday(cal: BusinessCalendar, day: date) -> str | None:
    """The public holiday's name (German) on `day` in the calendar's region, else None."""
    if not cal.holiday_region:
        return None
    country, _, subdiv = cal.holiday_region.partition("-")
    return _holiday_names(country, subdiv, day.year).get(day)


def is_open(cal: BusinessCalendar, instant: datetime) -> bool:
    """Whether support is staffed at `instant`, e.g. to pick the out-of-hours autoresponder."""
    start = _to_utc(instant, "instant")
    return any(_utc_intervals(cal, start, start + _ONE_MICROSECOND))


def next_open(cal: BusinessCalendar, instant: datetime) -> datetime:
    """`instant` itself if open, else when the calendar opens next."""
    opens, _ = next(_utc_intervals(cal, _to_utc(instant, "instant"), None))
    return opens.astimezone(cal.tz)


def add_business_time(cal: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """When `duration` of open time has passed after `start`, e.g. an SLA deadline.

    A duration that exactly fills the day ends at closing time, not at the next opening.
    """
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, got {duration}")
    intervals = _utc_intervals(cal, _to_utc(start, "start"), None)
    opens, closes = next(intervals)
    remaining = duration
    while remaining > closes - opens:
        remaining -= closes - opens
        opens, closes = next(intervals)
    return (opens + remaining).astimezone(cal.tz)


def business_time_between(cal: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Open time within [start, end); zero if end <= start."""
    intervals = _utc_intervals(cal, _to_utc(start, "start"), _to_utc(end, "end"))
    return sum((closes - opens for opens, closes in intervals), timedelta(0))


def open_intervals(
    cal: BusinessCalendar, start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """The open intervals clipped to [start, end), in the calendar's timezone.

    Intervals are yielded per configured opening, so touching ones are not merged.
    """
    tz = cal.tz
    intervals = _utc_intervals(cal, _to_utc(start, "start"), _to_utc(end, "end"))
    return ((opens.astimezone(tz), closes.astimezone(tz)) for opens, closes in intervals)


def describe_hours(cal: BusinessCalendar, language: str) -> list[str]:
    """Lines like "Mo–Fr 09:00–17:00" for customer-facing texts; German or else English."""
    names = _DAY_NAMES["de" if language.lower().startswith("de") else "en"]
    lines = []
    for intervals, group in groupby(range(7), key=lambda wd: cal.weekly_hours.get(wd, [])):
        if not intervals:
            continue
        weekdays = list(group)
        label = names[weekdays[0]]
        if len(weekdays) > 1:
            label += f"–{names[weekdays[-1]]}"
        spans = ", ".join(
            f"{_format_time(opens)}–{_format_time(closes, is_end=True)}"
            for opens, closes in intervals
        )
        lines.append(f"{label} {spans}")
    return lines


def _utc_intervals(
    cal: BusinessCalendar, start: datetime, end: datetime | None
) -> Iterator[tuple[datetime, datetime]]:
    """Open intervals clipped to [start, end) as UTC pairs; unbounded if `end` is None.

    UTC because aware datetimes sharing a tzinfo subtract as wall time, wrong across DST.
    """
    tz = cal.tz
    day = start.astimezone(tz).date()
    last_day = None if end is None else end.astimezone(tz).date()
    last_open_day = day
    while last_day is None or day <= last_day:
        intervals = _day_intervals(cal, day)
        if intervals:
            last_open_day = day
        elif end is None and day - last_open_day > MAX_CLOSED_SPAN:
            raise ValueError(f"Calendar has no open hours within {MAX_CLOSED_SPAN.days} days")
        for opens, closes in intervals:
            opens = max(opens, start)
            closes = closes if end is None else min(closes, end)
            if opens < closes:
                yield opens, closes
        day += timedelta(days=1)


def _day_intervals(cal: BusinessCalendar, day: date) -> list[tuple[datetime, datetime]]:
    hours = cal.weekly_hours.get(day.weekday())
    if not hours or day in cal.extra_closed_days or is_holiday(cal, day):
        return []
    next_day = day + timedelta(days=1)
    return [
        (_utc(day, opens, cal.tz), _utc(next_day if closes == MIDNIGHT else day, closes, cal.tz))
        for opens, closes in hours
    ]


def _utc(day: date, wall: time, tz: ZoneInfo) -> datetime:
    # fold=0: a wall time skipped by spring-forward is shifted forward by the gap,
    # one repeated by fall-back means its first occurrence.
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def _to_utc(instant: datetime, name: str) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {instant!r}")
    return instant.astimezone(UTC)


@lru_cache(maxsize=256)
def _holiday_names(country: str, subdiv: str, year: int) -> dict[date, str]:
    # Explicit language: the default depends on the process locale.
    return dict(
        holidays.country_holidays(country, subdiv=subdiv or None, years=year, language="de")
    )


def _validate_region(region: str) -> None:
    if not region:
        return
    country, _, subdiv = region.partition("-")
    try:
        holidays.country_holidays(country, subdiv=subdiv or None)
    except NotImplementedError as exc:
        raise ValueError(f"Unknown holiday region {region!r}: {exc}") from None


def _normalize_hours(weekly_hours: Mapping[int, Any]) -> dict[int, list[Interval]]:
    normalized = {}
    for weekday, intervals in sorted(weekly_hours.items()):
        if weekday not in range(7):
            raise ValueError(f"Weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
        ordered = sorted((tuple(interval) for interval in intervals), key=lambda iv: iv[0])
        for opens, closes in ordered:
            if closes != MIDNIGHT and closes <= opens:
                raise ValueError(
                    f"{WEEKDAY_KEYS[weekday]}: interval {opens}–{closes} ends before it starts"
                )
        for (_, prev_closes), (opens, _) in zip(ordered, ordered[1:], strict=False):
            if prev_closes == MIDNIGHT or opens < prev_closes:
                raise ValueError(
                    f"{WEEKDAY_KEYS[weekday]}: interval starting {opens} overlaps the previous one"
                )
        if ordered:
            normalized[weekday] = ordered
    return normalized


def _parse_time(text: str) -> time:
    return MIDNIGHT if text == "24:00" else time.fromisoformat(text)


def _format_time(wall: time, *, is_end: bool = False) -> str:
    if is_end and wall == MIDNIGHT:
        return "24:00"
    return wall.isoformat(timespec="minutes" if not (wall.second or wall.microsecond) else "auto")
