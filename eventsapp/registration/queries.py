"""What other pages may read of registrations: the organizer's attendee list (filters, search, counts),
how many people an event's change reaches, and the host company's view of its attendees; and the event a
sign-up is for."""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Event
from ..extensions import db
from .models import ACTIVE, Delegation, Registration, RegistrationStatus

LAST_DIGITS = re.compile(r"\d{4}")
PUBLIC = "public"  # the company filter's value for people who signed up themselves


@dataclass(frozen=True)
class AttendeeFilter:
    """What the organizer's attendee list shows; each part optional. Values no link makes are dropped."""

    status: str = ""
    company: str = ""  # an organization id (its delegation), PUBLIC, or empty for everyone
    search: str = ""  # part of a name, e-mail or organization, or the last four digits of a mobile

    @property
    def is_set(self) -> bool:
        return bool(self.status or self.company or self.search)

    def as_args(self) -> dict[str, str]:
        """The query string of the attendee list that shows this filter."""
        return {key: value for key, value in (("status", self.status), ("company", self.company),
                                              ("q", self.search)) if value}

    @classmethod
    def of(cls, args) -> "AttendeeFilter":
        status = args.get("status", "")
        company = args.get("company", "")
        return cls(status=status if status in set(RegistrationStatus) else "",
                   company=company if company == PUBLIC or is_small_number(company) else "",
                   search=" ".join(args.get("q", "").split())[:100])


def is_small_number(text: str) -> bool:
    """Digits an id can be: ASCII ("²" is a digit to Python, not to int()), and within a database integer."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def find_attendees(event: Event, wanted: AttendeeFilter) -> list[Registration]:
    """The event's registrations the filter keeps, in sign-up order, with their delegation's company."""
    query = (kept_by(event, wanted)
             .options(selectinload(Registration.delegation).selectinload(Delegation.organization))
             .order_by(Registration.id))
    return list(db.session.scalars(query))


def find_message_recipients(event: Event, wanted: AttendeeFilter) -> list[Registration]:
    """Whom a message to the filtered list goes to, in sign-up order: without a status, everyone registered
    (confirmed, waiting, invited, checked in); cancelled people only when the filter asks for them; never
    anyone whose details were erased. One person per address (someone who cancelled twice is one person)."""
    query = kept_by(event, wanted).where(~Registration.is_erased).order_by(Registration.id)
    if not wanted.status:
        query = query.where(Registration.status.in_(ACTIVE))
    latest = {registration.email: registration for registration in db.session.scalars(query)}
    return sorted(latest.values(), key=lambda registration: registration.id)


def waitlist_positions(event: Event) -> dict[int, int]:
    """Each waitlisted registration's number on its waiting list (the public one or its company's), in one
    query: what Registration.waitlist_position tells one person."""
    waiting = db.session.execute(select(Registration.id, Registration.delegation_id).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlist_key, Registration.id)).all()
    positions: dict[int, int] = {}
    lengths: dict[int | None, int] = {}
    for registration_id, delegation_id in waiting:
        lengths[delegation_id] = positions[registration_id] = lengths.get(delegation_id, 0) + 1
    return positions


def kept_by(event: Event, wanted: AttendeeFilter) -> Select[Registration]:
    """The event's registrations the filter keeps."""
    query = select(Registration).where(Registration.event_id == event.id)
    if wanted.status:
        query = query.where(Registration.status == wanted.status)
    if wanted.company == PUBLIC:
        query = query.where(Registration.delegation_id.is_(None))
    elif wanted.company:
        query = query.where(Registration.delegation.has(Delegation.organization_id == int(wanted.company)))
    if wanted.search:
        query = query.where(matching(wanted.search))
    return query


def matching(term: str) -> ColumnElement[bool]:
    """Case-insensitive on both databases; % and _ are taken literally. Four digits also match the end
    of a mobile number (the way Chinese check-in desks look people up)."""
    found = or_(Registration.name.icontains(term, autoescape=True), Registration.email.icontains(term, autoescape=True),
                Registration.organization.icontains(term, autoescape=True))
    if LAST_DIGITS.fullmatch(term):
        found = or_(found, Registration.phone.endswith(term, autoescape=True))
    return found


def attendee_counts(event: Event) -> dict[str, int]:
    """How many registrations of the event are in each status, in one query."""
    return dict(db.session.execute(select(Registration.status, func.count(Registration.id))
                                   .where(Registration.event_id == event.id).group_by(Registration.status)).all())


def count_people_to_tell(event: Event) -> int:
    """Everyone an organizer's change to the event is mailed to: confirmed, waiting or invited by their
    company (not a company's seats nobody holds yet, nor anyone whose details were erased)."""
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE), ~Registration.is_erased)) or 0


def shared_with_host(event: Event) -> list[Registration]:
    """The attendees who agreed, separately, to share their details with the event's host (PIPL Art. 23):
    the only ones its company pages and exports may show, in sign-up order."""
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE), Registration.shares_with_host.is_(True),
        ~Registration.is_erased).order_by(Registration.id)))


def names_for_audit_log(ids: set[int]) -> dict[int, str]:
    """What the audit log calls these registrations now: the person's name, until it is erased."""
    rows = db.session.execute(select(Registration.id, Registration.name, Registration.erased_at)
                              .where(Registration.id.in_(ids)))
    return {row.id: str(_l("details deleted")) if row.erased_at else row.name for row in rows}


def companies_for_audit_log(ids: set[int]) -> dict[int, str]:
    """The company whose seats each delegation is."""
    delegations = db.session.scalars(select(Delegation).where(Delegation.id.in_(ids))
                                     .options(selectinload(Delegation.organization)))
    return {delegation.id: delegation.organization.name for delegation in delegations}


def due_for_purge(*, now: datetime, retention: timedelta) -> list[tuple[Event, int]]:
    """The events whose attendees' details the retention rule deletes now, with how many registrations."""
    rows = db.session.execute(
        select(Event, func.count(Registration.id)).join(Registration, Registration.event_id == Event.id)
        .where(Event.ends_at < now - retention, ~Registration.is_erased)
        .group_by(Event.id).order_by(Event.ends_at))
    return [(event, count) for event, count in rows]


def holds_personal_data(event: Event) -> bool:
    """Is anyone's name and address still kept for this event (not erased yet)?"""
    return db.session.scalar(select(Registration.id).where(Registration.event_id == event.id, ~Registration.is_erased)
                             .limit(1)) is not None


def find_event_to_sign_up(event_id: int) -> Event | None:
    """A published or cancelled event, in one statement and alone (a page that shows its campaign, venue and
    hosts loads them then): what a sign-up needs before its decision, which reads the event again under its
    lock."""
    return db.session.scalar(select(Event).where(Event.id == event_id, Event.is_public))
