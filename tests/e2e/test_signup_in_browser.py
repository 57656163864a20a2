"""SPEC 3.1–3.5 as a person lives them: sign up in Chromium, get the e-mail, follow its link, cancel."""
import re
from email.message import EmailMessage

from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus
from tests.e2e.helpers import AXE_SCRIPT, deliver_outbox, problems

TITLE = "Browser Quality Day"


def sign_up(page: Page, live_server, event, *, name: str, email: str, action: str = "Sign up") -> None:
    """From the event page to the person's own registration page, through the labelled form."""
    page.goto(f"{live_server.url}/events/{event.id}?lang=en")
    page.get_by_role("link", name=action, exact=True).click()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Mobile phone").fill("138 0013 8000")
    page.get_by_label("Organization", exact=True).fill("Test Works Ltd")
    page.get_by_role("checkbox", name=re.compile(r"^I agree")).check()
    page.get_by_role("button", name=action, exact=True).click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/registrations/[^/]+$"))


def cancel_on_manage_page(page: Page, manage_url: str) -> None:
    page.goto(manage_url)
    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_text("This registration is cancelled.")).to_be_visible()


def manage_link(message: EmailMessage, base_url: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(rf"{re.escape(base_url)}/registrations/[\w-]+", text)
    assert found, text
    return found.group()


def status_of(email: str) -> RegistrationStatus:
    db.session.expire_all()
    return db.session.scalar(select(Registration.status).where(Registration.email == email))


def test_sign_up_get_the_mail_and_cancel_by_its_link(live_server, smtp_server, new_page, make_event, app_ctx,
                                                      tmp_path):
    event = make_event(capacity=1, title_en=TITLE)
    page = new_page()
    sign_up(page, live_server, event, name="Ada Lovelace", email="ada@example.com")
    expect(page.get_by_text("Your place is confirmed.")).to_be_visible()

    assert deliver_outbox(live_server) == {"sent": 1, "retried": 0, "failed": 0}
    [message] = smtp_server.handler.messages
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == f"Your place is confirmed: {TITLE}"
    assert "text/calendar" in [part.get_content_type() for part in message.walk()]

    cancel_on_manage_page(page, manage_link(message, live_server.url))
    page.screenshot(path=tmp_path / "cancelled.png", full_page=True)
    assert status_of("ada@example.com") == RegistrationStatus.CANCELLED


def test_cancelling_in_the_browser_promotes_the_first_on_the_waiting_list(live_server, new_page, make_event,
                                                                          app_ctx, tmp_path):
    event = make_event(capacity=1, title_en=TITLE)
    first, second = new_page(), new_page()
    sign_up(first, live_server, event, name="Ada Lovelace", email="ada@example.com")
    sign_up(second, live_server, event, name="Grace Hopper", email="grace@example.com",
            action="Join the waiting list")
    expect(second.get_by_text("You are on the waiting list, number 1.")).to_be_visible()

    cancel_on_manage_page(first, first.url)
    second.reload()
    expect(second.get_by_text("Your place is confirmed.")).to_be_visible()
    second.screenshot(path=tmp_path / "promoted.png", full_page=True)
    assert status_of("ada@example.com") == RegistrationStatus.CANCELLED
    assert status_of("grace@example.com") == RegistrationStatus.CONFIRMED


def fill_with_a_mistake(page: Page) -> None:
    """Everything filled in but a mistyped e-mail address; the organization left out."""
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("E-mail", exact=True).fill("ada@example")
    page.get_by_label("Mobile phone").fill("+86 138-0013-8000")
    page.get_by_role("checkbox", name=re.compile(r"^I agree")).check()
    page.get_by_role("button", name="Sign up", exact=True).click()


def test_a_refused_form_focuses_the_first_error_and_keeps_what_was_typed(live_server, new_page, make_event,
                                                                         app_ctx):
    event = make_event(title_en=TITLE)
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/events/{event.id}/register?lang=en")
    fill_with_a_mistake(page)

    email = page.get_by_label("E-mail", exact=True)
    expect(page.get_by_text("This e-mail address looks incomplete: please check it")).to_be_visible()
    expect(email).to_be_focused()
    expect(email).to_be_in_viewport()
    expect(page.get_by_text("Please enter your organization.")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Ada Lovelace")
    expect(email).to_have_value("ada@example")
    expect(page.get_by_label("Mobile phone")).to_have_value("+86 138-0013-8000")
    expect(page.get_by_role("checkbox", name=re.compile(r"^I agree"))).to_be_checked()

    email.fill("ada@example.com")  # typing goes straight into the field with the error
    page.get_by_label("Organization", exact=True).fill("Analytical Engines")
    page.get_by_role("button", name="Sign up", exact=True).click()
    expect(page.get_by_text("Your place is confirmed.")).to_be_visible()
    assert db.session.scalar(select(Registration.phone).where(Registration.email == "ada@example.com")) \
        == "+8613800138000"


def test_without_javascript_the_first_error_is_focused_too(live_server, browser, make_event, app_ctx):
    """The server marks the first field with an error `autofocus`: no script needed."""
    event = make_event(title_en=TITLE)
    context = browser.new_context(locale="en-US", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/events/{event.id}/register?lang=en")
        fill_with_a_mistake(page)
        expect(page.get_by_label("E-mail", exact=True)).to_be_focused()
    finally:
        context.close()


def test_the_confirmation_page_and_the_refused_form_pass_axe(live_server, new_page, make_event, app_ctx):
    event = make_event(title_en=TITLE, job_title_required=False)
    page = new_page()
    found = {}
    for lang in ("zh", "en"):
        page.goto(f"{live_server.url}/events/{event.id}/register?lang={lang}")
        page.locator("form.stack-form button[type=submit]").click()
        expect(page.locator(".form-errors")).to_be_visible()
        found[f"refused form ({lang})"] = problems(page, AXE_SCRIPT.read_text())
    sign_up(page, live_server, event, name="Ada Lovelace", email="ada@example.com")
    for lang in ("zh", "en"):
        page.goto(f"{page.url.split('?')[0]}?lang={lang}")
        expect(page.get_by_role("link", name=re.compile("Google"))).to_be_visible()
        found[f"confirmation ({lang})"] = problems(page, AXE_SCRIPT.read_text())
    assert {where: lines for where, lines in found.items() if lines} == {}
