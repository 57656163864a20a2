"""Names stored with line breaks before the forms refused them (or written by a script) still give
valid feeds: a calendar name is one line, whatever the stored text holds."""
import pytest
from icalendar import Calendar

from eventsapp.catalogue.models import EventStatus


@pytest.fixture
def broken_names(make_event, make_session, make_organization, make_venue, make_campaign):
    host = make_organization(name_zh="主办\r\n公司", name_en="Host\nInjected: x")
    venue = make_venue(name_zh="会场\n一号", name_en="Hall\u2028One")
    campaign = make_campaign(slug="broken", name_zh="活动\n二", name_en="Campaign\tX", organizing_body_en="Body\nY")
    event = make_event(title_zh="标题\n注入", title_en="Title\nInjected: x", host=host, venue=venue, campaign=campaign)
    make_session(event, title_en="Talk\nX", room=venue.rooms[0])
    make_event(status=EventStatus.CANCELLED, title_en="Gone\r\nX", cancellation_reason_en="Rain\nand wind", venue=venue,
               campaign=campaign, host=host)
    return event


def test_feeds_with_line_breaks_in_stored_names_answer_with_one_line_names(client, broken_names):
    event = broken_names
    urls = ["/feeds/all.ics", "/feeds/campaigns/broken.ics", f"/feeds/venues/{event.venue_id}.ics",
            f"/feeds/hosts/{event.host_id}.ics", f"/feeds/events/{event.id}/agenda.ics", f"/events/{event.id}.ics"]
    for url in urls:
        for lang in ("zh", "en"):
            response = client.get(f"{url}?lang={lang}")
            assert response.status_code == 200, f"{url}?lang={lang}"
            calendar = Calendar.from_ical(response.data)
            for name in ("NAME", "X-WR-CALNAME"):
                assert "\n" not in str(calendar.get(name, "")) and "\t" not in str(calendar.get(name, ""))
            assert calendar.events, url
    agenda = Calendar.from_ical(client.get(f"/feeds/events/{event.id}/agenda.ics?lang=en").data)
    assert str(agenda["X-WR-CALNAME"]) == "Title Injected: x · Agenda"
    host_feed = Calendar.from_ical(client.get(f"/feeds/hosts/{event.host_id}.ics?lang=en").data)
    assert str(host_feed["NAME"]).startswith("Host Injected: x · ")
    [vevent] = Calendar.from_ical(client.get(f"/events/{event.id}.ics").data).events
    assert str(vevent["SUMMARY"]) == "标题\n注入"  # SUMMARY is TEXT: its line break is escaped, and kept
