"""The day of the event (SPEC 4d): check-in codes at the door, staff check-in, the self check-in screen,
walk-ins, certificates of attendance. services.py holds the rule, one function every way in calls."""
from flask import Flask


def init_app(app: Flask) -> None:
    from ..registration.notifications import draw_checkin_codes_with
    from . import models  # noqa: F401  # its table, for `db upgrade` and the tests' schema
    from .certificate_routes import blueprint as certificate_pages
    from .qr import qr_png, qr_svg
    from .screen_routes import screen_pages, self_check_in_pages
    from .staff_routes import blueprint as staff_pages

    draw_checkin_codes_with(app, qr_png)  # the code's QR in the mails to seat holders
    app.register_blueprint(staff_pages)  # the staff's phone at the door: scan, type, search, walk-ins
    app.register_blueprint(screen_pages)  # the projected self check-in screen (organizers)
    app.register_blueprint(self_check_in_pages)  # the attendee's page the screen's QR leads to
    app.register_blueprint(certificate_pages)  # certificates of attendance, and their public verification
    app.jinja_env.filters["qr_svg"] = qr_svg
