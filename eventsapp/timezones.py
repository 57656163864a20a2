"""Time zones: the default, the names offered in forms, and converting between what people type
(local wall-clock time at the venue) and stored UTC instants. Pure functions."""
from datetime import UTC, datetime
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
    """A naive local time at the venue to an aware UTC instant."""
    return wall_clock.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def utc_to_local(moment: datetime, tz_name: str) -> datetime:
    """An instant to naive wall-clock time at the venue, as forms show it."""
    return moment.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)


def zone_label(moment: datetime, tz_name: str) -> str:
    """'Asia/Shanghai, UTC+8' — the IANA name plus the offset at that moment."""
    offset = moment.astimezone(ZoneInfo(tz_name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{tz_name}, UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
