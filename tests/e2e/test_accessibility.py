"""axe-core (tests/e2e/axe, `make install-axe`) finds no serious or critical accessibility problem on
the public pages, the privacy notice, an attendee's page and its "delete my data" step, and the sign-up
form, empty and refused; on the company pages and the organizers' pages about companies; in Chinese and
in English; the self check-in screen and the attendee's pages it leads to."""
import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventsapp.accounts.services import find_user_by_email
from eventsapp.catalogue.models import Campaign, Event, EventStatus
from eventsapp.checkin.screen import screen_code
from eventsapp.checkin.services import check_in
from eventsapp.companies.services import pending_companies
from eventsapp.database import utcnow
from eventsapp.demo import ORGANIZER_EMAIL, ORGANIZER_PASSWORD, load_demo
from eventsapp.demo_companies import COMPANY_PASSWORD, LEAD_EMAIL
from eventsapp.extensions import db
from eventsapp.hosting.queries import applications_of
from eventsapp.registration.delegations import delegations_of
from eventsapp.registration.services import Applicant, register
from tests.e2e.helpers import AXE_SCRIPT, problems


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make install-axe` (npm ci in tests/e2e/axe)")
    return AXE_SCRIPT.read_text()


@pytest.fixture
def demo(app_ctx) -> dict[str, str]:
    """The demo campaigns; paths of a campaign, an event with its agenda, its venue and host, a cancelled
    event, one that is over (2017), the privacy notice, one attendee's page and its erase step, and a
    sign-up form; a checked-in attendee's page, certificate and its verification page."""
    now = utcnow()
    load_demo(now=now)
    db.session.commit()
    current = db.session.scalar(select(Campaign).where(Campaign.year == now.year))
    published = [event for event in current.events if event.status == EventStatus.PUBLISHED and event.sessions]
    cancelled = db.session.scalar(select(Event).where(Event.status == EventStatus.CANCELLED))
    past = db.session.scalar(select(Event).where(Event.ends_at < now).order_by(Event.starts_at))
    event = published[0]
    attendee = register(event.id, Applicant(name="王芳", email="wang.fang@example.com"), now=now)
    arrived = register(event.id, Applicant(name="李雷", email="li.lei@example.com"), now=now)
    check_in(event.id, nonce=uuid.uuid4().hex, registration_id=arrived.id, staff=None, attempted_at=now, now=now)
    db.session.commit()
    return {"campaign": f"/campaigns/{current.slug}", "event": f"/events/{event.id}",
            "venue": f"/venues/{event.venue_id}", "host": f"/hosts/{event.host_id}",
            "cancelled": f"/events/{cancelled.id}", "past": f"/events/{past.id}", "privacy": "/privacy",
            "manage": f"/registrations/{attendee.token}", "erase": f"/registrations/{attendee.token}/erase",
            "checked in": f"/registrations/{arrived.token}",
            "certificate": f"/registrations/{arrived.token}/certificate",
            "verified certificate": f"/certificates/{arrived.certificate_code}",
            "signup": f"/events/{event.id}/register"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_public_pages_and_sign_up_form_pass_axe(live_server, new_page, demo, axe_source, lang):
    page = new_page()
    found = {}
    filtered = ("/?q=metro&district=x", "/?q=none-such")  # results with a refused value; none
    for path in ("/", *filtered, "/archive", "/archive/2017", *demo.values()):  # the sign-up form last
        page.goto(f"{live_server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
        found[path] = problems(page, axe_source)
    page.locator("form.stack-form button[type=submit]").click()  # empty: refused, every error shown
    expect(page.locator(".form-errors")).to_be_visible()
    found["refused sign-up"] = problems(page, axe_source)
    assert {where: lines for where, lines in found.items() if lines} == {}


@pytest.fixture
def company_demo(app_ctx) -> dict[str, list[str]]:
    """The demo's company pages: as its lead contact, as an organizer, and the account forms anyone opens."""
    now = utcnow()
    load_demo(now=now)
    db.session.commit()
    lead = find_user_by_email(LEAD_EMAIL)
    [state] = delegations_of(lead.organization)
    [application] = applications_of(lead.organization)
    [pending] = pending_companies()
    campaign = application.call.campaign
    return {
        "anyone": ["/auth/register", "/auth/join", "/auth/reset", "/auth/login"],
        "lead": ["/company/", "/company/applications", f"/company/applications/{application.id}",
                 f"/company/applications/new?campaign={campaign.slug}", "/company/delegations",
                 f"/company/delegations/{state.delegation.id}", "/company/members", "/company/profile",
                 "/company/calendar", f"/company/events/{application.event_id}"],
        "organizer": ["/manage/companies", f"/manage/companies/{pending.organization.id}",
                      f"/manage/campaigns/{campaign.slug}/applications", f"/manage/applications/{application.id}",
                      f"/manage/campaigns/{campaign.slug}/call",
                      f"/manage/events/{state.delegation.event_id}/delegations",
                      "/manage/audit", f"/manage/events/{state.delegation.event_id}",
                      f"/manage/events/{state.delegation.event_id}/check-in"],
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_company_and_back_office_company_pages_pass_axe(live_server, new_page, company_demo, axe_source, lang):
    found = {}
    for who, login in (("anyone", None), ("lead", (LEAD_EMAIL, COMPANY_PASSWORD)),
                       ("organizer", (ORGANIZER_EMAIL, ORGANIZER_PASSWORD))):
        page = new_page()
        if login:
            page.goto(f"{live_server.url}/auth/login?lang=en")
            page.get_by_label("E-mail").fill(login[0])
            page.get_by_label("Password").fill(login[1])
            page.get_by_role("button", name="Sign in").click()
            expect(page).not_to_have_url(re.compile(r"/auth/login"))
        for path in company_demo[who]:
            response = page.goto(f"{live_server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
            assert response.status == 200, (who, path)
            found[f"{who} {path}"] = problems(page, axe_source)
    assert {where: lines for where, lines in found.items() if lines} == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboards_campaign_report_and_public_summary_pass_axe(live_server, new_page, app_ctx, axe_source, lang):
    """The demo's 2017 campaign has sign-ups, a waiting list, company seats and check-ins to draw; a coming
    event has almost nothing (empty charts, attendance not yet)."""
    load_demo(now=utcnow())
    db.session.commit()
    past = db.session.scalar(select(Campaign).where(Campaign.slug == "2017-shanghai"))
    coming = db.session.scalar(select(Event.id).where(Event.status == EventStatus.PUBLISHED,
                                                      Event.starts_at > utcnow()).limit(1))
    page = new_page()
    found = {}
    for path in (f"/campaigns/{past.slug}/summary", "login", f"/manage/campaigns/{past.slug}/report",
                 f"/manage/events/{past.events[0].id}/dashboard", f"/manage/events/{coming}/dashboard"):
        if path == "login":
            page.goto(f"{live_server.url}/auth/login?lang=en")
            page.get_by_label("E-mail").fill(ORGANIZER_EMAIL)
            page.get_by_label("Password").fill(ORGANIZER_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page).not_to_have_url(re.compile(r"/auth/login"))
            continue
        response = page.goto(f"{live_server.url}{path}?lang={lang}")
        assert response.status == 200, path
        found[path] = problems(page, axe_source)
    assert {where: lines for where, lines in found.items() if lines} == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_self_check_in_screen_and_pages_pass_axe(live_server, new_page, app_ctx, axe_source, lang):
    """The projected screen, the attendee's page (with a one-tap button, and refused), and the answer."""
    now = utcnow()
    load_demo(now=now)
    db.session.commit()
    event = db.session.scalar(select(Event).where(Event.status == EventStatus.PUBLISHED, Event.starts_at > now)
                              .limit(1))
    attendee = register(event.id, Applicant(name="王芳", email="wang.fang@example.com", phone="+8613800138000"),
                        now=now)
    db.session.commit()
    code = screen_code(event.id, secret=live_server.app.config["SECRET_KEY"], now=utcnow())
    page, found = new_page(), {}
    page.goto(f"{live_server.url}/registrations/{attendee.token}?lang={lang}")
    page.goto(f"{live_server.url}/events/{event.id}/self-check-in?s={code}&lang={lang}")
    found["self check-in"] = problems(page, axe_source)
    page.locator("form.card button[type=submit]").last.click()  # empty: refused
    expect(page.locator(".form-errors")).to_be_visible()
    found["refused"] = problems(page, axe_source)
    page.locator("form.self-check-in-me button").click()
    expect(page.locator(".self-check-in-answer")).to_be_visible()
    found["answer"] = problems(page, axe_source)
    page.goto(f"{live_server.url}/events/{event.id}/self-check-in?s=0.0&lang={lang}")
    found["code changed"] = problems(page, axe_source)
    page.goto(f"{live_server.url}/auth/login?lang=en")
    page.get_by_label("E-mail").fill(ORGANIZER_EMAIL)
    page.get_by_label("Password").fill(ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/auth/login"))
    page.goto(f"{live_server.url}/manage/events/{event.id}/screen?lang={lang}")
    found["screen"] = problems(page, axe_source)
    assert {where: lines for where, lines in found.items() if lines} == {}
