"""Public pages: home, campaign, event, venue, host organization."""
from flask import Blueprint, abort, render_template
from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from ..i18n import current_language
from . import queries
from .maps import MapLink, Place, map_links
from .models import Campaign, Organization, Venue

blueprint = Blueprint("catalogue", __name__)


@blueprint.get("/")
def home():
    return render_template(
        "catalogue/home.html",
        upcoming=queries.upcoming_events(now=utcnow()),
        campaigns=queries.campaigns_for_home(),
    )


@blueprint.get("/campaigns/<slug>")
def campaign(slug: str):
    campaign = db.first_or_404(select(Campaign).where(Campaign.slug == slug))
    return render_template("catalogue/campaign.html", campaign=campaign,
                           numbered_events=queries.campaign_events(campaign))


@blueprint.get("/events/<id:event_id>")
def event(event_id: int):
    event = queries.get_public_event(event_id)
    if event is None:  # drafts are invisible, not forbidden: their existence is not public either
        abort(404)
    return render_template("catalogue/event.html", event=event, number=queries.event_number_in_campaign(event),
                           has_ended=event.ends_at < utcnow(), map_links=venue_map_links(event.venue))


def venue_map_links(venue: Venue) -> list[MapLink]:
    """Links that open the venue in the visitor's map app (maps.py), in the page's language."""
    place = Place(name=venue.name, address=venue.address, district=venue.district, city=venue.city,
                  latitude=venue.latitude, longitude=venue.longitude)
    return map_links(place, language=current_language())


@blueprint.get("/venues/<id:venue_id>")
def venue(venue_id: int):
    venue = db.get_or_404(Venue, venue_id)
    return render_template("catalogue/venue.html", venue=venue, events=queries.venue_events(venue))


@blueprint.get("/hosts/<id:organization_id>")
def host(organization_id: int):
    organization = db.get_or_404(Organization, organization_id)
    return render_template("catalogue/host.html", organization=organization,
                           events=queries.hosted_events(organization))
