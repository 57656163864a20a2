"""Error pages: a refused business rule, HTTP errors, a form sent from another site, and the 500."""
from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import DomainError
from ..extensions import db


def error_page(code: int, message: str):
    return render_template("errors/error.html", code=code, message=message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(400, _("Your form expired or was sent from another site. "
                                 "Please reload the page and try again."))

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        return error_page(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_page(error.code or 500, http_error_message(error))

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_page(500, _("Something went wrong on our side. Please try again later."))


def http_error_message(error: HTTPException) -> str:
    messages = {
        403: _("You do not have access to this page."),
        404: _("We could not find this page."),
        405: _("This action is not available here."),
        413: _("What you sent is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
    }
    return messages.get(error.code or 500, error.description or "")
