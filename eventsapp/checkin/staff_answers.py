"""What the staff's phone is told (issue 13): an attempt's answer in words and as JSON, and the people found
by name or by the last four digits of their mobile. Never an e-mail address or a whole phone number: the
door needs a face to match, not a way to reach anyone."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..catalogue.models import Event
from ..extensions import db
from ..i18n import format_local_moment
from ..registration.labels import REGISTRATION_STATUS_LABELS
from ..registration.models import Delegation, Registration, RegistrationStatus
from ..registration.queries import LAST_DIGITS
from ..timezones import utc_to_local
from .models import Outcome
from .services import CHECK_IN_OPENS_BEFORE, CheckInAnswer, check_in_closes_at, check_in_opens_at

SEARCH_LIMIT = 20
SEARCH_TERM_LENGTH = 100
# Whom a search at the door finds: who may come in, who already did, and who waits (so staff can say why not).
FOUND_AT_THE_DOOR = (RegistrationStatus.CONFIRMED, RegistrationStatus.INVITED, RegistrationStatus.CHECKED_IN,
                     RegistrationStatus.WAITLISTED)
# The big word on the phone for each outcome (the message below it says more).
OUTCOME_TITLES = {
    Outcome.CHECKED_IN: _l("Checked in"),
    Outcome.ALREADY_CHECKED_IN: _l("Already checked in"),
    Outcome.OTHER_EVENT: _l("Not for this event"),
    Outcome.CANCELLED: _l("Cancelled"),
    Outcome.WAITLISTED: _l("No seat"),
    Outcome.UNKNOWN: _l("Unknown code"),
    Outcome.NOT_OPEN: _l("Check-in not open yet"),
    Outcome.CLOSED: _l("Check-in closed"),
}


def find_at_the_door(event_id: int, term: str) -> tuple[list[Registration], bool]:
    """Up to SEARCH_LIMIT of the event's people whose name holds `term`, or whose mobile ends with it (four
    digits), by name; and whether there were more."""
    found = Registration.name.icontains(term, autoescape=True)
    if LAST_DIGITS.fullmatch(term):
        found = or_(found, Registration.phone.endswith(term, autoescape=True))
    rows = list(db.session.scalars(
        select(Registration).where(Registration.event_id == event_id, Registration.status.in_(FOUND_AT_THE_DOOR),
                                   ~Registration.is_erased, found)
        .options(selectinload(Registration.delegation).selectinload(Delegation.organization),
                 selectinload(Registration.checked_in_by))
        .order_by(Registration.name, Registration.id).limit(SEARCH_LIMIT + 1)))
    return rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT


def answer_json(answer: CheckInAnswer, event: Event) -> dict:
    """The contract of POST /manage/events/<id>/check-in for a decided attempt (refusals included)."""
    shown = answer.registration if answer.outcome != Outcome.UNKNOWN else None
    return {"outcome": answer.outcome.value, "title": str(OUTCOME_TITLES[answer.outcome]),
            "message": answer_message(answer, event),
            "registration": person_json(shown, event) if shown is not None else None,
            "replayed": answer.replayed}


def answer_message(answer: CheckInAnswer, event: Event) -> str:
    registration = answer.registration
    if answer.outcome == Outcome.CHECKED_IN and registration is not None:
        return _("%(name)s is checked in. Welcome!", name=registration.name)
    if answer.outcome == Outcome.ALREADY_CHECKED_IN and registration is not None:
        return already_message(registration, event)
    return {
        Outcome.OTHER_EVENT: _("This code is for another event. Do not admit: send them to the right event."),
        Outcome.CANCELLED: _("This registration was cancelled. Do not admit without an organizer."),
        Outcome.WAITLISTED: _("This person is on the waiting list and has no seat. Do not admit without an "
                              "organizer."),
        Outcome.NOT_OPEN: _("Check-in opens at %(time)s, %(hours)s hours before the start.",
                            time=format_local_moment(check_in_opens_at(event), event.timezone),
                            hours=int(CHECK_IN_OPENS_BEFORE.total_seconds() // 3600)),
        Outcome.CLOSED: _("Check-in for this event closed at %(time)s.",
                          time=format_local_moment(check_in_closes_at(event), event.timezone)),
    }.get(answer.outcome, _("Unknown code. Check it and type it again, or search by name."))


def already_message(registration: Registration, event: Event) -> str:
    at = local_clock(registration.checked_in_at, event)
    if registration.checked_in_by is None:
        return _("Already checked in at %(time)s, on the self check-in screen.", time=at)
    return _("Already checked in at %(time)s by %(staff)s.", time=at, staff=staff_name(registration.checked_in_by))


def person_json(registration: Registration, event: Event) -> dict:
    """What the door may see of one person: enough to recognise them, never how to reach them."""
    delegation = registration.delegation
    return {
        "id": registration.id,
        "name": registration.name,
        "organization": registration.organization,
        "company": delegation.organization.name if delegation is not None else "",
        "status": registration.status.value,
        "status_label": str(REGISTRATION_STATUS_LABELS[registration.status.value]),
        "phone_end": registration.phone[-4:] if registration.phone else "",
        "checked_in_at": registration.checked_in_at.isoformat() if registration.checked_in_at else None,
        "checked_in_time": local_clock(registration.checked_in_at, event) if registration.checked_in_at else "",
        "checked_in_by": staff_name(registration.checked_in_by) if registration.checked_in_by else "",
        "can_check_in": registration.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.INVITED),
    }


def local_clock(moment: datetime | None, event: Event) -> str:
    """14:03, at the venue (the day goes without saying at the door)."""
    return utc_to_local(moment, event.timezone).strftime("%H:%M") if moment else ""


def staff_name(user: User) -> str:
    return user.name or user.email
