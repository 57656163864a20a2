"""The catalogue: campaigns, organizations, venues, events and their agenda (SPEC section 2);
public pages and the organizer's back office for them."""
from flask import Flask

from . import version  # noqa: F401  (the catalogue's version counts every change, from any process)


def init_app(app: Flask) -> None:
    # Imported here: importing the package (for a model or a service) must not load its pages.
    from ..audit import trail as audit
    from .labels import SECTOR_LABELS, STATUS_LABELS, event_ordinal
    from .manage_routes import blueprint as back_office
    from .manage_routes import can_be_reinstated
    from .models import Campaign, Organization, Venue
    from .queries import names_for_audit_log, titles_for_audit_log
    from .routes import blueprint as public_pages

    app.register_blueprint(public_pages)
    app.register_blueprint(back_office)
    audit.name_with("event", titles_for_audit_log)
    for subject_type, model in (("campaign", Campaign), ("organization", Organization), ("venue", Venue)):
        audit.name_with(subject_type, names_for_audit_log(model))
    audit.label_values("event", "status", STATUS_LABELS)
    app.jinja_env.globals.update(STATUS_LABELS=STATUS_LABELS, SECTOR_LABELS=SECTOR_LABELS,
                                 event_ordinal=event_ordinal, can_be_reinstated=can_be_reinstated)
