"""What a URL may hold: ids the database can store, and no NUL characters; and which URLs are the API's."""
from flask import abort, has_request_context, request
from werkzeug.routing import IntegerConverter, Map


class DatabaseIdConverter(IntegerConverter):
    """`<id:event_id>`: a positive integer that fits the database's INTEGER, else 404 (never a 500)."""

    def __init__(self, url_map: Map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def refuse_nul_in_urls():
    """A NUL character in a URL can match no page, and PostgreSQL would refuse to even look it up. The
    API names the query parameter that holds one (422), as for any other invalid value."""
    if "\x00" in request.path:
        abort(404)
    spoilt = [name for name, value in request.args.items(multi=True) if "\x00" in name or "\x00" in value]
    if not spoilt and "\x00" not in request.query_string.decode("latin-1"):
        return None
    if not is_api_request():
        abort(404)
    from flask_babel import gettext as _

    from .errors import api_error  # errors.py imports this module

    message = _("This text contains characters that are not allowed.")
    return api_error(422, _("Please correct the fields named in errors."), code="invalid",
                     errors={name.replace("\x00", ""): [message] for name in spoilt} or {"query": [message]})


def refuse_unreadable_json() -> None:
    """A JSON body nested thousands deep, or with an integer of thousands of digits, makes the parser raise
    what is no ValueError (RecursionError) or is raised elsewhere than Flask expects: a 400 here, for the API
    and for forms sent as JSON (web/forms.AppForm), which read the body Flask parsed and kept here."""
    if request.is_json and request.content_length != 0:
        try:
            request.get_json(silent=False)
        except (RecursionError, ValueError):
            abort(400)


API_PATH_PREFIX = "/api/"


def is_api_request() -> bool:
    """A request to the JSON API (eventsapp/api): it answers JSON, even its errors, and reads no cookie (no
    session, no signed-in user, no remembered language): a partner's server speaks for many people."""
    return has_request_context() and request.path.startswith(API_PATH_PREFIX)
