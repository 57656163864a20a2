"""Registration: one person at one event (SPEC 3.1–3.5): sign-up with seats and a waiting list, the
attendee's own page and calendar feed, the organizer's attendee lists, e-mails and reminders."""
from datetime import timedelta

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: importing the package (for a model or a service) must not load its pages.
    from ..audit import trail as audit
    from ..database import utcnow
    from ..mail.worker import add_before_pass_hook
    from ..mail.writing import add_writer
    from ..phones import display_phone
    from .announcement_routes import blueprint as announcement_pages
    from .cli import purge_personal_data_command
    from .delegation_manage_routes import blueprint as delegation_pages
    from .delegation_people import expire_unconfirmed
    from .delegation_routes import blueprint as company_delegation_pages
    from .event_changes import connect_receivers
    from .labels import DELEGATION_CHANGE_LABELS, REGISTRATION_STATUS_LABELS
    from .manage_routes import blueprint as attendee_pages
    from .notifications import WRITER, write_sign_up_mail
    from .queries import companies_for_audit_log, count_people_to_tell, holds_personal_data, names_for_audit_log
    from .routes import blueprint as public_pages
    from .routes import can_be_cancelled, signup_state
    from .services import purge_date, purge_expired_personal_data, queue_reminders, registration_closes_at

    app.register_blueprint(public_pages)
    app.register_blueprint(attendee_pages)
    app.register_blueprint(announcement_pages)
    app.register_blueprint(delegation_pages)
    app.register_blueprint(company_delegation_pages)
    app.cli.add_command(purge_personal_data_command)
    app.jinja_env.filters["phone"] = display_phone
    app.jinja_env.globals.update(REGISTRATION_STATUS_LABELS=REGISTRATION_STATUS_LABELS,
                                 DELEGATION_CHANGE_LABELS=DELEGATION_CHANGE_LABELS, signup_state=signup_state,
                                 can_be_cancelled=can_be_cancelled, registration_closes_at=registration_closes_at,
                                 count_people_to_tell=count_people_to_tell)
    audit.name_with("registration", names_for_audit_log)
    audit.name_with("delegation", companies_for_audit_log)
    audit.label_values("registration", "status", REGISTRATION_STATUS_LABELS)
    connect_receivers()  # e-mails and seats follow the organizer's changes to an event
    add_writer(app, WRITER, write_sign_up_mail)  # sign-up mails, queued unwritten under the seat lock
    add_before_pass_hook(app, queue_reminders)  # the mail worker queues "tomorrow" reminders first
    add_before_pass_hook(app, expire_unconfirmed)  # a company's seat not confirmed in time goes back to it
    retention = timedelta(days=app.config["RETENTION_DAYS"])

    def personal_data_purge(event) -> tuple:
        """(when the retention rule deletes the event's attendees' details, "coming", "due" or "done")."""
        on = purge_date(event, retention=retention)
        if on > utcnow():
            return on, "coming"
        return on, "due" if holds_personal_data(event) else "done"

    app.jinja_env.globals.update(personal_data_purge=personal_data_purge, retention_days=retention.days)
    add_before_pass_hook(app, lambda now: purge_expired_personal_data(now=now, retention=retention))  # SPEC 8
