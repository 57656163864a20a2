"""Attendees checking themselves in at the screen (SPEC 4d): finding the person, then the one check-in rule.

Two ways to be found: the registrations whose manage link this browser opened (read by the page from a
signed cookie), or a name with the last four digits of the mobile number. Either way only one event's
people are looked at, and nothing about anyone is shown but the name of the person checked in.
"""
from __future__ import annotations

import enum
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import Conflict, NotAllowedInState
from ..extensions import db
from ..registration.models import Registration, RegistrationStatus
from .services import CheckInAnswer, check_in

LAST_DIGITS = re.compile(r"[0-9]{4}")


class Found(enum.StrEnum):
    ONE = "one"
    NOBODY = "nobody"
    SEVERAL = "several"  # same name and digits twice at one event: the desk tells them apart


@dataclass(frozen=True)
class Lookup:
    found: Found
    registration: Registration | None = None


def normalize_name(name: str) -> str:
    """How a typed name is compared: full-width letters as half-width, case and all spaces ignored, so
    "张 伟", "张伟", " Zhang  Wei", "zhangwei" and "ＺＨＡＮＧ ＷＥＩ" are each one name."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def find_by_name_and_digits(event_id: int, name: str, last_digits: str) -> Lookup:
    """The one person of this event with this name whose mobile number ends in these four digits. Someone who
    cancelled and signed up again is found by their current registration."""
    wanted = normalize_name(name)
    if not wanted or not LAST_DIGITS.fullmatch(last_digits):
        return Lookup(Found.NOBODY)
    candidates = db.session.scalars(select(Registration).where(
        Registration.event_id == event_id, Registration.phone.endswith(last_digits, autoescape=True),
        ~Registration.is_erased))
    matches = [registration for registration in candidates if normalize_name(registration.name) == wanted]
    current = [registration for registration in matches if registration.status != RegistrationStatus.CANCELLED]
    chosen = current or matches
    if not chosen:
        return Lookup(Found.NOBODY)
    if len(chosen) > 1:
        return Lookup(Found.SEVERAL)
    return Lookup(Found.ONE, chosen[0])


def remembered_registrations(event_id: int, registration_ids: list[int]) -> list[Registration]:
    """Of the registrations this browser opened, those of this event (cancelled ones too: they are told why)."""
    if not registration_ids:
        return []
    return list(db.session.scalars(select(Registration).where(
        Registration.id.in_(registration_ids), Registration.event_id == event_id, ~Registration.is_erased)
        .order_by(Registration.id)))


def check_in_myself(event_id: int, registration: Registration, *, nonce: str, now: datetime) -> CheckInAnswer:
    """The attendee checks themselves in. A person their company named who has not confirmed is sent to
    confirm first: confirming is where they give their own consent (SPEC 8), which the staff can take at
    the desk but a tap on a screen cannot. Raises NotAllowedInState for them and a cancelled event."""
    if registration.status == RegistrationStatus.INVITED:
        raise NotAllowedInState(_l("Your company named you for this event, but your place is not confirmed "
                                   "yet: confirm it with the link in your e-mail, or ask at the desk."))
    try:
        return check_in(event_id, nonce=nonce, registration_id=registration.id, staff=None, attempted_at=now,
                        now=now)
    except Conflict:  # the same page sent again for someone else (back, another name): a new attempt
        return check_in(event_id, nonce=secrets.token_urlsafe(16), registration_id=registration.id, staff=None,
                        attempted_at=now, now=now)
