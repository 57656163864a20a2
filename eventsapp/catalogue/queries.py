"""What the catalogue shows: public pages, the back-office overview, and what feeds select from.

Queries only; changes go through services.py.
"""
from collections.abc import Callable
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from .finding import EventFilter, FilterOptions, Month, filter_options
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


# Finding events: the home page's upcoming events, a campaign's events, and the archive of past ones.

def find_upcoming_events(wanted: EventFilter, *, now: datetime, page: int, per_page: int) -> Pagination:
    """One page of the public events not over yet that match, soonest first."""
    query = public_events().where(Event.ends_at >= now, *matching(wanted)).order_by(Event.starts_at, Event.id)
    return db.paginate(query, page=page, per_page=per_page, max_per_page=per_page, error_out=False)


def upcoming_filter_options(*, now: datetime) -> FilterOptions:
    """The campaigns, districts and months the upcoming public events offer to filter by."""
    facts = select(Event.starts_at, Event.timezone, Event.campaign_id, Venue.district_zh, Venue.district_en) \
        .join(Event.venue).where(Event.is_public, Event.ends_at >= now)
    return filter_options(db.session.execute(facts))


def matching_event_ids(wanted: EventFilter, *, campaign: Campaign) -> set[int]:
    query = select(Event.id).where(Event.campaign_id == campaign.id, Event.is_public, *matching(wanted))
    return set(db.session.scalars(query))


def matching(wanted: EventFilter) -> list[ColumnElement[bool]]:
    """The filter as SQL conditions on Event; each search word may be anywhere in a title or host name."""
    conditions = [] if wanted.campaign_id is None else [Event.campaign_id == wanted.campaign_id]
    if wanted.district:
        in_district = or_(Venue.district_zh == wanted.district,
                          and_(Venue.district_zh == "", Venue.district_en == wanted.district))
        conditions.append(Event.venue_id.in_(select(Venue.id).where(in_district)))
    if wanted.month is not None:
        conditions.append(starts_in_month(wanted.month))
    conditions.extend(mentions(term) for term in wanted.search_terms)
    return conditions


def starts_in_month(month: Month) -> ColumnElement[bool]:
    """The month in each event's own zone: one time window per zone events are in."""
    zones = db.session.scalars(select(Event.timezone).distinct())
    windows = [and_(Event.timezone == zone, Event.starts_at >= start, Event.starts_at < end)
               for zone in zones for start, end in [month.utc_bounds(zone)]]
    return or_(false(), *windows)


def mentions(term: str) -> ColumnElement[bool]:
    """Case-insensitive on both databases (lower() on each side); % and _ are taken literally."""
    named = or_(Organization.name_zh.icontains(term, autoescape=True),
                Organization.name_en.icontains(term, autoescape=True))
    return or_(Event.title_zh.icontains(term, autoescape=True), Event.title_en.icontains(term, autoescape=True),
               Event.host.has(named), Event.co_hosts.any(named))


def archive_years(*, now: datetime) -> list[tuple[int, int, int]]:
    """(year, campaigns, events) for each campaign year with public events that are over, newest first."""
    query = select(Campaign.year, func.count(Campaign.id.distinct()), func.count(Event.id)) \
        .join(Event.campaign).where(Event.is_public, Event.ends_at < now) \
        .group_by(Campaign.year).order_by(Campaign.year.desc())
    return [(year, campaigns, events) for year, campaigns, events in db.session.execute(query)]


def archived_campaigns(year: int, *, now: datetime) -> list[tuple[Campaign, list[tuple[int, Event]]]]:
    """The year's campaigns with their public events that are over, each numbered by its place in the
    campaign (past and upcoming events count alike); campaigns without such events are left out."""
    of_year = select(Campaign.id).where(Campaign.year == year)
    query = public_events().where(Event.campaign_id.in_(of_year)).order_by(Event.campaign_id, Event.starts_at, Event.id)
    by_campaign: dict[int, list[Event]] = {}
    for event in db.session.scalars(query).unique():
        by_campaign.setdefault(event.campaign_id, []).append(event)
    archived = []
    for events in by_campaign.values():
        numbered = [(number, event) for number, event in enumerate(events, start=1) if event.ends_at < now]
        if numbered:
            archived.append((events[0].campaign, numbered))
    return archived


def titles_for_audit_log(ids: set[int]) -> dict[int, str]:
    return {event.id: event.title for event in db.session.scalars(select(Event).where(Event.id.in_(ids)))}


def names_for_audit_log(model: type[Campaign | Organization | Venue]) -> Callable[[set[int]], dict[int, str]]:
    """A namer for the audit log: ids → the current names of these campaigns, organizations or venues."""
    def names(ids: set[int]) -> dict[int, str]:
        rows: list[Campaign | Organization | Venue] = list(db.session.scalars(select(model).where(model.id.in_(ids))))
        return {row.id: str(row.name) for row in rows}
    return names
