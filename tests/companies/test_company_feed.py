"""The company calendar feed: its events, its secret address that a lead contact can replace, and the
rules every feed follows (304, private caching)."""
import re

from icalendar import Calendar

from eventsapp.accounts.models import CompanyRole
from eventsapp.catalogue.models import EventStatus
from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, grant_quota, withdraw


def feed_path(client) -> str:
    page = client.get("/company/calendar").get_data(as_text=True)
    return re.search(r'href="(/feeds/companies/[^"]+\.ics)"', page).group(1)


def summaries(response) -> set[str]:
    return {str(vevent["SUMMARY"]) for vevent in Calendar.from_ical(response.data).walk("VEVENT")}


def test_the_feed_holds_the_events_the_company_hosts_and_co_hosts(client, auth, make_company_member, make_event):
    member = make_company_member(role=CompanyRole.MEMBER)
    company = member.organization
    make_event(host=company, title_en="Hosted")
    co_hosted = make_event(title_en="Co-hosted")
    co_hosted.co_hosts.append(company)
    make_event(host=company, title_en="Draft", status=EventStatus.DRAFT)
    make_event(title_en="Unrelated")
    auth.login_as(member)
    path = feed_path(client)
    response = client.get(path + "?lang=en")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "private" in response.headers["Cache-Control"]
    assert summaries(response) == {"Hosted", "Co-hosted"}
    assert "Cache-Control" in response.headers
    again = client.get(path + "?lang=en", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_lead_replaces_the_address_and_the_old_one_stops_answering(client, auth, make_company_member, make_event):
    lead = make_company_member()
    make_event(host=lead.organization, title_en="Hosted")
    auth.login_as(lead)
    old = feed_path(client)
    assert client.get(old).status_code == 200
    assert client.post("/company/calendar/replace").status_code == 302
    new = feed_path(client)
    assert new != old and client.get(old).status_code == 404 and client.get(new).status_code == 200


def test_a_plain_member_cannot_replace_the_address(client, auth, make_company_member):
    auth.login_as(make_company_member(role=CompanyRole.MEMBER))
    old = feed_path(client)
    assert client.post("/company/calendar/replace").status_code == 403
    assert feed_path(client) == old


def test_another_companys_members_see_their_own_feed_only(client, auth, make_company_member, make_event):
    first, second = make_company_member(), make_company_member()
    make_event(host=first.organization, title_en="First's")
    auth.login_as(first)
    first_path = feed_path(client)
    auth.logout()
    auth.login_as(second)
    assert feed_path(client) != first_path
    assert summaries(client.get(feed_path(client))) == set()


def test_a_malformed_or_unknown_token_is_not_found(client):
    assert client.get("/feeds/companies/short.ics").status_code == 404
    assert client.get("/feeds/companies/" + "A" * 32 + ".ics").status_code == 404


def test_events_where_the_company_holds_seats_join_the_feed_and_leave_it_when_withdrawn(
        client, auth, make_company_member, make_event, now):
    member = make_company_member()
    event = make_event(title_en="Where we send people", capacity=20)
    delegation = grant_quota(event, member.organization, QuotaTerms(quota=4), actor=None, now=now)
    db.session.commit()
    auth.login_as(member)
    path = feed_path(client)
    first = client.get(path + "?lang=en")
    assert summaries(first) == {"Where we send people"}
    withdraw(delegation, actor=None, now=now)
    db.session.commit()
    after = client.get(path + "?lang=en", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and summaries(after) == set()
