"""/company/members: every member sees the list; the lead contact invites, changes roles, removes, and
decides requests to join. Tried as every kind of visitor (SPEC 3.7): no other company's rows, ever."""
import pytest
from sqlalchemy import select

from eventsapp.accounts.models import CompanyRole, Invitation, JoinRequest, User
from eventsapp.extensions import db
from tests.accounts.helpers import PASSWORD
from tests.catalogue.helpers import page_of


@pytest.fixture
def company(make_company, make_company_member, now):
    """A company with its lead, a member, an open invitation and a pending request to join."""
    organization = make_company(name_en="Shentong Metro")
    lead = make_company_member(organization, name="王经理")
    member = make_company_member(organization, role=CompanyRole.MEMBER, name="李工", phone="+8613800138000")
    invitation = Invitation(organization=organization, email="invited@example.com", token_hash="h" * 64,
                            invited_by=lead, expires_at=now.replace(year=now.year + 1))
    join_request = JoinRequest(organization=organization, name="张三", email="zhang@example.com",
                               phone="+8613900001111", password_hash="x")
    db.session.add_all([invitation, join_request])
    db.session.commit()
    return {"organization": organization, "lead": lead, "member": member, "invitation": invitation,
            "join_request": join_request}


def actions(company) -> dict[str, str]:
    """Every acting route of the members page, on this company's rows."""
    member, invitation, join_request = company["member"], company["invitation"], company["join_request"]
    return {"invite": "/company/members/invite", "lead": f"/company/members/{member.id}/lead",
            "member": f"/company/members/{company['lead'].id}/member",
            "remove": f"/company/members/{member.id}/remove",
            "resend": f"/company/invitations/{invitation.id}/resend",
            "revoke": f"/company/invitations/{invitation.id}/revoke",
            "approve": f"/company/join-requests/{join_request.id}/approve",
            "refuse": f"/company/join-requests/{join_request.id}/refuse"}


def snapshot() -> list:
    db.session.expire_all()
    users = [(u.id, u.company_role, u.is_active_account)
             for u in db.session.scalars(select(User).where(User.organization_id.is_not(None)).order_by(User.id))]
    invitations = [(i.id, i.token_hash, i.revoked_at) for i in db.session.scalars(select(Invitation))]
    requests = [(r.id, r.status) for r in db.session.scalars(select(JoinRequest))]
    return [users, invitations, requests]


def test_every_member_sees_the_members_but_only_the_lead_sees_the_tools(client, auth, company):
    auth.login_as(company["member"])
    page = page_of(client.get("/company/members?lang=en"))
    assert "王经理" in page and "李工" in page and "+86 138 0013 8000" in page
    assert "Invite a colleague" not in page and "invited@example.com" not in page and "张三" not in page
    auth.logout()
    auth.login_as(company["lead"])
    page = page_of(client.get("/company/members?lang=en"))
    assert "Invite a colleague" in page and "invited@example.com" in page and "张三" in page


@pytest.mark.parametrize("action", ["invite", "lead", "member", "remove", "resend", "revoke", "approve", "refuse"])
def test_a_member_who_is_not_the_lead_is_refused(client, auth, company, action):
    auth.login_as(company["member"])
    before = snapshot()
    assert client.post(actions(company)[action], data={"email": "x@example.com"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("action", ["lead", "member", "remove", "resend", "revoke", "approve", "refuse"])
@pytest.mark.parametrize("verified", [True, False])
def test_another_companys_lead_finds_nothing(client, auth, company, make_company, make_company_member, action,
                                             verified):
    stranger = make_company_member(make_company(verified=verified))
    auth.login_as(stranger)
    before = snapshot()
    assert client.post(actions(company)[action]).status_code == 404
    assert snapshot() == before
    assert "王经理" not in page_of(client.get("/company/members"))


@pytest.mark.parametrize("action", ["invite", "lead", "member", "remove", "resend", "revoke", "approve", "refuse"])
def test_anonymous_visitors_and_organizers_are_kept_out(client, auth, company, action):
    before = snapshot()
    response = client.post(actions(company)[action], data={"email": "x@example.com"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/company/members").status_code == 302
    auth.login()
    assert client.post(actions(company)[action], data={"email": "x@example.com"}).status_code == 403
    assert client.get("/company/members").status_code == 403
    assert snapshot() == before


def test_an_unverified_companys_lead_manages_its_members(client, auth, make_company, make_company_member):
    lead = make_company_member(make_company(verified=False))
    auth.login_as(lead)
    assert client.get("/company/members").status_code == 200
    assert client.post("/company/members/invite", data={"email": "colleague@example.com"}).status_code == 302


def test_the_lead_makes_a_member_lead_and_steps_back(client, auth, company):
    lead, member = company["lead"], company["member"]
    auth.login_as(lead)
    assert client.post(f"/company/members/{member.id}/lead").status_code == 302
    assert client.post(f"/company/members/{lead.id}/member").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).company_role == CompanyRole.LEAD
    assert db.session.get(User, lead.id).company_role == CompanyRole.MEMBER
    assert client.post("/company/members/invite", data={"email": "x@example.com"}).status_code == 403


def test_the_last_lead_cannot_step_back_nor_be_removed(client, auth, company):
    lead = company["lead"]
    auth.login_as(lead)
    before = snapshot()
    response = client.post(f"/company/members/{lead.id}/member", follow_redirects=True,
                           query_string={"lang": "en"})
    assert "needs a lead contact" in page_of(response)
    client.post(f"/company/members/{lead.id}/remove")
    assert snapshot() == before


def test_a_removed_member_can_no_longer_sign_in_and_the_row_stays(client, app, auth, company):
    member = company["member"]
    their_browser = app.test_client()
    their_browser.post("/auth/login", data={"email": member.email, "password": "correct horse battery"})
    auth.login_as(company["lead"])
    assert client.post(f"/company/members/{member.id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).is_active_account is False
    assert "李工" not in page_of(client.get("/company/members"))
    assert their_browser.get("/company/").status_code == 302
    assert their_browser.post("/auth/login", data={"email": member.email, "password": "correct horse battery"}
                              ).status_code == 422
    assert client.post(f"/company/members/{member.id}/lead").status_code == 404


def test_revoking_and_resending_an_invitation(client, auth, company):
    invitation = company["invitation"]
    auth.login_as(company["lead"])
    assert client.post(f"/company/invitations/{invitation.id}/resend").status_code == 302
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).token_hash != "h" * 64
    assert client.post(f"/company/invitations/{invitation.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is not None
    client.get("/company/members")  # shows the messages of the two actions, once
    assert "invited@example.com" not in page_of(client.get("/company/members"))


def test_a_member_whose_address_is_not_confirmed_is_asked_to_confirm_it(client, auth, company, make_company_member):
    unconfirmed = make_company_member(company["organization"], email_verified_at=None)
    auth.login_as(unconfirmed)
    response = client.get("/company/members?lang=en")
    assert response.status_code == 403 and "Confirm your address first" in page_of(response)
    assert client.post(actions(company)["remove"]).status_code == 403


def test_the_approved_person_signs_in_with_the_password_they_chose(client, auth, company, make_company):
    from werkzeug.security import generate_password_hash

    join_request = company["join_request"]
    join_request.password_hash = generate_password_hash(PASSWORD)
    db.session.commit()
    auth.login_as(company["lead"])
    client.post(f"/company/join-requests/{join_request.id}/approve")
    auth.logout()
    assert client.post("/auth/login", data={"email": "zhang@example.com", "password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(JoinRequest, join_request.id).password_hash == ""
