"""Security headers on every response (a few lines of `after_request` rather than a dependency).

Every page: a Content-Security-Policy that admits only this site's own files (no inline script or
style: behaviour lives in static/js/app.js, looks in static/css/app.css), no framing, no MIME
sniffing, and a Referer that names only our origin when leaving the site.

A URL whose rule has a `<token>` argument carries a secret (the attendee's manage pages and
personal feed): it is never sent as a Referer, and its response is not stored by any cache
(`no-store`), except a response with a validator (the personal feed's ETag), which stays
revalidatable but `private`, so calendar apps still poll it cheaply with If-None-Match / 304 and no
shared cache keeps it.
"""
from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
SECRET_URL_ARGUMENT = "token"
# Pages that preview an e-mail's HTML in a sandboxed srcdoc frame, which inherits the page's policy:
# mail clients need inline style attributes, so these pages admit those (scripts stay blocked).
MAIL_PREVIEW_ENDPOINTS = frozenset({"outbox.show"})
MAIL_PREVIEW_POLICY = f"{CONTENT_SECURITY_POLICY}; style-src-attr 'unsafe-inline'"


def add_security_headers(response: Response) -> Response:
    if request.endpoint in MAIL_PREVIEW_ENDPOINTS:
        response.headers.setdefault("Content-Security-Policy", MAIL_PREVIEW_POLICY)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if is_secret_url():
        keep_secret_url_private(response)
    return response


def is_secret_url() -> bool:
    return SECRET_URL_ARGUMENT in (request.view_args or {})


def keep_secret_url_private(response: Response) -> None:
    response.headers["Referrer-Policy"] = "no-referrer"
    if response.get_etag()[0]:
        response.cache_control.public = False
        response.cache_control.private = True
    else:
        response.headers["Cache-Control"] = "no-store"


def register_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
