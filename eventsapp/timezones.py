"""Time zones: the default, the names offered in forms, and converting between what people type
(local wall-clock time at the venue) and stored UTC instants. Pure functions."""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

# Where a city campaign's events happen unless a venue says otherwise (the DEFAULT_TIMEZONE setting).
DEFAULT_TIMEZONE = "Asia/Shanghai"


@cache
def timezone_names() -> tuple[str, ...]:
    """IANA zone names offered in forms, most likely first for a Chinese city campaign."""
    common = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Tokyo", "Asia/Singapore",
              "Europe/Berlin", "Europe/London", "America/New_York", "UTC")
    rest = sorted(name for name in available_timezones() if "/" in name and name not in common
                  and not name.startswith(("Etc/", "SystemV/", "posix/", "right/")))
    return common + tuple(rest)


def is_known_timezone(name: str) -> bool:
    return name in timezone_names()


def local_to_utc(wall_clock: datetime, tz_name: str) -> datetime:
    """A naive local time at the venue to an aware UTC instant. Its `fold` picks the first (0) or the
    second (1) of a time that happens twice; check_local_time tells whether the time exists at all."""
    return wall_clock.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def utc_to_local(moment: datetime, tz_name: str) -> datetime:
    """An instant to naive wall-clock time at the venue, as forms show it. In the hour that happens
    twice, `fold` is 1 for the second time round, so local_to_utc gives the same instant back."""
    return moment.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)


class LocalTime(StrEnum):
    """How many instants a wall-clock time names in a zone."""

    UNIQUE = "unique"  # one: the usual case
    NONEXISTENT = "nonexistent"  # none: the clocks jump over it (spring forward)
    AMBIGUOUS = "ambiguous"  # two: the clocks go back and it happens twice (autumn)


@dataclass(frozen=True)
class LocalTimeCheck:
    kind: LocalTime
    # UTC offsets before and after the clock change, with whether each is summer time (daylight saving
    # time). For an ambiguous time: of its first and its second occurrence. Twice the same when unique.
    offsets: tuple[timedelta, timedelta]
    summer_time: tuple[bool, bool]
    # The wall-clock times the clocks change from and to: (02:00, 03:00) for a jump forward, (03:00,
    # 02:00) for a step back; None when the time is unique.
    clocks_change: tuple[datetime, datetime] | None = None


def check_local_time(wall_clock: datetime, tz_name: str) -> LocalTimeCheck:
    """Whether a naive wall-clock time exists once, never or twice in the zone, and the offsets."""
    zone = ZoneInfo(tz_name)
    first, second = (wall_clock.replace(tzinfo=zone, fold=fold) for fold in (0, 1))
    offsets = (_offset(first), _offset(second))
    summer_time = (bool(first.dst()), bool(second.dst()))
    if offsets[0] == offsets[1]:
        return LocalTimeCheck(LocalTime.UNIQUE, offsets, summer_time)
    exists = utc_to_local(first.astimezone(UTC), tz_name) == wall_clock.replace(fold=0)
    change = _clock_change(wall_clock.replace(fold=0), offsets, zone)
    return LocalTimeCheck(LocalTime.AMBIGUOUS if exists else LocalTime.NONEXISTENT, offsets, summer_time, change)


def _offset(moment: datetime) -> timedelta:
    return moment.utcoffset() or timedelta(0)


def _clock_change(wall_clock: datetime, offsets: tuple[timedelta, timedelta],
                  zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The wall-clock times of the change near `wall_clock`: zoneinfo reads fold 0 with the offset
    before it and fold 1 with the one after, so the change lies between the two readings' instants."""
    before, after = sorted(wall_clock - offset for offset in offsets)  # naive UTC
    while after - before > timedelta(seconds=1):  # bisect to the first second with the new offset
        middle = before + (after - before) / 2
        if _offset(middle.replace(tzinfo=UTC).astimezone(zone)) == offsets[1]:
            after = middle
        else:
            before = middle
    change = after.replace(microsecond=0)
    return change + offsets[0], change + offsets[1]


def offset_label(offset: timedelta) -> str:
    """'UTC+8', 'UTC-3:30'."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(moment: datetime, tz_name: str) -> str:
    """'Asia/Shanghai, UTC+8' — the IANA name plus the offset at that moment."""
    return f"{tz_name}, {offset_label(_offset(moment.astimezone(ZoneInfo(tz_name))))}"


def offset_changes(tz_name: str, start: datetime, end: datetime) -> list[tuple[datetime, timedelta]]:
    """The zone's UTC offset at `start` and each change of it up to `end`: [(since, offset), ...], the first
    `since` being `start`; each later one exact to the second. Changes less than a day apart (none in the
    tz database since 1945) would be seen as one."""
    zone = ZoneInfo(tz_name)
    periods = [(start, _offset(start.astimezone(zone)))]
    day, moment = timedelta(days=1), start
    while moment < end:
        following = min(moment + day, end)
        if _offset(following.astimezone(zone)) != periods[-1][1]:
            before, after = moment, following
            while after - before > timedelta(seconds=1):  # bisect to the first second of the new offset
                middle = before + (after - before) / 2
                if _offset(middle.astimezone(zone)) == periods[-1][1]:
                    before = middle
                else:
                    after = middle
            change = before.replace(microsecond=0) + timedelta(seconds=1)  # the whole second after `before`
            periods.append((change, _offset(change.astimezone(zone))))
        moment = following
    return periods
