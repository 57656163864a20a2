"""The audit log (SPEC 4e, 8): who changed what and when, with the old and new values. Written in the
transaction of the change, never edited.

No foreign keys: an entry outlives what it names (a deleted event, a merged account), and holds no
attendee's personal data (a registration is named by its id; its details go with the retention rule).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..acting import Origin
from ..database import UTCDateTime, enum_column
from ..extensions import Model


class AuditEntry(Model):
    id: Mapped[int] = mapped_column(primary_key=True)  # also the order of the log
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(index=True)  # the user; None for the public or the system
    origin: Mapped[Origin] = mapped_column(enum_column(Origin))
    # e.g. "event.updated", "registration.cancelled", "attendees.exported" (labels.py names them)
    kind: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))  # "event", "registration", "campaign", ...
    subject_id: Mapped[int | None]
    event_id: Mapped[int | None]  # the event concerned, to filter by event
    # What the subject was called then (an event's title; never a person's name).
    label: Mapped[str] = mapped_column(String(300), default="")
    # {"field": [old, new]} for a change, {"field": new} for a creation, or the facts of an action.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_audit_entry_event_id_id", "event_id", "id"),
        Index("ix_audit_entry_kind_id", "kind", "id"),
    )


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def refuse_editing(mapper, connection, entry: AuditEntry) -> None:
    raise PermissionError(f"audit entry {entry.id} is never edited nor deleted")
