"""eventsapp: a city's quality-promotion campaign: its events, sign-ups, calendar feeds and e-mail."""
import os
from pathlib import Path

from flask import Flask

from . import accounts, catalogue, feeds, mail, registration, web
from .cli import demo_command
from .config import Config, load_or_create_secret_key, normalize_database_url
from .extensions import csrf, db, limiter, migrate


def create_app(config: type[Config] = Config, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates", static_folder="../static")
    app.config.from_object(config)
    app.config.update(overrides)
    configure_paths(app)
    register_extensions(app)
    web.init_app(app)  # URL rules, language choice, error pages, template helpers
    catalogue.init_app(app)  # public pages; back office: campaigns, organizations, venues, events, agenda
    registration.init_app(app)  # sign-up, the attendee's own page and feed; attendee lists; reminders
    feeds.init_app(app)  # subscribable calendars and .ics downloads
    mail.init_app(app)  # the outbox pages and the `mail work` command
    accounts.init_app(app)  # login; the `create-organizer` command
    app.cli.add_command(demo_command)
    return app


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
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
