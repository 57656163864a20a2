"""The audit log page of the back office: /manage/audit, filtered by event, by who acted and by kind."""
from collections.abc import Mapping
from datetime import datetime

from flask import current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..i18n import format_local_moment
from ..web.backoffice import backoffice_blueprint
from . import queries, trail
from .labels import FIELD_LABELS, KIND_GROUP_LABELS, KIND_LABELS, ORIGIN_LABELS
from .models import AuditEntry

blueprint = backoffice_blueprint("audit", __name__)


@blueprint.get("/audit")
def index():
    wanted = queries.AuditFilter.of(request.args)
    entries, next_before = queries.find_entries(wanted)
    actor_ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    acting = {actor_id for actor_id in db.session.scalars(select(AuditEntry.actor_id).distinct()) if actor_id}
    events = {event_id for event_id in db.session.scalars(select(AuditEntry.event_id).distinct()) if event_id}
    subjects: dict[str, set[int]] = {}
    for entry in entries:
        if entry.subject_id is not None:
            subjects.setdefault(entry.subject_type, set()).add(entry.subject_id)
        for field, value in entry.details.items():
            if field in trail.ID_FIELDS:
                subjects.setdefault(trail.ID_FIELDS[field], set()).update(ids_in(value))
    names = {kind: trail.names_of(kind, ids) for kind, ids in subjects.items()}
    return render_template(
        "manage/audit.html", wanted=wanted, entries=entries, next_before=next_before,
        users=trail.names_of("user", actor_ids | acting), event_names=trail.names_of("event", events),
        subject_names=names, timezone=current_app.config["DEFAULT_TIMEZONE"],
        described=lambda entry: described(entry, names),
        KIND_LABELS=KIND_LABELS, KIND_GROUP_LABELS=KIND_GROUP_LABELS, ORIGIN_LABELS=ORIGIN_LABELS)


def ids_in(value: object) -> set[int]:
    """The ids in a recorded value: 3, [2, 3] (old and new), [[1], [1, 4]] (lists of co-hosts)."""
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, list):
        return set().union(*(ids_in(item) for item in value)) if value else set()
    return set()


def described(entry: AuditEntry, names: dict[str, dict[int, str]]) -> list[tuple[str, str]]:
    """(field, what happened to it): "old → new" for a change of a watched row, else the value recorded;
    statuses in words, ids by the names of what they name."""
    changes = entry.subject_type in trail.watched_types() and entry.kind.rpartition(".")[2] not in ("created",
                                                                                                  "deleted")
    lines = []
    for field, value in sorted(entry.details.items()):
        def text_of(recorded: object, field: str = field) -> str:
            return shown(recorded, labels=trail.VALUE_LABELS.get((entry.subject_type, field), {}),
                         names=names.get(trail.ID_FIELDS.get(field, ""), {}))

        if value is None and changes:
            text = str(_("changed (the values are personal data and are not kept here)"))
        elif changes and isinstance(value, list) and len(value) == 2:
            text = f"{text_of(value[0])} → {text_of(value[1])}"
        else:
            text = text_of(value)
        lines.append((str(FIELD_LABELS.get(field, field)), text))
    return lines


def shown(value: object, *, labels: Mapping[str, object] | None = None, names: Mapping[int, str] | None = None) -> str:
    """A recorded value as the page shows it: yes or no, a status in words, a row by its name, an instant
    (kept in ISO 8601 UTC) in the campaign's zone."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(shown(item, labels=labels, names=names) for item in value)
    if isinstance(value, int) and names and value in names:
        return names[value]
    if isinstance(value, str) and labels and value in labels:
        return str(labels[value])
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return format_local_moment(moment, current_app.config["DEFAULT_TIMEZONE"])
    return str(value)
