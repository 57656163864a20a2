"""Conditional requests (RFC 9110 13): whether the client already holds what we would answer. Shared by the
calendar feeds and the API's GETs."""
from datetime import datetime

from flask import request


def settled_last_modified(last_modified: datetime, *, now: datetime) -> datetime | None:
    """Last-Modified counts whole seconds: while the newest change lies in the current second, another
    change may follow within it, and a client holding this second would get a 304 for stale bytes.
    So the date is given (and used) only once its second is over; the ETag covers the meantime."""
    return last_modified if last_modified.replace(microsecond=0) < now.replace(microsecond=0) else None


def client_has(etag: str, last_modified: datetime | None) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when sent, by weak comparison (13.1.2: W/"x" matches
    "x"); else If-Modified-Since, in whole seconds, once the last change's second is over."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and last_modified is not None and last_modified.replace(microsecond=0) <= since
