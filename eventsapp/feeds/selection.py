"""Which events a feed shows, and a fingerprint of everything it shows (for ETag, 304 and the cache).

A feed holds its scope's public events from 30 days back and all future ones; a cancelled event
stays (marked cancelled) until a week after its end, then leaves. Last-Modified is the latest of:
a change to any event of the scope or to its venue, hosts or campaign, or to the scope's own
campaign, venue or organization (its name is the calendar's), an event leaving the window, and an
event deleted or moved out of the scope, so it never goes backwards.

The fingerprint adds the rows' revision counters: updated_at is taken before commit, so a change
committed late could carry an older time than one already seen; a sum of revisions only grows.
"""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha256

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import aliased

from ..catalogue.models import Campaign, DeletedEvent, Event, EventStatus, Organization, Venue, event_co_host
from ..catalogue.queries import EVENT_LIST_LOADING
from ..database import TimestampMixin
from ..extensions import db

PAST_WINDOW = timedelta(days=30)
MAX_FEED_EVENTS = 400  # nearest first: keeps every feed far below the 1 MB Google accepts
CANCELLED_STAYS_FOR = timedelta(days=7)
EPOCH = datetime.fromisoformat("2000-01-01T00:00:00+00:00")

# Made once: an alias builds and remembers its columns' expressions, which a new alias per poll built again
# (a third of feed_state's time).
HOST = aliased(Organization, name="host")
CO_HOST = aliased(Organization, name="co_host")


@dataclass(frozen=True)
class Scope:
    """What a feed is about: `events` filters Event, `deleted` filters DeletedEvent (None: none apply)."""

    key: str  # stable text naming the scope, part of the cache key
    events: ColumnElement[bool]
    deleted: ColumnElement[bool] | None = None
    window: bool = True  # a single-event download shows the event whatever its date
    owner: Campaign | Venue | Organization | None = None  # whose name the calendar bears
    # Rows of other tables the feed shows too, as (model, condition): e.g. a person's registrations,
    # which decide what a personal feed lists and which events it marks tentative.
    also_shows: tuple[tuple[type[TimestampMixin], ColumnElement[bool]], ...] = ()


def all_events_scope() -> Scope:
    return Scope("all", true(), true())


def campaign_scope(campaign: Campaign) -> Scope:
    return Scope(f"campaign:{campaign.id}", Event.campaign_id == campaign.id,
                 DeletedEvent.campaign_id == campaign.id, owner=campaign)


def venue_scope(venue: Venue) -> Scope:
    return Scope(f"venue:{venue.id}", Event.venue_id == venue.id, DeletedEvent.venue_id == venue.id, owner=venue)


def host_scope(organization: Organization) -> Scope:
    hosted = or_(Event.host_id == organization.id, Event.co_hosts.any(Organization.id == organization.id))
    return Scope(f"host:{organization.id}", hosted, DeletedEvent.host_id == organization.id, owner=organization)


def event_scope(event: Event) -> Scope:
    return Scope(f"event:{event.id}", Event.id == event.id, window=False)


def agenda_scope(event: Event) -> Scope:
    """Agenda changes touch the event's updated_at (catalogue.save_session), so the event's state covers them."""
    return Scope(f"agenda:{event.id}", Event.id == event.id, window=False)


def in_feed(now: datetime) -> ColumnElement[bool]:
    return or_(and_(Event.status == EventStatus.PUBLISHED, Event.ends_at >= now - PAST_WINDOW),
               and_(Event.status == EventStatus.CANCELLED, Event.ends_at >= now - CANCELLED_STAYS_FOR))


def feed_events(scope: Scope, *, now: datetime) -> list[Event]:
    shown = in_feed(now) if scope.window else Event.is_public
    query = (select(Event).where(scope.events, shown).options(*EVENT_LIST_LOADING)
             .order_by(Event.starts_at, Event.id).limit(MAX_FEED_EVENTS))
    return list(db.session.scalars(query).unique())


@dataclass(frozen=True)
class FeedState:
    last_modified: datetime
    count: int
    revisions: tuple
    # The next moment an event leaves the window with time alone (None: no event will): until then the
    # feed changes only with the catalogue.
    next_change: datetime | None = None

    def fingerprint(self, scope: Scope, lang: str) -> str:
        text = f"{scope.key}|{lang}|{self.count}|{self.revisions}|{self.last_modified.isoformat()}"
        return sha256(text.encode()).hexdigest()


def feed_state(scope: Scope, *, now: datetime) -> FeedState:
    """One aggregate query, cheap enough for every poll of every calendar client."""
    host = HOST
    shown = in_feed(now) if scope.window else Event.is_public
    published_left = and_(Event.status == EventStatus.PUBLISHED, Event.ends_at < now - PAST_WINDOW)
    cancelled_left = and_(Event.status == EventStatus.CANCELLED, Event.ends_at < now - CANCELLED_STAYS_FOR)
    changed, revised = _related_rows(scope)
    for table in (Event, Venue, host, Campaign):
        changed.append(func.max(table.updated_at))
        revised.append(func.coalesce(func.sum(table.revision), 0))
    published_stays = and_(Event.status == EventStatus.PUBLISHED, Event.ends_at >= now - PAST_WINDOW)
    cancelled_stays = and_(Event.status == EventStatus.CANCELLED, Event.ends_at >= now - CANCELLED_STAYS_FOR)
    row = db.session.execute(
        select(func.count(Event.id).filter(shown), func.max(Event.ends_at).filter(published_left),
               func.max(Event.ends_at).filter(cancelled_left), func.min(Event.ends_at).filter(published_stays),
               func.min(Event.ends_at).filter(cancelled_stays), *changed, *revised)
        .select_from(Event).join(Venue, Event.venue_id == Venue.id)
        .join(host, Event.host_id == host.id).join(Campaign, Event.campaign_id == Campaign.id)
        .where(scope.events)).one()
    count, last_published_end, last_cancelled_end, first_published_end, first_cancelled_end = row[:5]
    moments = list(row[5:5 + len(changed)])
    leaving = []
    if scope.window:  # the moment an event left the window is a change of the feed
        if last_published_end:
            moments.append(last_published_end + PAST_WINDOW)
        if last_cancelled_end:
            moments.append(last_cancelled_end + CANCELLED_STAYS_FOR)
        if first_published_end:
            leaving.append(first_published_end + PAST_WINDOW)
        if first_cancelled_end:
            leaving.append(first_cancelled_end + CANCELLED_STAYS_FOR)
    return FeedState(last_modified=max([as_aware(m) for m in moments if m is not None] or [EPOCH]), count=count,
                     revisions=tuple(int(r or 0) for r in row[5 + len(changed):]),
                     next_change=min((as_aware(m) for m in leaving), default=None))


def _related_rows(scope: Scope) -> tuple[list, list]:
    """Scalar subqueries for rows outside the join: (latest change times, revision sums)."""
    co_host = CO_HOST
    co_hosts = (select(co_host).join(event_co_host, event_co_host.c.organization_id == co_host.id)
                .where(event_co_host.c.event_id.in_(select(Event.id).where(scope.events))).subquery())
    changed = [select(func.max(co_hosts.c.updated_at)).scalar_subquery()]
    revised = [select(func.coalesce(func.sum(co_hosts.c.revision), 0)).scalar_subquery()]
    if scope.owner is not None:
        owner_model = type(scope.owner)
        changed.append(select(owner_model.updated_at).where(owner_model.id == scope.owner.id).scalar_subquery())
        revised.append(select(owner_model.revision).where(owner_model.id == scope.owner.id).scalar_subquery())
    if scope.deleted is not None:
        changed.append(select(func.max(DeletedEvent.deleted_at)).where(scope.deleted).scalar_subquery())
        revised.append(select(func.count(DeletedEvent.id)).where(scope.deleted).scalar_subquery())
    for model, condition in scope.also_shows:
        changed.append(select(func.max(model.updated_at)).where(condition).scalar_subquery())
        revised.append(select(func.coalesce(func.sum(model.revision), 0)).where(condition).scalar_subquery())
    return changed, revised


def as_aware(moment) -> datetime:
    """A scalar subquery's max() comes back untyped on SQLite: a naive UTC datetime or its text."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
