"""Queueing mail, composing the MIME message, and reading SMTP_URL — no network here."""
import smtplib
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import icalendar
import pytest
from sqlalchemy import func, select

from eventsapp.errors import NotAllowedInState
from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage, OutboxStatus
from eventsapp.mail.services import enqueue_message, retry_message
from eventsapp.mail.transport import SmtpTransport, compose_email, is_permanent_failure, is_server_unavailable
from eventsapp.mail.worker import retry_delay
from tests.mail.helpers import sample_ics


def outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_enqueue_adds_a_pending_message_due_now(app_ctx, now):
    message = enqueue_message(recipient="a@example.com", subject="Hello", body_text="Hi", body_html="<p>Hi</p>",
                              dedup_key="registration-1-confirmed", now=now, ics=sample_ics(), ics_method="request")
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, message.id)
    assert (stored.status, stored.attempts, stored.next_attempt_at, stored.created_at) == (
        OutboxStatus.PENDING, 0, now, now)
    assert stored.ics_method == "REQUEST" and stored.ics_filename == "event.ics"
    assert stored.sent_at is None and stored.claimed_until is None


def test_the_same_change_is_queued_once(app_ctx, now):
    fields = dict(recipient="a@example.com", subject="Hello", body_text="Hi", body_html="", dedup_key="k", now=now)
    assert enqueue_message(**fields) is not None
    db.session.commit()
    assert enqueue_message(**fields) is None
    db.session.commit()
    assert outbox_count() == 1


def test_a_racing_duplicate_loses_without_spoiling_the_transaction(app, app_ctx, now, monkeypatch):
    """Another transaction inserted the same key after our check: the unique key refuses our insert,
    and the change we carry in the same transaction still commits."""
    from eventsapp.catalogue.models import Organization

    fields = dict(recipient="a@example.com", subject="Hello", body_text="Hi", body_html="", dedup_key="k", now=now)
    with app.app_context():  # the other request, on its own connection
        enqueue_message(**fields)
        db.session.commit()
    db.session.add(Organization(name_zh="测试公司"))
    db.session.flush()
    original = db.session.scalar
    monkeypatch.setattr(db.session, "scalar", lambda statement, *args, **kwargs: (
        None if "outbox_message" in str(statement) else original(statement, *args, **kwargs)))
    assert enqueue_message(**fields) is None
    monkeypatch.undo()
    db.session.commit()
    assert outbox_count() == 1
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 1


def test_a_rolled_back_change_leaves_no_mail(app_ctx, now):
    """The message belongs to the caller's transaction, also when it is the first write in it."""
    enqueue_message(recipient="a@example.com", subject="Hello", body_text="Hi", body_html="", dedup_key="k", now=now)
    db.session.rollback()
    assert outbox_count() == 0


def test_long_subjects_and_keys_fit(app_ctx, now):
    key = "registration-" + "x" * 300
    message = enqueue_message(recipient="a@example.com", subject="标题" * 200, body_text="", body_html="",
                              dedup_key=key, now=now)
    db.session.commit()
    assert len(message.subject) == 300 and message.subject.endswith("…")
    assert len(message.dedup_key) <= 200
    assert enqueue_message(recipient="a@example.com", subject="again", body_text="", body_html="",
                           dedup_key=key, now=now) is None


def test_retry_gives_a_failed_message_a_fresh_start(app_ctx, now):
    message = enqueue_message(recipient="a@example.com", subject="Hello", body_text="Hi", body_html="",
                              dedup_key="k", now=now)
    message.status, message.attempts, message.last_error = OutboxStatus.FAILED, 8, "550 no such user"
    later = now + timedelta(days=1)
    retry_message(message, now=later)
    assert (message.status, message.attempts, message.next_attempt_at) == (OutboxStatus.PENDING, 0, later)
    with pytest.raises(NotAllowedInState):
        retry_message(message, now=later)


def test_retry_delay_doubles_up_to_an_hour():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(8) == timedelta(hours=1) and retry_delay(20) == timedelta(hours=1)


# --- The MIME message ------------------------------------------------------------------

def composed(message: OutboxMessage, sender="质量活动 <events@example.com>", *, now):
    raw = compose_email(message, sender=sender, now=now).as_bytes()
    assert max(raw) < 128, "7-bit clean: any mail server accepts it"
    return BytesParser(policy=policy.default).parsebytes(raw)


def test_compose_has_both_bodies_and_the_calendar_twice(app_ctx, now):
    ics = sample_ics(method="REQUEST")
    message = enqueue_message(recipient="a@example.com", subject="报名确认：质量开放日", body_text="您好，\n已确认。",
                              body_html="<p>您好</p>", dedup_key="k", now=now, ics=ics, ics_method="REQUEST",
                              ics_filename="event-7.ics")
    email = composed(message, now=now)
    assert email["Subject"] == "报名确认：质量开放日"
    assert email["From"].addresses[0].display_name == "质量活动"
    assert email["To"] == "a@example.com" and email["Message-ID"].endswith("@example.com>")
    assert email["Date"].datetime == now
    alternative = next(part for part in email.walk() if part.get_content_type() == "multipart/alternative")
    kinds = [part.get_content_type() for part in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    calendar_part = list(alternative.iter_parts())[2]
    assert calendar_part.get_param("method") == "REQUEST" and calendar_part.get_content_charset() == "utf-8"
    assert calendar_part.get_payload(decode=True) == ics
    attachment = next(email.iter_attachments())
    assert attachment.get_content_type() == "application/ics" and attachment.get_filename() == "event-7.ics"
    assert attachment.get_content() == ics
    assert "质量开放日" in str(icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]["SUMMARY"])


def test_the_message_id_is_the_same_on_every_attempt(app_ctx, now):
    message = enqueue_message(recipient="a@example.com", subject="s", body_text="t", body_html="",
                              dedup_key="k", now=now)
    db.session.flush()
    first = composed(message, now=now)["Message-ID"]
    assert composed(message, now=now + timedelta(hours=1))["Message-ID"] == first


def test_text_only_message_without_calendar(app_ctx, now):
    message = enqueue_message(recipient="a@example.com", subject="s", body_text="t", body_html="",
                              dedup_key="k", now=now)
    email = composed(message, now=now)
    assert email.get_content_type() == "text/plain" and email.get_content().strip() == "t"


# --- SMTP_URL -------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.example.com", dict(host="mail.example.com", port=25, implicit_tls=False, require_starttls=False)),
    ("smtp://u%40x.cn:p%3Aw%2Fd@smtp.example.com:587",
     dict(port=587, username="u@x.cn", password="p:w/d", require_starttls=True)),
    ("smtps://user:secret@smtp.exmail.qq.com", dict(port=465, implicit_tls=True, require_starttls=False)),
])
def test_smtp_url(url, expected):
    transport = SmtpTransport.from_url(url)
    assert {name: getattr(transport, name) for name in expected} == expected
    assert transport.timeout == 15


@pytest.mark.parametrize("url", ["", "http://example.com", "smtp://", "mail.example.com:25"])
def test_bad_smtp_url(url):
    with pytest.raises(ValueError):
        SmtpTransport.from_url(url)


@pytest.mark.parametrize(("error", "permanent", "server_unavailable"), [
    (ConnectionRefusedError(111, "Connection refused"), False, True),
    (TimeoutError("timed out"), False, True),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False, True),
    (smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication failed"), False, True),
    (smtplib.SMTPSenderRefused(421, b"4.3.2 Shutting down", "a@example.com"), False, True),
    (smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"5.1.1 No such user")}), True, False),
    (smtplib.SMTPRecipientsRefused({"a@example.com": (451, b"4.7.1 Greylisted")}), False, False),
    (smtplib.SMTPDataError(554, b"5.7.1 Spam"), True, False),
    (smtplib.SMTPDataError(452, b"4.3.1 Insufficient storage"), False, False),
    (ValueError("bad header"), False, False),
])
def test_which_errors_end_or_pause_delivery(error, permanent, server_unavailable):
    assert (is_permanent_failure(error), is_server_unavailable(error)) == (permanent, server_unavailable)
