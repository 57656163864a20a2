"""Signed links mailed to a person: confirm an address (48 hours), set a new password (1 hour).

itsdangerous signs the payload with SECRET_KEY and a salt per purpose, so a link made for one purpose
never opens another. The payload is readable by whoever holds the link: it names only ids and the
address the link was sent to, never a secret. The signing time is the `now` the service is given (not
the clock), so tests and services agree on when a link expires.
"""
import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ..errors import DomainError
from ..mail.addresses import normalize_email
from .models import User

VERIFICATION_MAX_AGE = timedelta(hours=48)
RESET_MAX_AGE = timedelta(hours=1)
VERIFY_SALT = "eventsapp.accounts.verify-email"
RESET_SALT = "eventsapp.accounts.reset-password"


class LinkRefused(DomainError):
    """A mailed link that does not open: forged, expired, used, or for an address since changed."""

    status = 400


class LinkExpired(LinkRefused):
    status = 410


class ClockedSigner(TimestampSigner):
    """Signs and checks ages at the `now` it is given."""

    def __init__(self, *args, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now

    def get_timestamp(self) -> int:
        return int(self.now.timestamp())


def serializer(salt: str, now: datetime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt, signer=ClockedSigner,
                                  signer_kwargs={"now": now})


def read_link(token: str, *, salt: str, max_age: timedelta, now: datetime) -> dict:
    try:
        payload = serializer(salt, now).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise LinkExpired(_l("This link has expired.")) from error
    except BadSignature as error:  # forged, cut short, or made for another purpose
        raise LinkRefused(_l("This link is not valid. Please use the complete link from the e-mail.")) from error
    if not isinstance(payload, dict):
        raise LinkRefused(_l("This link is not valid. Please use the complete link from the e-mail."))
    return payload


def verification_token(user: User, *, now: datetime) -> str:
    return serializer(VERIFY_SALT, now).dumps({"user": user.id, "email": user.email})


def read_verification_token(token: str, *, now: datetime) -> tuple[int, str]:
    """The user id and the address the link was sent to. Raises LinkRefused, LinkExpired."""
    payload = read_link(token, salt=VERIFY_SALT, max_age=VERIFICATION_MAX_AGE, now=now)
    user_id, email = payload.get("user"), payload.get("email")
    if not isinstance(user_id, int) or not isinstance(email, str):
        raise LinkRefused(_l("This link is not valid. Please use the complete link from the e-mail."))
    return user_id, normalize_email(email)


def password_fingerprint(user: User) -> str:
    """Changes whenever the password does: a reset link carrying it works once, and not after another
    change. Keyed, so the link (whose payload anyone can read) tells nothing about the hash."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def reset_token(user: User, *, now: datetime) -> str:
    return serializer(RESET_SALT, now).dumps({"user": user.id, "password": password_fingerprint(user)})


def read_reset_token(token: str, *, now: datetime) -> tuple[int, str]:
    """The user id and the password fingerprint the link was made with. Raises LinkRefused, LinkExpired."""
    payload = read_link(token, salt=RESET_SALT, max_age=RESET_MAX_AGE, now=now)
    user_id, fingerprint = payload.get("user"), payload.get("password")
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        raise LinkRefused(_l("This link is not valid. Please use the complete link from the e-mail."))
    return user_id, fingerprint
