"""How the API answers: JSON errors in one shape (web/errors.api_error), and GETs that answer a conditional
request with 304 before building anything.

A GET's ETag is a fingerprint of what its answer shows: the rows (their revisions and change times, read by
the feeds' one aggregate query, feeds/selection.feed_state), the state of each event's sign-up window (which
changes with time alone), the language and the URL. So a 304 costs two small queries and no serialization,
and any change (an organizer's edit, one sign-up that changes seats_left) gives a new ETag at once.
"""
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from hashlib import sha256

from apiflask import HTTPError
from flask import Response, jsonify, request
from flask_babel import gettext as _
from marshmallow import Schema

from ..i18n import current_language
from ..web.conditional import client_has
from ..web.errors import api_error

API_VERSION = "1"


def error_answer(error: HTTPError) -> Response:
    """APIFlask's errors (a request that breaks a schema, an abort) in the API's one shape: the
    validation messages of each location (json, query) flattened to {field: [messages]}."""
    errors: dict[str, list[str]] = {}
    for location in (error.detail or {}).values():
        if isinstance(location, dict):
            for field, messages in location.items():
                errors[field] = flatten(messages)
    message = _("Please correct the fields named in errors.") if error.status_code == 422 else error.message
    return api_error(error.status_code, message, code=error.extra_data.get("code"), errors=errors)


def flatten(messages) -> list[str]:
    """marshmallow's messages of one field: a list, or a dict for a nested value or a list item."""
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in flatten(value)]
    if isinstance(messages, list | tuple):
        return [text for value in messages for text in flatten(value)]
    return [str(messages)]


def conditional(fingerprint: str, last_modified: datetime | None, build: Callable[[], dict],
                schema: Schema) -> Response:
    """200 with the JSON `build()` makes (dumped by `schema`), or 304 when the client holds it already
    (If-None-Match, else If-Modified-Since): `build` is then never called."""
    etag = sha256(f"{API_VERSION}|{current_language()}|{request.full_path}|{fingerprint}".encode()).hexdigest()[:40]
    response = Response(status=304) if client_has(etag, last_modified) else jsonify(schema.dump(build()))
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    # Anyone may keep it, but must ask again before using it: seats change with every sign-up.
    response.cache_control.public = True
    response.cache_control.no_cache = True
    response.vary.add("Accept-Language")
    return response


def answered_by_etag(view: Callable[..., Response]) -> Callable[..., Response]:
    """The OpenAPI document's ETag (a hash of its bytes, which change only with a release) and its 304."""

    @wraps(view)
    def conditional_view(*args, **kwargs) -> Response:
        response = view(*args, **kwargs)
        response.add_etag()
        response.headers["Access-Control-Allow-Origin"] = "*"  # documentation tools elsewhere may read it
        response.cache_control.public = True
        response.cache_control.no_cache = True
        response.make_conditional(request)  # turns it into a 304 when the client holds these bytes
        return response

    return conditional_view
