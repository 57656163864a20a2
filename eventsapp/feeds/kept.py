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

from flask import current_app

from .cache import MemoryCache

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


@dataclass(frozen=True)
class KeptFeed:
    version: int
    feed: Feed


def recall(key: str, version: int, *, now: datetime) -> Feed | None:
    """The feed kept under `key` if it was made at this version of the catalogue and its window has not
    moved since."""
    kept = _kept_feeds().get(key)
    if kept is None or kept.version != version:
        return None
    return kept.feed if kept.feed.valid_until is None or now < kept.feed.valid_until else None


def keep(key: str, version: int, feed: Feed) -> None:
    """Keep the feed under the version read before it was made: were a change committed meanwhile, the
    next poll reads a newer version and the feed is made again."""
    _kept_feeds().set(key, KeptFeed(version, feed))


def _kept_feeds() -> MemoryCache[KeptFeed]:
    kept = current_app.extensions.get("feeds.kept")
    if kept is None:
        kept = current_app.extensions.setdefault("feeds.kept", MemoryCache[KeptFeed](
            max_entries=KEPT_FEEDS, max_bytes=KEPT_BYTES, size_of=lambda kept: len(kept.feed.body)))
    return kept
