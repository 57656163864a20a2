"""The API and the calendar feeds tell the same story: every event the API lists is in /feeds/all.ics with
the same UID and the same start and end instants, and the same title, in both languages."""
from datetime import datetime, timedelta

import icalendar
import pytest

from eventsapp.catalogue.models import EventStatus


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_event_listed_is_in_the_feed_with_the_same_uid_and_instants(client, make_event, make_venue, lang):
    make_event(starts_in=timedelta(days=3), hours=2.5)
    make_event(starts_in=timedelta(days=9), timezone="Europe/Berlin", venue=make_venue(timezone="Europe/Berlin"),
               title_zh="柏林质量论坛", title_en="Berlin Quality Forum")
    make_event(status=EventStatus.CANCELLED, starts_in=timedelta(days=12))
    make_event(starts_in=timedelta(days=30, minutes=17), hours=0.75, title_zh="", title_en="Only English")

    listed = client.get(f"/api/v1/events?lang={lang}").get_json()["items"]
    feed = icalendar.Calendar.from_ical(client.get(f"/feeds/all.ics?lang={lang}").data)
    in_feed = {str(vevent["UID"]): vevent for vevent in feed.walk("VEVENT")}

    assert len(listed) == 4
    for item in listed:
        vevent = in_feed[item["uid"]]
        assert vevent["DTSTART"].dt == datetime.fromisoformat(item["starts_at"])
        assert vevent["DTEND"].dt == datetime.fromisoformat(item["ends_at"])
        assert str(vevent["DTSTART"].params.get("TZID", "")) == item["timezone"]
        assert str(vevent["SUMMARY"]).endswith(item["title"])  # a cancelled one's summary is prefixed
        assert (str(vevent.get("STATUS")) == "CANCELLED") == (item["status"] == "cancelled")


def test_by_default_the_api_lists_what_the_feeds_show_and_from_reaches_back(client, make_event, now):
    long_ago = make_event(starts_in=timedelta(days=-60))
    recent = make_event(starts_in=timedelta(days=-10))
    cancelled_long_ago = make_event(status=EventStatus.CANCELLED, starts_in=timedelta(days=-20))
    ids = [item["id"] for item in client.get("/api/v1/events").get_json()["items"]]
    feed = icalendar.Calendar.from_ical(client.get("/feeds/all.ics").data)
    assert ids == [recent.id] and [str(v["UID"]) for v in feed.walk("VEVENT")] == [
        client.get(f"/api/v1/events/{recent.id}").get_json()["uid"]]
    since = (now - timedelta(days=90)).date().isoformat()
    older = [item["id"] for item in client.get(f"/api/v1/events?from={since}").get_json()["items"]]
    assert older == [long_ago.id, cancelled_long_ago.id, recent.id]
