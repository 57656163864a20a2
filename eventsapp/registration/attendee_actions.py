"""What an organizer does to one person of an event's attendee list (issue 12), besides adding people
(services.register with by_organizer) and cancelling for them (services.cancel_registration with a
reason): moving someone to the front of their waiting list, and sending their confirmation again."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..accounts.models import User
from ..audit import trail as audit
from ..errors import NotAllowedInState
from ..extensions import db
from . import notifications
from .models import DelegationChangeKind, Registration, RegistrationStatus, record_change
from .seats import lock_event, promote_from_company_waitlist, promote_from_waitlist


def check_can_move_to_front(registration: Registration) -> None:
    if registration.status != RegistrationStatus.WAITLISTED:
        raise NotAllowedInState(_l("Only a person on the waiting list can be moved to its front."))
    if registration.is_erased:
        raise NotAllowedInState(_l("This person's details were deleted: there is nobody to give a seat to."))


def move_to_front(registration: Registration, *, actor: User | None, now: datetime) -> Registration:
    """Put a waitlisted person first on their waiting list (the public one, or their company's), ahead of
    everyone there now; people joining later queue behind as usual. They are not e-mailed: their page
    shows the new number, and they hear from us when they get a seat. Should a seat be free this very
    moment (nobody normally waits then), the list is served at once, so they get it.
    Raises NotAllowedInState when they are no longer waiting (promoted or cancelled meanwhile)."""
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    check_can_move_to_front(registration)
    was = registration.waitlist_position()
    first = db.session.scalar(select(func.min(Registration.waitlist_key)).where(
        registration.same_waitlist(), Registration.id != registration.id))
    if first is not None and first <= registration.waitlist_key:
        registration.waitlist_rank = first - 1
    db.session.flush()
    audit.record("registration.moved_to_front", subject_type="registration", subject_id=registration.id,
                 event_id=event.id, details={"waitlist_position": [was, 1]}, now=now)
    if registration.delegation is not None:
        promote_from_company_waitlist(registration.delegation, now=now)
    else:
        promote_from_waitlist(event, now=now)
    return registration


# The message that tells a person where they stand, by status (and whose waiting list).
CURRENT_MAIL = {RegistrationStatus.CONFIRMED: "confirmed", RegistrationStatus.INVITED: "invited",
                RegistrationStatus.CHECKED_IN: "confirmed"}


def current_mail(registration: Registration) -> str | None:
    if registration.status == RegistrationStatus.WAITLISTED:
        return "company_waitlisted" if registration.delegation_id else "waitlisted"
    return CURRENT_MAIL.get(registration.status)


def check_can_resend(registration: Registration, *, now: datetime) -> None:
    if registration.is_erased:
        raise NotAllowedInState(_l("This person's details were deleted: there is no address to write to."))
    if registration.status == RegistrationStatus.CANCELLED:
        raise NotAllowedInState(_l("This registration is cancelled: there is no confirmation to send."))
    if registration.event.is_cancelled:
        raise NotAllowedInState(_l("The event is cancelled: there is no confirmation to send."))
    if now >= registration.event.ends_at:
        raise NotAllowedInState(_l("The event is over: there is no confirmation to send."))


def can_resend(registration: Registration, *, now: datetime) -> bool:
    """Offer "Send confirmation again" only where it can succeed."""
    try:
        check_can_resend(registration, now=now)
    except NotAllowedInState:
        return False
    return current_mail(registration) is not None


def resend_confirmation(registration: Registration, *, actor: User | None, now: datetime) -> bool:
    """Queue the person's current message again (confirmed, waiting list number, or their company's
    invitation to confirm) with today's calendar file. A double click sends one: at most one per
    10 minutes (notifications.dedup_key). Returns whether a message was queued."""
    db.session.refresh(registration)
    check_can_resend(registration, now=now)
    kind = current_mail(registration)
    if kind is None:  # a status with no message of its own; none exists today
        raise NotAllowedInState(_l("There is no confirmation to send for this registration."))
    queued = notifications.notify(registration, kind, now=now, resent=True)
    if queued:
        audit.record("registration.resent", subject_type="registration", subject_id=registration.id,
                     event_id=registration.event_id, details={"mail": kind}, now=now)
    if queued and registration.delegation is not None and kind == "invited":
        record_change(registration.delegation, DelegationChangeKind.INVITATION_RESENT, at=now, actor=actor,
                      registration=registration)
    return queued
