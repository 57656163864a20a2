"""Speakers, rooms and cancellation reasons in both languages (issue 9.5): what a visitor reads in
their language, falling back to the other, and how the organizer enters both."""
import html
from datetime import UTC, datetime

import pytest

from eventsapp.catalogue import services as catalogue
from eventsapp.catalogue.details import RoomDetails, SpeakerDetails, VenueDetails
from eventsapp.catalogue.forms import parse_room_line, room_line
from eventsapp.catalogue.models import EventSession, EventStatus, Venue
from eventsapp.database import utcnow
from eventsapp.extensions import db

LI_NA = SpeakerDetails(name_zh="李娜", name_en="Li Na", job_title_zh="总工程师", job_title_en="Chief Engineer",
                       organization_zh="申通地铁", organization_en="Shentong Metro")


def page(client, url: str, lang: str) -> str:
    return html.unescape(client.get(url, query_string={"lang": lang}).get_data(as_text=True))


@pytest.fixture
def organizer(auth):
    auth.login()


@pytest.fixture
def bilingual_event(make_event, make_venue, make_session):
    venue = make_venue(rooms=(RoomDetails("一号厅", "Hall One"),))
    event = make_event(venue=venue, status=EventStatus.CANCELLED, cancellation_reason_zh="台风预警",
                       cancellation_reason_en="Typhoon warning")
    make_session(event, room=venue.rooms[0], speakers=[LI_NA])
    return event


def test_a_visitor_reads_speakers_room_and_reason_in_their_language(client, bilingual_event):
    url = f"/events/{bilingual_event.id}"
    chinese, english = page(client, url, "zh"), page(client, url, "en")
    for text in ("李娜", "总工程师", "申通地铁", "一号厅", "台风预警"):
        assert text in chinese and text not in english
    for text in ("Li Na", "Chief Engineer", "Shentong Metro", "Hall One", "Typhoon warning"):
        assert text in english and text not in chinese


def test_a_text_in_one_language_only_is_shown_in_the_other(client, make_event, make_venue, make_session):
    venue = make_venue(rooms=(RoomDetails(name_zh="", name_en="Hall One"),))
    event = make_event(venue=venue, status=EventStatus.CANCELLED, cancellation_reason_zh="台风预警")
    make_session(event, room=venue.rooms[0], speakers=[SpeakerDetails(name_zh="李娜", job_title_en="CTO")])
    chinese, english = page(client, f"/events/{event.id}", "zh"), page(client, f"/events/{event.id}", "en")
    for text in ("李娜", "CTO", "Hall One", "台风预警"):
        assert text in chinese and text in english


def test_the_venue_page_lists_rooms_in_the_visitors_language(client, make_venue):
    venue = make_venue(rooms=(RoomDetails("一号厅", "Hall One"), RoomDetails("", "Hall Two")))
    assert "一号厅, Hall Two" in page(client, f"/venues/{venue.id}", "zh")
    assert "Hall One, Hall Two" in page(client, f"/venues/{venue.id}", "en")


# --- The organizer enters both -------------------------------------------------------------

def venue_form(rooms: str) -> dict:
    return {"name_zh": "张江科学会堂", "name_en": "", "timezone": "Asia/Shanghai", "rooms": rooms}


def test_a_room_line_gives_both_names_or_one_name_for_both(client, organizer, app_ctx):
    rooms = "一号厅 | Hall One\nAtrium\n| Hall Three\n二号厅 |"
    assert client.post("/manage/venues/new", data=venue_form(rooms)).status_code == 302
    venue = db.session.scalar(db.select(Venue))
    assert [(room.name_zh, room.name_en) for room in venue.rooms] == [
        ("一号厅", "Hall One"), ("Atrium", "Atrium"), ("", "Hall Three"), ("二号厅", "")]
    form = page(client, f"/manage/venues/{venue.id}/edit", "en")
    assert "一号厅 | Hall One\nAtrium\n| Hall Three\n二号厅 |</textarea>" in form


@pytest.mark.parametrize("room", [
    RoomDetails("A|B", "A|B"), RoomDetails("一号厅|主会场", "一号厅|主会场"),
    RoomDetails("一号厅|主会场", "Hall One | Main"),
    RoomDetails("", "Hall|Two"), RoomDetails("二号厅|", ""), RoomDetails("C:\\厅", "C:\\Hall"),
    RoomDetails("厅\\", "Hall\\|"), RoomDetails("\\|\\\\|", "|"), RoomDetails("一号厅", "Hall One"),
    RoomDetails("Atrium", "Atrium"), RoomDetails("", "Hall Three"), RoomDetails("二号厅", ""),
])
def test_a_room_line_reads_back_as_the_room_it_shows(room):
    assert parse_room_line(room_line(room)) == room
    assert "\n" not in room_line(room)


def test_a_name_with_a_pipe_is_shown_escaped_and_kept_on_save(client, organizer, make_venue, app_ctx):
    """Migration 0007 copied old names into both languages, "|" and all."""
    venue = make_venue(rooms=(RoomDetails("A|B", "A|B"), RoomDetails("一号厅|主会场", "Hall One | Main")))
    form = page(client, f"/manage/venues/{venue.id}/edit", "en")
    assert "A\\|B\n一号厅\\|主会场 | Hall One \\| Main</textarea>" in form
    assert "Write “\\|” for a “|” within a name" in form
    rooms = form.split('name="rooms"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0].strip("\r\n")
    response = client.post(f"/manage/venues/{venue.id}/edit", data=venue_form(rooms))
    assert response.status_code == 302
    db.session.expire_all()
    assert [(room.name_zh, room.name_en) for room in venue.rooms] == [
        ("A|B", "A|B"), ("一号厅|主会场", "Hall One | Main")]
    chinese = page(client, f"/manage/venues/{venue.id}/edit", "zh")
    assert "一号厅\\|主会场 | Hall One \\| Main" in chinese and "名称中的“|”请写作“\\|”" in chinese


def test_translating_a_room_keeps_it_and_its_talks(client, organizer, make_event, make_venue, make_session, app_ctx):
    venue = make_venue(rooms=("Hall One", "Hall Two"))
    talk = make_session(make_event(venue=venue), room=venue.rooms[1])
    hall_two = venue.rooms[1].id
    response = client.post(f"/manage/venues/{venue.id}/edit", data=venue_form("Hall One\n二号厅 | Hall Two"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (talk.room_id, talk.room.name_zh, talk.room.name_en) == (hall_two, "二号厅", "Hall Two")


def test_a_room_keeps_its_place_when_only_one_language_changes(app_ctx, make_event, make_venue, make_session):
    venue = make_venue(rooms=(RoomDetails("一号厅", "Hall One"), RoomDetails("二号厅", "Hall Two")))
    in_one, in_two = venue.rooms
    talk = make_session(make_event(venue=venue), room=in_two)
    swapped = (RoomDetails("二号厅", "Second Hall"), RoomDetails("一号厅", "First Hall"))
    catalogue.save_venue(venue, VenueDetails(name_zh=venue.name_zh, rooms=swapped), now=utcnow())
    db.session.commit()
    assert [room.id for room in venue.rooms] == [in_two.id, in_one.id]
    assert (talk.room_id, talk.room.name_en) == (in_two.id, "Second Hall")


def test_a_room_name_too_long_for_its_column_is_refused_on_the_field(client, organizer, app_ctx):
    response = client.post("/manage/venues/new?lang=en", data=venue_form("大厅 | " + "H" * 121))
    assert response.status_code == 422 and "at most 120 characters" in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(db.select(Venue)) is None


def test_an_agenda_item_takes_each_speaker_in_both_languages(client, organizer, make_event, app_ctx):
    event = make_event(starts_at=datetime(2030, 5, 20, 6, 0, tzinfo=UTC))  # 14:00 in Shanghai
    talk = {"title_en": "Keynote", "starts_at": "2030-05-20T14:00", "ends_at": "2030-05-20T14:45", "room_id": "0",
            "speakers-0-name_zh": "李娜", "speakers-0-name_en": "Li Na", "speakers-0-job_title_zh": "总工程师",
            "speakers-0-job_title_en": "Chief Engineer", "speakers-0-organization_zh": "申通地铁",
            "speakers-0-organization_en": "Shentong Metro",
            "speakers-1-name_zh": "", "speakers-1-name_en": "Wang Fang",
            "speakers-2-name_zh": "", "speakers-2-name_en": "", "speakers-2-job_title_en": "Nobody's title"}
    assert client.post(f"/manage/events/{event.id}/sessions/new", data=talk).status_code == 302
    session = db.session.scalar(db.select(EventSession))
    assert [(s.name_zh, s.name_en, s.job_title_en, s.organization_zh) for s in session.speakers] == [
        ("李娜", "Li Na", "Chief Engineer", "申通地铁"), ("", "Wang Fang", "", "")]
    edit = page(client, f"/manage/events/{event.id}/sessions/{session.id}/edit", "en")
    assert 'value="李娜"' in edit and 'value="Shentong Metro"' in edit
