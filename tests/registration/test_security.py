"""Issue 8's findings about sign-up, each with the test that failed before it was fixed (numbered as
in the issue). SPEC 3.7: what spans several registrations of one address is only ever mailed."""
from datetime import timedelta

from sqlalchemy import func, select

from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.registration import services
from eventsapp.registration.models import Registration, RegistrationStatus
from eventsapp.registration.personal_feed import personal_feed_for


def form(**overrides):
    return {"name": "Zhang Wei", "email": "zhang.wei@example.com", "phone": "138 0013 8000",
            "organization": "Shentong Metro", "consent": "y", **overrides}


def page_text(response) -> str:
    return response.get_data(as_text=True)


def test_1_signing_up_with_someone_elses_address_shows_nothing_of_theirs(client, make_event, app_ctx, now):
    private, open_day = make_event(title_en="The owner's private visit"), make_event(title_en="Open day")
    services.register(private.id, services.Applicant(name="Owner", email="owner@example.com"), now=now)
    db.session.commit()
    owner_token = personal_feed_for("owner@example.com").token
    db.session.commit()

    signed_up = client.post(f"/events/{open_day.id}/register?lang=en", data=form(email=" OWNER@Example.com "))
    manage_token = signed_up.headers["Location"].rsplit("/", 1)[1]
    page = page_text(client.get(f"/registrations/{manage_token}?lang=en"))
    assert owner_token not in page and "/feeds/me/" not in page and "private visit" not in page
    assert "in the confirmation we sent to owner@example.com" in page  # says where the rest went
    # Replacing the owner's calendar address is not possible with a manage link either.
    assert client.post(f"/registrations/{manage_token}/feed/revoke").status_code in (404, 405)
    cancelled = client.post(f"/registrations/{manage_token}/cancel")
    assert cancelled.status_code == 302 and owner_token not in page_text(client.get(f"/registrations/{manage_token}"))
    db.session.expire_all()
    assert personal_feed_for("owner@example.com").token == owner_token


def test_1_the_calendar_page_is_reached_by_the_mailed_address_only(client, make_event, outbox, now):
    event = make_event()
    services.register(event.id, services.Applicant(name="Me", email="me@example.com", language="en"), now=now)
    db.session.commit()
    token = personal_feed_for("me@example.com").token
    db.session.commit()
    [mail] = outbox()
    assert f"/feeds/me/{token}.ics" in mail.body_text and f"/feeds/me/{token}\n" in mail.body_text
    page = page_text(client.get(f"/feeds/me/{token}?lang=en"))
    assert f"/feeds/me/{token}.ics" in page and "Replace my calendar address" in page
    assert client.get("/feeds/me/" + "A" * 32).status_code == 404


def test_2_a_full_event_answers_the_same_to_registered_and_unknown_addresses(client, make_event, app_ctx):
    event = make_event(capacity=1, waitlist_enabled=False)
    assert client.post(f"/events/{event.id}/register", data=form(email="seated@example.com")).status_code == 302
    registered = client.post(f"/events/{event.id}/register?lang=en", data=form(email="seated@example.com"))
    unknown = client.post(f"/events/{event.id}/register?lang=en", data=form(email="nobody@example.com"))
    assert registered.status_code == unknown.status_code == 409
    assert "Sorry, this event is full" in page_text(unknown)
    # The very same page, but for the address typed in:
    assert page_text(registered).replace("seated@", "someone@") == page_text(unknown).replace("nobody@", "someone@")


def test_17_a_name_carrying_a_link_is_refused(client, make_event, app_ctx):
    event = make_event()
    for name in ("Win a prize at https://evil.example", "www.evil.example", "see evil.com now", "a@evil.example",
                 "Prize\nhttps://evil.example"):
        response = client.post(f"/events/{event.id}/register?lang=en", data=form(name=name))
        assert response.status_code == 422, name
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert client.post(f"/events/{event.id}/register", data=form(name="J. R. R. Tolkien")).status_code == 302


def test_17_one_address_gets_at_most_five_sign_up_mails_an_hour(client, make_event, app_ctx, now):
    events = [make_event() for _ in range(services.SIGN_UP_MAILS_PER_ADDRESS_PER_HOUR + 1)]
    codes = [client.post(f"/events/{event.id}/register?lang=en", data=form(email="victim@example.com")).status_code
             for event in events]
    assert codes == [302] * services.SIGN_UP_MAILS_PER_ADDRESS_PER_HOUR + [429]
    # "Send my link again" adds nothing either, and says so no differently.
    answer = client.post(f"/events/{events[0].id}/resend-link?lang=en", data={"email": "victim@example.com"},
                         follow_redirects=True)
    assert "If this address is registered" in page_text(answer)
    mails = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert mails.count("victim@example.com") == services.SIGN_UP_MAILS_PER_ADDRESS_PER_HOUR
    # An hour later the address may sign up again.
    later = services.register(events[-1].id, services.Applicant(name="V", email="victim@example.com"),
                              now=now + timedelta(hours=1, minutes=5))
    assert later.status == RegistrationStatus.CONFIRMED


def test_18_an_old_or_cancelled_registration_page_shows_no_personal_details(client, make_event, app_ctx, now):
    coming, past = make_event(), make_event(starts_in=timedelta(days=-40))
    pages = {}
    for name, event in (("coming", coming), ("past", past), ("cancelled", coming)):
        person = Registration(event=event, name="Li Lei", email=f"{name}@example.com", phone="+8613800138000",
                              status=RegistrationStatus.CONFIRMED)
        db.session.add(person)
        db.session.commit()
        if name == "cancelled":
            services.cancel_registration(person, now=now)
            db.session.commit()
        pages[name] = page_text(client.get(f"/registrations/{person.token}?lang=en"))
    assert "+86 138 0013 8000" in pages["coming"]
    assert "138 0013 8000" not in pages["past"] and "138 0013 8000" not in pages["cancelled"]
    assert "Li Lei" not in pages["past"] and "/feeds/me/" not in pages["coming"]
