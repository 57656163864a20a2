"""The attendee's own page shows the code that admits them (SPEC 4d): the QR of the bare code and its typed form
while they hold a seat; nothing while waiting, invited or once cancelled."""
from datetime import timedelta

import pytest

from eventsapp.extensions import db
from eventsapp.registration.services import Applicant, cancel_registration, register
from tests.catalogue.helpers import page_of


def person(n: int) -> Applicant:
    return Applicant(name=f"Person {n}", email=f"p{n}@example.com", phone="+8613800131234")


@pytest.fixture
def full_event(make_event, now):
    event = make_event(capacity=1)
    seated, waiting = register(event.id, person(1), now=now), register(event.id, person(2), now=now)
    db.session.commit()
    return event, seated, waiting


def grouped(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def test_a_seat_holder_sees_the_qr_and_the_typed_code(client, full_event):
    _event, seated, _waiting = full_event
    page = page_of(client.get(f"/registrations/{seated.token}?lang=en"))
    assert "Show this at the door" in page and grouped(seated.checkin_code) in page
    assert '<svg' in page and 'class="qr"' in page
    chinese = page_of(client.get(f"/registrations/{seated.token}?lang=zh"))
    assert "您的签到码" in chinese and grouped(seated.checkin_code) in chinese


def test_a_waitlisted_person_sees_no_code(client, full_event):
    _event, _seated, waiting = full_event
    page = page_of(client.get(f"/registrations/{waiting.token}?lang=en"))
    assert waiting.checkin_code is None and "Show this at the door" not in page and 'class="qr"' not in page


def test_after_cancelling_the_code_is_gone_from_the_page(client, full_event, now):
    _event, seated, _waiting = full_event
    code = seated.checkin_code
    cancel_registration(seated, now=now + timedelta(minutes=1))
    db.session.commit()
    page = page_of(client.get(f"/registrations/{seated.token}?lang=en"))
    assert grouped(code) not in page and "Show this at the door" not in page and 'class="qr"' not in page
