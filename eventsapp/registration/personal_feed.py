"""A person's own calendar feed (/feeds/me/<token>.ics): its token (created on first use, revocable)
and what it shows: the events that e-mail address holds an active registration for."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..catalogue.models import Event
from ..extensions import db
from ..feeds.ical import RecipientView
from ..feeds.selection import Scope
from .models import ACTIVE, TENTATIVE, PersonalFeed, Registration, is_well_formed_token


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


def registration_scope(registration: Registration) -> Scope:
    """One registration's event as that person's calendar shows it (the download on their own page)."""
    return Scope(f"registration:{registration.id}", Event.id == registration.event_id, window=False,
                 also_shows=((Registration, Registration.id == registration.id),))


def recipient_views(email: str) -> dict[int, RecipientView]:
    """What this address's feed shows of each event it is registered for: TENTATIVE while waiting for a
    seat or to confirm a company's invitation, and the person's own changes in SEQUENCE and LAST-MODIFIED
    (feeds/ical.py)."""
    registrations = db.session.scalars(select(Registration).where(
        Registration.email == email, Registration.status.in_(ACTIVE)))
    return {registration.event_id: recipient_view(registration) for registration in registrations}


def recipient_view(registration: Registration) -> RecipientView:
    """The registration's part of what its person's calendar shows, in the feed and in every mail."""
    return RecipientView(waitlisted=registration.status in TENTATIVE,
                         sequence=registration.sequence,
                         changed_at=max(moment for moment in (registration.created_at, registration.promoted_at,
                                                              registration.cancelled_at) if moment is not None))
