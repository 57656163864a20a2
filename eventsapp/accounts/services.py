"""Accounts: creating users, checking credentials, and which logins still hold."""
import hmac

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug import security

from ..errors import Conflict, ValidationFailed
from ..extensions import db
from ..mail.addresses import normalize_email
from .models import Role, User, dummy_password_hash

MIN_PASSWORD_LENGTH = 10


def load_user(user_id: str) -> User | None:
    """The user a session or remember-me cookie names (`<id>:<session token>`, User.get_id), while
    that token is the user's current one: logging out or changing the password ends older logins."""
    number, _, token = user_id.partition(":")
    if not number.isdigit() or not token:
        return None
    user = db.session.get(User, int(number))
    if user is None or not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


def end_sessions(user: User) -> None:
    """Sign the user out of every browser (on logout: a copied cookie must not outlive it)."""
    user.end_sessions()
    db.session.flush()


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


def check_new_password(password: str, *, email: str) -> None:
    """Every password a person chooses: long enough, and not their address (nor its part before the @)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(_l("The password needs at least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
                               field="password")
    typed, address = password.strip().lower(), normalize_email(email)
    if typed and typed in (address, address.partition("@")[0]):
        raise ValidationFailed(_l("Choose a password that is not your e-mail address."), field="password")


def check_email_free(email: str) -> None:
    if find_user_by_email(email) is not None:
        raise Conflict(_l("An account with this e-mail address already exists. Sign in, or ask for a new "
                          "password if you forgot it."), field="email")


def insert_account(*rows: object) -> None:
    """Add a new account's rows. The unique address (and code) is the last word when the same form is
    sent twice at once: the second gets the Conflict that check_email_free gives, not an error page.
    The failed transaction is rolled back here (no savepoint: on SQLite, a SAVEPOINT that opens the
    transaction would commit it on release)."""
    db.session.add_all(rows)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise Conflict(_l("An account with this e-mail address already exists. Sign in, or ask for a new "
                          "password if you forgot it."), field="email") from error


def create_organizer(email: str, password: str, *, name: str = "") -> User:
    """Raises Conflict when the address is taken, ValidationFailed for a weak password."""
    check_new_password(password, email=email)
    check_email_free(email)
    user = User(email=normalize_email(email), name=name, role=Role.ORGANIZER)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def names_for_audit_log(ids: set[int]) -> dict[int, str]:
    """Who acted, as the audit log shows them: name and address (organizers and company members)."""
    users = db.session.scalars(select(User).where(User.id.in_(ids)))
    return {user.id: f"{user.name} <{user.email}>" if user.name else user.email for user in users}
