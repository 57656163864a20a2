"""The attendee list's actions (issue 12): add someone by hand (the sign-up rules, outside the public
window), cancel on someone's behalf with a reason, move a waitlisted person to the front, send a
confirmation again. Organizers only; another event's or an unknown id answers 404, never 500."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.registration import attendee_actions, services
from eventsapp.registration.models import Registration
from eventsapp.registration.services import Applicant, RegistrationClosed, TooManyMails
from tests.catalogue.helpers import field_error, fresh, page_of


def person(**overrides) -> dict:
    return {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "13800138000", "organization": "Metro",
            "job_title": "", "language": "en", **overrides}


def sign_up(event, now, email: str, language: str = "zh") -> Registration:
    registration = services.register(event.id, Applicant(name=email.split("@")[0], email=email, language=language),
                                     now=now)
    db.session.commit()
    return registration


def status_of(registration: Registration) -> str:
    return fresh(Registration, registration.id).status


# Adding someone by hand


def test_an_organizer_adds_someone_who_is_mailed_in_their_language(client, auth, make_event, outbox):
    event = make_event(capacity=5)
    auth.login()
    response = client.post(f"/manage/events/{event.id}/registrations/new?lang=en", data=person())
    assert response.status_code == 302
    added = db.session.scalars(select(Registration)).one()
    assert (added.status, added.language, added.shares_with_host) == ("confirmed", "en", False)
    [mail] = outbox("ada@example.com")
    assert mail.subject.startswith("Your place is confirmed") and mail.ics


def test_a_full_event_puts_the_person_on_the_waiting_list_or_refuses(client, auth, make_event, now):
    event = make_event(capacity=1)
    sign_up(event, now, "first@example.com")
    auth.login()
    assert client.post(f"/manage/events/{event.id}/registrations/new", data=person()).status_code == 302
    assert db.session.scalar(select(Registration).where(Registration.email == "ada@example.com")).status == "waitlisted"
    closed_list = make_event(capacity=1, waitlist_enabled=False)
    sign_up(closed_list, now, "first@example.com")
    response = client.post(f"/manage/events/{closed_list.id}/registrations/new?lang=en", data=person())
    assert response.status_code == 409 and "this event is full" in page_of(response)


def test_a_registered_address_is_refused_next_to_the_field(client, auth, make_event, now):
    event = make_event()
    sign_up(event, now, "ada@example.com")
    auth.login()
    response = client.post(f"/manage/events/{event.id}/registrations/new?lang=en",
                           data=person(email=" ADA@example.com"))
    assert response.status_code == 409
    assert "already registered" in field_error(response, "email")


def test_the_form_rules_hold_too(client, auth, make_event):
    event = make_event(phone_required=True)
    auth.login()
    response = client.post(f"/manage/events/{event.id}/registrations/new?lang=en",
                           data=person(email="not-an-address", language="xx", phone=""))
    assert response.status_code == 422
    assert field_error(response, "email") and field_error(response, "phone") and field_error(response, "language")
    assert db.session.scalars(select(Registration)).all() == []


@pytest.mark.parametrize("setting, message", [
    ({"status": "cancelled"}, "has been cancelled"),
    ({"starts_in": timedelta(hours=-1)}, "already started"),
    ({"status": "draft"}, "Publish the event"),
])
def test_a_cancelled_started_or_draft_event_takes_nobody(client, auth, make_event, setting, message):
    event = make_event(**setting)
    auth.login()
    assert message in page_of(client.get(f"/manage/events/{event.id}/registrations/new?lang=en"))
    response = client.post(f"/manage/events/{event.id}/registrations/new?lang=en", data=person())
    assert response.status_code in (403, 410) and message in page_of(response)
    assert db.session.scalars(select(Registration)).all() == []


def test_organizers_add_outside_the_public_window_and_past_the_mail_quota(make_event, make_user, now):
    organizer = make_user()
    event = make_event(registration_closes_at=now - timedelta(days=1))
    with pytest.raises(RegistrationClosed):
        services.register(event.id, Applicant(name="Li", email="li@example.com"), now=now)
    db.session.rollback()
    for n in range(services.SIGN_UP_MAILS_PER_ADDRESS_PER_HOUR):
        db.session.add(OutboxMessage(recipient="li@example.com", subject="s", body_text="b", status="pending",
                                     dedup_key=f"registration-{1000 + n}-confirmed", attempts=0, next_attempt_at=now,
                                     created_at=now, last_error=""))
    db.session.commit()
    added = services.register(event.id, Applicant(name="Li", email="li@example.com"), now=now, by_organizer=organizer)
    db.session.commit()
    assert added.status == "confirmed"
    opened = make_event()
    with pytest.raises(TooManyMails):  # the public form still counts them
        services.register(opened.id, Applicant(name="Li", email="li@example.com"), now=now)


def test_the_same_form_sent_twice_adds_one_person(client, auth, make_event):
    event = make_event()
    auth.login()
    for _ in range(2):
        client.post(f"/manage/events/{event.id}/registrations/new", data=person(submission_key="k" * 32))
    assert len(db.session.scalars(select(Registration)).all()) == 1


# Cancelling on someone's behalf


def test_the_reason_is_in_the_cancelled_mail_and_on_the_persons_page(client, auth, make_event, now, outbox):
    event = make_event()
    registration = sign_up(event, now, "li@example.com", language="en")
    auth.login()
    url = f"/manage/events/{event.id}/registrations/{registration.id}/cancel"
    assert "Reason" in page_of(client.get(url + "?lang=en"))
    response = client.post(url + "?lang=en", data={"reason": "  "})
    assert response.status_code == 422 and field_error(response, "reason")
    assert client.post(url, data={"reason": "Registered twice <by mistake>"}).status_code == 302
    assert status_of(registration) == "cancelled"
    mail = outbox("li@example.com")[-1]
    assert "cancelled" in mail.subject
    assert "Registered twice <by mistake>" in mail.body_text
    assert "Registered twice &lt;by mistake&gt;" in mail.body_html
    assert "Registered twice <by mistake>" in page_of(client.get(f"/registrations/{registration.token}?lang=en"))


def test_cancelling_frees_the_seat_for_the_waiting_list(client, auth, make_event, now):
    event = make_event(capacity=1)
    seated, waiting = sign_up(event, now, "a@example.com"), sign_up(event, now, "b@example.com")
    auth.login()
    client.post(f"/manage/events/{event.id}/registrations/{seated.id}/cancel", data={"reason": "Asked by phone"})
    assert (status_of(seated), status_of(waiting)) == ("cancelled", "confirmed")


# Moving to the front of the waiting list


def test_the_person_moved_to_the_front_gets_the_next_seat(client, auth, make_event, now, outbox):
    event = make_event(capacity=1)
    seated = sign_up(event, now, "seated@example.com")
    waiting = [sign_up(event, now, f"w{n}@example.com") for n in range(3)]
    mails = len(outbox())
    auth.login()
    response = client.post(f"/manage/events/{event.id}/registrations/{waiting[2].id}/move-to-front?status=waitlisted")
    assert response.status_code == 302 and response.headers["Location"].endswith("status=waitlisted")
    assert [fresh(Registration, r.id).waitlist_position() for r in waiting] == [2, 3, 1]
    assert len(outbox()) == mails  # not e-mailed
    page = page_of(client.get(f"/manage/events/{event.id}/registrations?lang=en&status=waitlisted"))
    assert "Number 1" in page and "Number 3" in page
    services.cancel_registration(fresh(Registration, seated.id), now=now)
    db.session.commit()
    assert [status_of(r) for r in waiting] == ["waitlisted", "waitlisted", "confirmed"]
    assert [fresh(Registration, r.id).waitlist_position() for r in waiting[:2]] == [1, 2]
    assert sign_up(event, now, "late@example.com").waitlist_position() == 3  # newcomers queue behind


def test_moving_on_a_company_waiting_list(grant, colleagues, name_people, make_event, now):
    delegation = grant(make_event(capacity=10), quota=1)
    invited, second, third = name_people(delegation, colleagues(3), put_extra_on_waitlist=True)
    attendee_actions.move_to_front(third, actor=None, now=now)
    db.session.commit()
    assert (third.waitlist_position(), second.waitlist_position()) == (1, 2)
    services.cancel_registration(invited, now=now)
    db.session.commit()
    assert (status_of(third), status_of(second)) == ("invited", "waitlisted")


def test_a_seat_free_right_now_goes_to_the_person_moved(make_event, now):
    event = make_event(capacity=1)
    sign_up(event, now, "seated@example.com")
    first, second = sign_up(event, now, "a@example.com"), sign_up(event, now, "b@example.com")
    event.capacity = 2  # raised behind the seat rule's back: nobody promoted yet
    db.session.commit()
    attendee_actions.move_to_front(second, actor=None, now=now)
    db.session.commit()
    assert (status_of(second), status_of(first)) == ("confirmed", "waitlisted")


@pytest.mark.parametrize("status", ["confirmed", "cancelled", "invited"])
def test_only_a_waiting_person_moves(client, auth, make_event, now, status):
    event = make_event()
    registration = Registration(event=event, name="Li", email="li@example.com", status=status)
    db.session.add(registration)
    db.session.commit()
    auth.login()
    response = client.post(f"/manage/events/{event.id}/registrations/{registration.id}/move-to-front?lang=en")
    assert response.status_code == 409
    assert "Only a person on the waiting list" in page_of(response)


def test_another_events_or_an_unknown_id_answers_404(client, auth, make_event, now):
    event, other = make_event(capacity=1), make_event()
    sign_up(event, now, "seated@example.com")
    waiting = sign_up(event, now, "w@example.com")
    auth.login()
    for action in ("move-to-front", "resend", "cancel"):
        assert client.post(f"/manage/events/{other.id}/registrations/{waiting.id}/{action}",
                           data={"reason": "x"}).status_code == 404
        assert client.post(f"/manage/events/{event.id}/registrations/999999/{action}",
                           data={"reason": "x"}).status_code == 404
    assert client.get("/manage/events/999999/registrations/new").status_code == 404
    assert status_of(waiting) == "waitlisted"


# Sending a confirmation again


def test_a_double_click_resends_once_and_later_again(client, auth, make_event, now, outbox):
    event = make_event(capacity=1)
    seated, waiting = sign_up(event, now, "a@example.com", "en"), sign_up(event, now, "b@example.com", "en")
    auth.login()
    for _ in range(2):
        assert client.post(f"/manage/events/{event.id}/registrations/{seated.id}/resend").status_code == 302
    client.post(f"/manage/events/{event.id}/registrations/{waiting.id}/resend")
    resent = [m for m in outbox() if "-resend-" in m.dedup_key]
    assert [(m.recipient, m.subject.split(":")[0]) for m in resent] == [
        ("a@example.com", "Your place is confirmed"), ("b@example.com", "You are on the waiting list")]
    assert "send you this message again" in resent[0].body_text and resent[0].ics
    later = now + timedelta(minutes=11)
    assert attendee_actions.resend_confirmation(fresh(Registration, seated.id), actor=None, now=later) is True
    db.session.commit()
    assert len([m for m in outbox("a@example.com") if "-resend-" in m.dedup_key]) == 2


def test_resending_is_refused_for_cancelled_or_erased_people(client, auth, make_event, now, outbox):
    event = make_event()
    cancelled, erased = sign_up(event, now, "a@example.com"), sign_up(event, now, "b@example.com")
    services.cancel_registration(cancelled, now=now)
    services.erase_personal_data(erased, now=now)
    db.session.commit()
    mails = len(outbox())
    auth.login()
    for registration in (cancelled, erased):
        response = client.post(f"/manage/events/{event.id}/registrations/{registration.id}/resend?lang=en")
        assert response.status_code == 409 and "no" in page_of(response)
    assert len(outbox()) == mails


# Who may


@pytest.mark.parametrize("method, path", [
    ("get", "/registrations/new"), ("post", "/registrations/new"), ("get", "/registrations/{rid}/cancel"),
    ("post", "/registrations/{rid}/cancel"), ("post", "/registrations/{rid}/move-to-front"),
    ("post", "/registrations/{rid}/resend"),
])
def test_only_organizers_act_on_attendees(client, auth, make_event, make_company_member, now, method, path):
    event = make_event(capacity=1)
    sign_up(event, now, "seated@example.com")
    waiting = sign_up(event, now, "w@example.com")
    url = f"/manage/events/{event.id}" + path.format(rid=waiting.id)
    data = {**person(), "reason": "x"} if method == "post" else None
    call = getattr(client, method)
    assert "/auth/login" in call(url, data=data).headers["Location"]
    auth.login_as(make_company_member())
    assert call(url, data=data).status_code == 403
    auth.logout()
    auth.login()
    assert call(url, data=data).status_code in (200, 302)


def test_actions_need_the_csrf_token(app, client, auth, make_event, now):
    event = make_event(capacity=1)
    sign_up(event, now, "seated@example.com")
    first, second = sign_up(event, now, "a@example.com"), sign_up(event, now, "b@example.com")
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/manage/events/{event.id}/registrations/{second.id}/move-to-front").status_code == 400
    assert client.post(f"/manage/events/{event.id}/registrations/{first.id}/cancel",
                       data={"reason": "x"}).status_code == 400
    assert client.post(f"/manage/events/{event.id}/registrations/{first.id}/resend").status_code == 400
    assert (status_of(first), second.waitlist_position()) == ("waitlisted", 2)
