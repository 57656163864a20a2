"""Feeds in the language asked for (?lang=): rooms, speakers and the cancellation reason (issue 9.5),
each falling back to the other language where it has only one."""
from icalendar import Calendar

from eventsapp.catalogue.details import RoomDetails, SpeakerDetails
from eventsapp.catalogue.models import EventStatus

LI_NA = SpeakerDetails(name_zh="李娜", name_en="Li Na", job_title_zh="总工程师", job_title_en="Chief Engineer",
                       organization_zh="申通地铁", organization_en="Shentong Metro")


def vevents(client, url: str, lang: str) -> dict[str, dict]:
    response = client.get(url, query_string={"lang": lang})
    assert response.status_code == 200
    return {str(vevent["UID"]).split("@")[0]: vevent for vevent in Calendar.from_ical(response.data).walk("VEVENT")}


def test_agenda_feed_names_room_and_speakers_in_its_language(client, make_event, make_venue, make_session):
    venue = make_venue(rooms=(RoomDetails("一号厅", "Hall One"), RoomDetails("", "Hall Two")))
    event = make_event(venue=venue)
    first = make_session(event, room=venue.rooms[0], speakers=[LI_NA, SpeakerDetails(name_zh="王芳")])
    second = make_session(event, offset_minutes=30, room=venue.rooms[1])
    url = f"/feeds/events/{event.id}/agenda.ics"
    chinese, english = vevents(client, url, "zh"), vevents(client, url, "en")
    talk = f"session-{first.id}"
    assert str(chinese[talk]["LOCATION"]).startswith("一号厅, ")
    assert str(english[talk]["LOCATION"]).startswith("Hall One, ")
    assert "演讲嘉宾：李娜, 总工程师, 申通地铁; 王芳" in str(chinese[talk]["DESCRIPTION"])
    assert "Speakers: Li Na, Chief Engineer, Shentong Metro; 王芳" in str(english[talk]["DESCRIPTION"])
    assert str(chinese[f"session-{second.id}"]["LOCATION"]).startswith("Hall Two, ")  # the only name it has


def test_event_feeds_give_the_cancellation_reason_in_their_language(client, make_event):
    both = make_event(status=EventStatus.CANCELLED, cancellation_reason_zh="台风预警",
                      cancellation_reason_en="Typhoon warning")
    chinese_only = make_event(status=EventStatus.CANCELLED, cancellation_reason_zh="场地维修")
    chinese, english = vevents(client, "/feeds/all.ics", "zh"), vevents(client, "/feeds/all.ics", "en")
    assert "原因：台风预警" in str(chinese[f"event-{both.id}"]["DESCRIPTION"])
    assert "Typhoon" not in str(chinese[f"event-{both.id}"]["DESCRIPTION"])
    assert "Reason: Typhoon warning" in str(english[f"event-{both.id}"]["DESCRIPTION"])
    assert "Reason: 场地维修" in str(english[f"event-{chinese_only.id}"]["DESCRIPTION"])
    download = vevents(client, f"/events/{both.id}.ics", "en")
    assert "Reason: Typhoon warning" in str(download[f"event-{both.id}"]["DESCRIPTION"])
