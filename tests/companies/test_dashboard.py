"""The company area: who may enter /company/, and what the dashboard shows (SPEC 3.7, 4c)."""
from eventsapp.accounts.models import CompanyRole
from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, grant_quota


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/company/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_organizers_are_not_company_members(client, auth):
    auth.login()
    assert client.get("/company/").status_code == 403


def test_a_member_sees_their_own_company_and_its_members_only(client, auth, make_company_member, make_company):
    lead = make_company_member(make_company(name_en="Shentong Metro"), name="王经理")
    colleague = make_company_member(lead.organization, role=CompanyRole.MEMBER, name="李工")
    stranger = make_company_member(make_company(name_en="Other Works"), name="赵总")
    auth.login_as(colleague)
    page = client.get("/company/?lang=en").get_data(as_text=True)
    assert "Shentong Metro" in page and "王经理" in page and "李工" in page
    assert "Other Works" not in page and stranger.name not in page
    assert "have not verified" not in page


def test_logging_in_leads_a_member_to_their_dashboard(auth, make_company_member):
    response = auth.login_as(make_company_member())
    assert response.headers["Location"].endswith("/company/")


def test_an_unverified_company_is_told_it_waits_for_the_organizers(client, auth, make_company_member, make_company):
    auth.login_as(make_company_member(make_company(verified=False)))
    assert "have not verified" in client.get("/company/?lang=en").get_data(as_text=True)


def test_the_dashboard_shows_the_companys_delegations_with_their_counts(client, auth, make_company_member,
                                                                        make_event, now):
    member = make_company_member()
    event = make_event(title_en="Where we send people", capacity=20)
    grant_quota(event, member.organization, QuotaTerms(quota=4), actor=None, now=now)
    grant_quota(make_event(title_en="Others go"), make_company_member().organization, QuotaTerms(quota=2),
                actor=None, now=now)
    db.session.commit()
    auth.login_as(member)
    page = client.get("/company/?lang=en").get_data(as_text=True)
    assert "Where we send people" in page and "0 of 4 seats confirmed, 0 named" in page
    assert "Others go" not in page
