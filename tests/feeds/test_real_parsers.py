"""The real-parser gate (research/calendar-interop.md 4 and 5, item 23).

Every calendar we produce is read by icalendar, the reference, and by six real readers: ical.js
(Mozilla's, in Thunderbird) and node-ical on the machine's Node.js, vobject (`validate=True`), ical
(Home Assistant's), x-wr-timezone (what X-WR-TIMEZONE-aware readers compute) and libical 3 (the C
library behind Evolution) on Debian's Python. All must report the same events: UID, start and end
as UTC instants, SUMMARY, STATUS and SEQUENCE; ical.js, node-ical and libical must resolve each
TZID (never "floating"); the instants must be the ones in the database; and libical's RFC 5545/5546
restriction check must find nothing. `make test` installs the Node packages and libical
(tests/feeds/parsers); each runs once per test, on the whole batch of calendars.
"""
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
import x_wr_timezone
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy import select

from eventsapp.catalogue import services as catalogue
from eventsapp.catalogue.details import EventDetails, SessionDetails
from eventsapp.catalogue.models import Campaign, Event, EventStatus
from eventsapp.catalogue.queries import public_events
from eventsapp.demo import load_demo
from eventsapp.extensions import db
from eventsapp.feeds.agenda import session_uid
from eventsapp.feeds.ical import build_calendar, event_uid
from eventsapp.mail.models import OutboxMessage
from eventsapp.mail.transport import compose_email
from eventsapp.mail.writing import write_left_unwritten
from eventsapp.registration.personal_feed import personal_feed_for
from eventsapp.registration.services import Applicant, cancel_registration, register, resend_manage_link
from eventsapp.site_settings import uid_domain
from tests.feeds.helpers import BASE_URL, ORGANIZER, TRICKY_TEXT, UID_DOMAIN, demo_feed_urls, utc
from tests.feeds.helpers import make_event as transient_event

PARSERS_DIR = Path(__file__).with_name("parsers")
NODE_SCRIPT = PARSERS_DIR / "parse_ical.js"
NODE_PARSERS = ("icaljs", "nodeical")
LIBICAL_SCRIPT = PARSERS_DIR / "libical_check.py"
SYSTEM_PYTHON = "/usr/bin/python3"  # libical's Python bindings are Debian's, for Debian's Python only
ATTENDEE = ("张伟", "zhang@example.com")


@dataclass(frozen=True)
class Reading:
    """One VEVENT as a parser understood it; start and end are UTC datetimes, or dates if all-day."""
    uid: str | None
    start: object
    end: object
    summary: str | None
    status: str | None
    sequence: int | None


def read_with_icalendar(body: bytes) -> tuple[set[Reading], dict[str, str | None], list[str]]:
    """The reference reading, the DTSTART TZID of each UID, and icalendar's own complaints."""
    calendar = icalendar.Calendar.from_ical(body)
    problems = [f"{component.name}: {error}" for component in calendar.walk() for error in component.errors]
    problems += [f"TZID without VTIMEZONE: {tzid}" for tzid in calendar.get_missing_tzids()]
    uids = [str(event.get("UID")) for event in calendar.events]
    problems += [f"UID {uid} appears {uids.count(uid)} times" for uid in sorted(set(uids)) if uids.count(uid) > 1]
    tzids = {str(event["UID"]) if "UID" in event else None: event["DTSTART"].params.get("TZID")
             for event in calendar.events}
    return icalendar_readings(calendar), tzids, problems


def icalendar_readings(calendar: icalendar.Calendar) -> set[Reading]:
    return {Reading(str(event["UID"]) if "UID" in event else None, utc(event.DTSTART), utc(event.DTEND),
                    as_text(event.get("SUMMARY")), as_text(event.get("STATUS")), event.get("SEQUENCE"))
            for event in calendar.events}


def as_text(value) -> str | None:
    return None if value is None else str(value)


def read_with_vobject(text: str) -> set[Reading]:
    # vobject keeps the first VTIMEZONE it ever saw for a TZID, process-wide; a client reading this
    # feed alone would use the feed's own, so start from an empty registry.
    registry = getattr(vobject.icalendar, "__tzidMap")
    registry.clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    calendar = vobject.readOne(StringIO(text), validate=True)

    def value(event, name):
        return getattr(event, name).value if hasattr(event, name) else None

    return {Reading(value(event, "uid"), utc(value(event, "dtstart")), utc(value(event, "dtend")),
                    value(event, "summary"), value(event, "status"),
                    None if value(event, "sequence") is None else int(value(event, "sequence")))
            for event in getattr(calendar, "vevent_list", [])}


def read_with_ical(text: str) -> set[Reading]:
    calendar = IcsCalendarStream.calendar_from_ics(text)
    return {Reading(event.uid, utc(event.dtstart), utc(event.end), event.summary,
                    getattr(event.status, "value", event.status), event.sequence)
            for event in calendar.events}


def read_with_x_wr_timezone(text: str) -> set[Reading]:
    """What a reader that applies X-WR-TIMEZONE computes: it must change no instant."""
    return icalendar_readings(x_wr_timezone.to_standard(icalendar.Calendar.from_ical(text.encode("utf-8"))))


def read_with_node(texts: list[str]) -> list[dict]:
    """ical.js and node-ical on every text, in one Node process (TZ=UTC, so floating times show)."""
    if shutil.which("node") is None or not (PARSERS_DIR / "node_modules").is_dir():
        pytest.fail("ical.js and node-ical are not installed: run `make install-parsers` (Node.js 20+ and npm)")
    result = subprocess.run(["node", str(NODE_SCRIPT)], input=json.dumps(texts).encode(), capture_output=True,
                            timeout=60, env={**os.environ, "TZ": "UTC"})
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def read_with_libical(texts: list[str]) -> list[dict]:
    """libical on every text, with its restriction check, in one process of Debian's Python."""
    missing = "libical is not installed: run `make install-parsers` (Debian's gir1.2-ical-3.0 and python3-gi)"
    if not Path(SYSTEM_PYTHON).exists():
        pytest.fail(missing)
    result = subprocess.run([SYSTEM_PYTHON, str(LIBICAL_SCRIPT)], input=json.dumps(texts).encode(),
                            capture_output=True, timeout=60)
    if result.returncode != 0 and (b"ICalGLib" in result.stderr or b"No module named 'gi'" in result.stderr):
        pytest.fail(f"{missing}\n{result.stderr.decode()}")
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def json_readings(result: dict) -> tuple[set[Reading], dict[str, str | None]]:
    """The readings and DTSTART zones of a reader that printed JSON (the Node parsers, libical)."""
    readings = {Reading(event["uid"], utc(event["start"]), utc(event["end"]), event["summary"], event["status"],
                        event["sequence"]) for event in result["events"]}
    return readings, {event["uid"]: event["tzid"] for event in result["events"]}


def disagreements(calendars: dict[str, bytes], stored: dict[str, tuple] | None = None) -> list[str]:
    """Every disagreement between the parsers, one line each, labelled with the calendar's key.

    `stored` maps UID -> (start, end) as in the database: icalendar's reading must match it.
    """
    problems, texts = [], {}
    for label, body in calendars.items():
        try:
            texts[label] = body.decode("utf-8")  # strict: a character split by folding fails here
        except UnicodeDecodeError as error:
            problems.append(f"{label}: not valid UTF-8: {error}")
    node_results = read_with_node(list(texts.values()))
    libical_results = read_with_libical(list(texts.values()))
    for (label, text), node_result, libical_result in zip(texts.items(), node_results, libical_results, strict=True):
        problems += [f"{label}: {problem}" for problem in
                     calendar_disagreements(calendars[label], text, {**node_result, "libical": libical_result}, stored)]
    return problems


def calendar_disagreements(body: bytes, text: str, json_results: dict, stored: dict[str, tuple] | None) -> list[str]:
    try:
        reference, tzids, problems = read_with_icalendar(body)
    except Exception as error:  # the reference must read it before anything is compared
        return [f"icalendar failed: {type(error).__name__}: {error}"]
    for reading in reference if stored is not None else ():
        instants = tuple(map(utc, stored.get(reading.uid, ("not stored", "not stored"))))
        if (reading.start, reading.end) != instants:
            problems.append(f"icalendar reads {reading.uid} as {reading.start}..{reading.end}, "
                            f"stored {instants[0]}..{instants[1]}")
    readings = {}
    for name, read in (("vobject", read_with_vobject), ("ical", read_with_ical),
                       ("x-wr-timezone", read_with_x_wr_timezone)):
        try:
            readings[name] = read(text)
        except Exception as error:  # any exception is the finding
            problems.append(f"{name} failed: {type(error).__name__}: {error}")
    for name in (*NODE_PARSERS, "libical"):
        if json_results[name]["error"]:
            problems.append(f"{name} failed: {json_results[name]['error']}")
            continue
        readings[name], zones = json_readings(json_results[name])
        problems += [f"{name} reads {uid} in zone {zones.get(uid)!r}, the feed says {tzid!r}"
                     for uid, tzid in tzids.items() if tzid and zones.get(uid) != tzid]
    problems += [f"libical's restriction check: {error}" for error in json_results["libical"].get("errors", [])]
    for name, found in readings.items():
        problems += [f"{name} misses {reading}" for reading in sorted(reference - found, key=repr)]
        problems += [f"{name} adds {reading}" for reading in sorted(found - reference, key=repr)]
    return problems


# --- serializer level ---------------------------------------------------------------------------

def build(events, **options) -> bytes:
    options.setdefault("lang", "zh")
    return build_calendar(events, base_url=BASE_URL, uid_domain=UID_DOMAIN, organizer_email=ORGANIZER, **options)


def stored_instants(events) -> dict[str, tuple]:
    return {event_uid(event, UID_DOMAIN): (event.starts_at, event.ends_at) for event in events}


def test_demo_feeds_and_invitations_read_alike_in_every_parser(app_ctx, now):
    load_demo(now=now)
    db.session.commit()
    events = list(db.session.scalars(public_events()).unique())
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.id)).all()
    assert len(events) >= 5 and any(event.is_cancelled for event in events)
    calendars = {}
    for lang in ("zh", "en"):
        calendars[f"all events ({lang})"] = build(events, name="All events", lang=lang)
        for campaign in campaigns:
            selection = [event for event in events if event.campaign_id == campaign.id]
            calendars[f"campaign {campaign.slug} ({lang})"] = build(selection, name=campaign.name_en, lang=lang)
    invited = next(event for event in events if not event.is_cancelled)  # RFC 5546: a REQUEST is not cancelled
    calendars["REQUEST"] = build([invited], method="REQUEST", attendee=ATTENDEE)
    calendars["CANCEL"] = build([invited], method="CANCEL", attendee=ATTENDEE, lang="en")
    assert disagreements(calendars, stored_instants(events)) == []


def test_long_chinese_title_with_emoji_and_separators_reads_alike():
    title = ("质量提升行动, 标准化; 建设🎉经验\n交流会👩‍🔬" * 20)[:300]
    event = transient_event(1, title_zh=title, description_zh=TRICKY_TEXT)
    cancelled = transient_event(2, title_zh=title[::-1], status=EventStatus.CANCELLED,
                                cancellation_reason_zh=TRICKY_TEXT, sequence=3)
    calendars = {
        "feed": build([event, cancelled], name="上海质量月活动日历 🎉 Events, 2026; all"),
        "download": build([event]),
    }
    assert len(title) == 300
    assert disagreements(calendars, stored_instants([event, cancelled])) == []


def berlin_event(event_id: int, starts_at: datetime, ends_at: datetime) -> Event:
    return transient_event(event_id, timezone="Europe/Berlin", starts_at=starts_at, ends_at=ends_at)


def test_daylight_saving_zone_reads_alike():
    events = [
        berlin_event(1, datetime(2026, 1, 15, 17, tzinfo=UTC), datetime(2026, 1, 15, 19, tzinfo=UTC)),
        # 00:00 CET to 05:00 CEST, across the spring change
        berlin_event(2, datetime(2026, 3, 28, 23, tzinfo=UTC), datetime(2026, 3, 29, 3, tzinfo=UTC)),
        berlin_event(3, datetime(2026, 7, 1, 8, tzinfo=UTC), datetime(2026, 7, 1, 10, tzinfo=UTC)),
        # 00:00 CEST to 05:00 CET, across the autumn change
        berlin_event(4, datetime(2026, 10, 24, 22, tzinfo=UTC), datetime(2026, 10, 25, 4, tzinfo=UTC)),
        transient_event(5),  # Shanghai, so the feed carries two VTIMEZONEs
    ]
    calendars = {"feed": build(events, name="Berlin"), "download": build([events[2]])}
    assert disagreements(calendars, stored_instants(events)) == []


def test_repeated_autumn_hour_reads_alike():
    events = [
        berlin_event(1, datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        berlin_event(2, datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),
    ]
    assert disagreements({"feed": build(events, name="Berlin")}, stored_instants(events)) == []


# --- route level --------------------------------------------------------------------------------

def test_every_demo_feed_url_reads_alike_in_every_parser(app_ctx, client, now):
    load_demo(now=now)
    db.session.commit()
    events = list(db.session.scalars(public_events()).unique())
    upcoming = next(event for event in events if event.status == "published" and event.starts_at > now)
    register(upcoming.id, Applicant(name="张伟", email="zhang@example.com"), now=now)
    db.session.commit()
    personal = f"/feeds/me/{personal_feed_for('zhang@example.com').token}.ics"
    db.session.commit()
    calendars = {}
    for url in [*demo_feed_urls(), personal]:
        for lang in ("zh", "en"):
            response = client.get(f"{url}?lang={lang}")
            assert response.status_code == 200, url
            assert response.headers["Content-Type"] == "text/calendar; charset=utf-8", url
            calendars[f"{url}?lang={lang}"] = response.data
    domain = uid_domain()
    stored = {event_uid(event, domain): (event.starts_at, event.ends_at) for event in events}
    stored |= {session_uid(session, domain): (session.starts_at, session.ends_at)
               for event in events for session in event.sessions}
    served = {str(vevent["UID"]) for body in calendars.values() for vevent in icalendar.Calendar.from_ical(body).events}
    assert served == set(stored)  # every public event and talk is in some feed: the agreement is not vacuous
    assert disagreements(calendars, stored) == []


def local_event(event_id: int, tzid: str, local: datetime, hours: int = 2) -> Event:
    """An event at a wall-clock time of its zone (the stored instants are UTC, as in the database)."""
    starts_at = local.replace(tzinfo=ZoneInfo(tzid)).astimezone(UTC)
    return transient_event(event_id, timezone=tzid, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours))


@pytest.mark.parametrize(("tzid", "wall_times"), [
    # one yearly rule each way (RRULE)
    ("Europe/Berlin", [datetime(2026, 1, 15, 18), datetime(2026, 7, 1, 10), datetime(2037, 12, 1, 9)]),
    ("America/New_York", [datetime(2026, 1, 15, 18), datetime(2026, 7, 1, 10), datetime(2026, 3, 8, 1, 30)]),
    ("Australia/Sydney", [datetime(2026, 1, 15, 18), datetime(2026, 7, 1, 10), datetime(2027, 12, 24, 20)]),
    # onset by onset (RDATE)
    ("America/Santiago", [datetime(2026, 1, 15, 18), datetime(2026, 7, 1, 10), datetime(2033, 10, 1, 9)]),
    ("Africa/Casablanca", [datetime(2026, 1, 15, 18), datetime(2026, 3, 1, 10), datetime(2027, 2, 20, 12),
                           datetime(2024, 3, 20, 12)]),
    ("America/New_York", [datetime(2006, 7, 1, 10), datetime(2007, 3, 20, 10)]),  # the rule changed in 2007
])
def test_daylight_saving_zones_read_alike_in_summer_and_winter(tzid, wall_times):
    events = [local_event(number, tzid, wall_time) for number, wall_time in enumerate(wall_times, start=1)]
    calendars = {"feed": build(events, name=tzid), "download": build(events[-1:]),
                 "REQUEST": build(events[:1], method="REQUEST", attendee=ATTENDEE)}
    assert disagreements(calendars, stored_instants(events)) == []


# --- e-mail -------------------------------------------------------------------------------------

def calendar_parts(message: OutboxMessage) -> list[tuple[str, str | None, bytes]]:
    """(content type, method parameter, bytes) of each calendar part of the mail as it is sent."""
    email = compose_email(message, sender="活动团队 <events@example.com>", now=message.created_at)
    return [(part.get_content_type(), part.get_param("method"), part.get_payload(decode=True))
            for part in email.walk() if part.get_content_type() in ("text/calendar", "application/ics")]


def test_every_mail_calendar_part_reads_alike_and_passes_libicals_check(app_ctx, make_event, make_session, now):
    """Sign-up, waiting list, cancellation, promotion, a move, a talk moved, the event's cancellation,
    reinstatement, cancellation again and a link asked for afterwards, in a zone with daylight-saving
    time: each calendar part of each mail."""
    event = make_event(capacity=1, timezone="Europe/Berlin")
    talk = make_session(event, minutes=30)
    people = [register(event.id, Applicant(name=name, email=email, language=language), now=now)
              for name, email, language in (("张伟", "zhang@example.com", "zh"), ("Li Na", "li@example.com", "en"),
                                            ("王芳", "wang@example.com", "zh"))]
    db.session.commit()
    write_left_unwritten(now=now)  # the sign-ups' mails, written as the mail worker does
    for person in (people[2], people[0]):  # the second frees the seat: Li Na is promoted
        cancel_registration(person, now=now)
        db.session.commit()
    catalogue.save_event(event, replace(EventDetails.of(event), starts_at=event.starts_at + timedelta(hours=2),
                                        ends_at=event.ends_at + timedelta(hours=2)), now=now)
    db.session.commit()
    catalogue.save_session(talk, replace(SessionDetails.of(talk), starts_at=talk.starts_at + timedelta(minutes=30),
                                         ends_at=talk.ends_at + timedelta(minutes=30)), event=event, now=now)
    db.session.commit()
    for change in (lambda: catalogue.cancel_event(event, reason_zh="台风", reason_en="Typhoon", now=now),
                   lambda: catalogue.reinstate_event(event, now=now),
                   lambda: catalogue.cancel_event(event, reason_zh="台风", reason_en="Typhoon", now=now)):
        change()
        db.session.commit()
    resend_manage_link(event, "li@example.com", now=now)
    db.session.commit()

    messages = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.ics.is_not(None))
                                       .order_by(OutboxMessage.id)))
    kinds = {re.sub(r"^registration-\d+-([a-z_]+).*$", r"\1", message.dedup_key) for message in messages}
    assert kinds >= {"confirmed", "waitlisted", "cancelled", "promoted", "event_changed", "agenda_changed",
                     "event_cancelled", "event_reinstated", "manage_link"}
    calendars, methods = {}, {}
    for message in messages:
        for content_type, method, body in calendar_parts(message):
            label = f"{message.dedup_key} to {message.recipient} ({content_type})"
            calendars[label], methods[label] = body, message.ics_method
            if content_type == "text/calendar":  # RFC 6047: the method parameter is the calendar's METHOD
                assert method == message.ics_method, label
    assert len(calendars) == 2 * len(messages)
    assert disagreements(calendars) == []
    libical = read_with_libical([body.decode("utf-8") for body in calendars.values()])
    assert {label: result["method"] for label, result in zip(calendars, libical, strict=True)} == methods
