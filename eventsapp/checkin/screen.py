"""The self check-in screen's codes (签到屏, SPEC 4d): pure rules, the secret and the clock passed in.

A screen code names one event and one 30-second window, signed with the site's secret: `<window>.<mac>`,
the window in hexadecimal and 80 bits of HMAC-SHA256 (short, so the projected QR stays coarse enough to
scan from the back of a room). It is accepted in its own window, and in the first few seconds of the next
one (a phone that scanned just before the change is still opening the page): once the QR has changed, a
screenshot of the old one stops working.

Opening the page with a fresh code gives a *form pass*, signed the same way for another purpose and
accepted for three minutes: time to type a name on a phone. It travels in the form, which the browser's
own CSRF token binds to its session. A pass is only ever handed out for a fresh code, so an old
screenshot leads to neither.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import re
from datetime import datetime

WINDOW_SECONDS = 30
SCREEN_CODE_WINDOWS = 1  # the current window only...
SCREEN_CODE_GRACE_SECONDS = 5  # ...and the previous one for the first seconds after the change
FORM_PASS_WINDOWS = 6  # three minutes
_MAC_BYTES = 10
_TOKEN = re.compile(r"([0-9a-f]{1,12})\.([0-9a-f]{20})")
_SCREEN = "eventsapp.checkin.screen-code"
_PASS = "eventsapp.checkin.self-check-in-pass"


class Freshness(enum.StrEnum):
    FRESH = "fresh"
    EXPIRED = "expired"  # ours, for this event, but its window has passed
    INVALID = "invalid"  # forged, cut short, another event's, or from the future


def window_of(now: datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def seconds_left(now: datetime) -> int:
    """Until the screen's code changes (1 to 30)."""
    return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS


def screen_code(event_id: int, *, secret: str, now: datetime) -> str:
    return _sign(_SCREEN, event_id, window_of(now), secret)


def check_screen_code(code: str | None, event_id: int, *, secret: str, now: datetime) -> Freshness:
    windows = SCREEN_CODE_WINDOWS + (1 if WINDOW_SECONDS - seconds_left(now) < SCREEN_CODE_GRACE_SECONDS else 0)
    return _check(_SCREEN, code, event_id, secret, now, windows)


def form_pass(event_id: int, *, secret: str, now: datetime) -> str:
    return _sign(_PASS, event_id, window_of(now), secret)


def check_form_pass(token: str | None, event_id: int, *, secret: str, now: datetime) -> Freshness:
    return _check(_PASS, token, event_id, secret, now, FORM_PASS_WINDOWS)


def _sign(purpose: str, event_id: int, window: int, secret: str) -> str:
    message = f"{purpose}|{event_id}|{window}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256).digest()[:_MAC_BYTES]
    return f"{window:x}.{mac.hex()}"


def _check(purpose: str, token: str | None, event_id: int, secret: str, now: datetime, windows: int) -> Freshness:
    matched = _TOKEN.fullmatch(token or "")
    if matched is None:
        return Freshness.INVALID
    window = int(matched.group(1), 16)
    if not hmac.compare_digest(_sign(purpose, event_id, window, secret), token or ""):
        return Freshness.INVALID
    age = window_of(now) - window
    if age < -1:  # one window ahead is another server whose clock is a little ahead (SPEC 7); more is not ours
        return Freshness.INVALID
    return Freshness.FRESH if age < windows else Freshness.EXPIRED
