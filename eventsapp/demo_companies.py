"""Demo data for the companies' side (SPEC 4c): a company account on one of the demo's hosts, with its
lead contact and a colleague; its accepted application to host (a draft event) and a delegation of three
colleagues at a coming event, one of whom confirmed; and a new company waiting for verification.

Everything goes through the services a company and an organizer use, the way the pages do. Idempotent:
when the lead contact's account exists, nothing is done. Flushes only; the caller commits."""
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from .accounts.companies import CompanyDetails, register_company, request_to_join, verify_email
from .accounts.companies import Person as AccountHolder
from .accounts.members import approve_join_request
from .accounts.models import User
from .accounts.services import find_user_by_email
from .accounts.tokens import verification_token
from .catalogue.models import Campaign, Event, EventStatus, Organization, Sector
from .catalogue.uscc import uscc_check_character
from .extensions import db
from .hosting.details import ApplicationDetails, CallDetails
from .hosting.queries import call_of
from .hosting.services import accept_application, save_call, submit_application
from .registration.delegation_people import confirm_invitation, name_people
from .registration.delegations import QuotaTerms, grant_quota
from .registration.people import Person as Colleague

COMPANY_PASSWORD = "demo-company-2026"
LEAD_EMAIL = "lead@yunheng.example"
NEWCOMER_USCC = "91310104MA1FR5XK4" + uscc_check_character("91310104MA1FR5XK4")
COLLEAGUES = (Colleague("周敏", "zhou.min@yunheng.example", "+8613800138101", "质量工程师", line=1),
              Colleague("Daniel Weber", "daniel.weber@yunheng.example", "+4915123456789", "Software Architect", line=2),
              Colleague("孙浩", "sun.hao@yunheng.example", "+8613800138103", "测试经理", line=3))


def load_demo_companies(*, campaign: Campaign, organizer: User, tally: Counter, now: datetime) -> None:
    if find_user_by_email(LEAD_EMAIL) is not None:
        tally["company accounts", "present"] += 3
        return
    company = db.session.scalar(select(Organization).where(Organization.name_en.startswith("Shanghai Yunheng")))
    assert company is not None and company.uscc, "the demo's hosts come first"
    lead = _join(company, organizer, "林晓", LEAD_EMAIL, "+8613900139001", now=now)
    _join(company, lead, "胡静", "hu.jing@yunheng.example", "+8613900139002", now=now)
    _register_newcomer(now=now)
    tally["company accounts", "created"] += 3
    _apply_and_accept(campaign, company, lead, organizer, now=now)
    tally["host applications", "created"] += 1
    _send_delegation(campaign, company, lead, now=now)
    tally["delegations", "created"] += 1


def _join(company: Organization, decider: User, name: str, email: str, phone: str, *, now: datetime) -> User:
    """Asked to join, approved (by the organizers for a company without members, else by its lead), and
    the address confirmed by the link that was mailed."""
    request = request_to_join(company.uscc or "", _person(name, email, phone), language="zh", now=now)
    user = approve_join_request(request, decider=decider, now=now)
    db.session.flush()
    return verify_email(verification_token(user, now=now), now=now)


def _person(name: str, email: str, phone: str) -> AccountHolder:
    return AccountHolder(name=name, email=email, phone=phone, password=COMPANY_PASSWORD)


def _register_newcomer(*, now: datetime) -> None:
    """A company that signed up and waits for the organizers' check (the back office's Companies tab)."""
    register_company(CompanyDetails(name_zh="上海新航质量咨询有限公司",
                                    name_en="Shanghai Xinhang Quality Consulting Co., Ltd.",
                                    sector=Sector.SERVICES, website="", uscc=NEWCOMER_USCC),
                     _person("钱程", "qian.cheng@xinhang.example", "+8613900139003"), language="zh", now=now)


def _apply_and_accept(campaign: Campaign, company: Organization, lead: User, organizer: User, *,
                      now: datetime) -> Event:
    call = call_of(campaign) or save_call(campaign, CallDetails(
        deadline=now + timedelta(days=30), text_zh="欢迎本市企业申请承办下一场质量开放日，分享质量管理经验。",
        text_en="Shanghai companies are welcome to host the next quality open day and share how they manage quality."),
        now=now)
    starts_at = (now + timedelta(days=49)).replace(hour=6, minute=0, second=0, microsecond=0)  # 14:00 in Shanghai
    application = submit_application(call, company, ApplicationDetails(
        theme_zh="质量数据平台开放日", theme_en="Quality data platform open day",
        sharing="展示制造企业如何用质量数据平台追溯缺陷、改进工艺。", starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3), expected_capacity=60, contact_name=lead.name,
        contact_phone=lead.phone, contact_email=lead.email, other_dates="下一周的周四下午也可以",
        site_name="云衡软件张江研发中心", site_address="上海市浦东新区张江路 88 号", site_district="浦东新区",
        site_city="上海"), submitted_by=lead, language="zh", now=now)
    return accept_application(application, reviewer=organizer, now=now)


def _send_delegation(campaign: Campaign, company: Organization, lead: User, *, now: datetime) -> None:
    """Five seats at the campaign's next published event (hosted by someone else); three colleagues named,
    the first of whom confirmed."""
    event = db.session.scalar(select(Event).where(
        Event.campaign_id == campaign.id, Event.status == EventStatus.PUBLISHED, Event.host_id != company.id,
        Event.starts_at > now + timedelta(days=3)).order_by(Event.starts_at).limit(1))
    if event is None:
        return
    delegation = grant_quota(event, company, QuotaTerms(quota=5), actor=None, now=now)
    first, *_others = name_people(delegation, COLLEAGUES, put_extra_on_waitlist=False, language="zh", actor=lead,
                                  now=now)
    confirm_invitation(first, shares_with_host=True, now=now)
