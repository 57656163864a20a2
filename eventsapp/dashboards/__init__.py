"""Dashboards (issue 12): an event's and a campaign's figures drawn as SVG charts with their tables, the
printable campaign report for organizers, and a campaign's public summary (totals, no personal data)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the charts stay pure: importing them loads no Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: importing the package (for a query or a chart) must not load its pages.
    from .reports import number, percent
    from .routes import back_office, public_pages

    app.register_blueprint(back_office)
    app.register_blueprint(public_pages)
    app.jinja_env.filters.update(number=number, percent=percent)  # as the reader's language writes them
