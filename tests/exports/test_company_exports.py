"""A company's delegations as CSV and XLSX (issue 12): for organizers everyone the company named, across
events or one campaign's; for the company's own members only what it supplied about its people."""
from datetime import timedelta

import pytest

from eventsapp.accounts.models import CompanyRole
from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.models import RegistrationStatus
from tests.exports.helpers import HOSTILE, add, csv_rows, xlsx_rows


@pytest.fixture
def company_with_people(make_event, make_company, make_campaign, now):
    """A company with people at two events of two campaigns (one cancelled, one erased), and another's."""
    company, other = make_company(name_zh="申通地铁", name_en="Shentong Metro"), make_company()
    spring, autumn = make_campaign(slug="spring"), make_campaign(slug="autumn")
    first = make_event(campaign=spring, title_en="First", title_zh="第一场")
    second = make_event(campaign=autumn, title_en="Second", title_zh="第二场", starts_in=timedelta(days=9))
    seats = {(event.id, org.id): grant_quota(event, org, QuotaTerms(quota=4), actor=None, now=now)
             for event in (first, second) for org in (company, other)}
    db.session.commit()

    def named(event, org, email, name, **fields):
        return add(event, email, name, delegation_id=seats[(event.id, org.id)].id,
                   status=fields.pop("status", RegistrationStatus.INVITED), **fields)

    named(first, company, "wang@metro.example", "王芳", job_title="质量经理", status=RegistrationStatus.CONFIRMED)
    named(first, company, "evil@metro.example", HOSTILE, job_title="-2+3")
    named(second, company, "li@metro.example", "李明", status=RegistrationStatus.CHECKED_IN, shares=True)
    named(second, company, "gone@metro.example", "已取消", status=RegistrationStatus.CANCELLED)
    erased = named(second, company, "erased@metro.example", "已删除", status=RegistrationStatus.CHECKED_IN)
    erased.erased_at = now
    named(first, other, "other@else.example", "别家的人")
    add(first, "public@example.com", "个人报名")
    db.session.commit()
    return company


def test_an_organizer_downloads_everyone_a_company_named(client, auth, company_with_people):
    auth.login()
    response = client.get(f"/manage/companies/{company_with_people.id}/attendees.csv?lang=zh")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert f'filename="company-{company_with_people.id}-attendees.csv"' in response.headers["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:4] == ["活动", "活动日期", "#", "姓名"]
    assert [(row[0], row[3]) for row in rows] == [
        ("第一场", "王芳"), ("第一场", "'" + HOSTILE), ("第二场", "李明"), ("第二场", "已取消"), ("第二场", "—")]
    assert all(row[8] == "申通地铁" for row in rows)  # whose seats
    assert "'-2+3" in rows[1]

    workbook = client.get(f"/manage/companies/{company_with_people.id}/attendees.xlsx?lang=en&campaign=spring")
    assert 'filename="company-' in workbook.headers["Content-Disposition"] and "-spring-" in workbook.headers[
        "Content-Disposition"]
    header, *cells = xlsx_rows(workbook)
    assert header[:2] == ("Event", "Event date")
    assert [(row[0], row[3]) for row in cells] == [("First", "王芳"), ("First", HOSTILE)]


def test_a_company_gets_back_only_what_it_gave_about_its_people(client, auth, make_company_member,
                                                                company_with_people):
    auth.login_as(make_company_member(company_with_people, role=CompanyRole.MEMBER))  # members read rosters too
    response = client.get("/company/delegations/attendees.csv?lang=en")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    header, *rows = csv_rows(response)
    assert header == ["Event", "Event date", "Full name", "E-mail", "Mobile phone", "Job title", "Status"]
    assert [row[2:4] for row in rows] == [["王芳", "wang@metro.example"], ["'" + HOSTILE, "evil@metro.example"],
                                          ["李明", "li@metro.example"], ["—", "—"]]
    assert rows[0][4:] == ["'+86 138 0013 8000", "质量经理", "Confirmed"]
    assert rows[3][-1] == "Checked in"  # an erased person still counts, with nothing of theirs
    body = response.get_data(as_text=True)
    assert "已取消" not in body and "别家的人" not in body and "个人报名" not in body
    assert "申通地铁" not in body and "yes" not in body  # no organization column, nor whether they share with a host

    header, *cells = xlsx_rows(client.get("/company/delegations/attendees.xlsx?lang=zh"))
    assert header[2:4] == ("姓名", "电子邮箱") and cells[1][2] == HOSTILE


def test_who_may_download_a_companys_people(client, auth, make_company_member, make_company, company_with_people):
    organizer_path = f"/manage/companies/{company_with_people.id}/attendees.csv"
    for path in (organizer_path, "/company/delegations/attendees.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], path
    auth.login_as(make_company_member(company_with_people))
    assert client.get(organizer_path).status_code == 403
    auth.logout()
    auth.login_as(make_company_member())  # another company gets its own, empty list
    assert csv_rows(client.get("/company/delegations/attendees.csv"))[1:] == []
    auth.logout()
    auth.login_as(make_company_member(make_company(verified=False)))
    assert client.get("/company/delegations/attendees.csv").status_code == 403
    auth.logout()
    auth.login()
    assert client.get("/company/delegations/attendees.csv").status_code == 403


def test_unknown_companies_campaigns_and_formats_are_not_found(client, auth, company_with_people):
    auth.login()
    base = f"/manage/companies/{company_with_people.id}/attendees"
    for path in ("/manage/companies/999999/attendees.csv", f"{base}.pdf", f"{base}.csv?campaign=nope",
                 f"{base}.csv?campaign=%00", f"{base}.csv?campaign=Spring!"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"{base}.csv?campaign=").status_code == 200


def test_the_company_export_takes_a_constant_number_of_queries(client, auth, company_with_people, count_queries):
    auth.login()
    with count_queries() as counted:
        assert client.get(f"/manage/companies/{company_with_people.id}/attendees.xlsx").status_code == 200
    assert len(counted) <= 8, counted  # whatever the number of people (one is the audit log's entry)
