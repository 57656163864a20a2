from datetime import timedelta

from eventsapp.catalogue.models import EventStatus


def test_home_lists_upcoming_published_events_only(client, make_event):
    make_event(title_en="Visible Open Day", title_zh="公开日")
    make_event(title_en="Secret Draft", title_zh="草稿活动", status=EventStatus.DRAFT)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Visible Open Day" in page
    assert "Secret Draft" not in page


def test_event_page_shows_agenda_host_and_venue(client, make_event, make_session, make_organization):
    co_host = make_organization(name_en="Partner Biotech", name_zh="伙伴生物")
    event = make_event(title_en="Metro Quality Day", co_hosts=[co_host])
    make_session(event, title_en="Safety culture on Line 2", speakers=[("Li Na", "Chief Engineer", "Metro Group")])
    response = client.get(f"/events/{event.id}?lang=en")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Metro Quality Day", "Safety culture on Line 2", "Li Na", "Chief Engineer", "Partner Biotech",
                 "Test Venue", "1 Test Road, Pudong", "50 seats"):
        assert text in page


def test_draft_event_is_not_found(client, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    assert client.get(f"/events/{draft.id}").status_code == 404


def test_unknown_ids_and_slugs_are_not_found(client):
    for url in ("/events/999999", "/campaigns/no-such-campaign", "/venues/999999", "/hosts/999999",
                "/events/abc", "/events/99999999999999999999999"):
        assert client.get(url).status_code == 404, url


def test_cancelled_event_is_shown_as_cancelled_with_reason(client, make_event):
    event = make_event(status=EventStatus.CANCELLED, cancellation_reason_en="Typhoon warning", title_en="Port Day")
    page = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert "This event has been cancelled." in page
    assert "Typhoon warning" in page


def test_campaign_page_numbers_events_in_date_order(client, make_campaign, make_event):
    campaign = make_campaign(slug="2017-shanghai", name_en="2017 Shanghai Quality Promotion Campaign")
    second = make_event(campaign=campaign, title_en="Second by date", starts_in=timedelta(days=20))
    first = make_event(campaign=campaign, title_en="First by date", starts_in=timedelta(days=10))
    make_event(campaign=campaign, title_en="Hidden draft", starts_in=timedelta(days=1), status=EventStatus.DRAFT)
    page = client.get("/campaigns/2017-shanghai?lang=en").get_data(as_text=True)
    assert page.index("First by date") < page.index("Second by date")
    assert "Hidden draft" not in page
    assert "1st event" in page and "2nd event" in page
    assert "2nd event" in client.get(f"/events/{second.id}?lang=en").get_data(as_text=True)
    assert "1st event" in client.get(f"/events/{first.id}?lang=en").get_data(as_text=True)


def test_venue_and_host_pages_list_their_public_events(client, make_event, make_venue, make_organization):
    venue = make_venue(name_en="Zhangjiang Hall")
    host = make_organization(name_en="Zhenhua Heavy Industries")
    make_event(venue=venue, host=host, title_en="Crane Quality Day")
    make_event(venue=venue, host=host, title_en="Draft Day", status=EventStatus.DRAFT)
    for url in (f"/venues/{venue.id}?lang=en", f"/hosts/{host.id}?lang=en"):
        page = client.get(url).get_data(as_text=True)
        assert "Crane Quality Day" in page
        assert "Draft Day" not in page


def test_host_page_lists_co_hosted_events(client, make_event, make_organization):
    partner = make_organization(name_en="Chip Maker")
    make_event(title_en="Emerging Sectors Day", co_hosts=[partner])
    assert "Emerging Sectors Day" in client.get(f"/hosts/{partner.id}?lang=en").get_data(as_text=True)


def test_event_time_is_shown_in_the_venue_zone(client, make_event):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    starts = datetime(2030, 6, 12, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    event = make_event(starts_at=starts, ends_at=starts + timedelta(hours=3, minutes=30))
    page = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert "14:00–17:30" in page
    assert "Asia/Shanghai, UTC+8" in page


def test_event_in_another_zone_shows_that_zone(client, make_event, make_venue):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    starts = datetime(2030, 1, 15, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    event = make_event(starts_at=starts, timezone="Europe/Berlin", venue=make_venue(timezone="Europe/Berlin"))
    page = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert "09:30–12:30" in page
    assert "Europe/Berlin, UTC+1" in page


def test_campaign_page_statement_count_does_not_grow_with_events(client, make_campaign, make_event,
                                                                 make_organization, count_queries):
    campaign = make_campaign(slug="busy")
    for i in range(20):
        make_event(campaign=campaign, starts_in=timedelta(days=i + 1), co_hosts=[make_organization()])
    with count_queries() as statements:
        assert client.get("/campaigns/busy").status_code == 200
    assert len(statements) <= 4, statements
