"""Delivering the outbox: claim due messages, send each, record the outcome, retry with backoff.

Several workers, on several machines, may run at once: a message is claimed by one worker (a lease in
`claimed_until`) before it is sent, so none is sent twice; a worker that dies leaves its lease to
expire, so none is lost. (The one gap no SMTP client can close: a crash between the server's "250 OK"
and the commit that records it means one more copy — with the same Message-ID, so clients fold it.)
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from ..extensions import db
from ..site import mail_sender
from .models import OutboxMessage, OutboxStatus
from .services import ERASED
from .transport import Transport, compose_email, is_permanent_failure, is_server_unavailable
from .writing import Unwritable, give_up, write_message

MAX_ATTEMPTS = 8
FIRST_RETRY_DELAY = timedelta(seconds=30)
LONGEST_RETRY_DELAY = timedelta(hours=1)
HOOKS_KEY = "mail_before_pass"  # app.extensions[HOOKS_KEY]: what add_before_pass_hook registered


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... doubling after each failed attempt, at most an hour."""
    return min(FIRST_RETRY_DELAY * 2 ** max(attempts - 1, 0), LONGEST_RETRY_DELAY)


def add_before_pass_hook(app: Flask, hook: Callable[..., object]) -> None:
    """Let another domain queue mail of its own before each pass: `hook(now=...)`, e.g. reminders."""
    app.extensions.setdefault(HOOKS_KEY, []).append(hook)


def run_before_pass_hooks(*, now: datetime) -> None:
    """Let other domains queue mail of their own (e.g. tomorrow's reminders) before the pass.

    Each hook commits on its own: one that breaks does not undo, or stop, the others.
    """
    for hook in current_app.extensions.get(HOOKS_KEY, []):
        try:
            hook(now=now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("mail: hook %r failed", hook)


def deliver_due_messages(*, transport: Transport, now: datetime, batch_size: int = 20, lease_seconds: int = 120,
                         should_stop: Callable[[], bool] = lambda: False) -> dict[str, int]:
    """Send the messages that are due. Commits after each one. Returns {"sent", "retried", "failed"}.

    `should_stop` is asked between messages (a worker told to shut down hands the rest back).
    """
    counts = {"sent": 0, "retried": 0, "failed": 0}
    claimed = claim_due_messages(now=now, batch_size=batch_size, lease_seconds=lease_seconds)
    # Stop sending well before the lease runs out: past it, another worker may claim the same rows.
    deadline = time.monotonic() + lease_seconds / 2
    sender = mail_sender()
    for position, message in enumerate(claimed):
        if should_stop() or time.monotonic() >= deadline:
            release_claims([m.id for m in claimed[position:]])
            break
        unwritten = _write_if_needed(message, now=now)
        outcome, error = (unwritten, None) if unwritten else _deliver_one(message, transport=transport,
                                                                          sender=sender, now=now)
        counts[outcome] += 1
        if error is not None and is_server_unavailable(error):
            # The next message would meet the same closed door (or the same 15 s timeout): leave the
            # rest, untried and uncounted, for a later pass.
            release_claims([m.id for m in claimed[position + 1:]])
            break
    return counts


def _write_if_needed(message: OutboxMessage, *, now: datetime) -> str | None:
    """A message queued unwritten (mail/writing.py) is written before it is sent. An outcome when it is not
    to be sent now: "failed" (what it was to say is gone, or its recipient's data was erased meanwhile),
    or "retried" (its writer failed: counted like a refusal)."""
    if message.to_write is None:
        return None
    try:
        write_message(message)
    except Unwritable as reason:
        give_up(message, reason)
        db.session.commit()
        return "failed"
    except Exception as error:
        db.session.rollback()
        current_app.logger.exception("mail: message %s could not be written", message.id)
        db.session.refresh(message)
        outcome = record_failure(message, error, now=now)
        db.session.commit()
        return outcome
    db.session.commit()
    # Nothing left to send: its recipient's data was erased, or another writer (the outbox page, another
    # worker's pass) gave it up meanwhile, leaving it blank.
    return "failed" if message.last_error == ERASED or message.status == OutboxStatus.FAILED else None


def _deliver_one(message: OutboxMessage, *, transport: Transport, sender: str,
                 now: datetime) -> tuple[str, Exception | None]:
    """Send one message and record the outcome: ("sent" | "retried" | "failed", the error if any)."""
    error = None
    recipient = message.recipient
    try:
        transport.send(compose_email(message, sender=sender, now=now))
    except Exception as caught:  # anything: one bad message must not stop the batch
        error = caught
    # Its recipient may have had their data erased meanwhile (mail.services.erase_mail_to): then the
    # row stays as the erasure left it. The lock keeps an erasure from slipping in before our commit.
    db.session.refresh(message, with_for_update=True)
    if message.last_error == ERASED:
        db.session.commit()
        return ("failed" if error else "sent"), error
    if error is not None:
        outcome = record_failure(message, error, now=now, recipient=recipient)
    else:
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.claimed_until = None
        outcome = "sent"
    # Commit at once: the window in which a crash would make a sent message look unsent stays tiny.
    db.session.commit()
    return outcome, error


def record_failure(message: OutboxMessage, error: Exception, *, now: datetime, recipient: str = "") -> str:
    """Count the attempt; schedule the next one, or give up. Returns "retried" or "failed"."""
    message.attempts += 1
    message.last_error = redacted(f"{type(error).__name__}: {error}", recipient or message.recipient)[:2000]
    message.claimed_until = None
    # A server outage never uses up the attempts (SPEC 3.5: no change is lost because the mail
    # server was down); a message the server keeps refusing does.
    out_of_attempts = message.attempts >= MAX_ATTEMPTS and not is_server_unavailable(error)
    if is_permanent_failure(error) or out_of_attempts:
        message.status = OutboxStatus.FAILED
        current_app.logger.warning("mail: message %s failed for good: %s", message.id, message.last_error)
        return "failed"
    message.next_attempt_at = now + retry_delay(message.attempts)
    current_app.logger.info("mail: message %s will be retried at %s: %s", message.id,
                            message.next_attempt_at.isoformat(), message.last_error)
    return "retried"


def redacted(text: str, address: str) -> str:
    """A server's error often quotes the address; the outbox and the logs keep it out (SPEC 8: an
    erased person's address must not survive in an error text)."""
    return re.sub(re.escape(address), "<recipient>", text, flags=re.IGNORECASE) if address else text


def claim_due_messages(*, now: datetime, batch_size: int, lease_seconds: int) -> list[OutboxMessage]:
    """Lease up to `batch_size` due messages to this worker and commit, so others skip them."""
    db.session.commit()  # the claim must start a transaction of its own (see _claim_on_sqlite)
    lease = now + timedelta(seconds=lease_seconds)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = _claim_on_postgresql(now=now, lease=lease, batch_size=batch_size)
    else:
        ids = _claim_on_sqlite(now=now, lease=lease, batch_size=batch_size)
    db.session.commit()
    if not ids:
        return []
    query = (select(OutboxMessage).where(OutboxMessage.id.in_(ids))
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
             .execution_options(populate_existing=True))
    return list(db.session.scalars(query))


def _due_ids(now: datetime, batch_size: int):
    return (select(OutboxMessage.id)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now,
                   or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(batch_size))


def _claim_on_postgresql(*, now: datetime, lease: datetime, batch_size: int) -> list[int]:
    """Rows another worker is claiming right now are locked: SKIP LOCKED passes over them instead
    of waiting, so concurrent workers take disjoint batches."""
    ids = list(db.session.scalars(_due_ids(now, batch_size).with_for_update(skip_locked=True)))
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                           .values(claimed_until=lease).execution_options(synchronize_session=False))
    return ids


def _claim_on_sqlite(*, now: datetime, lease: datetime, batch_size: int) -> list[int]:
    """SQLite has one writer at a time: a single conditional UPDATE picks and leases the rows
    atomically, and a second worker's UPDATE, queued behind it, no longer sees them as free."""
    statement = (update(OutboxMessage).where(OutboxMessage.id.in_(_due_ids(now, batch_size).scalar_subquery()))
                 .values(claimed_until=lease).returning(OutboxMessage.id)
                 .execution_options(synchronize_session=False))
    return list(db.session.scalars(statement))


def release_claims(ids: list[int]) -> None:
    """Give messages back to the queue untouched, for this or another worker's next pass."""
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                           .values(claimed_until=None).execution_options(synchronize_session=False))
        db.session.commit()
