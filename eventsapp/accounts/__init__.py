"""Accounts: organizers and company members, logging in, and the `create-organizer` command."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: importing the package (for a model or a service) must not load its pages.
    from ..extensions import login_manager
    from .cli import create_organizer_command
    from .routes import blueprint
    from .services import load_user

    app.register_blueprint(blueprint)
    app.cli.add_command(create_organizer_command)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself; no flash in two languages
    login_manager.user_loader(load_user)
