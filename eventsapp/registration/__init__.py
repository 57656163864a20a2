"""Registration: one person at one event (SPEC 3.1–3.5): sign-up with seats and a waiting list, the
attendee's own page and calendar feed, the organizer's attendee lists, e-mails and reminders."""
from flask import Flask

from ..mail.worker import add_before_pass_hook
from .event_changes import connect_receivers
from .labels import REGISTRATION_STATUS_LABELS
from .manage_routes import blueprint as attendee_pages
from .routes import blueprint as public_pages
from .routes import signup_state
from .services import queue_reminders


def init_app(app: Flask) -> None:
    app.register_blueprint(public_pages)
    app.register_blueprint(attendee_pages)
    app.jinja_env.globals.update(REGISTRATION_STATUS_LABELS=REGISTRATION_STATUS_LABELS, signup_state=signup_state)
    connect_receivers()  # e-mails and seats follow the organizer's changes to an event
    add_before_pass_hook(app, queue_reminders)  # the mail worker queues "tomorrow" reminders first
