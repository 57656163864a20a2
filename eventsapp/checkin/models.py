"""Every check-in attempt, answered once: a retried request (same nonce) gets the first answer again."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, enum_column
from ..extensions import Model


class Outcome(enum.StrEnum):
    """The answer to a check-in attempt (pretix's reason codes, in our words)."""

    CHECKED_IN = "checked_in"
    ALREADY_CHECKED_IN = "already_checked_in"
    OTHER_EVENT = "other_event"  # a code of another event
    CANCELLED = "cancelled"
    WAITLISTED = "waitlisted"  # or invited and not yet given a seat
    UNKNOWN = "unknown"  # no such code: mistyped, or forged
    NOT_OPEN = "not_open"  # before check-in opens (CHECK_IN_OPENS_BEFORE the start)
    CLOSED = "closed"  # after it closes (CHECK_IN_CLOSES_AFTER the end)


ADMITTED = (Outcome.CHECKED_IN, Outcome.ALREADY_CHECKED_IN)


class CheckInAttempt(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Made by the device for each scan or tap; the same nonce twice is the same attempt (a retry, an
    # offline upload sent again).
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    # What the attempt asked for ("code:ABCDE…" or "registration:42"): the same nonce asking for something
    # else is not a retry, and is refused.
    requested: Mapped[str] = mapped_column(String(80), default="", server_default="")
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: the attendee themselves
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)  # on the device (an offline scan: when scanned)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the server heard of it
