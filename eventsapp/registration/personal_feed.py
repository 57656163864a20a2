"""A person's own calendar feed (/feeds/me/<token>.ics): its token (created on first use, revocable)
and what it shows: the events that e-mail address holds an active registration for."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..catalogue.models import Event
from ..extensions import db
from ..feeds.selection import Scope
from .models import ACTIVE, PersonalFeed, Registration, RegistrationStatus, is_well_formed_token


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
        feed = db.session.scalars(select(PersonalFeed).where(PersonalFeed.email == email)).one()
    return feed


def find_personal_feed(token: str) -> PersonalFeed | None:
    if not is_well_formed_token(token):
        return None
    return db.session.scalar(select(PersonalFeed).where(PersonalFeed.token == token))


def person_scope(email: str) -> Scope:
    """The events this address is registered for; its registrations' changes change the feed too."""
    mine = Registration.email == email
    registered = select(Registration.event_id).where(mine, Registration.status.in_(ACTIVE))
    return Scope(f"person:{email}", Event.id.in_(registered), also_shows=((Registration, mine),))


def waitlisted_event_ids(email: str) -> frozenset[int]:
    """Events where this address waits for a seat: TENTATIVE in its feed."""
    return frozenset(db.session.scalars(select(Registration.event_id).where(
        Registration.email == email, Registration.status == RegistrationStatus.WAITLISTED)))
