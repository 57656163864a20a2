import pytest
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.registration.services import Applicant


@pytest.fixture
def applicant():
    counter = iter(range(1, 100_000))

    def make(**fields) -> Applicant:
        n = next(counter)
        fields.setdefault("name", f"Attendee {n}")
        fields.setdefault("email", f"attendee{n}@example.com")
        fields.setdefault("phone", "+8613800138000")
        fields.setdefault("organization", "Shanghai Metro")
        return Applicant(**fields)

    return make


@pytest.fixture
def outbox(app_ctx):
    """The queued messages, oldest first, read fresh from the database."""

    def read(recipient: str | None = None) -> list[OutboxMessage]:
        db.session.expire_all()
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient:
            query = query.where(OutboxMessage.recipient == recipient)
        return list(db.session.scalars(query))

    return read
