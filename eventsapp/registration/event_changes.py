"""How registrations follow changes to their event (receivers of the catalogue's signals).

They run inside the organizer's transaction, so the e-mails are queued atomically with the change.
Signals carry no clock, so `now` is read here.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ..catalogue import signals
from ..database import utcnow
from ..errors import NotAllowedInState
from ..extensions import db
from . import notifications
from .models import ACTIVE, Registration
from .services import active_registrations, fill_free_seats


@signals.event_rescheduled.connect
def tell_attendees_event_moved(event, **_):
    now = utcnow()
    for registration in active_registrations(event):
        notifications.notify(registration, "event_changed", now=now)


@signals.event_cancelled.connect
def tell_attendees_event_cancelled(event, **_):
    now = utcnow()
    for registration in active_registrations(event):
        notifications.notify(registration, "event_cancelled", now=now)


@signals.event_seats_changed.connect
def promote_when_seats_free_up(event, **_):
    fill_free_seats(event, now=utcnow())


@signals.event_unpublishing.connect
def refuse_unpublishing_with_attendees(event, **_):
    has_attendees = db.session.scalar(select(exists().where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE))))
    if has_attendees:
        raise NotAllowedInState(_l("People have signed up for this event: cancel it instead, so they are told."))
