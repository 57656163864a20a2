"""Reading the audit log: newest first, filtered by event, by who acted and by kind, a page at a time."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, select

from ..acting import Origin
from ..extensions import db
from .models import AuditEntry

PAGE_SIZE = 100
KIND_GROUPS = ("campaign", "event", "session", "registration", "delegation", "announcement", "attendees",
               "personal_data")


def _positive_int(value: str | None) -> int | None:
    """"42" → 42; anything else (also "²", which str.isdigit() accepts and int() refuses) → None."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


@dataclass(frozen=True)
class AuditFilter:
    """What the log page shows; read leniently from the query string (a wrong value shows everything)."""

    event_id: int | None = None
    actor: str = ""  # a user's id, or an Origin for what no account did ("system", "public")
    kind: str = ""  # a group ("registration") or a kind ("registration.cancelled")
    subject: str = ""  # "registration:42": the history of one row
    before: int | None = None  # the page after the one that ended with this id

    @classmethod
    def of(cls, args: Mapping[str, str]) -> AuditFilter:
        actor = args.get("actor", "")
        kind = args.get("kind", "")
        subject_type, _, subject_id = args.get("subject", "").partition(":")
        return cls(event_id=_positive_int(args.get("event")),
                   actor=actor if _positive_int(actor) or actor in set(Origin) else "",
                   kind=kind if kind.split(".")[0] in KIND_GROUPS and len(kind) <= 64 else "",
                   subject=f"{subject_type}:{subject_id}" if subject_type.isidentifier() and _positive_int(subject_id)
                   else "",
                   before=_positive_int(args.get("before")))

    def query(self) -> Select[AuditEntry]:
        query = select(AuditEntry)
        if self.event_id is not None:
            query = query.where(AuditEntry.event_id == self.event_id)
        if self.actor.isdigit():
            query = query.where(AuditEntry.actor_id == int(self.actor))
        elif self.actor:
            query = query.where(AuditEntry.actor_id.is_(None), AuditEntry.origin == self.actor)
        if "." in self.kind:
            query = query.where(AuditEntry.kind == self.kind)
        elif self.kind:
            query = query.where(AuditEntry.kind.startswith(f"{self.kind}.", autoescape=True))
        if self.subject:
            subject_type, _, subject_id = self.subject.partition(":")
            query = query.where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == int(subject_id))
        if self.before is not None:
            query = query.where(AuditEntry.id < self.before)
        return query


def find_entries(wanted: AuditFilter, *, limit: int | None = None) -> tuple[list[AuditEntry], int | None]:
    """One page of entries, newest first, and the id to continue from (None on the last page)."""
    limit = limit or PAGE_SIZE
    entries = list(db.session.scalars(wanted.query().order_by(AuditEntry.id.desc()).limit(limit + 1)))
    more = len(entries) > limit
    entries = entries[:limit]
    return entries, (entries[-1].id if more else None)
