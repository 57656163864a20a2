"""The day of the event (SPEC 4d): check-in codes at the door, staff check-in, the self check-in screen,
walk-ins, certificates of attendance. services.py holds the rule, one function every way in calls."""
from flask import Flask


def init_app(app: Flask) -> None:
    from . import models  # noqa: F401  # its table, for `db upgrade` and the tests' schema
    from .staff_routes import blueprint as staff_pages  # the staff's phone at the door

    app.register_blueprint(staff_pages)
