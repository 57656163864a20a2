"""The e-mails an attendee gets for each change (SPEC 3.5), queued in the outbox.

Each message is rendered in the language the person signed up in and carries the event as an
.ics file built by the same serializer as the feeds. The dedup key names the change, so the same
change never queues two messages. A message to someone holding a seat carries their check-in code
(SPEC 4d): typed, and as a QR drawn inline in the HTML.
"""
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, ScalarSelect, func, or_, select

from ..catalogue.changes import Change
from ..catalogue.models import Event, EventSession
from ..extensions import db
from ..feeds.ical import RecipientView, build_calendar
from ..i18n import format_local_moment
from ..mail.models import OutboxMessage
from ..mail.services import enqueue_message, fit_subject
from ..mail.writing import Unwritable, enqueue_unwritten
from ..site import base_url, external_url, organizer_address
from ..site_settings import uid_domain
from .models import TENTATIVE, PersonalFeed, Registration, RegistrationStatus
from .personal_feed import personal_feed_for, recipient_view

SUBJECTS = {
    "confirmed": _l("Your place is confirmed: %(title)s"),
    "waitlisted": _l("You are on the waiting list: %(title)s"),
    "promoted": _l("A seat freed up — your place is confirmed: %(title)s"),
    "cancelled": _l("Your registration is cancelled: %(title)s"),
    "manage_link": _l("Your registration link: %(title)s"),
    "event_changed": _l("Event changed: %(title)s"),
    "agenda_changed": _l("Agenda changed: %(title)s"),
    "event_cancelled": _l("Event cancelled: %(title)s"),
    "event_reinstated": _l("Event takes place after all: %(title)s"),
    "reminder": _l("Reminder: %(title)s"),
    "invited": _l("Your company named you for %(title)s: please confirm"),
    "company_promoted": _l("A seat of your company freed up for %(title)s: please confirm"),
    "company_waitlisted": _l("You are on your company's waiting list: %(title)s"),
    "declined": _l("You declined your place: %(title)s"),
    "invitation_expired": _l("Your place was not confirmed in time: %(title)s"),
    "handed_over": _l("Your place went to a colleague: %(title)s"),
    "removed_by_company": _l("Your company withdrew your place: %(title)s"),
    "delegation_withdrawn": _l("Your company's seats were withdrawn: %(title)s"),
}
HEADLINES = {
    "confirmed": _l("Hello %(name)s, your place is confirmed."),
    "waitlisted": _l("Hello %(name)s, the event is full, so you are on the waiting list (number %(position)s). "
                     "We will write as soon as a seat frees up."),
    "promoted": _l("Hello %(name)s, good news: a seat freed up and your place is now confirmed."),
    "cancelled": _l("Hello %(name)s, your registration is cancelled."),
    "manage_link": _l("Hello %(name)s, here is the link to your registration, as requested."),
    "event_changed": _l("Hello %(name)s, this event has changed. What changed and the new details are below; "
                        "the attached calendar file updates your calendar."),
    "agenda_changed": _l("Hello %(name)s, an item of this event's agenda has moved. What changed is below; "
                         "your registration stays as it is."),
    "event_cancelled": _l("Hello %(name)s, we are sorry: this event has been cancelled."),
    "event_reinstated": _l("Hello %(name)s, good news: this event, which had been cancelled, takes place after all. "
                           "Your registration stands; the attached calendar file puts it back in your calendar."),
    "reminder": _l("Hello %(name)s, a reminder: your event is coming up soon. The details are below."),
    "invited": _l("Hello %(name)s, %(company)s has named you to attend this event. Please confirm your place by "
                  "%(deadline)s on your registration page (the link below), or decline it: until then the seat is "
                  "held for you."),
    "company_promoted": _l("Hello %(name)s, one of the seats of %(company)s for this event freed up and is held for "
                           "you. Please confirm your place by %(deadline)s on your registration page (the link "
                           "below), or decline it."),
    "company_waitlisted": _l("Hello %(name)s, %(company)s has named you for this event, but its seats are all "
                             "taken: you are number %(position)s on its waiting list. We will write as soon as one "
                             "of its seats frees up."),
    "declined": _l("Hello %(name)s, you declined your place at this event; the seat goes back to %(company)s."),
    "invitation_expired": _l("Hello %(name)s, your place at this event was not confirmed by the deadline, so the "
                             "seat went back to %(company)s. Ask them if you would still like to attend."),
    "handed_over": _l("Hello %(name)s, %(company)s has handed your place at this event to a colleague: your "
                      "registration is cancelled."),
    "removed_by_company": _l("Hello %(name)s, %(company)s has withdrawn your place at this event: your registration "
                             "is cancelled."),
    "delegation_withdrawn": _l("Hello %(name)s, the organizers have withdrawn the seats of %(company)s for this "
                               "event, so your registration is cancelled. We are sorry."),
}
# An invitation (REQUEST) puts the event in the calendar; CANCEL takes it out again.
CANCELLING_KINDS = {"cancelled", "event_cancelled", "declined", "invitation_expired", "handed_over",
                    "removed_by_company", "delegation_withdrawn"}
# How a check-in code is drawn for the mails: the check-in domain's QR (checkin.init_app sets it; that
# domain reads registrations, so this one cannot import it).
CODE_IMAGE_KEY = "registration_code_image"
WRITER = "registration"  # write_sign_up_mail's name among the mail writers: stored in rows, never to change
RESEND_BUCKET_SECONDS = 600  # at most one "resend my link" mail per person per 10 minutes


# The messages a sign-up form can cause (as opposed to an organizer's change).
SIGN_UP_KINDS = ("confirmed", "waitlisted", "manage_link")


def count_sign_up_mails(email: str, *, since: datetime) -> int:
    """Sign-up messages queued for this address since then (read from the dedup keys below)."""
    return db.session.scalar(select(sign_up_mails_since(email, since))) or 0


def sign_up_mails_since(email: str | ColumnElement[str],
                        since: datetime | ColumnElement[datetime]) -> ScalarSelect[int]:
    """count_sign_up_mails as a subquery, to be read with other values in one statement (values or parameters)."""
    kinds = [OutboxMessage.dedup_key.like(f"registration-%-{kind}%") for kind in SIGN_UP_KINDS]
    return select(func.count(OutboxMessage.id)).where(
        OutboxMessage.recipient == email, OutboxMessage.created_at >= since, or_(*kinds)).scalar_subquery()


def dedup_key(registration: Registration, kind: str, *, now: datetime, talk: EventSession | None = None,
              resent: bool = False) -> str:
    """One key per change, e.g. "registration-42-confirmed" or "registration-42-event_changed-seq3":
    the same change must never queue two messages. A message an organizer sends again (`resent`) may go
    once per 10 minutes and state of the registration, so a double click sends one; its key names no
    sign-up kind, so it does not count in the address's sign-up mails (count_sign_up_mails)."""
    event = registration.event
    if resent:
        return (f"registration-{registration.id}-resend-seq{registration.sequence}"
                f"-{int(now.timestamp()) // RESEND_BUCKET_SECONDS}")
    suffix = {
        "event_changed": f"-seq{event.sequence}",
        "event_cancelled": f"-seq{event.sequence}",  # cancelled, reinstated, cancelled again: each is told
        "event_reinstated": f"-seq{event.sequence}",
        "agenda_changed": f"-talk{talk.id}-seq{talk.sequence}" if talk else "",
        "reminder": f"-{int(event.starts_at.timestamp())}",
        "manage_link": f"-{int(now.timestamp()) // RESEND_BUCKET_SECONDS}",
        "invited": f"-{int(now.timestamp()) // RESEND_BUCKET_SECONDS}",  # the lead may send it again
    }.get(kind, "")
    return f"registration-{registration.id}-{kind}{suffix}"


@dataclass(frozen=True)
class AsOf:
    """What a message queued unwritten (queue) knew of the registration at its change, for the writer: the
    status, SEQUENCE and place in line then, whatever happened since (a promotion has its own message)."""

    status: RegistrationStatus
    sequence: int
    position: int | None


@dataclass(frozen=True)
class Rendered:
    """A message's parts: its fields are enqueue_message's arguments (and OutboxMessage's columns)."""

    subject: str
    body_text: str
    body_html: str
    ics: bytes
    ics_method: str
    ics_filename: str
    inline_image: bytes | None
    inline_image_cid: str | None


def notify(registration: Registration, kind: str, *, now: datetime, change: Change | None = None,
           talk: EventSession | None = None, resent: bool = False) -> bool:
    """Queue the message for `kind` (a key of SUBJECTS) in the current transaction. `change` (what was
    changed, for event_changed and agenda_changed) is listed as "was → now" above the details; a
    change the person would not see in their language (a Chinese title corrected, for an English
    reader) sends nothing. `resent`: an organizer sends the person's current message again.
    Returns whether a message was queued (False: the same one was, moments ago)."""
    db.session.flush()  # the dedup key needs the registration's id
    with force_locale(registration.language):
        changes = change.lines(registration.language) if change else []
    if change and not changes:
        return False
    rendered = render_message(registration, kind, now=now, changes=changes, resent=resent)
    key = dedup_key(registration, kind, now=now, talk=talk, resent=resent)
    queued = enqueue_message(recipient=registration.email, dedup_key=key, now=now, **asdict(rendered))
    return queued is not None


SIGN_UP_MAIL_KINDS = ("confirmed", "waitlisted")


def queue_sign_up_mail(registration: Registration, kind: str, *, now: datetime, position: int | None = None) -> bool:
    """Like notify, for a sign-up, made under its event's seat lock: one small row now, the message written
    later by the mail worker (mail/writing.py), from what the registration was at the change. `position`: a
    waitlisted person's place in line, when the caller knows it already (else it is read)."""
    if kind not in SIGN_UP_MAIL_KINDS:
        raise ValueError(f"only a sign-up's mail is written after its commit, not {kind!r}")
    db.session.flush()  # the dedup key needs the registration's id
    if registration.status != RegistrationStatus.WAITLISTED:
        position = None
    elif position is None:
        position = registration.waitlist_position()
    details = {"registration": registration.id, "kind": kind, "at": now.isoformat(),
               "status": registration.status.value, "sequence": registration.sequence, "position": position}
    queued = enqueue_unwritten(recipient=registration.email, dedup_key=dedup_key(registration, kind, now=now),
                               writer=WRITER, details=details, now=now)
    return queued is not None


def write_sign_up_mail(message: OutboxMessage, details: dict) -> None:
    """What queue_sign_up_mail queued, written (mail/writing.add_writer): the registration and its event as they
    are now, with its status, SEQUENCE and place in line as they were at the sign-up."""
    registration = db.session.get(Registration, details["registration"])
    if registration is None:
        raise Unwritable(f"registration {details['registration']} is gone")
    if registration.event.is_cancelled:  # the cancellation's own message tells them, with a higher SEQUENCE
        raise Unwritable("the event was cancelled before this message was written")
    as_of = AsOf(status=RegistrationStatus(details["status"]), sequence=details["sequence"],
                 position=details["position"])
    rendered = render_message(registration, details["kind"], now=datetime.fromisoformat(details["at"]), as_of=as_of)
    message.subject = fit_subject(rendered.subject)
    message.body_text, message.body_html = rendered.body_text, rendered.body_html
    message.ics, message.ics_method, message.ics_filename = rendered.ics, rendered.ics_method, rendered.ics_filename
    message.inline_image, message.inline_image_cid = rendered.inline_image, rendered.inline_image_cid


def render_message(registration: Registration, kind: str, *, now: datetime, changes: list | None = None,
          resent: bool = False, as_of: AsOf | None = None) -> Rendered:
    """The message for `kind`: subject, text and HTML bodies in the person's language, the event as their
    calendar sees it (.ics), and the QR of their check-in code when the message carries it."""
    event = registration.event
    with force_locale(registration.language):
        context = message_context(registration, kind, as_of=as_of)
        context["changes"] = changes or []
        context["resent"] = resent
        subject = str(SUBJECTS[kind] % {"title": event.title})
        body_text = render_template("mail/registration.txt", **context)
        body_html = render_template("mail/registration.html", **context)
    image = checkin_code_image(registration) if context["checkin_code"] else None
    # RFC 5546 allows a REQUEST only TENTATIVE or CONFIRMED: a cancelled event's mails (a link asked
    # for again, say) keep it out of the calendar.
    method = "CANCEL" if kind in CANCELLING_KINDS or event.is_cancelled else "REQUEST"
    view = recipient_view(registration) if as_of is None else RecipientView(
        waitlisted=as_of.status in TENTATIVE, sequence=as_of.sequence, changed_at=registration.created_at)
    return Rendered(subject=subject, body_text=body_text, body_html=body_html,
                   ics=event_invitation(event, registration, method=method, now=now, view=view), ics_method=method,
                   ics_filename=f"event-{event.id}.ics", inline_image=image,
                   inline_image_cid=context["checkin_code_cid"] if image else None)


def draw_checkin_codes_with(app: Flask, draw: Callable[[str], bytes]) -> None:
    """`draw(code)` makes the PNG of a check-in code that a registration's mails show."""
    app.extensions[CODE_IMAGE_KEY] = draw


def carries_checkin_code(registration: Registration, kind: str, *, status: RegistrationStatus | None = None) -> bool:
    """Every message to someone holding a seat, not yet checked in, at an event that takes place: the
    latest mail always has the code. Waitlisted, invited and cancelled people have none to show.
    `status`: the registration's at the change, when the message is written later (AsOf)."""
    return ((status or registration.status) == RegistrationStatus.CONFIRMED and registration.checkin_code is not None
            and kind not in CANCELLING_KINDS and not registration.event.is_cancelled)


def checkin_code_image(registration: Registration) -> bytes | None:
    draw = current_app.extensions.get(CODE_IMAGE_KEY)
    return draw(registration.checkin_code) if draw and registration.checkin_code else None


def event_invitation(event: Event, registration: Registration, *, method: str, now: datetime,
                     view: RecipientView | None = None) -> bytes:
    """The event as this person's calendar sees it, as in their personal feed: tentative while
    waitlisted, with their SEQUENCE (feeds/ical.py). DTSTAMP is the time of this message."""
    return build_calendar(
        [event], lang=registration.language, base_url=base_url(), uid_domain=uid_domain(), method=method,
        attendee=(registration.name, registration.email), organizer_email=organizer_address(),
        views={event.id: view or recipient_view(registration)}, stamp=now)


def notify_calendar_replaced(feed: PersonalFeed, *, language: str, now: datetime) -> None:
    """The new address of a person's calendar goes to their mailbox only (SPEC 3.7)."""
    with force_locale(language):
        context = {"calendar_url": external_url("registration.personal_calendar", token=feed.token),
                   "feed_url": external_url("registration.personal_feed", token=feed.token)}
        subject = str(_l("Your new calendar address"))
        body_text = render_template("mail/calendar_replaced.txt", **context)
        body_html = render_template("mail/calendar_replaced.html", **context)
    enqueue_message(recipient=feed.email, subject=subject, body_text=body_text, body_html=body_html,
                    dedup_key=f"personal-feed-{feed.id}-replaced-{feed.token}", now=now)


def message_context(registration: Registration, kind: str, *, as_of: AsOf | None = None) -> dict:
    position = registration.waitlist_position() if as_of is None else as_of.position
    feed = personal_feed_for(registration.email)
    delegation = registration.delegation
    deadline = registration.confirm_by
    values = {"name": registration.name, "position": position,
              "company": delegation.organization.name if delegation else "",
              "deadline": format_local_moment(deadline, registration.event.timezone) if deadline else ""}
    return {
        "kind": kind,
        "headline": str(HEADLINES[kind] % values),
        "registration": registration,
        "event": registration.event,
        "manage_url": external_url("registration.manage", token=registration.token),
        "event_url": external_url("catalogue.event", event_id=registration.event.id),
        # Links that span the address's other registrations: only ever sent to that address.
        "feed_url": external_url("registration.personal_feed", token=feed.token),
        "calendar_url": external_url("registration.personal_calendar", token=feed.token),
        # The code alone (never a link with the manage token): it admits its holder and nothing else.
        "checkin_code": registration.grouped_checkin_code if carries_checkin_code(
            registration, kind, status=as_of.status if as_of else None) else "",
        "checkin_code_cid": f"checkin-code-{registration.id}@{uid_domain()}",
    }

