"""Where the site lives and whom it writes as: links under BASE_URL and the sender address.

Used by web pages, e-mails and feeds alike, also outside a request (a worker rendering a message).
"""
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app

from .config import DEFAULT_SENDER


def external_url(endpoint: str, **values) -> str:
    """An absolute link to a page under BASE_URL, also outside a request (e-mails built by a worker)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def absolute_url(path: str) -> str:
    """A path under BASE_URL, e.g. for addresses people copy into a calendar app."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def base_url() -> str:
    return current_app.config["BASE_URL"]


def mail_sender() -> str:
    """'Name <address>' that e-mails come from (the MAIL_SENDER setting)."""
    return current_app.config.get("MAIL_SENDER") or DEFAULT_SENDER


def organizer_address() -> str:
    """The bare address calendars show as ORGANIZER: the sender's."""
    return parseaddr(mail_sender())[1] or parseaddr(DEFAULT_SENDER)[1]
