"""What a person sees when signing up, checking, and cancelling in the browser."""
import html
import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from eventsapp.catalogue.models import EventStatus
from eventsapp.extensions import db
from eventsapp.registration.models import Registration
from eventsapp.registration.services import Applicant, cancel_registration, register


def form(**overrides):
    return {"name": "Zhang Wei", "email": "zhang.wei@example.com", "phone": "138 0013 8000",
            "organization": "Shentong Metro", "job_title": "", "consent": "y", "website": "", **overrides}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def registrations():
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def test_sign_up_confirms_and_shows_the_manage_page(client, make_event, app_ctx):
    event = make_event(capacity=10)
    response = client.post(f"/events/{event.id}/register?lang=en", data=form())
    assert response.status_code == 302
    (registration,) = registrations()
    assert response.headers["Location"] == f"/registrations/{registration.token}"
    assert registration.phone == "+8613800138000" and registration.email == "zhang.wei@example.com"
    page = text_of(client.get(response.headers["Location"] + "?lang=en"))
    assert "Your place is confirmed." in page and "Cancel my registration" in page


def test_event_page_shows_seats_left_and_waiting_list_without_names(client, make_event, app_ctx):
    event = make_event(capacity=1)
    client.post(f"/events/{event.id}/register", data=form(email="a@example.com", name="Secret Person"))
    client.post(f"/events/{event.id}/register", data=form(email="b@example.com", name="Other Person"))
    page = text_of(client.get(f"/events/{event.id}?lang=en"))
    assert "Fully booked" in page and "1 person on the waiting list" in page
    assert "Join the waiting list" in page
    for secret in ("Secret Person", "a@example.com", "+8613800138000"):
        assert secret not in page


def test_full_event_puts_newcomers_on_the_waiting_list_with_their_place(client, make_event, app_ctx):
    event = make_event(capacity=1)
    client.post(f"/events/{event.id}/register", data=form(email="first@example.com"))
    response = client.post(f"/events/{event.id}/register", data=form(email="second@example.com"))
    page = text_of(client.get(response.headers["Location"] + "?lang=en"))
    assert "You are on the waiting list, number 1." in page


def test_full_event_without_waiting_list_says_full(client, make_event, app_ctx):
    event = make_event(capacity=1, waitlist_enabled=False)
    client.post(f"/events/{event.id}/register", data=form(email="first@example.com"))
    assert "Sorry, this event is full." in text_of(client.get(f"/events/{event.id}/register?lang=en"))
    response = client.post(f"/events/{event.id}/register?lang=en", data=form(email="second@example.com"))
    assert response.status_code == 409 and "Sorry, this event is full." in text_of(response)
    assert len(registrations()) == 1


def test_duplicate_email_is_refused_with_an_offer_to_resend(client, make_event, app_ctx):
    event = make_event()
    client.post(f"/events/{event.id}/register", data=form(email="dup@example.com"))
    response = client.post(f"/events/{event.id}/register?lang=en", data=form(email=" DUP@Example.com "))
    assert response.status_code == 409
    page = text_of(response)
    assert "This e-mail address is already registered for this event." in page
    assert "Send my link again" in page
    assert len(registrations()) == 1


def test_double_click_on_submit_makes_one_registration(client, make_event, app_ctx):
    event = make_event()
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"',
                    client.get(f"/events/{event.id}/register").get_data(as_text=True)).group(1)
    first = client.post(f"/events/{event.id}/register", data=form(submission_key=key))
    second = client.post(f"/events/{event.id}/register", data=form(submission_key=key))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(registrations()) == 1


@pytest.mark.parametrize("overrides, message", [
    ({"name": ""}, "Please enter your name."),
    ({"name": "x" * 101}, "Please shorten this to 100 characters or fewer."),
    ({"email": "not-an-email"}, "This e-mail address looks incomplete: please check it"),
    ({"email": "a" * 250 + "@example.com"}, "Please shorten this to 254 characters or fewer."),
    ({"phone": "12345"}, "Please enter an 11-digit mobile number"),
    ({"phone": "021 6888 8888"}, "Please enter an 11-digit mobile number"),  # a Shanghai landline, not a mobile
    ({"phone": ""}, "Please enter your mobile number."),
    ({"organization": ""}, "Please enter your organization."),
    ({"organization": "o" * 10_000}, "Please shorten this to 200 characters or fewer."),
    ({"consent": ""}, "Please agree so that we can register you."),
])
def test_bad_input_shows_a_message_and_changes_nothing(client, make_event, app_ctx, overrides, message):
    event = make_event()
    response = client.post(f"/events/{event.id}/register?lang=en", data=form(**overrides))
    assert response.status_code == 422
    assert message in text_of(response)
    assert registrations() == []


def test_optional_fields_follow_the_event_settings(client, make_event, app_ctx):
    event = make_event(phone_required=False, organization_required=False, job_title_required=True)
    response = client.post(f"/events/{event.id}/register?lang=en",
                           data=form(phone="", organization="", job_title=""))
    assert response.status_code == 422 and "Please enter your job title." in text_of(response)
    response = client.post(f"/events/{event.id}/register", data=form(phone="", organization="", job_title="CTO"))
    assert response.status_code == 302


def test_international_mobile_numbers_are_accepted(client, make_event, app_ctx):
    event = make_event()
    client.post(f"/events/{event.id}/register", data=form(phone="+49 151 23456789"))
    assert registrations()[0].phone == "+4915123456789"


def test_honeypot_filled_by_a_bot_registers_nobody(client, make_event, app_ctx):
    event = make_event()
    response = client.post(f"/events/{event.id}/register", data=form(website="http://spam.example"))
    assert response.status_code == 422
    assert registrations() == []


@pytest.mark.parametrize("setup, status, message", [
    (dict(status=EventStatus.CANCELLED), 410, "This event has been cancelled."),
    (dict(starts_in=timedelta(hours=-2)), 410, "Registration for this event has closed."),
    (dict(starts_in=timedelta(days=3), registration_closes_in=timedelta(hours=-1)), 410,
     "Registration for this event has closed."),
])
def test_closed_events_refuse_sign_ups(client, make_event, app_ctx, now, setup, status, message):
    fields = dict(setup)
    if "registration_closes_in" in fields:
        fields["registration_closes_at"] = now + fields.pop("registration_closes_in")
    event = make_event(**fields)
    page = text_of(client.get(f"/events/{event.id}/register?lang=en"))
    assert message in page and 'name="email"' not in page  # the form is not offered
    response = client.post(f"/events/{event.id}/register?lang=en", data=form())
    assert response.status_code == status and message in text_of(response)
    assert registrations() == []


def test_not_yet_open_shows_when_it_opens(client, make_event, app_ctx, now):
    event = make_event(registration_opens_at=now + timedelta(days=2))
    assert "Registration opens on" in text_of(client.get(f"/events/{event.id}/register?lang=en"))
    assert client.post(f"/events/{event.id}/register", data=form()).status_code == 403
    assert registrations() == []


def test_draft_and_unknown_events_have_no_sign_up(client, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    for url in (f"/events/{draft.id}/register", "/events/999999/register"):
        assert client.get(url).status_code == 404
        assert client.post(url, data=form()).status_code == 404


def test_cancel_asks_first_then_frees_the_seat_for_the_next_person(client, make_event, app_ctx):
    event = make_event(capacity=1)
    token = client.post(f"/events/{event.id}/register", data=form(email="a@example.com")) \
        .headers["Location"].rsplit("/", 1)[1]
    client.post(f"/events/{event.id}/register", data=form(email="b@example.com"))
    page = text_of(client.get(f"/registrations/{token}/cancel?lang=en"))
    assert "Cancel your registration?" in page
    assert [r.status for r in registrations()] == ["confirmed", "waitlisted"]
    client.post(f"/registrations/{token}/cancel")
    assert [r.status for r in registrations()] == ["cancelled", "confirmed"]
    assert "This registration is cancelled." in text_of(client.get(f"/registrations/{token}?lang=en"))


def test_forged_or_unknown_tokens_find_nothing(client, make_event):
    for token in ("nope", "x" * 64, "x" * 500, "../../etc/passwd", "%00"):
        assert client.get(f"/registrations/{token}").status_code == 404
        assert client.post(f"/registrations/{token}/cancel").status_code == 404
        assert client.get(f"/feeds/me/{token}").status_code == 404
        assert client.post(f"/feeds/me/{token}/replace").status_code == 404


def test_resend_link_answers_the_same_for_strangers(client, make_event, app_ctx):
    event = make_event()
    client.post(f"/events/{event.id}/register", data=form(email="me@example.com"))
    known = client.post(f"/events/{event.id}/resend-link?lang=en", data={"email": "me@example.com"},
                        follow_redirects=True)
    unknown = client.post(f"/events/{event.id}/resend-link?lang=en", data={"email": "who@example.com"},
                          follow_redirects=True)
    assert "If this address is registered" in text_of(known)
    assert "If this address is registered" in text_of(unknown)


def test_organizer_sees_the_list_and_can_cancel_for_someone(client, auth, make_event, app_ctx):
    event = make_event(capacity=1)
    client.post(f"/events/{event.id}/register", data=form(email="a@example.com", name="Li Lei"))
    client.post(f"/events/{event.id}/register", data=form(email="b@example.com", name="Han Meimei"))
    assert client.get(f"/manage/events/{event.id}/registrations").status_code == 302  # not signed in
    auth.login()
    page = text_of(client.get(f"/manage/events/{event.id}/registrations?lang=en"))
    assert "Li Lei" in page and "b@example.com" in page
    first = registrations()[0]
    client.post(f"/manage/events/{event.id}/registrations/{first.id}/cancel", data={"reason": "Duplicate"})
    assert [r.status for r in registrations()] == ["cancelled", "confirmed"]


def test_the_attendee_list_offers_cancel_only_while_it_can_succeed(client, auth, make_event, app_ctx):
    from eventsapp.registration.models import RegistrationStatus

    coming, started = make_event(), make_event(starts_in=timedelta(hours=-1))
    for event in (coming, started):
        db.session.add(Registration(event=event, name="Li Lei", email="li@example.com", phone="",
                                    status=RegistrationStatus.CONFIRMED))
    db.session.commit()
    auth.login()
    cancel_button = re.compile(r'href="/manage/events/\d+/registrations/\d+/cancel"')
    assert cancel_button.search(text_of(client.get(f"/manage/events/{coming.id}/registrations?lang=en")))
    assert not cancel_button.search(text_of(client.get(f"/manage/events/{started.id}/registrations?lang=en")))
    late = registrations()[1]
    response = client.post(f"/manage/events/{started.id}/registrations/{late.id}/cancel?lang=en",
                           data={"reason": "No show"})
    assert response.status_code == 409
    assert "too late to cancel" in text_of(response)  # the rule holds even without the button
    assert registrations()[1].status == RegistrationStatus.CONFIRMED


def test_sign_up_is_rate_limited_per_address(make_event, database_url, app_ctx):
    from eventsapp import create_app
    from eventsapp.config import TestConfig
    from eventsapp.extensions import limiter

    event = make_event(capacity=100)
    limited = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                         SIGNUP_RATE_LIMIT="3 per minute")
    limiter.reset()
    client = limited.test_client()
    codes = [client.post(f"/events/{event.id}/register", data=form(email=f"p{i}@example.com")).status_code
             for i in range(4)]
    assert codes == [302, 302, 302, 429]
    with limited.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == 3
        db.engine.dispose()
    limiter.reset()


def test_the_manage_page_downloads_the_event_as_the_persons_calendar_has_it(client, make_event, app_ctx, now):
    """Never below the SEQUENCE of the person's last invitation (issue 9.7), TENTATIVE while waiting,
    private; gone once the registration is cancelled."""
    event = make_event(capacity=1)
    seated = register(event.id, Applicant(name="A", email="a@example.com"), now=now)
    waiting = register(event.id, Applicant(name="B", email="b@example.com"), now=now)
    db.session.commit()

    def download(registration):
        response = client.get(f"/registrations/{registration.token}.ics")
        assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
        (vevent,) = Calendar.from_ical(response.data).walk("VEVENT")
        return int(vevent["SEQUENCE"]), str(vevent["STATUS"])

    page = text_of(client.get(f"/registrations/{waiting.token}?lang=en"))
    assert f"/registrations/{waiting.token}.ics" in page
    assert not [link for link in re.findall(r'href="(webcal://[^"]*)"', page) if waiting.token in link]  # no token
    # to a calendar service: the subscription is the public event's
    assert download(waiting) == (0, "TENTATIVE")
    cancel_registration(seated, now=now)  # B is promoted: their invitation says SEQUENCE 1
    db.session.commit()
    assert download(waiting) == (1, "CONFIRMED")
    public = Calendar.from_ical(client.get(f"/events/{event.id}.ics").data).walk("VEVENT")[0]
    assert int(public["SEQUENCE"]) == 0
    assert client.get(f"/registrations/{seated.token}.ics").status_code == 404
    assert f"/registrations/{seated.token}.ics" not in text_of(client.get(f"/registrations/{seated.token}"))
    assert client.get("/registrations/not-a-token.ics").status_code == 404
