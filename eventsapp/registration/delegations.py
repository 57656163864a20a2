"""Delegations (SPEC 4c): an organizer grants a verified company a seat quota for a published event,
changes or withdraws it; what the company and the organizers read of them. The people a company names
within its quota are delegation_people.py; the seat rule is seats.py.

Every decision is made holding the event's seat lock (seats.lock_event); services flush, the caller commits.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import contains_eager

from ..accounts.members import active_leads
from ..accounts.models import User
from ..audit import trail as audit
from ..audit.trail import plain
from ..catalogue.models import Event, EventStatus, Organization
from ..errors import Conflict, NotAllowedInState, ValidationFailed
from ..extensions import db
from ..mail.notices import Notice, queue_notice_to_each
from ..site import external_url
from . import notifications
from .models import (
    QUOTA_HOLDING,
    Delegation,
    DelegationChange,
    DelegationChangeKind,
    Registration,
    RegistrationStatus,
    record_change,
)
from .seats import lock_event, promote_from_company_waitlist, promote_from_waitlist, quota_holders, seat_summary

MAX_CONFIRM_DAYS = 30
STILL_PLACED = (*QUOTA_HOLDING, RegistrationStatus.WAITLISTED)  # what a withdrawal cancels


@dataclass(frozen=True)
class QuotaTerms:
    """What the organizer sets for a company at an event."""

    quota: int
    confirm_days: int = 3  # an invited person has this long to confirm
    changes_close_at: datetime | None = None  # naming and swapping close; None: a day before the start


def default_changes_close_at(event: Event, *, now: datetime) -> datetime:
    """A day before the event; for an event that close, its start."""
    day_before = event.starts_at - timedelta(days=1)
    return day_before if day_before > now else event.starts_at


def check_terms(event: Event, terms: QuotaTerms, *, now: datetime) -> datetime:
    """The rules of QuotaTerms (the form checks them too); returns the cut-off to keep."""
    if terms.quota < 1:
        raise ValidationFailed(_l("Grant at least one seat (withdraw the seats to give them all back)."), "quota")
    if not 1 <= terms.confirm_days <= MAX_CONFIRM_DAYS:
        raise ValidationFailed(_l("Give between 1 and %(days)d days to confirm.", days=MAX_CONFIRM_DAYS),
                               "confirm_days")
    closes_at = terms.changes_close_at or default_changes_close_at(event, now=now)
    if closes_at > event.starts_at:
        raise ValidationFailed(_l("Changes must close before the event starts."), "changes_close_at")
    return closes_at


def check_event_takes_seats(event: Event, *, now: datetime) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise NotAllowedInState(_l("Seats can be granted only for a published event."))
    if now >= event.starts_at:
        raise NotAllowedInState(_l("The event has already started."))


def grant_quota(event: Event, organization: Organization, terms: QuotaTerms, *, actor: User | None,
                now: datetime) -> Delegation:
    """Hold `terms.quota` of the event's free seats for a verified company, and tell its lead contacts.
    A company whose seats were withdrawn earlier gets its delegation (and history) back."""
    event = lock_event(event.id)
    check_event_takes_seats(event, now=now)
    if not organization.is_verified:
        raise ValidationFailed(_l("The organizers have not verified this organization yet."), "organization")
    closes_at = check_terms(event, terms, now=now)
    if closes_at <= now:
        raise ValidationFailed(_l("The cut-off for changes must be later than now."), "changes_close_at")
    delegation = db.session.scalar(select(Delegation).where(
        Delegation.event_id == event.id, Delegation.organization_id == organization.id))
    if delegation is not None and delegation.is_active:
        raise Conflict(_l("This company already has seats for this event: change its quota below."), "organization")
    left = seat_summary(event).seats_left
    if terms.quota > left:
        raise ValidationFailed(_l("Only %(left)d seats are left.", left=left), "quota")
    if delegation is None:
        delegation = Delegation(event=event, organization=organization)
        db.session.add(delegation)
    delegation.quota, delegation.confirm_days, delegation.changes_close_at = terms.quota, terms.confirm_days, closes_at
    delegation.granted_at, delegation.granted_by_id, delegation.withdrawn_at = now, actor.id if actor else None, None
    db.session.flush()
    change = record_change(delegation, DelegationChangeKind.GRANTED, at=now, actor=actor, details=str(terms.quota))
    tell_leads(delegation, change, now=now)
    return delegation


def change_quota(delegation: Delegation, terms: QuotaTerms, *, actor: User | None, now: datetime) -> Delegation:
    """A new quota, confirm window or cut-off. Never below the people holding its seats; a raise needs
    free seats and goes to the company's own waiting list first; a cut frees seats for the public's."""
    event = lock_event(delegation.event_id)
    db.session.refresh(delegation)
    if not delegation.is_active:
        raise NotAllowedInState(_l("These seats were withdrawn."))
    if now >= event.starts_at:
        raise NotAllowedInState(_l("The event has already started."))
    closes_at = check_terms(event, terms, now=now)
    holding = quota_holders(delegation)
    if terms.quota < holding:
        raise ValidationFailed(_l("%(count)d people of this company hold its seats: the quota cannot be lower.",
                                  count=holding), "quota")
    raise_by = terms.quota - delegation.quota
    left = seat_summary(event).seats_left
    if raise_by > left:
        raise ValidationFailed(_l("Only %(left)d more seats are left.", left=left), "quota")
    old = delegation.quota
    delegation.quota, delegation.confirm_days, delegation.changes_close_at = terms.quota, terms.confirm_days, closes_at
    db.session.flush()
    if old != terms.quota:
        change = record_change(delegation, DelegationChangeKind.QUOTA_CHANGED, at=now, actor=actor,
                               details=f"{old} → {terms.quota}")
        tell_leads(delegation, change, now=now)
    promote_from_company_waitlist(delegation, now=now)
    promote_from_waitlist(event, now=now)
    return delegation


def withdraw(delegation: Delegation, *, actor: User | None, now: datetime) -> int:
    """Take the company's seats back: its people (named, confirmed or waiting) are cancelled and told,
    the seats go to the public waiting list. Returns how many people were told."""
    event = lock_event(delegation.event_id)
    db.session.refresh(delegation)
    if not delegation.is_active:
        return 0
    if now >= event.starts_at:
        raise NotAllowedInState(_l("The event has already started: its seats can no longer be withdrawn."))
    people = people_to_tell(delegation)
    for registration in people:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.sequence += 1
        notifications.notify(registration, "delegation_withdrawn", now=now)
    delegation.withdrawn_at = now
    db.session.flush()
    change = record_change(delegation, DelegationChangeKind.WITHDRAWN, at=now, actor=actor, details=str(len(people)))
    tell_leads(delegation, change, now=now)
    promote_from_waitlist(event, now=now)
    return len(people)


def people_to_tell(delegation: Delegation) -> list[Registration]:
    """Who a withdrawal cancels (the confirmation checkbox counts them)."""
    return list(db.session.scalars(select(Registration).where(
        Registration.delegation_id == delegation.id, Registration.status.in_(STILL_PLACED),
        ~Registration.is_erased).order_by(Registration.id)))


LEAD_NOTICES = {
    DelegationChangeKind.GRANTED: (_l("Seats for your colleagues: %(title)s"),
                                   _l("The organizers have granted %(company)s %(quota)d seats for this event. Name "
                                      "the colleagues who will attend: each one confirms their own place.")),
    DelegationChangeKind.QUOTA_CHANGED: (_l("Your seats changed: %(title)s"),
                                         _l("The organizers have changed the seats of %(company)s for this event: "
                                            "you now have %(quota)d.")),
    DelegationChangeKind.WITHDRAWN: (_l("Your seats were withdrawn: %(title)s"),
                                     _l("The organizers have withdrawn the seats of %(company)s for this event. The "
                                        "colleagues you had named are told by e-mail.")),
}


def tell_leads(delegation: Delegation, change: DelegationChange, *, now: datetime) -> None:
    """A plain notice to the company's lead contacts, each in their own language."""
    subject, text = LEAD_NOTICES[change.kind]
    event = delegation.event

    def compose() -> Notice:
        values = {"title": event.title, "company": delegation.organization.name, "quota": delegation.quota}
        return Notice(subject=str(subject % values), paragraphs=[str(text % values), event.title],
                      action_label=str(_l("Open your delegation")),
                      action_url=external_url("company_delegations.roster", delegation_id=delegation.id))

    queue_notice_to_each(active_leads(delegation.organization), compose=compose,
                         dedup_key=f"delegation-change-{change.id}", now=now)


@dataclass(frozen=True)
class DelegationState:
    """One delegation with its counts, for the company's list and the organizer's grid."""

    delegation: Delegation
    invited: int
    confirmed: int
    checked_in: int
    waitlisted: int

    @property
    def named(self) -> int:
        """Holding a seat of the quota: invited, confirmed or checked in."""
        return self.invited + self.confirmed + self.checked_in

    @property
    def unnamed(self) -> int:
        return max(self.delegation.quota - self.named, 0) if self.delegation.is_active else 0


def states(query) -> list[DelegationState]:
    delegations = list(db.session.scalars(query))
    counts: dict[tuple[int | None, str], int] = {}
    if delegations:
        counts = {(d, s): n for d, s, n in db.session.execute(
            select(Registration.delegation_id, Registration.status, func.count(Registration.id))
            .where(Registration.delegation_id.in_([d.id for d in delegations]))
            .group_by(Registration.delegation_id, Registration.status))}
    return [DelegationState(d, *(counts.get((d.id, status), 0) for status in (
        RegistrationStatus.INVITED, RegistrationStatus.CONFIRMED, RegistrationStatus.CHECKED_IN,
        RegistrationStatus.WAITLISTED))) for d in delegations]


def delegations_of(organization: Organization) -> list[DelegationState]:
    """The company's delegations across events, the coming ones first, then the past ones."""
    return states(select(Delegation).join(Delegation.event).where(Delegation.organization_id == organization.id)
                  .order_by(Event.starts_at.desc(), Delegation.id))


def delegation_grid(event: Event) -> list[DelegationState]:
    """The organizer's grid: every company with seats at the event (withdrawn ones last), each with its
    organization loaded by the same statement (its name is shown for each)."""
    return states(select(Delegation).join(Delegation.organization).options(contains_eager(Delegation.organization))
                  .where(Delegation.event_id == event.id)
                  .order_by(Delegation.withdrawn_at.is_not(None), Organization.name_en, Delegation.id))


def history(delegation: Delegation) -> list[DelegationChange]:
    return list(db.session.scalars(select(DelegationChange).where(DelegationChange.delegation_id == delegation.id)
                                   .order_by(DelegationChange.id.desc())))


def active_delegations(event: Event) -> list[Delegation]:
    return list(db.session.scalars(select(Delegation).where(Delegation.event_id == event.id,
                                                            Delegation.withdrawn_at.is_(None))
                                   .order_by(Delegation.id)))


def follow_event_move(event: Event, *, moved_by: timedelta) -> None:
    """The event moved: each company's cut-off moves with it (it was set relative to the start), and no
    invited person's deadline lies after the new start. The caller holds lock_event."""
    for delegation in active_delegations(event):
        delegation.changes_close_at = min(delegation.changes_close_at + moved_by, event.starts_at)
    moved = cast(CursorResult, db.session.execute(update(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.INVITED,
        Registration.confirm_by > event.starts_at).values(confirm_by=event.starts_at)
        .execution_options(synchronize_session="fetch")))
    if moved.rowcount:  # a bulk update passes the audit log's session hook by: it is told here
        audit.record("registration.deadlines_moved", subject_type="event", subject_id=event.id, event_id=event.id,
                     details={"registrations": moved.rowcount, "confirm_by": plain(event.starts_at)})
    db.session.flush()


def fill_company_seats(event: Event, *, now: datetime) -> list[Registration]:
    """Each company's waiting list takes the seats its people freed (e.g. while the event was cancelled).
    The caller holds lock_event."""
    return [promoted for delegation in active_delegations(event)
            for promoted in promote_from_company_waitlist(delegation, now=now)]
