"""What attendees are told when an organizer changes an event or an agenda item: "was → now".

A change is two snapshots of the facts an attendee relies on (time, place, title), taken before and
after the save. The catalogue sends it with its signals (signals.py); registration words it in each
person's language (registration/notifications.py), and the back office shows it before saving.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..i18n import format_local_span
from ..languages import pick_language
from .models import Event, EventSession, Venue


class Aspect(enum.StrEnum):
    """What changed, in the order a message lists it."""

    TITLE = "title"
    TIME = "time"
    PLACE = "place"  # the venue of an event, the room of a talk


@dataclass(frozen=True)
class EventFacts:
    title_zh: str
    title_en: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue_zh: str  # "<name>, <address>"
    venue_en: str

    @classmethod
    def of(cls, event: Event) -> EventFacts:
        venue = event.venue
        return cls(title_zh=event.title_zh, title_en=event.title_en, starts_at=event.starts_at,
                   ends_at=event.ends_at, timezone=event.timezone,
                   venue_zh=_place(venue, "zh"), venue_en=_place(venue, "en"))


@dataclass(frozen=True)
class TalkFacts:
    title_zh: str
    title_en: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    room_zh: str
    room_en: str

    @classmethod
    def of(cls, talk: EventSession, timezone: str) -> TalkFacts:
        room = talk.room
        return cls(title_zh=talk.title_zh, title_en=talk.title_en, starts_at=talk.starts_at, ends_at=talk.ends_at,
                   timezone=timezone, room_zh=pick_language(room.name_zh, room.name_en, "zh") if room else "",
                   room_en=pick_language(room.name_zh, room.name_en, "en") if room else "")


# How a message or page names each aspect, for an event and for an agenda item.
EVENT_ASPECT_LABELS = {Aspect.TITLE: _l("Title"), Aspect.TIME: _l("Date and time"), Aspect.PLACE: _l("Venue")}
TALK_ASPECT_LABELS = {Aspect.TITLE: _l("Title"), Aspect.TIME: _l("Time"), Aspect.PLACE: _l("Room")}

# The facts that make up each aspect (the field names of EventFacts and TalkFacts).
ASPECT_FIELDS = {
    Aspect.TITLE: ("title_zh", "title_en"),
    Aspect.TIME: ("starts_at", "ends_at", "timezone"),
    Aspect.PLACE: ("venue_zh", "venue_en", "room_zh", "room_en"),
}


@dataclass(frozen=True)
class Change:
    """Before and after of one event (EventFacts) or one talk (TalkFacts)."""

    before: EventFacts | TalkFacts
    after: EventFacts | TalkFacts

    @property
    def aspects(self) -> tuple[Aspect, ...]:
        names = {f.name for f in fields(self.before)}
        return tuple(aspect for aspect, facts in ASPECT_FIELDS.items()
                     if any(getattr(self.before, name) != getattr(self.after, name) for name in facts if name in names))

    def lines(self, lang: str) -> list[tuple[str, str, str]]:
        """(label, was, now) for each aspect that a reader of `lang` sees change (a Chinese title
        corrected is no news in English): call it under force_locale(lang). Empty when nothing
        visible changed. For an agenda item the first line names it (its title, unless that changed)."""
        talk = isinstance(self.after, TalkFacts)
        labels = TALK_ASPECT_LABELS if talk else EVENT_ASPECT_LABELS
        lines = [(str(labels[aspect]), describe(self.before, aspect, lang), describe(self.after, aspect, lang))
                 for aspect in self.aspects]
        lines = [(label, was, now) for label, was, now in lines if was != now]
        if talk and lines and Aspect.TITLE not in self.aspects:
            title = describe(self.after, Aspect.TITLE, lang)
            lines.insert(0, (str(_l("Agenda item")), title, title))
        return lines

    def lines_in_both_languages(self) -> list[tuple[str, str, str]]:
        """What an organizer checks: the changes readers of either language see, each once."""
        return list(dict.fromkeys([*self.lines("zh"), *self.lines("en")]))


def describe(facts: EventFacts | TalkFacts, aspect: Aspect, lang: str) -> str:
    """One aspect as a person reads it, e.g. 'Thursday, 3 December 2026 14:00–17:30 (Asia/Shanghai, UTC+8)'.
    Times are formatted in the current locale: call it under force_locale(lang)."""
    if aspect == Aspect.TITLE:
        return pick_language(facts.title_zh, facts.title_en, lang)
    if aspect == Aspect.TIME:
        return format_local_span(facts.starts_at, facts.ends_at, facts.timezone)
    if isinstance(facts, EventFacts):
        return pick_language(facts.venue_zh, facts.venue_en, lang)
    return pick_language(facts.room_zh, facts.room_en, lang) or "—"


def _place(venue: Venue, lang: str) -> str:
    name = pick_language(venue.name_zh, venue.name_en, lang)
    address = pick_language(venue.address_zh, venue.address_en, lang)
    return ", ".join(part for part in (name, address) if part)
