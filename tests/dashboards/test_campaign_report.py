"""A campaign's report for organizers and its public summary (issue 12): fill rate, registrations, attendance
and no-shows per event, hosts, the companies that sent the most people; the summary shows totals only (no
one's name or address) and never a draft; both in Chinese and English, in the same number of statements
whatever the number of sign-ups; and who may open what."""
from datetime import timedelta

import pytest

from eventsapp.accounts.models import CompanyRole
from eventsapp.catalogue.models import EventStatus
from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.models import Registration, RegistrationStatus
from tests.catalogue.helpers import page_of
from tests.dashboards.helpers import bars, svg_of, table_of

S = RegistrationStatus


def add_people(event, statuses, *, delegation=None, now, tag=""):
    db.session.add_all(Registration(event=event, name=f"秘密姓名{tag}{n}", status=status,
                                    email=f"secret{tag}{n}-{event.id}@example.com",
                                    delegation_id=delegation.id if delegation else None,
                                    created_at=now - timedelta(days=3))
                       for n, status in enumerate(statuses))
    db.session.commit()


@pytest.fixture
def campaign(make_campaign, make_event, make_organization, make_company, now):
    """Two public events (one over, one coming), a draft with sign-ups, and a company's seats at the coming one."""
    campaign = make_campaign(slug="quality-2026", name_en="Quality 2026", name_zh="质量2026")
    over = make_event(campaign=campaign, starts_in=timedelta(days=-3), capacity=4, title_en="Metro day",
                      host=make_organization(name_en="Shentong Metro", name_zh="申通地铁"))
    coming = make_event(campaign=campaign, starts_in=timedelta(days=5), capacity=10, title_en="Chip day",
                        host=make_organization(name_en="Xince Chips", name_zh="芯策微电子"))
    draft = make_event(campaign=campaign, status=EventStatus.DRAFT, title_en="Secret draft", capacity=10)
    add_people(over, [S.CHECKED_IN, S.CHECKED_IN, S.CHECKED_IN, S.CONFIRMED, S.WAITLISTED, S.CANCELLED], now=now)
    add_people(coming, [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED], now=now)
    add_people(draft, [S.CONFIRMED] * 7, now=now)
    delegation = grant_quota(coming, make_company(name_en="Yunheng Software"), QuotaTerms(quota=3), actor=None,
                             now=now)
    db.session.commit()
    add_people(coming, [S.CONFIRMED, S.CONFIRMED, S.INVITED], delegation=delegation, now=now, tag="d")
    return campaign


def test_the_report_draws_each_public_event(client, auth, campaign):
    auth.login()
    page = page_of(client.get(f"/manage/campaigns/{campaign.slug}/report?lang=en"))
    assert "Secret draft" not in page
    assert table_of(page, "chart-fill") == [["1st event · Metro day", "4", "4", "100%"],
                                            ["2nd event · Chip day", "10", "4", "40%"]]
    fill = bars(svg_of(page, "chart-fill"))
    assert [float(b.get("data-value")) for b in fill] == [1, 0.4]
    assert float(fill[1].get("width")) == pytest.approx(0.4 * float(fill[0].get("width")), rel=0.01)
    assert table_of(page, "chart-registrations") == [["1st event · Metro day", "5", "4", "1", "1"],
                                                     ["2nd event · Chip day", "6", "4", "1", "0"]]
    assert table_of(page, "chart-attendance") == [["1st event · Metro day", "3", "1", "75%"]]
    assert table_of(page, "chart-companies") == [["Yunheng Software", "1", "3", "2", "0"]]
    assert "Shentong Metro" in page and "Xince Chips" in page


def test_the_public_summary_shows_totals_and_no_one(client, campaign):
    response = client.get(f"/campaigns/{campaign.slug}/summary?lang=en")
    assert response.status_code == 200
    page = page_of(response)
    assert "秘密姓名" not in page and "secret" not in page and "@example.com" not in page
    assert "Secret draft" not in page and "Yunheng" not in page
    assert table_of(page, "chart-public-registrations") == [["1st event · Metro day", "5", "3"],
                                                            ["2nd event · Chip day", "6", "—"]]
    assert '<span class="stat">11</span> Registered' in page and '<span class="stat">2</span> Events' in page
    assert "/campaigns/quality-2026/summary" in page_of(client.get("/campaigns/quality-2026?lang=en"))


def test_a_campaign_without_events_has_an_empty_report_and_summary(client, auth, make_campaign):
    empty = make_campaign()
    for path in (f"/campaigns/{empty.slug}/summary", f"/manage/campaigns/{empty.slug}/report"):
        if path.startswith("/manage"):
            auth.login()
        for lang, text in (("en", "No events yet."), ("zh", "还没有活动。")):
            response = client.get(f"{path}?lang={lang}")
            assert response.status_code == 200 and text in page_of(response)


def test_report_and_summary_in_chinese(client, auth, campaign):
    auth.login()
    page = page_of(client.get(f"/manage/campaigns/{campaign.slug}/report?lang=zh"))
    assert "系列活动报告" in page and "第1场 · 质量开放日" in page and "上座率" in page
    assert "数据一览" in page_of(client.get(f"/campaigns/{campaign.slug}/summary?lang=zh"))


def test_only_organizers_open_the_dashboards(client, auth, campaign, make_company_member):
    event = campaign.events[0]
    back_office = (f"/manage/events/{event.id}/dashboard", f"/manage/campaigns/{campaign.slug}/report")
    for path in back_office:
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login_as(make_company_member(role=CompanyRole.LEAD))
    assert [client.get(path).status_code for path in back_office] == [403, 403]
    assert client.get(f"/campaigns/{campaign.slug}/summary").status_code == 200
    auth.logout()
    auth.login()
    assert [client.get(path).status_code for path in back_office] == [200, 200]
    for missing in ("/manage/events/999999/dashboard", "/manage/campaigns/none-such/report",
                    "/campaigns/none-such/summary", "/manage/events/abc/dashboard"):
        assert client.get(missing).status_code == 404, missing


def test_the_number_of_statements_does_not_grow_with_the_sign_ups(client, auth, campaign, make_campaign,
                                                                  make_event, now, count_queries):
    quiet = make_campaign(slug="quiet")
    for starts_in in (-3, 5):
        make_event(campaign=quiet, starts_in=timedelta(days=starts_in))
    for event in campaign.events:
        add_people(event, [S.CONFIRMED, S.CHECKED_IN, S.CANCELLED] * 40, now=now, tag="many")
    auth.login()
    counted = {}
    for slug in ("quiet", campaign.slug):
        for path in (f"/manage/campaigns/{slug}/report", f"/campaigns/{slug}/summary"):
            with count_queries() as statements:
                assert client.get(path).status_code == 200
            counted.setdefault(path.replace(slug, "*"), []).append(len(statements))
    assert all(quiet == busy for quiet, busy in counted.values()), counted
