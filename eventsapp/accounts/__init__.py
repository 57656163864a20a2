"""Accounts: organizers and company members; logging in, signing a company up, confirming addresses,
new passwords, the company's members and details; the `create-organizer` command."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: importing the package (for a model or a service) must not load its pages.
    from ..audit import trail as audit
    from ..extensions import login_manager
    from . import signup_routes  # noqa: F401  # adds the sign-up pages to the auth blueprint
    from .cli import create_organizer_command
    from .company_routes import blueprint as company_pages
    from .routes import blueprint
    from .services import load_user, names_for_audit_log

    app.register_blueprint(blueprint)
    app.register_blueprint(company_pages)
    app.cli.add_command(create_organizer_command)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself; no flash in two languages
    login_manager.user_loader(load_user)
    audit.name_with("user", names_for_audit_log)
