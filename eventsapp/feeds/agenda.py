"""An event's agenda as a calendar feed: one VEVENT per session (/feeds/events/<id>/agenda.ics).

The public feeds carry one VEVENT per event (what most people want for a one-day event with eight
talks); this feed is for those who want each talk in their calendar. Built with the same rules as
feeds/ical.py, from whose helpers it borrows.
"""
from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as VEvent
from icalendar.enums import CLASS, STATUS, TRANSP

from ..languages import pick_language
from .ical import (
    CANCELLED_PREFIX,
    FEED_REFRESH,
    PRODID,
    add_feed_properties,
    add_timezones,
    as_utc,
    calendar_bytes,
    event_location,
    event_organizer,
    event_uid,
    event_url,
    local_or_utc,
)

if TYPE_CHECKING:  # only for typing, as in ical.py
    from ..catalogue.models import Event, EventSession

SPEAKERS_LABEL = {"zh": "演讲嘉宾：", "en": "Speakers: "}


def session_uid(session: EventSession, domain: str) -> str:
    return f"session-{session.id}@{domain}"


def build_agenda_calendar(event: Event, *, lang: str, base_url: str, uid_domain: str, name: str,
                          organizer_email: str) -> bytes:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    add_feed_properties(calendar, name=name, zone=event.timezone, refresh=FEED_REFRESH)
    for session in sorted(event.sessions, key=lambda s: (s.starts_at, s.id)):
        calendar.add_component(_session_vevent(session, event, lang=lang, base_url=base_url, domain=uid_domain,
                                               organizer_email=organizer_email))
    add_timezones(calendar, {event.timezone}, [event])
    return calendar_bytes(calendar)


def _session_vevent(session: EventSession, event: Event, *, lang: str, base_url: str, domain: str,
                    organizer_email: str) -> VEvent:
    """A talk: its own UID, RELATED-TO its event; cancelled with the event."""
    zone = ZoneInfo(event.timezone)
    changed = as_utc(max(session.updated_at, event.updated_at))
    # The event's changes (a move takes the agenda along, a cancellation cancels it) plus the talk's own.
    sequence = (event.sequence or 0) + (session.sequence or 0)
    title = pick_language(session.title_zh, session.title_en, lang)
    location = event_location(event, lang)
    if session.room is not None:
        location = f"{pick_language(session.room.name_zh, session.room.name_en, lang)}, {location}"
    vevent = VEvent.new(
        uid=session_uid(session, domain), stamp=changed, last_modified=changed, sequence=sequence,
        start=local_or_utc(session.starts_at, zone), end=local_or_utc(session.ends_at, zone),
        summary=(CANCELLED_PREFIX if event.is_cancelled else "") + title,
        location=location, description=_session_description(session, event, lang=lang, base_url=base_url),
        url=event_url(event, base_url), organizer=event_organizer(event, lang, organizer_email),
        status=STATUS.CANCELLED if event.is_cancelled else STATUS.CONFIRMED, classification=CLASS.PUBLIC,
        transparency=TRANSP.OPAQUE,
    )
    vevent.add("RELATED-TO", event_uid(event, domain))
    return vevent


def _session_description(session: EventSession, event: Event, *, lang: str, base_url: str) -> str:
    speakers = [", ".join(part for part in (pick_language(s.name_zh, s.name_en, lang),
                                            pick_language(s.job_title_zh, s.job_title_en, lang),
                                            pick_language(s.organization_zh, s.organization_en, lang)) if part)
                for s in session.speakers]
    paragraphs = [
        pick_language(event.title_zh, event.title_en, lang),
        SPEAKERS_LABEL.get(lang, SPEAKERS_LABEL["en"]) + "; ".join(speakers) if speakers else "",
        pick_language(session.abstract_zh, session.abstract_en, lang).strip(),
        event_url(event, base_url),
    ]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
