"""What a URL may hold: ids the database can store, and no NUL characters; and which URLs are the API's."""
from flask import abort, has_request_context, request
from werkzeug.routing import IntegerConverter, Map


class DatabaseIdConverter(IntegerConverter):
    """`<id:event_id>`: a positive integer that fits the database's INTEGER, else 404 (never a 500)."""

    def __init__(self, url_map: Map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def refuse_nul_in_urls() -> None:
    """A NUL character in a URL can match no page, and PostgreSQL would refuse to even look it up."""
    if "\x00" in request.path or "\x00" in request.query_string.decode("latin-1") \
            or any("\x00" in value for value in request.args.values()):
        abort(404)


API_PATH_PREFIX = "/api/"


def is_api_request() -> bool:
    """A request to the JSON API (eventsapp/api): it answers JSON, even its errors, and reads no cookie (no
    session, no signed-in user, no remembered language): a partner's server speaks for many people."""
    return has_request_context() and request.path.startswith(API_PATH_PREFIX)
