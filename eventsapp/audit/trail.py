"""Writing the audit log.

Changes to the watched models (campaigns, events, the agenda, registrations, company quotas) are
recorded by one session hook, whatever made them: a back-office form, a company lead, an attendee's
link, the worker, a command. Each domain says what to watch of its models (`watch`), next to them.
Actions that change no row (an export, a look at an attendee list, a purge) are recorded with `record`.
Both write in the transaction of the change: a rollback takes its entries with it.

Who did it is set by the web layer for each request (eventsapp/acting.py); outside a request it is the system.
The one thing this module reads of Flask is that (flask.g, through acting.py): no request, no user.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from ..acting import Origin, current_actor
from ..database import utcnow
from ..extensions import db
from .models import AuditEntry

LONGEST_VALUE = 200  # characters of a text value kept in an entry (a description changes in full elsewhere)


@dataclass(frozen=True)
class Watched:
    subject_type: str
    fields: tuple[str, ...]  # the columns whose changes are recorded, with old and new values
    event_id: Callable[[Any], int | None]
    label: Callable[[Any], str]
    # A change of this field names the entry by its new value instead of "<type>.updated", e.g. a
    # registration's status: "registration.cancelled".
    state_field: str | None = None
    # Changes recorded without their values (personal data): that the field changed, not to what.
    private_fields: tuple[str, ...] = ()
    # Set when the row's personal data is erased: then the entry is "<type>.erased", without values.
    erased_field: str | None = None


WATCHED: dict[type, Watched] = {}
# subject type → ids → what to call them on the log page now (a registration's name, unless erased since).
NAMERS: dict[str, Callable[[set[int]], dict[int, str]]] = {}


def watch(model: type, subject_type: str, *, fields: tuple[str, ...], event_id: Callable[[Any], int | None],
          label: Callable[[Any], str] = lambda row: "", state_field: str | None = None,
          private_fields: tuple[str, ...] = (), erased_field: str | None = None) -> None:
    WATCHED[model] = Watched(subject_type, fields, event_id, label, state_field, private_fields, erased_field)
    for name in fields:
        # Load the old value when a field is set on a row read in an earlier transaction (expired after its
        # commit): without it, the history would hold only the new value.
        event.listen(getattr(model, name), "set", _keep_old_value, active_history=True)


def _keep_old_value(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    return value


def name_with(subject_type: str, namer: Callable[[set[int]], dict[int, str]]) -> None:
    """How the log page names subjects of a type, and users ("user"): each domain tells, the log needs none."""
    NAMERS[subject_type] = namer


# (subject type, field) → {stored value: its label}, e.g. a registration's status "invited" → "Invited, ..."
VALUE_LABELS: dict[tuple[str, str], Mapping[str, Any]] = {}
# A field holding ids of another kind of row → the subject type whose namer names them ("venue_id" → "venue").
ID_FIELDS = {"delegation_id": "delegation", "venue_id": "venue", "host_id": "organization",
             "organization_id": "organization", "co_host_ids": "organization", "campaign_id": "campaign"}


def label_values(subject_type: str, field: str, labels: Mapping[str, Any]) -> None:
    """How the log page shows the values of a field (a status), in the reader's language."""
    VALUE_LABELS[subject_type, field] = labels


def watched_types() -> set[str]:
    return {watched.subject_type for watched in WATCHED.values()}


def names_of(subject_type: str, ids: set[int]) -> dict[int, str]:
    namer = NAMERS.get(subject_type)
    return namer(ids) if namer and ids else {}


def record(kind: str, *, subject_type: str, subject_id: int | None = None, event_id: int | None = None,
           label: str = "", details: dict[str, Any] | None = None, now: datetime | None = None) -> AuditEntry:
    """Record an action that changes no watched row (an export, a view of an attendee list, a purge)."""
    actor_id, origin = current_actor()
    entry = AuditEntry(at=now or utcnow(), actor_id=actor_id, origin=origin, kind=kind, subject_type=subject_type,
                       subject_id=subject_id, event_id=event_id, label=label[:300], details=details or {})
    db.session.add(entry)
    return entry


def plain(value: Any) -> Any:
    """A value as JSON keeps it: instants in ISO 8601 UTC, enums by value, long text cut."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str) and len(value) > LONGEST_VALUE:
        return value[:LONGEST_VALUE] + "…"
    return value


def _changes(row: Any, watched: Watched) -> dict[str, Any]:
    state = inspect(row)
    changes: dict[str, Any] = {}
    erased = (watched.erased_field,) if watched.erased_field else ()
    for name in watched.fields + watched.private_fields + erased:
        history = state.attrs[name].history
        if not history.added and not history.deleted:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        changes[name] = None if name in watched.private_fields else [plain(old), plain(new)]
    return changes


def _entry(row: Any, watched: Watched, kind: str, details: dict[str, Any], *, at: datetime,
           actor: tuple[int | None, Origin]) -> dict[str, Any]:
    return {"at": at, "actor_id": actor[0], "origin": actor[1], "kind": f"{watched.subject_type}.{kind}",
            "subject_type": watched.subject_type, "subject_id": row.id, "event_id": watched.event_id(row),
            "label": (watched.label(row) or "")[:300], "details": details}


Gone = tuple[Any, Watched, dict[str, Any]]  # a deleted row, what is watched of it, and the values it held


def _entries_of_flush(session: Session, deleted: list[Gone]) -> list[dict[str, Any]]:
    at, actor, entries = utcnow(), current_actor(), []
    for row in session.new:
        watched = WATCHED.get(type(row))
        if watched:
            created = {name: plain(getattr(row, name)) for name in watched.fields}
            entries.append(_entry(row, watched, "created", created, at=at, actor=actor))
    for row in session.dirty:
        watched = WATCHED.get(type(row))
        if not watched:
            continue
        changes = _changes(row, watched)
        if not changes:
            continue
        kind = "updated"
        if watched.erased_field and watched.erased_field in changes:
            kind, changes = "erased", {}
        elif watched.state_field and watched.state_field in changes:
            kind = changes[watched.state_field][1]
        entries.append(_entry(row, watched, kind, changes, at=at, actor=actor))
    for row, watched, gone in deleted:
        entries.append(_entry(row, watched, "deleted", gone, at=at, actor=actor))
    return entries


DELETED_KEY = "audit_deleted"  # flush_context.attributes: what the rows being deleted held


@event.listens_for(Session, "before_flush")
def remember_deleted_rows(session: Session, flush_context, instances) -> None:
    """A deleted row's values, read while it is still there (after the flush, reading one would fail). Kept
    with this flush only: a flush that fails takes them along, so a delete rolled back records nothing."""
    for row in session.deleted:
        watched = WATCHED.get(type(row))
        if watched:
            gone = {name: plain(getattr(row, name)) for name in watched.fields}
            flush_context.attributes.setdefault(DELETED_KEY, []).append((row, watched, gone))


@event.listens_for(Session, "after_flush")
def record_watched_changes(session: Session, flush_context) -> None:
    """After the flush the rows have ids, and their attribute history still holds the old values."""
    if not WATCHED:
        return
    entries = _entries_of_flush(session, flush_context.attributes.get(DELETED_KEY, []))
    if entries:
        session.connection().execute(insert(AuditEntry), entries)
