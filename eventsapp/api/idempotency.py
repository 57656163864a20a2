"""Idempotency-Key: a client that did not hear the answer to a POST (a timeout, a dropped connection) sends
it again with the same key and gets the first answer, never a second registration. Answers are kept
IDEMPOTENCY_WINDOW (24 h), then purged by the mail worker's pass (they hold manage tokens).

The answer is stored in the transaction that made the change, so there is no answer without its change and
no change without its answer. Two requests with one key at the same moment: the second one's store fails on
the unique scope, it rolls back, and answers what the first stored.
"""
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256
from typing import cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import IdempotentAnswer

IDEMPOTENCY_WINDOW = timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict


def is_well_formed_key(key: str) -> bool:
    """1 to 255 visible ASCII characters (a UUID is the usual choice)."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(character) <= 126 for character in key)


def scope_of(key: str, method: str, path: str) -> str:
    return sha256(f"{key}\n{method} {path}".encode()).hexdigest()


def hash_of(body) -> str:
    return sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


def find_answer(scope: str, *, now: datetime) -> IdempotentAnswer | None:
    """The answer kept for this key and resource, if it is still within the window."""
    return db.session.scalar(select(IdempotentAnswer).where(
        IdempotentAnswer.scope == scope, IdempotentAnswer.created_at > now - IDEMPOTENCY_WINDOW))


def keep_answer(scope: str, request_hash: str, answer: Answer, *, now: datetime) -> bool:
    """Store the answer in the current transaction; False when another request with the same key stored
    one first (the caller rolls back and answers that one). An expired answer of the key gives way."""
    db.session.execute(delete(IdempotentAnswer).where(
        IdempotentAnswer.scope == scope, IdempotentAnswer.created_at <= now - IDEMPOTENCY_WINDOW))
    try:
        with db.session.begin_nested():
            db.session.add(IdempotentAnswer(scope=scope, request_hash=request_hash, status=answer.status,
                                            body=json.dumps(answer.body, ensure_ascii=False), created_at=now))
    except IntegrityError:
        return False
    return True


def purge_expired_answers(now: datetime) -> int:
    """What the mail worker runs on each pass: answers older than the window are deleted."""
    result = db.session.execute(delete(IdempotentAnswer).where(IdempotentAnswer.created_at <= now - IDEMPOTENCY_WINDOW))
    db.session.commit()
    return cast(CursorResult, result).rowcount
