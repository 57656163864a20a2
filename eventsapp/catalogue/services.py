"""Business rules of the catalogue: what organizers may change, and how (queries.py reads).

Services take typed inputs (details.py) and the time of the change; they flush, and the caller
(route, CLI, test) commits once.
"""
import re
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit import trail as audit
from ..errors import NotAllowedInState, ValidationFailed
from ..extensions import db
from ..text import has_control_character
from ..timezones import is_known_timezone
from . import signals
from .changes import Aspect, Change, EventFacts, TalkFacts
from .details import (
    CampaignDetails,
    EventDetails,
    OrganizationDetails,
    RoomDetails,
    SessionDetails,
    VenueDetails,
    copy_columns,
)
from .models import (
    ROOM_NAME_LENGTH,
    Campaign,
    DeletedEvent,
    Event,
    EventSession,
    EventStatus,
    Organization,
    Room,
    Speaker,
    Venue,
    audit_label,
)
from .queries import public_events
from .uscc import is_valid_uscc

TalkBefore = tuple[EventSession, TalkFacts]  # a talk, and its facts before a change
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A change of time or place must reach calendar clients and attendees (an e-mail each).
SCHEDULE_FIELDS = frozenset({"starts_at", "ends_at", "timezone", "venue_id"})
# What calendar clients must notice: these raise the event's SEQUENCE (RFC 5545 3.8.7.4).
SEQUENCE_FIELDS = SCHEDULE_FIELDS | {"title_zh", "title_en"}
SCOPE_FIELDS = frozenset({"campaign_id", "venue_id", "host_id"})  # the feeds an event belongs to
VENUE_PLACE_FIELDS = frozenset({"name_zh", "name_en", "address_zh", "address_en"})
SEAT_FIELDS = frozenset({"capacity", "waitlist_enabled"})
# Times outside these years are refused: year 1 or 9999 overflow when converted between zones, and
# no calendar client needs them. The campaign year has the same range.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Text that becomes one line somewhere (an e-mail subject, a calendar name, a heading): no line
# break, tab or other control character. Descriptions, directions and abstracts may hold them.
CAMPAIGN_LINES = ("name_zh", "name_en", "organizing_body_zh", "organizing_body_en")
ORGANIZATION_LINES = ("name_zh", "name_en", "website")
VENUE_LINES = ("name_zh", "name_en", "address_zh", "address_en", "district_zh", "district_en", "city_zh", "city_en")
EVENT_LINES = ("title_zh", "title_en")
EVENT_TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
SESSION_LINES = ("title_zh", "title_en")
SPEAKER_LINES = ("name_zh", "name_en", "job_title_zh", "job_title_en", "organization_zh", "organization_en")


# --- Rules, shared by forms (early, friendly messages) and services (the final word) ---------

def check_slug(slug: str, *, campaign: Campaign | None = None) -> None:
    if not SLUG_PATTERN.match(slug):
        raise ValidationFailed(_l("Use lower-case letters, digits and single hyphens, e.g. 2026-shanghai."), "slug")
    taken = db.session.scalar(select(Campaign.id).where(Campaign.slug == slug))
    if taken is not None and (campaign is None or taken != campaign.id):
        raise ValidationFailed(_l("Another campaign already uses this slug."), "slug")


def check_uscc(code: str | None, *, organization: Organization | None = None) -> None:
    if not code:
        return
    if not is_valid_uscc(code):
        raise ValidationFailed(_l("This is not a valid Unified Social Credit Code (check the 18th character)."),
                               "uscc")
    taken = db.session.scalar(select(Organization.id).where(Organization.uscc == code))
    if taken is not None and (organization is None or taken != organization.id):
        raise ValidationFailed(_l("Another organization already has this code."), "uscc")


def check_timezone(name: str) -> None:
    if not is_known_timezone(name):
        raise ValidationFailed(_l("Choose a time zone from the list."), "timezone")


def check_time_span(starts_at: datetime, ends_at: datetime, field: str = "ends_at") -> None:
    if ends_at <= starts_at:
        raise ValidationFailed(_l("The end must be after the start."), field)


def check_supported_year(moment: datetime | None, field: str) -> None:
    """Also for the naive wall-clock time a form holds, checked before it is converted to UTC."""
    if moment is not None and not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValidationFailed(_l("Choose a date between the years %(first)d and %(last)d.",
                                  first=FIRST_YEAR, last=LAST_YEAR), field)


def check_single_line(value: str, field: str) -> None:
    if has_control_character(value):
        raise ValidationFailed(_l("This text must be one line, without line breaks, tabs or other control "
                                  "characters."), field)


def check_single_lines(details: object, fields: tuple[str, ...]) -> None:
    for field in fields:
        check_single_line(getattr(details, field), field)


def check_capacity(capacity: int | None) -> None:
    if capacity is None or capacity < 1:
        raise ValidationFailed(_l("Capacity must be at least 1."), "capacity")


def check_sessions_fit(event: Event, starts_at: datetime, ends_at: datetime) -> None:
    """Changing an event's times must not leave part of its agenda outside it. The agenda moves with
    the start (save_event shifts it), so only a shortened event can leave a talk behind."""
    shift = starts_at - event.starts_at
    for session in event.sessions:
        if session.starts_at + shift < starts_at or session.ends_at + shift > ends_at:
            raise ValidationFailed(
                _l("Agenda item “%(title)s” would fall outside the event; move it first.", title=session.title),
                "ends_at",
            )


def check_session_within_event(event: Event, starts_at: datetime, ends_at: datetime) -> None:
    if starts_at < event.starts_at or ends_at > event.ends_at:
        raise ValidationFailed(_l("The agenda item must lie within the event's start and end."), "starts_at")


def check_registration_window(opens_at: datetime | None, closes_at: datetime | None,
                              starts_at: datetime) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationFailed(_l("Registration must close after it opens."), "registration_closes_at")
    if closes_at and closes_at > starts_at:
        raise ValidationFailed(_l("Registration must close no later than the event starts."),
                               "registration_closes_at")


# --- Organizer changes -----------------------------------------------------------------------

def save_campaign(campaign: Campaign, details: CampaignDetails) -> Campaign:
    """Create (pass a new Campaign()) or edit a campaign."""
    check_slug(details.slug, campaign=campaign if campaign.id else None)
    check_single_lines(details, CAMPAIGN_LINES)
    copy_columns(details, campaign)
    db.session.add(campaign)
    db.session.flush()
    return campaign


def delete_campaign(campaign: Campaign) -> None:
    if campaign.events:
        raise NotAllowedInState(_l("Only a campaign without events can be deleted."))
    db.session.delete(campaign)
    db.session.flush()


def save_organization(organization: Organization, details: OrganizationDetails, *, now: datetime) -> Organization:
    """An organization an organizer enters is known to them: it counts as verified (SPEC 4c)."""
    uscc = (details.uscc or "").strip().upper() or None
    check_uscc(uscc, organization=organization if organization.id else None)
    check_single_lines(details, ORGANIZATION_LINES)
    copy_columns(details, organization, skip=("uscc",))
    organization.uscc = uscc
    if organization.id is None and organization.verified_at is None:
        organization.verified_at = now
    db.session.add(organization)
    db.session.flush()
    return organization


def save_venue(venue: Venue, details: VenueDetails, *, now: datetime) -> Venue:
    """Create or edit a venue. A new name or address moves the place of its coming events: their
    SEQUENCE goes up and their attendees are told, as for any change of place. Rooms: see plan_rooms;
    attendees of coming events are told of talks whose room is renamed or removed."""
    check_timezone(details.timezone)
    check_single_lines(details, VENUE_LINES)
    check_room_names(details.rooms)
    place_changed = bool(venue.id) and bool(_changed_fields(venue, details, VENUE_PLACE_FIELDS))
    # Every public event there shows the new place in the feeds (past ones stay there 30 days); the
    # people of those not over yet are told.
    shown_before = []
    if place_changed:
        shown = db.session.scalars(public_events().where(Event.venue_id == venue.id)).unique()
        shown_before = [(event, EventFacts.of(event)) for event in shown]
    copy_columns(details, venue, skip=("rooms",))
    moved_talks = _replace_rooms(venue, details.rooms, now=now)
    db.session.add(venue)
    db.session.flush()
    for event, before in shown_before:
        event.sequence += 1
        if event.ends_at >= now:
            _tell_of_change(event, before, now=now)
    for talk, talk_before in moved_talks:
        if talk.event.ends_at >= now:
            _tell_of_talk_change(talk, Change(talk_before, TalkFacts.of(talk, talk.event.timezone)), now=now)
    db.session.flush()
    return venue


def coming_events_at(venue: Venue, *, now: datetime) -> list[Event]:
    """The public events at this venue that have not ended: a new name or address concerns them."""
    return list(db.session.scalars(public_events().where(Event.venue_id == venue.id, Event.ends_at >= now)
                                   .order_by(Event.starts_at, Event.id)).unique())


def check_room_names(rooms: tuple[RoomDetails, ...]) -> None:
    """Each name is one line that fits its column; the error goes on the form's field, one room per line."""
    for room in rooms:
        for name in (room.name_zh, room.name_en):
            check_single_line(name, "rooms")
            if len(name.strip()) > ROOM_NAME_LENGTH:
                raise ValidationFailed(_l("A room name may be at most %(max)d characters long.",
                                          max=ROOM_NAME_LENGTH), "rooms")


def plan_rooms(rooms: list[Room], wanted: tuple[RoomDetails, ...]) -> tuple[list[RoomDetails], list[Room | None],
                                                                          list[Room]]:
    """What a new list of rooms does to `rooms`: (the names, blanks and repeats left out; for each
    the room it is, None for a new one; the rooms removed).

    A room keeps its names, or keeps one of them while the other is added or changed (a translation),
    or is renamed when a new name stands at its place in the list and neither of its own names is left
    ("Hall A, Hall B" → "Grand Hall, Hall B": Hall A is now Grand Hall, its talks stay).
    A room whose names are gone and whose place holds no new name is removed, and its talks lose their
    room ("Hall A, Hall B" → "Hall B, Hall C": Hall A is removed, Hall C is a new room).
    """
    names = list(dict.fromkeys(room.stripped() for room in wanted if room.stripped() != RoomDetails()))
    chosen: list[Room | None] = [None] * len(names)
    for same in (_has_both_names, _has_one_name):
        for position, name in enumerate(names):
            if chosen[position] is None:
                chosen[position] = next((room for room in rooms if room not in chosen and same(room, name)), None)
    for position in range(min(len(names), len(rooms))):
        if chosen[position] is None and rooms[position] not in chosen:
            chosen[position] = rooms[position]
    return names, chosen, [room for room in rooms if room not in chosen]


def _has_both_names(room: Room, name: RoomDetails) -> bool:
    return RoomDetails.of(room) == name


def _has_one_name(room: Room, name: RoomDetails) -> bool:
    return bool((name.name_zh and name.name_zh == room.name_zh) or (name.name_en and name.name_en == room.name_en))


def talks_losing_their_room(venue: Venue, details: VenueDetails) -> list[EventSession]:
    """The agenda items whose room saving `details` removes (to tell the organizer)."""
    return _talks_in(plan_rooms(venue.rooms, details.rooms)[2])


def _talks_in(rooms: list[Room]) -> list[EventSession]:
    if not rooms:
        return []
    return list(db.session.scalars(select(EventSession).where(EventSession.room_id.in_([room.id for room in rooms]))
                                   .order_by(EventSession.starts_at, EventSession.id)))


def _replace_rooms(venue: Venue, wanted: tuple[RoomDetails, ...], *, now: datetime) -> list[TalkBefore]:
    """Returns the talks whose room is renamed or removed, each with its facts before."""
    names, chosen, removed = plan_rooms(venue.rooms, wanted)
    if names == [RoomDetails.of(room) for room in venue.rooms]:
        return []
    renamed = [room for room, name in zip(chosen, names, strict=True)
               if room is not None and RoomDetails.of(room) != name]
    losing, moving = _talks_in(removed), _talks_in(renamed)
    before = [(talk, TalkFacts.of(talk, talk.event.timezone)) for talk in [*losing, *moving]]
    _clear_rooms(losing, now=now)
    for talk in moving:
        talk.sequence += 1  # its LOCATION in the agenda feed changes
        talk.updated_at = now
    rooms = [room or Room() for room in chosen]
    for position, (room, name) in enumerate(zip(rooms, names, strict=True)):
        copy_columns(name, room)
        room.position = position
    venue.rooms = rooms  # the removed ones are deleted (delete-orphan)
    venue.updated_at = now  # rooms have no timestamp of their own; agenda feeds show them
    return before


def _clear_rooms(talks: list[EventSession], *, now: datetime) -> None:
    for talk in talks:
        talk.room = None
        talk.sequence += 1
        talk.updated_at = now  # its agenda entry changed


def save_event(event: Event, details: EventDetails, *, now: datetime) -> Event:
    """Create (pass a new Event()) or edit an event. Raises ValidationFailed naming the field at fault."""
    check_timezone(details.timezone)
    check_single_lines(details, EVENT_LINES)
    for field in EVENT_TIMES:
        check_supported_year(getattr(details, field), field)
    check_time_span(details.starts_at, details.ends_at)
    check_capacity(details.capacity)
    check_registration_window(details.registration_opens_at, details.registration_closes_at, details.starts_at)
    changed: frozenset[str] = frozenset()
    before = EventFacts.of(event) if event.id else None
    if event.id:
        check_sessions_fit(event, details.starts_at, details.ends_at)
        changed = _changed_fields(event, details, SEQUENCE_FIELDS | SCOPE_FIELDS | SEAT_FIELDS)
        if changed & SCOPE_FIELDS:
            _leave_scopes(event, host_ids=[event.host_id], now=now)
        _clear_rooms(talks_losing_their_room_by_move(event, details), now=now)
        _shift_agenda(event, details.starts_at - event.starts_at, now=now)
    copy_columns(details, event, skip=("co_host_ids",))
    _replace_co_hosts(event, details.co_host_ids, now=now)
    if changed & SEQUENCE_FIELDS:
        event.sequence += 1
    db.session.add(event)
    db.session.flush()
    if changed & SCOPE_FIELDS:
        # The relationships still hold the old campaign, venue or host: the mails and their calendar
        # files, built next, must show the new ones.
        db.session.expire(event, ["campaign", "venue", "host"])
    if before is not None:
        _tell_of_change(event, before, now=now)
    if changed & SEAT_FIELDS:
        signals.event_seats_changed.send(event, now=now)
    return event


def _tell_of_change(event: Event, before: EventFacts, *, now: datetime) -> None:
    """Attendees of a published event hear of a new time, place or title (SPEC 3.5), once per save."""
    change = Change(before, EventFacts.of(event))
    if change.aspects and event.status == EventStatus.PUBLISHED:
        signals.event_changed.send(event, now=now, change=change)


def _tell_of_talk_change(talk: EventSession, change: Change, *, now: datetime) -> None:
    """Attendees of a published event hear of a talk's new time or room (its title alone is no news)."""
    if {Aspect.TIME, Aspect.PLACE} & set(change.aspects) and talk.event.status == EventStatus.PUBLISHED:
        signals.talk_changed.send(talk, now=now, change=change)


def _shift_agenda(event: Event, shift: timedelta, *, now: datetime) -> None:
    """Moving an event moves its agenda with it: every talk keeps its place relative to the start,
    in the same save (and so the same one notification) as the event."""
    if not shift:
        return
    for session in event.sessions:
        session.starts_at += shift
        session.ends_at += shift
        session.updated_at = now


def talks_losing_their_room_by_move(event: Event, details: EventDetails) -> list[EventSession]:
    """Moving an event to another venue takes its agenda items out of the old venue's rooms."""
    if not event.id or details.venue_id == event.venue_id:
        return []
    return [session for session in event.sessions if session.room_id is not None]


def _changed_fields(row: object, details: object, names: frozenset[str]) -> frozenset[str]:
    """Those of `names` whose value in `details` differs from the row's column of the same name."""
    return frozenset(name for name in names if getattr(details, name) != getattr(row, name))


def _replace_co_hosts(event: Event, co_host_ids: tuple[int, ...], *, now: datetime) -> None:
    ids = [i for i in co_host_ids if i != event.host_id]
    co_hosts = list(db.session.scalars(select(Organization).where(Organization.id.in_(ids)))) if ids else []
    if {org.id for org in co_hosts} == {org.id for org in event.co_hosts}:
        return
    if event.id:
        _leave_scopes(event, host_ids=[org.id for org in event.co_hosts if org not in co_hosts], now=now)
        # The link table is not a watched column: the audit log is told here.
        audit.record("event.updated", subject_type="event", subject_id=event.id, event_id=event.id,
                     label=audit_label(event.title_zh, event.title_en),
                     details={"co_host_ids": [sorted(org.id for org in event.co_hosts),
                                              sorted(org.id for org in co_hosts)]})
    event.co_hosts = co_hosts
    event.updated_at = now  # the link table has no timestamp; feeds must still see the change


def _leave_scopes(event: Event, *, host_ids: list[int], now: datetime) -> None:
    """Tombstones for the feeds an event is leaving (its old campaign, venue and these hosts)."""
    for host_id in host_ids:
        db.session.add(DeletedEvent(event_id=event.id, campaign_id=event.campaign_id, venue_id=event.venue_id,
                                    host_id=host_id, deleted_at=now))


def publish_event(event: Event) -> Event:
    if event.status != EventStatus.DRAFT:
        raise NotAllowedInState(_l("Only a draft can be published."))
    return _change_status(event, EventStatus.PUBLISHED)


def unpublish_event(event: Event) -> Event:
    """Back to draft: the event disappears from public pages and feeds."""
    if event.status != EventStatus.PUBLISHED:
        raise NotAllowedInState(_l("Only a published event can be unpublished."))
    signals.event_unpublishing.send(event)
    return _change_status(event, EventStatus.DRAFT)


def check_can_cancel(event: Event) -> None:
    """Only a published event is cancelled: a cancelled event is public, so cancelling a draft would
    publish it, internal reason and all. A draft is deleted instead."""
    if event.status == EventStatus.DRAFT:
        raise NotAllowedInState(_l("A draft is shown to nobody, so there is nothing to cancel: delete it instead."))
    if event.status == EventStatus.CANCELLED:
        raise NotAllowedInState(_l("This event is already cancelled."))


def check_cancellation_reason(reason_zh: str, reason_en: str) -> None:
    if not reason_zh.strip() and not reason_en.strip():
        raise ValidationFailed(_l("Tell attendees why the event is cancelled, in at least one language."),
                               "reason_zh")


def cancel_event(event: Event, *, reason_zh: str, reason_en: str, now: datetime) -> Event:
    """Cancel a published event with a reason for its attendees, in Chinese, English or both."""
    check_can_cancel(event)
    check_cancellation_reason(reason_zh, reason_en)
    event.cancellation_reason_zh, event.cancellation_reason_en = reason_zh.strip(), reason_en.strip()
    _change_status(event, EventStatus.CANCELLED)
    signals.event_cancelled.send(event, now=now)
    return event


def check_can_reinstate(event: Event, *, now: datetime) -> None:
    if event.status != EventStatus.CANCELLED:
        raise NotAllowedInState(_l("Only a cancelled event can be reinstated."))
    if now >= event.starts_at:
        raise NotAllowedInState(_l("This event has already started: it can no longer be reinstated."))


def reinstate_event(event: Event, *, now: datetime) -> Event:
    """A cancelled event takes place after all: public again, open for sign-ups, and its attendees'
    calendars show it again (a higher SEQUENCE, STATUS:CONFIRMED)."""
    check_can_reinstate(event, now=now)
    event.cancellation_reason_zh = event.cancellation_reason_en = ""
    _change_status(event, EventStatus.PUBLISHED)
    signals.event_reinstated.send(event, now=now)
    return event


def delete_event(event: Event, *, now: datetime) -> None:
    if event.status != EventStatus.DRAFT:
        raise NotAllowedInState(_l("Only a draft can be deleted; cancel a published event instead."))
    signals.event_deleting.send(event)
    _leave_scopes(event, host_ids=[event.host_id], now=now)
    db.session.delete(event)
    db.session.flush()


def _change_status(event: Event, status: EventStatus) -> Event:
    event.status = status
    event.sequence += 1
    db.session.flush()
    return event


def save_session(session: EventSession, details: SessionDetails, *, event: Event, now: datetime) -> EventSession:
    """Create (pass a new EventSession()) or edit an agenda item of `event`."""
    check_single_lines(details, SESSION_LINES)
    for speaker in details.speakers:
        for field in SPEAKER_LINES:
            check_single_line(getattr(speaker, field), "speakers")
    check_supported_year(details.starts_at, "starts_at")
    check_supported_year(details.ends_at, "ends_at")
    check_time_span(details.starts_at, details.ends_at)
    check_session_within_event(event, details.starts_at, details.ends_at)
    if details.room_id is not None and details.room_id not in {room.id for room in event.venue.rooms}:
        raise ValidationFailed(_l("Choose a room of this event's venue."), "room_id")
    before = TalkFacts.of(session, event.timezone) if session.id else None
    speakers_before = [speaker.name_zh or speaker.name_en for speaker in session.speakers] if session.id else []
    copy_columns(details, session, skip=("speakers",))
    session.event = event
    session.updated_at = event.updated_at = now  # speakers live in their own table: mark the change
    named = [speaker.stripped() for speaker in details.speakers if speaker.name_zh.strip() or speaker.name_en.strip()]
    session.speakers = [Speaker(position=position) for position in range(len(named))]
    for row, speaker in zip(session.speakers, named, strict=True):
        copy_columns(speaker, row)
    speakers_after = [speaker.name_zh or speaker.name_en for speaker in named]
    if session.id and speakers_after != speakers_before:  # their own table: the audit log is told here
        audit.record("session.updated", subject_type="session", subject_id=session.id, event_id=event.id,
                     label=audit_label(session.title_zh, session.title_en),
                     details={"speakers": [", ".join(speakers_before), ", ".join(speakers_after)]})
    db.session.add(session)
    db.session.flush()
    if before is not None:
        db.session.refresh(session, ["room"])  # room_id may have changed
        change = Change(before, TalkFacts.of(session, event.timezone))
        if change.aspects:
            session.sequence += 1  # the talk's agenda entry changed (feeds/agenda.py)
        _tell_of_talk_change(session, change, now=now)
        db.session.flush()
    return session


def delete_session(session: EventSession, *, now: datetime) -> None:
    session.event.updated_at = now  # the event's agenda feed changed
    db.session.delete(session)
    db.session.flush()
