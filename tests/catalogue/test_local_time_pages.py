"""Local times organizers type that the clocks skip (refused) or pass twice (asked which one),
through the event and agenda forms (issue 9 item 6)."""
import re
from datetime import UTC, datetime

import pytest

from eventsapp.catalogue.models import Event, EventSession
from eventsapp.extensions import db
from tests.catalogue.helpers import event_data, field_error, fresh, page_of, session_data

GAP_MESSAGE = "02:30 does not exist on March 28, 2027 in Europe/Berlin: clocks jump from 02:00 to 03:00."
FOLD_MESSAGE = "02:30 happens twice on October 31, 2027 in Europe/Berlin: clocks go back from 03:00 to 02:00."
BERLIN = {"timezone": "Europe/Berlin"}
AUTUMN = {**BERLIN, "starts_at": "2027-10-31T02:30", "ends_at": "2027-10-31T05:00"}


@pytest.fixture
def organizer(auth):
    auth.login()


@pytest.fixture
def event_refs(make_campaign, make_organization, make_venue):
    return {"campaign_id": make_campaign().id, "host_id": make_organization().id, "venue_id": make_venue().id}


def fold_choice(response, field_id: str) -> dict[str, bool]:
    """The fold radio of one field as {value: checked}; empty when it is not shown."""
    inputs = re.findall(rf'<input[^>]*name="{field_id}_fold"[^>]*>', page_of(response))
    return {re.search(r'value="(\d)"', tag).group(1): "checked" in tag for tag in inputs}


@pytest.mark.parametrize("field_id, overrides", [
    ("starts_at", {"starts_at": "2027-03-28T02:30", "ends_at": "2027-03-28T05:00"}),
    ("ends_at", {"starts_at": "2027-03-28T01:00", "ends_at": "2027-03-28T02:30"}),
    ("registration_opens_at", {"registration_opens_at": "2027-03-28T02:30"}),
    ("registration_closes_at", {"registration_closes_at": "2027-03-28T02:30"}),
])
def test_a_time_the_clocks_skip_is_refused_next_to_the_field(client, organizer, event_refs, app_ctx, field_id,
                                                           overrides):
    data = event_data(event_refs, **BERLIN, **{"starts_at": "2027-06-01T10:00", "ends_at": "2027-06-01T12:00",
                                                **overrides})
    response = client.post("/manage/events/new?lang=en", data=data)
    assert response.status_code == 422
    assert GAP_MESSAGE in field_error(response, field_id)
    assert db.session.scalar(db.select(Event)) is None


def test_the_gap_message_is_in_chinese_too(client, organizer, event_refs, app_ctx):
    data = event_data(event_refs, **BERLIN, starts_at="2027-03-28T02:30", ends_at="2027-03-28T05:00")
    error = field_error(client.post("/manage/events/new?lang=zh", data=data), "starts_at")
    assert "2027年3月28日 02:30 在 Europe/Berlin 不存在：时钟从 02:00 直接跳到 03:00。" in error


def test_the_choice_is_shown_only_when_a_time_happens_twice(client, organizer, event_refs, app_ctx):
    assert fold_choice(client.get("/manage/events/new"), "starts_at") == {}
    response = client.post("/manage/events/new?lang=en", data=event_data(event_refs, **BERLIN,
                                                                         starts_at="2027-10-31T01:00"))
    assert response.status_code == 302 and 'name="starts_at_fold"' not in page_of(response)


def test_an_ambiguous_time_asks_which_one_and_saves_nothing(client, organizer, event_refs, app_ctx):
    response = client.post("/manage/events/new?lang=en", data=event_data(event_refs, **AUTUMN))
    assert response.status_code == 422
    assert FOLD_MESSAGE in field_error(response, "starts_at")
    assert "First (UTC+2, summer time)" in page_of(response) and "Second (UTC+1)" in page_of(response)
    assert fold_choice(response, "starts_at") == {"0": False, "1": False}
    assert fold_choice(response, "ends_at") == {}
    assert db.session.scalar(db.select(Event)) is None
    zh = page_of(client.post("/manage/events/new?lang=zh", data=event_data(event_refs, **AUTUMN)))
    assert "2027年10月31日 02:30 在 Europe/Berlin 出现两次" in zh and "第一次（UTC+2，夏令时）" in zh


@pytest.mark.parametrize("fold, utc_hour", [("0", 0), ("1", 1)])
def test_the_chosen_occurrence_is_saved(client, organizer, event_refs, app_ctx, fold, utc_hour):
    response = client.post("/manage/events/new", data=event_data(event_refs, **AUTUMN, starts_at_fold=fold))
    assert response.status_code == 302
    assert db.session.scalar(db.select(Event)).starts_at == datetime(2027, 10, 31, utc_hour, 30, tzinfo=UTC)


@pytest.mark.parametrize("fold", ["0", "1", "2", "x"])
def test_a_which_one_value_for_a_time_that_happens_once_is_ignored(client, organizer, event_refs, app_ctx, fold):
    """The choice is not shown then, so an error on it could not be seen either."""
    data = event_data(event_refs, **BERLIN, starts_at="2027-06-01T10:00", ends_at="2027-06-01T12:00",
                      starts_at_fold=fold, ends_at_fold=fold, registration_closes_at="2027-06-01T09:00",
                      registration_closes_at_fold=fold)
    response = client.post("/manage/events/new", data=data)
    assert response.status_code == 302
    event = db.session.scalar(db.select(Event))
    assert event.starts_at == datetime(2027, 6, 1, 8, 0, tzinfo=UTC)
    assert event.registration_closes_at == datetime(2027, 6, 1, 7, 0, tzinfo=UTC)


def test_an_invalid_which_one_value_is_refused_next_to_the_choice(client, organizer, event_refs, app_ctx):
    response = client.post("/manage/events/new?lang=en", data=event_data(event_refs, **AUTUMN, starts_at_fold="2"))
    assert response.status_code == 422
    assert field_error(response, "starts_at_fold") == "Not a valid choice."
    assert fold_choice(response, "starts_at") == {"0": False, "1": False}
    assert db.session.scalar(db.select(Event)) is None


def test_wtforms_own_messages_follow_each_requests_language(client, organizer, event_refs, app_ctx):
    """WTForms' catalogues are read once per process and language (web/forms.wtforms_messages)."""
    for lang, message in (("zh", "不是有效的选择。"), ("en", "Not a valid choice."), ("zh", "不是有效的选择。")):
        response = client.post(f"/manage/events/new?lang={lang}", data=event_data(event_refs, **AUTUMN,
                                                                                  starts_at_fold="2"))
        assert field_error(response, "starts_at_fold") == message


def test_editing_an_event_in_the_repeated_hour_shows_it_back_and_keeps_it(client, organizer, make_event, app_ctx):
    event = make_event(timezone="Europe/Berlin", starts_at=datetime(2027, 10, 31, 1, 30, tzinfo=UTC), hours=2,
                       registration_closes_at=datetime(2027, 10, 31, 0, 45, tzinfo=UTC))
    page = client.get(f"/manage/events/{event.id}/edit?lang=en")
    assert 'value="2027-10-31T02:30"' in page_of(page) and 'value="2027-10-31T02:45"' in page_of(page)
    assert fold_choice(page, "starts_at") == {"0": False, "1": True}
    assert fold_choice(page, "registration_closes_at") == {"0": True, "1": False}
    assert fold_choice(page, "ends_at") == {}
    refs = {"campaign_id": event.campaign_id, "host_id": event.host_id, "venue_id": event.venue_id}
    unchanged = event_data(refs, **BERLIN, starts_at="2027-10-31T02:30", starts_at_fold="1",
                           ends_at="2027-10-31T04:30", registration_closes_at="2027-10-31T02:45",
                           registration_closes_at_fold="0", capacity=str(event.capacity))
    assert client.post(f"/manage/events/{event.id}/edit", data=unchanged).status_code == 302
    saved = fresh(Event, event.id)
    assert saved.starts_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC) and saved.sequence == 0
    assert saved.registration_closes_at == datetime(2027, 10, 31, 0, 45, tzinfo=UTC)


# --- Agenda items ---------------------------------------------------------------------------

@pytest.fixture
def night_event(make_event):
    """An event in Europe/Berlin lasting the six hours from `starts_at` (a clock-change night)."""
    def make(starts_at: datetime) -> Event:
        return make_event(timezone="Europe/Berlin", starts_at=starts_at, hours=6)
    return make


def test_an_agenda_time_the_clocks_skip_is_refused(client, organizer, night_event, app_ctx):
    event = night_event(datetime(2027, 3, 27, 23, 0, tzinfo=UTC))  # 00:00 CET
    response = client.post(f"/manage/events/{event.id}/sessions/new?lang=en",
                           data=session_data(starts_at="2027-03-28T02:30", ends_at="2027-03-28T04:00"))
    assert response.status_code == 422
    assert GAP_MESSAGE in field_error(response, "starts_at")
    assert db.session.scalar(db.select(EventSession)) is None


def test_an_agenda_time_in_the_repeated_hour_is_asked_then_saved(client, organizer, night_event, app_ctx):
    event = night_event(datetime(2027, 10, 30, 22, 0, tzinfo=UTC))  # 00:00 CEST
    data = session_data(starts_at="2027-10-31T02:30", ends_at="2027-10-31T04:00")
    response = client.post(f"/manage/events/{event.id}/sessions/new?lang=en", data=data)
    assert response.status_code == 422 and FOLD_MESSAGE in field_error(response, "starts_at")
    assert db.session.scalar(db.select(EventSession)) is None
    response = client.post(f"/manage/events/{event.id}/sessions/new", data={**data, "starts_at_fold": "1"})
    assert response.status_code == 302
    session = db.session.scalar(db.select(EventSession))
    assert session.starts_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    page = client.get(f"/manage/events/{event.id}/sessions/{session.id}/edit")
    assert 'value="2027-10-31T02:30"' in page_of(page) and fold_choice(page, "starts_at") == {"0": False, "1": True}
