"""Asking to join an organization that has an account (its code is taken), and invitations by the lead."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsapp.accounts.invitations import Invitee, accept_invitation, find_invitation, hash_token, invite_colleague
from eventsapp.accounts.models import CompanyRole, Invitation, JoinRequest, JoinStatus, User
from eventsapp.accounts.tokens import LinkExpired
from eventsapp.errors import Conflict
from eventsapp.extensions import db
from tests.accounts.helpers import PASSWORD, join_data, link_in, mails_to, uscc
from tests.catalogue.helpers import field_error, page_of


def test_asking_to_join_tells_the_lead_who_approves_and_the_person_signs_in(client, auth, make_company,
                                                                          make_company_member):
    company = make_company(uscc=uscc(3), name_en="Shentong Metro")
    lead = make_company_member(company, language="en")
    page = page_of(client.get(f"/auth/join?uscc={uscc(3)}"))
    assert uscc(3) in page
    response = client.post("/auth/join?lang=en", data=join_data(uscc(3).lower()))
    assert response.status_code == 200 and "li.ming@shmetro.example" in page_of(response)
    [to_lead] = mails_to(lead.email)
    assert "李明 asks to join" in to_lead.subject and "/company/members" in to_lead.body_text
    assert db.session.scalar(select(User).where(User.email == "li.ming@shmetro.example")) is None

    auth.login_as(lead)
    join_request = db.session.scalar(select(JoinRequest))
    assert "李明" in page_of(client.get("/company/members"))
    assert client.post(f"/company/join-requests/{join_request.id}/approve").status_code == 302
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "li.ming@shmetro.example"))
    assert user.organization_id == company.id and user.company_role == CompanyRole.MEMBER
    assert user.phone == "+8613900001111" and user.email_verified_at is None
    [outcome] = mails_to("li.ming@shmetro.example")
    assert "/auth/verify/" in outcome.body_text
    assert outcome.subject == "Welcome to Shentong Metro"  # the requester's language, not the lead's page's
    auth.logout()
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_a_refused_request_is_mailed_and_makes_no_account(client, auth, make_company, make_company_member):
    company = make_company(uscc=uscc(3))
    lead = make_company_member(company)
    client.post("/auth/join", data=join_data(uscc(3)))
    auth.login_as(lead)
    join_request = db.session.scalar(select(JoinRequest))
    assert client.post(f"/company/join-requests/{join_request.id}/refuse").status_code == 302
    db.session.expire_all()
    assert db.session.get(JoinRequest, join_request.id).status == JoinStatus.REFUSED
    assert db.session.scalar(select(User).where(User.email == "li.ming@shmetro.example")) is None
    assert len(mails_to("li.ming@shmetro.example")) == 1
    again = client.post(f"/company/join-requests/{join_request.id}/approve")
    assert again.status_code == 302 and db.session.scalar(
        select(User).where(User.email == "li.ming@shmetro.example")) is None


def test_join_refusals_are_next_to_the_field(client, make_company, make_user):
    make_company(uscc=uscc(3))
    make_user(email="taken@example.com")
    unknown = client.post("/auth/join?lang=en", data=join_data(uscc(4)))
    assert unknown.status_code == 422 and "No organization has an account" in field_error(unknown, "uscc")
    taken = client.post("/auth/join?lang=en", data=join_data(uscc(3), email="taken@example.com"))
    assert taken.status_code == 409 and "already exists" in field_error(taken, "email")
    assert client.post("/auth/join", data=join_data(uscc(3))).status_code == 200
    twice = client.post("/auth/join?lang=en", data=join_data(uscc(3)))
    assert twice.status_code == 409 and "already asked" in field_error(twice, "email")
    assert len(list(db.session.scalars(select(JoinRequest)))) == 1


def test_an_invited_colleague_sets_name_mobile_and_password_and_is_a_confirmed_member(client, auth,
                                                                                    make_company_member):
    lead = make_company_member()
    auth.login_as(lead)
    response = client.post("/company/members/invite", data={"email": "Colleague@Example.com "})
    assert response.status_code == 302
    [mail] = mails_to("colleague@example.com")
    link = link_in(mail, "/auth/invitations/")
    auth.logout()
    page = page_of(client.get(link))
    assert "colleague@example.com" in page
    response = client.post(link, data={"name": "赵六", "phone": "+49 151 1234 5678", "password": PASSWORD,
                                       "password_again": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/company/"
    user = db.session.scalar(select(User).where(User.email == "colleague@example.com"))
    assert user.organization_id == lead.organization_id and user.company_role == CompanyRole.MEMBER
    assert user.email_verified_at is not None and user.phone == "+4915112345678"
    assert client.get("/company/members").status_code == 200  # no "confirm your address first"
    used = client.get(link + "?lang=en")
    assert used.status_code == 400 and "used already" in page_of(used)


def test_expired_revoked_forged_and_resent_invitation_links_are_refused(client, auth, make_company_member, now):
    lead = make_company_member()
    auth.login_as(lead)
    client.post("/company/members/invite", data={"email": "colleague@example.com"})
    first = link_in(mails_to("colleague@example.com")[0], "/auth/invitations/")
    invitation = db.session.scalar(select(Invitation))
    assert client.post(f"/company/invitations/{invitation.id}/resend").status_code == 302
    second = link_in(mails_to("colleague@example.com")[1], "/auth/invitations/")
    assert client.get(first + "?lang=en").status_code == 400  # the resent link replaces it
    assert client.get(second).status_code == 200
    assert client.get("/auth/invitations/forged-token?lang=en").status_code == 400

    token = second.rsplit("/", 1)[1]
    assert find_invitation(token, now=now).expires_at > now + timedelta(days=6)
    with pytest.raises(LinkExpired):  # a week later
        find_invitation(token, now=now + timedelta(days=8))

    assert client.post(f"/company/invitations/{invitation.id}/revoke").status_code == 302
    revoked = client.get(second + "?lang=en")
    assert revoked.status_code == 400 and "withdrawn" in page_of(revoked)
    posted = client.post(second, data={"name": "X", "phone": "13800138000", "password": PASSWORD,
                                       "password_again": PASSWORD})
    assert posted.status_code == 400
    assert db.session.scalar(select(User).where(User.email == "colleague@example.com")) is None


def test_inviting_an_address_with_an_account_or_an_open_invitation_is_refused(client, auth, make_company_member,
                                                                             make_user):
    lead = make_company_member()
    make_user(email="organizer@example.com")
    auth.login_as(lead)
    taken = client.post("/company/members/invite?lang=en", data={"email": "organizer@example.com"})
    assert taken.status_code == 409 and "already exists" in field_error(taken, "email")
    client.post("/company/members/invite", data={"email": "new@example.com"})
    twice = client.post("/company/members/invite?lang=en", data={"email": "NEW@example.com"})
    assert twice.status_code == 409 and "already invited" in field_error(twice, "email")
    assert len(list(db.session.scalars(select(Invitation)))) == 1


def test_only_the_hash_of_an_invitation_token_is_stored(client, auth, make_company_member):
    auth.login_as(make_company_member())
    client.post("/company/members/invite", data={"email": "colleague@example.com"})
    token = link_in(mails_to("colleague@example.com")[0], "/auth/invitations/").rsplit("/", 1)[1]
    invitation = db.session.scalar(select(Invitation))
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash


def test_an_invitation_accepted_after_the_address_got_an_account_is_refused(app_ctx, make_company_member, make_user,
                                                                          now):
    lead = make_company_member()
    invite_colleague(lead.organization, "colleague@example.com", inviter=lead, language="en", now=now)
    token = link_in(mails_to("colleague@example.com")[0], "/auth/invitations/").rsplit("/", 1)[1]
    db.session.commit()
    make_user(email="colleague@example.com")
    with pytest.raises(Conflict) as refused:
        accept_invitation(token, Invitee("赵六", "+8613800138000", PASSWORD), language="zh", now=now)
    assert refused.value.field == "email"


def test_the_same_invitation_accepted_twice_at_once_makes_one_account(client, app_ctx, make_company_member, make_user,
                                                                       now, monkeypatch):
    """A double-click on "Create my account": both requests pass the early check before either commits.
    Simulated by letting the early check pass an address that has an account: the database refuses the
    second, and the person reads a message, not an error page."""
    lead = make_company_member()
    invite_colleague(lead.organization, "colleague@example.com", inviter=lead, language="en", now=now)
    path = link_in(mails_to("colleague@example.com")[0], "/auth/invitations/")
    db.session.commit()
    make_user(email="colleague@example.com")
    monkeypatch.setattr("eventsapp.accounts.invitations.check_email_free", lambda email: None)
    response = client.post(path + "?lang=en", data={"name": "赵六", "phone": "138 0013 8000", "password": PASSWORD,
                                                    "password_again": PASSWORD})
    assert response.status_code == 409 and "already exists" in page_of(response)
    db.session.expire_all()
    assert db.session.scalar(select(Invitation)).accepted_at is None
