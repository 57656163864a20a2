"""The outbox: one row per e-mail to send, written in the transaction of the change it reports."""
from __future__ import annotations

import base64
import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, enum_column, utcnow
from ..extensions import Model


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    SENT = "sent"  # the mail server accepted it
    FAILED = "failed"  # refused for good, or out of attempts; an organizer may retry it


class OutboxMessage(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    ics: Mapped[bytes | None] = mapped_column(LargeBinary)
    ics_method: Mapped[str | None] = mapped_column(String(16))  # iTIP method: PUBLISH, REQUEST, CANCEL
    ics_filename: Mapped[str] = mapped_column(String(100), default="event.ics")
    # A PNG the HTML body shows inline (<img src="cid:...">), e.g. the QR of a check-in code: stored as sent,
    # like the .ics, so the worker sends what was queued. Its Content-ID, without the angle brackets.
    inline_image: Mapped[bytes | None] = mapped_column(LargeBinary)
    inline_image_cid: Mapped[str | None] = mapped_column(String(200))
    # "One change, one message": the caller names the change (e.g. "registration-42-confirmed"), and
    # the database refuses a second row for it, also when two transactions race.
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A worker's lease: while it lies in the future, no other worker picks the message up. It expires
    # on its own, so a worker that crashed mid-batch does not strand its messages.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A message queued unwritten (mail/writing.py): what its writer needs to write it, e.g. the registration
    # and the change, with what the change was at the time; None once written. The row is the promise.
    to_write: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    __table_args__ = (
        # The worker's question, "what is due?", is answered from this index alone.
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        # "How much did we send this address lately?" (the sign-up mail cap) without scanning the outbox.
        Index("ix_outbox_message_recipient_created_at", "recipient", "created_at"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    @property
    def previewable_html(self) -> str:
        """The HTML body as the back office shows it: a page cannot resolve cid:, so the inline image goes
        in as a data: URL (which the Content Security Policy allows for images)."""
        if not (self.inline_image and self.inline_image_cid):
            return self.body_html
        data_url = "data:image/png;base64," + base64.b64encode(self.inline_image).decode("ascii")
        return self.body_html.replace(f"cid:{self.inline_image_cid}", data_url)

    @property
    def is_failed(self) -> bool:
        return self.status == OutboxStatus.FAILED
