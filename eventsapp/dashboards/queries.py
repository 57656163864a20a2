"""What the dashboards draw, read in aggregate: one statement per chart, returning one row per day, event
or organization, never one per registration (the number of statements and rows stays the same for 10 or
100,000 sign-ups).

Plain functions of their inputs (`now` is passed in). Days are local days at the event (days.local_day).
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, func, literal, literal_column, or_, select, true, union_all

from ..catalogue.models import Event, Organization
from ..database import UTCDateTime
from ..extensions import db
from ..registration.models import SEAT_HOLDING, Delegation, Registration, RegistrationStatus
from .days import as_date, local_day, periods_since

TOP = 10  # organizations and companies shown in a ranking
CHECK_IN_PERIOD = timedelta(minutes=15)  # check-ins over time: per quarter hour from the start
LATE_AFTER = CHECK_IN_PERIOD  # a late arrival: checked in 15 minutes or more after the start


@dataclass(frozen=True)
class EventFigures:
    """An event's registrations by what they are now; no-shows only once the event is over."""

    capacity: int
    ended: bool
    signed_up: int = 0  # every registration ever made, cancelled ones too
    confirmed: int = 0
    checked_in: int = 0
    waitlisted: int = 0
    invited: int = 0
    cancelled: int = 0

    @property
    def registered(self) -> int:
        """Not cancelled: holding a seat, waiting, or invited by their company."""
        return self.signed_up - self.cancelled

    @property
    def seated(self) -> int:
        return self.confirmed + self.checked_in

    @property
    def fill_rate(self) -> float:
        return self.seated / self.capacity if self.capacity else 0.0

    @property
    def no_shows(self) -> int | None:
        """Held a seat when the event ended but never checked in; None before the end."""
        return self.confirmed if self.ended else None

    @property
    def attendance_rate(self) -> float | None:
        """Checked in, of those who held a seat at the end; None before the end or without seats."""
        return self.checked_in / self.seated if self.ended and self.seated else None

    @property
    def no_show_rate(self) -> float | None:
        return self.confirmed / self.seated if self.ended and self.seated else None


def event_figures(events: Sequence[Event], *, now: datetime) -> dict[int, EventFigures]:
    """Figures of each event, in one query."""
    if not events:
        return {}
    status = Registration.status
    rows = db.session.execute(
        select(Registration.event_id, func.count(Registration.id),
               *(func.count(Registration.id).filter(status == wanted) for wanted in (
                   RegistrationStatus.CONFIRMED, RegistrationStatus.CHECKED_IN, RegistrationStatus.WAITLISTED,
                   RegistrationStatus.INVITED, RegistrationStatus.CANCELLED)))
        .where(Registration.event_id.in_([event.id for event in events])).group_by(Registration.event_id))
    counts = {event_id: numbers for event_id, *numbers in rows}
    return {event.id: EventFigures(event.capacity, event.ends_at <= now, *counts.get(event.id, ()))
            for event in events}


@dataclass(frozen=True)
class Day:
    day: date
    signed_up: int = 0  # new sign-ups that day
    total: int = 0  # sign-ups up to the end of that day
    seated: int = 0  # holding a seat at the end of that day
    waiting: int = 0  # on the waiting list at the end of that day


def sign_ups_per_day(event: Event) -> dict[date, int]:
    """New registrations per local day at the event (cancelled ones too: they signed up that day)."""
    return per_day([("signed_up", Registration.created_at, true())], event).get("signed_up", {})


def seats_and_waiting_list_changes(event: Event) -> dict[str, dict[date, int]]:
    """What moves the seats and the waiting list, per local day: "seated" (+1) and "unseated" (-1): seated_at and a
    later cancelled_at; "waiting" (+1) and "left" (-1): waitlisted_at and the first of seated_at and cancelled_at
    after it. At the end of day D a seat is held when seated_at <= D and not cancelled_at <= D; a place on the
    waiting list when waitlisted_at <= D and neither seated_at <= D nor cancelled_at <= D. A change undone
    before it began (cancelled_at before seated_at) counts neither way."""
    seated, cancelled, waiting = Registration.seated_at, Registration.cancelled_at, Registration.waitlisted_at
    left = case((seated.is_(None), cancelled), (cancelled.is_(None), seated), (seated < cancelled, seated),
                else_=cancelled)
    return per_day([
        ("seated", seated, and_(seated.is_not(None), or_(cancelled.is_(None), cancelled > seated))),
        ("unseated", cancelled, and_(seated.is_not(None), cancelled > seated)),
        ("waiting", waiting, and_(waiting.is_not(None), or_(left.is_(None), left > waiting))),
        ("left", left, and_(waiting.is_not(None), left > waiting)),
    ], event)


def per_day(parts: list[tuple[str, Any, ColumnElement[bool]]],
            event: Event) -> dict[str, dict[date, int]]:
    """One statement: for each (kind, instant, condition), kind being a constant name, how many of the event's
    registrations meet the condition, per local day of the instant. The event's rows are read once (a CTE
    with one local day per kind, NULL where the condition fails), then counted per kind and day."""
    days = select(*(case((condition, local_day(moment, event.timezone, event.starts_at))).label(kind)
                    for kind, moment, condition in parts)).where(Registration.event_id == event.id).cte("days")
    counts = [select(literal_column(f"'{kind}'", String).label("kind"), days.c[kind].label("day"), func.count())
              .where(days.c[kind].is_not(None)).group_by(days.c[kind]) for kind, _moment, _condition in parts]
    found: dict[str, dict[date, int]] = {}
    for kind, day, count in db.session.execute(union_all(*counts) if len(counts) > 1 else counts[0]):
        found.setdefault(kind, {})[as_date(day)] = count
    return found


def check_ins_per_period(event: Event) -> dict[int, int]:
    """Check-ins per quarter hour since the event's start (0: the first quarter hour, -1 the one before it), in
    one statement; erased people count too (they came)."""
    period = periods_since(Registration.checked_in_at, literal(event.starts_at, UTCDateTime()),
                           literal_column(str(int(CHECK_IN_PERIOD.total_seconds()))))
    # Grouped by the subquery's column: PostgreSQL would not see the same bound start twice as one expression.
    arrivals = select(period.label("period")).where(
        Registration.event_id == event.id, Registration.checked_in_at.is_not(None),
        Registration.status == RegistrationStatus.CHECKED_IN).subquery()
    rows = db.session.execute(select(arrivals.c.period, func.count()).group_by(arrivals.c.period))
    return {int(number): count for number, count in rows}


def top_organizations(event: Event, *, limit: int = TOP) -> list[tuple[str, int]]:
    """The organizations people typed most often among the event's registrations that were not cancelled
    (spaces around trimmed; rows without one, e.g. erased, left out), with how many."""
    name = func.trim(Registration.organization)
    count = func.count(Registration.id)
    return [(organization, n) for organization, n in db.session.execute(
        select(name, count).where(Registration.event_id == event.id,
                                  Registration.status != RegistrationStatus.CANCELLED, name != "")
        .group_by(name).order_by(count.desc(), name).limit(limit))]


@dataclass(frozen=True)
class CompanyFigures:
    organization_id: int
    name_zh: str
    name_en: str
    events: int  # events it was granted seats at
    quota: int  # seats granted (delegations still active)
    seated: int  # its people holding a seat (confirmed or checked in)
    checked_in: int


def top_companies(events: Sequence[Event], *, limit: int = TOP) -> list[CompanyFigures]:
    """The companies that sent the most people to these events (through their delegations), in one query."""
    if not events:
        return []
    per_delegation = (
        select(Delegation.organization_id.label("organization_id"),
               case((Delegation.withdrawn_at.is_(None), Delegation.quota), else_=0).label("quota"),
               func.count(Registration.id).filter(Registration.status.in_(SEAT_HOLDING)).label("seated"),
               func.count(Registration.id).filter(Registration.status == RegistrationStatus.CHECKED_IN)
               .label("checked_in"))
        .outerjoin(Registration, Registration.delegation_id == Delegation.id)
        .where(Delegation.event_id.in_([event.id for event in events]))
        .group_by(Delegation.id, Delegation.organization_id, Delegation.withdrawn_at, Delegation.quota).subquery())
    seated = func.sum(per_delegation.c.seated)
    rows = db.session.execute(
        select(Organization.id, Organization.name_zh, Organization.name_en, func.count(),
               func.sum(per_delegation.c.quota), seated, func.sum(per_delegation.c.checked_in))
        .join(per_delegation, per_delegation.c.organization_id == Organization.id)
        .group_by(Organization.id, Organization.name_zh, Organization.name_en)
        .order_by(seated.desc(), Organization.name_en, Organization.id).limit(limit))
    return [CompanyFigures(organization_id, name_zh, name_en, *(int(number or 0) for number in numbers))
            for organization_id, name_zh, name_en, *numbers in rows]  # PostgreSQL sums counts as numeric


@dataclass(frozen=True)
class CampaignTotals:
    """A campaign's events added up: every figure over the events that were not cancelled (a cancelled one is
    counted in cancelled_events only), attendance over those that are over."""

    events: int
    cancelled_events: int
    ended_events: int
    capacity: int
    registered: int
    seated: int
    waitlisted: int
    cancelled: int
    checked_in: int
    no_shows: int

    @property
    def fill_rate(self) -> float:
        return self.seated / self.capacity if self.capacity else 0.0

    @property
    def attendance_rate(self) -> float | None:
        expected = self.checked_in + self.no_shows
        return self.checked_in / expected if self.ended_events and expected else None

    @property
    def no_show_rate(self) -> float | None:
        expected = self.checked_in + self.no_shows
        return self.no_shows / expected if self.ended_events and expected else None


def campaign_totals(events: Sequence[Event], figures: dict[int, EventFigures]) -> CampaignTotals:
    held = [figures[event.id] for event in events if not event.is_cancelled]
    ended = [f for f in held if f.ended]
    return CampaignTotals(
        events=len(events), cancelled_events=len(events) - len(held), ended_events=len(ended),
        capacity=sum(f.capacity for f in held), registered=sum(f.registered for f in held),
        seated=sum(f.seated for f in held), waitlisted=sum(f.waitlisted for f in held),
        cancelled=sum(f.cancelled for f in held),
        checked_in=sum(f.checked_in for f in ended), no_shows=sum(f.no_shows or 0 for f in ended))
