"""The public event page as a visitor sees it first: the sign-up deadline, an event that is over,
no "seats left" beside "closed", the way to the venue in a map app, share previews and icons."""
import html
import struct
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from eventsapp.catalogue.models import Campaign, EventStatus
from eventsapp.demo import load_demo
from eventsapp.extensions import db


class Page(HTMLParser):
    """The bits of a page these tests read: meta tags, <link>s, and the text inside an element."""

    def __init__(self, source: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.hrefs: list[str] = []
        self._texts: list[tuple[set[str], str]] = []
        self._open: list[set[str]] = []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta" and ("property" in attributes or "name" in attributes):
            self.meta[attributes.get("property") or attributes["name"]] = attributes.get("content", "")
        if tag == "link":
            self.links.append(attributes)
        if tag == "a":
            self.hrefs.append(attributes.get("href", ""))
        if tag not in ("meta", "link", "br", "img", "input"):
            self._open.append(set(attributes.get("class", "").split()))

    def handle_endtag(self, tag):
        if tag not in ("meta", "link", "br", "img", "input") and self._open:
            self._open.pop()

    def handle_data(self, data):
        classes = set().union(*self._open) if self._open else set()
        self._texts.append((classes, data))

    def text(self, css_class: str | None = None) -> str:
        """The page's text, or only what lies inside elements of `css_class`, spaces squeezed."""
        parts = [data for classes, data in self._texts if css_class is None or css_class in classes]
        return " ".join(" ".join(parts).split())


def page(client, path: str, lang: str) -> Page:
    response = client.get(f"{path}?lang={lang}")
    assert response.status_code == 200
    return Page(response.get_data(as_text=True))


def shanghai(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour - 8, minute, tzinfo=UTC)  # Asia/Shanghai is UTC+8 all year


@pytest.fixture
def next_year(now) -> int:
    return now.year + 1


@pytest.mark.parametrize(("lang", "deadline"), [
    ("zh", "报名截止：{year}年12月5日 18:00 (Asia/Shanghai, UTC+8)"),
    ("en", "Registration closes: Dec 5, {year} 18:00 (Asia/Shanghai, UTC+8)"),
])
def test_the_sign_up_box_says_when_registration_closes_in_the_events_zone(client, make_event, next_year, lang,
                                                                          deadline):
    event = make_event(starts_at=shanghai(next_year, 12, 6, 14), registration_closes_at=shanghai(next_year, 12, 5, 18))
    box = page(client, f"/events/{event.id}", lang).text("signup-box")
    assert deadline.format(year=next_year) in box
    assert ("剩余 50 个座位" if lang == "zh" else "50 seats left") in box


@pytest.mark.parametrize(("lang", "deadline"), [("zh", "报名截止：{year}年12月6日 14:00"),
                                                ("en", "Registration closes: Dec 6, {year} 14:00")])
def test_without_a_closing_time_registration_closes_when_the_event_starts(client, make_event, next_year, lang,
                                                                          deadline):
    event = make_event(starts_at=shanghai(next_year, 12, 6, 14))
    assert deadline.format(year=next_year) in page(client, f"/events/{event.id}", lang).text("signup-box")


@pytest.mark.parametrize(("lang", "ended"), [("zh", "本场活动已结束。"), ("en", "This event has ended.")])
def test_a_past_event_says_it_has_ended_and_offers_no_seats(client, make_event, lang, ended):
    event = make_event(starts_in=timedelta(days=-30))
    shown = page(client, f"/events/{event.id}", lang)
    box = shown.text("signup-box")
    assert box == ended
    assert f"/events/{event.id}/register" not in shown.hrefs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_2017_demo_events_say_they_have_ended_without_seats_left(client, app_ctx, now, lang):
    load_demo(now=now)
    db.session.commit()
    campaign = db.session.scalar(select(Campaign).where(Campaign.year == 2017))
    for event in campaign.events:
        text = page(client, f"/events/{event.id}", lang).text()
        assert ("本场活动已结束。" if lang == "zh" else "This event has ended.") in text
        assert "seats left" not in text and "剩余" not in text and "报名截止" not in text


@pytest.mark.parametrize(("lang", "closed"), [("zh", "本活动报名已截止。"),
                                              ("en", "Registration for this event has closed.")])
def test_a_closed_event_shows_no_seats_left_here_or_on_the_sign_up_page(client, make_event, now, lang, closed):
    event = make_event(registration_closes_at=now - timedelta(hours=1))
    shown = page(client, f"/events/{event.id}", lang)
    assert shown.text("signup-box") == closed
    assert f"/events/{event.id}/register" not in shown.hrefs
    sign_up_page = html.unescape(client.get(f"/events/{event.id}/register?lang={lang}").get_data(as_text=True))
    assert "seats left" not in sign_up_page and "剩余" not in sign_up_page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_cancelled_event_shows_no_seats_left_and_no_sign_up(client, make_event, lang):
    event = make_event(status=EventStatus.CANCELLED)
    shown = page(client, f"/events/{event.id}", lang)
    assert shown.text("signup-box") == ""
    assert "seats left" not in shown.text() and "剩余" not in shown.text()
    assert f"/events/{event.id}/register" not in shown.hrefs


def test_before_registration_opens_the_box_gives_both_dates_and_the_seats(client, make_event, next_year):
    event = make_event(starts_at=shanghai(next_year, 12, 6, 14), registration_opens_at=shanghai(next_year, 11, 1, 9),
                       registration_closes_at=shanghai(next_year, 12, 5, 18))
    box = page(client, f"/events/{event.id}", "en").text("signup-box")
    assert f"Registration closes: Dec 5, {next_year} 18:00" in box
    assert f"Registration opens on Nov 1, {next_year} 09:00 (Asia/Shanghai, UTC+8)." in box  # always with the zone
    assert "50 seats left" in box


def test_the_key_facts_come_before_the_description_and_the_agenda(client, make_event, make_session, make_venue):
    venue = make_venue(name_en="Zhangjiang Exhibition Centre", district_en="Pudong New Area")
    event = make_event(venue=venue, description_en="A long description of the day.")
    make_session(event, title_en="Opening remarks")
    shown = page(client, f"/events/{event.id}", "en")
    facts = shown.text("key-facts")
    assert "Zhangjiang Exhibition Centre" in facts and "Pudong New Area" in facts and "Sign up" in facts
    assert "Registration closes:" in facts
    text = shown.text()
    assert text.index("Registration closes:") < text.index("A long description") < text.index("Opening remarks")


@pytest.mark.parametrize(("lang", "hosts", "labels"), [
    ("zh", ("https://uri.amap.com/marker?", "https://api.map.baidu.com/marker?"), "高德地图 百度地图"),
    ("en", ("https://www.openstreetmap.org/?mlat=31.2405", "geo:31.2405,121.4963"), "OpenStreetMap Map app"),
])
def test_the_venue_opens_in_the_visitors_map_app(client, make_event, make_venue, lang, hosts, labels):
    venue = make_venue(latitude=31.2405, longitude=121.4963)
    event = make_event(venue=venue)
    shown = page(client, f"/events/{event.id}", lang)
    map_links = [href for href in shown.hrefs if href.startswith(("https://uri.amap", "https://api.map",
                                                                  "https://www.openstreetmap", "https://maps.apple",
                                                                  "geo:"))]
    assert len(map_links) == len(hosts)
    assert all(link.startswith(host) for link, host in zip(map_links, hosts, strict=True))
    assert labels in shown.text("map-links")
    if lang == "zh":
        assert "coordinate=wgs84" in map_links[0] and "coord_type=wgs84" in map_links[1]


def test_a_venue_without_coordinates_is_found_by_its_address(client, make_event, make_venue):
    venue = make_venue(address_zh="张衡路666号", district_zh="浦东新区", city_zh="上海市")
    event = make_event(venue=venue)
    map_links = [href for href in page(client, f"/events/{event.id}", "zh").hrefs if "map" in href]
    assert any(link.startswith("https://uri.amap.com/search?keyword=%E4%B8%8A%E6%B5%B7%E5%B8%82") for link in map_links)
    assert any(link.startswith("https://api.map.baidu.com/geocoder?address=") for link in map_links)


@pytest.mark.parametrize(("lang", "locale"), [("zh", "zh_CN"), ("en", "en_US")])
def test_share_previews_describe_the_event(app, client, make_event, make_venue, next_year, lang, locale):
    venue = make_venue(name_zh="中建大厦", name_en="China Construction Tower", district_zh="浦东新区",
                       district_en="Pudong New Area")
    event = make_event(venue=venue, title_zh="智能建造与数字化质量管理", title_en="Smart construction",
                       starts_at=shanghai(next_year, 12, 6, 14))
    meta = page(client, f"/events/{event.id}", lang).meta
    base = app.config["BASE_URL"].rstrip("/")
    assert meta["og:title"] == ("智能建造与数字化质量管理" if lang == "zh" else "Smart construction")
    assert meta["og:type"] == "website"
    assert meta["og:url"] == f"{base}/events/{event.id}"
    assert meta["og:locale"] == locale
    assert meta["og:image"] == f"{base}/static/img/og-default.png"
    when_where = (f"{next_year}年12月6日", "中建大厦, 浦东新区") if lang == "zh" else (
        f"December 6, {next_year}", "China Construction Tower, Pudong New Area")
    for part in when_where:
        assert part in meta["og:description"] and part in meta["description"]


def test_a_cancelled_events_preview_says_so(client, make_event):
    event = make_event(status=EventStatus.CANCELLED, title_en="Quality Open Day")
    assert page(client, f"/events/{event.id}", "en").meta["og:title"] == "Cancelled · Quality Open Day"


def test_other_pages_get_a_site_preview(client):
    meta = page(client, "/", "en").meta
    assert meta["og:site_name"] == "Quality Campaign Events"
    assert meta["og:image"].endswith("/static/img/og-default.png") and meta["og:description"]


def test_the_share_image_is_a_1200_by_630_png(client):
    response = client.get("/static/img/og-default.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    data = response.get_data()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1200, 630)


def test_pages_link_a_favicon_that_is_served(client):
    links = page(client, "/", "zh").links
    icons = {link["href"]: link.get("type", "") for link in links if link.get("rel") in ("icon", "apple-touch-icon")}
    assert set(icons) == {"/static/favicon.ico", "/static/favicon.svg", "/static/img/apple-touch-icon.png"}
    for href in icons:
        assert client.get(href).status_code == 200
    assert client.get("/static/favicon.ico").get_data()[:4] == b"\x00\x00\x01\x00"  # an icon resource


def test_the_printed_page_carries_the_addresses_behind_its_buttons(app, client, make_event, make_venue):
    event = make_event(venue=make_venue(latitude=31.2, longitude=121.5))
    shown = page(client, f"/events/{event.id}", "en")
    base = app.config["BASE_URL"].rstrip("/")
    assert f"Sign up online: {base}/events/{event.id}/register" in shown.text("print-only")
    assert f"Event page: {base}/events/{event.id}" in shown.text("print-only")


def test_an_iphone_gets_apple_maps_instead_of_a_geo_link_it_would_ignore(client, make_event, make_venue):
    event = make_event(venue=make_venue(latitude=31.2405, longitude=121.4963))
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
    response = client.get(f"/events/{event.id}?lang=en", headers={"User-Agent": iphone})
    page_text = response.get_data(as_text=True)
    assert "https://maps.apple.com/?ll=31.2405,121.4963" in page_text and 'href="geo:' not in page_text
    assert "User-Agent" in response.headers["Vary"]
