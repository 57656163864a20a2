"""Public feeds kept in each process's memory between changes of the catalogue: a poll that finds the
catalogue as it was costs one read of one row (catalogue/version.py), whatever the feed's size.

A route marked `@kept_until_the_catalogue_changes` (feeds/routes.py) answers from memory (200 with the
kept bytes, or 304) while both hold:
- the catalogue's version is the one read before the feed was made: any change, committed by any
  process, is seen by the next request;
- no event has left the feed's window with time alone since (FeedState.next_change).
Otherwise the route runs: its feed comes from the shared cache (feeds/cache.py) or is rendered, and is
kept again. Feeds that show registrations (a person's, a company's) are never kept: a sign-up is no
change of the catalogue.
"""
from dataclasses import dataclass
from datetime import datetime

from flask import Response, current_app, g, request

from ..catalogue.version import catalogue_version
from ..languages import LANGUAGES
from ..web.conditional import client_has, settled_last_modified
from .cache import MemoryCache

POLL_HINT_SECONDS = 900  # shared caches may keep a feed this long; clients are told to poll hourly
VERSION_KEY = "feeds.catalogue_version"  # in g: the version read before the route ran
# Per process: both languages of every campaign, venue and host of a city, and the downloads people click.
KEPT_FEEDS, KEPT_BYTES = 2048, 64 * 2**20


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str
    last_modified: datetime  # settled when answered: see web/conditional.settled_last_modified
    filename: str | None = None  # a download, not a subscription
    private: bool = False  # a person's or a company's: no shared cache may keep it
    valid_until: datetime | None = None  # when an event leaves the window; None: never by time alone

    def answer(self, now: datetime) -> Response:
        """200 with the bytes, or 304 when the client has them."""
        last_modified = settled_last_modified(self.last_modified, now=now)
        unchanged = client_has(self.etag, last_modified)
        response = Response(b"" if unchanged else self.body, status=304 if unchanged else 200,
                            mimetype="text/calendar")  # Flask adds "; charset=utf-8"
        response.set_etag(self.etag)
        if last_modified is not None:
            response.last_modified = last_modified
        response.cache_control.max_age = POLL_HINT_SECONDS
        if self.private:
            response.cache_control.private = True
        else:
            response.cache_control.public = True
        if self.filename:
            response.headers["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


@dataclass(frozen=True)
class KeptFeed:
    version: int
    feed: Feed


def recall(now: datetime) -> Feed | None:
    """The feed kept for this request's URL, if still current; else None, and the version read is noted
    for `keep`. One read of one row."""
    version = catalogue_version()
    if version is None:  # no version row: nothing can be known current
        return None
    kept = _kept_feeds().get(_request_key())
    if kept is not None and kept.version == version and (
            kept.feed.valid_until is None or now < kept.feed.valid_until):
        return kept.feed
    g.setdefault(VERSION_KEY, version)
    return None


def keep(feed: Feed) -> None:
    """Keep the feed the route made, under the version read before it ran (if the route is marked): were a
    change committed meanwhile, the next request reads a newer version and makes the feed again."""
    version = g.get(VERSION_KEY)
    if version is not None:
        _kept_feeds().set(_request_key(), KeptFeed(version, feed))


def _request_key() -> str:
    lang = request.args.get("lang", "")
    return f"{request.path}?lang={lang if lang in LANGUAGES else ''}"


def _kept_feeds() -> MemoryCache[KeptFeed]:
    kept = current_app.extensions.get("feeds.kept")
    if kept is None:
        kept = current_app.extensions.setdefault("feeds.kept", MemoryCache[KeptFeed](
            max_entries=KEPT_FEEDS, max_bytes=KEPT_BYTES, size_of=lambda kept: len(kept.feed.body)))
    return kept
