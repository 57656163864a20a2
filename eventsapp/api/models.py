"""A POST sent with an Idempotency-Key, and the answer it got (pretix's and Stripe's convention; IETF
draft-ietf-httpapi-idempotency-key-header): the same request sent again gets the same answer for 24 hours."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime
from ..extensions import Model


class IdempotentAnswer(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the client's key and the request's method and path: a key is the client's for one resource,
    # and the key itself (which a partner may log) is not kept.
    scope: Mapped[str] = mapped_column(String(64), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the request's JSON body, canonical
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)  # the JSON answered (a sign-up's holds its manage token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
