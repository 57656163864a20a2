"""Issue 9.2–9.4: an organizer sees whom a change will e-mail, and what, before it is saved; the mail
says "was → now" in each person's language; a cancelled event can be reinstated."""
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from eventsapp.catalogue.models import Event, EventSession, EventStatus
from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.registration.services import Applicant, register
from tests.catalogue.helpers import page_of

STARTS_AT = datetime(2030, 5, 20, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai


@pytest.fixture
def organizer(auth):
    auth.login()


def mails(recipient: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    return list(db.session.scalars(query.where(OutboxMessage.recipient == recipient) if recipient else query))


@pytest.fixture
def attended_event(make_event, now):
    """A published event in 2030 with two people: one reads English, one Chinese."""
    event = make_event(starts_at=STARTS_AT, capacity=10)
    for email, language in (("ann@example.com", "en"), ("li@example.com", "zh")):
        register(event.id, Applicant(name=email.split("@")[0].title(), email=email, language=language), now=now)
    db.session.commit()
    return event


def event_data(event, **overrides):
    return {"campaign_id": event.campaign_id, "host_id": event.host_id, "venue_id": event.venue_id,
            "title_zh": event.title_zh, "title_en": event.title_en, "timezone": "Asia/Shanghai",
            "starts_at": "2030-05-20T14:00", "ends_at": "2030-05-20T17:00", "capacity": "10", **overrides}


def test_moving_an_attended_event_shows_count_changes_and_mail_before_saving(client, organizer, attended_event):
    sent_before = len(mails())
    moved = event_data(attended_event, starts_at="2030-05-20T16:00", ends_at="2030-05-20T19:00")
    preview = client.post(f"/manage/events/{attended_event.id}/edit?lang=en", data=moved)
    page = page_of(preview)
    assert preview.status_code == 200 and "Check before saving" in page
    assert "2 people will be e-mailed." in page
    assert "14:00–17:00" in page and "16:00–19:00" in page  # before and after, in the organizer's language
    assert "Event changed: Quality Open Day" in page and "was: " in page  # the mail as a person gets it
    assert db.session.get(Event, attended_event.id).starts_at == STARTS_AT  # nothing saved yet...
    assert len(mails()) == sent_before  # ...and nothing queued

    saved = client.post(f"/manage/events/{attended_event.id}/edit?lang=en", data={**moved, "send": "yes"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, attended_event.id).starts_at == STARTS_AT + timedelta(hours=2)
    assert [m.recipient for m in mails()[sent_before:]] == ["ann@example.com", "li@example.com"]


def test_the_preview_form_resends_every_field_and_can_go_back_to_the_form(client, organizer, attended_event):
    moved = event_data(attended_event, starts_at="2030-05-20T16:00", ends_at="2030-05-20T19:00")
    page = page_of(client.post(f"/manage/events/{attended_event.id}/edit?lang=en", data=moved))
    for name, value in moved.items():
        assert f'name="{name}" value="{value}"' in page
    assert f'action="/manage/events/{attended_event.id}/edit?lang=en"' in page  # the language stays
    back = client.post(f"/manage/events/{attended_event.id}/edit?lang=en", data={**moved, "revise": "yes"})
    assert back.status_code == 200 and 'value="2030-05-20T16:00"' in page_of(back)  # as typed
    assert db.session.get(Event, attended_event.id).starts_at == STARTS_AT


def test_changes_nobody_is_told_of_are_saved_at_once(client, organizer, attended_event, make_event):
    described = event_data(attended_event, description_en="More about the day")
    assert client.post(f"/manage/events/{attended_event.id}/edit", data=described).status_code == 302
    empty = make_event(starts_at=STARTS_AT)
    moved = event_data(empty, starts_at="2030-05-20T16:00", ends_at="2030-05-20T19:00")
    assert client.post(f"/manage/events/{empty.id}/edit", data=moved).status_code == 302


def test_a_refused_change_shows_the_form_with_the_reason_not_a_preview(client, organizer, attended_event):
    response = client.post(f"/manage/events/{attended_event.id}/edit?lang=en",
                           data=event_data(attended_event, capacity="1"))
    assert response.status_code == 422 and "2 people already hold a seat" in page_of(response)


def test_the_change_mail_says_was_and_now_in_each_language(client, organizer, attended_event):
    client.post(f"/manage/events/{attended_event.id}/edit", data={
        **event_data(attended_event, starts_at="2030-05-21T09:30", ends_at="2030-05-21T12:30",
                     title_en="Quality Open Day: Metro", title_zh="质量开放日：地铁"), "send": "yes"})
    (english,) = mails("ann@example.com")[-1:]
    assert english.subject == "Event changed: Quality Open Day: Metro"
    text = english.body_text
    assert "Title\n  was: Quality Open Day\n  now: Quality Open Day: Metro" in text
    assert "Date and time\n  was: Monday, May 20, 2030 14:00–17:00" in text
    assert "now: Tuesday, May 21, 2030 09:30–12:30" in text
    assert text.index("was:") < text.index("/registrations/")  # above the usual details
    (chinese,) = mails("li@example.com")[-1:]
    assert chinese.subject == "活动变更：质量开放日：地铁"
    assert "标题\n  原为：质量开放日\n  现为：质量开放日：地铁" in chinese.body_text
    assert "日期和时间\n  原为：2030年5月20日星期一 14:00–17:00" in chinese.body_text
    assert "原为：" in chinese.body_html and "现为：" in chinese.body_html


def test_a_new_venue_is_named_was_and_now(client, organizer, attended_event, make_venue):
    other = make_venue(name_en="Pudong Expo Hall", address_en="88 Expo Road")
    client.post(f"/manage/events/{attended_event.id}/edit",
                data={**event_data(attended_event, venue_id=other.id), "send": "yes"})
    mail = mails("ann@example.com")[-1]
    assert "Venue\n  was: Test Venue, 1 Test Road, Pudong\n  now: Pudong Expo Hall, 88 Expo Road" in mail.body_text
    details = mail.body_text[mail.body_text.index("now: Pudong Expo Hall"):].split("\n\n", 1)[1]
    assert "Pudong Expo Hall" in details and "Test Venue" not in details  # the usual details: the new venue
    (vevent,) = Calendar.from_ical(mail.ics).walk("VEVENT")
    assert str(vevent["LOCATION"]).startswith("Pudong Expo Hall")  # and so does the calendar file


def test_moving_a_talk_of_an_attended_event_is_previewed_then_mailed(client, organizer, attended_event,
                                                                        make_session):
    talk = make_session(attended_event, offset_minutes=60, minutes=60, title_en="Metro safety")
    data = {"title_zh": talk.title_zh, "title_en": "Metro safety", "starts_at": "2030-05-20T15:30",
            "ends_at": "2030-05-20T16:30", "room_id": str(attended_event.venue.rooms[0].id)}
    url = f"/manage/events/{attended_event.id}/sessions/{talk.id}/edit?lang=en"
    page = page_of(client.post(url, data=data))
    assert "2 people will be e-mailed." in page and "15:00–16:00" in page and "15:30–16:30" in page
    assert db.session.get(EventSession, talk.id).sequence == 0
    assert client.post(url, data={**data, "send": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(EventSession, talk.id).sequence == 1  # its agenda entry's own SEQUENCE
    mail = mails("ann@example.com")[-1]
    assert mail.subject == "Agenda changed: Quality Open Day"
    assert "Agenda item: Metro safety" in mail.body_text
    assert "Room\n  was: —\n  now: Hall A" in mail.body_text


def test_a_cancelled_event_is_reinstated_after_a_preview(client, organizer, attended_event, now):
    client.post(f"/manage/events/{attended_event.id}/cancel", data={"reason_en": "Typhoon", "confirmed": "y"})
    db.session.expire_all()
    sequence = db.session.get(Event, attended_event.id).sequence
    page = page_of(client.get(f"/manage/events/{attended_event.id}?lang=en"))
    assert "Reinstate event" in page
    preview = page_of(client.post(f"/manage/events/{attended_event.id}/reinstate?lang=en"))
    assert "2 people will be e-mailed." in preview and "Event takes place after all" in preview
    db.session.expire_all()
    assert db.session.get(Event, attended_event.id).status == EventStatus.CANCELLED
    client.post(f"/manage/events/{attended_event.id}/reinstate", data={"send": "yes"})
    db.session.expire_all()
    event = db.session.get(Event, attended_event.id)
    assert event.status == EventStatus.PUBLISHED and event.sequence == sequence + 1
    assert event.cancellation_reason == ""
    mail = mails("ann@example.com")[-1]
    calendar = Calendar.from_ical(mail.ics)
    assert str(calendar["METHOD"]) == "REQUEST" and str(calendar.walk("VEVENT")[0]["STATUS"]) == "CONFIRMED"
    assert "Quality Open Day" in page_of(client.get("/?lang=en"))


def test_an_event_that_started_cannot_be_reinstated(client, organizer, make_event, now):
    event = make_event(starts_at=now - timedelta(hours=1), status=EventStatus.CANCELLED)
    assert "Reinstate event" not in page_of(client.get(f"/manage/events/{event.id}?lang=en"))
    response = client.post(f"/manage/events/{event.id}/reinstate?lang=en", follow_redirects=True)
    assert "it can no longer be reinstated" in page_of(response)
    assert db.session.get(Event, event.id).status == EventStatus.CANCELLED
    published = make_event()
    response = client.post(f"/manage/events/{published.id}/reinstate?lang=en", follow_redirects=True)
    assert "Only a cancelled event can be reinstated." in page_of(response)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_renaming_the_venue_of_an_attended_event_is_previewed_then_mailed(client, organizer, attended_event):
    venue = attended_event.venue
    data = {"name_zh": venue.name_zh, "name_en": "Grand Test Hall", "address_zh": venue.address_zh,
            "address_en": venue.address_en, "timezone": venue.timezone, "rooms": "Hall A"}
    page = page_of(client.post(f"/manage/venues/{venue.id}/edit?lang=en", data=data))
    # Only the English name changes: Chinese readers see nothing new and are not mailed.
    assert "1 person will be e-mailed." in page and "now: Grand Test Hall" in page
    assert "What changes" in page and "Test Venue, 1 Test Road, Pudong" in page  # before, as attendees read it
    assert db.session.get(type(venue), venue.id).name_en == "Test Venue"
    assert client.post(f"/manage/venues/{venue.id}/edit", data={**data, "send": "yes"}).status_code == 302
    assert mails("ann@example.com")[-1].subject == "Event changed: Quality Open Day"


def test_renaming_or_removing_the_room_of_a_talk_tells_its_attendees(client, organizer, attended_event, make_session):
    room = attended_event.venue.rooms[0]
    make_session(attended_event, offset_minutes=60, minutes=60, title_en="Metro safety", room=room)
    venue = attended_event.venue
    data = {"name_zh": venue.name_zh, "name_en": venue.name_en, "address_zh": venue.address_zh,
            "address_en": venue.address_en, "timezone": venue.timezone, "rooms": "大厅 | Grand Hall"}
    page = page_of(client.post(f"/manage/venues/{venue.id}/edit?lang=en", data=data))
    assert "2 people will be e-mailed." in page and "What changes" not in page  # the venue itself is unchanged
    client.post(f"/manage/venues/{venue.id}/edit", data={**data, "send": "yes"})
    english, chinese = mails("ann@example.com")[-1], mails("li@example.com")[-1]
    assert english.subject == "Agenda changed: Quality Open Day"
    assert "Agenda item: Metro safety\n\nRoom\n  was: Hall A\n  now: Grand Hall" in english.body_text
    assert "会议室\n  原为：Hall A\n  现为：大厅" in chinese.body_text
    client.post(f"/manage/venues/{venue.id}/edit", data={**data, "rooms": "", "send": "yes"})
    assert "Room\n  was: Grand Hall\n  now: —" in mails("ann@example.com")[-1].body_text


def test_a_chinese_title_corrected_is_mailed_to_chinese_readers_only(client, organizer, attended_event):
    retitled = event_data(attended_event, title_zh="质量开放日（更正）")
    page = page_of(client.post(f"/manage/events/{attended_event.id}/edit?lang=en", data=retitled))
    assert "1 person will be e-mailed." in page and "质量开放日（更正）" in page  # the organizer sees the change
    sent_before = {email: len(mails(email)) for email in ("ann@example.com", "li@example.com")}
    client.post(f"/manage/events/{attended_event.id}/edit", data={**retitled, "send": "yes"})
    assert len(mails("ann@example.com")) == sent_before["ann@example.com"]  # nothing an English reader sees
    assert "标题\n  原为：质量开放日\n  现为：质量开放日（更正）" in mails("li@example.com")[-1].body_text


def test_a_change_that_also_frees_seats_counts_every_mail_and_shows_the_change_mail(client, organizer, make_event,
                                                                                   now):
    event = make_event(starts_at=STARTS_AT, capacity=1)
    for email in ("ann@example.com", "bo@example.com"):  # Bo waits
        register(event.id, Applicant(name=email[:3].title(), email=email, language="en"), now=now)
    db.session.commit()
    data = event_data(event, starts_at="2030-05-20T15:00", ends_at="2030-05-20T18:00", capacity="2")
    page = page_of(client.post(f"/manage/events/{event.id}/edit?lang=en", data=data))
    assert "2 people will be e-mailed." in page and "3 e-mails in all" in page
    assert "Subject:</strong> Event changed: Quality Open Day" in page  # the change's own mail, not a promotion
