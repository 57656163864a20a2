"""`flask --app wsgi mail work`."""
from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage, OutboxStatus
from eventsapp.mail.services import enqueue_message


def fresh(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_without_smtp_url_mail_stays_in_the_outbox(app, runner, queue_message):
    app.config["SMTP_URL"] = None
    message = queue_message()
    result = runner.invoke(args=["mail", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "outbox" in result.output
    kept = fresh(message.id)
    assert (kept.status, kept.attempts, kept.claimed_until) == (OutboxStatus.PENDING, 0, None)


def test_once_delivers_and_prints_counts(app, runner, smtp_server, queue_message):
    app.config["SMTP_URL"] = smtp_server.url
    message = queue_message()
    result = runner.invoke(args=["mail", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert fresh(message.id).status == OutboxStatus.SENT and len(smtp_server.handler.envelopes) == 1


def test_once_with_the_server_down_keeps_the_message(app, runner, down_smtp_server, queue_message):
    app.config["SMTP_URL"] = down_smtp_server.url
    message = queue_message()
    result = runner.invoke(args=["mail", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "retried later 1" in result.output
    assert (fresh(message.id).status, fresh(message.id).attempts) == (OutboxStatus.PENDING, 1)


def test_hooks_queue_mail_before_the_pass(app, runner, smtp_server, app_ctx):
    """E.g. the registration domain queues tomorrow's reminders here."""
    def queue_reminders(*, now):
        enqueue_message(recipient="a@example.com", subject="Tomorrow", body_text="See you", body_html="",
                        dedup_key="reminder-1", now=now)

    app.config["SMTP_URL"] = smtp_server.url
    app.extensions["mail_before_pass"] = [queue_reminders]
    assert "sent 1" in runner.invoke(args=["mail", "work", "--once"]).output
    assert "sent 0" in runner.invoke(args=["mail", "work", "--once"]).output
    assert [m["Subject"] for m in smtp_server.handler.messages] == ["Tomorrow"]


def test_a_bad_smtp_url_is_a_clear_error(app, runner):
    app.config["SMTP_URL"] = "mail.example.com:25"
    result = runner.invoke(args=["mail", "work", "--once"])
    assert result.exit_code != 0 and "smtp://" in result.output


def test_the_worker_runs_until_sigterm_and_then_stops_cleanly(app, runner, smtp_server, queue_message):
    import os
    import signal
    import threading

    app.config["SMTP_URL"] = smtp_server.url
    message = queue_message()
    previous = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        result = runner.invoke(args=["mail", "work", "--interval", "0.1"])
    finally:
        timer.cancel()
    assert result.exit_code == 0, result.output
    assert "stopped" in result.output
    assert signal.getsignal(signal.SIGTERM) is previous  # the handler is handed back
    assert fresh(message.id).status == OutboxStatus.SENT and len(smtp_server.handler.envelopes) == 1
