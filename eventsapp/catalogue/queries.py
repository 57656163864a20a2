"""What the catalogue shows: public pages, the back-office overview, and what feeds select from.

Queries only; changes go through services.py.
"""
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from .models import Campaign, Event, EventSession, EventStatus, Organization, Venue

# Everything a list of events shows, loaded in a fixed number of queries whatever the list length.
EVENT_LIST_LOADING = (
    joinedload(Event.campaign),
    joinedload(Event.host),
    joinedload(Event.venue),
    selectinload(Event.co_hosts),
)


def public_events() -> Select:
    return select(Event).where(Event.is_public).options(*EVENT_LIST_LOADING)


def upcoming_events(*, now: datetime, limit: int = 12) -> list[Event]:
    query = public_events().where(Event.ends_at >= now).order_by(Event.starts_at).limit(limit)
    return list(db.session.scalars(query).unique())


def campaigns_for_home(*, limit: int = 20) -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()).limit(limit)))


def campaign_events(campaign: Campaign) -> list[tuple[int, Event]]:
    """The campaign's public events in date order, numbered: (1, first event), (2, ...)."""
    query = public_events().where(Event.campaign_id == campaign.id).order_by(Event.starts_at, Event.id)
    return list(enumerate(db.session.scalars(query).unique(), start=1))


def event_number_in_campaign(event: Event) -> int:
    """'The fourth event': its place among the campaign's public events, by start time."""
    earlier = select(func.count(Event.id)).where(
        Event.campaign_id == event.campaign_id,
        Event.is_public,
        or_(Event.starts_at < event.starts_at, (Event.starts_at == event.starts_at) & (Event.id < event.id)),
    )
    return (db.session.scalar(earlier) or 0) + 1


def get_public_event(event_id: int, *, with_agenda: bool = True) -> Event | None:
    """A published or cancelled event; `with_agenda` also loads its sessions and speakers."""
    query = public_events().where(Event.id == event_id)
    if with_agenda:
        query = query.options(selectinload(Event.sessions).selectinload(EventSession.speakers),
                              selectinload(Event.sessions).joinedload(EventSession.room))
    return db.session.scalars(query).unique().one_or_none()


def venue_events(venue: Venue) -> list[Event]:
    query = public_events().where(Event.venue_id == venue.id).order_by(Event.starts_at.desc())
    return list(db.session.scalars(query).unique())


def hosted_events(organization: Organization) -> list[Event]:
    """Events the organization hosts or co-hosts, newest first."""
    co_hosted = Event.co_hosts.any(Organization.id == organization.id)
    query = public_events().where(or_(Event.host_id == organization.id, co_hosted)).order_by(Event.starts_at.desc())
    return list(db.session.scalars(query).unique())


def dashboard_summary(*, now: datetime) -> dict:
    """What an organizer sees first: counts by status and the next events."""
    counts = dict(db.session.execute(select(Event.status, func.count(Event.id)).group_by(Event.status)).all())
    upcoming = select(Event).where(Event.ends_at >= now).options(*EVENT_LIST_LOADING).order_by(Event.starts_at)
    return {
        "counts": {status.value: counts.get(status, 0) for status in EventStatus},
        "campaigns": db.session.scalar(select(func.count(Campaign.id))),
        "upcoming": list(db.session.scalars(upcoming.limit(8)).unique()),
    }
