"""Who may open each page of the call for hosts (SPEC 3.7): every /company/ route as this company's lead,
its plain member, another company's lead, an unverified company's lead, an anonymous visitor and an
organizer; every back-office route as an organizer, a company lead and an anonymous visitor."""
import pytest

from eventsapp.accounts.models import CompanyRole
from eventsapp.extensions import db
from eventsapp.hosting.models import ApplicationStatus, HostApplication
from tests.hosting.helpers import application_form, call_form

WHO = ("lead", "member", "other_lead", "unverified_lead", "anonymous", "organizer")


@pytest.fixture
def scene(make_application, make_company_member, make_company, make_user, make_call):
    """A call, an application of company A by its lead, and a maker for each other kind of visitor
    (made only when needed: every account costs a password hash)."""
    lead = make_company_member(email="lead@a.example")
    application = make_application(make_call(), lead)
    return {"application": application, "lead": lambda: lead,
            "member": lambda: make_company_member(lead.organization, role=CompanyRole.MEMBER, email="member@a.example"),
            "other_lead": lambda: make_company_member(email="lead@b.example"),
            "unverified_lead": lambda: make_company_member(make_company(verified=False), email="lead@c.example"),
            "organizer": make_user}


def visit(client, auth, scene, who: str, method: str, path: str, data=None):
    if who != "anonymous":
        auth.login_as(scene[who]())
    path = path.format(id=scene["application"].id, slug=scene["application"].call.campaign.slug)
    return client.open(path, method=method, data=data)


COMPANY_ROUTES = {
    # route: the status each visitor gets, in the order of WHO
    ("GET", "/company/applications"): (200, 200, 200, 200, 302, 403),
    ("GET", "/company/applications/new?campaign={slug}"): (409, 403, 200, 403, 302, 403),
    ("POST", "/company/applications/new?campaign={slug}"): (409, 403, 302, 403, 302, 403),
    ("GET", "/company/applications/{id}"): (200, 200, 404, 404, 302, 403),
    ("GET", "/company/applications/{id}/edit"): (200, 403, 404, 403, 302, 403),
    ("POST", "/company/applications/{id}/edit"): (302, 403, 404, 403, 302, 403),
    ("POST", "/company/applications/{id}/withdraw"): (302, 403, 404, 403, 302, 403),
}


@pytest.mark.parametrize("route", list(COMPANY_ROUTES))
@pytest.mark.parametrize("who", WHO)
def test_company_pages(client, auth, scene, route, who):
    """The lead of A already has an application waiting: a new one is refused (409)."""
    method, path = route
    response = visit(client, auth, scene, who, method, path, data=application_form() if method == "POST" else None)
    expected = COMPANY_ROUTES[route][WHO.index(who)]
    assert response.status_code == expected
    if expected == 302 and who == "anonymous":
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["other_lead", "unverified_lead", "member"])
def test_nobody_but_the_lead_changes_the_application(client, auth, scene, who):
    visit(client, auth, scene, who, "POST", "/company/applications/{id}/withdraw")
    path = f"/company/applications/{scene['application'].id}/edit"
    client.post(path, data=application_form(theme_en="Taken over"))
    db.session.expire_all()
    application = db.session.get(HostApplication, scene["application"].id)
    assert application.status == ApplicationStatus.SUBMITTED and application.theme_en != "Taken over"


def test_another_companys_list_shows_nothing_of_this_one(client, auth, scene):
    page = visit(client, auth, scene, "other_lead", "GET", "/company/applications?lang=en").get_data(as_text=True)
    assert "Smart manufacturing open day" not in page


BACK_OFFICE_ROUTES = {
    ("GET", "/manage/campaigns/{slug}/call"): 200,
    ("POST", "/manage/campaigns/{slug}/call"): 302,
    ("POST", "/manage/campaigns/{slug}/call/close"): 302,
    ("POST", "/manage/campaigns/{slug}/call/reopen"): 302,  # not closed: refused, flashed, back to the call
    ("GET", "/manage/campaigns/{slug}/applications"): 200,
    ("GET", "/manage/applications/{id}"): 200,
    ("POST", "/manage/applications/{id}/comments"): 302,
    ("POST", "/manage/applications/{id}/accept"): 302,
    ("POST", "/manage/applications/{id}/decline"): 302,
}
BACK_OFFICE_DATA = {"call": call_form(), "comments": {"text": "Good"}, "decline": {"reason": "Full"}}


@pytest.mark.parametrize("route", list(BACK_OFFICE_ROUTES))
@pytest.mark.parametrize("who", ["organizer", "lead", "member", "unverified_lead", "anonymous"])
def test_back_office_pages(client, auth, scene, route, who):
    method, path = route
    data = BACK_OFFICE_DATA.get(path.rsplit("/", 1)[1]) if method == "POST" else None
    response = visit(client, auth, scene, who, method, path, data=data)
    if who == "organizer":
        assert response.status_code == BACK_OFFICE_ROUTES[route]
    elif who == "anonymous":
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code == 403
