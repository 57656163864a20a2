"""The organizers' Companies tab: accounts waiting for verification, verifying, refusing with a reason,
merging into an organization of the catalogue, and join requests nobody else can decide."""
import pytest
from sqlalchemy import select

from eventsapp.accounts.models import CompanyRole, Invitation, JoinRequest, JoinStatus, User, VerificationRequest
from eventsapp.catalogue.models import Event, Organization
from eventsapp.companies import services
from eventsapp.companies.feed import company_feed_for
from eventsapp.errors import NotAllowedInState
from eventsapp.extensions import db
from tests.accounts.helpers import join_data, mails_to, signup_data, uscc
from tests.catalogue.helpers import field_error, page_of


@pytest.fixture
def pending(client, app_ctx):
    """A company that signed up on the site: unverified, its lead (English mails) and a verification request."""
    client.post("/auth/register?lang=en", data=signup_data(uscc=uscc(11), name_zh="", website=""))
    client.post("/auth/logout")
    db.session.expire_all()
    return db.session.scalar(select(Organization).where(Organization.uscc == uscc(11)))


def test_the_companies_tab_lists_those_waiting_with_their_lead_and_code_check(client, auth, pending,
                                                                           make_company):
    make_company(name_en="Already Verified")
    auth.login()
    page = page_of(client.get("/manage/companies?lang=en"))
    assert "Shanghai Shentong Metro" in page and "wang.fang@shmetro.example" in page and uscc(11) in page
    assert "check character right" in page and "Already Verified" not in page
    assert 'href="/manage/companies"' in page_of(client.get("/manage/?lang=en"))
    detail = page_of(client.get(f"/manage/companies/{pending.id}?lang=en"))
    assert "+86 138 0013 8000" in detail and "office@shmetro.example" in detail


def test_verifying_mails_the_leads_and_opens_the_company(client, auth, pending):
    auth.login()
    assert client.post(f"/manage/companies/{pending.id}/verify").status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, pending.id).is_verified
    assert db.session.scalar(select(VerificationRequest)).decided_at is not None
    assert mails_to("wang.fang@shmetro.example")[-1].subject == "Shanghai Shentong Metro is verified"
    assert "No company waits" in page_of(client.get("/manage/companies?lang=en"))
    assert client.get(f"/manage/companies/{pending.id}").status_code == 404
    assert client.post(f"/manage/companies/{pending.id}/verify").status_code == 404


def test_refusing_needs_a_reason_mails_it_and_the_account_may_ask_again(client, auth, pending):
    auth.login()
    empty = client.post(f"/manage/companies/{pending.id}/reject?lang=en", data={"reason": "  "})
    assert empty.status_code == 422 and "Say why" in field_error(empty, "reason")
    reason = {"reason": "营业执照与名称不符"}
    assert client.post(f"/manage/companies/{pending.id}/reject", data=reason).status_code == 302
    db.session.expire_all()
    assert not db.session.get(Organization, pending.id).is_verified
    mail = mails_to("wang.fang@shmetro.example")[-1]
    assert "could not be verified" in mail.subject and "营业执照与名称不符" in mail.body_text
    assert "No company waits" in page_of(client.get("/manage/companies?lang=en"))


def test_merging_moves_the_people_into_the_catalogues_organization(client, auth, pending, make_organization):
    host = make_organization(name_zh="上海申通地铁集团有限公司", name_en="", website="")
    lead = db.session.scalar(select(User).where(User.organization_id == pending.id))
    db.session.add(Invitation(organization=pending, email="x@example.com", token_hash="t" * 64, invited_by=lead,
                              expires_at=pending.created_at))
    db.session.commit()
    auth.login()
    pending_id = pending.id
    assert client.post(f"/manage/companies/{pending_id}/merge", data={"target": host.id}).status_code == 302
    db.session.expire_all()
    merged = db.session.get(Organization, host.id)
    assert db.session.get(Organization, pending_id) is None
    assert merged.uscc == uscc(11) and merged.is_verified
    assert merged.name_zh == "上海申通地铁集团有限公司" and merged.name_en == "Shanghai Shentong Metro"
    assert merged.contact_email == "office@shmetro.example" and merged.sector == "transport"
    assert db.session.get(User, lead.id).organization_id == host.id
    assert db.session.scalar(select(Invitation)).organization_id == host.id
    assert db.session.scalar(select(VerificationRequest)).decided_at is not None
    assert "is verified" in mails_to(lead.email)[-1].subject
    auth.logout()
    auth.login_as(lead, password="a long enough secret")
    assert "上海申通地铁集团有限公司" in page_of(client.get("/company/?lang=zh"))


def test_merging_is_refused_into_an_organization_with_members_or_another_code(client, auth, pending, make_company,
                                                                             make_company_member, make_organization,
                                                                             now):
    with_members = make_company_member(make_company(name_en="Has People")).organization
    other_code = make_organization(name_en="Other Code", uscc=uscc(12), verified_at=now)
    for target in (with_members, other_code):
        with pytest.raises(NotAllowedInState):
            services.merge_organization(pending, target, organizer=make_organizer(), now=now)
        db.session.rollback()
    auth.login()
    response = client.post(f"/manage/companies/{pending.id}/merge?lang=en", data={"target": with_members.id})
    assert response.status_code == 422 and field_error(response, "target")  # not among the choices
    response = client.post(f"/manage/companies/{pending.id}/merge?lang=en", data={"target": other_code.id})
    assert response.status_code == 409 and "another Unified Social Credit Code" in field_error(response, "target")
    db.session.expire_all()
    still_pending = db.session.get(Organization, pending.id)
    assert still_pending is not None and not still_pending.is_verified


def test_merging_carries_co_hosted_events_and_the_calendar_address_over(pending, make_organization, make_event,
                                                                        now):
    """Nothing of the account is lost to the database's cascade: an event that names it as co-host names
    the organization, and its members' subscribed calendar keeps its address."""
    target = make_organization(name_en="Catalogue Org", verified_at=now)
    event = make_event()
    event.co_hosts.append(pending)
    feed_token = company_feed_for(pending).token
    db.session.commit()
    services.merge_organization(pending, target, organizer=make_organizer(), now=now)
    db.session.commit()
    db.session.expire_all()
    assert [host.id for host in db.session.get(Event, event.id).co_hosts] == [target.id]
    assert company_feed_for(db.session.get(Organization, target.id)).token == feed_token


def make_organizer() -> User:
    organizer = db.session.scalar(select(User).where(User.email == "organizer@example.com"))
    if organizer is None:
        organizer = User(email="organizer@example.com", password_hash="x", role="organizer")
        db.session.add(organizer)
        db.session.flush()
    return organizer


def test_organizers_decide_requests_to_join_an_organization_without_members(client, auth, make_organization, now):
    host = make_organization(name_en="Catalogue Host", uscc=uscc(20), verified_at=now)
    client.post("/auth/join?lang=en", data=join_data(uscc(20)))
    auth.login()
    assert "李明" in page_of(client.get("/manage/companies"))
    join_request = db.session.scalar(select(JoinRequest))
    assert client.post(f"/manage/companies/join-requests/{join_request.id}/approve").status_code == 302
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "li.ming@shmetro.example"))
    assert user.organization_id == host.id and user.company_role == CompanyRole.LEAD
    assert db.session.get(JoinRequest, join_request.id).status == JoinStatus.APPROVED
    assert "/auth/verify/" in mails_to("li.ming@shmetro.example")[-1].body_text


def test_organizers_cannot_decide_a_request_the_lead_contact_decides(client, auth, make_company,
                                                                     make_company_member):
    company = make_company(uscc=uscc(21))
    make_company_member(company)
    client.post("/auth/join", data=join_data(uscc(21)))
    auth.login()
    join_request = db.session.scalar(select(JoinRequest))
    assert "李明" not in page_of(client.get("/manage/companies"))
    assert client.post(f"/manage/companies/join-requests/{join_request.id}/approve").status_code == 404
    assert db.session.get(JoinRequest, join_request.id).status == JoinStatus.PENDING


@pytest.mark.parametrize("url", ["/manage/companies", "/manage/companies/{id}"])
def test_only_organizers_see_the_companies_tab(client, auth, pending, make_company_member, url):
    url = url.format(id=pending.id)
    assert client.get(url).status_code == 302
    lead = db.session.scalar(select(User).where(User.organization_id == pending.id))
    auth.login_as(lead, password="a long enough secret")
    assert client.get(url).status_code == 403
    for action in ("verify", "reject", "merge"):
        assert client.post(f"/manage/companies/{pending.id}/{action}", data={"reason": "x"}).status_code == 403
    auth.logout()
    auth.login_as(make_company_member())
    assert client.get(url).status_code == 403
    db.session.expire_all()
    assert not db.session.get(Organization, pending.id).is_verified


def test_an_unknown_or_verified_organization_has_no_verification_page(client, auth, make_company):
    auth.login()
    assert client.get("/manage/companies/999").status_code == 404
    assert client.get(f"/manage/companies/{make_company().id}").status_code == 404
