"""Calendar feeds (SPEC section 4): all events, a campaign, a venue, a host, one event's download and
its agenda; and `serve`, which answers any feed request (registration's personal feed too) with
cached bytes, ETag and Last-Modified, or 304 when the client has them already. The public feeds are
kept in each process's memory until the catalogue changes (`kept_until_the_catalogue_changes`)."""
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from functools import wraps
from hashlib import sha256

from flask import Blueprint, Response, abort, g, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..catalogue.models import Campaign, Organization, Venue
from ..catalogue.queries import get_public_event
from ..catalogue.version import catalogue_version
from ..database import utcnow
from ..extensions import db
from ..languages import DEFAULT_LANGUAGE, LANGUAGES, pick_language, supported_language
from ..site import base_url, organizer_address
from ..site_settings import uid_domain
from ..web.conditional import client_has, settled_last_modified
from . import kept, selection
from .agenda import build_agenda_calendar
from .cache import feed_cache
from .ical import RecipientView, build_calendar

blueprint = Blueprint("feeds", __name__)
FEED_DESCRIPTION_LIMIT = 300  # characters of an event's own text in feeds; the link leads to the rest
POLL_HINT_SECONDS = 900  # shared caches may keep a feed this long; clients are told to poll hourly
VERSION_KEY = "feeds.catalogue_version"  # in g: the version read before the view ran

CalendarName = Callable[[str], str]  # the calendar's name in a language
Renderer = Callable[[str, datetime], bytes]  # (lang, now) → the calendar's bytes


def kept_until_the_catalogue_changes(view: Callable[..., Response]) -> Callable[..., Response]:
    """A public feed is answered from this process's memory while the catalogue and the feed's window are
    as they were when it was made (feeds/kept.py): a poll reads one row, whatever the feed's size.
    Otherwise the view runs, and `serve` keeps what it makes under the version read here."""
    @wraps(view)
    def answer_from_memory(**kwargs) -> Response:
        now = utcnow()
        version = catalogue_version()
        if version is None:  # no version row: nothing can be known current
            return view(**kwargs)
        feed = kept.recall(kept_key(), version, now=now)
        if feed is not None:
            return feed_response(feed, now=now)
        g.setdefault(VERSION_KEY, version)
        return view(**kwargs)

    return answer_from_memory


def kept_key() -> str:
    """What a kept feed is found by: its path, and the language asked for when it is one of ours."""
    lang = request.args.get("lang", "")
    return f"{request.path}?lang={lang if lang in LANGUAGES else ''}"


@blueprint.get("/feeds/all.ics")
@kept_until_the_catalogue_changes
def all_events():
    return serve(selection.all_events_scope(), lambda lang: with_site_name(_("All events"), lang))


@blueprint.get("/feeds/campaigns/<slug>.ics")
@kept_until_the_catalogue_changes
def campaign(slug: str):
    campaign = db.first_or_404(select(Campaign).where(Campaign.slug == slug))
    return serve(selection.campaign_scope(campaign),
                 lambda lang: pick_language(campaign.name_zh, campaign.name_en, lang),
                 default_lang=campaign.main_language)


@blueprint.get("/feeds/venues/<id:venue_id>.ics")
@kept_until_the_catalogue_changes
def venue(venue_id: int):
    venue = db.get_or_404(Venue, venue_id)
    return serve(selection.venue_scope(venue), lambda lang: with_site_name(
        pick_language(venue.name_zh, venue.name_en, lang), lang))


@blueprint.get("/feeds/hosts/<id:organization_id>.ics")
@kept_until_the_catalogue_changes
def host(organization_id: int):
    organization = db.get_or_404(Organization, organization_id)
    return serve(selection.host_scope(organization), lambda lang: with_site_name(
        pick_language(organization.name_zh, organization.name_en, lang), lang))


@blueprint.get("/events/<id:event_id>.ics")
@kept_until_the_catalogue_changes
def event_download(event_id: int):
    event = get_public_event(event_id, with_agenda=False) or abort(404)
    return serve(selection.event_scope(event), None, default_lang=event.campaign.main_language,
                 filename=f"event-{event.id}.ics")


@blueprint.get("/feeds/events/<id:event_id>/agenda.ics")
@kept_until_the_catalogue_changes
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

    The scope's state costs one aggregate query; the body is read from the cache or rendered only when
    it is kept (a public feed, feeds/kept.py) or the client does not have it yet. Without
    `calendar_name` it is a download, not a feed."""
    now = utcnow()
    lang = supported_language(request.args.get("lang", ""), default_lang)
    state = selection.feed_state(scope, now=now)
    key = state.fingerprint(scope, lang)
    cache = feed_cache()
    etag = (cache.get(f"{key}:etag") or b"").decode()
    feed = kept.Feed(b"", etag, state.last_modified, filename=filename, private=private,
                valid_until=state.next_change)
    keeping = not private and not scope.also_shows and views is None
    if etag and not keeping and client_has(etag, settled_last_modified(state.last_modified, now=now)):
        return feed_response(feed, now=now)
    body = cache.get(f"{key}:body") if etag else None
    if body is None:
        body = render(lang, now) if render else render_events(scope, calendar_name, lang=lang, now=now,
                                                              views=views)
        etag = sha256(body).hexdigest()[:40]  # strong: same bytes, same tag
        cache.set(f"{key}:body", body)
        cache.set(f"{key}:etag", etag.encode())
    feed = replace(feed, body=body, etag=etag)
    version = g.get(VERSION_KEY)
    if keeping and version is not None:
        kept.keep(kept_key(), version, feed)
    return feed_response(feed, now=now)


def feed_response(feed: kept.Feed, *, now: datetime) -> Response:
    """200 with the bytes, or 304 when the client has them."""
    last_modified = settled_last_modified(feed.last_modified, now=now)
    unchanged = client_has(feed.etag, last_modified)
    response = Response(b"" if unchanged else feed.body, status=304 if unchanged else 200,
                        mimetype="text/calendar")  # Flask adds "; charset=utf-8"
    response.set_etag(feed.etag)
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.max_age = POLL_HINT_SECONDS
    if feed.private:  # a personal feed must not be kept by shared caches
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    if feed.filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{feed.filename}"'
    return response


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
