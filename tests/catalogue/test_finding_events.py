"""Finding events (issue 10): filters on the home and campaign pages, search in both languages, the
archive by year, and input that is not valid, which never gives a 500."""
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from eventsapp.catalogue import queries
from eventsapp.catalogue.finding import EventFilter, Month, search_words
from eventsapp.catalogue.models import Campaign, EventStatus
from eventsapp.demo import load_demo
from eventsapp.extensions import db
from tests.catalogue.helpers import field_error, page_of

SHANGHAI_2030_JULY = datetime(2030, 7, 10, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai


def shown(response) -> list[int]:
    """The ids of the events listed on the page, in order."""
    return [int(found) for found in re.findall(r'<h3><a href="/events/(\d+)">', response.get_data(as_text=True))]


@pytest.fixture
def city(make_campaign, make_event, make_venue, make_organization):
    """Three upcoming events in two campaigns and three districts, and one that is over."""
    metro = make_organization(name_zh="上海申通地铁集团有限公司", name_en="Shanghai Shentong Metro Group")
    cranes = make_organization(name_zh="振华重工", name_en="Zhenhua Heavy Industries")
    xuhui = make_venue(name_en="Metro Building", district_zh="徐汇区", district_en="Xuhui District")
    pudong = make_venue(name_en="Expo Hall", district_zh="浦东新区", district_en="Pudong New Area")
    english_only = make_venue(name_en="Harbour Hall", district_zh="", district_en="Harbour District")
    current, other = make_campaign(slug="now", name_en="This year"), make_campaign(slug="other", name_en="Other")
    return {
        "metro": make_event(campaign=current, host=metro, venue=xuhui, starts_at=SHANGHAI_2030_JULY,
                            title_zh="城市轨道交通的运营质量", title_en="Operating quality in urban rail"),
        "cranes": make_event(campaign=current, host=cranes, venue=pudong, starts_at=datetime(2030, 8, 5, 6, tzinfo=UTC),
                             title_zh="大国重器的质量之道", title_en="The quality behind heavy equipment"),
        "harbour": make_event(campaign=other, venue=english_only, starts_at=datetime(2030, 9, 1, 6, tzinfo=UTC),
                              title_zh="港口开放日", title_en="Harbour open day"),
        "past": make_event(campaign=current, venue=pudong, starts_in=-timedelta(days=30), title_en="Over already"),
        "campaign": current,
    }


def ids(*events) -> list[int]:
    return [event.id for event in events]


def test_home_lists_upcoming_events_soonest_first_and_links_to_the_archive(client, city):
    response = client.get("/?lang=en")
    assert response.status_code == 200
    assert shown(response) == ids(city["metro"], city["cranes"], city["harbour"])
    assert 'href="/archive"' in response.get_data(as_text=True)


def test_filters_by_campaign_district_and_month(client, city):
    assert shown(client.get("/?campaign=other")) == ids(city["harbour"])
    assert shown(client.get("/?district=" + quote("浦东新区"))) == ids(city["cranes"])
    assert shown(client.get("/?district=Harbour+District")) == ids(city["harbour"])  # a venue without Chinese
    assert shown(client.get("/?month=2030-08")) == ids(city["cranes"])


def test_a_district_is_named_in_the_visitors_language_and_filtered_by_one_value(client, city):
    zh, en = page_of(client.get("/?lang=zh")), page_of(client.get("/?lang=en"))
    assert '<option value="徐汇区">徐汇区</option>' in zh
    assert '<option value="徐汇区">Xuhui District</option>' in en
    assert shown(client.get("/?lang=en&district=" + quote("徐汇区"))) == ids(city["metro"])


def test_the_month_is_read_in_the_events_own_zone(client, make_event, make_venue):
    # 31 July 20:00 UTC is already 1 August in Shanghai, still 31 July in New York.
    moment = datetime(2030, 7, 31, 20, 0, tzinfo=UTC)
    shanghai = make_event(starts_at=moment, title_en="Shanghai night")
    new_york = make_event(starts_at=moment, timezone="America/New_York",
                          venue=make_venue(timezone="America/New_York"), title_en="New York afternoon")
    assert shown(client.get("/?month=2030-08")) == ids(shanghai)
    assert shown(client.get("/?month=2030-07")) == ids(new_york)
    assert "2030年8月" in page_of(client.get("/?lang=zh"))
    assert "August 2030" in page_of(client.get("/?lang=en"))


@pytest.mark.parametrize(("words", "expected"), [
    ("轨道交通", ["metro"]),  # Chinese title
    ("URBAN RAIL", ["metro"]),  # English title, any case
    ("heavy", ["cranes"]),
    ("申通地铁", ["metro"]),  # host, Chinese name
    ("zhenhua", ["cranes"]),  # host, English name
    ("质量  heavy", ["cranes"]),  # every word must match, in either language
    ("ｕｒｂａｎ", ["metro"]),  # full-width letters from a Chinese input method
    ("urban\nrail", ["metro"]),  # pasted with a line break
    ("100%", []),  # % and _ are taken literally
    ("_", []),
])
def test_search_by_title_or_host_in_both_languages(client, city, words, expected):
    response = client.get("/", query_string={"q": words})
    assert response.status_code == 200
    assert shown(response) == [city[name].id for name in expected]


def test_search_finds_co_hosts(client, make_event, make_organization):
    partner = make_organization(name_zh="伙伴生物", name_en="Partner Biotech")
    event = make_event(co_hosts=[partner])
    make_event(title_en="Another day")
    assert shown(client.get("/", query_string={"q": "biotech"})) == ids(event)


def test_filters_combine(client, city):
    assert shown(client.get("/?campaign=now&month=2030-07")) == ids(city["metro"])
    assert shown(client.get("/?campaign=now&month=2030-09")) == []
    assert shown(client.get("/", query_string={"district": "浦东新区", "q": "heavy"})) == ids(city["cranes"])
    assert shown(client.get("/", query_string={"district": "浦东新区", "q": "rail"})) == []


def test_the_query_string_is_the_state_of_the_form(client, city):
    page = page_of(client.get("/?lang=en&campaign=now&district=" + quote("徐汇区") + "&month=2030-07&q=rail"))
    assert '<form class="filter-form card" method="get" action="/"' in page
    for selected in ('<option selected value="now">', '<option selected value="徐汇区">',
                     '<option selected value="2030-07">', 'name="q" type="search" value="rail"'):
        assert selected in page, selected


def test_no_match_says_so_and_offers_to_clear_the_filters(client, city):
    response = client.get("/?lang=en&q=nothing-like-this")
    page = page_of(response)
    assert response.status_code == 200 and shown(response) == []
    assert "No events match these filters." in page
    assert '<a class="button button-secondary" href="/">Clear filters and show all events</a>' in page
    assert "No events match" not in page_of(client.get("/?lang=en"))


@pytest.mark.parametrize(("query", "field", "status"), [
    # A value the menu no longer offers: a shared link gone stale, still a page (200).
    ({"campaign": "no-such-campaign"}, "campaign", 200),
    ({"district": "Atlantis"}, "district", 200),
    ({"month": "2030-13"}, "month", 200),
    ({"month": "July"}, "month", 200),
    ({"month": "9999-12"}, "month", 200),
    # Input no link of ours makes: refused (400).
    ({"q": "rail\x07way"}, "q", 400),  # a line break is only a space between words; a bell is refused
    ({"q": "x" * 101}, "q", 400),
])
def test_a_value_that_is_not_valid_is_shown_and_ignored(client, city, query, field, status):
    response = client.get("/", query_string={"lang": "en", **query})
    assert response.status_code == status
    assert field_error(response, field)
    assert shown(response) == ids(city["metro"], city["cranes"], city["harbour"])


@pytest.mark.parametrize("query", [
    "page=0", "page=-1", "page=abc", "page=99999999999999999999999", "page=2", "page=1e3", "page=%EF%BC%91",
])
def test_a_page_that_does_not_exist_is_not_found(client, city, query):
    assert client.get(f"/?{query}").status_code == 404


@pytest.mark.parametrize("query", [
    "q=%00", "q=%ff%fe", "q=%ED%A0%80", "q=%25%25%25", "q=' OR 1=1 --", "q=<script>alert(1)</script>",
    "month=99999999999999999999-01", "month=0000-01", "month=2030-00", "district=%0d%0a", "district[]=x",
    "campaign=%00", "campaign=" + "x" * 5000, "q=" + "%E2%80%A8", "month=2030-07&month=2030-08", "lang=%00",
])
def test_hostile_input_never_gives_a_500(client, city, query):
    for path in ("/", "/campaigns/now"):
        assert client.get(f"{path}?{query}").status_code in (200, 400, 404), (path, query)


def test_results_are_paginated_and_pages_keep_the_filters(client, make_campaign, make_event):
    campaign = make_campaign(slug="busy")
    for day in range(25):
        make_event(campaign=campaign, starts_in=timedelta(days=day + 1), title_en=f"Busy day {day}")
    first = client.get("/?lang=en&campaign=busy")
    assert len(shown(first)) == 20
    assert "25 events found" in page_of(first)
    assert 'href="/?campaign=busy&amp;page=2" rel="next"' in first.get_data(as_text=True)
    second = client.get("/?lang=en&campaign=busy&page=2")
    assert len(shown(second)) == 5 and set(shown(first)).isdisjoint(shown(second))
    assert 'href="/?campaign=busy&amp;page=1" rel="prev"' in second.get_data(as_text=True)
    assert client.get("/?campaign=busy&page=3").status_code == 404


def test_campaign_page_filters_its_events_and_keeps_their_numbers(client, city, make_event):
    response = client.get("/campaigns/now", query_string={"lang": "en", "q": "heavy"})
    page = page_of(response)
    assert shown(response) == ids(city["cranes"])
    assert "3rd event" in page  # the event that is over counts too
    assert 'name="campaign"' not in page  # the campaign is the page's own
    assert shown(client.get("/campaigns/now", query_string={"district": "徐汇区"})) == ids(city["metro"])
    assert shown(client.get("/campaigns/now?month=2030-07")) == ids(city["metro"])
    not_here = client.get("/campaigns/now?lang=en&district=Harbour+District")  # not this campaign's district
    assert not_here.status_code == 200 and field_error(not_here, "district")
    empty = page_of(client.get("/campaigns/now?lang=en&q=nothing"))
    assert "No events match these filters." in empty and 'href="/campaigns/now">Clear filters' in empty


def test_find_upcoming_events_takes_a_filter(app_ctx, city, now):
    wanted = EventFilter(campaign_id=city["campaign"].id, month=Month(2030, 8), search="重器")
    found = queries.find_upcoming_events(wanted, now=now, page=1, per_page=10)
    assert [event.id for event in found.items] == ids(city["cranes"]) and found.total == 1
    assert queries.find_upcoming_events(EventFilter(), now=now, page=1, per_page=10).total == 3


def test_months_and_search_words_are_read_strictly():
    assert Month.parse("2030-07") == Month(2030, 7) and str(Month(2030, 7)) == "2030-07"
    assert [Month.parse(text) for text in ("2030-7", "2030-13", "0001-01", "9999-12", "２０３０-07")] == [None] * 5
    assert Month(2030, 12).following() == Month(2031, 1)
    assert search_words("  ＭＥＴＲＯ\u3000地铁 ") == "METRO 地铁"
    assert EventFilter(search="a b c d e f g").search_terms == ("a", "b", "c", "d", "e")


def test_archive_lists_the_demo_2017_campaign_with_its_four_events_in_order(client, app_ctx, now):
    load_demo(now=now)
    db.session.commit()
    campaign = db.session.scalar(select(Campaign).where(Campaign.year == 2017))
    events = [event for event in campaign.events if event.status == EventStatus.PUBLISHED]
    assert len(events) == 4

    archive = client.get("/archive?lang=en")
    assert archive.status_code == 200
    assert '<a href="/archive/2017">2017</a>' in archive.get_data(as_text=True)
    assert "1 campaign · 4 events" in page_of(archive)

    year = client.get("/archive/2017?lang=zh")
    assert year.status_code == 200
    assert shown(year) == [event.id for event in events]
    page = page_of(year)
    assert "2017年上海市质量提升系列活动" in page and f'href="/campaigns/{campaign.slug}"' in page
    in_order = ("第1场", "城市轨道交通的运营质量管理", "第4场", "新兴产业的质量创新")
    assert [page.index(text) for text in in_order] == sorted(page.index(text) for text in in_order)
    for event in events:
        assert client.get(f"/events/{event.id}").status_code == 200


def test_archive_holds_only_events_that_are_over(client, city):
    archive = client.get("/archive?lang=en").get_data(as_text=True)
    assert '<a href="/archive/' + str(city["campaign"].year) + '">' in archive
    assert shown(client.get(f"/archive/{city['campaign'].year}")) == ids(city["past"])
    assert city["past"].id not in shown(client.get("/"))


@pytest.mark.parametrize("path", ["/archive/1999", "/archive/2031", "/archive/99999999999999999999", "/archive/abc",
                                  "/archive/-2017", "/archive/2017.5"])
def test_archive_years_without_events_are_not_found(client, city, path):
    assert client.get(path).status_code == 404


def test_an_empty_archive_says_so(client):
    response = client.get("/archive?lang=en")
    assert response.status_code == 200 and "No event has taken place yet." in page_of(response)


def test_every_page_links_to_the_archive(client):
    assert 'href="/archive">往期活动</a>' in client.get("/?lang=zh").get_data(as_text=True)
    assert 'href="/archive">Past events</a>' in client.get("/archive?lang=en").get_data(as_text=True)


def test_the_menus_fold_away_on_the_first_screen_until_used(client, app_ctx):
    """A phone's first screen shows the search box and events; the three menus open when one is in use."""
    assert '<details class="more-filters" open>' not in client.get("/?lang=en").get_data(as_text=True)
    refused = client.get("/?lang=en&month=2030-13").get_data(as_text=True)
    assert '<details class="more-filters" open>' in refused  # the message next to the menu is visible
