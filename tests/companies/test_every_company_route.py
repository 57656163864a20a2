"""Every route under /company/, whatever domain adds it, is closed to anonymous visitors (to the login
page) and to organizers (403), for GET and POST alike (SPEC 3.7, 4b). The pages' own tests try each one
as this company's lead and member, another company and an unverified company."""
import pytest
from sqlalchemy import func, select

from eventsapp.accounts.companies import Person as AccountHolder
from eventsapp.accounts.companies import request_to_join
from eventsapp.accounts.invitations import invite_colleague
from eventsapp.accounts.members import active_members
from eventsapp.accounts.services import find_user_by_email
from eventsapp.demo import load_demo
from eventsapp.demo_companies import LEAD_EMAIL
from eventsapp.extensions import db
from eventsapp.hosting.queries import applications_of
from eventsapp.registration.delegations import delegations_of
from eventsapp.registration.models import Registration

COMPANY_PREFIX = "/company"
# Arguments that name no row: a route with only these answers the visitor's own company's rows (200).
NOT_AN_ID = {"file_format"}


def company_urls(app) -> list[tuple[str, str]]:
    """(method, url) of every /company/ rule, its ids filled with 1."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(COMPANY_PREFIX):
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<id:{argument}>", "1").replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "1")
        found += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_there_are_company_routes_of_every_domain(app):
    urls = {url for _method, url in company_urls(app)}
    for expected in ("/company/", "/company/members", "/company/applications", "/company/delegations",
                     "/company/calendar", "/company/events/1/attendees.1", "/company/delegations/attendees.1"):
        assert expected in urls


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_visitors_are_sent_to_log_in(client, app, method):
    for route_method, url in company_urls(app):
        if route_method == method:
            response = client.open(url, method=method)
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_organizers_are_refused(client, app, auth, method):
    auth.login()
    for route_method, url in company_urls(app):
        if route_method == method:
            assert client.open(url, method=method).status_code == 403, url


@pytest.fixture
def other_companys_ids(app_ctx, now) -> dict[str, int]:
    """The demo's company (its application, hosted draft, delegation with people, a member), plus an open
    invitation and a join request of it: the ids another company must never reach."""
    load_demo(now=now)
    lead = find_user_by_email(LEAD_EMAIL)
    company = lead.organization
    invitation = invite_colleague(company, "new.colleague@yunheng.example", inviter=lead, language="en", now=now)
    join_request = request_to_join(company.uscc, AccountHolder("路人", "passer.by@yunheng.example",
                                                               "+8613900139009", "a long password 1"),
                                   language="en", now=now)
    db.session.commit()
    [application] = applications_of(company)
    [state] = delegations_of(company)
    person = db.session.scalar(select(Registration).where(Registration.delegation_id == state.delegation.id)
                               .limit(1))
    colleague = next(member for member in active_members(company) if member.id != lead.id)
    return {"file_format": "csv", "application_id": application.id, "delegation_id": state.delegation.id,
            "event_id": application.event_id, "invitation_id": invitation.id, "registration_id": person.id,
            "request_id": join_request.id, "user_id": colleague.id}


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name != "audit_entry"}  # reading attendee data is itself recorded there


def test_another_company_reaches_none_of_its_rows_by_any_route(client, app, auth, make_company_member,
                                                               other_companys_ids):
    """Another verified company's lead, given the demo company's ids in every URL: 403 or 404 (a route with
    no id answers with the visitor's own rows), the demo company's name on no page, and no row changed or
    mail queued by any POST."""
    auth.login_as(make_company_member())
    before = row_counts()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(COMPANY_PREFIX) or not rule.arguments:
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<id:{argument}>", str(other_companys_ids[argument])).replace(
                f"<{argument}>", str(other_companys_ids[argument]))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"name": "x", "email": "x@example.com"})
            allowed = (200, 403, 404) if method == "GET" and set(rule.arguments) <= NOT_AN_ID else (403, 404)
            assert response.status_code in allowed, (method, url, response.status_code)
            assert "云衡" not in response.get_data(as_text=True), (method, url)
    db.session.expire_all()
    assert row_counts() == before
