"""Messages from the organizers to the people of an event's attendee list, or of one filter of it
("message everyone", issue 12): written in Chinese and English, previewed, then one e-mail per person in
their language, through the outbox, never twice."""
import logging
from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..catalogue.models import Event
from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..languages import LANGUAGES, other_language
from ..mail.services import enqueue_message
from ..site import external_url
from .models import Announcement, Registration
from .queries import AttendeeFilter, find_message_recipients
from .seats import lock_event

logger = logging.getLogger(__name__)


class RecipientsChanged(Conflict):
    """People signed up, cancelled or were promoted between the preview and "Send"."""


@dataclass(frozen=True)
class Message:
    """What the organizer wrote. A language is written in full (subject and body) or left empty; a reader
    of an empty one gets the other (as every bilingual text of the site)."""

    subject_zh: str = ""
    subject_en: str = ""
    body_zh: str = ""
    body_en: str = ""

    def is_written_in(self, language: str) -> bool:
        return bool(self.subject(language) and self.body(language))

    def subject(self, language: str) -> str:
        return (self.subject_zh if language == "zh" else self.subject_en).strip()

    def body(self, language: str) -> str:
        return (self.body_zh if language == "zh" else self.body_en).strip()

    def language_for(self, reader_language: str) -> str:
        """The language a reader of `reader_language` gets the message in."""
        return reader_language if self.is_written_in(reader_language) else other_language(reader_language)


@dataclass(frozen=True)
class Mail:
    subject: str
    body_text: str
    body_html: str


def check_message(message: Message) -> None:
    """Each language complete or empty, at least one complete: the form says which field, the service again."""
    for language in LANGUAGES:
        if bool(message.subject(language)) != bool(message.body(language)):
            field = f"subject_{language}" if not message.subject(language) else f"body_{language}"
            raise ValidationFailed(_l("Write both the subject and the text in this language, or neither."), field)
    if not any(message.is_written_in(language) for language in LANGUAGES):
        raise ValidationFailed(_l("Write the message in Chinese, in English or in both."), "subject_zh")


def render_mail(event: Event, message: Message, registration: Registration) -> Mail:
    """The e-mail as this person gets it: in their language (or the other, when theirs was left empty)."""
    language = message.language_for(registration.language)
    with force_locale(language):
        context = {"event": event, "registration": registration, "body": message.body(language),
                   "event_url": external_url("catalogue.event", event_id=event.id),
                   "manage_url": external_url("registration.manage", token=registration.token)}
        return Mail(subject=message.subject(language),
                    body_text=render_template("mail/announcement.txt", **context),
                    body_html=render_template("mail/announcement.html", **context))


def preview_mails(event: Event, message: Message, recipients: list[Registration]) -> dict[str, Mail]:
    """The message in each language it was written in, as the first recipient reading it gets it."""
    mails = {}
    for language in LANGUAGES:
        if message.is_written_in(language) and recipients:
            readers = [person for person in recipients if message.language_for(person.language) == language]
            mails[language] = render_mail(event, message, (readers or recipients)[0])
    return mails


def send_announcement(event: Event, message: Message, wanted: AttendeeFilter, *, submission_key: str,
                      expected: int | None, sent_by: User | None, now: datetime) -> Announcement:
    """Store the message and queue one e-mail per recipient of the filter (queries.find_message_recipients).
    The same composed message sent again (same submission_key: a double click, a retried request) returns
    the first announcement and queues nothing; each e-mail's dedup key names the announcement and the
    person besides. `expected`: the number the organizer saw in the preview; when it no longer holds,
    RecipientsChanged, so what is sent is what was previewed."""
    check_message(message)
    lock_event(event.id)  # one send per event at a time; its recipients are read under the seat lock
    if find_by_submission_key(submission_key) is not None:
        return same_message_sent(event, submission_key)
    recipients = find_message_recipients(event, wanted)
    if not recipients:
        raise ValidationFailed(_l("Nobody matches this filter: there is nobody to send the message to."))
    if expected is not None and expected != len(recipients):
        raise RecipientsChanged(_l("The list changed since the preview: the message now goes to %(count)d people. "
                                   "Please check it again.", count=len(recipients)))
    announcement = Announcement(
        event_id=event.id, subject_zh=message.subject("zh"), subject_en=message.subject("en"),
        body_zh=message.body("zh"), body_en=message.body("en"), filter_status=wanted.status,
        filter_company=wanted.company, filter_search=wanted.search, recipient_count=len(recipients),
        sent_by=sent_by, sent_at=now, submission_key=submission_key)
    try:
        with db.session.begin_nested():
            db.session.add(announcement)
    except IntegrityError as error:  # the same message, sent in a parallel request that won
        return same_message_sent(event, submission_key, error)
    for registration in recipients:
        mail = render_mail(event, message, registration)
        enqueue_message(recipient=registration.email, subject=mail.subject, body_text=mail.body_text,
                        body_html=mail.body_html, dedup_key=f"announcement-{announcement.id}-registration-"
                                                            f"{registration.id}", now=now)
    logger.info("announcement %s of event %s queued for %d people by user %s", announcement.id, event.id,
                len(recipients), sent_by.id if sent_by else None)
    return announcement


def same_message_sent(event: Event, submission_key: str, error: IntegrityError | None = None) -> Announcement:
    earlier = find_by_submission_key(submission_key)
    if earlier is None or earlier.event_id != event.id:
        raise Conflict(_l("This message was sent from another page. Please write it again.")) from error
    return earlier


def find_by_submission_key(submission_key: str) -> Announcement | None:
    return db.session.scalar(select(Announcement).where(Announcement.submission_key == submission_key))


def announcements_of(event: Event) -> list[Announcement]:
    """The messages sent to the event's attendees, newest first, with who sent them."""
    return list(db.session.scalars(select(Announcement).where(Announcement.event_id == event.id)
                                   .options(selectinload(Announcement.sent_by))
                                   .order_by(Announcement.sent_at.desc(), Announcement.id.desc())))
