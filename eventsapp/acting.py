"""Who is acting in the current request: set by the web layer once it knows the user, read by the audit
log (eventsapp/audit) to say who made each change. Outside a request it is the system."""
from __future__ import annotations

import enum
from typing import Any

from flask import g, has_app_context, has_request_context


class Origin(enum.StrEnum):
    """Where a change came from, when no account did it."""

    ORGANIZER = "organizer"
    COMPANY = "company"  # a company member, in the company area
    PUBLIC = "public"  # an attendee on a public page or their manage link
    SYSTEM = "system"  # the mail worker (deadlines, the retention rule) or a command


def act_as(user: Any, origin: Origin) -> None:
    g.acting = (getattr(user, "id", None), origin)


def current_actor() -> tuple[int | None, Origin]:
    """(the user's id or None, where the change came from)."""
    if has_app_context() and "acting" in g:
        return g.acting
    return None, Origin.PUBLIC if has_request_context() else Origin.SYSTEM
