"""The check-in code in the mails (SPEC 4d): a seat holder's confirmation and promotion carry the code, typed
and as a QR drawn inline (multipart/related, a Content-ID the HTML refers to); a waitlisted or cancelled
person's mail carries none; the worker sends the image that was queued, and erasure drops it."""
import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.mail.transport import compose_email
from eventsapp.mail.worker import deliver_due_messages
from eventsapp.registration.services import Applicant, cancel_registration, erase_personal_data, register

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def person(n: int, **fields) -> Applicant:
    return Applicant(**{"name": f"王芳{n}", "email": f"p{n}@example.com", "phone": "+8613800131234",
                        "language": "en", **fields})


@pytest.fixture
def full_event(make_event, now):
    """One seat: the first person holds it, the second waits."""
    event = make_event(capacity=1)
    seated = register(event.id, person(1), now=now)
    waiting = register(event.id, person(2), now=now)
    db.session.commit()
    return event, seated, waiting


def mail(outbox, registration, kind: str) -> OutboxMessage:
    [message] = [m for m in outbox(registration.email) if m.dedup_key == f"registration-{registration.id}-{kind}"]
    return message


def grouped(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def test_the_confirmation_shows_the_code_typed_and_as_an_inline_qr(full_event, outbox):
    _event, seated, _waiting = full_event
    message = mail(outbox, seated, "confirmed")
    assert grouped(seated.checkin_code) in message.body_text and grouped(seated.checkin_code) in message.body_html
    assert message.inline_image.startswith(PNG_SIGNATURE)
    assert f'src="cid:{message.inline_image_cid}"' in message.body_html
    assert seated.token not in message.inline_image_cid  # the image names no manage token either

    email = compose_email(message, sender="events@example.com", now=message.created_at)
    parsed = BytesParser(policy=policy.default).parsebytes(email.as_bytes())
    related = next(part for part in parsed.walk() if part.get_content_type() == "multipart/related")
    html, image = related.iter_parts()
    assert html.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png" and image["Content-ID"] == f"<{message.inline_image_cid}>"
    assert image.get_content() == message.inline_image
    assert f"cid:{message.inline_image_cid}" in html.get_content()
    assert any(part.get_content_type() == "text/calendar" for part in parsed.walk())  # the .ics stays


def test_the_qr_holds_the_code_and_nothing_else(full_event, outbox):
    """segno draws deterministically: the image is the QR of the bare code (no URL, no manage token)."""
    from eventsapp.checkin.qr import qr_png

    _event, seated, _waiting = full_event
    assert mail(outbox, seated, "confirmed").inline_image == qr_png(seated.checkin_code)


def test_a_waitlisted_person_gets_no_code_until_promoted(full_event, outbox, now):
    _event, seated, waiting = full_event
    waitlisted = mail(outbox, waiting, "waitlisted")
    assert waitlisted.inline_image is None and "cid:" not in waitlisted.body_html
    assert "check-in code" not in waitlisted.body_text.lower()

    cancel_registration(seated, now=now + timedelta(minutes=1))
    db.session.commit()
    cancelled = mail(outbox, seated, "cancelled")
    assert cancelled.inline_image is None and grouped(seated.checkin_code) not in cancelled.body_text

    promoted = mail(outbox, waiting, "promoted")
    assert waiting.checkin_code and grouped(waiting.checkin_code) in promoted.body_text
    assert promoted.inline_image.startswith(PNG_SIGNATURE)
    assert f'src="cid:{promoted.inline_image_cid}"' in promoted.body_html


def test_a_chinese_reader_gets_the_code_in_chinese_words(make_event, now, outbox):
    event = make_event()
    seated = register(event.id, person(3, language="zh"), now=now)
    db.session.commit()
    message = mail(outbox, seated, "confirmed")
    assert "签到码" in message.body_text and grouped(seated.checkin_code) in message.body_text


def test_the_worker_sends_the_image_that_was_queued(full_event, outbox, smtp_server, now):
    _event, seated, _waiting = full_event
    queued = mail(outbox, seated, "confirmed")
    deliver_due_messages(transport=smtp_server.transport, now=now)
    [received] = [m for m in smtp_server.handler.messages if m["To"] == seated.email]
    [image] = [part for part in received.walk() if part.get_content_type() == "image/png"]
    assert image.get_content() == queued.inline_image and image["Content-ID"] == f"<{queued.inline_image_cid}>"
    html = received.get_body(("html",)).get_content()
    assert re.search(rf'src="cid:{re.escape(queued.inline_image_cid)}"', html)
    assert grouped(seated.checkin_code) in received.get_body(("plain",)).get_content()


def test_erasure_drops_the_image_with_the_rest(full_event, outbox, smtp_server, now):
    _event, seated, _waiting = full_event
    deliver_due_messages(transport=smtp_server.transport, now=now)  # sent: the row stays, blanked
    erase_personal_data(seated, now=now + timedelta(minutes=5))
    db.session.commit()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key.like(
        f"registration-{seated.id}-%"))).all()
    assert rows and all(row.inline_image is None and row.body_html == "" for row in rows)


def test_the_back_office_preview_shows_the_image_without_cid(client, auth, full_event, outbox):
    """A page cannot resolve cid: (and the Content Security Policy allows images from data: only)."""
    _event, seated, _waiting = full_event
    message = mail(outbox, seated, "confirmed")
    auth.login()
    page = client.get(f"/manage/outbox/{message.id}").get_data(as_text=True)
    assert "cid:" not in page and "data:image/png;base64," in page
