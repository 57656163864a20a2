"""A company's life in Chromium (SPEC 4c): it signs up, confirms its address, is verified by an organizer,
applies to host, and is accepted; a lead names three colleagues and one of them confirms."""
import re
from datetime import timedelta
from email.message import EmailMessage

from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventsapp.catalogue.models import Event, EventStatus, Organization
from eventsapp.catalogue.uscc import uscc_check_character
from eventsapp.extensions import db
from eventsapp.hosting import services as hosting
from eventsapp.hosting.details import CallDetails
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.models import Registration, RegistrationStatus
from eventsapp.timezones import utc_to_local
from tests.e2e.helpers import deliver_outbox, sign_in

LEAD_EMAIL = "wang@zhiheng.example"
LEAD_PASSWORD = "a long company password"
USCC = "91310115MA1H7KQ32"  # + its check character, below


def link_in(message: EmailMessage, pattern: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(pattern, text)
    assert found, text
    return found.group()


def mail_to(smtp_server, address: str) -> list[EmailMessage]:
    return [message for message in smtp_server.handler.messages if message["To"] == address]


def register_company(page: Page, live_server, uscc: str) -> None:
    page.goto(f"{live_server.url}/auth/register?lang=en")
    page.get_by_label("Organization name (Chinese)").fill("上海智衡智能装备有限公司")
    page.get_by_label("Organization name (English)").fill("Zhiheng Intelligent Equipment")
    page.get_by_label("Unified Social Credit Code").fill(uscc)
    page.get_by_label("Your name").fill("王经理")
    page.get_by_label("Mobile phone").fill("139 0013 9000")
    page.get_by_label("E-mail", exact=True).fill(LEAD_EMAIL)
    page.get_by_label("Password", exact=True).fill(LEAD_PASSWORD)
    page.get_by_label("Password again").fill(LEAD_PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your mailbox")).to_be_visible()


def local_input(moment, zone: str = "Asia/Shanghai") -> str:
    return utc_to_local(moment, zone).strftime("%Y-%m-%dT%H:%M")


def test_a_company_signs_up_is_verified_applies_to_host_and_is_accepted(
        live_server, smtp_server, new_page, make_campaign, make_user, app_ctx, now):
    campaign = make_campaign(name_en="Browser Campaign")
    hosting.save_call(campaign, CallDetails(deadline=now + timedelta(days=20), text_zh="欢迎承办。",
                                            text_en="Companies are welcome to host."), now=now)
    db.session.commit()
    company = new_page()
    register_company(company, live_server, USCC + uscc_check_character(USCC))

    deliver_outbox(live_server)
    [confirmation] = mail_to(smtp_server, LEAD_EMAIL)
    company.goto(link_in(confirmation, rf"{re.escape(live_server.url)}/auth/verify/\S+"))
    expect(company.get_by_text(re.compile("confirmed", re.I)).first).to_be_visible()

    organizer = new_page()
    sign_in(organizer, live_server, make_user)
    organizer.goto(f"{live_server.url}/manage/companies?lang=en")
    organizer.get_by_role("link", name=re.compile("Zhiheng|智衡")).first.click()
    organizer.get_by_role("button", name="Verify this organization").click()
    expect(organizer.get_by_text(re.compile("verified", re.I)).first).to_be_visible()

    company.goto(f"{live_server.url}/campaigns/{campaign.slug}?lang=en")
    company.get_by_role("link", name="Apply to host").click()
    starts = (now + timedelta(days=60)).replace(hour=6, minute=0, second=0)
    company.get_by_label("Theme (English)").fill("Machine vision open day")
    company.get_by_label("What your company will share").fill("How our inspection lines find defects.")
    company.get_by_label("First choice: starts").fill(local_input(starts))
    company.get_by_label("First choice: ends").fill(local_input(starts + timedelta(hours=3)))
    company.get_by_label("A new address").check()
    company.get_by_label("Name of the site").fill("智衡临港工厂")
    company.get_by_label("Address", exact=True).fill("上海市浦东新区临港大道 1 号")
    company.get_by_label("Expected number of visitors").fill("80")
    company.get_by_role("button", name="Send the application").click()
    expect(company.get_by_text("Waiting for review").first).to_be_visible()

    organizer.goto(f"{live_server.url}/manage/campaigns/{campaign.slug}/applications?lang=en")
    organizer.get_by_role("link", name="Machine vision open day").click()
    organizer.once("dialog", lambda dialog: dialog.accept())
    organizer.get_by_role("button", name="Accept and make a draft event").click()
    expect(organizer.get_by_role("link", name="Edit the draft event")).to_be_visible()

    company.goto(f"{live_server.url}/company/?lang=en")
    expect(company.get_by_text("Accepted").first).to_be_visible()
    expect(company.get_by_role("link", name="Machine vision open day").first).to_be_visible()
    db.session.expire_all()
    organization = db.session.scalar(select(Organization).where(Organization.uscc.startswith(USCC)))
    draft = db.session.scalar(select(Event).where(Event.host_id == organization.id))
    assert organization.is_verified and draft.status == EventStatus.DRAFT and draft.capacity == 80
    deliver_outbox(live_server)
    subjects = [message["Subject"] for message in mail_to(smtp_server, LEAD_EMAIL)]
    assert any("accepted" in subject.lower() for subject in subjects), subjects


def test_a_lead_names_three_colleagues_and_one_confirms(live_server, smtp_server, new_page, make_event,
                                                         make_company_member, app_ctx, now):
    lead = make_company_member(email=LEAD_EMAIL, password=LEAD_PASSWORD, language="en")
    event = make_event(title_en="Delegation Day", capacity=20)
    delegation = grant_quota(event, lead.organization, QuotaTerms(quota=3), actor=None, now=now)
    db.session.commit()
    page = new_page()
    page.goto(f"{live_server.url}/auth/login?lang=en")
    page.get_by_label("E-mail").fill(LEAD_EMAIL)
    page.get_by_label("Password").fill(LEAD_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Delegations", exact=True).first.click()
    page.get_by_role("link", name="Delegation Day").click()
    colleagues = [("李明", "li@zhiheng.example", "138 0013 8001"),
                  ("Anna Schmidt", "anna@zhiheng.example", "+49 151 23456789"),
                  ("赵强", "zhao@zhiheng.example", "138 0013 8003")]
    for row, (name, email, mobile) in enumerate(colleagues, start=1):
        page.get_by_label(f"Full name {row}", exact=True).fill(name)
        page.get_by_label(f"E-mail {row}", exact=True).fill(email)
        page.get_by_label(f"Mobile phone {row}", exact=True).fill(mobile)
    page.get_by_role("button", name="Name these people").click()
    for name, _email, _mobile in colleagues:
        expect(page.get_by_role("cell", name=name)).to_be_visible()

    deliver_outbox(live_server)
    [invitation] = mail_to(smtp_server, "anna@zhiheng.example")
    colleague = new_page()
    colleague.goto(link_in(invitation, rf"{re.escape(live_server.url)}/registrations/[\w-]+"))
    colleague.get_by_role("checkbox", name=re.compile(r"^I agree")).check()
    colleague.get_by_role("button", name="Confirm my place").click()
    expect(colleague.get_by_text("Your place is confirmed.", exact=True)).to_be_visible()

    page.reload()
    states = {registration.email: registration.status for registration in people_of(delegation)}
    assert states == {"li@zhiheng.example": RegistrationStatus.INVITED,
                      "anna@zhiheng.example": RegistrationStatus.CONFIRMED,
                      "zhao@zhiheng.example": RegistrationStatus.INVITED}
    deliver_outbox(live_server)
    assert [message["Subject"] for message in mail_to(smtp_server, "anna@zhiheng.example")][-1] == \
        "Your place is confirmed: Delegation Day"


def people_of(delegation) -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).where(Registration.delegation_id == delegation.id)))
