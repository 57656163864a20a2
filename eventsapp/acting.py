"""Who is acting in the current request, for the audit log (eventsapp/audit) to say who made each change.

The web layer tells how to find the signed-in user (`find_actor_with`, in web/__init__.py), and it is
asked only when something is recorded; outside a request it is the system.
"""
from __future__ import annotations

import enum
from collections.abc import Callable

from flask import Flask, current_app, has_request_context

Actor = tuple[int | None, "Origin"]  # (the user's id or None, where the change came from)
ACTOR_FINDER = "acting.find_actor"  # app.extensions key


class Origin(enum.StrEnum):
    """Where a change came from."""

    ORGANIZER = "organizer"
    COMPANY = "company"  # a company member
    PUBLIC = "public"  # nobody signed in: an attendee on a public page or their manage link
    SYSTEM = "system"  # the mail worker (deadlines, the retention rule) or a command


def find_actor_with(app: Flask, finder: Callable[[], Actor | None]) -> None:
    """`finder()`: the signed-in user of this request as an Actor, or None for nobody."""
    app.extensions[ACTOR_FINDER] = finder


def current_actor() -> Actor:
    if not has_request_context():
        return None, Origin.SYSTEM
    finder = current_app.extensions.get(ACTOR_FINDER)
    return (finder() if finder else None) or (None, Origin.PUBLIC)
