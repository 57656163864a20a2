"""A host company sees its events' numbers, and the details of only those attendees who agreed to share
them with it (SPEC 4c, 8; PIPL Art. 23). Never another company's events."""
from eventsapp.accounts.models import CompanyRole
from eventsapp.catalogue.models import EventStatus
from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus


def add_registration(event, email: str, *, status=RegistrationStatus.CONFIRMED, shares: bool = False, **fields):
    fields.setdefault("name", email.split("@")[0])
    registration = Registration(event=event, email=email, status=status, shares_with_host=shares,
                                phone="+8613800138000", **fields)
    db.session.add(registration)
    db.session.commit()
    return registration


def test_the_dashboard_counts_sign_ups_of_hosted_events_only(client, auth, make_company_member, make_event):
    member = make_company_member(role=CompanyRole.MEMBER)
    hosted = make_event(host=member.organization, title_en="Our Open Day", capacity=40)
    draft = make_event(host=member.organization, title_en="Our Draft", status=EventStatus.DRAFT)
    others = make_event(title_en="Somebody Else's Day")
    for n in range(3):
        add_registration(hosted, f"c{n}@example.com")
    add_registration(hosted, "w@example.com", status=RegistrationStatus.WAITLISTED)
    add_registration(hosted, "gone@example.com", status=RegistrationStatus.CANCELLED)
    add_registration(others, "x@example.com")
    auth.login_as(member)
    page = client.get("/company/?lang=en").get_data(as_text=True)
    assert "Our Open Day" in page and "Our Draft" in page and "Somebody Else" not in page
    assert "3 / 40" in page
    assert client.get(f"/company/events/{draft.id}").status_code == 200


def test_a_hosted_event_lists_only_attendees_who_consented(client, auth, make_company_member, make_event):
    member = make_company_member()
    event = make_event(host=member.organization)
    add_registration(event, "shares@example.com", name="愿意分享", shares=True, job_title="质量经理")
    add_registration(event, "private@example.com", name="不愿分享")
    add_registration(event, "left@example.com", name="已取消", shares=True, status=RegistrationStatus.CANCELLED)
    auth.login_as(member)
    page = client.get(f"/company/events/{event.id}?lang=en").get_data(as_text=True)
    assert "愿意分享" in page and "shares@example.com" in page and "质量经理" in page and "+86 138 0013 8000" in page
    assert "不愿分享" not in page and "private@example.com" not in page and "已取消" not in page


def test_another_companys_event_is_not_found(client, auth, make_company_member, make_event, make_company):
    mine = make_company_member()
    theirs = make_event(host=make_company())
    add_registration(theirs, "shares@example.com", shares=True)
    auth.login_as(mine)
    response = client.get(f"/company/events/{theirs.id}")
    assert response.status_code == 404 and "shares@example.com" not in response.get_data(as_text=True)
    assert client.get("/company/events/999999").status_code == 404


def test_company_pages_are_for_company_members_only(client, auth, make_event, make_company):
    event = make_event(host=make_company())
    for path in ("/company/", f"/company/events/{event.id}", "/company/calendar"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], path
    auth.login()
    for path in ("/company/", f"/company/events/{event.id}", "/company/calendar"):
        assert client.get(path).status_code == 403, path
    assert client.post("/company/calendar/replace").status_code == 403


def test_a_member_without_a_confirmed_address_sees_only_the_dashboard(client, auth, make_company_member,
                                                                      make_event):
    """Someone who joined with another person's address must not read what the company sees."""
    member = make_company_member(role=CompanyRole.MEMBER, email_verified_at=None)
    event = make_event(host=member.organization)
    add_registration(event, "shares@example.com", shares=True)
    auth.login_as(member)
    assert client.get("/company/").status_code == 200
    for path in (f"/company/events/{event.id}", "/company/calendar", "/company/members", "/company/applications",
                 "/company/delegations"):
        response = client.get(path + "?lang=en")
        assert response.status_code == 403 and "Confirm your address" in response.get_data(as_text=True), path
        assert "shares@example.com" not in response.get_data(as_text=True)


def test_an_unverified_company_sees_counts_but_no_attendee(client, auth, make_company_member, make_company,
                                                           make_event):
    member = make_company_member(make_company(verified=False))
    event = make_event(host=member.organization)
    add_registration(event, "shares@example.com", shares=True)
    auth.login_as(member)
    page = client.get(f"/company/events/{event.id}?lang=en").get_data(as_text=True)
    assert "shares@example.com" not in page and "once the organizers have verified" in page
