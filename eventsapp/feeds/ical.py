"""Events as iCalendar (RFC 5545) bytes: subscribed feeds, .ics downloads and e-mail invitations.

A pure serializer (STYLE section 9): it knows nothing of requests and never reads the clock, so
unchanged data gives byte-identical output and the feed routes can use a hash of it as the ETag.
The rules follow shared/research/calendar-interop.md:

- Feeds and downloads are METHOD:PUBLISH with an ORGANIZER and no ATTENDEE (RFC 5546 3.2.1).
  E-mails are METHOD:REQUEST or METHOD:CANCEL and name their recipient as ATTENDEE (3.2.2, 3.2.5).
- Times carry TZID=<event.timezone>, and every TZID gets a VTIMEZONE from a recent first date (so
  Shanghai is one STANDARD +0800 block) with no COMMENT line (libical rejects it). No VCALENDAR
  UID (vdirsyncer would key every event by it).
- A zone whose daylight-saving time follows one yearly rule (Berlin, New York, Sydney) gets one
  STANDARD and one DAYLIGHT with an RRULE, from which Outlook builds its yearly rule (MS-OXCICAL);
  any other zone lists its onsets as RDATEs (feeds/vtimezone.py).
- UID, DTSTAMP, LAST-MODIFIED and SEQUENCE come from the rows, never from uuid4() or now().
- UIDs are `event-<id>@<uid_domain>` (talks: `session-<id>@...`). The caller passes the domain:
  site_settings.py fixes it once in the database (UID_DOMAIN, else BASE_URL's host at first start),
  so a site that moves to another BASE_URL keeps every UID and no calendar duplicates its events.
- SEQUENCE (RFC 5545 3.8.7.4, RFC 5546 2.1.4) grows strictly, per UID and recipient, with every
  significant change of what that recipient's calendar shows: time, place, title, status (the
  event's, or their own place's). Lesser changes (description, host line, GEO) reach clients through
  LAST-MODIFIED and DTSTAMP. It is a sum of counters that only ever grow:
  - public feeds and downloads: `Event.sequence`, raised by each change of time, place, title or
    status (catalogue/services.py) and the same for everyone;
  - one person's personal feed and every invitation or CANCEL mailed to them: `Event.sequence +
    Registration.sequence`, the second counting that person's own changes (promoted from the waiting
    list: TENTATIVE to CONFIRMED; cancelled: CANCEL; signed up again: continues from the cancelled
    registration's count). A message that changes nothing (reminder, "send my link") repeats it,
    with a newer DTSTAMP. Never below the public value. The person's own download is built the same
    way (/registrations/<token>.ics); a public feed is a calendar of its own in every client (a
    subscription), so its lower value never meets their invitations;
  - an agenda talk (feeds/agenda.py): `Event.sequence + EventSession.sequence`, the second counting
    the talk's own moves, retitles and room changes.
- LOCATION reads "<name in lang> (<name in the other language>), <address in lang>": the venue is
  recognisable in both languages and the address stays one piece at the end, where map apps look.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar import Calendar, vCalAddress, vDuration
from icalendar import Event as VEvent
from icalendar.enums import CLASS, STATUS, TRANSP

from ..languages import other_language, pick_language
from ..text import one_line
from ..timezones import DEFAULT_TIMEZONE
from .vtimezone import vtimezone

if TYPE_CHECKING:  # only for typing: the serializer works on any object with the same attributes
    from ..catalogue.models import Event

PRODID = "-//eventsapp//Quality Campaign Events//ZH"
FEED_REFRESH = timedelta(hours=1)  # REFRESH-INTERVAL / X-PUBLISHED-TTL: how often subscribers should poll
METHODS = ("PUBLISH", "REQUEST", "CANCEL")
CANCELLED_PREFIX = "[已取消 Cancelled] "
WAITLISTED_PREFIX = "[候补 Waitlisted] "
# VTIMEZONE rules are written for this span, widened when an event lies outside it. From 1970 on,
# Shanghai would carry China's 1986-91 daylight-saving time, which Outlook approximates badly.
TIMEZONE_FIRST_DATE = date(2020, 1, 1)
TIMEZONE_LAST_DATE = date(2038, 1, 1)
# Registering is the attendee's "yes" and nothing reads iTIP replies sent to the organizer
# address, so invitations arrive accepted and ask for no reply.
ATTENDEE_PARTSTAT = "ACCEPTED"
ATTENDEE_RSVP = False

LABELS = {
    "zh": {"host": "主办：", "co_hosts": "联合主办：", "list_sep": "、", "line_sep": "；",
           "cancelled": "本活动已取消。", "reason": "原因：", "details": "活动详情："},
    "en": {"host": "Host: ", "co_hosts": "co-hosts: ", "list_sep": ", ", "line_sep": "; ",
           "cancelled": "This event has been cancelled.", "reason": "Reason: ", "details": "Details: "},
}


@dataclass(frozen=True)
class RecipientView:
    """What one person's calendar shows of an event beyond the event itself (personal feed, mail)."""

    waitlisted: bool = False  # STATUS:TENTATIVE and a prefix in the title
    sequence: int = 0  # the person's own changes, added to the event's SEQUENCE (see above)
    changed_at: datetime | None = None  # their last own change: LAST-MODIFIED when later than the event's


PUBLIC_VIEW = RecipientView()


def event_uid(event: Event, domain: str) -> str:
    """The event's UID forever: `event-<id>@<domain>`, the domain fixed once (site_settings.py)."""
    return f"event-{event.id}@{domain}"


def event_url(event: Event, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/events/{event.id}"


def without_byte_order_marks(text: str) -> str:
    """U+FEFF (a byte order mark pasted from a Windows file) shows as nothing, and parsers drop it from the
    start of a value: left in, a title starting with one would not read back the same."""
    return text.replace("\ufeff", "")


def event_summary(event: Event, lang: str, *, cancelled: bool | None = None) -> str:
    """The title in `lang`; prefixed in both languages when cancelled, for clients that ignore STATUS."""
    title = without_byte_order_marks(pick_language(event.title_zh, event.title_en, lang))
    is_cancelled = event.is_cancelled if cancelled is None else cancelled
    return CANCELLED_PREFIX + title if is_cancelled else title


def event_location(event: Event, lang: str) -> str:
    """'<name> (<other-language name>), <address>'; parts that are empty or repeated are left out."""
    venue = event.venue
    if venue is None:
        return ""
    name = pick_language(venue.name_zh, venue.name_en, lang)
    other_name = pick_language(venue.name_zh, venue.name_en, other_language(lang))
    if other_name and other_name != name:
        name = f"{name} ({other_name})"
    address = pick_language(venue.address_zh, venue.address_en, lang)
    return without_byte_order_marks(", ".join(part for part in (name, address) if part))


def event_description(event: Event, lang: str, *, base_url: str, cancelled: bool | None = None,
                      limit: int | None = None) -> str:
    """Description, host line and the event link (Google ignores URL, so the link is repeated here).

    `limit` shortens the event's own text (feeds stay small; the full text is one click away)."""
    labels = LABELS.get(lang, LABELS["en"])
    paragraphs = []
    if event.is_cancelled if cancelled is None else cancelled:
        reason = pick_language(event.cancellation_reason_zh, event.cancellation_reason_en, lang).strip()
        paragraphs.append(labels["cancelled"] + (f"\n{labels['reason']}{reason}" if reason else ""))
    text = without_byte_order_marks(pick_language(event.description_zh, event.description_en, lang)).strip()
    if limit is not None and len(text) > limit:
        text = text[:limit].rstrip() + "…"
    paragraphs.append(text)
    paragraphs.append(_host_line(event, lang))
    paragraphs.append(labels["details"] + event_url(event, base_url))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _host_line(event: Event, lang: str) -> str:
    """'Host: A; co-hosts: B, C' (主办：A；联合主办：B、C)."""
    labels = LABELS.get(lang, LABELS["en"])
    parts = []
    if event.host is not None:
        parts.append(labels["host"] + pick_language(event.host.name_zh, event.host.name_en, lang))
    co_hosts = [pick_language(org.name_zh, org.name_en, lang) for org in event.co_hosts or ()]
    if co_hosts:
        parts.append(labels["co_hosts"] + labels["list_sep"].join(co_hosts))
    return labels["line_sep"].join(parts)


def build_calendar(
    events: Iterable[Event],
    *,
    lang: str,
    base_url: str,
    uid_domain: str,
    name: str | None = None,
    method: str = "PUBLISH",
    attendee: tuple[str, str] | None = None,
    organizer_email: str,
    refresh: timedelta | None = FEED_REFRESH,
    views: Mapping[int, RecipientView] | None = None,
    description_limit: int | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """A VCALENDAR of `events` in `lang`, with links under `base_url` and UIDs ending in `uid_domain`.

    With `name` it is a subscribable feed (calendar name, time zone and refresh hints); without it
    a single-event download or e-mail attachment. `attendee` = (name, e-mail) is required for
    METHOD REQUEST and CANCEL and refused for PUBLISH (RFC 5546 forbids ATTENDEE there).
    `views` maps an event id to what its one recipient sees (a personal feed, an invitation).
    `stamp` (e-mails only) is the DTSTAMP when later than the event's last change: the message's time.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if (attendee is None) != (method == "PUBLISH"):
        raise ValueError("an attendee is required for REQUEST and CANCEL and not allowed for PUBLISH")
    if not uid_domain:
        raise ValueError("every UID needs a domain")
    ordered = sorted(events, key=lambda event: (event.starts_at, event.id))
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    zones = {event.timezone for event in ordered}
    if name is not None:
        main_zone = _main_timezone(ordered)
        add_feed_properties(calendar, name=name, zone=main_zone, refresh=refresh)
        zones.add(main_zone)  # so an empty feed still holds one component, as RFC 5545 requires
    for event in ordered:
        calendar.add_component(_vevent(event, lang=lang, base_url=base_url, domain=uid_domain, method=method,
                                       attendee=attendee, organizer_email=organizer_email,
                                       view=(views or {}).get(event.id, PUBLIC_VIEW),
                                       description_limit=description_limit,
                                       stamp=stamp))
    add_timezones(calendar, zones, ordered)
    return calendar_bytes(calendar)


# A folded line's octets before its break, as icalendar counts them (RFC 5545 3.1 allows 75).
FOLDED_LINE_OCTETS = 74


def calendar_bytes(calendar: Calendar) -> bytes:
    """`calendar.to_ical()`, byte for byte, with each line folded at once (fold) rather than character by
    character as icalendar does: with Chinese text that was a fifth of a cold feed's time (issue 15)."""
    return b"\r\n".join(fold(line.encode()) for line in calendar.content_lines() if line) + b"\r\n"


def fold(line: bytes) -> bytes:
    """A UTF-8 content line folded exactly as icalendar folds it: at most 74 octets before each break, never
    inside a character, and never between an escaping backslash or caret and what it escapes."""
    if len(line) <= FOLDED_LINE_OCTETS:
        return line
    pieces, start = [], 0
    while len(line) - start > FOLDED_LINE_OCTETS:
        cut = start + FOLDED_LINE_OCTETS
        while line[cut] & 0xC0 == 0x80:  # a UTF-8 continuation octet: the character starts before it
            cut -= 1
        if line[cut - 1] in b"\\^" and cut - 1 > start:
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


def add_feed_properties(calendar: Calendar, *, name: str, zone: str, refresh: timedelta | None) -> None:
    # NAME (RFC 7986) and X-WR-CALNAME. icalendar knows neither as TEXT, so it writes them as they are,
    # unescaped, and a line break in a stored title or venue name would break the content line: a
    # calendar's name is one line in every client's list anyway.
    calendar.calendar_name = one_line(name)
    calendar.add("X-WR-TIMEZONE", zone)
    if refresh is not None:
        calendar.add("REFRESH-INTERVAL", vDuration(refresh), parameters={"VALUE": "DURATION"})
        # A bare timedelta would be written "1:00:00"; vDuration writes "PT1H".
        calendar.add("X-PUBLISHED-TTL", vDuration(refresh))


def _main_timezone(events: list[Event]) -> str:
    """The zone most events use (ties: alphabetical), the default zone for an empty calendar."""
    counts = Counter(event.timezone for event in events)
    if not counts:
        return DEFAULT_TIMEZONE
    return min(counts, key=lambda zone: (-counts[zone], zone))


def _vevent(event: Event, *, lang: str, base_url: str, domain: str, method: str,
            attendee: tuple[str, str] | None, organizer_email: str, view: RecipientView = PUBLIC_VIEW,
            description_limit: int | None = None, stamp: datetime | None = None) -> VEvent:
    zone = ZoneInfo(event.timezone)
    updated_at = as_utc(event.updated_at)
    if view.changed_at is not None:
        updated_at = max(updated_at, as_utc(view.changed_at))
    stamped_at = max(updated_at, as_utc(stamp)) if stamp else updated_at
    cancelled = event.is_cancelled or method == "CANCEL"
    tentative = view.waitlisted
    summary = event_summary(event, lang, cancelled=cancelled)
    if tentative and not cancelled:
        summary = WAITLISTED_PREFIX + summary
    vevent = VEvent.new(
        uid=event_uid(event, domain),
        stamp=stamped_at,
        last_modified=updated_at,
        sequence=(event.sequence or 0) + view.sequence,
        start=local_or_utc(event.starts_at, zone),
        end=local_or_utc(event.ends_at, zone),
        summary=summary,
        location=event_location(event, lang) or None,
        description=event_description(event, lang, base_url=base_url, cancelled=cancelled, limit=description_limit),
        url=event_url(event, base_url),
        organizer=event_organizer(event, lang, organizer_email),
        status=STATUS.CANCELLED if cancelled else STATUS.TENTATIVE if tentative else STATUS.CONFIRMED,
        classification=CLASS.PUBLIC,
        transparency=TRANSP.OPAQUE,
    )
    venue = event.venue
    if venue is not None and venue.latitude is not None and venue.longitude is not None:
        vevent.add("GEO", (venue.latitude, venue.longitude))  # written "lat;lon", as RFC 5545 wants
    if attendee is not None:
        attendee_name, attendee_email = attendee
        vevent.add("ATTENDEE", vCalAddress.new(
            attendee_email, cn=attendee_name or None, role="REQ-PARTICIPANT",
            partstat=ATTENDEE_PARTSTAT, rsvp=ATTENDEE_RSVP,
        ))
    return vevent


def event_organizer(event: Event, lang: str, email: str) -> vCalAddress:
    """mailto:<email>, named after the campaign's organizing body (or the campaign itself)."""
    campaign = event.campaign
    common_name = ""
    if campaign is not None:
        common_name = (pick_language(campaign.organizing_body_zh, campaign.organizing_body_en, lang)
                       or pick_language(campaign.name_zh, campaign.name_en, lang))
    return vCalAddress.new(email, cn=common_name or None)


def add_timezones(calendar: Calendar, zones: set[str], events: list[Event]) -> None:
    """One VTIMEZONE per TZID, sorted, before the events; UTC needs none (it is written with Z).

    Not `add_missing_timezones()`: it walks a set, so the order would change between processes.
    """
    first_year, last_year = TIMEZONE_FIRST_DATE.year, TIMEZONE_LAST_DATE.year
    if events:
        first_year = min(first_year, min(as_utc(event.starts_at) for event in events).year - 1)
        last_year = max(last_year, max(as_utc(event.ends_at) for event in events).year + 1)
    for position, tzid in enumerate(sorted(zones - {"UTC"})):
        calendar.subcomponents.insert(position, vtimezone(tzid, first_year, last_year))


def local_or_utc(moment: datetime, zone: ZoneInfo) -> datetime:
    """Wall-clock time at the venue, except in an autumn hour that happens twice: a TZID time there
    is read as the first occurrence by some clients and the second by others, so it is written in UTC."""
    local = as_utc(moment).astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return as_utc(moment)
    return local


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the calendar serializer; instants must be aware")
    return moment.astimezone(UTC)
