"""Cancelling an event from the organizer's page (issue 9.2): a reason in Chinese, English or both, and
an explicit confirmation that says how many people will be told."""
import re

import pytest
from sqlalchemy import func, select

from eventsapp.catalogue.models import Event, EventStatus
from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.services import Applicant, cancel_registration, register
from tests.catalogue.helpers import field_error, page_of


@pytest.fixture
def organizer(auth):
    auth.login()


@pytest.fixture
def event_with_people(make_event, now):
    """One confirmed (in Chinese), two waitlisted (in English), one who cancelled: three to tell."""
    event = make_event(capacity=1)
    people = [register(event.id, Applicant(name=f"P{n}", email=f"p{n}@example.com", phone="+8613800138000",
                                           organization="Metro", language=lang), now=now)
              for n, lang in enumerate(("zh", "en", "en", "en"))]
    cancel_registration(people[-1], now=now)
    db.session.commit()
    return event


def mail_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def unchanged(event_id: int, sequence: int, mails: int) -> bool:
    """Still published, as it was, and nobody was written to."""
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    return (event.status, event.sequence, event.cancellation_reason_zh, event.cancellation_reason_en,
            mail_count()) == (EventStatus.PUBLISHED, sequence, "", "", mails)


def test_the_cancel_form_says_how_many_people_will_be_told(client, organizer, event_with_people):
    url = f"/manage/events/{event_with_people.id}"
    assert "I understand that 3 people registered for this event will be told by e-mail." in page_of(
        client.get(url, query_string={"lang": "en"}))
    assert "我了解本活动已报名的 3 人将收到电子邮件通知。" in page_of(client.get(url, query_string={"lang": "zh"}))


def test_cancelling_without_the_confirmation_is_refused_and_changes_nothing(client, organizer, event_with_people):
    event_id, sequence, mails = event_with_people.id, event_with_people.sequence, mail_count()
    response = client.post(f"/manage/events/{event_id}/cancel?lang=en",
                           data={"reason_zh": "台风预警", "reason_en": "Typhoon warning"})
    assert response.status_code == 422
    assert "Tick this box to confirm" in field_error(response, "confirmed")
    assert "3 people registered for this event" in page_of(response)  # the form is shown again, as typed
    assert re.search(r">\s*Typhoon warning</textarea>", page_of(response))
    assert unchanged(event_id, sequence, mails)


@pytest.mark.parametrize("reasons", [{}, {"reason_zh": "", "reason_en": ""}, {"reason_zh": "  ", "reason_en": "\n"}])
def test_cancelling_without_any_reason_is_refused_next_to_the_reason(client, organizer, event_with_people, reasons):
    event_id, sequence, mails = event_with_people.id, event_with_people.sequence, mail_count()
    response = client.post(f"/manage/events/{event_id}/cancel?lang=en", data={"confirmed": "y", **reasons})
    assert response.status_code == 422
    assert "Fill in at least one language." in field_error(response, "reason_zh")
    assert unchanged(event_id, sequence, mails)


def test_a_confirmed_cancellation_with_one_reason_tells_everyone_once(client, organizer, event_with_people):
    event_id, sequence = event_with_people.id, event_with_people.sequence
    mails_before = db.session.scalar(select(func.max(OutboxMessage.id)))
    response = client.post(f"/manage/events/{event_id}/cancel",
                           data={"reason_zh": "", "reason_en": " Typhoon warning ", "confirmed": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    assert (event.status, event.sequence) == (EventStatus.CANCELLED, sequence + 1)
    assert (event.cancellation_reason_zh, event.cancellation_reason_en) == ("", "Typhoon warning")
    mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > mails_before)))
    assert sorted(mail.recipient for mail in mails) == ["p0@example.com", "p1@example.com", "p2@example.com"]
    assert all(mail.ics_method == "CANCEL" and "Typhoon warning" in mail.body_text for mail in mails)  # zh too


def test_seats_a_company_holds_but_nobody_has_taken_are_not_people_to_tell(client, organizer, make_event,
                                                                            make_company, now):
    event = make_event(capacity=10)
    grant_quota(event, make_company(), QuotaTerms(quota=5), actor=None, now=now)
    register(event.id, Applicant(name="P", email="p@example.com", phone="+8613800138000", organization="M"), now=now)
    db.session.commit()
    assert "I understand that 1 person registered for this event will be told by e-mail." in page_of(
        client.get(f"/manage/events/{event.id}", query_string={"lang": "en"}))
