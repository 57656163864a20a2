"""A sign-up holds its event's lock for its decision alone (issue 15): one statement reads what the decision
needs, three rows are written, no savepoint; and the rules it reads that way still hold (SPEC 3.1–3.5)."""
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.mail.writing import enqueue_unwritten
from eventsapp.registration import services
from eventsapp.registration.attendee_actions import move_to_front
from eventsapp.registration.models import Registration, RegistrationStatus
from eventsapp.registration.services import (
    SIGN_UP_MAILS_PER_ADDRESS_PER_HOUR,
    AlreadyRegistered,
    EventFull,
    TooManyMails,
    register,
)

PERSON = {"name": "Li Lei", "email": "li.lei@example.com", "phone": "13800138000", "organization": "Zhenhua",
          "consent": "y"}


def sign_up(event, applicant, now, **fields) -> Registration:
    registration = register(event.id, applicant(**fields), now=now)
    db.session.commit()
    return registration


def tables_written(statements: list[str]) -> list[str]:
    return [re.match(r"INSERT INTO (\w+)", statement).group(1) for statement in statements
            if statement.startswith("INSERT")]


def test_under_the_lock_one_statement_reads_and_three_rows_are_written(make_event, applicant, now, count_queries):
    event = make_event(capacity=1)
    for key in ("k" * 24, "l" * 24):  # a seat, then a place on the waiting list: the same work
        with count_queries() as statements:
            register(event.id, applicant(submission_key=key), now=now)
        db.session.commit()
        locked = next(i for i, statement in enumerate(statements) if "FOR UPDATE" in statement
                      or statement.startswith("UPDATE event"))  # SQLite: a no-op UPDATE takes the write lock
        under_lock = [s for s in statements[locked + 1:] if not s.startswith("SELECT event.")]  # SQLite's lock reads it
        assert [s.split()[0] for s in under_lock] == ["SELECT", "INSERT", "INSERT", "INSERT"], under_lock
        assert tables_written(under_lock) == ["registration", "audit_entry", "outbox_message"]
        assert not any("SAVEPOINT" in statement for statement in statements)


def test_the_form_sign_up_reads_nothing_after_its_commit(client, make_event, count_queries):
    path = f"/events/{make_event().id}/register?lang=en"
    with count_queries() as statements:
        response = client.post(path, data=PERSON)
    assert response.status_code == 302
    # Before the lock: the event alone. Then the lock (SQLite: an UPDATE, then the event read), the decision's
    # read (the address's mail this hour among it) and its three rows; nothing after the commit (the
    # redirect's token is read before it).
    assert " ".join(statements[0].split()[:3]) == "SELECT event.id, event.campaign_id,"
    assert tables_written(statements) == ["registration", "audit_entry", "outbox_message"]
    assert statements[-1].startswith("INSERT INTO outbox_message")
    assert len(statements) == (7 if db.engine.dialect.name == "sqlite" else 6)


def test_a_duplicate_that_slips_past_the_read_is_refused_by_the_index(client, make_event, applicant, now, app_ctx,
                                                                     monkeypatch):
    """A path that signs the address up without the event's lock (none does today) would race the read: the
    partial unique index refuses the second row, without a savepoint, and the form says so (409, never 500)."""
    event = make_event()
    sign_up(event, applicant, now, email="li.lei@example.com")
    reads = services.read_sign_up_state

    def blind(*args, **kwargs):
        state = reads(*args, **kwargs)
        assert state.is_registered
        return replace(state, is_registered=False)

    monkeypatch.setattr(services, "read_sign_up_state", blind)
    with pytest.raises(AlreadyRegistered):
        register(event.id, applicant(email="li.lei@example.com"), now=now)
    db.session.rollback()
    response = client.post(f"/events/{event.id}/register?lang=en", data=PERSON)
    assert response.status_code == 409 and "already registered" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_a_new_place_in_line_is_behind_everyone_also_someone_moved_to_the_front(make_event, applicant, now):
    event = make_event(capacity=1)
    sign_up(event, applicant, now)
    first, second = sign_up(event, applicant, now), sign_up(event, applicant, now)
    move_to_front(second, actor=None, now=now)
    db.session.commit()
    third = sign_up(event, applicant, now)
    queued = db.session.scalars(select(OutboxMessage.to_write).order_by(OutboxMessage.id)).all()
    assert [details["position"] for details in queued] == [None, 1, 2, 3]
    assert (first.waitlist_position(), second.waitlist_position(), third.waitlist_position()) == (2, 1, 3)


def test_the_same_change_queued_twice_is_one_row_and_the_transaction_goes_on(make_event, applicant, now):
    """No savepoint: the database skips the second row (ON CONFLICT DO NOTHING), which on PostgreSQL would
    otherwise end the transaction, and the sign-up with it."""
    event = make_event()
    registration = register(event.id, applicant(), now=now)
    again = enqueue_unwritten(recipient=registration.email, dedup_key=f"registration-{registration.id}-confirmed",
                              writer="registration", details={}, now=now)
    db.session.commit()
    assert again is None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def mail_often(make_event, applicant, now, email: str):
    """As many sign-up mails to `email` as an hour allows; the last registration stands, at the event returned."""
    for _ in range(SIGN_UP_MAILS_PER_ADDRESS_PER_HOUR - 1):
        services.cancel_registration(sign_up(make_event(), applicant, now, email=email), now=now)
        db.session.commit()  # its "cancelled" mail is no sign-up mail
    event = make_event()
    sign_up(event, applicant, now, email=email)
    return event


def test_the_mail_quota_counted_with_the_decision_refuses_after_full_and_duplicate(make_event, applicant, now):
    registered_at = mail_often(make_event, applicant, now, "busy@example.com")
    with pytest.raises(TooManyMails):
        register(make_event().id, applicant(email="busy@example.com"), now=now)
    db.session.rollback()
    full = make_event(capacity=1, waitlist_enabled=False)
    sign_up(full, applicant, now)
    with pytest.raises(EventFull):  # "full" first, as for everyone: the quota says nothing of the event
        register(full.id, applicant(email="busy@example.com"), now=now)
    db.session.rollback()
    with pytest.raises(AlreadyRegistered):  # then "already registered"
        register(registered_at.id, applicant(email="busy@example.com"), now=now)
    db.session.rollback()
    an_hour_later = now + timedelta(hours=1, minutes=1)
    assert register(make_event().id, applicant(email="busy@example.com"), now=an_hour_later).status == \
        RegistrationStatus.CONFIRMED


def test_an_organizer_adding_someone_is_not_held_to_the_mail_quota(make_event, applicant, now, make_user):
    mail_often(make_event, applicant, now, "busy@example.com")
    organizer = make_user()
    added = register(make_event().id, applicant(email="busy@example.com"), now=now, by_organizer=organizer)
    assert added.status == RegistrationStatus.CONFIRMED


def test_an_empty_submission_key_is_no_key(make_event, applicant, now):
    """A caller passing "" (no form does today) must never get someone else's registration as a double submit."""
    event = make_event()
    first = sign_up(event, applicant, now, submission_key="")
    second = sign_up(event, applicant, now, submission_key="")
    assert first.id != second.id and first.email != second.email
    assert (first.submission_key, second.submission_key) == (None, None)
