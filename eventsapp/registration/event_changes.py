"""How registrations follow changes to their event: receivers of the catalogue's signals, connected
by registration's init_app. They run inside the organizer's transaction, so the e-mails are queued
atomically with the change."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ..catalogue import signals
from ..catalogue.changes import Change
from ..catalogue.models import Event, EventSession
from ..errors import NotAllowedInState, ValidationFailed
from ..extensions import db
from . import notifications
from .delegations import fill_company_seats, follow_event_move
from .models import ACTIVE, Delegation, Registration
from .seats import lock_event, promote_from_waitlist, seat_summary
from .services import active_registrations


def connect_receivers() -> None:
    """Safe to call again (a test run makes many apps): blinker connects a receiver once."""
    signals.event_changed.connect(tell_attendees_event_changed)
    signals.talk_changed.connect(tell_attendees_talk_changed)
    signals.event_cancelled.connect(tell_attendees_event_cancelled)
    signals.event_reinstated.connect(tell_attendees_event_reinstated)
    signals.event_seats_changed.connect(keep_seats_consistent)
    signals.event_unpublishing.connect(refuse_unpublishing_with_attendees)
    signals.event_deleting.connect(refuse_deleting_with_registrations)


def tell_attendees_event_changed(event: Event, *, now: datetime, change: Change, **_) -> None:
    """Also: company seats follow a move (their cut-off and invitation deadlines), before anyone is told."""
    moved_by = change.after.starts_at - change.before.starts_at
    if moved_by:
        follow_event_move(lock_event(event.id), moved_by=moved_by)
    for registration in active_registrations(event):
        notifications.notify(registration, "event_changed", now=now, change=change)


def tell_attendees_talk_changed(talk: EventSession, *, now: datetime, change: Change, **_) -> None:
    for registration in active_registrations(talk.event):
        notifications.notify(registration, "agenda_changed", now=now, change=change, talk=talk)


def tell_attendees_event_cancelled(event: Event, *, now: datetime, **_) -> None:
    for registration in active_registrations(event):
        notifications.notify(registration, "event_cancelled", now=now)


def tell_attendees_event_reinstated(event: Event, *, now: datetime, **_) -> None:
    """Everyone still registered is told; then seats freed while the event was cancelled (nobody is
    promoted to a cancelled event) go to the waiting list, as any freed seat does (SPEC 3.2)."""
    for registration in active_registrations(event):
        notifications.notify(registration, "event_reinstated", now=now)
    locked = lock_event(event.id)
    fill_company_seats(locked, now=now)
    promote_from_waitlist(locked, now=now)


def keep_seats_consistent(event: Event, *, now: datetime, **_) -> None:
    """Capacity may not drop below the seats already given; a raise goes to the waiting list at once."""
    locked = lock_event(event.id)
    taken = seat_summary(locked).taken
    if locked.capacity < taken:
        raise ValidationFailed(_l("%(taken)d people already hold a seat: the capacity cannot be lower.", taken=taken),
                               "capacity")
    promote_from_waitlist(locked, now=now)


def refuse_unpublishing_with_attendees(event: Event, **_) -> None:
    lock_event(event.id)  # a sign-up in flight either finishes first (and is seen) or waits for us
    has_attendees = db.session.scalar(select(exists().where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE))))
    if has_attendees:
        raise NotAllowedInState(_l("People have signed up for this event: cancel it instead, so they are told."))
    has_delegations = db.session.scalar(select(exists().where(
        Delegation.event_id == event.id, Delegation.withdrawn_at.is_(None))))
    if has_delegations:
        raise NotAllowedInState(_l("Companies hold seats for this event: withdraw them first, or cancel the event."))


def refuse_deleting_with_registrations(event: Event, **_) -> None:
    """Registrations (cancelled ones too) and their e-mails are history: deleting the event would take
    them along silently (SPEC 3.8)."""
    lock_event(event.id)  # as above: a registration in flight is seen, or waits
    if db.session.scalar(select(exists().where(Registration.event_id == event.id))):
        raise NotAllowedInState(_l("People have registered for this event, and their registrations are kept: it "
                                   "cannot be deleted. As a draft it is shown to nobody."))
