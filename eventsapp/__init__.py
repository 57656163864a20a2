"""eventsapp: a city's quality-promotion campaign: its events, sign-ups, calendar feeds and e-mail.

Importing a part of eventsapp (a service, the calendar serializer) loads that part and what it
needs, never the app: create_app and each package's init_app import the pages when the app is
made (tests/test_layers.py checks both the import graph and what an import really loads).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config, host_and_port, load_or_create_secret_key, normalize_database_url

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: type[Config] = Config, **overrides) -> Flask:
    from apiflask import APIFlask

    from . import (
        accounts,
        api,
        audit,
        catalogue,
        checkin,
        cli,
        companies,
        dashboards,
        exports,
        feeds,
        hosting,
        mail,
        registration,
        site_settings,
        web,
    )

    # APIFlask is Flask plus the API's OpenAPI document (api/); every page keeps Flask's HTML error pages.
    app = APIFlask(__name__, title="eventsapp API", version="1", spec_path=api.SPEC_PATH, docs_path=None,
                   json_errors=False, instance_relative_config=True, template_folder="../templates",
                   static_folder="../static")
    app.config.from_object(config)
    app.config.update(overrides)
    configure_paths(app)
    register_extensions(app)
    site_settings.init_app(app)  # the UID domain, fixed once in the database
    web.init_app(app)  # URL rules, language choice, error pages, template helpers
    catalogue.init_app(app)  # public pages; back office: campaigns, organizations, venues, events, agenda
    registration.init_app(app)  # sign-up, the attendee's own page and feed; attendee lists; reminders
    feeds.init_app(app)  # subscribable calendars and .ics downloads
    mail.init_app(app)  # the outbox pages and the `mail work` command
    accounts.init_app(app)  # login; the `create-organizer` command
    companies.init_app(app)  # the company area under /company/
    hosting.init_app(app)  # the call for hosts: calls, companies' applications, their review
    exports.init_app(app)  # attendee lists as CSV and XLSX, the sign-in sheet
    audit.init_app(app)  # the audit log page (the log itself is written by audit/trail.py on every change)
    checkin.init_app(app)  # the day of the event: check-in at the door, the self check-in screen, certificates
    dashboards.init_app(app)  # charts of an event and a campaign, the campaign report, the public summary
    cli.init_app(app)  # the `demo` command
    api.init_app(app)  # the JSON API for partners under /api/v1 and its OpenAPI document (last: see there)
    warn_about_deployment(app)
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
    from .extensions import csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)


def warn_about_deployment(app: Flask) -> None:
    """Say at start what would otherwise fail quietly: limits counted per process, dead links."""
    if app.config["RATELIMIT_ENABLED"] and not app.config.get("REDIS_URL") and not app.testing:
        app.logger.warning("REDIS_URL is not set: rate limits are counted by each process on its own, "
                           "so N processes allow N times the configured limits.")
    checked = False

    @app.before_request
    def check_base_url() -> None:
        nonlocal checked
        if checked:
            return
        checked = True
        from flask import request

        base_url = app.config["BASE_URL"]
        if host_and_port(base_url) != host_and_port(f"{request.scheme}://{request.host}"):
            app.logger.warning("BASE_URL is %s but this request came to %s://%s: links in e-mails and "
                               "feeds lead to BASE_URL. Set BASE_URL to the address people use.",
                               base_url, request.scheme, request.host)
