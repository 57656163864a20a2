"""Deleting an event never takes its registration history with it (SPEC 3.8: nothing an attendee did
is deleted silently): the catalogue asks registration through its `event_deleting` signal."""
import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from eventsapp.catalogue import services as catalogue
from eventsapp.catalogue.models import Event, EventStatus
from eventsapp.errors import NotAllowedInState
from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.registration.models import Registration
from eventsapp.registration.services import cancel_registration, register


def test_a_draft_that_had_registrations_is_not_deleted(app_ctx, make_event, applicant, now):
    event = make_event()
    cancel_registration(register(event.id, applicant(), now=now), now=now)
    catalogue.unpublish_event(event)  # nobody holds a seat any more, so this is allowed
    db.session.commit()
    mails = db.session.scalar(select(func.count(OutboxMessage.id)))
    with pytest.raises(NotAllowedInState) as refused:
        catalogue.delete_event(event, now=now)
    db.session.rollback()
    with force_locale("en"):
        assert "cannot be deleted" in str(refused.value.message)
    assert db.session.get(Event, event.id).status == EventStatus.DRAFT
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event.id)) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == mails == 2  # confirmed, cancelled


def test_a_draft_without_registrations_is_still_deleted(app_ctx, make_event, now):
    draft = make_event(status=EventStatus.DRAFT)
    catalogue.delete_event(draft, now=now)
    db.session.commit()
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_the_back_office_says_why_the_draft_stays(client, auth, make_event, applicant, app_ctx, now):
    event = make_event()
    cancel_registration(register(event.id, applicant(), now=now), now=now)
    catalogue.unpublish_event(event)
    db.session.commit()
    auth.login()
    response = client.post(f"/manage/events/{event.id}/delete?lang=en", follow_redirects=True)
    assert "cannot be deleted" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id) is not None
