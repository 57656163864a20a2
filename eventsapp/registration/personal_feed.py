"""A person's own calendar feed: get its token (created on first use) and revoke it."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import TOKEN_PATTERN, PersonalFeed, new_token


def personal_feed_for(email: str) -> PersonalFeed:
    """The feed of this address, created on first use. Safe when two sign-ups race to create it."""
    feed = db.session.scalar(select(PersonalFeed).where(PersonalFeed.email == email))
    if feed is not None:
        return feed
    try:
        with db.session.begin_nested():
            feed = PersonalFeed(email=email)
            db.session.add(feed)
    except IntegrityError:  # created meanwhile by a parallel request for the same person
        feed = db.session.scalar(select(PersonalFeed).where(PersonalFeed.email == email))
    return feed


def find_personal_feed(token: str) -> PersonalFeed | None:
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    return db.session.scalar(select(PersonalFeed).where(PersonalFeed.token == token))


def revoke_personal_feed(email: str) -> PersonalFeed:
    """Issue a new address; the old one answers 404 from now on."""
    feed = personal_feed_for(email)
    feed.token = new_token()
    db.session.flush()
    return feed
