"""Attendee lists as CSV and XLSX (issue 12): read back with csv and openpyxl, Chinese intact, formula
cells neutralised, the host company getting only those who consented, and only organizers getting the
whole list."""
import io

import pytest
from openpyxl import load_workbook

from eventsapp.accounts.models import CompanyRole
from eventsapp.exports.spreadsheets import Table, as_csv, as_xlsx, neutralised
from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.models import RegistrationStatus
from tests.exports.helpers import HOSTILE, add, csv_rows, xlsx_rows


@pytest.fixture
def event_with_people(make_event, make_company, now):
    event = make_event(title_zh="质量开放日", title_en="Quality Open Day", capacity=20)
    add(event, "wang@example.com", "王芳", shares=True, job_title="质量经理")
    add(event, "evil@example.com", HOSTILE, organization="+1 formula", job_title="-2+3")
    add(event, "gone@example.com", "已取消", status=RegistrationStatus.CANCELLED)
    delegation = grant_quota(event, make_company(name_zh="申通地铁"), QuotaTerms(quota=2), actor=None, now=now)
    db.session.commit()
    add(event, "li@metro.example", "李明", delegation_id=delegation.id, status=RegistrationStatus.INVITED)
    return event


def test_neutralising_spares_plain_text_and_numbers():
    assert [neutralised(value) for value in ("=1+1", "+86 138", "-5", "@cmd", "\tx", "\rx", "王芳", 7, None)] == [
        "'=1+1", "'+86 138", "'-5", "'@cmd", "'\tx", "'\rx", "王芳", 7, None]


def test_an_xlsx_stores_formula_like_text_as_text():
    data = as_xlsx(Table("Sheet: [1]", ["A"], [[HOSTILE], [3]]))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Sheet   1" and sheet["A2"].value == HOSTILE and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == 3
    assert as_csv(Table("t", ["A"], [])).decode("utf-8-sig") == "A\r\n"


def test_an_organizer_downloads_every_registration_as_csv_and_xlsx(client, auth, event_with_people):
    auth.login()
    response = client.get(f"/manage/events/{event_with_people.id}/attendees.csv?lang=zh")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f'filename="event-{event_with_people.id}-attendees.csv"' in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    header, *rows = csv_rows(response)
    assert header[:3] == ["#", "姓名", "电子邮箱"]
    by_email = {row[2]: row for row in rows}
    assert set(by_email) == {"wang@example.com", "evil@example.com", "gone@example.com", "li@metro.example"}
    assert by_email["wang@example.com"][1] == "王芳" and "质量经理" in by_email["wang@example.com"]
    assert by_email["evil@example.com"][1] == "'" + HOSTILE  # never a formula in Excel
    assert "'+1 formula" in by_email["evil@example.com"] and "'-2+3" in by_email["evil@example.com"]
    assert "'+86 138 0013 8000" in by_email["wang@example.com"]
    assert "申通地铁" in by_email["li@metro.example"]

    workbook = client.get(f"/manage/events/{event_with_people.id}/attendees.xlsx?lang=en")
    assert workbook.status_code == 200
    header, *cells = xlsx_rows(workbook)
    assert header[1:3] == ("Full name", "E-mail")
    names = {row[1] for row in cells}
    assert HOSTILE in names and "王芳" in names  # as text, exactly as typed


def test_a_campaign_export_lists_each_event(client, auth, make_event, make_campaign):
    campaign = make_campaign()
    first, second = make_event(campaign=campaign, title_en="First"), make_event(campaign=campaign, title_en="Second")
    add(first, "a@example.com", "甲")
    add(second, "b@example.com", "乙")
    auth.login()
    header, *rows = csv_rows(client.get(f"/manage/campaigns/{campaign.slug}/attendees.csv?lang=en"))
    assert header[:2] == ["Event", "Event date"]
    assert sorted((row[0], row[3]) for row in rows) == [("First", "甲"), ("Second", "乙")]


def test_the_host_company_gets_only_those_who_consented(client, auth, make_company_member, make_event):
    lead = make_company_member()
    event = make_event(host=lead.organization)
    add(event, "wang@example.com", "王芳", shares=True)
    add(event, "private@example.com", "不愿分享")
    auth.login_as(lead)
    header, *rows = csv_rows(client.get(f"/company/events/{event.id}/attendees.csv?lang=en"))
    assert header == ["Full name", "E-mail", "Mobile phone", "Organization", "Job title", "Status"]
    assert [row[:2] for row in rows] == [["王芳", "wang@example.com"]]
    assert [row[1] for row in xlsx_rows(client.get(f"/company/events/{event.id}/attendees.xlsx"))[1:]] == [
        "wang@example.com"]


def test_who_may_download_what(client, auth, make_company_member, make_company, make_event, make_campaign):
    campaign = make_campaign()
    event = make_event(campaign=campaign, host=make_company())
    add(event, "wang@example.com", "王芳", shares=True)
    paths = (f"/manage/events/{event.id}/attendees.csv", f"/manage/campaigns/{campaign.slug}/attendees.xlsx")
    for path in (*paths, f"/company/events/{event.id}/attendees.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], path
    auth.login_as(make_company_member(event.host, role=CompanyRole.MEMBER))
    for path in paths:
        assert client.get(path).status_code == 403, path
    assert client.get(f"/company/events/{event.id}/attendees.csv").status_code == 200  # a member of the host
    auth.logout()
    auth.login_as(make_company_member())  # another company
    assert client.get(f"/company/events/{event.id}/attendees.csv").status_code == 404
    auth.logout()
    auth.login_as(make_company_member(make_company(verified=False)))
    assert client.get(f"/company/events/{event.id}/attendees.csv").status_code == 403


def test_unknown_formats_and_ids_are_not_found(client, auth, make_event):
    event = make_event()
    auth.login()
    assert client.get(f"/manage/events/{event.id}/attendees.pdf").status_code == 404
    assert client.get("/manage/events/999999/attendees.csv").status_code == 404
    assert client.get("/manage/campaigns/nope/attendees.csv").status_code == 404
