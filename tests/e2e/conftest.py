"""End-to-end fixtures: the app on a real server with CSRF on (a browser sends the token), an SMTP
server on loopback, and Debian's Chromium driven by Playwright (`make test` installs it)."""
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_MS = 15_000


@pytest.fixture
def live_server(serve_app, smtp_server):
    """CSRF on, as a browser sends the token; mail goes to `smtp_server`."""
    return serve_app(WTF_CSRF_ENABLED=True, SMTP_URL=smtp_server.url)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Callable[[], Page]:
    """Each call is another person: a fresh browser context, with its own cookies."""
    expect.set_options(timeout=TIMEOUT_MS)
    contexts = []

    def open_page() -> Page:
        contexts.append(browser.new_context(locale="en-US"))
        contexts[-1].set_default_timeout(TIMEOUT_MS)
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()
