"""The self check-in screen and the attendee's page (checkin/screen_routes.py): the organizer's screen and its
state, an expired code, one tap for a browser that opened its manage link, name + last four digits, refusals
with a reason, and the rate limit on tries."""
import re
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from eventsapp import create_app
from eventsapp.checkin.models import CheckInAttempt
from eventsapp.checkin.screen import form_pass, screen_code
from eventsapp.config import TestConfig
from eventsapp.database import utcnow
from eventsapp.extensions import db, limiter
from eventsapp.registration.models import Registration, RegistrationStatus
from eventsapp.registration.services import Applicant, cancel_registration, register

SECRET = "test-secret-key"  # TestConfig's


@pytest.fixture
def day(make_event, now):
    """An event under way with two seats: 张伟 and Li Na hold them, Wang Fang waits."""
    event = make_event(starts_at=now - timedelta(minutes=30), capacity=2)
    earlier = now - timedelta(days=2)
    people = [register(event.id, Applicant(name=name, email=f"p{n}@example.com", phone=phone), now=earlier)
              for n, (name, phone) in enumerate([("张伟", "+8613800138000"), ("Li Na", "+8613912345678"),
                                                  ("Wang Fang", "+8613700001111")])]
    db.session.commit()
    return event, *people


@pytest.fixture
def limited_app(database_url, app):
    """The app with rate limits on, counted in memory (as tests/test_limits.py does it)."""
    limited = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                         RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    yield limited
    limiter.reset()
    with limited.app_context():
        db.engine.dispose()


def page_url(event, *, age_seconds: int = 0, lang: str = "en") -> str:
    """The screen's link as a phone reads it; `lang` chooses the page's language (kept for the answer)."""
    code = screen_code(event.id, secret=SECRET, now=utcnow() - timedelta(seconds=age_seconds))
    return f"/events/{event.id}/self-check-in?s={code}&lang={lang}"


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def status_of(registration) -> RegistrationStatus:
    db.session.expire_all()
    return db.session.get(Registration, registration.id).status


REFUSED = "We could not check you in with this name and these digits"  # one answer for every refusal


def by_name(client, event, name: str, digits: str, **kwargs):
    page = client.get(page_url(event), **kwargs)
    html = page.get_data(as_text=True)
    data = {"name": name, "last_digits": digits, "form_pass": hidden(html, "form_pass"), "nonce": hidden(html, "nonce")}
    return client.post(f"/events/{event.id}/self-check-in", data=data, **kwargs)


def test_an_expired_or_forged_code_answers_a_page_that_says_scan_again(client, day):
    event, *_people = day
    for url, status in [(page_url(event, age_seconds=65), 410), (f"/events/{event.id}/self-check-in?s=1.abc", 400),
                        (f"/events/{event.id}/self-check-in", 400), (page_url(event).replace("&", "0&"), 400)]:
        response = client.get(url)
        assert response.status_code == status, url
        assert "This code has changed: scan the screen again." in response.get_data(as_text=True)


def test_another_events_code_or_a_draft_event_does_not_open(client, day, make_event):
    event, *_people = day
    other = make_event()
    code = screen_code(other.id, secret=SECRET, now=utcnow())
    assert client.get(f"/events/{event.id}/self-check-in?s={code}").status_code == 400
    from eventsapp.catalogue.models import EventStatus
    draft = make_event(status=EventStatus.DRAFT)
    assert client.get(page_url(draft)).status_code == 404


def test_a_browser_that_opened_its_manage_link_checks_in_with_one_tap(client, day):
    event, zhang, _li, _wang = day
    assert client.get(f"/registrations/{zhang.token}?lang=en").status_code == 200
    cookie = client.get_cookie("my_registrations")
    assert cookie.http_only and cookie.same_site == "Lax" and zhang.token not in cookie.value
    html = client.get(page_url(event)).get_data(as_text=True)
    assert "张伟" in html and "Check me in" in html and "Li Na" not in html
    tap = {"registration": str(zhang.id), "form_pass": hidden(html, "form_pass"), "nonce": hidden(html, "nonce")}
    answer = client.post(f"/events/{event.id}/self-check-in/me", data=tap)
    assert answer.status_code == 200 and "You are checked in" in answer.get_data(as_text=True)
    assert status_of(zhang) == RegistrationStatus.CHECKED_IN
    assert db.session.get(Registration, zhang.id).checked_in_by_id is None
    again = client.post(f"/events/{event.id}/self-check-in/me", data=tap)  # a double tap: the same attempt
    assert again.status_code == 200 and "You are checked in" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CheckInAttempt.id))) == 1
    later = client.get(page_url(event)).get_data(as_text=True)
    answer = client.post(f"/events/{event.id}/self-check-in/me", data={
        "registration": str(zhang.id), "form_pass": hidden(later, "form_pass"), "nonce": hidden(later, "nonce")})
    assert "already checked in at" in answer.get_data(as_text=True)


def test_one_tap_checks_in_only_a_registration_this_browser_opened(client, day):
    event, zhang, li, _wang = day
    client.get(f"/registrations/{zhang.token}")
    html = client.get(page_url(event)).get_data(as_text=True)
    refused = client.post(f"/events/{event.id}/self-check-in/me", data={
        "registration": str(li.id), "form_pass": hidden(html, "form_pass"), "nonce": hidden(html, "nonce")})
    assert refused.status_code == 403 and status_of(li) == RegistrationStatus.CONFIRMED
    client.set_cookie("my_registrations", f"[{li.id}]")  # written by hand: not signed by us
    assert "Check me in" not in client.get(page_url(event)).get_data(as_text=True)


def test_a_tap_with_an_expired_form_pass_asks_to_scan_again(client, day):
    event, zhang, _li, _wang = day
    client.get(f"/registrations/{zhang.token}")
    stale = form_pass(event.id, secret=SECRET, now=utcnow() - timedelta(minutes=6))
    answer = client.post(f"/events/{event.id}/self-check-in/me", data={
        "registration": str(zhang.id), "form_pass": stale, "nonce": uuid.uuid4().hex})
    assert answer.status_code == 410 and status_of(zhang) == RegistrationStatus.CONFIRMED
    posted_without_page = client.post(f"/events/{event.id}/self-check-in", data={
        "name": "张伟", "last_digits": "8000", "form_pass": "", "nonce": uuid.uuid4().hex})
    assert posted_without_page.status_code == 400 and status_of(zhang) == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("typed", ["张伟", " 张 伟 ", "张伟\u3000"])
def test_name_and_last_four_digits_check_in_and_show_only_that_name(client, day, typed):
    event, zhang, _li, _wang = day
    answer = by_name(client, event, typed, "8000")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "You are checked in" in text and "张伟" in text
    assert "Li Na" not in text and "138" not in text and "@example.com" not in text
    assert status_of(zhang) == RegistrationStatus.CHECKED_IN


def test_latin_names_ignore_case_and_spaces(client, day):
    event, _zhang, li, _wang = day
    assert by_name(client, event, "  li  NA", "5678").status_code == 200
    assert status_of(li) == RegistrationStatus.CHECKED_IN


def test_wrong_digits_or_name_are_refused_and_change_nothing(client, day):
    event, zhang, li, wang = day
    for name, digits in [("张伟", "8001"), ("张三", "8000"), ("Li Na", "8000")]:
        answer = by_name(client, event, name, digits)
        assert answer.status_code == 422
        assert REFUSED in answer.get_data(as_text=True)
    bad = by_name(client, event, "张伟", "80a0")
    assert bad.status_code == 422 and "Please enter four digits" in bad.get_data(as_text=True)
    confirmed, waiting = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED
    assert [status_of(r) for r in (zhang, li, wang)] == [confirmed, confirmed, waiting]
    assert db.session.scalar(select(func.count(CheckInAttempt.id))) == 0


def test_the_waiting_list_and_the_cancelled_are_refused_like_a_stranger(client, day, now):
    """A name and four digits tell a stranger nothing about a person: waiting, cancelled, nobody, alike."""
    event, zhang, _li, wang = day
    nobody = by_name(client, event, "Nobody", "1111")
    waiting = by_name(client, event, "Wang Fang", "1111")
    assert waiting.status_code == nobody.status_code == 422
    assert REFUSED in waiting.get_data(as_text=True) and "waiting list" not in waiting.get_data(as_text=True)
    assert status_of(wang) == RegistrationStatus.WAITLISTED
    zhang.status = RegistrationStatus.CANCELLED  # as an organizer's cancellation leaves it, after the start
    db.session.commit()
    cancelled = by_name(client, event, "张伟", "8000")
    assert cancelled.status_code == 422 and REFUSED in cancelled.get_data(as_text=True)
    assert status_of(zhang) == RegistrationStatus.CANCELLED


def test_the_same_name_and_digits_twice_are_sent_to_the_desk(client, day, now):
    event, zhang, _li, _wang = day
    register(event.id, Applicant(name="张 伟", email="other@example.com", phone="+8613600008000"),
             now=now - timedelta(days=1))
    db.session.commit()
    answer = by_name(client, event, "张伟", "8000")
    assert answer.status_code == 422 and REFUSED in answer.get_data(as_text=True)
    assert status_of(zhang) == RegistrationStatus.CONFIRMED


def test_someone_who_cancelled_and_signed_up_again_is_found_by_the_current_registration(client, make_event, now):
    event = make_event(starts_at=now + timedelta(hours=1))
    person = Applicant(name="Chen Jie", email="chen@example.com", phone="+8613500002222")
    first = register(event.id, person, now=now - timedelta(days=3))
    cancel_registration(first, now=now - timedelta(days=2))
    second = register(event.id, person, now=now - timedelta(days=1))
    db.session.commit()
    assert by_name(client, event, "chen jie", "2222").status_code == 200
    assert status_of(second) == RegistrationStatus.CHECKED_IN and status_of(first) == RegistrationStatus.CANCELLED


def test_tries_are_limited_per_name_so_a_room_on_one_wifi_is_not(limited_app, day):
    """Guessing 张伟's four digits is cut off after 5 tries a minute, from any phone; the others in the
    room, behind the same address, still check in."""
    event, zhang, li, _wang = day
    client = limited_app.test_client()
    codes = [by_name(client, event, "张伟", f"{n:04d}").status_code for n in range(6)]
    assert codes == [422] * 5 + [429]
    other_phone = limited_app.test_client()
    limited = by_name(other_phone, event, " 张 伟 ", "8000", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0  # the name's budget is spent
    assert status_of(zhang) == RegistrationStatus.CONFIRMED
    assert by_name(client, event, "Li Na", "5678").status_code == 200  # same address, another name
    assert status_of(li) == RegistrationStatus.CHECKED_IN


def test_the_screen_is_for_organizers(client, auth, day, make_company_member):
    event, *_people = day
    anonymous = client.get(f"/manage/events/{event.id}/screen")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    assert client.get(f"/manage/events/{event.id}/screen/state").status_code == 302
    auth.login_as(make_company_member())
    assert client.get(f"/manage/events/{event.id}/screen").status_code == 403
    assert client.get(f"/manage/events/{event.id}/screen/state").status_code == 403


def test_the_screen_shows_the_code_link_and_the_counter(client, auth, day):
    event, *_people = day
    auth.login()
    page = client.get(f"/manage/events/{event.id}/screen?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<script>" not in html and "checkin-screen.js" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and "viewBox" in html
    url = re.search(r'data-screen-url="([^"]+)"', html).group(1)
    assert url.startswith("http") and f"/events/{event.id}/self-check-in?s=" in url
    assert "0 of 2 checked in" in html
    shown = urlsplit(url)
    assert client.get(f"{shown.path}?{shown.query}").status_code == 200  # the link on the screen opens
    by_name(client, event, "张伟", "8000")
    state = client.get(f"/manage/events/{event.id}/screen/state?lang=en")
    assert state.headers["Cache-Control"] == "no-store"
    body = state.get_json()
    assert (body["checked_in"], body["expected"], body["counter"]) == (1, 2, "1 of 2 checked in")
    assert 1 <= body["changes_in"] <= 30 and body["url"].startswith("http") and body["qr"].startswith("<svg")
    assert client.get("/manage/events/999999/screen").status_code == 404
    assert client.get("/manage/events/999999/screen/state").status_code == 404


def test_the_event_page_links_to_the_screen(client, auth, day):
    event, *_people = day
    auth.login()
    assert f"/manage/events/{event.id}/screen" in client.get(f"/manage/events/{event.id}").get_data(as_text=True)


def test_the_answer_is_in_the_attendees_language(client, day):
    event, *_people = day
    page = client.get(page_url(event, lang="zh"))
    html = page.get_data(as_text=True)
    answer = client.post(f"/events/{event.id}/self-check-in", data={
        "name": "Li Na", "last_digits": "5678", "form_pass": hidden(html, "form_pass"), "nonce": hidden(html, "nonce")})
    assert answer.status_code == 200 and "签到成功" in answer.get_data(as_text=True)


def test_someone_their_company_named_confirms_first(client, day):
    event, _zhang, li, _wang = day
    li.status = RegistrationStatus.INVITED  # named by their company, not confirmed yet
    db.session.commit()
    answer = by_name(client, event, "Li Na", "5678")
    assert answer.status_code == 422 and REFUSED in answer.get_data(as_text=True)
    assert status_of(li) == RegistrationStatus.INVITED
