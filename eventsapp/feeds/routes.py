"""Calendar feeds (SPEC section 4): all events, a campaign, a venue, a host, one event's download and
its agenda. The personal feed (/feeds/me/<token>.ics) is registration's."""
from datetime import datetime

from flask import Blueprint, abort
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..catalogue.models import Campaign, Organization, Venue
from ..catalogue.queries import get_public_event
from ..extensions import db
from ..languages import pick_language
from ..site import base_url, organizer_address
from . import selection
from .agenda import build_agenda_calendar
from .serving import serve, with_site_name

blueprint = Blueprint("feeds", __name__)


@blueprint.get("/feeds/all.ics")
def all_events():
    return serve(selection.all_events_scope(), lambda lang: with_site_name(_("All events"), lang))


@blueprint.get("/feeds/campaigns/<slug>.ics")
def campaign(slug: str):
    campaign = db.first_or_404(select(Campaign).where(Campaign.slug == slug))
    return serve(selection.campaign_scope(campaign),
                 lambda lang: pick_language(campaign.name_zh, campaign.name_en, lang),
                 default_lang=campaign.main_language)


@blueprint.get("/feeds/venues/<id:venue_id>.ics")
def venue(venue_id: int):
    venue = db.get_or_404(Venue, venue_id)
    return serve(selection.venue_scope(venue), lambda lang: with_site_name(
        pick_language(venue.name_zh, venue.name_en, lang), lang))


@blueprint.get("/feeds/hosts/<id:organization_id>.ics")
def host(organization_id: int):
    organization = db.get_or_404(Organization, organization_id)
    return serve(selection.host_scope(organization), lambda lang: with_site_name(
        pick_language(organization.name_zh, organization.name_en, lang), lang))


@blueprint.get("/events/<id:event_id>.ics")
def event_download(event_id: int):
    event = get_public_event(event_id, with_agenda=False) or abort(404)
    return serve(selection.event_scope(event), None, default_lang=event.campaign.main_language,
                 filename=f"event-{event.id}.ics")


@blueprint.get("/feeds/events/<id:event_id>/agenda.ics")
def agenda(event_id: int):
    event = get_public_event(event_id) or abort(404)

    def render(lang: str, now: datetime) -> bytes:
        name = pick_language(event.title_zh, event.title_en, lang)
        with force_locale(lang):
            name = f"{name} · {_('Agenda')}"
        return build_agenda_calendar(event, lang=lang, base_url=base_url(), name=name,
                                     organizer_email=organizer_address())

    return serve(selection.agenda_scope(event), None, default_lang=event.campaign.main_language, render=render)
