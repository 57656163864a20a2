"""Messages queued unwritten. A change that must hold a lock as briefly as possible (a sign-up holds its
event's seat lock) queues a small row that names what to write, and commits; the message is written
afterwards, outside the lock: by the request once its transaction committed (write_queued_messages, run
after every request), else by the worker before it sends it (write_message). The row is the promise
(SPEC 3.5): a process that dies between the commit and the writing leaves the row for the worker.

The domains write their own messages: `add_writer(app, name, write)`, where `write(message, details)` fills
in the subject, the bodies and the attachments from what the row names (registration/notifications.py).
"""
from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import select

from ..extensions import db
from .models import OutboxMessage, OutboxStatus
from .services import fit_key, insert_once, join_transaction_on_sqlite

WRITERS_KEY = "mail.writers"
QUEUED_KEY = "mail.queued_unwritten"  # in db.session.info: the ids this session queued unwritten

Writer = Callable[[OutboxMessage, dict], None]


def add_writer(app: Flask, name: str, write: Writer) -> None:
    app.extensions.setdefault(WRITERS_KEY, {})[name] = write


def enqueue_unwritten(*, recipient: str, dedup_key: str, writer: str, details: dict,
                      now: datetime) -> OutboxMessage | None:
    """Queue a message to be written after the commit, in the caller's transaction: one small INSERT.
    `details` (JSON) is what `writer` needs. None when the change's message was queued already."""
    join_transaction_on_sqlite()
    message = insert_once(OutboxMessage(
        recipient=recipient, subject="", body_text="", body_html="", dedup_key=fit_key(dedup_key),
        to_write={"writer": writer, **details}, status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now,
        created_at=now, last_error=""))
    if message is not None:
        db.session.info.setdefault(QUEUED_KEY, []).append(message.id)
    return message


def write_message(message: OutboxMessage) -> None:
    """Write an unwritten message in place (the caller commits)."""
    if message.to_write is None:
        return
    details = dict(message.to_write)
    current_app.extensions[WRITERS_KEY][details.pop("writer")](message, details)
    message.to_write = None


def write_queued_messages() -> int:
    """Write what this session queued unwritten, now that its transaction is over: rows of a transaction
    that rolled back are gone, and rows a worker wrote meanwhile are skipped. A failure is logged, never
    raised: the worker writes that message before sending it. Returns how many were written."""
    ids = db.session.info.pop(QUEUED_KEY, [])
    if not ids:
        return 0
    written = 0
    for message in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.to_write.is_not(None))):
        try:
            write_message(message)
            db.session.commit()
            written += 1
        except Exception:
            db.session.rollback()
            current_app.logger.exception("mail: message %s was left for the worker to write", message.id)
    return written
