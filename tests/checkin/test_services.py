"""Checking people in (SPEC 3.7, 4d): codes only for those holding a seat, refusals with a reason, the nonce
that makes a retry harmless, two staff scanning at once, walk-ins."""
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsapp.audit.models import AuditEntry
from eventsapp.checkin.models import CheckInAttempt, Outcome
from eventsapp.checkin.services import check_in, checked_in_count, walk_in
from eventsapp.errors import Conflict, NotAllowedInState, ValidationFailed
from eventsapp.extensions import db
from eventsapp.registration.models import CHECKIN_ALPHABET, Registration, RegistrationStatus
from eventsapp.registration.services import Applicant, EventFull, cancel_registration, register


def nonce() -> str:
    return uuid.uuid4().hex


def person(n: int) -> Applicant:
    return Applicant(name=f"Person {n}", email=f"p{n}@example.com", phone="+8613800131234")


@pytest.fixture
def running(make_event, now):
    """An event that started an hour ago, with one seat: one person holds it, one waits."""
    event = make_event(starts_at=now - timedelta(hours=1), capacity=1)
    seated = register(event.id, person(1), now=now - timedelta(days=2))
    waiting = register(event.id, person(2), now=now - timedelta(days=2))
    db.session.commit()
    return event, seated, waiting


def scan(event, code, staff, now, **fields):
    answer = check_in(event.id, nonce=fields.pop("nonce", None) or nonce(), code=code, staff=staff,
                      attempted_at=fields.pop("attempted_at", now), now=now, **fields)
    db.session.commit()
    return answer


def test_a_seat_holder_has_a_code_of_unmistakable_characters_and_a_waiting_one_has_none(running):
    _event, seated, waiting = running
    assert len(seated.checkin_code) == 10 and set(seated.checkin_code) <= set(CHECKIN_ALPHABET)
    assert not set(seated.checkin_code) & set("0O1IL")
    assert waiting.checkin_code is None


def test_a_promoted_person_gets_a_code(running, now):
    event, seated, waiting = running
    cancel_registration(seated, now=event.starts_at - timedelta(hours=2))
    db.session.commit()
    assert waiting.status == RegistrationStatus.CONFIRMED and waiting.checkin_code


def test_a_scan_checks_in_once_and_says_when_and_by_whom_after(running, make_user, now):
    event, seated, _waiting = running
    staff, colleague = make_user(email="door1@example.com"), make_user(email="door2@example.com")
    first = scan(event, seated.checkin_code.lower(), staff, now)  # a typed code, in lower case
    assert first.outcome == Outcome.CHECKED_IN and first.registration.id == seated.id
    assert (seated.status, seated.checked_in_at, seated.checked_in_by) == (RegistrationStatus.CHECKED_IN, now, staff)
    assert seated.certificate_code
    again = scan(event, seated.checkin_code, colleague, now + timedelta(minutes=5))
    assert again.outcome == Outcome.ALREADY_CHECKED_IN and again.registration.checked_in_by == staff
    assert again.registration.checked_in_at == now  # the first check-in's time, not the second's
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "registration.checked_in")).all()
    assert len(entries) == 1


def test_the_same_nonce_gets_the_first_answer_and_counts_once(running, make_user, now):
    event, seated, _waiting = running
    staff = make_user()
    sent = nonce()
    answers = [scan(event, seated.checkin_code, staff, now + timedelta(seconds=n), nonce=sent) for n in range(3)]
    assert [a.outcome for a in answers] == [Outcome.CHECKED_IN] * 3
    assert [a.replayed for a in answers] == [False, True, True]
    assert db.session.scalar(select(func.count(CheckInAttempt.id))) == 1


def test_refusals_say_why(running, make_event, make_user, now):
    event, seated, waiting = running
    staff = make_user()
    other = make_event(starts_at=now - timedelta(hours=1))
    elsewhere = register(other.id, person(3), now=now - timedelta(days=1))
    db.session.commit()
    other_code = elsewhere.checkin_code
    refused = scan(event, other_code, staff, now)
    assert (refused.outcome, refused.registration) == (Outcome.OTHER_EVENT, None)  # nothing of theirs shown
    assert scan(event, "ABCDEFGHJK", staff, now).outcome == Outcome.UNKNOWN  # forged
    assert scan(event, "", staff, now).outcome == Outcome.UNKNOWN
    assert scan(event, None, staff, now, registration_id=waiting.id).outcome == Outcome.WAITLISTED
    code = seated.checkin_code
    seated.status = RegistrationStatus.CANCELLED  # as a cancellation leaves it: the code stops working
    db.session.commit()
    assert scan(event, code, staff, now).outcome == Outcome.CANCELLED
    assert scan(event, None, staff, now, registration_id=elsewhere.id).outcome == Outcome.UNKNOWN  # not this event's
    assert fresh_status(elsewhere) == RegistrationStatus.CONFIRMED


def fresh_status(registration):
    db.session.expire_all()
    return db.session.get(Registration, registration.id).status


def test_bad_nonces_a_nonce_of_another_event_and_a_cancelled_event_are_refused(running, make_event, make_user, now):
    event, seated, _waiting = running
    staff = make_user()
    with pytest.raises(ValidationFailed):
        scan(event, seated.checkin_code, staff, now, nonce="short")
    db.session.rollback()
    used = nonce()
    scan(event, seated.checkin_code, staff, now, nonce=used)
    other = make_event(starts_at=now - timedelta(hours=1))
    with pytest.raises(Conflict):
        scan(other, seated.checkin_code, staff, now, nonce=used)
    db.session.rollback()
    from eventsapp.catalogue.models import EventStatus

    other.status = EventStatus.CANCELLED
    db.session.commit()
    with pytest.raises(NotAllowedInState):
        scan(other, "ABCDEFGHJK", staff, now)
    db.session.rollback()


def test_a_scan_kept_offline_is_dated_when_it_was_made_but_never_in_the_future(running, make_user, now):
    event, seated, _waiting = running
    scanned_at = now - timedelta(minutes=40)
    scan(event, seated.checkin_code, make_user(), now, attempted_at=scanned_at)
    assert seated.checked_in_at == scanned_at
    _event, _seated, _waiting = running


def test_a_walk_in_takes_a_free_seat_is_mailed_and_is_checked_in(make_event, make_user, now, outbox):
    event = make_event(starts_at=now - timedelta(minutes=30), capacity=2)
    register(event.id, person(1), now=now - timedelta(days=1))
    db.session.commit()
    staff = make_user()
    answer = walk_in(event.id, person(9), nonce=nonce(), staff=staff, now=now)
    db.session.commit()
    assert answer.outcome == Outcome.CHECKED_IN and answer.registration.checked_in_by == staff
    assert outbox("p9@example.com")
    assert checked_in_count(event.id) == (1, 2)
    with pytest.raises(EventFull):  # the last seat went: no waiting list at the door
        walk_in(event.id, person(10), nonce=nonce(), staff=staff, now=now)
    db.session.rollback()


def test_two_staff_scanning_the_same_code_at_once_give_one_check_in(app, running, make_user, now):
    event, seated, _waiting = running
    staff = [make_user(email=f"door{n}@example.com") for n in range(2)]
    code, event_id = seated.checkin_code, event.id
    staff_ids = [s.id for s in staff]
    answers: list[Outcome] = []
    barrier = threading.Barrier(2)

    def door(staff_id: int) -> None:
        with app.app_context():
            from eventsapp.accounts.models import User

            member = db.session.get(User, staff_id)
            barrier.wait()
            answer = check_in(event_id, nonce=nonce(), code=code, staff=member, attempted_at=now, now=now)
            db.session.commit()
            answers.append(answer.outcome)

    threads = [threading.Thread(target=door, args=(staff_id,)) for staff_id in staff_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [Outcome.ALREADY_CHECKED_IN, Outcome.CHECKED_IN]
    assert db.session.scalar(select(func.count(CheckInAttempt.id))) == 2


def test_a_nonce_sent_again_for_someone_else_is_refused_not_replayed(running, make_event, make_user, now):
    """A page sent back with its old nonce (the browser's Back) must not answer "checked in" for the next
    person: the first answer is only ever replayed for the same request."""
    event, seated, waiting = running
    staff = make_user()
    used = nonce()
    scan(event, seated.checkin_code, staff, now, nonce=used)
    with pytest.raises(Conflict):
        scan(event, None, staff, now, nonce=used, registration_id=waiting.id)
    db.session.rollback()
    assert fresh_status(waiting) == RegistrationStatus.WAITLISTED


def test_the_door_opens_hours_before_the_start_and_closes_hours_after_the_end(make_event, make_user, now):
    staff = make_user()
    next_week = make_event(starts_at=now + timedelta(days=7))
    early = register(next_week.id, person(1), now=now)
    db.session.commit()
    refused = scan(next_week, early.checkin_code, staff, now)
    assert refused.outcome == Outcome.NOT_OPEN and early.status == RegistrationStatus.CONFIRMED
    assert early.certificate_code is None  # no certificate of attendance a week before the event
    soon = make_event(starts_at=now + timedelta(hours=2))
    coming = register(soon.id, person(2), now=now)
    db.session.commit()
    assert scan(soon, coming.checkin_code, staff, now).outcome == Outcome.CHECKED_IN  # people come early
    over = make_event(starts_at=now - timedelta(hours=12), hours=3)
    late = register(over.id, person(3), now=over.starts_at - timedelta(days=1))
    db.session.commit()
    assert scan(over, late.checkin_code, staff, now).outcome == Outcome.CLOSED  # 9 hours after the end
    # ...but a scan made at the door and kept offline is judged by when it was made
    at_the_door = over.starts_at + timedelta(minutes=10)
    assert scan(over, late.checkin_code, staff, now, attempted_at=at_the_door).outcome == Outcome.CHECKED_IN
    assert late.checked_in_at == at_the_door
