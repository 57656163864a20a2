"""Rendered feeds, shared by all processes through Redis when REDIS_URL is set, else kept per process.

Keys are fingerprints of the data a feed shows (see feeds/selection.py), so nothing is ever
invalidated: a change gives a new key, and the next request after the commit renders afresh.
"""
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from flask import current_app

TIME_TO_LIVE_SECONDS = 24 * 3600  # old fingerprints simply age out
Value = TypeVar("Value")


class MemoryCache(Generic[Value]):
    """At most `max_entries` entries and `max_bytes` (as `size_of` counts them); the least recently used
    go first."""

    def __init__(self, max_entries: int = 256, *, max_bytes: int = 64 * 2**20,
                 size_of: Callable[[Value], int] = len):  # type: ignore[assignment]
        self._entries: OrderedDict[str, tuple[Value, int]] = OrderedDict()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._size_of = size_of
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Value | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def set(self, key: str, value: Value) -> None:
        size = self._size_of(value)
        with self._lock:
            if key in self._entries:
                self._bytes -= self._entries.pop(key)[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._entries and (len(self._entries) > self._max_entries or self._bytes > self._max_bytes):
                self._bytes -= self._entries.popitem(last=False)[1][1]


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
        cache = RedisCache(url) if url else MemoryCache[bytes]()
        current_app.extensions["feed_cache"] = cache
    return cache
