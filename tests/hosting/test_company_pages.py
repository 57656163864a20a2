"""The company's side of the call for hosts, as a lead contact and a colleague see it."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from eventsapp.accounts.models import CompanyRole
from eventsapp.extensions import db
from eventsapp.hosting import services
from eventsapp.hosting.models import ApplicationStatus, HostApplication
from tests.catalogue.helpers import field_error, page_of
from tests.hosting.helpers import PASSWORD, application_form


def count_applications() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(HostApplication.id)))


@pytest.fixture
def lead(make_company_member, make_company):
    return make_company_member(make_company(name_en="Shentong Metro"), name="王经理", email="lead@shentong.example",
                               phone="+8613900139000", language="en")


def test_the_campaign_page_invites_companies_while_the_call_is_open(client, make_call, now):
    call = make_call()
    page = page_of(client.get(f"/campaigns/{call.campaign.slug}?lang=en"))
    assert "Call for hosts" in page and "Companies are welcome to host an open day." in page
    assert f"/company/applications/new?campaign={call.campaign.slug}" in page
    assert "欢迎企业申请承办开放日活动。" in page_of(client.get(f"/campaigns/{call.campaign.slug}?lang=zh"))
    services.close_call(call, now=now)
    db.session.commit()
    assert "Apply to host" not in page_of(client.get(f"/campaigns/{call.campaign.slug}?lang=en"))


def test_an_anonymous_visitor_who_wants_to_apply_logs_in_and_lands_on_the_form(client, make_call, lead):
    call = make_call()
    response = client.get(f"/company/applications/new?campaign={call.campaign.slug}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    logged_in = client.post(response.headers["Location"], data={"email": lead.email, "password": PASSWORD})
    assert logged_in.headers["Location"].endswith(f"/company/applications/new?campaign={call.campaign.slug}")


def test_the_lead_applies_in_english_and_gets_a_receipt(client, auth, lead, make_call, outbox):
    call = make_call()
    auth.login_as(lead)
    form_page = page_of(client.get(f"/company/applications/new?campaign={call.campaign.slug}&lang=en"))
    assert 'value="王经理"' in form_page and 'value="lead@shentong.example"' in form_page
    assert 'value="+86 139 0013 9000"' in form_page  # the contact is the lead, unless changed
    response = client.post(f"/company/applications/new?campaign={call.campaign.slug}&lang=en",
                           data=application_form(contact_email="Wang@Shentong.example "))
    assert response.status_code == 302
    application = db.session.scalar(select(HostApplication))
    assert response.headers["Location"].endswith(f"/company/applications/{application.id}")
    assert application.language == "en" and application.contact_email == "wang@shentong.example"
    assert application.starts_at == datetime(2030, 5, 20, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
    assert application.other_dates == "六月任意周五下午" and application.submitted_by_id == lead.id
    receipts = [m.subject for m in outbox("lead@shentong.example")]
    assert receipts == ["Application received: Smart manufacturing open day"]
    assert len(outbox("wang@shentong.example")) == 1
    listing = page_of(client.get("/company/applications?lang=en"))
    assert "Smart manufacturing open day" in listing and "Waiting for review" in listing


def test_applying_at_a_venue_of_the_catalogue(client, auth, lead, make_call, make_venue):
    venue, call = make_venue(name_en="Expo Centre"), make_call()
    auth.login_as(lead)
    response = client.post(f"/company/applications/new?campaign={call.campaign.slug}",
                           data=application_form(site="venue", venue_id=str(venue.id), site_name="", site_address=""))
    assert response.status_code == 302
    assert db.session.scalar(select(HostApplication.venue_id)) == venue.id


@pytest.mark.parametrize("overrides, field, message", [
    ({"theme_zh": "", "theme_en": ""}, "theme_zh", "Fill in at least one language."),
    ({"sharing": ""}, "sharing", "Say what your company will share"),
    ({"site_name": ""}, "site_name", "Give the new site's name and address."),
    ({"site": "venue", "venue_id": "0"}, "venue_id", "Choose a venue from the list."),
    ({"contact_phone": "12345"}, "contact_phone", "11-digit mobile number"),
    ({"contact_email": "wang@"}, "contact_email", "looks incomplete"),
    ({"expected_capacity": "0"}, "expected_capacity", "between 1 and"),
    ({"ends_at": "2030-05-20T13:00"}, "ends_at", "The end must be after the start."),
    ({"starts_at": "20300520"}, "starts_at", "Not a valid datetime value."),
    ({"theme_en": "Open\tday"}, "theme_en", "one line"),
])
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_stored(client, auth, lead, make_call, outbox,
                                                                    overrides, field, message):
    call = make_call()
    auth.login_as(lead)
    response = client.post(f"/company/applications/new?campaign={call.campaign.slug}&lang=en",
                           data=application_form(**overrides))
    assert response.status_code == 422
    assert message in field_error(response, field)
    assert count_applications() == 0 and outbox() == []


def test_no_application_after_the_deadline(client, auth, lead, make_call, now):
    call = make_call(deadline=now + timedelta(seconds=30))
    call.deadline = now - timedelta(minutes=1)  # the deadline passed since the call was opened
    db.session.commit()
    auth.login_as(lead)
    url = f"/company/applications/new?campaign={call.campaign.slug}&lang=en"
    assert client.get(url).status_code == 409
    response = client.post(url, data=application_form())
    assert response.status_code == 409 and "applications can no longer be submitted or changed" in page_of(response)
    assert count_applications() == 0


def test_a_second_application_waiting_for_review_is_refused(client, auth, lead, make_call, make_application):
    call = make_call()
    first = make_application(call, lead)
    auth.login_as(lead)
    response = client.post(f"/company/applications/new?campaign={call.campaign.slug}&lang=en",
                           data=application_form())
    assert response.status_code == 409 and "already has an application to this call" in page_of(response)
    assert f"/company/applications/{first.id}" in page_of(response)
    assert count_applications() == 1


def test_an_unknown_campaign_or_one_without_a_call_is_not_found(client, auth, lead, make_campaign):
    auth.login_as(lead)
    assert client.get("/company/applications/new?campaign=nothing-here").status_code == 404
    assert client.get(f"/company/applications/new?campaign={make_campaign().slug}").status_code == 404
    assert client.get("/company/applications/new").status_code == 302  # no campaign: the list of open calls


def test_the_lead_edits_the_application_as_it_was_typed(client, auth, lead, make_application):
    application = make_application(lead=lead)
    auth.login_as(lead)
    page = page_of(client.get(f"/company/applications/{application.id}/edit?lang=en"))
    local_start = application.starts_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f'value="{local_start:%Y-%m-%dT%H:%M}"' in page and 'value="+86 138 0013 8000"' in page
    response = client.post(f"/company/applications/{application.id}/edit",
                           data=application_form(theme_en="Quality day", expected_capacity="90"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (application.theme_en, application.expected_capacity) == ("Quality day", 90)


def test_no_edit_after_the_deadline_but_withdrawing_still_works(client, auth, lead, make_application, outbox):
    application = make_application(lead=lead)
    application.call.deadline = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    auth.login_as(lead)
    assert client.get(f"/company/applications/{application.id}/edit").status_code == 409
    response = client.post(f"/company/applications/{application.id}/edit?lang=en",
                           data=application_form(theme_en="Too late"))
    assert response.status_code == 409 and "can no longer be submitted or changed" in page_of(response)
    page = page_of(client.get(f"/company/applications/{application.id}?lang=en"))
    assert "can still withdraw it" in page and "/edit" not in page
    assert client.post(f"/company/applications/{application.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert application.status == ApplicationStatus.WITHDRAWN and application.theme_en != "Too late"
    assert outbox("lead@shentong.example")[-1].subject.startswith("Application withdrawn")  # the lead's language


def test_withdrawing_twice_or_after_review_is_refused(client, auth, lead, make_application, make_user, now):
    application = make_application(lead=lead)
    auth.login_as(lead)
    assert client.post(f"/company/applications/{application.id}/withdraw").status_code == 302
    response = client.post(f"/company/applications/{application.id}/withdraw?lang=en")
    assert response.status_code == 409 and "This application was withdrawn." in page_of(response)
    reviewed = make_application(lead=lead)
    services.accept_application(reviewed, reviewer=make_user(), now=now)
    db.session.commit()
    assert client.post(f"/company/applications/{reviewed.id}/withdraw").status_code == 409
    assert client.post(f"/company/applications/{reviewed.id}/edit", data=application_form()).status_code == 409
    db.session.expire_all()
    assert reviewed.status == ApplicationStatus.ACCEPTED


def test_a_colleague_follows_the_applications_without_changing_them(client, auth, lead, make_application,
                                                                   make_company_member):
    application = make_application(lead=lead)
    colleague = make_company_member(lead.organization, role=CompanyRole.MEMBER)
    auth.login_as(colleague)
    listing = page_of(client.get("/company/applications?lang=en"))
    assert "Smart manufacturing open day" in listing and "Apply to host" not in listing
    page = page_of(client.get(f"/company/applications/{application.id}?lang=en"))
    assert "王经理" in page and "Withdraw" not in page and "/edit" not in page


def test_the_company_sees_the_reason_of_a_decline_but_never_the_internal_comments(
        client, auth, lead, make_application, make_user, now):
    application, organizer = make_application(lead=lead), make_user()
    services.add_comment(application, author=organizer, text="Their last open day was poorly run.", now=now)
    services.decline_application(application, reviewer=organizer, reason="The programme is already full.", now=now)
    db.session.commit()
    auth.login_as(lead)
    for url in ("/company/applications?lang=en", f"/company/applications/{application.id}?lang=en"):
        page = page_of(client.get(url))
        assert "Declined" in page and "poorly run" not in page
    assert "The programme is already full." in page_of(client.get(f"/company/applications/{application.id}?lang=en"))


def test_the_pages_read_in_chinese(client, auth, lead, make_application):
    application = make_application(lead=lead)
    auth.login_as(lead)
    page = page_of(client.get(f"/company/applications/{application.id}?lang=zh"))
    assert "待审核" in page and "撤回" in page and "预计参观人数" in page
