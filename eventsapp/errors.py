"""One family of domain errors, and the pages/JSON answers for HTTP errors."""
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db


class DomainError(Exception):
    """A business rule refused the change. `field` names the form field it concerns, if any."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict:
        message = str(self.message)  # may be a lazy translation
        return {"message": message, "errors": {self.field: [message]} if self.field else {}}


class ValidationFailed(DomainError):
    status = 422


class Conflict(DomainError):
    status = 409


class NotAllowedInState(DomainError):
    """E.g. deleting an event that is no longer a draft."""

    status = 409


def wants_json() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("Your form expired or was sent from another site. Please reload the page and try again.")
        if wants_json():
            return jsonify(message=message, errors={}), 400
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if wants_json():
            return jsonify(error.to_dict()), error.status
        return render_template("errors/error.html", code=error.status, message=error.message), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            403: _("You do not have access to this page."),
            404: _("We could not find this page."),
            405: _("This action is not available here."),
            429: _("Too many requests. Please wait a moment and try again."),
        }
        message = messages.get(error.code, error.description)
        if wants_json():
            return jsonify(message=message, errors={}), error.code
        return render_template("errors/error.html", code=error.code, message=message), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        message = _("Something went wrong on our side. Please try again later.")
        if wants_json():
            return jsonify(message=message, errors={}), 500
        return render_template("errors/error.html", code=500, message=message), 500
