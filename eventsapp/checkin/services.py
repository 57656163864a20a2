"""Checking people in (SPEC 3.7, 4d): one function, called by the staff's phone, the offline upload and
the self check-in screen alike.

A check-in is idempotent twice over: each attempt carries a nonce made by the device, and the same nonce
gets the first answer again (a retried request, an offline scan uploaded twice); and a person checked in
stays so (a second scan says when and by whom). Attempts for one event are decided one at a time, under
the event's lock, so two staff scanning the same code at once give one check-in and one "already".
A check-in code admits its holder and nothing else: it reads no more than the answer shows, and cancels
nothing. Services flush; the caller commits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts.models import User
from ..catalogue.models import Event
from ..errors import Conflict, NotAllowedInState, ValidationFailed
from ..extensions import db
from ..registration.models import Registration, RegistrationStatus, new_token, normalize_checkin_code
from ..registration.seats import lock_event
from ..registration.services import Applicant, register
from .models import CheckInAttempt, Outcome

NONCE_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
# A scan kept offline is dated by the device: believed back to a day; a time in the future, or further
# back, is a wrong clock, and the attempt is dated when it reaches us.
OFFLINE_FOR_AT_MOST = timedelta(days=1)
# When the door is open: from a few hours before the start (people come early; staff test their phones) to
# a few hours after the end (a scan kept offline is uploaded later; it is judged by when it was made).
CHECK_IN_OPENS_BEFORE = timedelta(hours=3)
CHECK_IN_CLOSES_AFTER = timedelta(hours=6)
# Who may be checked in: those holding a seat, and those their company named who come before confirming
# (their seat is held for them; coming is confirming). Found by staff only: they have no code yet.
ADMISSIBLE = (RegistrationStatus.CONFIRMED, RegistrationStatus.INVITED)


@dataclass(frozen=True)
class CheckInAnswer:
    outcome: Outcome
    registration: Registration | None  # None for an unknown code, or one of another event
    replayed: bool = False  # this nonce was answered before: this is that answer

    @property
    def admitted(self) -> bool:
        return self.outcome in (Outcome.CHECKED_IN, Outcome.ALREADY_CHECKED_IN)


def check_in(event_id: int, *, nonce: str, code: str | None = None, registration_id: int | None = None,
             staff: User | None, attempted_at: datetime, now: datetime) -> CheckInAnswer:
    """Check in the holder of `code` (scanned or typed) or the registration `registration_id` (found by
    name or mobile, or the attendee's own). Raises ValidationFailed for a malformed nonce,
    NotAllowedInState for a cancelled event, Conflict for a nonce used at another event."""
    if not NONCE_PATTERN.fullmatch(nonce or ""):
        raise ValidationFailed(_l("This check-in could not be read; please try again."), "nonce")
    event = lock_event(event_id)
    requested = f"registration:{registration_id}" if registration_id is not None else \
        f"code:{normalize_checkin_code(code or '')}"
    earlier = db.session.scalar(select(CheckInAttempt).where(CheckInAttempt.nonce == nonce))
    if earlier is not None:
        if earlier.event_id != event_id:
            raise Conflict(_l("This check-in was already sent for another event."), "nonce")
        if earlier.requested != requested:  # a page sent back with its old nonce for someone else
            raise Conflict(_l("This check-in was already used for someone else; please try again."), "nonce")
        registration = db.session.get(Registration, earlier.registration_id) if earlier.registration_id else None
        return CheckInAnswer(earlier.outcome, registration, replayed=True)
    if event.is_cancelled:
        raise NotAllowedInState(_l("This event has been cancelled: nobody is checked in."))
    registration = _find(code=code, registration_id=registration_id, event_id=event_id)
    if not now - OFFLINE_FOR_AT_MOST <= attempted_at <= now:  # a device whose clock is wrong: when we hear of it
        attempted_at = now
    outcome = _decide(registration, event_id)
    if outcome == Outcome.CHECKED_IN:
        outcome = _door_open(event, attempted_at) or outcome
    if outcome == Outcome.CHECKED_IN and registration is not None:
        registration.status = RegistrationStatus.CHECKED_IN
        registration.checked_in_at = attempted_at
        registration.checked_in_by = staff
        registration.certificate_code = new_token()
    db.session.add(CheckInAttempt(
        nonce=nonce, event_id=event_id, outcome=outcome, requested=requested[:80], staff_id=staff.id if staff else None,
        registration_id=registration.id if registration is not None and registration.event_id == event_id else None,
        attempted_at=attempted_at, recorded_at=now))
    db.session.flush()
    shown = registration if registration is not None and registration.event_id == event_id else None
    return CheckInAnswer(outcome, shown)


def _find(*, code: str | None, registration_id: int | None, event_id: int) -> Registration | None:
    if registration_id is not None:
        return db.session.scalar(select(Registration).where(Registration.id == registration_id,
                                                            Registration.event_id == event_id))
    wanted = normalize_checkin_code(code or "")
    if not wanted:
        return None
    return db.session.scalar(select(Registration).where(Registration.checkin_code == wanted))


def _decide(registration: Registration | None, event_id: int) -> Outcome:
    if registration is None or registration.is_erased:
        return Outcome.UNKNOWN
    if registration.event_id != event_id:
        return Outcome.OTHER_EVENT
    if registration.status == RegistrationStatus.CHECKED_IN:
        return Outcome.ALREADY_CHECKED_IN
    if registration.status == RegistrationStatus.CANCELLED:
        return Outcome.CANCELLED
    if registration.status == RegistrationStatus.WAITLISTED:
        return Outcome.WAITLISTED
    return Outcome.CHECKED_IN


def check_in_opens_at(event: Event) -> datetime:
    return event.starts_at - CHECK_IN_OPENS_BEFORE


def check_in_closes_at(event: Event) -> datetime:
    return event.ends_at + CHECK_IN_CLOSES_AFTER


def _door_open(event: Event, at: datetime) -> Outcome | None:
    """None while check-in is open at `at`, else why not: nobody is checked in a week early (nor gets a
    certificate for it), nor weeks after."""
    if at < check_in_opens_at(event):
        return Outcome.NOT_OPEN
    if at > check_in_closes_at(event):
        return Outcome.CLOSED
    return None


def walk_in(event_id: int, applicant: Applicant, *, nonce: str, staff: User, now: datetime) -> CheckInAnswer:
    """Someone at the door who did not sign up: the sign-up rules and capacity (a free seat, or EventFull:
    no waiting list at the door), e-mailed like anyone, and checked in at once."""
    registration = register(event_id, applicant, now=now, by_organizer=staff, at_the_door=True)
    return check_in(event_id, nonce=nonce, registration_id=registration.id, staff=staff, attempted_at=now, now=now)


def checked_in_count(event_id: int) -> tuple[int, int]:
    """(checked in, expected: checked in + holding a seat + named by a company), for the screen's counter."""
    rows: dict[RegistrationStatus, int] = dict(db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.event_id == event_id, Registration.status.in_(
            (RegistrationStatus.CHECKED_IN, *ADMISSIBLE)))
        .group_by(Registration.status)).all())
    checked_in = rows.get(RegistrationStatus.CHECKED_IN, 0)
    return checked_in, checked_in + sum(rows.get(status, 0) for status in ADMISSIBLE)
