"""Public pages: home, campaign, archive, event, venue, host organization."""
import re

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from ..i18n import current_language
from . import queries
from .finding import facts_of, filter_options
from .forms import EventFilterForm, UpcomingEventFilterForm
from .maps import MapLink, Place, map_links
from .models import Campaign, Organization, Venue
from .services import FIRST_YEAR, LAST_YEAR

blueprint = Blueprint("catalogue", __name__)

EVENTS_PER_PAGE = 20
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}")  # pages 1 to 9999: never an offset the database cannot take


@blueprint.get("/")
def home():
    now = utcnow()
    campaigns = queries.campaigns_for_home()
    form = UpcomingEventFilterForm(request.args, options=queries.upcoming_filter_options(now=now),
                                   campaigns=campaigns)
    is_valid = form.validate()
    results = queries.find_upcoming_events(form.to_filter(), now=now, page=requested_page(),
                                           per_page=EVENTS_PER_PAGE)
    if results.page > max(results.pages, 1):
        abort(404)
    return render_template("catalogue/home.html", form=form, results=results,
                           campaigns=campaigns), 200 if is_valid else 400


@blueprint.get("/campaigns/<slug>")
def campaign(slug: str):
    campaign = db.first_or_404(select(Campaign).where(Campaign.slug == slug))
    numbered_events = queries.campaign_events(campaign)
    form = EventFilterForm(request.args, options=filter_options(facts_of(e for _, e in numbered_events)))
    is_valid = form.validate()
    wanted = form.to_filter()
    if not wanted.is_empty:
        matching = queries.matching_event_ids(wanted, campaign=campaign)
        numbered_events = [(number, event) for number, event in numbered_events if event.id in matching]
    return render_template("catalogue/campaign.html", campaign=campaign, numbered_events=numbered_events,
                           form=form), 200 if is_valid else 400


@blueprint.get("/archive")
def archive():
    return render_template("catalogue/archive.html", years=queries.archive_years(now=utcnow()))


@blueprint.get(f"/archive/<int(min={FIRST_YEAR}, max={LAST_YEAR}):year>")
def archive_year(year: int):
    campaigns = queries.archived_campaigns(year, now=utcnow())
    if not campaigns:
        abort(404)
    return render_template("catalogue/archive_year.html", year=year, campaigns=campaigns)


def requested_page() -> int:
    """?page=N, 1 when absent; anything but a page number is a page that does not exist."""
    text = request.args.get("page", "1")
    if _PAGE_NUMBER.fullmatch(text) is None:
        abort(404)
    return int(text)


@blueprint.get("/events/<id:event_id>")
def event(event_id: int):
    event = queries.get_public_event(event_id)
    if event is None:  # drafts are invisible, not forbidden: their existence is not public either
        abort(404)
    page = render_template("catalogue/event.html", event=event, number=queries.event_number_in_campaign(event),
                           has_ended=event.ends_at < utcnow(), map_links=venue_map_links(event.venue))
    return page, {"Vary": "User-Agent"}  # the map links follow the device


APPLE_DEVICE = re.compile(r"iPhone|iPad|iPod|Macintosh")


def venue_map_links(venue: Venue) -> list[MapLink]:
    """Links that open the venue in the visitor's map app (maps.py), in the page's language."""
    place = Place(name=venue.name, address=venue.address, district=venue.district, city=venue.city,
                  latitude=venue.latitude, longitude=venue.longitude)
    apple_device = APPLE_DEVICE.search(request.headers.get("User-Agent", "")) is not None
    return map_links(place, language=current_language(), apple_device=apple_device)


@blueprint.get("/venues/<id:venue_id>")
def venue(venue_id: int):
    venue = db.get_or_404(Venue, venue_id)
    return render_template("catalogue/venue.html", venue=venue, events=queries.venue_events(venue))


@blueprint.get("/hosts/<id:organization_id>")
def host(organization_id: int):
    organization = db.get_or_404(Organization, organization_id)
    return render_template("catalogue/host.html", organization=organization,
                           events=queries.hosted_events(organization))
