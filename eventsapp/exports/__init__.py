"""Exports (issue 12): attendee lists as CSV and XLSX files, safe against spreadsheet formulas."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: importing the package (for a table or a writer) must not load its pages.
    from .routes import back_office, company_pages

    app.register_blueprint(back_office)
    app.register_blueprint(company_pages)
