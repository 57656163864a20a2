""""Add to calendar" links for one event: Google Calendar's and Outlook's add-event pages, and the
subscription to the event's public feed. Pure (no request, no clock), like the serializer beside it.

- Google: `calendar.google.com/calendar/render?action=TEMPLATE` with `text`, `dates` as
  `YYYYMMDDTHHMMSSZ/YYYYMMDDTHHMMSSZ` in UTC, `ctz` (the zone the entry is kept in: the venue's),
  `details` and `location`.
- Outlook: `outlook.live.com` (personal accounts) and `outlook.office.com` (work or school, Microsoft
  365) `/calendar/0/deeplink/compose?path=/calendar/action/compose&rru=addevent` with `subject`,
  `startdt` and `enddt` as ISO 8601 in UTC (`2026-03-14T06:00:00Z`), `body` and `location`.
  Neither service documents these parameters; they are the ones its own buttons use.
- Title, place and description are those of the calendar entries we send (feeds/ical.py), in the
  person's language; the description is shortened, so the link stays well below the URL lengths
  browsers and these services take (Chinese text is 9 bytes a character once percent-encoded).
- Nothing personal goes into these links: they lead to services outside the site, and the manage
  token would let whoever holds it cancel. The subscription is to the public `/events/<id>.ics`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from .ical import WAITLISTED_PREFIX, as_utc, event_description, event_location, event_summary

if TYPE_CHECKING:
    from ..catalogue.models import Event

GOOGLE_URL = "https://calendar.google.com/calendar/render"
OUTLOOK_URLS = {"outlook_live": "https://outlook.live.com/calendar/0/deeplink/compose",
                "outlook_office": "https://outlook.office.com/calendar/0/deeplink/compose"}
DESCRIPTION_LIMIT = 300  # characters of the event's own text; the full text is one click away


@dataclass(frozen=True)
class CalendarLinks:
    google: str
    outlook_live: str
    outlook_office: str
    feed: str  # https address of the event's public feed, to paste into "subscribe from URL"
    webcal: str  # the same address, opened by the calendar app


def calendar_links(event: Event, *, lang: str, base_url: str, waitlisted: bool = False) -> CalendarLinks:
    """The links for one person: `lang` is theirs; a waitlisted place is marked in the title."""
    title = (WAITLISTED_PREFIX if waitlisted else "") + event_summary(event, lang)
    location = event_location(event, lang)
    details = event_description(event, lang, base_url=base_url, limit=DESCRIPTION_LIMIT)
    starts_at, ends_at = as_utc(event.starts_at), as_utc(event.ends_at)
    google = {"action": "TEMPLATE", "text": title, "dates": f"{google_time(starts_at)}/{google_time(ends_at)}",
              "ctz": event.timezone, "details": details, "location": location}
    outlook = {"path": "/calendar/action/compose", "rru": "addevent", "subject": title,
               "startdt": outlook_time(starts_at), "enddt": outlook_time(ends_at), "body": details,
               "location": location}
    feed = event_feed_url(event, lang=lang, base_url=base_url)
    return CalendarLinks(google=with_query(GOOGLE_URL, google),
                         outlook_live=with_query(OUTLOOK_URLS["outlook_live"], outlook),
                         outlook_office=with_query(OUTLOOK_URLS["outlook_office"], outlook),
                         feed=feed, webcal=webcal_url(feed))


def event_feed_url(event: Event, *, lang: str, base_url: str) -> str:
    """The event's public calendar (`/events/<id>.ics`) in `lang`."""
    return f"{base_url.rstrip('/')}/events/{event.id}.ics?lang={lang}"


def webcal_url(https_url: str) -> str:
    """`webcal://` opens the calendar app, which subscribes to the https (or http) address behind it."""
    return "webcal://" + https_url.split("://", 1)[1]


def google_time(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def outlook_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def with_query(url: str, params: dict[str, str]) -> str:
    """Spaces as %20, as encodeURIComponent writes them (a '+' is not read as a space everywhere);
    empty values left out."""
    return url + "?" + urlencode({key: value for key, value in params.items() if value}, quote_via=quote,
                                 safe="/:")
