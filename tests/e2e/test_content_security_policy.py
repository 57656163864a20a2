"""The Content-Security-Policy (eventsapp/web/security.py) breaks nothing in Chromium: no page reports a
violation, and the behaviour moved out of inline handlers into static/js/app.js still works."""
import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.registration import services as registration
from eventsapp.registration.personal_feed import personal_feed_for
from tests.e2e.helpers import RECORD_VIOLATIONS, sign_in


class ViolationWatch:
    """CSP violations as the page's `securitypolicyviolation` events and as Chromium's console errors."""

    def __init__(self, page: Page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console.append(f"script error: {error}"))

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> list[str]:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self.violations()

    def violations(self) -> list[str]:
        found = []
        for frame in self.page.frames:
            try:
                found += frame.evaluate("window.__cspViolations || []")
            except Exception as error:  # a sandboxed frame runs no script
                found.append(f"(frame {frame.url}: {error})")
        return found + self.console


@pytest.fixture
def watch(new_page) -> ViolationWatch:
    return ViolationWatch(new_page())


@pytest.fixture
def signed_up(make_event, app_ctx, now):
    """An event with one confirmed registration (so its e-mail waits in the outbox)."""
    event = make_event(title_en="Policy Day")
    person = registration.register(event.id, registration.Applicant(name="Ada", email="ada@example.com"), now=now)
    personal_feed_for("ada@example.com")
    db.session.commit()
    return event, person


def current_feed_token() -> str:
    db.session.expire_all()
    return personal_feed_for("ada@example.com").token


def test_the_browser_gets_the_policy_and_no_page_breaks_it(live_server, watch, signed_up):
    event, person = signed_up
    response = watch.page.goto(f"{live_server.url}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for path in ("/", f"/campaigns/{event.campaign.slug}", f"/events/{event.id}", f"/events/{event.id}/register",
                 f"/registrations/{person.token}", f"/registrations/{person.token}/cancel", "/auth/login"):
        for lang in ("en", "zh"):
            assert watch.visit(f"{live_server.url}{path}?lang={lang}") == [], path
    watch.page.goto(f"{live_server.url}/events/{event.id}/register?lang=en")
    watch.page.get_by_role("button", name="Sign up").click()  # refused: the errors page is checked too
    expect(watch.page.get_by_text("Please correct the fields marked below.")).to_be_visible()
    assert watch.violations() == []


def test_back_office_pages_and_the_mail_preview_break_no_policy(live_server, watch, signed_up, make_user, app_ctx):
    event, _ = signed_up
    sign_in(watch.page, live_server, make_user)
    message_id = db.session.scalar(select(OutboxMessage.id))
    for path in ("/manage/", "/manage/events", f"/manage/events/{event.id}", f"/manage/events/{event.id}/edit",
                 f"/manage/events/{event.id}/registrations", "/manage/outbox", f"/manage/outbox/{message_id}"):
        assert watch.visit(f"{live_server.url}{path}?lang=en") == [], path


def test_confirmation_and_address_selection_work_without_inline_handlers(live_server, watch, signed_up):
    """Moved from onclick / onfocus attributes to static/js/app.js: the question is still asked, "Cancel"
    still stops the action, and focusing the calendar address still selects all of it."""
    page = watch.page
    old_token = current_feed_token()
    page.goto(f"{live_server.url}/feeds/me/{old_token}?lang=en")  # the calendar page, linked from the mails
    address = page.get_by_label(re.compile(r"^Calendar address"))
    old_address = address.input_value()
    address.focus()
    assert page.evaluate("() => [document.activeElement.selectionStart, document.activeElement.selectionEnd]") \
        == [0, len(old_address)]

    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Replace my calendar address").click()
    page.wait_for_load_state("networkidle")  # a form sent anyway would still be on its way
    assert questions == ["The old address stops working. Continue?"]
    assert page.get_by_label(re.compile(r"^Calendar address")).input_value() == old_address
    assert old_address.endswith(f"/feeds/me/{current_feed_token()}.ics")

    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Replace my calendar address").click()
    expect(page.get_by_text("Your calendar address has been replaced")).to_be_visible()
    assert len(questions) == 2
    assert current_feed_token() != old_token  # the new address went to the mailbox
    assert watch.violations() == []
