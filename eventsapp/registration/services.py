"""Sign-up rules (SPEC 3.1–3.4): seats, the waiting list, one registration per e-mail, cancelling.

Every seat decision for an event happens while holding that event's lock (lock_event), so
decisions are made one at a time per event, in arrival order, whatever the number of processes.
Services flush; the caller commits.
"""
import enum
import functools
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Integer,
    ScalarSelect,
    Select,
    String,
    bindparam,
    delete,
    func,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..audit import trail as audit
from ..catalogue.models import Event, EventStatus
from ..errors import Conflict, DomainError, NotAllowedInState
from ..extensions import db
from ..languages import DEFAULT_LANGUAGE
from ..mail.addresses import normalize_email
from ..mail.services import erase_mail_to
from . import notifications
from .models import (
    ACTIVE,
    Announcement,
    PersonalFeed,
    Registration,
    RegistrationStatus,
    is_well_formed_token,
    new_token,
)
from .seats import SeatSummary as SeatSummary  # where callers have always found the seat rule
from .seats import lock_event as lock_event
from .seats import promote_from_waitlist as promote_from_waitlist
from .seats import release_place, seat_counts
from .seats import seat_summary as seat_summary

logger = logging.getLogger(__name__)


class RegistrationNotOpen(DomainError):
    status = 403
    code = "not_open"


class RegistrationClosed(DomainError):
    status = 410
    code = "closed"


class EventFull(Conflict):
    code = "full"


class AlreadyRegistered(Conflict):
    code = "already_registered"


class TooManyMails(DomainError):
    status = 429
    code = "too_many_mails"
    retry_after = 3600  # the quota counts the last hour's mails


# Sign-up mails (confirmed, waitlisted, "send my link again") one address may receive per hour.
SIGN_UP_MAILS_PER_ADDRESS_PER_HOUR = 5
# The attendee's page shows their personal details until this long after the event (or the cancellation).
PERSONAL_DETAILS_SHOWN_FOR = timedelta(days=30)


class Window(enum.StrEnum):
    """Where an event stands for sign-ups."""

    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"  # window ended or the event started
    CANCELLED = "cancelled"
    NOT_PUBLISHED = "not_published"


@dataclass(frozen=True)
class Applicant:
    name: str
    email: str
    phone: str = ""
    organization: str = ""
    job_title: str = ""
    language: str = DEFAULT_LANGUAGE
    submission_key: str | None = None
    shares_with_host: bool = False  # the separate, optional consent to hand one's details to the host


def registration_closes_at(event: Event) -> datetime:
    """The sign-up deadline: the organizer's, else the start; never after the start."""
    return min(event.registration_closes_at or event.starts_at, event.starts_at)


def registration_window(event: Event, *, now: datetime) -> Window:
    if event.status == EventStatus.CANCELLED:
        return Window.CANCELLED
    if event.status != EventStatus.PUBLISHED:
        return Window.NOT_PUBLISHED
    if now >= registration_closes_at(event):
        return Window.CLOSED
    if event.registration_opens_at and now < event.registration_opens_at:
        return Window.NOT_YET_OPEN
    return Window.OPEN


def check_registration_open(event: Event, *, now: datetime) -> None:
    window = registration_window(event, now=now)
    if window == Window.NOT_YET_OPEN:
        raise RegistrationNotOpen(_l("Registration for this event has not opened yet."))
    if window == Window.NOT_PUBLISHED:
        raise RegistrationNotOpen(_l("This event is not open for registration."))
    if window == Window.CANCELLED:
        raise RegistrationClosed(_l("This event has been cancelled."))
    if window == Window.CLOSED:
        raise RegistrationClosed(_l("Registration for this event has closed."))


def check_organizer_can_add(event: Event, *, now: datetime, at_the_door: bool = False) -> None:
    """An organizer adds people by hand outside the public window, but only to a published event that has
    not started, or at the door (a walk-in) until it ends (SPEC 3.4 holds for everyone: a cancelled event
    takes nobody)."""
    if event.status == EventStatus.CANCELLED:
        raise RegistrationClosed(_l("This event has been cancelled."))
    if event.status != EventStatus.PUBLISHED:
        raise RegistrationNotOpen(_l("Publish the event before adding people to it."))
    if at_the_door and now >= event.ends_at:
        raise RegistrationClosed(_l("The event is over; nobody can be added any more."))
    if not at_the_door and now >= event.starts_at:
        raise RegistrationClosed(_l("The event has already started; nobody can be added any more."))


def register(event_id: int, applicant: Applicant, *, now: datetime, by_organizer: User | None = None,
             at_the_door: bool = False) -> Registration:
    """Confirm or waitlist one person. Raises RegistrationNotOpen/Closed, AlreadyRegistered, EventFull.

    Submitting the same form twice (same submission_key) returns the first registration. `by_organizer`:
    an organizer adds the person by hand (attendee list), which the public sign-up window does not bind
    (check_organizer_can_add), nor the public form's mail quota per address; every other rule holds.
    `at_the_door` (with by_organizer): a walk-in, while the event runs, and only to a free seat.
    """
    return sign_up(event_id, applicant, now=now, by_organizer=by_organizer, at_the_door=at_the_door).registration


@dataclass(frozen=True)
class SignUp:
    registration: Registration
    # Its place in line, as the decision counted it (None: a seat). Registration.waitlist_position counts it
    # again: under the lock, that would go over the whole waiting list once more for every sign-up.
    waitlist_position: int | None


def sign_up(event_id: int, applicant: Applicant, *, now: datetime, by_organizer: User | None = None,
            at_the_door: bool = False) -> SignUp:
    """register, with the place in line it decided (the API answers it)."""
    applicant = replace(applicant, submission_key=applicant.submission_key or None)  # "": no key, never a match
    email = normalize_email(applicant.email)
    registration = new_registration(event_id, applicant, email, now=now)  # before the lock: it waits for no one
    event = lock_event(event_id)
    if by_organizer is None:
        check_registration_open(event, now=now)
    else:
        check_organizer_can_add(event, now=now, at_the_door=at_the_door)
    state = read_sign_up_state(event, email, submission_key=applicant.submission_key,
                               mails_since=None if by_organizer else now - timedelta(hours=1))
    if state.earlier_submission is not None:
        earlier = db.session.get_one(Registration, state.earlier_submission)
        return SignUp(earlier, earlier.waitlist_position())
    # "Full" comes first: were the duplicate check first, a full event would tell registered
    # addresses ("already registered") from the others ("full").
    if state.seats.seats_left > 0:
        status = RegistrationStatus.CONFIRMED
    elif event.waitlist_enabled and not at_the_door:
        status = RegistrationStatus.WAITLISTED
    else:
        raise EventFull(_l("Sorry, this event is full."))
    if state.is_registered:
        raise AlreadyRegistered(_l("This e-mail address is already registered for this event."), "email")
    if state.mails_this_hour is not None:
        check_sign_up_mail_quota(state.mails_this_hour)
    registration.status, registration.sequence = status, state.next_sequence
    if status == RegistrationStatus.CONFIRMED:
        registration.seated_at = now
    else:
        registration.waitlisted_at = now
    insert_registration(registration)
    if by_organizer is not None:
        logger.info("registration %s of event %s added by organizer %s (%s)", registration.id, event.id,
                    by_organizer.id, status.value)
    position = state.seats.next_waitlist_position if status == RegistrationStatus.WAITLISTED else None
    # Written by the mail worker (mail/writing.py), not here: the seat lock is held for the decision alone.
    notifications.queue_sign_up_mail(registration, status.value, now=now, position=position)
    return SignUp(registration, position)


def new_registration(event_id: int, applicant: Applicant, email: str, *, now: datetime) -> Registration:
    """The applicant's registration, not yet in the session: sign_up() gives it its status and SEQUENCE."""
    return Registration(
        event_id=event_id, email=email, name=applicant.name.strip(), phone=applicant.phone,
        organization=applicant.organization.strip(), job_title=applicant.job_title.strip(), token=new_token(),
        language=applicant.language, submission_key=applicant.submission_key,
        shares_with_host=applicant.shares_with_host, shares_with_host_at=now if applicant.shares_with_host else None)


@dataclass(frozen=True)
class SignUpState:
    """What one sign-up's decision reads under its event's lock, in one statement (read_sign_up_state)."""

    seats: SeatSummary
    is_registered: bool  # the address holds an active registration for the event (SPEC 3.3)
    next_sequence: int  # sequence_after_earlier_registrations
    earlier_submission: int | None  # the id of the registration this very form made already (a double submit)
    mails_this_hour: int | None  # sign-up mails queued for the address since `mails_since` (None: not counted)


def read_sign_up_state(event: Event, email: str, *, submission_key: str | None,
                       mails_since: datetime | None = None) -> SignUpState:
    """Counted under the lock with the rest, the address's mails are exact on SQLite (one writer at a time);
    on PostgreSQL sign-ups of one address to several events at the same instant may each pass the quota."""
    query = sign_up_state_query(with_submission_key=bool(submission_key), counting_mails=mails_since is not None)
    row = db.session.execute(query, {"event_id": event.id, "email": email, "submission_key": submission_key,
                                     "since": mails_since}).one()
    held, waiting, granted, is_registered, last_sequence, earlier_submission, mails_this_hour = row
    return SignUpState(seats=SeatSummary.of(event, held, waiting, granted), is_registered=bool(is_registered),
                       next_sequence=sequence_after(last_sequence), earlier_submission=earlier_submission,
                       mails_this_hour=mails_this_hour)


@functools.cache
def sign_up_state_query(*, with_submission_key: bool, counting_mails: bool) -> Select:
    """read_sign_up_state's statement, built once per kind with its values as parameters (event_id, email,
    submission_key, since): a sign-up builds no SQL while it holds its event's lock."""
    event_id, email = bindparam("event_id", type_=Integer), bindparam("email", type_=String)
    earlier = (select(Registration.id).where(Registration.submission_key == bindparam("submission_key"),
                                             Registration.event_id == event_id).scalar_subquery()
               if with_submission_key else null())
    mails = notifications.sign_up_mails_since(email, bindparam("since")) if counting_mails else null()
    return select(*seat_counts(event_id), select(active_registration_of(event_id, email).exists()).scalar_subquery(),
                  last_sequence_of(event_id, email), earlier, mails)


def sequence_after_earlier_registrations(event: Event, email: str) -> int:
    """Signing up again after cancelling shows the event anew in the same calendar entry (same UID):
    its SEQUENCE must pass the CANCEL's, so the new registration counts on from the last one."""
    return sequence_after(db.session.scalar(select(last_sequence_of(event.id, email))))


def last_sequence_of(event_id: int | ColumnElement[int], email: str | ColumnElement[str]) -> ScalarSelect[int | None]:
    return select(func.max(Registration.sequence)).where(
        Registration.event_id == event_id, Registration.email == email).scalar_subquery()


def sequence_after(last_sequence: int | None) -> int:
    return 0 if last_sequence is None else last_sequence + 1


def count_sign_up_mails_this_hour(email: str, *, now: datetime) -> int:
    return notifications.count_sign_up_mails(email, since=now - timedelta(hours=1))


def check_sign_up_mail_quota(mails_this_hour: int) -> None:
    """A form anyone can fill in must not make the site mail one address over and over."""
    if mails_this_hour >= SIGN_UP_MAILS_PER_ADDRESS_PER_HOUR:
        raise TooManyMails(_l("We have sent several e-mails to this address in the last hour. "
                              "Please try again later."), "email")


def insert_registration(registration: Registration) -> None:
    """The partial unique index is the last word on duplicates (e.g. a race on a path that does not take the
    event's lock). Without a savepoint, to hold the lock briefly: a violation ends the transaction (on
    PostgreSQL nothing more can be done in it), and every caller rolls back on the AlreadyRegistered raised."""
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise AlreadyRegistered(_l("This e-mail address is already registered for this event."), "email") from error


def active_registration_of(event_id: int | ColumnElement[int], email: str | ColumnElement[str]) -> Select[Registration]:
    return select(Registration).where(Registration.event_id == event_id, Registration.email == email,
                                      Registration.status.in_(ACTIVE))


def find_active_registration(event: Event, email: str) -> Registration | None:
    return db.session.scalar(active_registration_of(event.id, normalize_email(email)))


def find_by_token(token: str) -> Registration | None:
    if not is_well_formed_token(token):
        return None
    return db.session.scalar(select(Registration).where(Registration.token == token))


def check_can_cancel(registration: Registration, *, now: datetime) -> None:
    """A confirmed or waitlisted place can be given up until the event starts."""
    if registration.status == RegistrationStatus.CANCELLED:
        raise NotAllowedInState(_l("This registration is already cancelled."))
    if registration.status == RegistrationStatus.CHECKED_IN:
        raise NotAllowedInState(_l("A checked-in registration cannot be cancelled."))
    if now >= registration.event.starts_at:
        raise NotAllowedInState(_l("The event has already started; it is too late to cancel."))


def can_cancel(registration: Registration, *, now: datetime) -> bool:
    try:
        check_can_cancel(registration, now=now)
    except NotAllowedInState:
        return False
    return True


def cancel_registration(registration: Registration, *, now: datetime, actor: User | None = None,
                        mail: str = "cancelled", reason: str = "") -> Registration:
    """Cancel and give the freed seat to the earliest waitlisted person: a company's seat to its own
    waiting list (seats.release_place). `actor`: the organizer or lead contact doing it for the person;
    `reason`: what they said why, quoted in the person's e-mail and on their page. Cancelling twice is
    harmless (the first reason stays)."""
    lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    check_can_cancel(registration, now=now)
    registration.cancellation_reason = reason.strip()
    release_place(registration, now=now, mail=mail, actor=actor)
    return registration


def replace_calendar_address(feed: PersonalFeed, *, language: str, now: datetime) -> PersonalFeed:
    """Issue a new address for the person's calendar and e-mail it to them; the old one answers 404."""
    feed.token = new_token()
    db.session.flush()
    notifications.notify_calendar_replaced(feed, language=language, now=now)
    return feed


def resend_manage_link(event: Event, email: str, *, now: datetime) -> None:
    """Mail the manage link again. Says nothing about whether the address is registered, nor
    whether the address had its share of mail this hour."""
    registration = find_active_registration(event, email)
    try:
        check_sign_up_mail_quota(count_sign_up_mails_this_hour(normalize_email(email), now=now))
    except TooManyMails:
        return
    if registration is not None:
        notifications.notify(registration, "manage_link", now=now)


def shows_personal_details(registration: Registration, *, now: datetime) -> bool:
    """A manage link never expires, so what it shows of the person does (SPEC section 8)."""
    ended_long_ago = now > registration.event.ends_at + PERSONAL_DETAILS_SHOWN_FOR
    return registration.status != RegistrationStatus.CANCELLED and not ended_long_ago


def active_registrations(event: Event) -> list[Registration]:
    """The people to tell about the event (an erased registration counts in the seats, but has nobody)."""
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE), ~Registration.is_erased)
        .order_by(Registration.id)))


def queue_reminders(*, now: datetime, ahead: timedelta = timedelta(hours=24)) -> int:
    """Queue a reminder for confirmed people of events starting within `ahead`, once per event start.

    Runs before every mail-worker pass, so it selects only people not yet reminded (cheap when idle).
    """
    not_reminded = or_(Registration.reminded_for.is_(None), Registration.reminded_for != Event.starts_at)
    starting_soon = select(Registration).join(Registration.event).where(
        Event.status == EventStatus.PUBLISHED, Event.starts_at > now, Event.starts_at <= now + ahead,
        Registration.status == RegistrationStatus.CONFIRMED, ~Registration.is_erased, not_reminded)
    registrations = list(db.session.scalars(starting_soon))
    for registration in registrations:
        notifications.notify(registration, "reminder", now=now)
        registration.reminded_for = registration.event.starts_at
    db.session.flush()
    return len(registrations)


def check_can_erase(registration: Registration, *, now: datetime) -> None:
    """A person may have their details deleted once the event is over, or before it by giving up their
    place (which cancels it). While it runs, a place that can no longer be cancelled keeps them."""
    if registration.is_erased or registration.status == RegistrationStatus.CANCELLED:
        return
    if now >= registration.event.ends_at:
        return
    try:
        check_can_cancel(registration, now=now)
    except NotAllowedInState as error:
        raise NotAllowedInState(_l("You can have your details deleted once the event is over.")) from error


def can_erase(registration: Registration, *, now: datetime) -> bool:
    try:
        check_can_erase(registration, now=now)
    except NotAllowedInState:
        return False
    return True


def erasure_cancels(registration: Registration, *, now: datetime) -> bool:
    """Does deleting the details now also give up the place (and free the seat)?"""
    return registration.status in ACTIVE and now < registration.event.ends_at


def erase_personal_data(registration: Registration, *, now: datetime,
                        reason: str = "at the attendee's request") -> Registration:
    """Delete the person's details at their request (SPEC 8; PIPL Art. 47), keeping the anonymous row:
    its status still counts in the seats and the attendance. Before the event the place is cancelled
    first and its seat goes to the waiting list. The manage link stops working. Twice is harmless.

    Also gone: their mail in the outbox, and their calendar address when no other registration holds
    their e-mail address. Raises NotAllowedInState while the event runs (see check_can_erase).
    """
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.is_erased:
        return registration
    check_can_erase(registration, now=now)
    cancelled = erasure_cancels(registration, now=now)
    if cancelled:
        cancel_registration(registration, now=now)  # its "cancelled" mail is dropped below with the rest
    email = registration.email
    # The same person's earlier, cancelled sign-ups for this event go too: one request, one person.
    theirs = [registration, *db.session.scalars(select(Registration).where(
        Registration.event_id == registration.event_id, Registration.email == email,
        Registration.id != registration.id, ~Registration.is_erased))]
    shares_address = db.session.scalar(select(func.count(Registration.id)).where(
        Registration.email == email, Registration.event_id != registration.event_id)) or 0
    # Mail and the calendar address of an address still registered elsewhere serve those registrations.
    mails = 0
    for erased in theirs:
        mails += erase_mail_to(email, replacement=erased_email(erased), now=now,
                               dedup_key_prefix=f"registration-{erased.id}-" if shares_address else None)
    if not shares_address:
        db.session.execute(delete(PersonalFeed).where(PersonalFeed.email == email))
    for erased in theirs:
        _blank(erased, now=now)
    db.session.flush()
    logger.info("registration %s of event %s erased %s (status %s%s, %d earlier sign-ups, %d e-mails)",
                registration.id, event.id, reason, registration.status.value, ", cancelled now" if cancelled else "",
                len(theirs) - 1, mails)
    return registration


def _blank(registration: Registration, *, now: datetime) -> None:
    registration.name = registration.phone = registration.organization = registration.job_title = ""
    registration.cancellation_reason = ""  # it may name the person or their circumstances
    registration.email = erased_email(registration)
    registration.token = new_token()  # known to nobody: the old link answers 404
    registration.checkin_code = registration.certificate_code = None  # their door code and certificate go too
    registration.submission_key = None
    registration.shares_with_host, registration.shares_with_host_at = False, None
    registration.erased_at = now


def erased_email(registration: Registration) -> str:
    """Unique per registration (the one-active-per-address index), and never delivered (RFC 2606)."""
    return f"erased-{registration.id}@invalid"


def purge_date(event: Event, *, retention: timedelta) -> datetime:
    """When the retention rule deletes the attendees' details of this event (SPEC 8, RETENTION_DAYS)."""
    return event.ends_at + retention


def purge_expired_personal_data(*, now: datetime, retention: timedelta) -> int:
    """SPEC 8: personal data goes `retention` after the event ends (RETENTION_DAYS); the anonymous rows
    stay, so every count does. Each event purged gets one entry in the audit log, beside its
    registrations' "details deleted" entries. Runs before each mail-worker pass: cheap when nothing is due."""
    ended = select(Event.id).where(Event.ends_at < now - retention)
    due = list(db.session.scalars(select(Registration).where(
        Registration.event_id.in_(ended), ~Registration.is_erased).order_by(Registration.id)))
    per_event: dict[int, int] = {}
    for registration in due:
        erase_personal_data(registration, now=now, reason="at the end of the retention period")
        if registration.erased_at == now:  # not by another worker purging at the same time
            per_event[registration.event_id] = per_event.get(registration.event_id, 0) + 1
    for event_id, count in per_event.items():
        # A message's filter may have searched for someone by name: it goes with the people.
        db.session.execute(update(Announcement).where(Announcement.event_id == event_id).values(filter_search=""))
        event = db.session.get_one(Event, event_id)
        audit.record("personal_data.purged", subject_type="personal_data", event_id=event_id, label=event.title,
                     details={"registrations": count, "retention_days": retention.days}, now=now)
    db.session.flush()
    return sum(per_event.values())
