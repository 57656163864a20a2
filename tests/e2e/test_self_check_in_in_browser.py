"""The self check-in screen in Chromium: the organizer projects it, one attendee whose phone opened their
manage link checks in with one tap, another types name and last four digits, and the screen's counter
follows on its own (static/js/checkin-screen.js, under the site's Content-Security-Policy)."""
from datetime import timedelta

from playwright.sync_api import expect

from eventsapp.database import utcnow
from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus
from eventsapp.registration.services import Applicant, register
from tests.e2e.helpers import sign_in


def test_attendees_check_themselves_in_at_the_screen(live_server, new_page, make_event, make_user, app_ctx):
    now = utcnow()
    event = make_event(starts_at=now - timedelta(minutes=20), title_zh="质量开放日", title_en="Quality Open Day")
    zhang, li = (register(event.id, Applicant(name=name, email=email, phone=phone), now=now - timedelta(days=2))
                 for name, email, phone in [("张伟", "zhang@example.com", "+8613800138000"),
                                            ("Li Na", "li@example.com", "+8613912345678")])
    db.session.commit()

    screen = new_page()
    errors: list[str] = []
    screen.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(screen, live_server, make_user)
    screen.goto(f"{live_server.url}/manage/events/{event.id}/screen?lang=en")
    expect(screen.locator("#screen-qr svg")).to_be_visible()
    expect(screen.locator("#screen-count")).to_have_text("0 of 2 checked in")
    url = screen.locator("#screen-url").inner_text()
    assert url.startswith(f"{live_server.url}/events/{event.id}/self-check-in?s=")

    phone = new_page()  # opened their manage link from the e-mail before
    phone.goto(f"{live_server.url}/registrations/{zhang.token}?lang=en")
    phone.goto(url)
    expect(phone.locator(".self-check-in-name")).to_have_text("张伟")
    phone.get_by_role("button", name="Check me in").click()
    expect(phone.get_by_role("heading", name="You are checked in — welcome!")).to_be_visible()

    stranger = new_page()  # a phone that never saw their link
    stranger.goto(url + "&lang=en")
    expect(stranger.get_by_role("button", name="Check me in")).to_have_count(0)
    stranger.get_by_label("Your name, as you signed up").fill("li na")
    stranger.get_by_label("Last four digits of your mobile number").fill("1111")
    stranger.get_by_role("button", name="Check in", exact=True).click()
    expect(stranger.locator(".form-errors")).to_contain_text("We could not check you in with this name")
    stranger.get_by_label("Last four digits of your mobile number").fill("5678")
    stranger.get_by_role("button", name="Check in", exact=True).click()
    expect(stranger.get_by_role("heading", name="You are checked in — welcome!")).to_be_visible()
    expect(stranger.locator(".self-check-in-name")).to_have_text("Li Na")

    expect(screen.locator("#screen-count")).to_have_text("2 of 2 checked in")  # polled, no reload
    assert screen.locator("#screen-url").inner_text().startswith(f"{live_server.url}/events/{event.id}/")
    db.session.expire_all()
    assert {db.session.get(Registration, r.id).status for r in (zhang, li)} == {RegistrationStatus.CHECKED_IN}
    assert errors == []


def test_an_old_code_asks_to_scan_again(live_server, new_page, make_event, app_ctx):
    event = make_event(starts_at=utcnow() - timedelta(minutes=20))
    page = new_page()
    response = page.goto(f"{live_server.url}/events/{event.id}/self-check-in?s=1.00000000000000000000&lang=en")
    assert response.status == 400
    expect(page.get_by_role("heading", name="This code has changed: scan the screen again.")).to_be_visible()
