"""Outgoing e-mail (SPEC 3.5): queued in the outbox in the same transaction as the change that causes
it, then delivered by `flask --app wsgi mail work` with retries. Organizers read it under /manage/outbox."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: importing the package (the outbox, the worker) must not load its pages.
    from ..extensions import db
    from .cli import mail_group
    from .manage_routes import blueprint as outbox_pages
    from .worker import add_before_pass_hook
    from .writing import write_committed_messages, write_left_unwritten

    app.register_blueprint(outbox_pages)
    app.cli.add_command(mail_group)
    add_before_pass_hook(app, write_left_unwritten)  # what a request left unwritten, also with no SMTP_URL

    @app.after_request
    def write_queued_mail(response):
        """Messages a change queued unwritten, to hold its lock briefly, are written once it committed
        (a commit after the view's own, of the mail alone; mail/writing.py)."""
        if db.session.registry.has():  # the request used the database
            write_committed_messages()
        return response
