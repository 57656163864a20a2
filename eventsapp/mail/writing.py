"""Messages queued unwritten. A change that must be cheap (a sign-up holds its event's seat lock, and a rush
of them shares the web servers' cores) queues a small row that names what to write, and commits; the
message is written by whoever reads it first, outside the lock and outside the request: the worker before it
sends it, or on its pass when mail is kept in the outbox (write_left_unwritten), or the outbox pages when an
organizer looks (write_now). The row is the promise (SPEC 3.5): nothing is written before its change
committed, and nothing committed is left unwritten.

The domains write their own messages: `add_writer(app, name, write)`, where `write(message, details)` fills
in the subject, the bodies and the attachments from what the row names (e.g.
registration/notifications.write_sign_up_mail), and raises Unwritable when that is gone. A writer's name
is stored in rows: it must never change.
"""
from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import select

from ..database import insert_unless_taken
from ..extensions import db
from .models import OutboxMessage, OutboxStatus
from .services import ERASED, fit_key

WRITERS_KEY = "mail.writers"
WORKER_BATCH = 100

Writer = Callable[[OutboxMessage, dict], None]


class Unwritable(Exception):
    """What a message was to say is gone (its registration deleted, its event cancelled since): it is never
    sent, and the reason is kept as its error."""


def add_writer(app: Flask, name: str, write: Writer) -> None:
    app.extensions.setdefault(WRITERS_KEY, {})[name] = write


def enqueue_unwritten(*, recipient: str, dedup_key: str, writer: str, details: dict, now: datetime) -> int | None:
    """Queue a message to be written later, in the caller's transaction: one small INSERT, its id returned.
    `details` (JSON) is what `writer` needs. None when the change's message was queued already: the database
    skips the row (ON CONFLICT DO NOTHING), so no savepoint is needed to keep the caller's transaction."""
    values = {"recipient": recipient, "subject": "", "body_text": "", "body_html": "", "dedup_key": fit_key(dedup_key),
              "to_write": {"writer": writer, **details}, "status": OutboxStatus.PENDING, "attempts": 0,
              "next_attempt_at": now, "created_at": now, "last_error": ""}
    return insert_unless_taken(db.session, OutboxMessage, values, unique=OutboxMessage.dedup_key)


def write_message(message: OutboxMessage) -> bool:
    """Write an unwritten message in place (the caller commits), holding its row: False when there is nothing
    to write any more (written meanwhile, or blanked by an erasure: SPEC 8). Raises Unwritable."""
    db.session.refresh(message, with_for_update=True)
    if message.to_write is None or message.last_error == ERASED:
        return False
    details = dict(message.to_write)
    writer = current_app.extensions.get(WRITERS_KEY, {}).get(details.pop("writer", None))
    if writer is None:
        raise Unwritable(f"no writer for {message.to_write!r}")
    writer(message, details)
    message.to_write = None
    return True


def give_up(message: OutboxMessage, reason: Unwritable) -> None:
    message.status = OutboxStatus.FAILED
    message.to_write = None
    message.claimed_until = None
    message.last_error = f"Not written: {reason}"[:2000]


def write_left_unwritten(*, now: datetime) -> int:
    """The worker's pass: write what was queued unwritten, oldest first, a batch at a time (also with no
    SMTP_URL: mail kept in the outbox is read there)."""
    # Not a row given up for good (its writer kept failing): it would hold its place in every batch.
    return _write_each(list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_write.is_not(None), OutboxMessage.status != OutboxStatus.FAILED)
        .order_by(OutboxMessage.id).limit(WORKER_BATCH))))


def write_now(ids: list[int]) -> int:
    """Write those of these messages that are unwritten now, each committed on its own (the ones an organizer
    looks at in the outbox)."""
    if not ids:
        return 0
    return _write_each(list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.to_write.is_not(None))
        .order_by(OutboxMessage.id).execution_options(populate_existing=True))))


def _write_each(messages: list[OutboxMessage]) -> int:
    written = 0
    for message in messages:
        try:
            written += write_message(message)
        except Unwritable as reason:
            give_up(message, reason)
        except Exception:
            db.session.rollback()
            current_app.logger.exception("mail: message %s was left for the worker to write", message.id)
            continue
        db.session.commit()
    return written
