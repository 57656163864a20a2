"""Rendered feeds, shared by all processes through Redis when REDIS_URL is set, else kept per process.

Keys are fingerprints of the data a feed shows (see feeds/selection.py), so nothing is ever
invalidated: a change gives a new key, and the next request after the commit renders afresh.
"""
import threading
from collections import OrderedDict

from flask import current_app

TIME_TO_LIVE_SECONDS = 24 * 3600  # old fingerprints simply age out


class MemoryCache:
    def __init__(self, max_entries: int = 256):
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._max_entries = max_entries
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)


class RedisCache:
    """A cache that may fail: a Redis outage makes feeds slower, never broken."""

    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, key: str) -> bytes | None:
        try:
            value = self._redis.get(f"eventsapp:feed:{key}")
        except Exception:  # any Redis trouble means "not cached"
            current_app.logger.warning("feed cache: Redis unavailable", exc_info=True)
            return None
        return value if isinstance(value, bytes) else None  # bytes, as decode_responses is off

    def set(self, key: str, value: bytes) -> None:
        try:
            self._redis.set(f"eventsapp:feed:{key}", value, ex=TIME_TO_LIVE_SECONDS)
        except Exception:
            current_app.logger.warning("feed cache: Redis unavailable", exc_info=True)


def feed_cache():
    """The app's cache, made on first use."""
    cache = current_app.extensions.get("feed_cache")
    if cache is None:
        url = current_app.config.get("REDIS_URL")
        cache = RedisCache(url) if url else MemoryCache()
        current_app.extensions["feed_cache"] = cache
    return cache
