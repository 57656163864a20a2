"""The organizer back office: forms, their validation, and the event life cycle."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from eventsapp.catalogue.models import Campaign, Event, EventSession, EventStatus, Organization, Venue
from eventsapp.extensions import db
from tests.catalogue.helpers import event_data, fresh, page_of, session_data

VALID_USCC = "91350100M000100Y43"


@pytest.fixture
def organizer(auth):
    auth.login()


# --- Campaigns ---------------------------------------------------------------------------

def campaign_data(**overrides):
    return {"slug": "2026-shanghai", "year": "2026", "name_zh": "2026年上海质量提升系列活动",
            "name_en": "", "main_language": "zh", **overrides}


def test_organizer_creates_and_edits_a_campaign(client, organizer, app_ctx):
    assert client.post("/manage/campaigns/new", data=campaign_data()).status_code == 302
    campaign = db.session.scalar(db.select(Campaign))
    assert campaign.slug == "2026-shanghai" and campaign.name_zh.startswith("2026年")
    response = client.post(f"/manage/campaigns/{campaign.id}/edit", data=campaign_data(name_en="2026 Campaign"))
    assert response.status_code == 302
    assert fresh(Campaign, campaign.id).name_en == "2026 Campaign"


@pytest.mark.parametrize("overrides, field_message", [
    ({"slug": "Not A Slug!"}, "Use lower-case letters"),
    ({"slug": "double--hyphen"}, "Use lower-case letters"),
    ({"slug": ""}, "This field is required."),
    ({"year": "twenty"}, "Not a valid integer value."),
    ({"year": "1850"}, "Number must be between 2000 and 2100."),
    ({"name_zh": "", "name_en": ""}, "Fill in at least one language."),
    ({"name_zh": "长" * 201}, "Field cannot be longer than 200 characters."),
])
def test_campaign_form_shows_errors_next_to_fields(client, organizer, app_ctx, overrides, field_message):
    response = client.post("/manage/campaigns/new?lang=en", data=campaign_data(**overrides))
    assert response.status_code == 422
    assert field_message in page_of(response)
    assert 'class="field-error"' in page_of(response)
    assert db.session.scalar(db.select(Campaign)) is None


def test_campaign_slug_must_be_unique(client, organizer, make_campaign, app_ctx):
    make_campaign(slug="taken")
    response = client.post("/manage/campaigns/new?lang=en", data=campaign_data(slug="taken"))
    assert response.status_code == 422
    assert "Another campaign already uses this slug." in page_of(response)


def test_campaign_with_events_cannot_be_deleted(client, organizer, make_event, make_campaign):
    event = make_event()
    empty = make_campaign()
    client.post(f"/manage/campaigns/{event.campaign_id}/delete")
    assert fresh(Campaign, event.campaign_id) is not None
    client.post(f"/manage/campaigns/{empty.id}/delete")
    assert fresh(Campaign, empty.id) is None


# --- Organizations and venues -------------------------------------------------------------

def organization_data(**overrides):
    return {"name_zh": "上海振华重工", "name_en": "ZPMC", "sector": "heavy_industry", "website": "",
            "uscc": "", **overrides}


def test_organization_with_valid_uscc_is_saved(client, organizer, app_ctx):
    response = client.post("/manage/organizations/new", data=organization_data(uscc=VALID_USCC.lower() + " "))
    assert response.status_code == 302
    assert db.session.scalar(db.select(Organization)).uscc == VALID_USCC


@pytest.mark.parametrize("overrides, message", [
    ({"uscc": "91350100M000100Y44"}, "not a valid Unified Social Credit Code"),
    ({"uscc": "12345"}, "Field must be exactly 18 characters long."),
    ({"website": "not a url"}, "Invalid URL."),
    ({"sector": "piracy"}, "Not a valid choice."),
    ({"name_zh": "", "name_en": " "}, "Fill in at least one language."),
])
def test_organization_form_errors(client, organizer, app_ctx, overrides, message):
    response = client.post("/manage/organizations/new?lang=en", data=organization_data(**overrides))
    assert response.status_code == 422
    assert message in page_of(response)
    assert db.session.scalar(db.select(Organization)) is None


def test_uscc_is_unique(client, organizer, make_organization, app_ctx):
    make_organization(uscc=VALID_USCC)
    response = client.post("/manage/organizations/new?lang=en", data=organization_data(uscc=VALID_USCC))
    assert "Another organization already has this code." in page_of(response)


def venue_data(**overrides):
    return {"name_zh": "张江科学会堂", "name_en": "Zhangjiang Science Hall", "timezone": "Asia/Shanghai",
            "rooms": "Hall A\n\nHall B\nHall A", "address_zh": "浦东新区", **overrides}


def test_venue_rooms_are_kept_in_order_without_blanks_or_duplicates(client, organizer, app_ctx):
    assert client.post("/manage/venues/new", data=venue_data()).status_code == 302
    venue = db.session.scalar(db.select(Venue))
    assert [room.name for room in venue.rooms] == ["Hall A", "Hall B"]


@pytest.mark.parametrize("overrides, message", [
    ({"timezone": "Mars/Olympus"}, "Not a valid choice."),
    ({"latitude": "91"}, "Number must be between -90 and 90."),
    ({"capacity": "0"}, "Number must be between 1 and 1000000."),
])
def test_venue_form_errors(client, organizer, app_ctx, overrides, message):
    response = client.post("/manage/venues/new?lang=en", data=venue_data(**overrides))
    assert response.status_code == 422
    assert message in page_of(response)


# --- Events -------------------------------------------------------------------------------

@pytest.fixture
def event_refs(make_campaign, make_organization, make_venue):
    return {"campaign_id": make_campaign().id, "host_id": make_organization().id, "venue_id": make_venue().id}


def test_new_event_is_a_draft_stored_in_utc(client, organizer, event_refs, app_ctx):
    response = client.post("/manage/events/new", data=event_data(event_refs))
    assert response.status_code == 302
    event = db.session.scalar(db.select(Event))
    assert event.status == EventStatus.DRAFT
    assert event.starts_at == datetime(2030, 5, 20, 6, 0, tzinfo=ZoneInfo("UTC"))
    assert client.get(f"/events/{event.id}").status_code == 404


@pytest.mark.parametrize("overrides, message", [
    ({"ends_at": "2030-05-20T13:00"}, "The end must be after the start."),
    ({"ends_at": "2030-05-20T14:00"}, "The end must be after the start."),
    ({"capacity": "0"}, "Number must be between 1 and 100000."),
    ({"capacity": "-5"}, "Number must be between 1 and 100000."),
    ({"starts_at": "yesterday"}, "Not a valid datetime value."),
    ({"title_zh": "", "title_en": ""}, "Fill in at least one language."),
    ({"registration_closes_at": "2030-05-21T09:00"}, "Registration must close no later than the event starts."),
    ({"registration_opens_at": "2030-05-10T09:00", "registration_closes_at": "2030-05-09T09:00"},
     "Registration must close after it opens."),
    ({"venue_id": "99999"}, "Not a valid choice."),
    ({"timezone": "Nowhere/Land"}, "Not a valid choice."),
])
def test_event_form_errors(client, organizer, event_refs, app_ctx, overrides, message):
    response = client.post("/manage/events/new?lang=en", data=event_data(event_refs, **overrides))
    assert response.status_code == 422
    assert message in page_of(response)
    assert db.session.scalar(db.select(Event)) is None


def test_event_life_cycle_publish_unpublish_cancel(client, organizer, make_event):
    event = make_event(status=EventStatus.DRAFT)
    client.post(f"/manage/events/{event.id}/publish")
    assert fresh(Event, event.id).status == EventStatus.PUBLISHED
    assert client.get(f"/events/{event.id}").status_code == 200
    client.post(f"/manage/events/{event.id}/unpublish")
    assert fresh(Event, event.id).status == EventStatus.DRAFT
    assert client.get(f"/events/{event.id}").status_code == 404
    client.post(f"/manage/events/{event.id}/publish")
    response = client.post(f"/manage/events/{event.id}/cancel?lang=en", data={"reason_zh": "", "confirmed": "y"})
    assert response.status_code == 422 and "Fill in at least one language." in page_of(response)
    client.post(f"/manage/events/{event.id}/cancel", data={"reason_en": "Typhoon warning", "confirmed": "y"})
    cancelled = fresh(Event, event.id)
    assert cancelled.status == EventStatus.CANCELLED and cancelled.cancellation_reason_en == "Typhoon warning"
    assert cancelled.sequence == 4  # publish, unpublish, publish, cancel: each one a change clients must see


def test_only_drafts_can_be_deleted(client, organizer, make_event):
    published = make_event()
    draft = make_event(status=EventStatus.DRAFT)
    response = client.post(f"/manage/events/{published.id}/delete", follow_redirects=True, query_string={"lang": "en"})
    assert "Only a draft can be deleted" in page_of(response)
    assert fresh(Event, published.id) is not None
    client.post(f"/manage/events/{draft.id}/delete")
    assert fresh(Event, draft.id) is None


def test_moving_or_renaming_an_event_raises_its_sequence(client, organizer, make_event, app_ctx):
    event = make_event(starts_at=datetime(2030, 5, 20, 6, 0, tzinfo=ZoneInfo("UTC")))
    refs = {"campaign_id": event.campaign_id, "host_id": event.host_id, "venue_id": event.venue_id}
    unchanged = event_data(refs, title_en="Quality Open Day", title_zh="质量开放日", ends_at="2030-05-20T17:00")
    client.post(f"/manage/events/{event.id}/edit", data=unchanged)
    assert fresh(Event, event.id).sequence == 0
    client.post(f"/manage/events/{event.id}/edit", data={**unchanged, "title_en": "Renamed"})
    assert fresh(Event, event.id).sequence == 1
    client.post(f"/manage/events/{event.id}/edit", data={**unchanged, "title_en": "Renamed",
                                                          "starts_at": "2030-05-20T15:00"})
    assert fresh(Event, event.id).sequence == 2


def test_event_cannot_move_away_from_its_agenda(client, organizer, make_event, make_session, app_ctx):
    event = make_event(starts_at=datetime(2030, 5, 20, 6, 0, tzinfo=ZoneInfo("UTC")))
    make_session(event, offset_minutes=120, minutes=60, title_en="Late talk")
    refs = {"campaign_id": event.campaign_id, "host_id": event.host_id, "venue_id": event.venue_id}
    response = client.post(f"/manage/events/{event.id}/edit?lang=en",
                           data=event_data(refs, ends_at="2030-05-20T15:30"))
    assert response.status_code == 422 and "Late talk" in page_of(response)


def test_edit_form_shows_local_wall_clock_time(client, organizer, make_event):
    event = make_event(starts_at=datetime(2030, 5, 20, 6, 0, tzinfo=ZoneInfo("UTC")))
    assert 'value="2030-05-20T14:00"' in page_of(client.get(f"/manage/events/{event.id}/edit"))


# --- Agenda -------------------------------------------------------------------------------

@pytest.fixture
def scheduled_event(make_event):
    return make_event(starts_at=datetime(2030, 5, 20, 6, 0, tzinfo=ZoneInfo("UTC")))


def test_organizer_adds_an_agenda_item_with_speakers(client, organizer, scheduled_event, app_ctx):
    room = scheduled_event.venue.rooms[0]
    response = client.post(f"/manage/events/{scheduled_event.id}/sessions/new", data=session_data(room_id=room.id))
    assert response.status_code == 302
    session = db.session.scalar(db.select(EventSession))
    assert [(s.name_zh, s.name_en) for s in session.speakers] == [("王芳", "Wang Fang")]
    assert session.room_id == room.id
    assert "Wang Fang" in page_of(client.get(f"/events/{scheduled_event.id}?lang=en"))


@pytest.mark.parametrize("overrides, message", [
    ({"starts_at": "2030-05-20T13:00"}, "The agenda item must lie within the event's start and end."),
    ({"ends_at": "2030-05-20T18:00"}, "The agenda item must lie within the event's start and end."),
    ({"ends_at": "2030-05-20T13:59"}, "The end must be after the start."),
    ({"title_en": ""}, "Fill in at least one language."),
    ({"room_id": "424242"}, "Not a valid choice."),
    ({"speakers-0-name_en": "x" * 101}, "Field cannot be longer than 100 characters."),
])
def test_agenda_item_errors(client, organizer, scheduled_event, app_ctx, overrides, message):
    response = client.post(f"/manage/events/{scheduled_event.id}/sessions/new?lang=en", data=session_data(**overrides))
    assert response.status_code == 422
    assert message in page_of(response)
    assert db.session.scalar(db.select(EventSession)) is None


def test_agenda_item_of_another_event_is_not_found(client, organizer, make_event, make_session):
    one, other = make_event(), make_event()
    session = make_session(one)
    assert client.get(f"/manage/events/{other.id}/sessions/{session.id}/edit").status_code == 404
    assert client.post(f"/manage/events/{other.id}/sessions/{session.id}/delete").status_code == 404


def test_back_office_pages_render(client, organizer, make_event, make_session):
    event = make_event()
    make_session(event)
    for url in ("/manage/", "/manage/events", "/manage/events?status=draft", f"/manage/events/{event.id}",
                f"/manage/events/{event.id}/edit", "/manage/events/new", "/manage/campaigns", "/manage/campaigns/new",
                "/manage/organizations", "/manage/organizations/new", "/manage/venues", "/manage/venues/new",
                f"/manage/venues/{event.venue_id}/edit", f"/manage/events/{event.id}/sessions/new"):
        assert client.get(url).status_code == 200, url


# --- Robustness (issue 8) -----------------------------------------------------------------

def field_error(response, field_id: str) -> str:
    """The error shown next to one field (empty when there is none)."""
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', page_of(response), re.S)
    return found.group(1) if found else ""


SINGLE_LINE = "must be one line"


@pytest.mark.parametrize("text", ["Title\nInjected: x", "Title\r\nX", "Tab\there", "Line\u2028separator"])
def test_a_line_break_in_an_event_title_is_refused_next_to_the_field(client, organizer, event_refs, app_ctx, text):
    response = client.post("/manage/events/new?lang=en", data=event_data(event_refs, title_en=text))
    assert response.status_code == 422
    assert SINGLE_LINE in field_error(response, "title_en")
    assert db.session.scalar(db.select(Event)) is None


def test_line_breaks_are_refused_in_names_but_welcome_in_descriptions(client, organizer, app_ctx):
    response = client.post("/manage/venues/new?lang=en", data=venue_data(name_en="Hall\nOne"))
    assert response.status_code == 422 and SINGLE_LINE in field_error(response, "name_en")
    response = client.post("/manage/campaigns/new?lang=en", data=campaign_data(organizing_body_zh="市\r质监局"))
    assert response.status_code == 422 and SINGLE_LINE in field_error(response, "organizing_body_zh")
    assert db.session.scalar(db.select(Venue)) is None and db.session.scalar(db.select(Campaign)) is None
    response = client.post("/manage/venues/new", data=venue_data(directions_en="Metro line 2,\n\texit 3"))
    assert response.status_code == 302
    assert db.session.scalar(db.select(Venue)).directions_en == "Metro line 2,\n\texit 3"


def test_a_line_break_in_a_speaker_name_is_refused_next_to_it(client, organizer, scheduled_event, app_ctx):
    response = client.post(f"/manage/events/{scheduled_event.id}/sessions/new?lang=en",
                           data=session_data(**{"speakers-0-name_en": "Wang\nFang"}))
    assert response.status_code == 422 and SINGLE_LINE in field_error(response, "speakers-0-name_en")
    assert db.session.scalar(db.select(EventSession)) is None


OUT_OF_RANGE = "between the years 2000 and 2100"


@pytest.mark.parametrize("overrides, field_id", [
    ({"starts_at": "0001-01-01T00:00"}, "starts_at"),
    ({"starts_at": "1999-12-31T23:00"}, "starts_at"),
    ({"ends_at": "9999-12-31T23:59"}, "ends_at"),
    ({"ends_at": "9999-12-31T23:59", "timezone": "America/New_York"}, "ends_at"),
    ({"starts_at": "0001-01-01T00:00", "ends_at": "9999-12-31T23:59"}, "ends_at"),
    ({"registration_opens_at": "0001-01-01T00:00"}, "registration_opens_at"),
    ({"registration_closes_at": "0001-01-01T00:00"}, "registration_closes_at"),
    ({"registration_opens_at": "9999-12-31T23:59"}, "registration_opens_at"),
])
def test_event_times_out_of_range_are_refused_next_to_the_field(client, organizer, event_refs, app_ctx, overrides,
                                                               field_id):
    response = client.post("/manage/events/new?lang=en", data=event_data(event_refs, **overrides))
    assert response.status_code == 422
    assert OUT_OF_RANGE in field_error(response, field_id)
    assert db.session.scalar(db.select(Event)) is None


@pytest.mark.parametrize("overrides, field_id", [
    ({"starts_at": "0001-01-01T00:00"}, "starts_at"),
    ({"ends_at": "9999-12-31T23:59"}, "ends_at"),
])
def test_agenda_times_out_of_range_are_refused_next_to_the_field(client, organizer, scheduled_event, app_ctx,
                                                                overrides, field_id):
    response = client.post(f"/manage/events/{scheduled_event.id}/sessions/new?lang=en",
                           data=session_data(**overrides))
    assert response.status_code == 422
    assert OUT_OF_RANGE in field_error(response, field_id)
    assert db.session.scalar(db.select(EventSession)) is None


def test_a_draft_cannot_be_cancelled_and_stays_invisible(client, organizer, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    assert f"/manage/events/{draft.id}/cancel" not in page_of(client.get(f"/manage/events/{draft.id}"))
    response = client.post(f"/manage/events/{draft.id}/cancel?lang=en",
                           data={"reason_en": "Internal: host withdrew", "confirmed": "y"})
    assert response.status_code == 422 and "delete it instead" in page_of(response)
    refused = fresh(Event, draft.id)
    assert refused.status == EventStatus.DRAFT and refused.cancellation_reason_en == ""
    assert client.get(f"/events/{draft.id}").status_code == 404
    assert b"Internal" not in client.get("/feeds/all.ics").data
    published = make_event()
    assert f"/manage/events/{published.id}/cancel" in page_of(client.get(f"/manage/events/{published.id}"))


def test_a_venue_edit_without_the_rooms_field_keeps_the_rooms(client, organizer, make_venue, app_ctx):
    venue = make_venue(rooms=("Hall A", "Hall B"))
    data = {key: value for key, value in venue_data(name_en="Renamed Hall").items() if key != "rooms"}
    assert client.post(f"/manage/venues/{venue.id}/edit", data=data).status_code == 302
    saved = fresh(Venue, venue.id)
    assert saved.name_en == "Renamed Hall" and [room.name for room in saved.rooms] == ["Hall A", "Hall B"]


def test_removing_a_room_tells_the_organizer_which_talks_lost_it(client, organizer, make_event, make_session,
                                                                 make_venue, app_ctx):
    venue = make_venue(rooms=("Hall A", "Hall B"))
    event = make_event(venue=venue)
    talk = make_session(event, room=venue.rooms[0], title_en="Opening talk")
    response = client.post(f"/manage/venues/{venue.id}/edit?lang=en", data=venue_data(rooms="Hall B\nHall C"),
                           follow_redirects=True)
    assert "Opening talk" in page_of(response) and "no room" in page_of(response)
    assert fresh(EventSession, talk.id).room_id is None


def test_moving_an_event_to_another_venue_tells_the_organizer_which_talks_lost_their_room(
        client, organizer, make_event, make_session, make_venue, app_ctx):
    event = make_event(starts_at=datetime(2030, 5, 20, 6, 0, tzinfo=ZoneInfo("UTC")))
    talk = make_session(event, room=event.venue.rooms[0], title_en="Opening talk")
    elsewhere = make_venue(rooms=("Hall A",))
    refs = {"campaign_id": event.campaign_id, "host_id": event.host_id, "venue_id": elsewhere.id}
    response = client.post(f"/manage/events/{event.id}/edit?lang=en", data=event_data(refs, ends_at="2030-05-20T17:00"),
                           follow_redirects=True)
    assert "Opening talk" in page_of(response) and "no room" in page_of(response)
    assert fresh(EventSession, talk.id).room_id is None
