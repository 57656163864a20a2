"""Language choice, bilingual content fields and local-time formatting."""
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale

LANGUAGE_NAMES = {"zh": "简体中文", "en": "English"}


def select_locale() -> str:
    """?lang= wins and is remembered; then the remembered choice; then Accept-Language."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang", "").strip().lower()
    if asked in supported:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in supported:
        return remembered
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "zh"


def pick_language(zh: str | None, en: str | None, lang: str) -> str:
    """The text in `lang`, falling back to the other language when that one is empty."""
    first, second = (zh, en) if lang == "zh" else (en, zh)
    return first or second or ""


def bilingual(field: str) -> property:
    """A read-only attribute that shows `<field>_zh` or `<field>_en` in the current language."""

    def getter(self) -> str:
        return pick_language(getattr(self, f"{field}_zh"), getattr(self, f"{field}_en"), current_language())

    return property(getter, doc=f"{field} in the current language, falling back to the other")


def zone_label(moment: datetime, tz_name: str) -> str:
    """'Asia/Shanghai, UTC+8' — the IANA name plus the offset at that moment."""
    offset = moment.astimezone(ZoneInfo(tz_name)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{tz_name}, UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


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


def ordinal(number: int, lang: str) -> str:
    """'1st', '2nd', '23rd' in English; a bare number in Chinese, where the message adds 第…场."""
    if lang == "zh":
        return str(number)
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
