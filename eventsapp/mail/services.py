"""Putting mail in the outbox, and what the back office does with it."""
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar, cast

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Delete, Update, and_, delete, or_, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only

from ..errors import NotAllowedInState
from ..extensions import db
from .models import OutboxMessage, OutboxStatus

T = TypeVar("T")
OUTBOX_PAGE_SIZE = 50
_LAST_PAGE = 100_000  # a bound on ?page=, so a huge number cannot overflow the database's OFFSET


def enqueue_message(*, recipient: str, subject: str, body_text: str, body_html: str, dedup_key: str,
                    now: datetime, ics: bytes | None = None, ics_method: str | None = None,
                    ics_filename: str = "event.ics", inline_image: bytes | None = None,
                    inline_image_cid: str | None = None) -> OutboxMessage | None:
    """Queue one e-mail in the caller's transaction (the caller commits it together with the change).
    `inline_image`: a PNG that `body_html` shows as <img src="cid:{inline_image_cid}">.

    Returns None, adding nothing, when a message for `dedup_key` already exists.
    """
    dedup_key = fit_key(dedup_key)
    join_transaction_on_sqlite()
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)) is not None:
        return None
    return insert_once(OutboxMessage(
        recipient=recipient, subject=fit_subject(subject), body_text=body_text, body_html=body_html or "",
        dedup_key=dedup_key, ics=ics, ics_method=ics_method.upper() if ics_method else None,
        ics_filename=ics_filename, inline_image=inline_image,
        inline_image_cid=inline_image_cid if inline_image else None, status=OutboxStatus.PENDING, attempts=0,
        next_attempt_at=now, created_at=now, last_error=""))


def insert_once(message: OutboxMessage) -> OutboxMessage | None:
    """Two transactions may queue the same change at once; the unique dedup key lets only one insert win.
    The savepoint keeps the loser's transaction (and the change it carries) usable."""
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


@dataclass(frozen=True)
class QueuedMail:
    recipient: str
    subject: str
    body_text: str


@dataclass(frozen=True)
class Rehearsal(Generic[T]):
    """What a change would do: its result, and the mail it would queue."""

    result: T
    mails: list[QueuedMail]

    @property
    def recipients(self) -> int:
        return len({mail.recipient for mail in self.mails})


def rehearse(change: Callable[[], T]) -> Rehearsal[T]:
    """Run a change, note the mail it queues, then roll it all back (the caller's transaction too):
    the back office shows an organizer whom a change will e-mail, and what, before they confirm.
    A DomainError from the change is raised after the rollback."""
    mails: list[QueuedMail] = []

    def note(_session, row) -> None:
        if isinstance(row, OutboxMessage):
            mails.append(QueuedMail(row.recipient, row.subject, row.body_text))

    session = db.session()
    sa_event.listen(session, "pending_to_persistent", note)
    try:
        result = change()
        db.session.flush()
    finally:
        sa_event.remove(session, "pending_to_persistent", note)
        db.session.rollback()
    return Rehearsal(result, mails)  # in the order queued: a change's own mails before any that follow it


def fit_subject(subject: str) -> str:
    """A long event title must not make the change fail (PostgreSQL refuses over-long values)."""
    limit = OutboxMessage.subject.type.length
    return subject if len(subject) <= limit else subject[:limit - 1] + "…"


def fit_key(dedup_key: str) -> str:
    """An over-long key is shortened the same way every time, so it still deduplicates."""
    limit = OutboxMessage.dedup_key.type.length
    if len(dedup_key) <= limit:
        return dedup_key
    return dedup_key[:limit - 65] + "#" + hashlib.sha256(dedup_key.encode()).hexdigest()


def join_transaction_on_sqlite() -> None:
    """Make sure a real transaction is open before the savepoint.

    The pysqlite driver opens its transaction lazily, at the first INSERT/UPDATE/DELETE. Were
    SAVEPOINT the first write, SQLite would treat it as the transaction itself and RELEASE would
    commit the message on its own, outside the caller's transaction. A no-op UPDATE opens the
    transaction (and takes SQLite's write lock, which makes the duplicate check above race-free).
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == -1).values(attempts=0)
                           .execution_options(synchronize_session=False))


def retry_message(message: OutboxMessage, *, now: datetime) -> None:
    """An organizer asks to send a failed message again: it gets a fresh series of attempts."""
    if message.status != OutboxStatus.FAILED:
        raise NotAllowedInState(_l("Only a message that failed can be sent again."))
    if message.last_error == ERASED:
        raise NotAllowedInState(_l("Its recipient had their data deleted: this message cannot be sent again."))
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = now
    message.claimed_until = None
    db.session.flush()


def outbox_page(*, status: str | None, page: int) -> Pagination:
    """One page of the outbox, newest first, with only the columns the list shows (bodies stay unread)."""
    query = select(OutboxMessage).options(load_only(
        OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.status, OutboxMessage.attempts,
        OutboxMessage.created_at, OutboxMessage.sent_at, OutboxMessage.next_attempt_at, OutboxMessage.to_write,
        raiseload=True))
    if status in set(OutboxStatus):
        query = query.where(OutboxMessage.status == status)
    query = query.order_by(OutboxMessage.id.desc())
    page = min(max(page, 1), _LAST_PAGE)
    return db.paginate(query, page=page, per_page=OUTBOX_PAGE_SIZE, max_per_page=OUTBOX_PAGE_SIZE,
                       error_out=False)



ERASED = "Erased at the recipient's request (SPEC 8)"  # last_error of a blanked message: never sent again


def erase_mail_to(address: str, *, replacement: str, now: datetime, dedup_key_prefix: str | None = None) -> int:
    """Forget the mail to `address` at its owner's request (SPEC 8). Messages waiting to be sent are
    dropped; the others keep only their subject and dates, addressed to `replacement`, so the outbox
    still shows that mail went out. One a worker is sending right now (leased) goes out as it is; its
    row is blanked too, and marked failed so that no worker picks it up again. `dedup_key_prefix`
    (e.g. "registration-42-") narrows it to one registration's messages, when the address still has
    other business with us. Returns how many messages."""
    mine = OutboxMessage.recipient == address
    if dedup_key_prefix:
        mine = mine & OutboxMessage.dedup_key.startswith(dedup_key_prefix, autoescape=True)
    waiting = and_(OutboxMessage.status == OutboxStatus.PENDING,
                   or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now))
    dropped = _rows_changed(delete(OutboxMessage).where(mine, waiting))
    leased = _rows_changed(update(OutboxMessage).where(mine, OutboxMessage.status == OutboxStatus.PENDING)
                           .values(status=OutboxStatus.FAILED, claimed_until=None))
    blanked = _rows_changed(update(OutboxMessage).where(mine).values(
        recipient=replacement, body_text="", body_html="", ics=None, inline_image=None, to_write=None,
        last_error=ERASED))
    return dropped + max(blanked, leased)


def _rows_changed(statement: Delete | Update) -> int:
    result = db.session.execute(statement.execution_options(synchronize_session="fetch"))
    return cast(CursorResult, result).rowcount
