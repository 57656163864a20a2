"""Sign-up mail is queued unwritten under the event's seat lock and written by whoever reads it first, never by
the request (mail/writing.py): the worker before it sends it, or on its pass, or the outbox pages. Nothing is
lost or sent twice on the way, nothing erased comes back, and the message says what was true at the change."""
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from eventsapp.catalogue import services as catalogue
from eventsapp.database import utcnow
from eventsapp.extensions import db
from eventsapp.mail import worker, writing
from eventsapp.mail.models import OutboxMessage, OutboxStatus
from eventsapp.mail.services import ERASED
from eventsapp.mail.worker import claim_due_messages, deliver_due_messages, run_before_pass_hooks
from eventsapp.mail.writing import write_left_unwritten
from eventsapp.registration import notifications, services
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
    assert write_left_unwritten(now=now) == 1
    [row] = rows()
    assert row.to_write is None and row.subject.startswith("Your place is confirmed")
    assert registration.grouped_checkin_code in row.body_text and row.inline_image  # its QR


def test_the_form_answers_without_writing_the_mail(client, make_event, app, monkeypatch):
    """The writing (text, HTML, .ics, QR) is no work of the sign-up's: a writer that would fail is not even
    called, and the row waits for the worker."""
    monkeypatch.setitem(app.extensions["mail.writers"], notifications.WRITER, lambda message, details: 1 / 0)
    event = make_event()
    assert client.post(f"/events/{event.id}/register?lang=en", data=PERSON).status_code == 302
    [row] = rows()
    assert row.to_write is not None and row.subject == "" and row.ics is None


def test_a_rolled_back_sign_up_leaves_nothing_to_write(app_ctx, make_event, now):
    event = make_event()
    services.register(event.id, services.Applicant(name="Li Lei", email="li.lei@example.com"), now=now)
    db.session.rollback()
    assert rows() == [] and write_left_unwritten(now=now) == 0


def test_the_worker_writes_a_sign_ups_mail_and_sends_it_once(client, make_event, smtp_server):
    event = make_event()
    assert client.post(f"/events/{event.id}/register?lang=en", data=PERSON).status_code == 302
    after = utcnow()  # the request queued it at its own clock
    assert deliver_due_messages(transport=smtp_server.transport, now=after)["sent"] == 1
    assert deliver_due_messages(transport=smtp_server.transport, now=after + timedelta(minutes=1))["sent"] == 0
    [received] = smtp_server.handler.messages
    assert received["Subject"].startswith("Your place is confirmed")
    assert "Li Lei" in received.get_body(("plain",)).get_content()
    [row] = rows()
    assert row.to_write is None and row.status == OutboxStatus.SENT


def test_without_smtp_the_workers_pass_writes_what_was_left(app, app_ctx, make_event, now):
    """Mail kept in the outbox is read there: `mail work` without SMTP_URL runs the hooks alone."""
    event = make_event()
    sign_up(event, "li.lei@example.com", now)
    run_before_pass_hooks(now=now)
    [row] = rows()
    assert row.to_write is None and row.subject.startswith("Your place is confirmed")


def test_the_message_says_what_was_true_at_the_change(app_ctx, make_event, now):
    """Waitlisted, then promoted before the first message was written: the first still says "number 1 on
    the waiting list" with a TENTATIVE calendar entry, and the promotion has its own, later message."""
    event = make_event(capacity=1)
    first = sign_up(event, "first@example.com", now)
    waiting = sign_up(event, "waiting@example.com", now)
    services.cancel_registration(first, now=now + timedelta(minutes=1))
    db.session.commit()
    write_left_unwritten(now=now)
    mine = [row for row in rows() if row.recipient == "waiting@example.com"]
    assert [row.subject.split(":")[0] for row in mine] == ["You are on the waiting list",
                                                           "A seat freed up — your place is confirmed"]
    assert "number 1" in mine[0].body_text and waiting.grouped_checkin_code not in mine[0].body_text
    first_entry, second_entry = (icalendar.Calendar.from_ical(row.ics).walk("VEVENT")[0] for row in mine)
    assert str(first_entry["STATUS"]) == "TENTATIVE" and str(second_entry["STATUS"]) == "CONFIRMED"
    assert int(second_entry["SEQUENCE"]) > int(first_entry["SEQUENCE"])
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_a_confirmation_not_written_before_the_event_was_cancelled_is_never_sent(app_ctx, make_event, now,
                                                                                    smtp_server):
    event = make_event()
    sign_up(event, "li.lei@example.com", now)
    catalogue.cancel_event(event, reason_zh="台风", reason_en="Typhoon", now=now)
    db.session.commit()
    deliver_due_messages(transport=smtp_server.transport, now=now + timedelta(minutes=1))
    confirmation, cancellation = rows()
    assert confirmation.status == OutboxStatus.FAILED and "cancelled before" in confirmation.last_error
    assert [m["Subject"] for m in smtp_server.handler.messages] == [cancellation.subject]


def test_an_address_erased_while_the_worker_holds_the_row_gets_nothing_back(app, app_ctx, make_event, now,
                                                                              smtp_server):
    event = make_event()
    registration = sign_up(event, "li.lei@example.com", now)
    [claimed] = claim_due_messages(now=now, batch_size=10, lease_seconds=120)
    with app.app_context():  # meanwhile, another process erases the person's data at their request
        services.erase_personal_data(db.session.get(type(registration), registration.id), now=now)
        db.session.commit()
    assert worker._write_if_needed(claimed, now=now) == "failed"  # the worker goes on with its batch
    [row] = rows()
    assert (row.last_error, row.body_text, row.ics, row.to_write) == (ERASED, "", None, None)
    assert deliver_due_messages(transport=smtp_server.transport, now=now)["sent"] == 0
    assert smtp_server.handler.messages == []


def test_a_row_another_writer_gave_up_while_a_worker_held_it_is_not_sent_blank(app, app_ctx, make_event, now,
                                                                              smtp_server):
    """An organizer opens the outbox (or another worker's pass runs) while this worker holds the confirmation
    of an event cancelled meanwhile: that writer gives the row up, blank; this worker must not send it."""
    event = make_event()
    sign_up(event, "li.lei@example.com", now)
    catalogue.cancel_event(event, reason_zh="台风", reason_en="Typhoon", now=now)
    db.session.commit()
    claimed = claim_due_messages(now=now + timedelta(seconds=1), batch_size=10, lease_seconds=120)
    confirmation = next(message for message in claimed if message.to_write is not None)
    with app.app_context():
        write_left_unwritten(now=now)
    assert worker._write_if_needed(confirmation, now=now) == "failed"
    db.session.refresh(confirmation)
    assert confirmation.status == OutboxStatus.FAILED and "cancelled before" in confirmation.last_error
    assert all(message["Subject"] for message in smtp_server.handler.messages)


def test_a_row_given_up_for_good_does_not_hold_back_the_passes_batch(app_ctx, make_event, now, monkeypatch):
    event = make_event()
    stuck = sign_up(event, "stuck@example.com", now)
    [row] = rows()
    row.status = OutboxStatus.FAILED  # e.g. its writer failed on every attempt; it keeps what it was to say
    db.session.commit()
    monkeypatch.setattr(writing, "WORKER_BATCH", 1)
    sign_up(event, "next@example.com", now)
    assert write_left_unwritten(now=now) == 1
    assert [(r.status, r.to_write is None) for r in rows()] == [(OutboxStatus.FAILED, False),
                                                               (OutboxStatus.PENDING, True)]
    assert stuck.status == RegistrationStatus.CONFIRMED


def test_a_writer_that_fails_leaves_the_row_for_a_later_pass(client, make_event, monkeypatch, app, smtp_server):
    event = make_event()
    writers = app.extensions["mail.writers"]
    monkeypatch.setitem(writers, notifications.WRITER, lambda message, details: 1 / 0)
    assert client.post(f"/events/{event.id}/register?lang=en", data=PERSON).status_code == 302
    after = utcnow()  # the request queued it at its own clock
    assert deliver_due_messages(transport=smtp_server.transport, now=after)["retried"] == 1
    [row] = rows()
    assert row.to_write is not None and row.status == OutboxStatus.PENDING
    monkeypatch.setitem(writers, notifications.WRITER, notifications.write_sign_up_mail)
    assert deliver_due_messages(transport=smtp_server.transport, now=after + timedelta(minutes=1))["sent"] == 1


def test_only_a_sign_ups_mail_is_queued_unwritten(app_ctx, make_event, now):
    registration = sign_up(make_event(), "li.lei@example.com", now)
    with pytest.raises(ValueError):
        notifications.queue_sign_up_mail(registration, "cancelled", now=now)


def test_the_outbox_writes_the_messages_it_lists(client, auth, make_event, now, app_ctx):
    """With no mail server (`make run`), nobody else writes them: an organizer reads them as they will go."""
    event = make_event()
    sign_up(event, "li.lei@example.com", now)
    sign_up(event, "han.mei@example.com", now)
    auth.login()
    listing = client.get("/manage/outbox?lang=en").get_data(as_text=True)
    assert "Being written…" not in listing and listing.count("Your place is confirmed") == 2
    assert [row.to_write for row in rows()] == [None, None]


def test_the_outbox_writes_a_message_when_opened(client, auth, make_event, now, app_ctx):
    event = make_event()
    sign_up(event, "li.lei@example.com", now)
    auth.login()
    [row] = rows()
    page = client.get(f"/manage/outbox/{row.id}?lang=en").get_data(as_text=True)
    assert "Your place is confirmed" in page and rows()[0].to_write is None


def test_the_outbox_lists_a_message_it_cannot_write_as_failed(client, auth, make_event, now, app_ctx):
    event = make_event()
    sign_up(event, "li.lei@example.com", now)
    catalogue.cancel_event(event, reason_zh="台风", reason_en="Typhoon", now=now)
    db.session.commit()
    auth.login()
    response = client.get("/manage/outbox?lang=en")
    assert response.status_code == 200 and "Being written…" not in response.get_data(as_text=True)
    confirmation, _cancellation = rows()
    assert confirmation.status == OutboxStatus.FAILED and "cancelled before" in confirmation.last_error
