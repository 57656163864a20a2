"""The sign-up rules of SPEC 3.1–3.5, called directly as the web form and the API call them."""
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import event as sa_event

from eventsapp.catalogue import services as catalogue
from eventsapp.catalogue.details import EventDetails, VenueDetails
from eventsapp.catalogue.models import EventStatus
from eventsapp.errors import ValidationFailed
from eventsapp.extensions import db
from eventsapp.registration import services
from eventsapp.registration.models import RegistrationStatus
from eventsapp.registration.services import (
    AlreadyRegistered,
    EventFull,
    RegistrationClosed,
    RegistrationNotOpen,
    cancel_registration,
    register,
    seat_summary,
)


def sign_up(event, applicant, now, **fields):
    registration = register(event.id, applicant(**fields), now=now)
    db.session.commit()
    return registration


def test_first_come_get_seats_then_the_waiting_list(make_event, applicant, now):
    event = make_event(capacity=2)
    statuses = [sign_up(event, applicant, now).status for _ in range(4)]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert seat_summary(event) == services.SeatSummary(capacity=2, taken=2, waitlist_length=2)


def test_waitlist_positions_follow_arrival(make_event, applicant, now):
    event = make_event(capacity=1)
    sign_up(event, applicant, now)
    second, third = sign_up(event, applicant, now), sign_up(event, applicant, now)
    assert (second.waitlist_position(), third.waitlist_position()) == (1, 2)


def test_full_event_without_waiting_list_refuses(make_event, applicant, now):
    event = make_event(capacity=1, waitlist_enabled=False)
    sign_up(event, applicant, now)
    with pytest.raises(EventFull):
        register(event.id, applicant(), now=now)


@pytest.mark.parametrize("email", ["Same@Example.com", "  same@example.com  ", "SAME@EXAMPLE.COM"])
def test_one_active_registration_per_email(make_event, applicant, now, email):
    event = make_event()
    sign_up(event, applicant, now, email="same@example.com")
    with pytest.raises(AlreadyRegistered) as refused:
        register(event.id, applicant(email=email), now=now)
    assert refused.value.field == "email"


def test_same_email_may_register_again_after_cancelling(make_event, applicant, now):
    event = make_event()
    first = sign_up(event, applicant, now, email="again@example.com")
    cancel_registration(first, now=now)
    db.session.commit()
    assert sign_up(event, applicant, now, email="again@example.com").status == "confirmed"


def test_same_email_at_two_events_is_fine(make_event, applicant, now):
    sign_up(make_event(), applicant, now, email="busy@example.com")
    assert sign_up(make_event(), applicant, now, email="busy@example.com").status == "confirmed"


def test_resubmitted_form_returns_the_first_registration(make_event, applicant, now):
    event = make_event()
    first = sign_up(event, applicant, now, email="twice@example.com", submission_key="form-1")
    again = sign_up(event, applicant, now, email="twice@example.com", submission_key="form-1")
    assert again.id == first.id
    assert seat_summary(event).taken == 1


@pytest.mark.parametrize("setup, error", [
    (dict(status=EventStatus.DRAFT), RegistrationNotOpen),
    (dict(status=EventStatus.CANCELLED), RegistrationClosed),
    (dict(starts_in=timedelta(hours=-1)), RegistrationClosed),
    (dict(registration_opens_in=timedelta(days=1)), RegistrationNotOpen),
    (dict(registration_closes_in=timedelta(minutes=-1)), RegistrationClosed),
])
def test_registration_only_inside_the_window(make_event, applicant, now, setup, error):
    fields = dict(setup)
    if "registration_opens_in" in fields:
        fields["registration_opens_at"] = now + fields.pop("registration_opens_in")
    if "registration_closes_in" in fields:
        fields["registration_closes_at"] = now + fields.pop("registration_closes_in")
    event = make_event(**fields)
    with pytest.raises(error):
        register(event.id, applicant(), now=now)
    db.session.rollback()
    assert seat_summary(event).taken == 0


def test_cancelling_promotes_the_earliest_waitlisted(make_event, applicant, now, outbox):
    event = make_event(capacity=1)
    holder = sign_up(event, applicant, now)
    first_in_line = sign_up(event, applicant, now, language="en")
    second_in_line = sign_up(event, applicant, now)
    cancel_registration(holder, now=now)
    db.session.commit()
    db.session.refresh(first_in_line)
    db.session.refresh(second_in_line)
    assert first_in_line.status == RegistrationStatus.CONFIRMED and first_in_line.promoted_at is not None
    assert second_in_line.waitlist_position() == 1
    subjects = [m.subject for m in outbox(first_in_line.email)]
    assert any(s.startswith("A seat freed up") for s in subjects), subjects


def test_each_place_remembers_when_it_was_seated_and_waitlisted(make_event, applicant, now):
    """The dashboards draw seats and the waiting list over time from these moments."""
    event = make_event(capacity=1)
    holder = sign_up(event, applicant, now)
    waiting = sign_up(event, applicant, now)
    assert (holder.seated_at, holder.waitlisted_at) == (now, None)
    assert (waiting.seated_at, waiting.waitlisted_at) == (None, now)
    later = now + timedelta(hours=2)
    cancel_registration(holder, now=later)
    db.session.commit()
    assert (waiting.seated_at, waiting.waitlisted_at, holder.cancelled_at) == (later, now, later)


def test_cancelling_twice_changes_nothing_more(make_event, applicant, now, outbox):
    event = make_event(capacity=1)
    holder = sign_up(event, applicant, now)
    waiting = sign_up(event, applicant, now)
    for _ in range(2):
        cancel_registration(holder, now=now)
        db.session.commit()
    assert seat_summary(event).taken == 1
    assert len(outbox(holder.email)) == 2  # confirmed, cancelled: no second "cancelled"
    assert len(outbox(waiting.email)) == 2  # waitlisted, promoted


def test_too_late_to_cancel_once_the_event_started(make_event, applicant, now):
    event = make_event()
    registration = sign_up(event, applicant, now)
    with pytest.raises(services.NotAllowedInState):
        cancel_registration(registration, now=event.starts_at + timedelta(minutes=1))


def test_raising_capacity_promotes_at_once(make_event, applicant, now):
    event = make_event(capacity=1)
    sign_up(event, applicant, now)
    waiting = [sign_up(event, applicant, now) for _ in range(3)]
    catalogue.save_event(event, replace(EventDetails.of(event), capacity=3), now=now)
    db.session.commit()
    for registration in waiting:
        db.session.refresh(registration)
    assert [r.status for r in waiting] == ["confirmed", "confirmed", "waitlisted"]


def test_every_change_queues_one_mail_with_a_calendar_file(make_event, applicant, now, outbox):
    event = make_event(capacity=1)
    registration = sign_up(event, applicant, now, email="mail@example.com", language="en")
    message = outbox("mail@example.com")[0]
    assert message.subject.startswith("Your place is confirmed")
    assert registration.token in message.body_text and registration.token in message.body_html
    calendar = Calendar.from_ical(message.ics)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]).startswith(f"event-{event.id}@")
    assert str(calendar["METHOD"]) == "REQUEST"


def test_mails_are_in_the_language_of_sign_up(make_event, applicant, now, outbox):
    event = make_event(title_zh="地铁质量日", title_en="Metro Quality Day")
    sign_up(event, applicant, now, email="zh@example.com", language="zh")
    sign_up(event, applicant, now, email="en@example.com", language="en")
    assert "地铁质量日" in outbox("zh@example.com")[0].subject
    assert "Metro Quality Day" in outbox("en@example.com")[0].subject


def test_the_cancellation_mail_gives_the_reason_in_the_persons_language(make_event, applicant, now, outbox):
    both, chinese_only = make_event(), make_event()
    for event in (both, chinese_only):
        for language in ("zh", "en"):
            sign_up(event, applicant, now, email=f"{language}{event.id}@example.com", language=language)
    catalogue.cancel_event(both, reason_zh="台风预警", reason_en="Typhoon warning", now=now)
    catalogue.cancel_event(chinese_only, reason_zh="场地维修", reason_en="", now=now)
    db.session.commit()
    zh_mail, en_mail = outbox(f"zh{both.id}@example.com")[-1], outbox(f"en{both.id}@example.com")[-1]
    for mail, reason, other in ((zh_mail, "台风预警", "Typhoon warning"), (en_mail, "Typhoon warning", "台风预警")):
        description = str(Calendar.from_ical(mail.ics).walk("VEVENT")[0]["DESCRIPTION"])
        assert reason in mail.body_text and reason in mail.body_html and reason in description
        assert other not in mail.body_text + mail.body_html + description
    assert "场地维修" in outbox(f"en{chinese_only.id}@example.com")[-1].body_text  # the one language there is


def test_moving_or_cancelling_the_event_tells_every_active_attendee_once(make_event, applicant, now, outbox):
    event = make_event(capacity=1)
    confirmed = sign_up(event, applicant, now, language="en")
    waiting = sign_up(event, applicant, now, language="en")
    gone = sign_up(event, applicant, now, language="en")
    cancel_registration(gone, now=now)
    db.session.commit()
    catalogue.save_event(event, replace(EventDetails.of(event), starts_at=event.starts_at + timedelta(hours=1),
                                        ends_at=event.ends_at + timedelta(hours=1)), now=now)
    # a new title is mailed too (it raises the calendar's SEQUENCE); a new description is not
    catalogue.save_event(event, replace(EventDetails.of(event), title_en="Renamed"), now=now)
    catalogue.save_event(event, replace(EventDetails.of(event), description_en="More words"), now=now)
    db.session.commit()
    catalogue.cancel_event(event, reason_zh="台风", reason_en="Typhoon", now=now)
    db.session.commit()
    for person in (confirmed, waiting):
        kinds = [m.subject.split(":")[0] for m in outbox(person.email)]
        assert kinds.count("Event changed") == 2
        assert kinds.count("Event cancelled") == 1
        cancel_mail = outbox(person.email)[-1]
        assert str(Calendar.from_ical(cancel_mail.ics)["METHOD"]) == "CANCEL"
    assert not any(m.subject.startswith("Event changed") for m in outbox(gone.email))


def test_a_seat_freed_while_the_event_was_cancelled_goes_to_the_waiting_list_on_reinstating(
        make_event, applicant, now, outbox):
    event = make_event(capacity=1)
    seated = sign_up(event, applicant, now, language="en")
    waiting = sign_up(event, applicant, now, language="en")
    catalogue.cancel_event(event, reason_zh="", reason_en="Typhoon", now=now)
    db.session.commit()
    cancel_registration(seated, now=now)  # nobody is promoted to a cancelled event
    db.session.commit()
    assert waiting.status == RegistrationStatus.WAITLISTED
    catalogue.reinstate_event(event, now=now)
    db.session.commit()
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.CONFIRMED
    subjects = [m.subject.split(":")[0] for m in outbox(waiting.email)]
    assert subjects[-2:] == ["Event takes place after all", "A seat freed up — your place is confirmed"]
    (vevent,) = Calendar.from_ical(outbox(waiting.email)[-1].ics).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CONFIRMED"


def test_event_with_attendees_cannot_be_unpublished(make_event, applicant, now):
    event = make_event()
    sign_up(event, applicant, now)
    with pytest.raises(services.NotAllowedInState):
        catalogue.unpublish_event(event)


def test_reminders_are_queued_once_for_confirmed_people_the_day_before(make_event, applicant, now, outbox):
    soon = make_event(capacity=1, starts_in=timedelta(hours=20))
    later = make_event(starts_in=timedelta(days=3))
    confirmed = sign_up(soon, applicant, now, language="en")
    waiting = sign_up(soon, applicant, now, language="en")
    other = sign_up(later, applicant, now, language="en")
    for _ in range(2):
        services.queue_reminders(now=now)
        db.session.commit()
    assert [m.subject.split(":")[0] for m in outbox(confirmed.email)].count("Reminder") == 1
    assert not any(m.subject.startswith("Reminder") for m in outbox(waiting.email) + outbox(other.email))
    assert services.queue_reminders(now=now) == 0  # nobody is rendered again on later passes


def test_resend_link_only_mails_registered_addresses(make_event, applicant, now, outbox):
    event = make_event()
    registration = sign_up(event, applicant, now, email="me@example.com")
    services.resend_manage_link(event, " ME@example.com", now=now)
    services.resend_manage_link(event, "stranger@example.com", now=now)
    db.session.commit()
    assert len(outbox("me@example.com")) == 2 and registration.token in outbox("me@example.com")[1].body_text
    assert outbox("stranger@example.com") == []


def test_capacity_cannot_drop_below_the_seats_already_given(make_event, applicant, now):
    event = make_event(capacity=3)
    for _ in range(3):
        sign_up(event, applicant, now)
    with pytest.raises(ValidationFailed) as refused:
        catalogue.save_event(event, replace(EventDetails.of(event), capacity=2), now=now)
    assert refused.value.field == "capacity"
    db.session.rollback()
    catalogue.save_event(event, replace(EventDetails.of(event), capacity=3), now=now)  # unchanged is fine
    db.session.commit()


def test_unpublishing_waits_for_a_sign_up_in_flight_and_then_refuses(app, make_event, applicant, now):
    """The sign-up holds the event lock until it commits; the unpublish must see its attendee.

    A handshake fixes the order: the sign-up takes the lock, the unpublish reaches its locking
    statement, is shown still waiting, and only then does the sign-up commit.
    """
    event = make_event()
    event_id = event.id
    holding_lock, unpublish_at_lock, unpublish_done = threading.Event(), threading.Event(), threading.Event()
    order, seen, outcome = [], {}, {}

    def note_the_lock_attempt(conn, cursor, statement, *args):
        # lock_event's SELECT ... FOR UPDATE (PostgreSQL) or no-op UPDATE (SQLite's write lock); any
        # other write to the event row would have to wait for the sign-up just the same
        if threading.current_thread() is unpublisher and ("FOR UPDATE" in statement
                                                          or statement.startswith("UPDATE event ")):
            order.append("unpublish asks for the lock")
            unpublish_at_lock.set()

    def sign_up_and_hold_the_lock():
        with app.app_context():
            try:
                register(event_id, applicant(), now=now)
                holding_lock.set()
                seen["unpublish reached the lock"] = unpublish_at_lock.wait(10)
                seen["unpublish waited"] = not unpublish_done.wait(0.5)  # still blocked, not finished
                order.append("sign-up commits")
                db.session.commit()
            finally:
                db.session.rollback()  # never leave the lock held, whatever failed above

    def unpublish():
        if not holding_lock.wait(10):
            return
        with app.app_context():
            try:
                catalogue.unpublish_event(db.session.get(type(event), event_id))
                db.session.commit()
                outcome["result"] = "unpublished"
            except services.NotAllowedInState:
                db.session.rollback()
                outcome["result"] = "refused"
            finally:
                order.append("unpublish returns")
                unpublish_done.set()

    signer, unpublisher = threading.Thread(target=sign_up_and_hold_the_lock), threading.Thread(target=unpublish)
    sa_event.listen(db.engine, "before_cursor_execute", note_the_lock_attempt)
    try:
        for thread in (signer, unpublisher):
            thread.start()
        for thread in (signer, unpublisher):
            thread.join(30)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", note_the_lock_attempt)
    assert not signer.is_alive() and not unpublisher.is_alive()
    assert seen == {"unpublish reached the lock": True, "unpublish waited": True}
    assert order == ["unpublish asks for the lock", "sign-up commits", "unpublish returns"]
    assert outcome["result"] == "refused"


def test_a_new_venue_address_tells_attendees_and_raises_sequence(make_event, applicant, now, outbox):
    event = make_event()
    person = sign_up(event, applicant, now, language="en")
    catalogue.save_venue(event.venue, replace(VenueDetails.of(event.venue), address_en="99 New Road, Pudong"),
                         now=now)
    db.session.commit()
    db.session.refresh(event)
    assert event.sequence == 1
    assert [m.subject.split(":")[0] for m in outbox(person.email)].count("Event changed") == 1


def test_the_waiting_list_mail_puts_the_event_in_the_calendar_as_tentative(make_event, applicant, now, outbox):
    event = make_event(capacity=1)
    sign_up(event, applicant, now)
    waiting = sign_up(event, applicant, now)
    (vevent,) = Calendar.from_ical(outbox(waiting.email)[0].ics).walk("VEVENT")
    assert str(vevent["STATUS"]) == "TENTATIVE"


def test_signing_up_again_after_cancelling_sends_a_newer_invitation(make_event, applicant, now, outbox):
    event = make_event()
    first = sign_up(event, applicant, now, email="again@example.com")
    cancel_registration(first, now=now + timedelta(minutes=1))
    db.session.commit()
    register(event.id, applicant(email="again@example.com"), now=now + timedelta(minutes=2))
    db.session.commit()
    stamps = [Calendar.from_ical(m.ics).walk("VEVENT")[0]["DTSTAMP"].dt for m in outbox("again@example.com")]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3


def test_moving_an_event_with_its_agenda_mails_each_person_once(make_event, make_session, applicant, now, outbox):
    """Issue 9.1: one save moves the event and its talks, so one mail, announcing the new day."""
    event = make_event(hours=3)
    make_session(event, minutes=60)
    make_session(event, offset_minutes=120, minutes=60)
    person = sign_up(event, applicant, now, language="en")
    next_day = replace(EventDetails.of(event), starts_at=event.starts_at + timedelta(days=1),
                       ends_at=event.ends_at + timedelta(days=1))
    catalogue.save_event(event, next_day, now=now)
    db.session.commit()
    subjects = [m.subject for m in outbox(person.email)]
    assert [s.split(":")[0] for s in subjects].count("Event changed") == 1
