"""The event page on a phone (390×844) in Chromium, in Chinese and in English, the language chosen by
the browser: the date and time, the place, the map link, the deadline and the sign-up button are on
the first screen; a past event says it has ended; printed, it is black on white and shows the
addresses behind its links. (axe checks the event page's states in test_accessibility.py.)"""
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from eventsapp.catalogue.models import Campaign, Event, EventStatus
from eventsapp.database import utcnow
from eventsapp.demo import load_demo
from eventsapp.extensions import db

PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000  # the browser tests' patience (tests/e2e/conftest.py), for these phone-sized contexts
BROWSER_LOCALE = {"zh": "zh-CN", "en": "en-US"}


@pytest.fixture
def demo_events(app_ctx) -> dict[str, int]:
    """The demo: an upcoming event open for sign-up and one of 2017; their ids."""
    now = utcnow()
    load_demo(now=now)
    db.session.commit()
    current = db.session.scalar(select(Campaign).where(Campaign.year == now.year))
    upcoming = next(e for e in current.events if e.status == EventStatus.PUBLISHED and e.sessions)
    past = db.session.scalar(select(Event).join(Campaign).where(Campaign.year == 2017).order_by(Event.starts_at))
    return {"upcoming": upcoming.id, "past": past.id}


@pytest.fixture
def phone(browser: Browser) -> Iterator:
    """`phone(lang)`: a fresh page in a phone-sized browser whose language is `lang`."""
    expect.set_options(timeout=TIMEOUT_MS)
    contexts = []

    def open_page(lang: str) -> Page:
        contexts.append(browser.new_context(viewport=PHONE, locale=BROWSER_LOCALE[lang], is_mobile=True,
                                            has_touch=True, device_scale_factor=2))
        contexts[-1].set_default_timeout(TIMEOUT_MS)
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


def bottom_of(page: Page, selector: str) -> float:
    """Where the element ends, in CSS pixels from the top of the page (the page is not scrolled)."""
    element = page.locator(selector).first
    expect(element).to_be_visible()
    box = element.bounding_box()
    assert box is not None and box["height"] > 0, selector
    return box["y"] + box["height"]


@pytest.mark.parametrize(("lang", "texts"), [
    ("zh", {".deadline": "报名截止：", ".map-link": "高德地图", ".signup-box .button": "我要报名"}),
    ("en", {".deadline": "Registration closes:", ".map-link": "OpenStreetMap", ".signup-box .button": "Sign up"}),
])
def test_when_where_the_map_link_and_the_deadline_are_on_the_first_screen(live_server, phone, demo_events, lang,
                                                                          texts):
    page = phone(lang)
    page.goto(f"{live_server.url}/events/{demo_events['upcoming']}")  # no ?lang=: the browser's language
    venue = db.session.get(Event, demo_events["upcoming"]).venue
    name, district = (venue.name_zh, venue.district_zh) if lang == "zh" else (venue.name_en, venue.district_en)
    expect(page.locator(".fact-where strong")).to_have_text(name)
    expect(page.locator(".fact-where .district")).to_have_text(district)
    for selector, text in texts.items():
        expect(page.locator(selector).first).to_contain_text(text)
    first_screen = {selector: bottom_of(page, selector) for selector in (
        ".fact-when time", ".fact-where strong", ".fact-where .district", ".map-link", ".deadline",
        ".signup-box .button")}
    assert {selector: bottom for selector, bottom in first_screen.items() if bottom > PHONE["height"]} == {}
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing scrolls sideways


def test_the_past_event_says_it_has_ended_and_shows_no_seats(live_server, phone, demo_events):
    page = phone("zh")
    page.goto(f"{live_server.url}/events/{demo_events['past']}")
    expect(page.locator(".signup-box")).to_have_text("本场活动已结束。")
    expect(page.locator(".seats")).to_have_count(0)
    assert bottom_of(page, ".signup-box") <= PHONE["height"]


def test_printed_the_page_is_black_on_white_without_buttons_and_shows_link_addresses(live_server, phone,
                                                                                     demo_events):
    page = phone("en")
    page.emulate_media(media="print")
    page.goto(f"{live_server.url}/events/{demo_events['upcoming']}")
    for hidden in (".site-header", ".site-footer", ".breadcrumbs", ".signup-box .button", ".calendar-links"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".print-only").first).to_be_visible()
    expect(page.locator(".print-only").last).to_contain_text(f"{live_server.url}/events/{demo_events['upcoming']}")
    after = page.evaluate("getComputedStyle(document.querySelector('.map-link'), '::after').content")
    assert "https://www.openstreetmap.org/?mlat=" in after
    colours = page.evaluate("""() => [getComputedStyle(document.body).backgroundColor,
        getComputedStyle(document.querySelector('h1')).color,
        getComputedStyle(document.querySelector('.fact-where a')).color]""")
    assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)", "rgb(0, 0, 0)"]
