"""The day of the event (SPEC 4d): check-in codes at the door, staff check-in, the self check-in screen,
walk-ins, certificates of attendance. services.py holds the rule, one function every way in calls."""
from flask import Flask


def init_app(app: Flask) -> None:
    from . import models  # noqa: F401  # its table, for `db upgrade` and the tests' schema
    from .screen_routes import screen_pages, self_check_in_pages

    app.register_blueprint(screen_pages)  # the projected self check-in screen (organizers)
    app.register_blueprint(self_check_in_pages)  # the attendee's page the screen's QR leads to
