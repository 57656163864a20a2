"""Outgoing e-mail (SPEC 3.5): queued in the outbox in the same transaction as the change that causes
it, then delivered by `flask --app wsgi mail work` with retries. Organizers read it under /manage/outbox."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: importing the package (the outbox, the worker) must not load its pages.
    from .cli import mail_group
    from .manage_routes import blueprint as outbox_pages
    from .worker import add_before_pass_hook
    from .writing import write_left_unwritten

    app.register_blueprint(outbox_pages)
    app.cli.add_command(mail_group)
    # Messages queued unwritten (a sign-up's, mail/writing.py) are written here, not by the request that
    # queued them: also with no SMTP_URL, for the outbox.
    add_before_pass_hook(app, write_left_unwritten)
