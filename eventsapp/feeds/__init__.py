"""Calendar feeds (SPEC section 4): the iCalendar serializer (ical.py, agenda.py), which events a feed
shows (selection.py), and the routes that answer with cached bytes or 304 (routes.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: the serializer, imported on its own, loads no Flask (tests/test_layers.py).
    from .routes import blueprint

    app.register_blueprint(blueprint)
