"""Answering a feed request: cached bytes with ETag and Last-Modified, or 304 when the client has them.

Used by the feed routes here and by registration's personal feed.
"""
from collections.abc import Callable
from datetime import datetime
from hashlib import sha256

from flask import Response, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _

from ..database import utcnow
from ..languages import DEFAULT_LANGUAGE, supported_language
from ..site import base_url, organizer_address
from . import selection
from .cache import feed_cache
from .ical import build_calendar

FEED_DESCRIPTION_LIMIT = 300  # characters of an event's own text in feeds; the link leads to the rest
POLL_HINT_SECONDS = 900  # shared caches may keep a feed this long; clients are told to poll hourly

CalendarName = Callable[[str], str]  # the calendar's name in a language
Renderer = Callable[[str, datetime], bytes]  # (lang, now) → the calendar's bytes


def serve(scope: selection.Scope, calendar_name: CalendarName | None, *, default_lang: str = DEFAULT_LANGUAGE,
          filename: str | None = None, tentative: Callable[[], frozenset[int]] | None = None,
          private: bool = False, render: Renderer | None = None) -> Response:
    """The feed from the cache (or rendered once) with ETag and Last-Modified; 304 when unchanged.

    A poll costs one aggregate query and a cache read of the ETag; the body is read or rendered only
    when the client does not have it yet. Without `calendar_name` it is a download, not a feed."""
    now = utcnow()
    lang = supported_language(request.args.get("lang", ""), default_lang)
    state = selection.feed_state(scope, now=now)
    key = state.fingerprint(scope, lang)
    cache = feed_cache()
    etag = (cache.get(f"{key}:etag") or b"").decode()
    if etag and client_has(etag, state.last_modified):
        return calendar_response(b"", etag, state.last_modified, filename=filename, private=private, status=304)
    body = cache.get(f"{key}:body") if etag else None
    if body is None:
        body = render(lang, now) if render else render_events(scope, calendar_name, lang=lang, now=now,
                                                              tentative=tentative)
        etag = sha256(body).hexdigest()[:40]  # strong: same bytes, same tag
        cache.set(f"{key}:body", body)
        cache.set(f"{key}:etag", etag.encode())
    if client_has(etag, state.last_modified):
        return calendar_response(b"", etag, state.last_modified, filename=filename, private=private, status=304)
    return calendar_response(body, etag, state.last_modified, filename=filename, private=private)


def with_site_name(title: str, lang: str) -> str:
    """'<title> · Quality Campaign Events', the calendar's name in a client's list."""
    with force_locale(lang):
        return f"{title} · {_('Quality Campaign Events')}"


def client_has(etag: str, last_modified: datetime) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when sent; else If-Modified-Since (whole seconds)."""
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.if_modified_since
    return since is not None and last_modified.replace(microsecond=0) <= since


def render_events(scope: selection.Scope, calendar_name: CalendarName | None, *, lang: str, now: datetime,
                  tentative: Callable[[], frozenset[int]] | None) -> bytes:
    with force_locale(lang):
        name = calendar_name(lang) if calendar_name else None
    return build_calendar(selection.feed_events(scope, now=now), lang=lang, name=name, base_url=base_url(),
                          organizer_email=organizer_address(),
                          default_timezone=current_app.config["DEFAULT_TIMEZONE"],
                          tentative=tentative() if tentative else frozenset(),
                          description_limit=FEED_DESCRIPTION_LIMIT if name else None)


def calendar_response(body: bytes, etag: str, last_modified: datetime, *, filename: str | None, private: bool,
                      status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="text/calendar")  # Flask adds "; charset=utf-8"
    response.set_etag(etag)
    response.last_modified = last_modified
    response.cache_control.max_age = POLL_HINT_SECONDS
    if private:  # a personal feed must not be kept by shared caches
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
