"""A message queued about an event whose title holds a line break is still delivered: the subject is
folded to one line when the e-mail is composed (a later edit cannot lose a queued message)."""
from datetime import timedelta

from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage, OutboxStatus
from eventsapp.mail.transport import compose_email
from eventsapp.mail.worker import deliver_due_messages
from eventsapp.registration.services import Applicant, register


def test_mail_about_an_event_with_a_line_break_in_its_title_is_delivered(app_ctx, now, smtp_server, make_event):
    event = make_event(title_zh="标题\n注入", title_en="Title\r\nBcc: victim@example.com")
    register(event.id, Applicant(name="Li Lei", email="li.lei@example.com", language="en"), now=now)
    db.session.commit()
    assert deliver_due_messages(transport=smtp_server.transport, now=now) == {"sent": 1, "retried": 0, "failed": 0}
    [envelope] = smtp_server.handler.envelopes
    assert envelope.rcpt_tos == ["li.lei@example.com"]
    [received] = smtp_server.handler.messages
    assert "Title Bcc: victim@example.com" in received["Subject"] and received["Bcc"] is None
    assert db.session.scalars(select(OutboxMessage)).one().status == OutboxStatus.SENT


def test_compose_email_folds_every_kind_of_line_break_in_a_subject(app_ctx, now, queue_message):
    message = queue_message(subject="A\nB\rC\r\nD\x0bE\x85F\u2028G\tH")
    email = compose_email(message, sender="Events <events@example.com>", now=now + timedelta(seconds=1))
    assert email["Subject"] == "A B C D E F G H"
    assert email.as_bytes().count(b"Subject:") == 1
