"""Certificates of attendance (参会证明, SPEC 4d): for a checked-in attendee only, in Chinese and English at once,
with a public verification page that shows the name, event, host and date and nothing else of the person."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from eventsapp.checkin.services import check_in
from eventsapp.extensions import db
from eventsapp.registration.services import Applicant, erase_personal_data, register
from tests.catalogue.helpers import page_of

WANG_FANG = Applicant(name="王芳", email="wang.fang@example.com", phone="+8613800131234",
                      organization="上海振华重工", job_title="质量经理")


@pytest.fixture
def event(make_event, make_organization, now):
    """Running since an hour ago (1 December 2026, 14:00 in Shanghai), hosted by Shentong Metro."""
    host = make_organization(name_zh="上海申通地铁集团", name_en="Shanghai Shentong Metro Group")
    return make_event(starts_at=datetime(2026, 12, 1, 6, tzinfo=UTC), host=host, title_zh="质量文化开放日",
                      title_en="Quality Culture Open Day")


def sign_up(event, now) -> object:
    registration = register(event.id, WANG_FANG, now=event.starts_at - timedelta(days=3))
    db.session.commit()
    return registration


def arrive(event, registration):
    at = event.starts_at + timedelta(minutes=3)
    check_in(event.id, nonce=uuid.uuid4().hex, registration_id=registration.id, staff=None, attempted_at=at, now=at)
    db.session.commit()


def test_no_certificate_before_check_in(client, event, now):
    registration = sign_up(event, now)
    assert client.get(f"/registrations/{registration.token}/certificate").status_code == 404
    assert "certificate" not in page_of(client.get(f"/registrations/{registration.token}?lang=en")).lower()


def test_the_certificate_is_bilingual_with_event_host_date_venue_and_a_verification_qr(client, event, now):
    registration = sign_up(event, now)
    arrive(event, registration)
    manage = page_of(client.get(f"/registrations/{registration.token}?lang=en"))
    assert "Checked in at 14:03" in manage
    assert f"/registrations/{registration.token}/certificate" in manage

    for lang in ("en", "zh"):  # both languages, whatever the reader's
        page = page_of(client.get(f"/registrations/{registration.token}/certificate?lang={lang}"))
        text = page.replace("<strong>", "").replace("</strong>", "")
        assert "参会证明" in page and "Certificate of attendance" in page
        assert "兹证明 王芳 于 2026年12月1日 在测试会场参加了由上海申通地铁集团承办的“质量文化开放日”。" in text
        assert "This is to certify that 王芳 attended Quality Culture Open Day, hosted by Shanghai Shentong Metro " \
               "Group at Test Venue on December 1, 2026." in text
        verify_url = f"/certificates/{registration.certificate_code}"
        assert verify_url in page and '<svg' in page and "@page" not in page  # the A4 rules are in their own file
        assert "certificate.css" in page
        assert "wang.fang@example.com" not in page and "8613800131234" not in page


def test_the_verification_page_shows_name_event_host_and_date_and_nothing_else(client, event, now):
    registration = sign_up(event, now)
    arrive(event, registration)
    for lang, expected in (("en", ("王芳", "Quality Culture Open Day", "Shanghai Shentong Metro Group",
                                   "December 1, 2026", "genuine")),
                           ("zh", ("王芳", "质量文化开放日", "上海申通地铁集团", "2026年12月1日", "真实有效"))):
        response = client.get(f"/certificates/{registration.certificate_code}?lang={lang}")
        assert response.status_code == 200
        page = page_of(response)
        assert all(text in page for text in expected)
        for private in ("wang.fang@example.com", "13800131234", "上海振华重工", "质量经理", registration.token,
                        registration.checkin_code):
            assert private not in page
        assert 'name="robots" content="noindex"' in page


@pytest.mark.parametrize("code", ["unknown-code-of-32-characters-xx", "short", "%00", "x" * 300])
def test_an_unknown_certificate_is_not_found(client, code):
    assert client.get(f"/certificates/{code}").status_code == 404


def test_an_erased_registrations_certificate_stops_verifying(client, event, now):
    registration = sign_up(event, now)
    arrive(event, registration)
    code, token = registration.certificate_code, registration.token
    erase_personal_data(registration, now=event.ends_at + timedelta(days=1))
    db.session.commit()
    assert client.get(f"/certificates/{code}").status_code == 404
    assert client.get(f"/registrations/{token}/certificate").status_code == 404


def test_a_waitlisted_or_cancelled_registration_has_no_certificate(client, make_event, now):
    event = make_event(capacity=1)
    register(event.id, Applicant(name="A", email="a@example.com", phone="+8613800131234"), now=now)
    waiting = register(event.id, WANG_FANG, now=now)
    db.session.commit()
    assert client.get(f"/registrations/{waiting.token}/certificate").status_code == 404
