"""Staff check-in in Chromium on a phone-sized screen (issue 13), as an organizer, without a camera (a typed
code): the answer in large type without a reload, a second scan says "already", and a scan made while the
network is down waits on the phone and lands once when it returns."""
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from eventsapp.checkin.models import CheckInAttempt
from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus
from eventsapp.registration.services import Applicant, register
from tests.e2e.helpers import sign_in

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def running(make_event, now):
    event = make_event(starts_at=now - timedelta(hours=1), capacity=5)
    people = [register(event.id, Applicant(name=name, email=f"p{n}@example.com", organization="上海测试单位"),
                       now=now - timedelta(days=2)) for n, name in enumerate(("王小明", "李华"))]
    db.session.commit()
    return event, people


def type_code(page: Page, code: str) -> None:
    page.get_by_label("Check-in code").fill(code)
    page.get_by_role("button", name="Check in", exact=True).click()


def test_typed_codes_answer_in_place_and_an_offline_scan_lands_once(live_server, new_page, make_user, running):
    event, (first, second) = running
    page = new_page()
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server, make_user)
    page.goto(f"{live_server.url}/manage/events/{event.id}/check-in?lang=en")
    page.evaluate("window.stillTheSamePage = true")  # answers arrive without a reload
    answer = page.locator("#checkin-answer")

    type_code(page, first.checkin_code.lower())
    expect(answer).to_contain_text("Checked in")
    expect(answer).to_contain_text("王小明")
    expect(answer).to_contain_text("上海测试单位")
    assert float(answer.locator("[data-answer-title]").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28

    type_code(page, first.checkin_code)
    expect(answer).to_contain_text("Already checked in at")

    page.context.set_offline(True)
    type_code(page, second.checkin_code)
    expect(answer).to_contain_text("Waiting to upload")
    queue = page.locator("[data-queue]")
    expect(queue).to_be_visible()
    expect(queue).to_contain_text(second.checkin_code)

    page.context.set_offline(False)
    expect(queue).to_be_hidden()
    expect(answer).to_contain_text("Uploaded: 1")
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.evaluate(f"localStorage.getItem('eventsapp.checkin.queue.{event.id}')") == "[]"
    db.session.expire_all()
    assert db.session.get(Registration, second.id).status == RegistrationStatus.CHECKED_IN
    attempts = db.session.scalar(select(func.count(CheckInAttempt.id)).where(
        CheckInAttempt.registration_id == second.id))
    assert attempts == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than the phone
    offline = "net::ERR_INTERNET_DISCONNECTED"  # the browser's own note on the fetch that found no network
    assert [text for text in problems if offline not in text] == []  # no script error, no CSP violation


def test_searching_by_the_last_four_digits_and_one_tap(live_server, new_page, make_user, make_event, now):
    event = make_event(starts_at=now - timedelta(hours=1), capacity=5)
    register(event.id, Applicant(name="张伟", email="zw@example.com", phone="+8613812345678"),
             now=now - timedelta(days=2))
    db.session.commit()
    page = new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, make_user)
    page.goto(f"{live_server.url}/manage/events/{event.id}/check-in?lang=zh")
    page.get_by_label("姓名或手机号后 4 位").fill("5678")
    results = page.locator("[data-results]")
    expect(results).to_contain_text("张伟")
    expect(results).not_to_contain_text("zw@example.com")
    results.get_by_role("button", name="签到 张伟").click()
    expect(page.locator("#checkin-answer")).to_contain_text("张伟 签到成功")
    expect(results).to_contain_text("已签到")
