"""End-to-end fixtures: the app on a real server with CSRF on (a browser sends the token), an SMTP
server on loopback, and Debian's Chromium driven by Playwright (`make test` installs it)."""
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from eventsapp import create_app
from eventsapp.config import TestConfig
from eventsapp.extensions import db
from tests.mail.conftest import Collector, SmtpServer, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask


@pytest.fixture
def smtp_server():
    """`smtp_server.handler.messages` are the parsed messages received, in order."""
    server = SmtpServer(Collector(), free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def live_server(database_url, app, smtp_server):
    """The app served by a threaded WSGI server on a free loopback port, mailing through `smtp_server`."""
    served = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True,
                        SMTP_URL=smtp_server.url)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    served.config["BASE_URL"] = url  # so the links in the e-mails lead back to this server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(url=url, app=served)
    server.shutdown()
    server.server_close()
    thread.join()
    with served.app_context():
        db.engine.dispose()


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
