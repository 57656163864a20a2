"""Business rules of the catalogue: what organizers may change, and how (queries.py reads).

Services flush; the caller (route, CLI, test) commits once.
"""
import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..database import utcnow
from ..errors import NotAllowedInState, ValidationFailed
from ..extensions import db
from ..timezones import is_known_timezone
from . import signals
from .queries import public_events
from .models import Campaign, DeletedEvent, Event, EventSession, EventStatus, Organization, Room, Speaker, Venue
from .uscc import is_valid_uscc

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A change of time or place must reach calendar clients and attendees (an e-mail each).
SCHEDULE_FIELDS = ("starts_at", "ends_at", "timezone", "venue_id")
# What calendar clients must notice: these raise the event's SEQUENCE (RFC 5545 3.8.7.4).
SEQUENCE_FIELDS = (*SCHEDULE_FIELDS, "title_zh", "title_en")
SCOPE_FIELDS = ("campaign_id", "venue_id", "host_id")  # the feeds an event belongs to
VENUE_PLACE_FIELDS = ("name_zh", "name_en", "address_zh", "address_en")
SEAT_FIELDS = ("capacity", "waitlist_enabled")
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


def check_sessions_fit(event: Event, starts_at: datetime, ends_at: datetime) -> None:
    """Moving an event must not leave part of its agenda outside it."""
    for session in event.sessions:
        if session.starts_at < starts_at or session.ends_at > ends_at:
            raise ValidationFailed(
                _l("Agenda item “%(title)s” would fall outside the event; move it first.", title=session.title),
                "starts_at",
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

def save_campaign(campaign: Campaign, **fields) -> Campaign:
    check_slug(fields.get("slug", campaign.slug), campaign=campaign if campaign.id else None)
    _assign(campaign, fields)
    db.session.add(campaign)
    db.session.flush()
    return campaign


def delete_campaign(campaign: Campaign) -> None:
    if campaign.events:
        raise NotAllowedInState(_l("Only a campaign without events can be deleted."))
    db.session.delete(campaign)
    db.session.flush()


def save_organization(organization: Organization, **fields) -> Organization:
    fields["uscc"] = (fields.get("uscc") or "").strip().upper() or None
    check_uscc(fields["uscc"], organization=organization if organization.id else None)
    _assign(organization, fields)
    db.session.add(organization)
    db.session.flush()
    return organization


def save_venue(venue: Venue, *, room_names: list[str], now: datetime | None = None, **fields) -> Venue:
    """Create or edit a venue. A new name or address moves the place of its coming events: their
    SEQUENCE goes up and their attendees are told, as for any change of place."""
    check_timezone(fields.get("timezone", venue.timezone))
    place_changed = bool(venue.id) and _changes(venue, fields, VENUE_PLACE_FIELDS)
    _assign(venue, fields)
    _replace_rooms(venue, room_names)
    db.session.add(venue)
    db.session.flush()
    if place_changed:
        for event in db.session.scalars(public_events().where(Event.venue_id == venue.id,
                                                              Event.ends_at >= (now or utcnow()))).unique():
            event.sequence += 1
            if event.status == EventStatus.PUBLISHED:
                signals.event_rescheduled.send(event)
        db.session.flush()
    return venue


def _replace_rooms(venue: Venue, room_names: list[str]) -> None:
    """Rooms whose name stays are kept; a new name takes over a dropped room in order (a rename keeps
    the agenda items in that room); only what is left over is removed."""
    wanted = list(dict.fromkeys(name.strip() for name in room_names if name.strip()))
    if wanted == [room.name for room in venue.rooms]:
        return
    kept = {room.name: room for room in venue.rooms if room.name in wanted}
    free = [room for room in venue.rooms if room.name not in wanted]
    rooms = []
    for name in wanted:
        room = kept.get(name) or (free.pop(0) if free else Room(name=name))
        room.name = name
        rooms.append(room)
    venue.rooms = rooms
    for position, room in enumerate(rooms):
        room.position = position
    venue.updated_at = utcnow()  # rooms have no timestamp of their own; agenda feeds show them


def save_event(event: Event, *, co_host_ids: list[int] | None = None, **fields) -> Event:
    """Create or edit an event. Raises ValidationFailed naming the field at fault."""
    merged = {name: fields.get(name, getattr(event, name, None)) for name in
              ("starts_at", "ends_at", "timezone", "registration_opens_at", "registration_closes_at", "capacity")}
    check_timezone(merged["timezone"])
    check_time_span(merged["starts_at"], merged["ends_at"])
    if merged["capacity"] is None or merged["capacity"] < 1:
        raise ValidationFailed(_l("Capacity must be at least 1."), "capacity")
    check_registration_window(merged["registration_opens_at"], merged["registration_closes_at"],
                              merged["starts_at"])
    if event.id:
        check_sessions_fit(event, merged["starts_at"], merged["ends_at"])
    rescheduled = bool(event.id) and _changes(event, fields, SCHEDULE_FIELDS)
    resequenced = bool(event.id) and _changes(event, fields, SEQUENCE_FIELDS)
    seats_changed = bool(event.id) and _changes(event, fields, SEAT_FIELDS)
    if event.id and _changes(event, fields, SCOPE_FIELDS):
        _leave_scopes(event, host_ids=[event.host_id])
    _assign(event, fields)
    if co_host_ids is not None:
        ids = [i for i in co_host_ids if i != event.host_id]
        co_hosts = list(db.session.scalars(select(Organization).where(Organization.id.in_(ids)))) if ids else []
        if {org.id for org in co_hosts} != {org.id for org in event.co_hosts}:
            _leave_scopes(event, host_ids=[org.id for org in event.co_hosts if org not in co_hosts])
            event.co_hosts = co_hosts
            event.updated_at = utcnow()  # the link table has no timestamp; feeds must still see the change
    if resequenced:
        event.sequence += 1
    db.session.add(event)
    db.session.flush()
    if rescheduled and event.status == EventStatus.PUBLISHED:
        signals.event_rescheduled.send(event)
    if seats_changed:
        signals.event_seats_changed.send(event)
    return event


def _changes(obj, fields: dict, names: tuple[str, ...]) -> bool:
    return any(name in fields and fields[name] != getattr(obj, name) for name in names)


def _leave_scopes(event: Event, *, host_ids: list[int]) -> None:
    """Tombstones for the feeds an event is leaving (its old campaign, venue and these hosts)."""
    for host_id in host_ids:
        db.session.add(DeletedEvent(event_id=event.id, campaign_id=event.campaign_id, venue_id=event.venue_id,
                                    host_id=host_id, deleted_at=utcnow()))


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


def cancel_event(event: Event, *, reason: str) -> Event:
    if event.status == EventStatus.CANCELLED:
        raise NotAllowedInState(_l("This event is already cancelled."))
    if not reason.strip():
        raise ValidationFailed(_l("Tell attendees why the event is cancelled."), "reason")
    event.cancellation_reason = reason.strip()
    was_public = event.is_public
    _change_status(event, EventStatus.CANCELLED)
    if was_public:
        signals.event_cancelled.send(event)
    return event


def delete_event(event: Event, *, now: datetime) -> None:
    if event.status != EventStatus.DRAFT:
        raise NotAllowedInState(_l("Only a draft can be deleted; cancel a published event instead."))
    db.session.add(DeletedEvent(event_id=event.id, campaign_id=event.campaign_id, venue_id=event.venue_id,
                                host_id=event.host_id, deleted_at=now))
    db.session.delete(event)
    db.session.flush()


def _change_status(event: Event, status: EventStatus) -> Event:
    event.status = status
    event.sequence += 1
    db.session.flush()
    return event


def save_session(session: EventSession, *, event: Event, speakers: list[dict], **fields) -> EventSession:
    """Create or edit an agenda item; speakers are dicts of name, job_title, organization."""
    check_time_span(fields["starts_at"], fields["ends_at"])
    check_session_within_event(event, fields["starts_at"], fields["ends_at"])
    room_id = fields.get("room_id")
    if room_id is not None and room_id not in {room.id for room in event.venue.rooms}:
        raise ValidationFailed(_l("Choose a room of this event's venue."), "room_id")
    _assign(session, fields)
    session.event = event
    session.updated_at = event.updated_at = utcnow()  # speakers live in their own table: mark the change
    session.speakers = [
        Speaker(position=position, name=s["name"].strip(), job_title=(s.get("job_title") or "").strip(),
                organization=(s.get("organization") or "").strip())
        for position, s in enumerate(s for s in speakers if (s.get("name") or "").strip())
    ]
    db.session.add(session)
    db.session.flush()
    return session


def delete_session(session: EventSession) -> None:
    session.event.updated_at = utcnow()  # the event's agenda feed changed
    db.session.delete(session)
    db.session.flush()


def _assign(obj, fields: dict) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
