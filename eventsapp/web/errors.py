"""Error pages: a refused business rule, HTTP errors, a form sent from another site, and the 500; on the
API's URLs (web/urls.is_api_request) the same errors as JSON, in the one shape every API error has."""
from collections.abc import Mapping

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import DomainError
from ..extensions import db
from .urls import is_api_request

# What an API error's `code` says when the HTTP status alone tells it.
API_ERROR_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                   409: "conflict", 410: "gone", 412: "precondition_failed", 413: "too_large",
                   415: "unsupported_media_type", 422: "invalid", 428: "precondition_required",
                   429: "rate_limited", 500: "server_error"}


def api_error(status: int, message, *, code: str | None = None,
              errors: Mapping[str, list[str]] | None = None, headers: Mapping[str, str] | None = None):
    """`{"code", "message", "errors"}`: `code` for programs, `message` for people (in ?lang=), and
    `errors` the messages per field name (empty when the error concerns no field)."""
    body = {"code": code or API_ERROR_CODES.get(status, "error"), "message": str(message),
            "errors": {field: [str(text) for text in texts] for field, texts in (errors or {}).items()}}
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_page(code: int, message, headers: Mapping[str, str] | None = None):
    if is_api_request():
        return api_error(code, message, headers=headers)
    return render_template("errors/error.html", code=code, message=message), code, dict(headers or {})


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(400, _("Your form expired or was sent from another site. "
                                 "Please reload the page and try again."))

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
        if is_api_request():
            return api_error(error.status, error.message, code=error.code, headers=headers,
                             errors={error.field: [error.message]} if error.field else None)
        return error_page(error.status, error.message, headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Headers the error carries: Allow of a 405 (a 429's Retry-After is added by Flask-Limiter).
        kept = {name: value for name, value in error.get_headers() if name in ("Allow", "Retry-After")}
        return error_page(error.code or 500, http_error_message(error), kept)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_page(500, _("Something went wrong on our side. Please try again later."))


def http_error_message(error: HTTPException) -> str:
    messages = {
        400: _("The request could not be understood."),
        403: _("You do not have access to this page."),
        404: _("We could not find this page."),
        405: _("This action is not available here."),
        413: _("What you sent is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
    }
    return messages.get(error.code or 500, error.description or "")
