"""`flask --app wsgi mail work`."""
import signal
import threading

import pytest

from eventsapp.extensions import db
from eventsapp.mail.cli import run_until_stopped
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


class AnnouncingTransport:
    """The real SMTP transport, which also tells the test when a message has been handed over."""

    def __init__(self, transport):
        self.transport, self.sent = transport, threading.Event()

    def send(self, message) -> None:
        self.transport.send(message)
        self.sent.set()


def test_the_worker_sends_and_runs_until_its_stop_event_is_set(app, smtp_server, queue_message):
    """No signal: another thread sets the event, as the signal handler would."""
    message = queue_message()
    transport, stop, finished = AnnouncingTransport(smtp_server.transport), threading.Event(), threading.Event()

    def work():
        with app.app_context():
            try:
                run_until_stopped(transport, interval=0.1, batch_size=20, stop=stop)
            finally:
                finished.set()

    worker = threading.Thread(target=work, daemon=True)  # daemon: a worker that never stops fails, not hangs
    worker.start()
    assert transport.sent.wait(10), "the worker sent nothing"
    assert not finished.wait(0.3), "the worker stopped although nobody told it to"
    stop.set()
    worker.join(10)
    assert not worker.is_alive(), "the worker did not return after its stop event was set"
    assert fresh(message.id).status == OutboxStatus.SENT and len(smtp_server.handler.envelopes) == 1


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_runs_until_sigterm_and_then_stops_cleanly(app, runner, smtp_server, queue_message, signum):
    """The command's own handler is called as the signal would call it; no signal reaches pytest."""
    app.config["SMTP_URL"] = smtp_server.url
    message = queue_message()
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    installed, passes = {}, []

    def second_pass_receives_the_signal(*, now):
        passes.append(now)
        if len(passes) == 2:  # the first pass sent the message
            installed.update({s: signal.getsignal(s) for s in previous})
            installed[signum](signum, None)
        elif len(passes) > 2:  # SystemExit passes the worker's error handling: fail, do not loop forever
            raise SystemExit("the worker went on after its stop handler ran")

    app.extensions["mail_before_pass"] = [second_pass_receives_the_signal]
    result = runner.invoke(args=["mail", "work", "--interval", "0.1"])
    assert result.exit_code == 0, result.output
    assert "stopped" in result.output
    assert all(callable(installed[s]) and installed[s] is not previous[s] for s in previous)  # handlers were set
    assert signal.getsignal(signal.SIGTERM) is previous[signal.SIGTERM]  # the handler is handed back
    assert signal.getsignal(signal.SIGINT) is previous[signal.SIGINT]
    assert fresh(message.id).status == OutboxStatus.SENT and len(smtp_server.handler.envelopes) == 1
