"""The seat rule (SPEC 3.1–3.2), in one place: what an event's seats are taken by, and where a freed seat goes.

taken = the public's seat-holding registrations + the quotas of the event's delegations (a company's
seats are held from the grant on, named or not). Within a delegation, its invited, confirmed and
checked-in people never exceed its quota; its own waiting list is promoted first when one of its seats
frees up. The public waiting list is the public's waitlisted people only.

Every decision is made holding lock_event; the caller commits.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, ScalarSelect, func, or_, select, update

from ..accounts.models import User
from ..catalogue.models import Event, EventStatus
from ..catalogue.version import CATALOGUE_UNCHANGED
from ..extensions import db
from . import notifications
from .models import (
    QUOTA_HOLDING,
    SEAT_HOLDING,
    Delegation,
    DelegationChangeKind,
    Registration,
    RegistrationStatus,
    record_change,
)


@dataclass(frozen=True)
class SeatSummary:
    capacity: int
    taken: int  # public seats held + every active delegation's quota
    waitlist_length: int  # the public waiting list
    granted: int = 0  # of `taken`: the quotas granted to companies

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def next_waitlist_position(self) -> int:
        """The place of someone joining the public waiting list now: behind everyone on it (ids grow, and a
        place an organizer moved to the front ranks below every id: Registration.waitlist_key)."""
        return self.waitlist_length + 1

    @classmethod
    def of(cls, event: Event, held: int, waiting: int, granted: int) -> "SeatSummary":
        """From seat_counts' values."""
        return cls(capacity=event.capacity, taken=held + granted, waitlist_length=waiting, granted=granted)


def lock_event(event_id: int) -> Event:
    """Take the event's seat lock until the transaction ends, and return it freshly loaded.

    PostgreSQL: a row lock (SELECT ... FOR UPDATE). SQLite has no row locks; a no-op UPDATE takes
    its database write lock, which serializes writers just the same.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        # Keep updated_at as it is: taking a lock is not a change feeds should see.
        db.session.execute(update(Event).where(Event.id == event_id)
                           .values(id=Event.id, updated_at=Event.updated_at, revision=Event.revision)
                           .execution_options(**{CATALOGUE_UNCHANGED: True}))
    query = select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    return db.session.scalars(query).one()


def seat_summary(event: Event) -> SeatSummary:
    """One statement: the public's seats and waiting list, and the quotas granted."""
    return SeatSummary.of(event, *db.session.execute(select(*seat_counts(event.id))).one())


def seat_counts(event_id: int | ColumnElement[int]) -> tuple[ScalarSelect[int], ScalarSelect[int], ScalarSelect[int]]:
    """The public's seats held, its waiting list and the quotas granted, as columns of a SELECT (SeatSummary.of
    makes the summary of their values), so that a decision can read them in its own statement."""
    public = (Registration.event_id == event_id, Registration.delegation_id.is_(None))
    held = select(func.count(Registration.id)).where(*public, Registration.status.in_(SEAT_HOLDING))
    waiting = select(func.count(Registration.id)).where(*public, Registration.status == RegistrationStatus.WAITLISTED)
    granted = select(func.coalesce(func.sum(Delegation.quota), 0)).where(
        Delegation.event_id == event_id, Delegation.withdrawn_at.is_(None))
    return held.scalar_subquery(), waiting.scalar_subquery(), granted.scalar_subquery()


def seat_summaries(events: list[Event]) -> dict[int, SeatSummary]:
    """seat_summary of each of `events`, in two statements whatever their number (a list of events)."""
    ids = [event.id for event in events]
    held: dict[int, int] = {}
    waiting: dict[int, int] = {}
    if ids:
        is_held = Registration.status.in_(SEAT_HOLDING)
        is_waiting = Registration.status == RegistrationStatus.WAITLISTED
        for event_id, seats, waitlist in db.session.execute(
                select(Registration.event_id, func.count(Registration.id).filter(is_held),
                       func.count(Registration.id).filter(is_waiting))
                .where(Registration.event_id.in_(ids), Registration.delegation_id.is_(None),
                       or_(is_held, is_waiting))
                .group_by(Registration.event_id)):
            held[event_id], waiting[event_id] = seats, waitlist
    quotas = dict(db.session.execute(
        select(Delegation.event_id, func.sum(Delegation.quota))
        .where(Delegation.event_id.in_(ids), Delegation.withdrawn_at.is_(None))
        .group_by(Delegation.event_id)).all()) if ids else {}
    return {event.id: SeatSummary(capacity=event.capacity, taken=held.get(event.id, 0) + (quotas.get(event.id) or 0),
                                  waitlist_length=waiting.get(event.id, 0), granted=quotas.get(event.id) or 0)
            for event in events}


def quota_holders(delegation: Delegation) -> int:
    """The delegation's people holding one of its seats: invited, confirmed or checked in."""
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.delegation_id == delegation.id, Registration.status.in_(QUOTA_HOLDING))) or 0


def free_in_quota(delegation: Delegation) -> int:
    return max(delegation.quota - quota_holders(delegation), 0) if delegation.is_active else 0


def invitation_deadline(delegation: Delegation, *, now: datetime) -> datetime:
    """An invited person confirms within the delegation's days, and before the event starts."""
    return min(now + timedelta(days=delegation.confirm_days), delegation.event.starts_at)


def promote_from_waitlist(event: Event, *, now: datetime) -> list[Registration]:
    """Fill free seats from the public waiting list, first come first served (or moved to the front by an
    organizer: Registration.waitlist_key). The caller holds lock_event."""
    free = seat_summary(event).seats_left
    if free <= 0 or event.status != EventStatus.PUBLISHED:
        return []
    promoted = list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id, Registration.delegation_id.is_(None),
                                   Registration.status == RegistrationStatus.WAITLISTED,
                                   ~Registration.is_erased)  # nobody left to tell
        .order_by(Registration.waitlist_key, Registration.id).limit(free)))
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = registration.seated_at = now
        registration.sequence += 1  # TENTATIVE becomes CONFIRMED in the person's calendar
        notifications.notify(registration, "promoted", now=now)
    db.session.flush()
    return promoted


def promote_from_company_waitlist(delegation: Delegation, *, now: datetime) -> list[Registration]:
    """Fill the delegation's free seats from its own waiting list, in order: each one is invited and
    must confirm, like anyone the company names. Not after the cut-off: the list is fixed then (the
    venue needs it), and a freed place would be a swap by another name. The caller holds lock_event."""
    event = delegation.event
    free = free_in_quota(delegation)
    if free <= 0 or event.status != EventStatus.PUBLISHED or now >= min(event.starts_at, delegation.changes_close_at):
        return []
    promoted = list(db.session.scalars(
        select(Registration).where(Registration.delegation_id == delegation.id,
                                   Registration.status == RegistrationStatus.WAITLISTED, ~Registration.is_erased)
        .order_by(Registration.waitlist_key, Registration.id).limit(free)))
    for registration in promoted:
        registration.status = RegistrationStatus.INVITED
        registration.confirm_by = invitation_deadline(delegation, now=now)
        registration.promoted_at = now
        registration.sequence += 1
        record_change(delegation, DelegationChangeKind.PROMOTED, at=now, registration=registration)
        notifications.notify(registration, "company_promoted", now=now)
    db.session.flush()
    return promoted


def release_place(registration: Registration, *, now: datetime, mail: str,
                  change: DelegationChangeKind = DelegationChangeKind.CANCELLED, actor: User | None = None) -> None:
    """Cancel a place (the caller holds lock_event and has checked it may be given up), tell the person
    with `mail` (a kind of notifications.SUBJECTS), and give the seat to whom it belongs: a company's
    seat to its own waiting list, a public seat to the public's."""
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.sequence += 1  # the CANCEL must supersede the person's last invitation
    db.session.flush()
    notifications.notify(registration, mail, now=now)
    if registration.delegation is not None:
        record_change(registration.delegation, change, at=now, actor=actor, registration=registration)
        promote_from_company_waitlist(registration.delegation, now=now)
    promote_from_waitlist(registration.event, now=now)
