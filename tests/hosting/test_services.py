"""The rules of the call for hosts, called directly: calls, applications, review, and the mails."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventsapp.accounts.models import CompanyRole
from eventsapp.catalogue.models import Event, EventStatus, Venue
from eventsapp.errors import Conflict, NotAllowedInState, ValidationFailed
from eventsapp.extensions import db
from eventsapp.hosting import queries, services
from eventsapp.hosting.details import CallDetails
from eventsapp.hosting.models import ApplicationStatus, HostApplication

# --- The call ----------------------------------------------------------------------------------

def test_a_campaign_has_one_call_whose_text_and_deadline_can_change(make_call, make_campaign, now):
    campaign = make_campaign()
    call = make_call(campaign)
    assert call.is_open(now) and call.opened_at == now and call.timezone == "Asia/Shanghai"
    later = now + timedelta(days=30)
    again = services.save_call(campaign, CallDetails(deadline=later, text_en="New text"), now=now)
    assert again.id == call.id and again.deadline == later and again.text_en == "New text" and again.text_zh == ""


@pytest.mark.parametrize("details, field", [
    (CallDetails(deadline=None, text_zh=" ", text_en=""), "text_zh"),  # type: ignore[arg-type]
    (CallDetails(deadline=None, text_en="Hi", timezone="Mars/Base"), "timezone"),  # type: ignore[arg-type]
])
def test_a_call_needs_a_text_and_a_known_zone(app_ctx, make_campaign, now, details, field):
    details = CallDetails(deadline=now + timedelta(days=1), text_zh=details.text_zh, text_en=details.text_en,
                          timezone=details.timezone)
    with pytest.raises(ValidationFailed) as refused:
        services.save_call(make_campaign(), details, now=now)
    assert refused.value.field == field


def test_a_new_deadline_must_lie_ahead(make_call, now):
    call = make_call()
    with pytest.raises(ValidationFailed) as refused:
        services.save_call(call.campaign, CallDetails(deadline=now - timedelta(hours=1), text_en="x"), now=now)
    assert refused.value.field == "deadline"


def test_closing_early_and_reopening(make_call, now):
    call = make_call()
    services.close_call(call, now=now)
    assert not call.is_open(now) and queries.open_call_of(call.campaign, now=now) is None
    with pytest.raises(NotAllowedInState):
        services.close_call(call, now=now)
    services.reopen_call(call, now=now)
    assert call.is_open(now)
    with pytest.raises(NotAllowedInState):
        services.reopen_call(call, now=now)


def test_a_call_past_its_deadline_is_not_reopened(make_call, now):
    call = make_call(deadline=now + timedelta(hours=1))
    services.close_call(call, now=now)
    with pytest.raises(NotAllowedInState):
        services.reopen_call(call, now=now + timedelta(hours=2))


# --- Applications ------------------------------------------------------------------------------

def test_an_application_is_stored_as_typed_with_a_normalized_contact(make_application):
    application = make_application()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.contact_phone == "+8613800138000" and application.contact_email == "wang@company.example"
    assert application.venue_id is None and application.site_name == "新工厂"


@pytest.mark.parametrize("overrides, field", [
    ({"theme_zh": "", "theme_en": "  "}, "theme_zh"),
    ({"theme_en": "two\nlines"}, "theme_en"),
    ({"sharing": " "}, "sharing"),
    ({"expected_capacity": 0}, "expected_capacity"),
    ({"site_name": ""}, "site_name"),
    ({"site_address": ""}, "site_address"),
    ({"venue_id": 999_999}, "venue_id"),
    ({"contact_phone": "021 6888 8888"}, "contact_phone"),
    ({"contact_email": "wang"}, "contact_email"),
    ({"contact_name": ""}, "contact_name"),
    ({"timezone": "Nowhere/City"}, "timezone"),
])
def test_bad_details_are_refused_and_nothing_is_stored(make_call, make_company_member, application_details, now,
                                                       overrides, field):
    call, lead = make_call(), make_company_member()
    with pytest.raises(ValidationFailed) as refused:
        services.submit_application(call, lead.organization, application_details(**overrides), submitted_by=lead,
                                    language="zh", now=now)
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count(HostApplication.id))) == 0


def test_the_end_must_follow_the_start(make_call, make_company_member, application_details, now):
    lead = make_company_member()
    details = application_details()
    with pytest.raises(ValidationFailed) as refused:
        services.submit_application(make_call(), lead.organization, application_details(ends_at=details.starts_at),
                                    submitted_by=lead, language="en", now=now)
    assert refused.value.field == "ends_at"


def test_no_application_after_the_deadline_or_once_closed(make_call, make_company_member, application_details, now):
    lead, call = make_company_member(), make_call(deadline=now + timedelta(hours=1))
    with pytest.raises(NotAllowedInState):
        services.submit_application(call, lead.organization, application_details(), submitted_by=lead,
                                    language="zh", now=now + timedelta(hours=1))
    services.close_call(call, now=now)
    with pytest.raises(NotAllowedInState):
        services.submit_application(call, lead.organization, application_details(), submitted_by=lead,
                                    language="zh", now=now)


def test_an_unverified_company_cannot_apply(make_call, make_company_member, make_company, application_details, now):
    lead = make_company_member(make_company(verified=False))
    with pytest.raises(NotAllowedInState):
        services.submit_application(make_call(), lead.organization, application_details(), submitted_by=lead,
                                    language="zh", now=now)


def test_one_application_waiting_for_review_per_company_and_call(make_application, make_call, now,
                                                                  application_details):
    call = make_call()
    first = make_application(call)
    lead = first.submitted_by
    with pytest.raises(Conflict):
        make_application(call, lead)
    db.session.rollback()
    services.withdraw_application(first, now=now)
    db.session.commit()
    assert make_application(call, lead).id != first.id  # withdrawn: the company may apply afresh


def test_the_database_refuses_a_second_waiting_application(make_application, app_ctx, now):
    first = make_application()
    db.session.add(HostApplication(call_id=first.call_id, organization_id=first.organization_id,
                                   starts_at=first.starts_at, ends_at=first.ends_at, expected_capacity=5,
                                   submitted_at=now))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_application_changes_until_reviewed_and_only_while_the_call_is_open(
        make_application, application_details, make_user, now):
    application = make_application()
    services.update_application(application, application_details(theme_en="Quality day", expected_capacity=80),
                                now=now)
    assert application.theme_en == "Quality day" and application.expected_capacity == 80
    with pytest.raises(NotAllowedInState):
        services.update_application(application, application_details(), now=application.call.deadline)
    services.decline_application(application, reviewer=make_user(), reason="Full", now=now)
    with pytest.raises(NotAllowedInState):
        services.update_application(application, application_details(), now=now)
    with pytest.raises(NotAllowedInState):
        services.withdraw_application(application, now=now)


def test_withdrawing_is_possible_after_the_deadline(make_application):
    application = make_application()
    services.withdraw_application(application, now=application.call.deadline + timedelta(days=1))
    assert application.status == ApplicationStatus.WITHDRAWN and application.withdrawn_at is not None


# --- Review ------------------------------------------------------------------------------------

def test_accepting_makes_a_draft_event_at_a_new_venue(make_application, make_user, now):
    application = make_application(language="zh", theme_en="")
    event = services.accept_application(application, reviewer=make_user(), now=now)
    db.session.commit()
    assert application.status == ApplicationStatus.ACCEPTED and application.event_id == event.id
    assert event.status == EventStatus.DRAFT and event.campaign_id == application.call.campaign_id
    assert event.host_id == application.organization_id and event.title_zh == "智能制造质量开放日"
    assert event.description_zh == "我们将展示全面质量管理的实践。" and event.description_en == ""
    assert (event.starts_at, event.ends_at, event.capacity) == (application.starts_at, application.ends_at, 60)
    venue = db.session.get(Venue, event.venue_id)
    assert (venue.name_zh, venue.address_zh, venue.district_zh, venue.city_zh) == (
        "新工厂", "浦东新区创新路8号", "浦东新区", "上海")
    assert venue.timezone == "Asia/Shanghai"


def test_accepting_an_application_at_a_known_venue_uses_it(make_application, make_venue, make_user, now):
    venue = make_venue()
    application = make_application(venue_id=venue.id, language="en")
    event = services.accept_application(application, reviewer=make_user(), now=now)
    assert event.venue_id == venue.id and event.description_en and not event.description_zh
    assert db.session.scalar(select(func.count(Venue.id))) == 1


def test_declining_needs_a_reason(make_application, make_user, now):
    application = make_application()
    with pytest.raises(ValidationFailed) as refused:
        services.decline_application(application, reviewer=make_user(), reason="  ", now=now)
    assert refused.value.field == "reason" and application.status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("first", ["accept", "decline", "withdraw"])
def test_an_application_is_reviewed_once_and_never_after_it_was_withdrawn(make_application, make_user, now, first):
    application, organizer = make_application(), make_user()
    steps = {"accept": lambda: services.accept_application(application, reviewer=organizer, now=now),
             "decline": lambda: services.decline_application(application, reviewer=organizer, reason="No", now=now),
             "withdraw": lambda: services.withdraw_application(application, now=now)}
    steps[first]()
    events = db.session.scalar(select(func.count(Event.id)))
    for again in ("accept", "decline"):
        with pytest.raises(NotAllowedInState) as refused:
            steps[again]()
        assert refused.value.status == 409
    assert db.session.scalar(select(func.count(Event.id))) == events


def test_comments_need_text(make_application, make_user, now):
    application, organizer = make_application(), make_user()
    with pytest.raises(ValidationFailed):
        services.add_comment(application, author=organizer, text=" ", now=now)
    comment = services.add_comment(application, author=organizer, text=" Strong site. ", now=now)
    assert comment.text == "Strong site." and application.comments == [comment]


# --- Mails -------------------------------------------------------------------------------------

def test_the_leads_and_the_contact_get_a_receipt_and_organizers_hear_of_it(
        make_application, make_company_member, make_user, outbox, make_call):
    organizer = make_user()
    lead = make_company_member(email="lead@company.example")
    make_company_member(lead.organization, email="second.lead@company.example")
    make_company_member(lead.organization, role=CompanyRole.MEMBER, email="member@company.example")
    make_company_member(lead.organization, email="gone@company.example", is_active_account=False)
    application = make_application(lead=lead, language="en")
    recipients = sorted(message.recipient for message in outbox())
    assert recipients == sorted(["lead@company.example", "second.lead@company.example", "wang@company.example",
                                 organizer.email])
    receipt = outbox("wang@company.example")[0]
    assert receipt.subject == "Application received: Smart manufacturing open day"
    assert f"/company/applications/{application.id}" in receipt.body_text
    assert f"/manage/applications/{application.id}" in outbox(organizer.email)[0].body_text


def test_each_step_is_mailed_once_in_the_applications_language(make_application, make_company_member, make_user,
                                                                outbox, now):
    lead = make_company_member(email="lead@company.example")
    application = make_application(lead=lead, language="zh", contact_email="lead@company.example")
    services.decline_application(application, reviewer=make_user(), reason="场地太小", now=now)
    db.session.commit()
    subjects = [message.subject for message in outbox("lead@company.example")]
    assert len(subjects) == 2 and subjects[1].startswith("申请未获通过")
    assert "场地太小" in outbox("lead@company.example")[1].body_text


def test_accepted_and_withdrawn_mails(make_application, make_company_member, make_user, outbox, now):
    lead = make_company_member(email="lead@company.example", language="en")
    accepted = make_application(lead=lead, language="en", contact_email="lead@company.example")
    services.accept_application(accepted, reviewer=make_user(), now=now)
    withdrawn = make_application(lead=lead, language="en", contact_email="lead@company.example")
    services.withdraw_application(withdrawn, now=now)
    db.session.commit()
    subjects = [message.subject for message in outbox("lead@company.example")]
    assert [s.split(":")[0] for s in subjects] == ["Application received", "Application accepted",
                                                    "Application received", "Application withdrawn"]
    assert "/company/" in outbox("lead@company.example")[1].body_text
