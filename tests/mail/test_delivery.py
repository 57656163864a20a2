"""The worker against a real SMTP server on loopback: delivered once, retried, given up on."""
import threading
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from eventsapp.errors import NotAllowedInState
from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage, OutboxStatus
from eventsapp.mail.services import ERASED, erase_mail_to, retry_message
from eventsapp.mail.transport import SmtpTransport
from eventsapp.mail.worker import MAX_ATTEMPTS, deliver_due_messages, retry_delay
from tests.mail.helpers import sample_ics


def fresh(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_a_queued_message_arrives_once_with_everything_in_it(app, app_ctx, now, smtp_server, queue_message):
    app.config["MAIL_SENDER"] = "质量活动 <events@example.com>"
    ics = sample_ics()
    message = queue_message(recipient="li.lei@example.com", subject="报名确认：质量开放日", body_text="您好，李雷\n",
                            body_html="<p>您好，李雷</p>", ics=ics, ics_method="REQUEST")

    assert deliver_due_messages(transport=smtp_server.transport, now=now) == {"sent": 1, "retried": 0, "failed": 0}
    assert deliver_due_messages(transport=smtp_server.transport, now=now + timedelta(days=1))["sent"] == 0

    [envelope] = smtp_server.handler.envelopes
    assert envelope.mail_from == "events@example.com" and envelope.rcpt_tos == ["li.lei@example.com"]
    [received] = smtp_server.handler.messages
    assert received["Subject"] == "报名确认：质量开放日"
    assert received["From"].addresses[0].display_name == "质量活动"
    assert received["To"] == "li.lei@example.com" and received["Message-ID"] and received["Date"]
    assert received.get_body(("plain",)).get_content().splitlines() == ["您好，李雷"]
    assert received.get_body(("html",)).get_content().strip() == "<p>您好，李雷</p>"
    calendar_part = next(p for p in received.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    attachment = next(received.iter_attachments())
    assert attachment.get_filename() == "event.ics"
    for calendar_bytes in (calendar_part.get_payload(decode=True), attachment.get_content()):
        calendar = icalendar.Calendar.from_ical(calendar_bytes)
        assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == "质量开放日 Quality Open Day"

    sent = fresh(message)
    assert (sent.status, sent.sent_at, sent.attempts, sent.claimed_until) == (OutboxStatus.SENT, now, 0, None)


def test_a_server_that_is_down_delays_the_message_without_losing_it(app_ctx, now, down_smtp_server, queue_message):
    message = queue_message()
    transport = down_smtp_server.transport

    assert deliver_due_messages(transport=transport, now=now) == {"sent": 0, "retried": 1, "failed": 0}
    waiting = fresh(message)
    assert (waiting.status, waiting.attempts) == (OutboxStatus.PENDING, 1)
    assert waiting.next_attempt_at == now + retry_delay(1) and "Connection" in waiting.last_error

    down_smtp_server.start()
    assert deliver_due_messages(transport=transport, now=now + timedelta(seconds=5))["sent"] == 0  # not due yet
    assert deliver_due_messages(transport=transport, now=now + timedelta(minutes=1))["sent"] == 1
    assert deliver_due_messages(transport=transport, now=now + timedelta(hours=2))["sent"] == 0
    assert len(down_smtp_server.handler.envelopes) == 1
    assert fresh(message).status == OutboxStatus.SENT


def test_a_long_outage_never_fails_a_message(app_ctx, now, down_smtp_server, queue_message):
    message = queue_message()
    for hour in range(MAX_ATTEMPTS + 2):
        deliver_due_messages(transport=down_smtp_server.transport, now=now + timedelta(hours=hour))
    assert (fresh(message).status, fresh(message).attempts) == (OutboxStatus.PENDING, MAX_ATTEMPTS + 2)
    down_smtp_server.start()
    deliver_due_messages(transport=down_smtp_server.transport, now=now + timedelta(days=1))
    assert fresh(message).status == OutboxStatus.SENT and len(down_smtp_server.handler.envelopes) == 1


def test_during_an_outage_one_connection_attempt_per_pass(app_ctx, now, down_smtp_server, queue_message):
    _, second = queue_message(), queue_message()
    assert deliver_due_messages(transport=down_smtp_server.transport, now=now)["retried"] == 1
    untried = fresh(second)
    assert (untried.attempts, untried.claimed_until, untried.next_attempt_at) == (0, None, now)


def test_a_permanent_refusal_fails_after_one_attempt(app_ctx, now, refusing_smtp_server, queue_message):
    server = refusing_smtp_server("550 5.1.1 No such user")
    message = queue_message()
    assert deliver_due_messages(transport=server.transport, now=now) == {"sent": 0, "retried": 0, "failed": 1}
    failed = fresh(message)
    assert (failed.status, failed.attempts, server.handler.attempts) == (OutboxStatus.FAILED, 1, 1)
    assert "550" in failed.last_error
    deliver_due_messages(transport=server.transport, now=now + timedelta(days=1))
    assert server.handler.attempts == 1


def test_a_temporary_refusal_is_retried_up_to_the_limit(app_ctx, now, refusing_smtp_server, queue_message):
    server = refusing_smtp_server("451 4.7.1 Greylisted, try again later")
    message = queue_message()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        later = now + timedelta(hours=attempt)
        outcome = deliver_due_messages(transport=server.transport, now=later)
        assert outcome["retried" if attempt < MAX_ATTEMPTS else "failed"] == 1
        assert fresh(message).attempts == attempt
    assert fresh(message).status == OutboxStatus.FAILED and server.handler.attempts == MAX_ATTEMPTS


def test_a_leased_message_waits_for_its_lease_to_expire(app_ctx, now, smtp_server, queue_message):
    """Another worker holds it (or died holding it): untouched until the lease runs out."""
    message = queue_message()
    message.claimed_until = now + timedelta(minutes=2)
    db.session.commit()
    assert deliver_due_messages(transport=smtp_server.transport, now=now)["sent"] == 0
    assert deliver_due_messages(transport=smtp_server.transport, now=now + timedelta(minutes=3))["sent"] == 1


def test_a_worker_out_of_time_hands_its_messages_back(app_ctx, now, smtp_server, queue_message):
    message = queue_message()
    assert deliver_due_messages(transport=smtp_server.transport, now=now, should_stop=lambda: True)["sent"] == 0
    assert fresh(message).claimed_until is None and smtp_server.handler.envelopes == []
    assert deliver_due_messages(transport=smtp_server.transport, now=now)["sent"] == 1


def test_concurrent_workers_send_each_message_exactly_once(app, app_ctx, now, smtp_server, queue_message):
    messages = [queue_message() for _ in range(24)]
    start = threading.Barrier(3)
    totals, errors = [], []

    def worker():
        try:
            with app.app_context():  # its own session and connection, like another process
                start.wait()
                while (counts := deliver_due_messages(transport=smtp_server.transport, now=now, batch_size=3))["sent"]:
                    totals.append(counts["sent"])
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sum(totals) == len(messages)
    recipients = sorted(rcpt for envelope in smtp_server.handler.envelopes for rcpt in envelope.rcpt_tos)
    assert recipients == sorted(m.recipient for m in messages)  # every one, none twice
    db.session.expire_all()
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert set(statuses) == {OutboxStatus.SENT}


@pytest.mark.parametrize("reply", ["550 5.7.1 Rejected", "451 4.3.0 Try later"])
def test_one_refusal_does_not_hold_up_other_messages(app_ctx, now, refusing_smtp_server, smtp_server,
                                                     queue_message, reply):
    """A refusal concerns that message only; the batch goes on (unlike a server outage)."""
    server = refusing_smtp_server(reply)
    queue_message(), queue_message()
    counts = deliver_due_messages(transport=server.transport, now=now)
    assert counts["retried"] + counts["failed"] == 2 and server.handler.attempts == 2


def test_credentials_in_smtp_url_are_decoded_and_used(app_ctx, now, queue_message):
    from aiosmtpd.smtp import AuthResult

    from tests.mail.smtp_servers import Collector, SmtpServer, free_port

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    server = SmtpServer(Collector(), free_port(),
                        options={"authenticator": authenticator, "auth_require_tls": False}).start()
    try:
        queue_message()
        transport = SmtpTransport.from_url(f"smtp://events%40example.com:p%40ss%3Aw0rd@127.0.0.1:{server.port}")
        assert deliver_due_messages(transport=transport, now=now)["sent"] == 1
    finally:
        server.stop()
    assert logins == [("events@example.com", "p@ss:w0rd")] and len(server.handler.envelopes) == 1


class ErasingTransport:
    """A mail server that refuses, quoting the address, while the recipient has their data erased."""

    def __init__(self, erase):
        self.erase, self.sent = erase, []

    def send(self, email) -> None:
        self.sent.append(email["To"])
        self.erase()
        raise OSError(f"450 4.2.0 <{email['To']}>: mailbox busy")


def test_a_message_erased_while_it_is_being_sent_is_never_sent_again_nor_quotes_the_address(
        app_ctx, now, queue_message):
    message = queue_message(recipient="zhang.wei@example.com")

    def erase() -> None:  # as the attendee's erasure would, while the worker holds the lease
        erase_mail_to("zhang.wei@example.com", replacement="erased-1@invalid", now=now)

    transport = ErasingTransport(erase)
    deliver_due_messages(transport=transport, now=now)
    erased = fresh(message)
    assert (erased.status, erased.recipient, erased.last_error) == (OutboxStatus.FAILED, "erased-1@invalid", ERASED)
    assert erased.body_text == "" and erased.ics is None
    deliver_due_messages(transport=transport, now=now + timedelta(days=1))
    assert transport.sent == ["zhang.wei@example.com"]  # once, before the erasure
    with pytest.raises(NotAllowedInState):  # "its recipient had their data deleted"
        retry_message(erased, now=now)


def test_a_refusal_that_quotes_the_address_is_stored_without_it(app_ctx, now, refusing_smtp_server, queue_message):
    server = refusing_smtp_server("550 5.1.1 <Someone@Example.com>: Recipient address rejected")
    message = queue_message(recipient="someone@example.com")
    deliver_due_messages(transport=server.transport, now=now)
    assert "someone@example.com" not in fresh(message).last_error.lower()
