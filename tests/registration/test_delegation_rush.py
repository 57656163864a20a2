"""A roster rush (issue 11): two companies' lead contacts, an organizer granting a third company seats and
the public all take an event's last seats at once, through real parallel HTTP requests. The seat lock keeps
SPEC 3.1 and every quota: never oversold, never over a quota, each roster all or nothing.

Runs on SQLite and PostgreSQL (the case that matters with several processes)."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.models import Delegation, Registration, RegistrationStatus
from tests.registration.helpers import fire_together, logged_in, post

PASSWORD = "correct horse battery"  # the factories' password
CAPACITY, QUOTA, ROSTER, ROSTERS_PER_LEAD, PUBLIC, LATE_GRANT = 20, 6, 3, 3, 16, 5


@pytest.fixture
def live_server(serve_app, database_url):
    pool = {"pool_size": 40, "max_overflow": 40, "pool_timeout": 60} if database_url.startswith("postgres") else {}
    return serve_app(SQLALCHEMY_ENGINE_OPTIONS=pool).url


def roster_data(company: int, roster: int) -> dict:
    data = {}
    for row in range(ROSTER):
        data |= {f"people-{row}-name": f"同事{company}-{roster}-{row}",
                 f"people-{row}-email": f"c{company}r{roster}p{row}@company.example",
                 f"people-{row}-phone": "13800138000"}
    return data


def sign_up_data(i: int) -> dict:
    return {"name": f"Rusher {i}", "email": f"rusher{i}@example.com", "phone": "13800138000",
            "organization": "Rush Ltd", "consent": "y"}


def count(*conditions) -> int:
    return db.session.scalar(select(func.count(Registration.id)).where(*conditions)) or 0


def test_leads_an_organizer_and_the_public_rushing_never_oversell_nor_exceed_a_quota(
        live_server, make_event, make_company, make_company_member, make_user, now):
    event = make_event(capacity=CAPACITY)
    companies = [make_company() for _ in range(3)]
    delegations = [grant_quota(event, company, QuotaTerms(quota=QUOTA), actor=None, now=now)
                   for company in companies[:2]]
    db.session.commit()
    leads = [logged_in(live_server, make_company_member(company).email, PASSWORD) for company in companies[:2]]
    organizer = logged_in(live_server, make_user().email, PASSWORD)
    closes = (event.starts_at - timedelta(days=1)).astimezone(ZoneInfo(event.timezone)).strftime("%Y-%m-%dT%H:%M")
    grant = {"organization_id": companies[2].id, "quota": LATE_GRANT, "confirm_days": 3, "changes_close_at": closes}

    # Everything the threads send is worked out here: they must not touch this test's database session.
    rosters = [(f"{live_server}/company/delegations/{d.id}/people", roster_data(d.id, r), lead)
               for d, lead in zip(delegations, leads, strict=True) for r in range(ROSTERS_PER_LEAD)]
    calls = [lambda url=url, data=data, lead=lead: post(url, data, lead) for url, data, lead in rosters]
    grant_url = f"{live_server}/manage/events/{event.id}/delegations"
    sign_up_url = f"{live_server}/events/{event.id}/register"
    calls.append(lambda: post(grant_url, grant, organizer))
    calls += [lambda i=i: post(sign_up_url, sign_up_data(i)) for i in range(PUBLIC)]
    codes = fire_together(calls)

    db.session.expire_all()
    roster_codes, grant_code, public_codes = codes[:6], codes[6], codes[7:]
    # Two rosters of three fit each quota of six: the third is refused whole (409), whoever came last.
    for company in range(2):
        assert sorted(roster_codes[company * 3:company * 3 + 3]) == [302, 302, 409]
    assert public_codes == [302] * PUBLIC
    assert grant_code in (302, 422)  # refused when the public had taken too many seats first
    active = list(db.session.scalars(select(Delegation).where(Delegation.event_id == event.id,
                                                              Delegation.withdrawn_at.is_(None))))
    assert len(active) == (3 if grant_code == 302 else 2)
    for delegation in active[:2]:
        held = count(Registration.delegation_id == delegation.id, Registration.status == RegistrationStatus.INVITED)
        assert held == 2 * ROSTER == delegation.quota
    public = Registration.delegation_id.is_(None)
    confirmed = count(public, Registration.status == RegistrationStatus.CONFIRMED)
    assert confirmed + sum(d.quota for d in active) <= CAPACITY  # never oversold
    assert confirmed + sum(d.quota for d in active) == CAPACITY  # and no seat left unused while people wait
    waiting = list(db.session.scalars(select(Registration).where(
        public, Registration.status == RegistrationStatus.WAITLISTED).order_by(Registration.id)))
    assert len(waiting) == PUBLIC - confirmed
    assert [r.waitlist_position() for r in waiting] == list(range(1, len(waiting) + 1))
