"""The delegation pages (SPEC 4c): the organizer's grid and quota forms, the company's roster (a table, CSV
and XLSX files), swaps, and the invited person's own page; every /company/ route tried as this company's
lead and member, another company's lead, an unverified company, an organizer and an anonymous visitor."""
import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from eventsapp.accounts.models import CompanyRole
from eventsapp.extensions import db
from eventsapp.registration import delegation_people
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.models import Delegation, Registration, RegistrationStatus
from eventsapp.registration.people import Person
from tests.catalogue.helpers import field_error, page_of


def grant(event, company, now, quota=3, **terms) -> Delegation:
    delegation = grant_quota(event, company, QuotaTerms(quota=quota, **terms), actor=None, now=now)
    db.session.commit()
    return delegation


def people_of(delegation) -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).where(Registration.delegation_id == delegation.id)
                                   .order_by(Registration.id)))


def table(*rows) -> dict:
    """The roster table's form data: rows of (name, email, mobile, job title)."""
    data = {}
    for i, (name, email, phone, job_title) in enumerate(rows):
        data |= {f"people-{i}-name": name, f"people-{i}-email": email, f"people-{i}-phone": phone,
                 f"people-{i}-job_title": job_title}
    return data


def local(moment, zone="Asia/Shanghai") -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def setting(make_event, make_company, make_company_member, now):
    """An event with 10 seats; a company with 3 of them, its lead and a member."""
    event = make_event(capacity=10)
    company = make_company(name_en="Shentong Metro")
    lead = make_company_member(company, name="王经理")
    member = make_company_member(company, role=CompanyRole.MEMBER, name="李工")
    return event, grant(event, company, now), lead, member


# --- Who may see what ------------------------------------------------------------------------------------

def company_routes(delegation, person) -> list[tuple[str, str]]:
    base = f"/company/delegations/{delegation.id}"
    return [("get", "/company/delegations"), ("get", base), ("post", f"{base}/people"), ("post", f"{base}/upload"),
            ("post", f"{base}/people/{person.id}/resend"), ("get", f"{base}/people/{person.id}/swap"),
            ("post", f"{base}/people/{person.id}/swap"), ("post", f"{base}/people/{person.id}/remove")]


@pytest.fixture
def named_setting(setting, now):
    _event, delegation, lead, member = setting
    (person,) = delegation_people.name_people(delegation, [Person("张三", "zhang@company.example", "13800138000")],
                                              put_extra_on_waitlist=False, language="en", actor=lead, now=now)
    db.session.commit()
    return delegation, person, lead, member


def test_the_lead_reaches_every_route(client, auth, named_setting):
    delegation, person, lead, _ = named_setting
    auth.login_as(lead)
    codes = [getattr(client, method)(url).status_code for method, url in company_routes(delegation, person)]
    # The empty forms are refused (422); resending and removing succeed and go back (302).
    assert codes == [200, 200, 422, 422, 302, 200, 422, 302]


def test_a_member_reads_but_does_not_act(client, auth, named_setting):
    delegation, person, _, member = named_setting
    auth.login_as(member)
    codes = [getattr(client, method)(url).status_code for method, url in company_routes(delegation, person)]
    assert codes == [200, 200, 403, 403, 403, 403, 403, 403]
    page = page_of(client.get(f"/company/delegations/{delegation.id}?lang=en"))
    assert "张三" in page and "Name colleagues" not in page and "Swap" not in page


def test_another_company_sees_nothing_of_it(client, auth, named_setting, make_company_member):
    delegation, person, _, _ = named_setting
    auth.login_as(make_company_member())
    codes = [getattr(client, method)(url).status_code for method, url in company_routes(delegation, person)]
    assert codes == [200, 404, 404, 404, 404, 404, 404, 404]
    assert "张三" not in page_of(client.get("/company/delegations"))


@pytest.mark.parametrize("who", ["anonymous", "organizer", "unverified"])
def test_strangers_are_kept_out(client, auth, named_setting, make_company_member, make_company, who):
    delegation, person, _, _ = named_setting
    if who == "organizer":
        auth.login()
    elif who == "unverified":
        auth.login_as(make_company_member(make_company(verified=False)))
    codes = {getattr(client, method)(url).status_code for method, url in company_routes(delegation, person)}
    assert codes == ({302} if who == "anonymous" else {403})
    assert people_of(delegation)[0].status == RegistrationStatus.INVITED


def test_the_organizer_pages_are_for_organizers(client, auth, setting):
    event, delegation, lead, _ = setting
    url = f"/manage/events/{event.id}/delegations"
    assert client.get(url).status_code == 302
    auth.login_as(lead)
    assert client.get(url).status_code == 403
    assert client.post(f"/manage/delegations/{delegation.id}/withdraw", data={"w1-confirmed": "y"}).status_code == 403


# --- The organizer ---------------------------------------------------------------------------------------

def test_the_organizer_grants_seats_to_a_verified_company(client, auth, make_event, make_company, now):
    event = make_event(capacity=10)
    company, unverified = make_company(name_en="Zhenhua Heavy"), make_company(name_en="Nobody Checked", verified=False)
    auth.login()
    page = page_of(client.get(f"/manage/events/{event.id}/delegations?lang=en"))
    assert "Zhenhua Heavy" in page and "Nobody Checked" not in page
    closes = local(event.starts_at - timedelta(days=2))
    data = {"organization_id": company.id, "quota": "4", "confirm_days": "2", "changes_close_at": closes}
    response = client.post(f"/manage/events/{event.id}/delegations", data=data)
    assert response.status_code == 302
    delegation = db.session.scalar(select(Delegation))
    assert (delegation.quota, delegation.confirm_days) == (4, 2)
    assert delegation.changes_close_at == (event.starts_at - timedelta(days=2)).replace(second=0)
    page = page_of(client.get(f"/events/{event.id}?lang=en"))
    assert "6 seats left" in page
    refused = client.post(f"/manage/events/{event.id}/delegations?lang=en",
                          data={**data, "organization_id": unverified.id})
    assert refused.status_code == 422 and field_error(refused, "organization_id")


def test_more_seats_than_are_left_are_refused_next_to_the_field(client, auth, make_event, make_company, now):
    event = make_event(capacity=3)
    auth.login()
    response = client.post(f"/manage/events/{event.id}/delegations?lang=en", data={
        "organization_id": make_company().id, "quota": "4", "confirm_days": "3",
        "changes_close_at": local(event.starts_at - timedelta(days=1))})
    assert response.status_code == 422 and "Only 3 seats are left." in field_error(response, "quota")
    assert db.session.scalar(select(Delegation)) is None


def test_the_grid_counts_and_a_quota_change_below_its_people_is_refused(client, auth, named_setting, now):
    delegation, _person, _, _ = named_setting
    auth.login()
    page = page_of(client.get(f"/manage/events/{delegation.event_id}/delegations?lang=en"))
    assert "Shentong Metro" in page and "1 person named by this company" in page
    prefix = f"d{delegation.id}"
    response = client.post(f"/manage/delegations/{delegation.id}?lang=en", data={
        f"{prefix}-quota": "0", f"{prefix}-confirm_days": "3",
        f"{prefix}-changes_close_at": local(delegation.changes_close_at)})
    assert response.status_code == 422 and field_error(response, f"{prefix}-quota")
    response = client.post(f"/manage/delegations/{delegation.id}?lang=en", data={
        f"{prefix}-quota": "5", f"{prefix}-confirm_days": "3",
        f"{prefix}-changes_close_at": local(delegation.changes_close_at)})
    db.session.expire_all()
    assert response.status_code == 302 and db.session.get(Delegation, delegation.id).quota == 5


def test_withdrawing_needs_the_box_ticked_then_tells_the_people(client, auth, named_setting):
    delegation, _person, _, _ = named_setting
    auth.login()
    url = f"/manage/delegations/{delegation.id}/withdraw?lang=en"
    assert client.post(url, data={}).status_code == 422
    assert people_of(delegation)[0].status == RegistrationStatus.INVITED
    assert client.post(url, data={f"w{delegation.id}-confirmed": "y"}).status_code == 302
    assert people_of(delegation)[0].status == RegistrationStatus.CANCELLED


# --- The lead contact's roster ---------------------------------------------------------------------------

def test_the_lead_names_several_colleagues_from_the_table(client, auth, setting):
    _, delegation, lead, _ = setting
    auth.login_as(lead)
    response = client.post(f"/company/delegations/{delegation.id}/people", data=table(
        ("张三", "zhang@company.example", "138 0013 8000", "工程师"), ("", "", "", ""),
        ("李四", "li@company.example", "13900139000", "")))
    assert response.status_code == 302
    named = people_of(delegation)
    assert [(p.name, p.phone, p.status) for p in named] == [("张三", "+8613800138000", RegistrationStatus.INVITED),
                                                           ("李四", "+8613900139000", RegistrationStatus.INVITED)]
    page = page_of(client.get(response.headers["Location"] + "?lang=en"))
    assert "Confirm by" in page and "Named" in page


def test_a_bad_row_names_nobody_and_is_shown_with_its_line(client, auth, setting):
    _, delegation, lead, _ = setting
    auth.login_as(lead)
    response = client.post(f"/company/delegations/{delegation.id}/people?lang=en", data=table(
        ("张三", "zhang@company.example", "13800138000", ""), ("李四", "li@", "13900139000", "")))
    assert response.status_code == 422
    assert "Line 2: li@ is not a valid e-mail address." in page_of(response)
    assert "not a valid e-mail address" in field_error(response, "people-1-email")
    assert people_of(delegation) == []


def test_a_roster_over_the_quota_says_how_many_seats_are_left_unless_the_rest_may_wait(client, auth, setting):
    _, delegation, lead, _ = setting
    auth.login_as(lead)
    rows = [(f"同事{i}", f"c{i}@company.example", "13800138000", "") for i in range(4)]
    response = client.post(f"/company/delegations/{delegation.id}/people?lang=en", data=table(*rows))
    assert response.status_code == 409 and "only 3 seats of your quota are free" in page_of(response)
    assert people_of(delegation) == []
    response = client.post(f"/company/delegations/{delegation.id}/people",
                           data={**table(*rows), "put_extra_on_waitlist": "y"})
    assert response.status_code == 302
    assert [p.status for p in people_of(delegation)] == [RegistrationStatus.INVITED] * 3 + [
        RegistrationStatus.WAITLISTED]


def csv_file(rows, *, encoding="utf-8-sig") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_file(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def upload(client, delegation, data: bytes, filename: str, **fields):
    return client.post(f"/company/delegations/{delegation.id}/upload?lang=en", content_type="multipart/form-data",
                       data={"roster_file": (io.BytesIO(data), filename), **fields})


@pytest.mark.parametrize(("filename", "data"), [
    ("名单.csv", csv_file([["姓名", "邮箱", "手机", "职务"], ["张三", "zhang@company.example", "13800138000", "工程师"],
                          ["李四", "li@company.example", "13900139000", "经理"]])),
    ("gbk.csv", csv_file([["姓名", "邮箱", "手机", "职务"], ["张三", "zhang@company.example", "13800138000", "工程师"],
                          ["李四", "li@company.example", "13900139000", "经理"]], encoding="gbk")),
    ("roster.xlsx", xlsx_file([["Name", "E-mail", "Mobile", "Job title"],
                               ["张三", "zhang@company.example", 13800138000, "工程师"],
                               [None, None, None, None],
                               ["李四", "li@company.example", "139 0013 9000", "经理"]])),
])
def test_the_lead_uploads_a_roster_file(client, auth, setting, filename, data):
    _, delegation, lead, _ = setting
    auth.login_as(lead)
    assert upload(client, delegation, data, filename).status_code == 302
    assert [(p.name, p.email, p.phone, p.job_title) for p in people_of(delegation)] == [
        ("张三", "zhang@company.example", "+8613800138000", "工程师"),
        ("李四", "li@company.example", "+8613900139000", "经理")]


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("bad.csv", csv_file([["name", "email"], ["张三", "zhang@company.example"], ["李四", "not-an-address"]]),
     "Line 3: not-an-address is not a valid e-mail address."),
    ("bad.xlsx", xlsx_file([["姓名", "邮箱"], ["张三", "zhang@company.example"], ["", "li@company.example"]]),
     "Line 3: Please enter the name."),
    ("columns.csv", csv_file([["who", "where"], ["张三", "zhang@company.example"]]), "The first row must name"),
    ("fake.xlsx", b"not a workbook", "could not be read as an Excel workbook"),
    ("notes.txt", b"name,email", "Please upload a .csv or .xlsx file."),
])
def test_a_bad_file_names_nobody_and_says_why(client, auth, setting, filename, data, message):
    _, delegation, lead, _ = setting
    auth.login_as(lead)
    response = upload(client, delegation, data, filename)
    assert response.status_code == 422 and message in page_of(response)
    assert people_of(delegation) == []


def test_the_lead_swaps_a_person_until_the_cut_off(client, auth, named_setting, now):
    delegation, person, lead, _ = named_setting
    auth.login_as(lead)
    url = f"/company/delegations/{delegation.id}/people/{person.id}/swap?lang=en"
    refused = client.post(url, data={"name": "王五", "email": "zhang@company.example", "phone": "13700137000"})
    assert refused.status_code == 422 and "already registered" in field_error(refused, "email")
    response = client.post(url, data={"name": "王五", "email": "wang@company.example", "phone": "13700137000"})
    assert response.status_code == 302
    old, new = people_of(delegation)
    assert (old.status, new.status, new.name) == (RegistrationStatus.CANCELLED, RegistrationStatus.INVITED, "王五")
    page = page_of(client.get(f"/company/delegations/{delegation.id}?lang=en"))
    assert "Swapped: 王五 (instead of 张三)" in page and "王经理" in page
    assert "handed this place to a colleague" in page_of(client.get(f"/registrations/{old.token}?lang=en"))
    delegation.changes_close_at = now - timedelta(minutes=1)
    db.session.commit()
    late = client.post(f"/company/delegations/{delegation.id}/people/{new.id}/swap?lang=en",
                       data={"name": "赵六", "email": "zhao@company.example", "phone": "13700137000"})
    assert late.status_code == 409 and "closed" in page_of(late)
    assert len(people_of(delegation)) == 2


# --- The invited person ----------------------------------------------------------------------------------

def test_the_invited_person_confirms_with_their_own_consent(client, named_setting):
    delegation, person, _, _ = named_setting
    url = f"/registrations/{person.token}"
    page = page_of(client.get(f"{url}?lang=en"))
    assert "Shentong Metro has named you for this event" in page and "Privacy notice" in page
    assert 'name="shares_with_host"' in page and "checked" not in page.split('name="shares_with_host"')[1][:40]
    assert client.post(f"{url}/confirm", data={}).status_code == 422
    assert people_of(delegation)[0].status == RegistrationStatus.INVITED
    assert client.post(f"{url}/confirm", data={"consent": "y", "shares_with_host": "y"}).status_code == 302
    confirmed = people_of(delegation)[0]
    assert confirmed.status == RegistrationStatus.CONFIRMED and confirmed.shares_with_host
    assert "Your place is confirmed." in page_of(client.get(f"{url}?lang=en"))


def test_the_invited_person_declines(client, named_setting):
    delegation, person, _, _ = named_setting
    assert client.post(f"/registrations/{person.token}/decline").status_code == 302
    assert people_of(delegation)[0].status == RegistrationStatus.CANCELLED
