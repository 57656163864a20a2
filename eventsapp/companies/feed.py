"""What the company calendar shows: the events the company hosts (or co-hosts), and those it holds
seats at for its people (a delegation), by the same rules as every other feed (feeds/selection.py)."""
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..catalogue.models import DeletedEvent, Event, Organization
from ..extensions import db
from ..feeds.selection import Scope
from ..registration.models import Delegation, is_well_formed_token, new_token
from .models import CompanyFeed
from .queries import hosted_by


def company_feed_for(organization: Organization) -> CompanyFeed:
    """The organization's feed, created on first use; safe when two members race to create it."""
    feed = db.session.scalar(select(CompanyFeed).where(CompanyFeed.organization_id == organization.id))
    if feed is not None:
        return feed
    try:
        with db.session.begin_nested():
            feed = CompanyFeed(organization=organization)
            db.session.add(feed)
    except IntegrityError:
        feed = db.session.scalars(select(CompanyFeed).where(CompanyFeed.organization_id == organization.id)).one()
    return feed


def find_company_feed(token: str) -> CompanyFeed | None:
    if not is_well_formed_token(token):
        return None
    return db.session.scalar(select(CompanyFeed).where(CompanyFeed.token == token))


def replace_company_feed_address(feed: CompanyFeed) -> CompanyFeed:
    """A new secret address; the old one answers 404 from now on."""
    feed.token = new_token()
    db.session.flush()
    return feed


def company_scope(organization: Organization) -> Scope:
    """Hosted events, and events where the organizers granted it seats (withdrawn seats leave the feed);
    a change to its seats changes the feed."""
    mine = Delegation.organization_id == organization.id
    attending = select(Delegation.event_id).where(mine, Delegation.withdrawn_at.is_(None))
    return Scope(f"company:{organization.id}", or_(hosted_by(organization), Event.id.in_(attending)),
                 DeletedEvent.host_id == organization.id, owner=organization, also_shows=((Delegation, mine),))
