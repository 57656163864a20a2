"""eventsapp: a city's quality-promotion campaign, from planning to the last check-in."""
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .config import Config, load_or_create_secret_key, normalize_database_url


def create_app(config: type[Config] = Config, **overrides) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object(config)
    app.config.update(overrides)
    app.url_map.converters["id"] = DatabaseIdConverter
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    configure_paths(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_commands(app)
    app.before_request(refuse_nul_in_urls)
    return app


class DatabaseIdConverter(IntegerConverter):
    """`<id:event_id>`: a positive integer that fits the database's INTEGER, else 404 (never a 500)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def refuse_nul_in_urls():
    """A NUL character in a URL can match no page, and PostgreSQL would refuse to even look it up."""
    from flask import abort, request

    if "\x00" in request.path or "\x00" in request.query_string.decode("latin-1") \
            or any("\x00" in value for value in request.args.values()):
        abort(404)


def configure_paths(app: Flask) -> None:
    """Defaults that depend on the instance folder: the SQLite file and the generated secret key."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        url = "sqlite:///" + os.path.join(app.instance_path, "eventsapp.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(url)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)


def register_extensions(app: Flask) -> None:
    from .accounts.services import load_user
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself; no flash in two languages
    login_manager.user_loader(load_user)


def register_blueprints(app: Flask) -> None:
    from . import backoffice
    from .accounts.routes import blueprint as auth
    from .catalogue import manage_events, manage_routes  # noqa: F401  (they add pages to the back office)
    from .catalogue.routes import blueprint as catalogue
    from .feeds.routes import blueprint as feeds
    from .mail import manage_routes as outbox_pages  # noqa: F401  (the outbox pages; loads the OutboxMessage model)
    from .registration import event_changes, manage_routes as registration_manage  # noqa: F401
    from .registration.routes import blueprint as registration
    from .registration.services import queue_reminders

    app.register_blueprint(catalogue)
    app.register_blueprint(registration)
    app.register_blueprint(feeds)
    app.register_blueprint(auth)
    # The mail worker queues "tomorrow" reminders before each delivery pass.
    app.extensions.setdefault("mail_before_pass", []).append(queue_reminders)
    app.register_blueprint(backoffice.blueprint)


def register_template_helpers(app: Flask) -> None:
    from .templating import register_template_helpers as register

    register(app)


def register_error_handlers(app: Flask) -> None:
    from .errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from .cli import register_commands as register

    register(app)
