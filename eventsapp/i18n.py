"""Bilingual content and local times, in the language of the current request or e-mail.

The language itself is chosen by the web layer (web/locale.py) or by `force_locale` when a worker
renders an e-mail; this module only reads it, so models and services may use it.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask_babel import get_locale

from .languages import DEFAULT_LANGUAGE, pick_language
from .timezones import zone_label


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def bilingual(field: str) -> property:
    """A read-only attribute that shows `<field>_zh` or `<field>_en` in the current language."""

    def getter(self) -> str:
        return pick_language(getattr(self, f"{field}_zh"), getattr(self, f"{field}_en"), current_language())

    return property(getter, doc=f"{field} in the current language, falling back to the other")


def format_local_date(moment: datetime, tz_name: str, fmt: str = "full") -> str:
    return format_date(moment.astimezone(ZoneInfo(tz_name)).date(), fmt, locale=get_locale())


def format_local_time(moment: datetime, tz_name: str) -> str:
    return format_time(moment.astimezone(ZoneInfo(tz_name)), "HH:mm", locale=get_locale())


def format_local_span(starts_at: datetime, ends_at: datetime, tz_name: str) -> str:
    """'Thursday, 3 December 2026 14:00–17:30 (Asia/Shanghai, UTC+8)', one date when same-day."""
    start_day = format_local_date(starts_at, tz_name)
    end_day = format_local_date(ends_at, tz_name)
    span = f"{start_day} {format_local_time(starts_at, tz_name)}–"
    if end_day != start_day:
        span += f"{end_day} "
    return f"{span}{format_local_time(ends_at, tz_name)} ({zone_label(starts_at, tz_name)})"


def format_local_moment(moment: datetime, tz_name: str, fmt: str = "medium") -> str:
    """'Dec 5, 2026 18:00 (Asia/Shanghai, UTC+8)': one instant, always with its zone (SPEC 1)."""
    day, time = format_local_date(moment, tz_name, fmt), format_local_time(moment, tz_name)
    return f"{day} {time} ({zone_label(moment, tz_name)})"
