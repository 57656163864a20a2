"""Calendar feeds (SPEC section 4): all events, a campaign, a venue, a host, one event's download and
its agenda; and `serve`, which answers any feed request (registration's personal feed too) with
cached bytes, ETag and Last-Modified, or 304 when the client has them already."""
from collections.abc import Callable, Mapping
from datetime import datetime
from hashlib import sha256

from flask import Blueprint, Response, abort, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..catalogue.models import Campaign, Organization, Venue
from ..catalogue.queries import get_public_event
from ..database import utcnow
from ..extensions import db
from ..languages import DEFAULT_LANGUAGE, pick_language, supported_language
from ..site import base_url, organizer_address
from ..site_settings import uid_domain
from ..web.conditional import client_has, settled_last_modified
from . import selection
from .agenda import build_agenda_calendar
from .cache import feed_cache
from .ical import RecipientView, build_calendar

blueprint = Blueprint("feeds", __name__)
FEED_DESCRIPTION_LIMIT = 300  # characters of an event's own text in feeds; the link leads to the rest
POLL_HINT_SECONDS = 900  # shared caches may keep a feed this long; clients are told to poll hourly

CalendarName = Callable[[str], str]  # the calendar's name in a language
Renderer = Callable[[str, datetime], bytes]  # (lang, now) → the calendar's bytes


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
    # The talks and their speakers are loaded only to render: a poll answered from the cache or with a
    # 304 reads the event alone (its fingerprint covers the agenda, see selection.agenda_scope).
    event = get_public_event(event_id, with_agenda=False) or abort(404)

    def render(lang: str, now: datetime) -> bytes:
        with_agenda = get_public_event(event_id) or abort(404)
        name = pick_language(with_agenda.title_zh, with_agenda.title_en, lang)
        with force_locale(lang):
            name = f"{name} · {_('Agenda')}"
        return build_agenda_calendar(with_agenda, lang=lang, base_url=base_url(), uid_domain=uid_domain(),
                                     name=name, organizer_email=organizer_address())

    return serve(selection.agenda_scope(event), None, default_lang=event.campaign.main_language, render=render)


def serve(scope: selection.Scope, calendar_name: CalendarName | None, *, default_lang: str = DEFAULT_LANGUAGE,
          filename: str | None = None, views: Callable[[], Mapping[int, RecipientView]] | None = None,
          private: bool = False, render: Renderer | None = None) -> Response:
    """The feed from the cache (or rendered once) with ETag and Last-Modified; 304 when unchanged.

    A poll costs one aggregate query and a cache read of the ETag; the body is read or rendered only
    when the client does not have it yet. Without `calendar_name` it is a download, not a feed."""
    now = utcnow()
    lang = supported_language(request.args.get("lang", ""), default_lang)
    state = selection.feed_state(scope, now=now)
    key = state.fingerprint(scope, lang)
    last_modified = settled_last_modified(state.last_modified, now=now)
    cache = feed_cache()
    etag = (cache.get(f"{key}:etag") or b"").decode()
    if etag and client_has(etag, last_modified):
        return calendar_response(b"", etag, last_modified, filename=filename, private=private, status=304)
    body = cache.get(f"{key}:body") if etag else None
    if body is None:
        body = render(lang, now) if render else render_events(scope, calendar_name, lang=lang, now=now,
                                                              views=views)
        etag = sha256(body).hexdigest()[:40]  # strong: same bytes, same tag
        cache.set(f"{key}:body", body)
        cache.set(f"{key}:etag", etag.encode())
    if client_has(etag, last_modified):
        return calendar_response(b"", etag, last_modified, filename=filename, private=private, status=304)
    return calendar_response(body, etag, last_modified, filename=filename, private=private)


def with_site_name(title: str, lang: str) -> str:
    """'<title> · Quality Campaign Events', the calendar's name in a client's list."""
    with force_locale(lang):
        return f"{title} · {_('Quality Campaign Events')}"


def render_events(scope: selection.Scope, calendar_name: CalendarName | None, *, lang: str, now: datetime,
                  views: Callable[[], Mapping[int, RecipientView]] | None) -> bytes:
    with force_locale(lang):
        name = calendar_name(lang) if calendar_name else None
    return build_calendar(selection.feed_events(scope, now=now), lang=lang, name=name, base_url=base_url(),
                          uid_domain=uid_domain(), organizer_email=organizer_address(),
                          views=views() if views else None,
                          description_limit=FEED_DESCRIPTION_LIMIT if name else None)


def calendar_response(body: bytes, etag: str, last_modified: datetime | None, *, filename: str | None,
                      private: bool, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="text/calendar")  # Flask adds "; charset=utf-8"
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.max_age = POLL_HINT_SECONDS
    if private:  # a personal feed must not be kept by shared caches
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
