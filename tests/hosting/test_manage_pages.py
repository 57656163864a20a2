"""The organizers' side of the call for hosts: the call, the list of applications, and the review."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from eventsapp.catalogue.models import Event, EventStatus, Venue
from eventsapp.extensions import db
from eventsapp.hosting import services
from eventsapp.hosting.models import ApplicationStatus, HostApplication, HostCall
from tests.catalogue.helpers import field_error, page_of
from tests.hosting.helpers import call_form


@pytest.fixture
def organizer(auth, make_user):
    user = make_user(name="李主任")
    auth.login_as(user)
    return user


def test_the_campaigns_list_leads_to_the_call(client, organizer, make_campaign):
    campaign = make_campaign()
    assert f"/manage/campaigns/{campaign.slug}/call" in page_of(client.get("/manage/campaigns"))


def test_an_organizer_opens_edits_closes_and_reopens_a_call(client, organizer, make_campaign, now):
    campaign = make_campaign()
    url = f"/manage/campaigns/{campaign.slug}/call"
    page = page_of(client.get(url + "?lang=en"))
    assert "Open the call" in page and '<option selected value="Asia/Shanghai">' in page
    assert client.post(url, data=call_form()).status_code == 302
    call = db.session.scalar(select(HostCall))
    assert call.deadline == datetime(2030, 3, 31, 10, 0, tzinfo=UTC) and call.opened_at >= now  # 18:00 in Shanghai
    assert 'value="2030-03-31T18:00"' in page_of(client.get(url))
    assert client.post(url, data=call_form(text_en="", deadline="2030-04-30T18:00")).status_code == 302
    db.session.expire_all()
    assert call.text_en == "" and call.deadline.month == 4
    assert db.session.scalar(select(func.count(HostCall.id))) == 1
    assert client.post(url + "/close").status_code == 302
    db.session.expire_all()
    assert call.closed_at is not None and "Reopen the call" in page_of(client.get(url + "?lang=en"))
    assert client.post(url + "/reopen").status_code == 302
    db.session.expire_all()
    assert call.closed_at is None


@pytest.mark.parametrize("overrides, field, message", [
    ({"text_zh": "", "text_en": ""}, "text_zh", "Fill in at least one language."),
    ({"deadline": "2020-01-01T18:00"}, "deadline", "The deadline must be in the future."),
    ({"deadline": ""}, "deadline", "This field is required."),
    ({"timezone": "Mars/Olympus"}, "timezone", "Not a valid choice."),
])
def test_a_bad_call_is_refused_next_to_the_field(client, organizer, make_campaign, overrides, field, message):
    campaign = make_campaign()
    response = client.post(f"/manage/campaigns/{campaign.slug}/call?lang=en", data=call_form(**overrides))
    assert response.status_code == 422 and message in field_error(response, field)
    assert db.session.scalar(select(func.count(HostCall.id))) == 0


def test_unknown_campaigns_and_applications_are_not_found(client, organizer, make_campaign):
    assert client.get("/manage/campaigns/nothing/call").status_code == 404
    assert client.post(f"/manage/campaigns/{make_campaign().slug}/call/close").status_code == 404
    assert client.get("/manage/applications/999").status_code == 404


def test_the_list_of_applications_filters_by_status(client, organizer, make_call, make_application, now):
    call = make_call()
    waiting = make_application(call, theme_en="Waiting one")
    withdrawn = make_application(call, theme_en="Withdrawn one")
    services.withdraw_application(withdrawn, now=now)
    db.session.commit()
    url = f"/manage/campaigns/{call.campaign.slug}/applications?lang=en"
    everything = page_of(client.get(url))
    assert "Waiting one" in everything and "Withdrawn one" in everything
    only_waiting = page_of(client.get(url + "&status=submitted"))
    assert "Waiting one" in only_waiting and "Withdrawn one" not in only_waiting
    assert f"/manage/applications/{waiting.id}" in only_waiting
    assert client.get(url + "&status=bogus").status_code == 200  # an unknown filter shows everything


def test_internal_comments_are_kept_with_their_author(client, organizer, make_application):
    application = make_application()
    url = f"/manage/applications/{application.id}"
    assert client.post(url + "/comments", data={"text": "Visited the site: fine."}).status_code == 302
    page = page_of(client.get(url + "?lang=en"))
    assert "Visited the site: fine." in page and "李主任" in page and "the company never does" in page
    response = client.post(url + "/comments?lang=en", data={"text": "  "})
    assert response.status_code == 422 and "Write a comment first." in field_error(response, "text")


def test_accepting_makes_a_draft_event_and_links_to_it(client, organizer, make_application, outbox):
    application = make_application(contact_email="wang@company.example")
    url = f"/manage/applications/{application.id}"
    assert client.post(url + "/accept").status_code == 302
    db.session.expire_all()
    event = db.session.scalar(select(Event))
    assert application.status == ApplicationStatus.ACCEPTED and application.event_id == event.id
    assert application.reviewed_by_id == organizer.id
    assert event.status == EventStatus.DRAFT and event.host_id == application.organization_id
    assert db.session.get(Venue, event.venue_id).name_zh == "新工厂"
    page = page_of(client.get(url + "?lang=en"))
    assert f"/manage/events/{event.id}/edit" in page and "Accept and make a draft event" not in page
    assert outbox("wang@company.example")[-1].subject.startswith("承办申请已通过")


def test_reviewing_twice_is_refused_and_changes_nothing(client, organizer, make_application):
    application = make_application()
    url = f"/manage/applications/{application.id}"
    client.post(url + "/accept")
    response = client.post(url + "/accept?lang=en")
    assert response.status_code == 409 and "already reviewed" in page_of(response)
    response = client.post(url + "/decline?lang=en", data={"reason": "Changed our minds"})
    assert response.status_code == 409
    db.session.expire_all()
    assert application.status == ApplicationStatus.ACCEPTED and application.decline_reason == ""
    assert db.session.scalar(select(func.count(Event.id))) == 1


def test_a_withdrawn_application_is_not_reviewed(client, organizer, make_application, now):
    application = make_application()
    services.withdraw_application(application, now=now)
    db.session.commit()
    response = client.post(f"/manage/applications/{application.id}/accept?lang=en")
    assert response.status_code == 409 and "This application was withdrawn." in page_of(response)
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_declining_needs_a_reason_which_the_company_is_told(client, organizer, make_application, outbox):
    application = make_application(language="en", contact_email="wang@company.example")
    url = f"/manage/applications/{application.id}"
    response = client.post(url + "/decline?lang=en", data={"reason": ""})
    assert response.status_code == 422 and "Tell the company why" in field_error(response, "reason")
    assert client.post(url + "/decline", data={"reason": "The programme is full."}).status_code == 302
    db.session.expire_all()
    assert application.status == ApplicationStatus.DECLINED
    declined = outbox("wang@company.example")[-1]
    assert declined.subject.startswith("Application declined") and "The programme is full." in declined.body_text


def test_an_application_the_catalogue_refuses_is_not_accepted(
        client, organizer, make_application):
    """The catalogue's own rules apply to the draft: a refusal is shown, nothing is made."""
    application = make_application()
    db.session.execute(db.update(HostApplication).values(theme_en="Two\nlines"))  # stored before a rule
    db.session.commit()
    response = client.post(f"/manage/applications/{application.id}/accept?lang=en")
    assert response.status_code == 422 and "This text must be one line" in page_of(response)
    assert db.session.scalar(select(func.count(Event.id))) == 0
    assert db.session.scalar(select(func.count(Venue.id))) == 0


def test_a_campaign_with_applications_is_not_deleted(client, organizer, make_application, make_call):
    application = make_application()
    campaign_id = application.call.campaign_id
    response = client.post(f"/manage/campaigns/{campaign_id}/delete?lang=en")
    assert response.status_code == 302
    assert "it can no longer be deleted" in page_of(client.get("/manage/campaigns?lang=en"))
    db.session.expire_all()
    assert db.session.get(HostApplication, application.id) is not None
    empty_call = make_call()  # a call nobody answered goes with its campaign
    assert client.post(f"/manage/campaigns/{empty_call.campaign_id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(HostCall.id))) == 1


def test_deleting_the_draft_keeps_the_accepted_application(client, organizer, make_application):
    application = make_application()
    client.post(f"/manage/applications/{application.id}/accept")
    db.session.expire_all()
    assert client.post(f"/manage/events/{application.event_id}/delete").status_code == 302
    db.session.expire_all()
    assert application.status == ApplicationStatus.ACCEPTED and application.event_id is None
    assert "Edit the draft event" not in page_of(client.get(f"/manage/applications/{application.id}?lang=en"))
