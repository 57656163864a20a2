"""Sign-up mail is queued unwritten under the event's seat lock and written once the sign-up committed
(mail/writing.py): after the request, else by the worker before it sends it. Nothing is lost on the way,
and the message says what was true at the change."""
from datetime import timedelta

import icalendar
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.mail.services import erase_mail_to
from eventsapp.mail.worker import deliver_due_messages
from eventsapp.mail.writing import QUEUED_KEY, write_queued_messages
from eventsapp.registration import services
from eventsapp.registration.models import RegistrationStatus

PERSON = {"name": "Li Lei", "email": "li.lei@example.com", "phone": "13800138000", "organization": "Zhenhua",
          "consent": "y"}


def rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def sign_up(event, email: str, now):
    registration = services.register(event.id, services.Applicant(name="Li Lei", email=email, language="en"), now=now)
    db.session.commit()
    return registration


def test_under_the_lock_a_sign_up_queues_one_small_row_that_names_its_change(app_ctx, make_event, now):
    event = make_event()
    registration = sign_up(event, "li.lei@example.com", now)
    [row] = rows()
    assert (row.subject, row.body_text, row.ics) == ("", "", None)
    assert row.to_write == {"writer": "registration", "registration": registration.id, "kind": "confirmed",
                            "at": now.isoformat(), "status": "confirmed", "sequence": 0, "position": None}
    assert write_queued_messages() == 1
    [row] = rows()
    assert row.to_write is None and row.subject.startswith("Your place is confirmed")
    assert registration.grouped_checkin_code in row.body_text and row.inline_image  # its QR


def test_the_form_answers_with_the_mail_written(client, make_event):
    event = make_event()
    assert client.post(f"/events/{event.id}/register?lang=en", data=PERSON).status_code == 302
    [row] = rows()  # read without writing anything
    assert row.to_write is None and "confirmed" in row.subject and row.ics


def test_a_process_that_dies_before_writing_leaves_the_row_to_the_worker(app_ctx, make_event, now, smtp_server):
    event = make_event()
    sign_up(event, "li.lei@example.com", now)
    db.session.info.pop(QUEUED_KEY)  # the request's process died right after its commit
    assert deliver_due_messages(transport=smtp_server.transport, now=now)["sent"] == 1
    [received] = smtp_server.handler.messages
    assert received["Subject"].startswith("Your place is confirmed") and "Li Lei" in received.get_body(
        ("plain",)).get_content()
    assert rows()[0].to_write is None


def test_the_message_says_what_was_true_at_the_change(app_ctx, make_event, now):
    """Waitlisted, then promoted before the first message was written: the first still says "number 1 on
    the waiting list" with a TENTATIVE calendar entry, and the promotion has its own, later message."""
    event = make_event(capacity=1)
    first = sign_up(event, "first@example.com", now)
    waiting = sign_up(event, "waiting@example.com", now)
    db.session.info.pop(QUEUED_KEY)
    services.cancel_registration(first, now=now + timedelta(minutes=1))
    db.session.commit()
    write_queued_messages()
    for row in rows():
        if row.to_write:
            from eventsapp.mail.writing import write_message
            write_message(row)
    db.session.commit()
    mine = [row for row in rows() if row.recipient == "waiting@example.com"]
    assert [row.subject.split(":")[0] for row in mine] == ["You are on the waiting list",
                                                           "A seat freed up — your place is confirmed"]
    assert "number 1" in mine[0].body_text and waiting.checkin_code and waiting.grouped_checkin_code not in \
        mine[0].body_text
    first_entry, second_entry = (icalendar.Calendar.from_ical(row.ics).walk("VEVENT")[0] for row in mine)
    assert str(first_entry["STATUS"]) == "TENTATIVE" and str(second_entry["STATUS"]) == "CONFIRMED"
    assert int(second_entry["SEQUENCE"]) > int(first_entry["SEQUENCE"])
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_a_writer_that_fails_after_the_request_leaves_the_row_for_the_worker(client, make_event, monkeypatch,
                                                                              app, now, smtp_server):
    event = make_event()
    from eventsapp.registration import notifications

    writers = app.extensions["mail.writers"]
    monkeypatch.setitem(writers, notifications.WRITER, lambda message, details: 1 / 0)
    assert client.post(f"/events/{event.id}/register?lang=en", data=PERSON).status_code == 302  # still signed up
    [row] = rows()
    assert row.to_write is not None
    monkeypatch.setitem(writers, notifications.WRITER, notifications.write_queued)
    assert deliver_due_messages(transport=smtp_server.transport, now=now + timedelta(minutes=1))["sent"] == 1


def test_erasing_an_address_forgets_what_was_to_be_written(app_ctx, make_event, now):
    event = make_event()
    sign_up(event, "li.lei@example.com", now)
    db.session.info.pop(QUEUED_KEY)
    erase_mail_to("li.lei@example.com", replacement="erased@invalid", now=now)
    db.session.commit()
    assert rows() == []  # it was waiting: dropped, nothing left to write
