"""What the company dashboard reads: the events a company hosts, with their sign-up counts."""
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select

from ..catalogue.models import Event, Organization
from ..extensions import db
from ..registration.models import Registration, RegistrationStatus


@dataclass(frozen=True)
class SignUpCounts:
    confirmed: int = 0
    waitlisted: int = 0
    checked_in: int = 0
    shared_with_host: int = 0  # of those holding or awaiting a place: who agreed to share details with the host


def hosted_by(organization: Organization) -> ColumnElement[bool]:
    """Events the organization hosts or co-hosts, drafts included (an accepted application's draft is theirs)."""
    return or_(Event.host_id == organization.id, Event.co_hosts.any(Organization.id == organization.id))


def hosted_events(organization: Organization) -> list[Event]:
    return list(db.session.scalars(select(Event).where(hosted_by(organization)).order_by(Event.starts_at.desc())))


def hosted_event(organization: Organization, event_id: int) -> Event | None:
    """One of its hosted events; another's is None (the page answers 404)."""
    return db.session.scalar(select(Event).where(Event.id == event_id, hosted_by(organization)))


def sign_up_counts(events: list[Event]) -> dict[int, SignUpCounts]:
    """Counts per event, in one query: numbers only, no one's details (SPEC 8)."""
    if not events:
        return {}
    status = Registration.status
    rows = db.session.execute(
        select(Registration.event_id,
               func.count().filter(status == RegistrationStatus.CONFIRMED),
               func.count().filter(status == RegistrationStatus.WAITLISTED),
               func.count().filter(status == RegistrationStatus.CHECKED_IN),
               func.count().filter(status != RegistrationStatus.CANCELLED, Registration.shares_with_host.is_(True)))
        .where(Registration.event_id.in_([event.id for event in events]))
        .group_by(Registration.event_id))
    return {event_id: SignUpCounts(*counts) for event_id, *counts in rows}
