"""The JSON API for partners (SPEC 5), under /api/v1: campaigns, events with their agenda and seats, and
sign-ups with the sign-up form's rules and service (registration/services.register).

No cookie is read (web/urls.is_api_request): the language is ?lang= or Accept-Language, nobody is signed in,
and no CSRF token is asked for (a cross-site form cannot send a JSON body without the browser asking
first). Sign-ups are rate-limited per client address like the form (API_SIGNUP_RATE_LIMIT).
"""
import json
from datetime import datetime
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from apiflask import APIBlueprint, HTTPError
from flask import Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, or_, select

from ..catalogue.models import Campaign, Event, EventSession, EventStatus, Organization
from ..catalogue.queries import EVENT_LIST_LOADING, get_public_event
from ..database import utcnow
from ..errors import DomainError, Refused
from ..extensions import db, limiter
from ..feeds import selection
from ..feeds.ical import event_uid
from ..feeds.links import event_feed_url
from ..feeds.routes import settled_last_modified
from ..i18n import current_language
from ..phones import normalize_phone
from ..registration import services
from ..registration import sign_up_rules as rules
from ..registration.models import Delegation, Registration
from ..registration.seats import SeatSummary, seat_summaries
from ..site import base_url, external_url
from ..site_settings import uid_domain
from ..web.errors import api_error
from . import idempotency
from .answers import conditional
from .schemas import (
    CampaignPage,
    CampaignQuery,
    EventDetailOut,
    EventPage,
    EventQuery,
    LanguageQuery,
    RegistrationIn,
    RegistrationOut,
)

blueprint = APIBlueprint("api", __name__, url_prefix="/api/v1", tag="API v1")

# A 304 has no body: an empty content, or the document would promise one.
NOT_MODIFIED: Any = {"description": "Not modified: the client's copy (If-None-Match / If-Modified-Since) is current.",
                "content": {}}
SIGN_UP_ANSWERS = {
    400: "The body is sent as JSON but does not parse, or the Idempotency-Key header is malformed.",
    403: "Sign-up has not opened yet (code not_open), or the event is not open for sign-up.",
    404: "No such published event.",
    409: "The address is already registered for this event (already_registered), or the event is full and "
         "has no waiting list (full).",
    410: "Sign-up has closed, the event started, or it was cancelled (closed).",
    422: "A field is invalid (errors names each), or the Idempotency-Key was used for another body "
         "(idempotency_key_reused).",
    429: "Too many sign-ups from this address (rate_limited: wait Retry-After seconds), or too many e-mails "
         "to this person in the last hour (too_many_mails).",
}


def api_signup_rate_limit() -> str:
    return current_app.config["API_SIGNUP_RATE_LIMIT"]


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
    query = (select(Event.id).where(Event.is_public, *event_filters(wanted, now=utcnow()))
             .order_by(Event.starts_at, Event.id).offset((page - 1) * per_page).limit(per_page + 1))
    ids = list(db.session.scalars(query))
    shown, more = ids[:per_page], len(ids) > per_page
    fingerprint, last_modified = state_of(shown)

    def build() -> dict:
        found = {event.id: event for event in db.session.scalars(
            select(Event).where(Event.id.in_(shown)).options(*EVENT_LIST_LOADING)).unique()}
        listed = [found[event_id] for event_id in shown if event_id in found]
        seats = seat_summaries(listed)
        return {"items": [event_answer(event, seats[event.id]) for event in listed],
                "next": next_page("api.events", wanted, page) if more else None}

    return conditional(f"{fingerprint}|{more}", last_modified, build, EventPage())


def event_filters(wanted: dict, *, now: datetime) -> list[ColumnElement[bool]]:
    """Without `from`, what the calendar feeds show: from 30 days back on, a cancelled event until a week
    after its end (feeds/selection.in_feed); `from` reaches further back."""
    filters: list[ColumnElement[bool]] = [] if "starts_from" in wanted else [selection.in_feed(now)]
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
    fingerprint, last_modified = state_of([event_id])
    if fingerprint.startswith("0|"):  # no such public event: nothing was counted
        raise not_found()

    def build() -> dict:
        found = get_public_event(event_id) or not_found()
        answer = event_answer(found, seat_summaries([found])[found.id])
        answer["sessions"] = [session_answer(talk, found) for talk in found.sessions]
        return answer

    return conditional(fingerprint, last_modified, build, EventDetailOut())


def state_of(event_ids: list[int]) -> tuple[str, datetime | None]:
    """A fingerprint of what these events' answers show, and when it last changed, in two statements:
    the rows (the feeds' aggregate over events, venues, hosts, campaigns, co-hosts, plus the events'
    registrations and delegations, which make seats_left and waitlist_length), and each sign-up window's
    state, which changes with time alone."""
    now = utcnow()
    shown = Event.id.in_(event_ids)
    scope = selection.Scope("api:" + ",".join(map(str, event_ids)), and_(shown, Event.is_public), window=False,
                            also_shows=((Registration, Registration.event_id.in_(event_ids)),
                                        (Delegation, Delegation.event_id.in_(event_ids))))
    state = selection.feed_state(scope, now=now)
    windows = db.session.execute(select(Event.id, Event.status, Event.starts_at, Event.registration_opens_at,
                                        Event.registration_closes_at).where(shown)).all()
    moments = ",".join(f"{row.id}:{window_state(row, now=now)}" for row in windows)
    fingerprint = f"{state.count}|{state.revisions}|{state.last_modified.isoformat()}|{moments}"
    return fingerprint, settled_last_modified(state.last_modified, now=now) if state.count else None


def window_state(event, *, now: datetime) -> str:
    """services.registration_window of a row holding the event's status and sign-up times."""
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    closes_at = min(event.registration_closes_at or event.starts_at, event.starts_at)
    if now >= closes_at:
        return "closed"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_yet_open"
    return "open"


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
            "state": window_state(event, now=utcnow()),
            "opens_at": event.registration_opens_at.astimezone(zone) if event.registration_opens_at else None,
            "closes_at": services.registration_closes_at(event).astimezone(zone),
            "required_fields": rules.required_fields(event), "waitlist_enabled": event.waitlist_enabled},
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


# --- sign-up and cancelling ------------------------------------------------------------------------------

@blueprint.post("/events/<id:event_id>/registrations")
@limiter.limit(api_signup_rate_limit)
@blueprint.input(RegistrationIn, arg_name="person")
@blueprint.output(RegistrationOut, status_code=201, description="Registered: confirmed, or on the waiting list.")
@blueprint.doc(summary="Sign someone up", responses=SIGN_UP_ANSWERS, description=(
    "The sign-up form's fields and rules, and the same service: the event's capacity, waiting list, one "
    "registration per e-mail address and sign-up window hold whichever way people sign up. The person is "
    "e-mailed as with the form. Send an `Idempotency-Key` header (e.g. a UUID) to retry safely: the same "
    "key with the same body gets the first answer again for 24 hours."))
def sign_up(event_id: int, person: dict) -> Response:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return answer(sign_up_answer(event_id, person, submission_key=None))
    if not idempotency.is_well_formed_key(key):
        return api_error(400, _("The Idempotency-Key header must be 1 to 255 visible ASCII characters."),
                         code="bad_idempotency_key")
    now = utcnow()
    scope = idempotency.scope_of(key, request.method, request.path)
    request_hash = idempotency.hash_of(request.get_json())
    earlier = idempotency.find_answer(scope, now=now)
    if earlier is None:
        result = sign_up_answer(event_id, person, submission_key="api:" + scope[:48])
        if idempotency.keep_answer(scope, request_hash, result, now=now):
            db.session.commit()
            return answer(result)
        db.session.rollback()  # a request with the same key got there first: its answer is the answer
        earlier = idempotency.find_answer(scope, now=now)
        if earlier is None:
            raise RuntimeError("an idempotent answer was stored and is gone")
    if earlier.request_hash != request_hash:
        return api_error(422, _("This Idempotency-Key was already used for another request."),
                         code="idempotency_key_reused")
    response = answer(idempotency.Answer(earlier.status, json.loads(earlier.body)))
    response.headers["Idempotent-Replayed"] = "true"
    return response


def sign_up_answer(event_id: int, person: dict, *, submission_key: str | None) -> idempotency.Answer:
    """Register the person (flushed, not committed) and say what to answer, or what was refused."""
    event = get_public_event(event_id, with_agenda=False)
    if event is None:
        return refusal(404, _("We could not find this event."), code="not_found")
    missing = {}
    for field in rules.OPTIONAL_PER_EVENT:
        try:
            rules.check_required(event, field, person[field])
        except Refused as refused:
            missing[field] = [str(refused.message)]
    if missing:
        return refusal(422, _("Please correct the fields named in errors."), code="invalid", errors=missing)
    applicant = services.Applicant(
        name=person["name"], email=person["email"], phone=normalize_phone(person["phone"]) if person["phone"] else "",
        organization=person["organization"], job_title=person["job_title"],
        language=person.get("language") or current_language(), submission_key=submission_key,
        shares_with_host=person["shares_with_host"])
    try:
        registration = services.register(event.id, applicant, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        return refusal(error.status, str(error.message), code=error.code,
                       errors={error.field: [str(error.message)]} if error.field else None)
    return idempotency.Answer(201, registration_answer(registration))


def refusal(status: int, message: str, *, code: str | None, errors: dict | None = None) -> idempotency.Answer:
    response = api_error(status, message, code=code, errors=errors)
    return idempotency.Answer(status, response.get_json())


def answer(result: idempotency.Answer) -> Response:
    if result.status == 201:
        db.session.commit()
    response = jsonify(result.body)
    response.status_code = result.status
    if result.status == 201:
        response.headers["Location"] = external_url("api.registration", token=result.body["token"])
    return response


def registration_answer(registration: Registration) -> dict:
    return {"status": registration.status.value, "token": registration.token,
            "waitlist_position": registration.waitlist_position(), "event_id": registration.event_id,
            "url": external_url("registration.manage", token=registration.token),
            "ics_url": event_feed_url(registration.event, lang=registration.language, base_url=base_url())}


@blueprint.get("/registrations/<token>")
@blueprint.output(RegistrationOut)
@blueprint.doc(summary="A registration's state, by its token",
               description="Whether the person holds a seat, and their place on the waiting list.",
               responses={304: NOT_MODIFIED})
def registration(token: str) -> Response:
    found = services.find_by_token(token) or registration_not_found()
    # The place in line moves when someone of the event ahead cancels or is promoted: the event's
    # registrations, all of them, are what this answer shows.
    count, revisions, changed = db.session.execute(
        select(func.count(Registration.id), func.coalesce(func.sum(Registration.revision), 0),
               func.max(Registration.updated_at)).where(Registration.event_id == found.event_id)).one()
    changed = selection.as_aware(changed)
    fingerprint = f"{found.id}|{count}|{revisions}|{changed.isoformat()}"
    return conditional(fingerprint, settled_last_modified(changed, now=utcnow()),
                       lambda: registration_answer(found), RegistrationOut())


@blueprint.delete("/registrations/<token>")
@blueprint.output(RegistrationOut, description="Cancelled (also when it already was): the seat went to the "
                                                "waiting list's first person, who is told.")
@blueprint.doc(summary="Cancel a registration, by its token", responses={
    404: "No registration has this token.",
    409: "Too late: the event has started, or the person was checked in (not_allowed_now)."})
def cancel(token: str) -> dict:
    found = services.find_by_token(token) or registration_not_found()
    services.cancel_registration(found, now=utcnow())  # a DomainError answers 409 (web/errors.py)
    db.session.commit()
    return RegistrationOut().dump(registration_answer(found))


def registration_not_found() -> NoReturn:
    raise HTTPError(404, _("We could not find this registration."), extra_data={"code": "not_found"})


@blueprint.get("/docs")
@blueprint.doc(hide=True)
def docs() -> str:
    """The API's documentation to browse (Swagger UI, from static/vendor: no CDN)."""
    return render_template("api/docs.html", spec_url=url_for("openapi.spec"), lang=current_language())
