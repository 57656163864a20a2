"""Setting a new password through a mailed link, for every user (organizers too)."""
import hmac
from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..extensions import db
from .mails import mail_password_reset
from .models import User
from .services import check_new_password, find_user_by_email
from .tokens import LinkRefused, password_fingerprint, read_reset_token


def request_password_reset(email: str, *, now: datetime) -> None:
    """Mails a link when the address has an active account; silent otherwise (the page says the same
    either way, so it tells nobody which addresses have accounts)."""
    user = find_user_by_email(email)
    if user is not None and user.is_active:
        mail_password_reset(user, now=now)


def user_for_reset(token: str, *, now: datetime) -> User:
    """The user a reset link is for, while it can still be used. Raises LinkRefused, LinkExpired."""
    user_id, fingerprint = read_reset_token(token, now=now)
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not hmac.compare_digest(password_fingerprint(user), fingerprint):
        raise LinkRefused(_l("This link has been used already, or the password was changed since it was sent. "
                             "Ask for a new one."))
    return user


def reset_password(token: str, password: str, *, now: datetime) -> User:
    """Sets the new password, which also signs the user out everywhere and makes the link useless.
    The link reached the address, so it counts as confirmed."""
    user = user_for_reset(token, now=now)
    check_new_password(password, email=user.email)
    user.set_password(password)
    if user.email_verified_at is None:
        user.email_verified_at = now
    db.session.flush()
    return user
