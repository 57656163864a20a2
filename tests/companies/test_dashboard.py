"""The company area: who may enter /company/, and what the dashboard shows (SPEC 3.7, 4c)."""
from eventsapp.accounts.models import CompanyRole


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
