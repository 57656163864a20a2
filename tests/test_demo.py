"""The demo data: complete, valid, and loaded only once however often the command runs."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from eventsapp.accounts.members import active_members
from eventsapp.accounts.services import authenticate
from eventsapp.catalogue.models import (
    Campaign,
    Event,
    EventSession,
    EventStatus,
    Organization,
    Room,
    Sector,
    Speaker,
    Venue,
)
from eventsapp.catalogue.queries import campaign_events
from eventsapp.catalogue.uscc import is_valid_uscc
from eventsapp.companies.services import pending_companies
from eventsapp.demo import ORGANIZER_EMAIL, ORGANIZER_PASSWORD, load_demo
from eventsapp.demo_companies import COMPANY_PASSWORD, LEAD_EMAIL
from eventsapp.extensions import db
from eventsapp.hosting.models import ApplicationStatus, HostApplication
from eventsapp.hosting.queries import applications_of
from eventsapp.registration.delegations import delegations_of

EMERGING_SECTORS = {Sector.INTEGRATED_CIRCUITS, Sector.SOFTWARE, Sector.BIOTECH, Sector.NEW_MEDIA,
                    Sector.INTELLIGENT_MANUFACTURING}


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def load(now) -> str:
    summary = load_demo(now=now)
    db.session.commit()
    return summary


def campaign(slug: str) -> Campaign:
    return db.session.scalar(select(Campaign).where(Campaign.slug == slug))


def test_loading_twice_creates_nothing_new(app_ctx, now):
    first = load(now)
    counts = row_counts()
    second = load(now)

    assert row_counts() == counts
    assert counts["campaign"] == 2 and counts["event"] == 10 and counts["user"] == 4
    assert "created: nothing" not in first
    assert "created: nothing" in second and "2 campaigns" in second


def test_a_later_run_neither_duplicates_nor_moves_current_events(app_ctx, now):
    load(now)
    counts = row_counts()
    times = dict(db.session.execute(select(Event.id, Event.starts_at)).all())

    load(now + timedelta(days=3))

    assert row_counts() == counts
    assert dict(db.session.execute(select(Event.id, Event.starts_at)).all()) == times


def test_2017_campaign_has_four_public_events_in_host_order(app_ctx, now):
    load(now)
    past = campaign("2017-shanghai")
    numbered = campaign_events(past)

    assert past.year == 2017 and past.name_en == "2017 Shanghai Quality Promotion Campaign"
    assert [event.host.name_zh for _, event in numbered] == [
        "上海申通地铁集团有限公司", "中国建筑第八工程局有限公司", "上海振华重工（集团）股份有限公司",
        "上海张江高科技园区开发股份有限公司"]
    for _, event in numbered:
        local = event.starts_at.astimezone(ZoneInfo(event.timezone))
        assert event.status == EventStatus.PUBLISHED and event.ends_at < now
        assert (local.year, local.hour, local.minute) == (2017, 13, 30)
        assert 3 <= len(event.sessions) <= 6
    fourth = numbered[3][1]
    assert fourth.venue.district_zh == "浦东新区" and "张江" in fourth.venue.name_zh
    assert {organization.sector for organization in fourth.co_hosts} == EMERGING_SECTORS
    assert len({event.venue_id for _, event in numbered}) == 4


def test_current_campaign_lies_ahead_with_a_draft_and_a_cancellation(app_ctx, now):
    load(now)
    current = campaign(f"{now.year}-shanghai")
    events = current.events
    by_status = {status: [e for e in events if e.status == status] for status in EventStatus}

    assert 5 <= len(events) <= 6
    assert all(event.starts_at > now for event in events)
    assert len(by_status[EventStatus.DRAFT]) == 2  # one of them made from a company's accepted application
    assert len(by_status[EventStatus.CANCELLED]) == 1
    cancelled = by_status[EventStatus.CANCELLED][0]
    assert cancelled.cancellation_reason_zh and cancelled.cancellation_reason_en
    assert len(by_status[EventStatus.PUBLISHED]) == len(events) - 3
    for event in events:
        local = event.starts_at.astimezone(ZoneInfo(event.timezone))
        assert (local.hour, local.minute) == (14, 0)
        assert (event.registration_closes_at or event.starts_at) <= event.starts_at
        assert all(event.starts_at <= s.starts_at < s.ends_at <= event.ends_at for s in event.sessions)


def made_by_companies() -> set[tuple[str, int]]:
    """What companies typed in one language (a sign-up, an application): organizers complete it later."""
    application = db.session.scalar(select(HostApplication).where(HostApplication.event_id.is_not(None)))
    return {("Organization", pending.organization.id) for pending in pending_companies()} | {
        ("Event", application.event_id), ("Venue", application.event.venue_id)}


def test_every_bilingual_field_is_filled(app_ctx, now):
    """The demo's own data; what its companies typed through their forms is in one language."""
    load(now)
    skipped = made_by_companies()
    checks = ((Campaign, ("name", "description", "organizing_body")), (Organization, ("name", "description")),
              (Venue, ("name", "address", "district", "city", "directions")), (Event, ("title", "description")),
              (EventSession, ("title", "abstract")), (Room, ("name",)),
              (Speaker, ("name", "job_title", "organization")))
    for model, fields in checks:
        for row in db.session.scalars(select(model)):
            if (model.__name__, row.id) in skipped:
                continue
            for field in fields:
                assert getattr(row, f"{field}_zh") and getattr(row, f"{field}_en"), (model.__name__, row.id, field)


def test_organizations_have_valid_credit_codes_or_none(app_ctx, now):
    load(now)
    codes = [organization.uscc for organization in db.session.scalars(select(Organization))]

    assert any(codes) and None in codes
    assert all(is_valid_uscc(code) for code in codes if code)


def test_demo_organizer_can_log_in(app_ctx, now):
    load(now)

    user = authenticate(ORGANIZER_EMAIL, ORGANIZER_PASSWORD)

    assert user is not None and user.is_organizer
    assert ORGANIZER_PASSWORD == "demo-organizer-2026"


def test_cli_demo_command_is_idempotent(app):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo"])
    with app.app_context():
        counts = row_counts()
    second = runner.invoke(args=["demo"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "created: nothing" in second.output
    with app.app_context():
        assert row_counts() == counts
        assert counts["event"] == 10


def test_the_demo_shows_both_sides_of_a_company(app_ctx, now):
    """A verified company with a lead and a colleague, its accepted application (a draft event it hosts),
    a delegation of three at a coming event (one confirmed), and a newcomer waiting for verification."""
    load(now)
    lead = authenticate(LEAD_EMAIL, COMPANY_PASSWORD)
    assert lead is not None and lead.is_company_lead and lead.acts_for_verified_company
    company = lead.organization
    assert len(active_members(company)) == 2
    [application] = applications_of(company)
    assert application.status == ApplicationStatus.ACCEPTED and application.event.status == EventStatus.DRAFT
    assert application.event.host_id == company.id
    [state] = delegations_of(company)
    assert (state.delegation.quota, state.named, state.confirmed) == (5, 3, 1)
    assert state.delegation.event.starts_at > now and state.delegation.event.status == EventStatus.PUBLISHED
    [pending] = pending_companies()
    assert not pending.organization.is_verified and is_valid_uscc(pending.organization.uscc)
