"""Finding events: what a visitor filters by (campaign, district, month, words), as plain values,
and the choices a list of events offers. Plain values, no queries: queries.py turns a filter into SQL.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from babel.dates import format_skeleton
from flask_babel import get_locale

from ..i18n import bilingual
from ..timezones import local_to_utc, utc_to_local

if TYPE_CHECKING:
    from .models import Event

MAX_SEARCH_TERMS = 5
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, read in each event's own time zone."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month | None:
        """'2026-07' → Month(2026, 7); anything else → None. Not the first or last year a date can have,
        where the next month or a zone's offset would fall outside the calendar."""
        match = _MONTH.fullmatch(text)
        if match is None:
            return None
        year, month = int(match[1]), int(match[2])
        return cls(year, month) if date.min.year < year < date.max.year and 1 <= month <= 12 else None

    @classmethod
    def of(cls, moment: datetime, tz_name: str) -> Month:
        local = utc_to_local(moment, tz_name)
        return cls(local.year, local.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def following(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def utc_bounds(self, tz_name: str) -> tuple[datetime, datetime]:
        """The instants the month starts and the next one starts, at wall-clock midnight in the zone."""
        start, end = (datetime.combine(month.first_day, datetime.min.time()) for month in (self, self.following()))
        return local_to_utc(start, tz_name), local_to_utc(end, tz_name)

    @property
    def label(self) -> str:
        """'2026年7月', 'July 2026': in the current language."""
        return format_skeleton("yMMMM", self.first_day, locale=get_locale())

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def district_key(district_zh: str, district_en: str) -> str:
    """One value per district whatever the visitor's language, so a shared link filters the same:
    the Chinese name, or the English one for a venue without it."""
    return district_zh.strip() or district_en.strip()


@dataclass(frozen=True)
class District:
    key: str
    name_zh: str
    name_en: str

    name = bilingual("name")


def search_words(text: str | None) -> str | None:
    """What was typed, as the search reads it: full-width letters and digits from a Chinese input method
    as their ASCII forms (ＡＢＣ → ABC), runs of spaces (also the ideographic space) as one."""
    return " ".join(unicodedata.normalize("NFKC", text).split()) if text else text


@dataclass(frozen=True)
class EventFilter:
    """What a visitor looks for; an empty field filters nothing. `search` is words, each of which must be
    in the title or a host's name, in either language."""

    campaign_id: int | None = None
    district: str = ""  # a district_key
    month: Month | None = None
    search: str = ""

    @property
    def search_terms(self) -> tuple[str, ...]:
        return tuple(self.search.split()[:MAX_SEARCH_TERMS])

    @property
    def is_empty(self) -> bool:
        return self.campaign_id is None and not self.district and self.month is None and not self.search_terms


@dataclass(frozen=True)
class FilterOptions:
    """What a list of events offers to filter by: its campaigns, districts and months, in order."""

    campaign_ids: frozenset[int]
    districts: tuple[District, ...]
    months: tuple[Month, ...]


# An event as the options see it: starts_at, timezone, campaign_id, venue district_zh, district_en.
FilterFacts = tuple[datetime, str, int, str, str]


def filter_options(facts: Iterable[FilterFacts]) -> FilterOptions:
    campaigns: set[int] = set()
    districts: dict[str, District] = {}
    months: set[Month] = set()
    for starts_at, tz_name, campaign_id, district_zh, district_en in facts:
        campaigns.add(campaign_id)
        months.add(Month.of(starts_at, tz_name))
        key = district_key(district_zh, district_en)
        if key:
            districts.setdefault(key, District(key, district_zh.strip(), district_en.strip()))
    return FilterOptions(frozenset(campaigns), tuple(districts[key] for key in sorted(districts)),
                         tuple(sorted(months)))


def facts_of(events: Iterable[Event]) -> list[FilterFacts]:
    """Events with their venue loaded, as filter_options reads them."""
    return [(event.starts_at, event.timezone, event.campaign_id, event.venue.district_zh, event.venue.district_en)
            for event in events]
