"""`flask --app wsgi mail work [--once] [--interval SECONDS]`: the mail worker."""
from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from ..database import utcnow
from ..extensions import db
from .transport import SmtpTransport, Transport
from .worker import deliver_due_messages, run_before_pass_hooks

mail_group = AppGroup("mail", help="Outgoing e-mail.")


@mail_group.command("work")
@click.option("--once", is_flag=True, help="Do a single pass, print what happened, and exit.")
@click.option("--interval", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds to wait when there is nothing to send.")
@click.option("--batch-size", type=click.IntRange(min=1, max=500), default=20, show_default=True)
def work_command(once: bool, interval: float, batch_size: int):
    """Deliver queued e-mail, retrying when the mail server is unavailable. Runs until stopped."""
    url = current_app.config.get("SMTP_URL")
    if not url:
        run_before_pass_hooks(now=utcnow())  # reminders are still queued, for the outbox
        click.echo("SMTP_URL is not set: mail stays in the outbox, where organizers can read it "
                   "(back office → Outbox). Nothing was sent.")
        return
    try:
        transport = SmtpTransport.from_url(url)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if once:
        counts = run_pass(transport, batch_size=batch_size)
        click.echo(f"sent {counts['sent']}, retried later {counts['retried']}, failed {counts['failed']}")
        return
    click.echo(f"Mail worker started ({transport.host}:{transport.port}); stop with Ctrl-C or SIGTERM.")
    run_until_stopped(transport, interval=interval, batch_size=batch_size)
    click.echo("Mail worker stopped.")


def run_pass(transport: Transport, *, batch_size: int, stop: threading.Event | None = None) -> dict[str, int]:
    run_before_pass_hooks(now=utcnow())
    # A fresh clock for the claim: hooks may take a while, and the lease must not start in the past.
    return deliver_due_messages(transport=transport, now=utcnow(), batch_size=batch_size,
                                should_stop=stop.is_set if stop else lambda: False)


def run_until_stopped(transport: Transport, *, interval: float, batch_size: int,
                      stop: threading.Event | None = None) -> None:
    """Pass after pass; a full batch means more is waiting, so the next pass starts at once.

    Runs until `stop` is set; in the main thread SIGINT and SIGTERM set it. A stop is honoured
    between messages, never in the middle of one: the message being sent is recorded as sent (or
    not) before the worker exits.
    """
    stop = stop if stop is not None else threading.Event()
    previous = _handle_stop_signals(stop)
    try:
        while not stop.is_set():
            try:
                counts = run_pass(transport, batch_size=batch_size, stop=stop)
            except Exception:  # e.g. the database restarting: wait and try again, do not die
                db.session.rollback()
                current_app.logger.exception("mail: pass failed")
                counts = {}
            if sum(counts.values()) < batch_size:
                stop.wait(interval)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _handle_stop_signals(stop: threading.Event) -> dict:
    if threading.current_thread() is not threading.main_thread():
        return {}  # signals can only be handled in the main thread (e.g. not under a test runner)
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, lambda *_: stop.set())
    return previous
