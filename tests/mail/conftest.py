"""The outbox fixture; the SMTP server fixtures are a plugin, tests/mail/smtp_servers.py, shared with tests/e2e."""
import pytest

from eventsapp.mail.services import enqueue_message


@pytest.fixture
def queue_message(app_ctx, now):
    """Enqueue and commit one message (the caller's transaction, as a route would do it)."""
    from eventsapp.extensions import db

    counter = iter(range(1, 100_000))

    def queue(**fields):
        n = next(counter)
        fields.setdefault("recipient", f"attendee{n}@example.com")
        fields.setdefault("subject", f"Registration confirmed {n}")
        fields.setdefault("body_text", "You are registered.\n")
        fields.setdefault("body_html", "<p>You are registered.</p>")
        fields.setdefault("dedup_key", f"test-{n}")
        fields.setdefault("now", now)
        message = enqueue_message(**fields)
        db.session.commit()
        return message

    return queue
