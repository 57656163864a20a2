"""The audit log: every change to campaigns, events, the agenda, registrations and quotas, and every
export and view of attendee data (SPEC 4e, 8). trail.py writes it, queries.py reads it, routes.py shows it."""
from flask import Flask


def init_app(app: Flask) -> None:
    from . import routes

    app.register_blueprint(routes.blueprint)
