"""VTIMEZONE components: a zone's UTC offsets over a span of years, as calendar clients read them.

Outlook keeps one yearly rule per zone, built from the RRULE of one STANDARD and one DAYLIGHT
observance (MS-OXCICAL 2.1.3.1.1.19: YEARLY, a single nth or last weekday, the wall-clock time of
DTSTART; among several STANDARD blocks it reads only the latest). So a zone whose changes follow
one such rule through every year of the span gets exactly that: DTSTART is the first onset in the
span, written in the wall-clock time before the change (RFC 5545 3.6.5), and the RRULE has no
UNTIL, as tzdata carries today's rule forward too. Any other zone (no daylight-saving time, like
Shanghai, or rules that moved or do not fit one weekday, like Santiago or Casablanca) is written
onset by onset with RDATEs. The changes are found here, with zoneinfo, rather than by icalendar's
Timezone.from_tzid, which leaves some out (Casablanca's Ramadan of 2024 and 2027, for one). Both
forms are pure functions of the zone's tzdata, so the bytes, and the feeds' ETags, only change
when the rules do.
"""
from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # datetime.weekday() order
LAST = -1  # BYDAY=-1SU: the last Sunday of the month


class Onset(NamedTuple):
    """One change of a zone's offset or abbreviation: the wall-clock time before it, and what follows."""
    local: datetime  # naive, in offset_from, as RFC 5545 writes an observance's DTSTART and RDATE
    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_dst: bool  # tzdata's flag for the time after it (Casablanca's Ramadan hour back is one)

    @property
    def kind(self) -> str:
        """For a yearly rule: moving the clocks forward starts DAYLIGHT, as clients expect (Dublin's
        summer too, which tzdata calls standard time)."""
        return "DAYLIGHT" if self.offset_to > self.offset_from else "STANDARD"

    def ordinals(self) -> set[int]:
        """How BYDAY can name this day: its nth weekday (1 to 4) and/or LAST when in the final week."""
        day, days_in_month = self.local.day, calendar.monthrange(self.local.year, self.local.month)[1]
        found = {(day - 1) // 7 + 1} if day <= 28 else set()
        return found | ({LAST} if day > days_in_month - 7 else set())

    def shape(self) -> tuple:
        """What must be the same every year for one RRULE to describe it."""
        return (self.local.month, self.local.weekday(), self.local.time(), self.offset_from, self.offset_to,
                self.name)


@lru_cache(maxsize=256)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for the changes from 1 January `first_year` to 1 January `last_year`.

    Building it walks years of transitions (most of an e-mail's build time), so it is built once per
    zone and span and shared; nothing changes it after this."""
    onsets = offset_changes(tzid, first_year, last_year)
    return (yearly_rule_vtimezone(tzid, onsets, range(first_year, last_year))
            or rdate_vtimezone(tzid, onsets, first_year))


def offset_changes(tzid: str, first_year: int, last_year: int) -> list[Onset]:
    """Every change of offset or abbreviation in the span: day by day, then bisected to the second."""
    zone = ZoneInfo(tzid)

    def state(seconds: int) -> tuple:
        local = datetime.fromtimestamp(seconds, UTC).astimezone(zone)
        return local.utcoffset(), local.tzname(), bool(local.dst())

    start, end = (int(datetime(year, 1, 1, tzinfo=UTC).timestamp()) for year in (first_year, last_year))
    onsets, day = [], 86_400
    for low in range(start, end, day):
        high = min(low + day, end)
        before, after = state(low), state(high)
        if before[:2] == after[:2]:
            continue
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if state(middle)[:2] == before[:2] else (low, middle)
        after = state(high)
        local = (datetime.fromtimestamp(high, UTC) + before[0]).replace(tzinfo=None)
        onsets.append(Onset(local, before[0], after[0], after[1], after[2]))
    return onsets


def yearly_rule_vtimezone(tzid: str, onsets: list[Onset], years: range) -> Timezone | None:
    """One STANDARD and one DAYLIGHT with a yearly RRULE, or None when the onsets do not follow one."""
    if len(onsets) != 2 * len(years):  # not one change each way every year (or a new abbreviation alone)
        return None
    timezone = Timezone()
    timezone.add("TZID", tzid)
    for kind in ("STANDARD", "DAYLIGHT"):
        of_kind = [onset for onset in onsets if onset.kind == kind]
        if sorted(onset.local.year for onset in of_kind) != list(years) or len({o.shape() for o in of_kind}) != 1:
            return None
        ordinals = set.intersection(*(onset.ordinals() for onset in of_kind))
        if not ordinals:
            return None
        first = of_kind[0]
        ordinal = LAST if LAST in ordinals else min(ordinals)
        rule = {"FREQ": "YEARLY", "BYMONTH": first.local.month, "BYDAY": f"{ordinal}{WEEKDAYS[first.local.weekday()]}"}
        timezone.add_component(_observance(kind == "DAYLIGHT", [first.local], first.offset_from, first.offset_to,
                                           first.name, rule=rule))
    return timezone


def rdate_vtimezone(tzid: str, onsets: list[Onset], first_year: int) -> Timezone:
    """The time at the start of the span, then one observance per kind of change with an RDATE per onset.

    One RDATE line per onset: ical.js and vobject read only the first value of a multi-valued RDATE
    (summer times then come out an hour off). DTSTART is repeated as an RDATE: ical.js skips DTSTART
    once an RDATE is present. STANDARD or DAYLIGHT follows tzdata's flag here."""
    start = datetime(first_year, 1, 1)
    local = start.replace(tzinfo=ZoneInfo(tzid))
    offset = local.utcoffset() or timedelta(0)
    timezone = Timezone()
    timezone.add("TZID", tzid)
    timezone.add_component(_observance(bool(local.dst()), [start], offset, offset, local.tzname() or tzid))
    groups: dict[tuple, list[datetime]] = {}
    for onset in onsets:
        groups.setdefault((onset.is_dst, onset.offset_from, onset.offset_to, onset.name), []).append(onset.local)
    for (is_dst, offset_from, offset_to, name), starts in groups.items():
        timezone.add_component(_observance(is_dst, starts, offset_from, offset_to, name, rdates=True))
    return timezone


def _observance(is_dst: bool, starts: list[datetime], offset_from: timedelta, offset_to: timedelta, name: str,
                *, rdates: bool = False, rule: dict | None = None) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if is_dst else TimezoneStandard()
    observance.add("DTSTART", starts[0])
    if rule is not None:
        observance.add("RRULE", rule)
    for moment in starts if rdates else ():
        observance.add("RDATE", moment)
    observance.add("TZNAME", name)
    observance.add("TZOFFSETFROM", offset_from)
    observance.add("TZOFFSETTO", offset_to)
    return observance
