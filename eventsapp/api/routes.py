"""The JSON API for partners (SPEC 5), under /api/v1: campaigns, and events with their agenda and seats;
sign-ups and registrations are registration_routes.py's, on the same blueprint.

No cookie is read (web/urls.is_api_request, web/sessions.py): the language is ?lang= or Accept-Language and
nobody is signed in, so a request carries nobody's rights: there is nothing for another site to forge (no
CSRF token is asked for), and any origin may call it from a browser (CORS, below).
"""
from datetime import datetime
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from apiflask import APIBlueprint, HTTPError
from flask import Response, current_app, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, or_, select, true

from ..catalogue.models import Campaign, Event, EventSession, Organization
from ..catalogue.queries import EVENT_LIST_LOADING, get_public_event
from ..database import utcnow
from ..extensions import db
from ..feeds import selection
from ..feeds.ical import event_uid
from ..feeds.links import event_feed_url
from ..i18n import current_language
from ..registration import services
from ..registration import sign_up_rules as rules
from ..registration.models import Delegation, Registration
from ..registration.seats import SeatSummary, seat_summaries
from ..site import base_url, external_url
from ..site_settings import uid_domain
from ..web.conditional import settled_last_modified
from .answers import conditional
from .schemas import (
    CampaignPage,
    CampaignQuery,
    EventDetailOut,
    EventPage,
    EventQuery,
    LanguageQuery,
)

blueprint = APIBlueprint("api", __name__, url_prefix="/api/v1", tag="API v1")

# A 304 has no body: an empty content, or the document would promise one.
NOT_MODIFIED: Any = {"content": {},
                     "description": "Not modified: the client's copy (If-None-Match / If-Modified-Since) is current."}

# Any website may call the API from a browser (a park's page listing the events): it reads no cookie, so
# an answer holds nothing another origin should not see, and a request carries no one's rights.
CROSS_ORIGIN_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Location, Retry-After, Idempotent-Replayed",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, DELETE",
    "Access-Control-Allow-Headers": "Content-Type, Accept-Language, Idempotency-Key, If-None-Match, "
                                    "If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


@blueprint.after_request
def allow_other_origins(response: Response) -> Response:
    response.headers.update(CROSS_ORIGIN_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
    return response


# --- campaigns -------------------------------------------------------------------------------------------

@blueprint.get("/campaigns")
@blueprint.input(CampaignQuery, location="query", arg_name="wanted")
@blueprint.output(CampaignPage)
@blueprint.doc(summary="The campaigns", description="Every campaign, the newest year first.",
               responses={304: NOT_MODIFIED})
def campaigns(wanted: dict) -> Response:
    page, per_page = wanted["page"], wanted["per_page"]
    rows = list(db.session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())
                                   .offset((page - 1) * per_page).limit(per_page + 1)))
    shown, more = rows[:per_page], len(rows) > per_page
    fingerprint = "|".join(f"{campaign.id}:{campaign.revision}" for campaign in shown) + f"|{more}"
    changed = max((campaign.updated_at for campaign in shown), default=None)
    last_modified = settled_last_modified(changed, now=utcnow()) if changed else None

    def build() -> dict:
        lang = current_language()
        return {"items": [campaign_answer(campaign, lang) for campaign in shown],
                "next": next_page("api.campaigns", wanted, page) if more else None}

    return conditional(fingerprint, last_modified, build, CampaignPage())


def campaign_answer(campaign: Campaign, lang: str) -> dict:
    return {"slug": campaign.slug, "name": campaign.name, "year": campaign.year, "description": campaign.description,
            "organizing_body": campaign.organizing_body,
            "url": external_url("catalogue.campaign", slug=campaign.slug),
            "ics_url": external_url("feeds.campaign", slug=campaign.slug, lang=lang),
            "events_url": external_url("api.events", campaign=campaign.slug, lang=lang)}


# --- events ----------------------------------------------------------------------------------------------

@blueprint.get("/events")
@blueprint.input(EventQuery, location="query", arg_name="wanted")
@blueprint.output(EventPage)
@blueprint.doc(summary="Published and cancelled events",
               description="In order of their start: by default those the calendar feeds show (from 30 days "
                           "back on; a cancelled event, with status `cancelled`, until a week after its end); "
                           "`from` reaches further back. At most `per_page` (≤ 100) per page; `next` links the "
                           "next page.",
               responses={304: NOT_MODIFIED})
def events(wanted: dict) -> Response:
    page, per_page = wanted["page"], wanted["per_page"]
    filters = event_filters(wanted, now=utcnow())
    shown = list(db.session.scalars(select(Event).where(Event.is_public, *filters).order_by(Event.starts_at, Event.id)
                                    .offset((page - 1) * per_page).limit(per_page + 1)))
    shown, more = shown[:per_page], len(shown) > per_page
    # Last-Modified must move when an event leaves the list too (unpublished, moved, past the window):
    # the aggregate runs over every event the filter names, public or not.
    among = and_(true(), *event_filters(wanted, now=utcnow(), window=False))
    fingerprint, last_modified = state_of(shown, among=among, window="starts_from" not in wanted)

    def build() -> dict:
        loaded = {event.id: event for event in db.session.scalars(  # with relations, in a fixed number of queries
            select(Event).where(Event.id.in_([event.id for event in shown])).options(*EVENT_LIST_LOADING)).unique()}
        listed = [loaded[event.id] for event in shown]
        seats = seat_summaries(listed)
        return {"items": [event_answer(event, seats[event.id]) for event in listed],
                "next": next_page("api.events", wanted, page) if more else None}

    return conditional(f"{fingerprint}|{more}", last_modified, build, EventPage())


def event_filters(wanted: dict, *, now: datetime, window: bool = True) -> list[ColumnElement[bool]]:
    """Without `from`, what the calendar feeds show: from 30 days back on, a cancelled event until a week
    after its end (feeds/selection.in_feed); `from` reaches further back. `window=False`: the filters alone."""
    filters: list[ColumnElement[bool]] = [selection.in_feed(now)] if window and "starts_from" not in wanted else []
    if "campaign" in wanted:
        filters.append(Event.campaign.has(Campaign.slug == wanted["campaign"]))
    if "venue" in wanted:
        filters.append(Event.venue_id == wanted["venue"])
    if "host" in wanted:
        filters.append(or_(Event.host_id == wanted["host"], Event.co_hosts.any(Organization.id == wanted["host"])))
    if "starts_from" in wanted:
        filters.append(Event.ends_at >= aware(wanted["starts_from"]))
    if "to" in wanted:
        filters.append(Event.starts_at < aware(wanted["to"]))
    return filters


def aware(moment: datetime) -> datetime:
    """An instant given without an offset is read in the site's default time zone (SPEC 6)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(current_app.config["DEFAULT_TIMEZONE"]))


@blueprint.get("/events/<id:event_id>")
@blueprint.input(LanguageQuery, location="query", arg_name="wanted")
@blueprint.output(EventDetailOut)
@blueprint.doc(summary="One event, with its agenda and seats", responses={304: NOT_MODIFIED})
def event(event_id: int, wanted: dict) -> Response:
    found = db.session.scalar(select(Event).where(Event.id == event_id, Event.is_public)) or not_found()
    fingerprint, last_modified = state_of([found])

    def build() -> dict:
        with_agenda = get_public_event(event_id) or not_found()
        answer = event_answer(with_agenda, seat_summaries([with_agenda])[with_agenda.id])
        answer["sessions"] = [session_answer(talk, with_agenda) for talk in with_agenda.sessions]
        return answer

    return conditional(fingerprint, last_modified, build, EventDetailOut())


def state_of(shown: list[Event], *, among: ColumnElement[bool] | None = None,
             window: bool = False) -> tuple[str, datetime | None]:
    """A fingerprint of what the answer shows, and when it last changed, in one statement besides loading
    `shown` (the events, without their relations).

    The feeds' aggregate (feeds/selection.feed_state) over `among` (the list's filter; else the events shown):
    events, venues, hosts, campaigns, co-hosts, deleted events, with `window` the moments events left the
    feeds' window; plus the shown events' registrations and delegations (seats_left, waitlist_length). And
    each sign-up window's state, which changes with time alone: Last-Modified moves to the moment it did."""
    now = utcnow()
    ids = [event.id for event in shown]
    scope = selection.Scope("api", Event.id.in_(ids) if among is None else among,
                            deleted=None if among is None else true(), window=window,
                            also_shows=((Registration, Registration.event_id.in_(ids)),
                                        (Delegation, Delegation.event_id.in_(ids))))
    state = selection.feed_state(scope, now=now)
    windows = [(event.id, services.registration_window(event, now=now).value) for event in shown]
    moments = [state.last_modified, *(moment for event in shown for moment in window_moments(event)
                                      if moment <= now)]
    fingerprint = f"{state.count}|{state.revisions}|{state.last_modified.isoformat()}|{windows}"
    return fingerprint, settled_last_modified(max(moments), now=now) if shown else None


def window_moments(event: Event) -> list[datetime]:
    """When the event's sign-up window opens and closes."""
    opens = [event.registration_opens_at] if event.registration_opens_at else []
    return [*opens, services.registration_closes_at(event)]


def event_answer(event: Event, seats: SeatSummary) -> dict:
    """The event in the request's language (the models' bilingual attributes read it), times in its zone."""
    zone = ZoneInfo(event.timezone)
    venue = event.venue
    lang = current_language()
    return {
        "id": event.id, "uid": event_uid(event, uid_domain()), "title": event.title, "description": event.description,
        "status": event.status.value, "cancellation_reason": event.cancellation_reason if event.is_cancelled else None,
        "starts_at": event.starts_at.astimezone(zone), "ends_at": event.ends_at.astimezone(zone),
        "timezone": event.timezone,
        "campaign": {"slug": event.campaign.slug, "name": event.campaign.name},
        "venue": {"id": venue.id, "name": venue.name, "address": venue.address, "district": venue.district,
                  "city": venue.city, "latitude": venue.latitude, "longitude": venue.longitude},
        "host": {"id": event.host.id, "name": event.host.name},
        "co_hosts": [{"id": co_host.id, "name": co_host.name} for co_host in event.co_hosts],
        "capacity": event.capacity, "seats_left": seats.seats_left, "waitlist_length": seats.waitlist_length,
        "registration": {
            "state": services.registration_window(event, now=utcnow()).value,
            "opens_at": event.registration_opens_at.astimezone(zone) if event.registration_opens_at else None,
            "closes_at": services.registration_closes_at(event).astimezone(zone),
            "required_fields": rules.required_fields(event), "waitlist_enabled": event.waitlist_enabled,
            "privacy_url": external_url("registration.privacy", lang=lang)},
        "url": external_url("catalogue.event", event_id=event.id, lang=lang),
        "ics_url": event_feed_url(event, lang=lang, base_url=base_url()),
        "registrations_url": external_url("api.sign_up", event_id=event.id),
        "updated_at": event.updated_at,
    }


def session_answer(talk: EventSession, event: Event) -> dict:
    zone = ZoneInfo(event.timezone)
    return {"id": talk.id, "title": talk.title, "abstract": talk.abstract,
            "starts_at": talk.starts_at.astimezone(zone), "ends_at": talk.ends_at.astimezone(zone),
            "room": talk.room.name if talk.room else None,
            "speakers": [{"name": speaker.name, "job_title": speaker.job_title, "organization": speaker.organization}
                         for speaker in talk.speakers]}


def next_page(endpoint: str, wanted: dict, page: int) -> str:
    args = {key: value for key, value in request.args.items() if key != "page"}
    return external_url(endpoint, **args, page=page + 1)


def not_found() -> NoReturn:
    raise HTTPError(404, _("We could not find this event."), extra_data={"code": "not_found"})


@blueprint.get("/docs")
@blueprint.doc(hide=True)
def docs() -> str:
    """The API's documentation to browse (Swagger UI, from static/vendor: no CDN)."""
    return render_template("api/docs.html", spec_url=url_for("openapi.spec"), lang=current_language())
