"""Outgoing e-mail (SPEC 3.5): queued in the outbox in the same transaction as the change that causes
it, then delivered by `flask --app wsgi mail work` with retries. Organizers read it under /manage/outbox."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: importing the package (the outbox, the worker) must not load its pages.
    from .cli import mail_group
    from .manage_routes import blueprint as outbox_pages
    from .writing import write_queued_messages

    app.register_blueprint(outbox_pages)
    app.cli.add_command(mail_group)

    @app.after_request
    def write_queued_mail(response):
        """Messages a change queued unwritten, to hold its lock briefly, are written once it committed."""
        write_queued_messages()
        return response
