"""Idempotency-Key: a client that did not hear the answer to a POST (a timeout, a dropped connection) sends
it again with the same key and gets the first answer, never a second registration. Answers are kept
IDEMPOTENCY_WINDOW (24 h), then purged (they hold manage tokens): by the mail worker's pass, and by the
next sign-up sent with a key, before its seat decision.

Only a change's answer is kept (a 201), in the transaction that made the change, so there is no answer
without its change and no change without its answer; a refusal changed nothing and is decided again when
sent again. Two requests with one key at the same moment: the second one's store fails on the unique scope,
it rolls back, and answers what the first stored. The registration's submission key is made of the key and
the body, so a key sent again after the window with another person's details never finds the first one's.

Keys are the client's: 16 characters at least, so that a key is no guess (a replay needs the same key and the
same body, and answers with the registration's token).
"""
import json
from datetime import datetime, timedelta
from hashlib import sha256
from typing import cast

from sqlalchemy import CursorResult, delete, select

from ..database import insert_unless_taken
from ..extensions import db
from .models import IdempotentAnswer

IDEMPOTENCY_WINDOW = timedelta(hours=24)
MIN_KEY_LENGTH = 16
MAX_KEY_LENGTH = 255
CREATED = 201


def is_well_formed_key(key: str) -> bool:
    """16 to 255 visible ASCII characters (a UUID is the usual choice)."""
    return MIN_KEY_LENGTH <= len(key) <= MAX_KEY_LENGTH and all(33 <= ord(character) <= 126 for character in key)


def scope_of(key: str, method: str, path: str) -> str:
    return sha256(f"{key}\n{method} {path}".encode()).hexdigest()


def submission_key(scope: str, request_hash: str) -> str:
    """The registration's submission key (services.register returns the registration made with it)."""
    return "api:" + sha256(f"{scope}\n{request_hash}".encode()).hexdigest()[:48]


def hash_of(body: bytes) -> str:
    """The request's body as sent: a retry sends the same bytes (any body, JSON or not)."""
    return sha256(body).hexdigest()


def find_answer(scope: str, *, now: datetime) -> IdempotentAnswer | None:
    """The answer kept for this key and resource, if it is still within the window."""
    return db.session.scalar(select(IdempotentAnswer).where(
        IdempotentAnswer.scope == scope, IdempotentAnswer.created_at > now - IDEMPOTENCY_WINDOW))


def keep_answer(scope: str, request_hash: str, answer: dict, *, now: datetime) -> bool:
    """Store the 201's answer in the current transaction; False when another request with the same key stored
    one first (the caller rolls back and answers that one). One INSERT, under the sign-up's lock: the database
    skips a taken scope, no savepoint (database.insert_unless_taken)."""
    return insert_unless_taken(db.session, IdempotentAnswer, {
        "scope": scope, "request_hash": request_hash, "status": CREATED,
        "body": json.dumps(answer, ensure_ascii=False), "created_at": now}, unique=IdempotentAnswer.scope) is not None


def forget_expired_answer(scope: str, *, now: datetime) -> None:
    """This key's answer, if older than the window, goes in the caller's transaction, so that the key can be
    stored again. This row alone: a sign-up waiting for its event's lock holds no other answer's row, which
    other sign-ups (and the worker's purge) would otherwise queue behind."""
    db.session.execute(delete(IdempotentAnswer).where(
        IdempotentAnswer.scope == scope, IdempotentAnswer.created_at <= now - IDEMPOTENCY_WINDOW))


def purge_expired_answers(now: datetime) -> int:
    """What the mail worker runs on each pass: answers older than the window are deleted. Returns how many."""
    result = db.session.execute(delete(IdempotentAnswer).where(IdempotentAnswer.created_at <= now - IDEMPOTENCY_WINDOW))
    db.session.commit()
    return cast(CursorResult, result).rowcount
