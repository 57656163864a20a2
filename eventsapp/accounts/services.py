"""Accounts: creating users and checking credentials."""

from werkzeug import security

from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..mail.addresses import normalize_email
from .models import Role, User, dummy_password_hash

MIN_PASSWORD_LENGTH = 10


def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (no hint which part was wrong).

    Every answer costs one password check, unknown addresses included: otherwise how fast the
    login page answers would tell which accounts exist."""
    user = find_user_by_email(email)
    if user is None:
        security.check_password_hash(dummy_password_hash(), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def create_organizer(email: str, password: str, *, name: str = "") -> User:
    """Raises Conflict when the address is taken, ValidationFailed for a short password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    if find_user_by_email(email) is not None:
        raise Conflict("A user with this e-mail address already exists.", field="email")
    user = User(email=normalize_email(email), name=name, role=Role.ORGANIZER)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
