"""Calendar feeds (SPEC section 4): the iCalendar serializer (ical.py, agenda.py), which events a feed
shows (selection.py), and the routes that answer with cached bytes or 304 (routes.py)."""
from flask import Flask

from .routes import blueprint


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
