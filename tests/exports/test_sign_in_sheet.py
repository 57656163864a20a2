"""The printable sign-in sheet (签到表, issue 12): who is on it, in which order (pinyin, company by company),
what its header says in both languages, and that only organizers print it."""
import re

import pytest

from eventsapp.accounts.models import CompanyRole
from eventsapp.exports.sign_in_sheet import SheetOrder, name_key, sign_in_sheet
from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.models import RegistrationStatus
from tests.exports.helpers import add

CHECKED_IN, INVITED = RegistrationStatus.CHECKED_IN, RegistrationStatus.INVITED


@pytest.fixture
def event_with_people(make_event, make_company, now):
    event = make_event(title_zh="质量开放日", title_en="Quality Open Day", capacity=30)
    metro = grant_quota(event, make_company(name_zh="申通地铁", name_en="Shentong Metro"), QuotaTerms(quota=3),
                        actor=None, now=now)
    db.session.commit()
    add(event, "zhang@example.com", "张伟", organization="中建八局", job_title="项目经理")
    add(event, "an@example.com", "安娜", organization="振华重工", status=CHECKED_IN)
    add(event, "zeng@example.com", "曾晓", organization="中建八局")
    add(event, "anna@example.com", "Anna Smith", organization="")
    add(event, "li@metro.example", "李明", organization="Shentong", delegation_id=metro.id, status=INVITED)
    add(event, "wu@metro.example", "吴静", delegation_id=metro.id, job_title="质量总监")
    add(event, "wait@example.com", "等候者", status=RegistrationStatus.WAITLISTED)
    add(event, "gone@example.com", "已取消", status=RegistrationStatus.CANCELLED)
    erased = add(event, "erased@example.com", "已删除", status=CHECKED_IN)
    erased.erased_at = now
    db.session.commit()
    return event


def names(groups) -> list[str]:
    return [line.name for group in groups for line in group.lines]


def test_by_name_follows_pinyin_with_surnames_read_as_surnames(app_ctx, event_with_people):
    # ān nà, Anna, lǐ, wú, zēng (not céng), zhāng: Latin names fall in among the syllables
    [group] = sign_in_sheet(event_with_people, SheetOrder.NAME)
    assert names([group]) == ["安娜", "Anna Smith", "李明", "吴静", "曾晓", "张伟"]
    assert [line.number for line in group.lines] == [1, 2, 3, 4, 5, 6]
    assert name_key("汪") < name_key("王")  # wāng before wáng: the letters first, then the tone
    assert name_key("李") < name_key("连") and name_key("王芳") < name_key("王芳华")  # syllable by syllable


def test_by_company_groups_a_delegation_under_its_company(app_ctx, event_with_people):
    groups = sign_in_sheet(event_with_people, SheetOrder.COMPANY)
    # 申通 shen, 振华 zhen, 中建 zhong, then those who gave no organization
    assert [(group.heading, [line.name for line in group.lines]) for group in groups] == [
        ("申通地铁", ["李明", "吴静"]), ("振华重工", ["安娜"]), ("中建八局", ["曾晓", "张伟"]), ("", ["Anna Smith"])]
    assert [line.number for group in groups for line in group.lines] == [1, 2, 3, 4, 5, 6]
    first = groups[0].lines[0]
    assert first.organization == "申通地铁" and first.is_unconfirmed and not first.is_checked_in
    assert groups[1].lines[0].is_checked_in


def test_the_page_shows_the_header_the_marks_and_the_order(client, auth, event_with_people):
    auth.login()
    response = client.get(f"/manage/events/{event_with_people.id}/sign-in-sheet?order=company&lang=zh")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "签到表" in page and "质量开放日" in page and "Asia/Shanghai" in page and "测试会场" in page
    assert "签名" in page and "css/sign-in-sheet.css" in page
    assert page.index("申通地铁 (2)") < page.index("李明") < page.index("吴静") < page.index("中建八局 (2)")
    assert "尚未确认" in page  # 李明, named by the company, not confirmed yet
    for absent in ("等候者", "已取消", "已删除", "erased@example.com", "zhang@example.com"):
        assert absent not in page, absent  # nor any e-mail address on paper

    english = client.get(f"/manage/events/{event_with_people.id}/sign-in-sheet?lang=en&order=nonsense")
    text = english.get_data(as_text=True)
    assert english.status_code == 200 and "Sign-in sheet" in text and "Signature" in text
    assert re.search(r"安娜.*Anna Smith.*李明", text, re.S)  # an unknown order falls back to names


def test_the_sheet_takes_a_constant_number_of_queries(client, auth, event_with_people, count_queries):
    auth.login()
    url = f"/manage/events/{event_with_people.id}/sign-in-sheet?order=company"
    with count_queries() as counted:
        assert client.get(url).status_code == 200
    for n in range(20):
        add(event_with_people, f"more{n}@example.com", f"新人{n}", organization=f"公司{n}")
    with count_queries() as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(counted)


def test_only_organizers_print_it(client, auth, make_company_member, event_with_people):
    url = f"/manage/events/{event_with_people.id}/sign-in-sheet"
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login_as(make_company_member(role=CompanyRole.LEAD))
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login()
    assert client.get("/manage/events/999999/sign-in-sheet").status_code == 404
    event_page = client.get(f"/manage/events/{event_with_people.id}").get_data(as_text=True)
    registrations = client.get(f"/manage/events/{event_with_people.id}/registrations").get_data(as_text=True)
    assert url in event_page and url in registrations


def test_an_empty_sheet_says_so(client, auth, make_event):
    auth.login()
    page = client.get(f"/manage/events/{make_event().id}/sign-in-sheet?lang=en").get_data(as_text=True)
    assert "Nobody is expected yet." in page
