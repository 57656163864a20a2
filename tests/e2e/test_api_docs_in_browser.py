"""The API documentation page (/api/v1/docs, templates/api/docs.html) in Chromium: Swagger UI, vendored in
static/vendor/swagger-ui, draws the operations of /api/v1/openapi.json under the site's Content-Security-Policy,
and the page asks nothing of any other origin (no CDN, no validator.swagger.io)."""
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.helpers import RECORD_VIOLATIONS


class PageWatch:
    """Console errors, script errors and every URL the page requested."""

    def __init__(self, page: Page):
        self.errors: list[str] = []
        self.requested: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("request", lambda request: self.requested.append(request.url))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.errors.append(message.text)


def test_swagger_ui_shows_the_operations_under_the_policy_from_this_site_only(serve_app, new_page):
    server = serve_app()
    page = new_page()
    watch = PageWatch(page)

    response = page.goto(f"{server.url}/api/v1/docs?lang=en")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page).to_have_title("eventsapp API v1")
    assert page.evaluate("document.documentElement.lang") == "en"

    events = page.locator('.opblock-get .opblock-summary-path[data-path="/api/v1/events"]')
    sign_up = page.locator('.opblock-post .opblock-summary-path[data-path="/api/v1/events/{event_id}/registrations"]')
    expect(events.first).to_be_visible()
    expect(sign_up.first).to_be_visible()
    sign_up.first.click()  # an operation opened: its parameters, request body and responses are drawn too
    expect(page.locator('.opblock-post tr[data-param-name="event_id"]').first).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.__cspViolations") == []
    assert watch.errors == []
    origin = urlsplit(server.url)
    assert {urlsplit(url)[:2] for url in watch.requested} == {origin[:2]}, watch.requested
    assert any(urlsplit(url).path == "/api/v1/openapi.json" for url in watch.requested)  # data-spec-url was read


def test_the_page_speaks_the_visitors_language(serve_app, new_page):
    server = serve_app()
    page = new_page()
    page.goto(f"{server.url}/api/v1/docs?lang=zh")
    assert page.evaluate("document.documentElement.lang").startswith("zh")
