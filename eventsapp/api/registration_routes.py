"""Signing up through the API (SPEC 5), and a registration by its token: the sign-up form's rules
(registration/sign_up_rules.py, through schemas.RegistrationIn) and its service (services.register), so
capacity, the waiting list, one registration per address, the window and the e-mails hold whichever way
people sign up. Rate-limited per client address like the form (API_SIGNUP_RATE_LIMIT).

Checked in the form's order: the event, its window (403/410), then every field at once (422), with the
event's own required fields among them; only then the seat decision (409 full or already registered).
"""
import json
from typing import Any, NoReturn

from apiflask import HTTPError
from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select

from ..catalogue.models import Event
from ..database import utcnow
from ..errors import Refused
from ..extensions import db, limiter
from ..feeds import selection
from ..feeds.links import event_feed_url
from ..i18n import current_language
from ..phones import normalize_phone
from ..registration import services
from ..registration import sign_up_rules as rules
from ..registration.models import Registration
from ..registration.queries import find_event_to_sign_up
from ..site import base_url, external_url
from ..web.conditional import settled_last_modified
from ..web.errors import api_error
from . import idempotency
from .answers import conditional
from .routes import NOT_MODIFIED, blueprint
from .schemas import RegistrationIn, RegistrationOut

SIGN_UP_ANSWERS: Any = {
    400: "The body is sent as JSON but does not parse, or the Idempotency-Key header is malformed.",
    403: "Sign-up has not opened yet (code not_open), or the event is not open for sign-up.",
    404: "No such published event.",
    409: "The address is already registered for this event (already_registered), or the event is full and "
         "has no waiting list (full).",
    410: "Sign-up has closed, the event started, or it was cancelled (closed).",
    422: "A field is invalid (errors names each, `body` when the body is no JSON object), or the "
         "Idempotency-Key was used for another body (idempotency_key_reused).",
    429: "Too many sign-ups from this address (rate_limited: wait Retry-After seconds), or too many e-mails "
         "to this person in the last hour (too_many_mails).",
}
KEY_LENGTHS = {"minLength": idempotency.MIN_KEY_LENGTH, "maxLength": idempotency.MAX_KEY_LENGTH}
IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False,
                   "schema": {"type": "string", **KEY_LENGTHS}, "description": (
    "A random value (a UUID), new for each sign-up: sent again with the same body within 24 hours, the "
    "request gets the first 201 again (header Idempotent-Replayed: true) and makes no second registration. "
    "A refusal is not kept: the request is decided again.")}


def api_signup_rate_limit() -> str:
    return current_app.config["API_SIGNUP_RATE_LIMIT"]


@blueprint.post("/events/<id:event_id>/registrations")
@limiter.limit(api_signup_rate_limit, methods=["POST"])
@blueprint.input(RegistrationIn, arg_name="body", validation=False)  # validated below, with the event's rules
@blueprint.output(RegistrationOut, status_code=201, description="Registered: confirmed, or on the waiting list.")
@blueprint.doc(summary="Sign someone up", responses=SIGN_UP_ANSWERS, description=(
    "The sign-up form's fields and rules, and the same service: the event's capacity, waiting list, one "
    "registration per e-mail address and sign-up window hold whichever way people sign up. The person is "
    "e-mailed as with the form."))
def sign_up(event_id: int, body: Any) -> Response:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        signed_up = sign_up_from_body(event_id, body, submission_key=None)
        answer = registration_answer(signed_up.registration, waitlist_position=signed_up.waitlist_position)
        db.session.commit()
        return created(answer)
    if not idempotency.is_well_formed_key(key):
        return api_error(400, _("The Idempotency-Key header must be %(low)d to %(high)d visible ASCII characters "
                                "(a random UUID, new for each sign-up).", low=idempotency.MIN_KEY_LENGTH,
                                high=idempotency.MAX_KEY_LENGTH), code="bad_idempotency_key")
    now = utcnow()
    scope = idempotency.scope_of(key, request.method, request.path)
    request_hash = idempotency.hash_of(request.get_data())
    earlier = idempotency.find_answer(scope, now=now)
    if earlier is None:
        idempotency.forget_expired_answer(scope, now=now)  # the key sent again after the window: stored anew
        signed_up = sign_up_from_body(event_id, body, submission_key=idempotency.submission_key(scope, request_hash))
        answer = registration_answer(signed_up.registration, waitlist_position=signed_up.waitlist_position)
        if idempotency.keep_answer(scope, request_hash, answer, now=now):
            db.session.commit()
            return created(answer)
        db.session.rollback()  # the same request, sent twice at once, got there first: its answer is the answer
        earlier = idempotency.find_answer(scope, now=now)
        if earlier is None:
            raise RuntimeError("an idempotent answer was stored and is gone")
    if earlier.request_hash != request_hash:
        return api_error(422, _("This Idempotency-Key was already used for another request."),
                         code="idempotency_key_reused")
    response = created(json.loads(earlier.body))
    response.headers["Idempotent-Replayed"] = "true"
    return response


def sign_up_from_body(event_id: int, body: Any, *, submission_key: str | None) -> services.SignUp:
    """services.sign_up (flushed, not committed); a refusal raises (a DomainError answers JSON, with its
    code, through web/errors.py)."""
    now = utcnow()
    event = find_event_to_sign_up(event_id) or not_found(_("We could not find this event."))
    services.check_registration_open(event, now=now)
    person = checked(body, event)
    applicant = services.Applicant(
        name=person["name"], email=person["email"], phone=normalize_phone(person["phone"]) if person["phone"] else "",
        organization=person["organization"], job_title=person["job_title"],
        language=(person.get("language") or current_language()).strip().lower(), submission_key=submission_key,
        shares_with_host=person["shares_with_host"])
    return services.sign_up(event.id, applicant, now=now)


def checked(body: Any, event: Event) -> dict:
    """The body, loaded by the schema, with every field's error at once (the event's required fields too)."""
    if not isinstance(body, dict):
        invalid({"body": [_("Send the person's details as a JSON object.")]})
    try:
        person, errors = RegistrationIn().load(body), {}
    except ValidationError as error:
        person, errors = error.valid_data or {}, dict(error.messages_dict)
    for field in rules.OPTIONAL_PER_EVENT:
        if field not in errors:
            try:
                rules.check_required(event, field, person.get(field, ""))
            except Refused as refused:
                errors[field] = [str(refused.message)]
    if errors:
        invalid(errors)
    return person


def invalid(errors: dict) -> NoReturn:
    raise HTTPError(422, _("Please correct the fields named in errors."), detail={"json": errors},
                    extra_data={"code": "invalid"})


def not_found(message: str) -> NoReturn:
    raise HTTPError(404, message, extra_data={"code": "not_found"})


def created(answer: dict) -> Response:
    response = jsonify(answer)
    response.status_code = 201
    response.headers["Location"] = external_url("api.registration", token=answer["token"])
    return response


def answer_as_it_is_now(registration: Registration) -> dict:
    return registration_answer(registration, waitlist_position=registration.waitlist_position())


def registration_answer(registration: Registration, *, waitlist_position: int | None) -> dict:
    """`waitlist_position`: as a sign-up decided it (counted again, under its lock, it would cost the whole
    waiting list once more), or as it is now (answer_as_it_is_now)."""
    return {"status": registration.status.value, "token": registration.token,
            "waitlist_position": waitlist_position, "event_id": registration.event_id,
            "url": external_url("registration.manage", token=registration.token),
            "ics_url": event_feed_url(registration.event, lang=registration.language, base_url=base_url())}


@blueprint.get("/registrations/<token>")
@blueprint.output(RegistrationOut)
@blueprint.doc(summary="A registration's state, by its token",
               description="Whether the person holds a seat, and their place on the waiting list.",
               responses={304: NOT_MODIFIED})
def registration(token: str) -> Response:
    found = services.find_by_token(token) or not_found(_("We could not find this registration."))
    # The place in line moves when someone of the event ahead cancels or is promoted: the event's
    # registrations, all of them, are what this answer shows.
    count, revisions, changed = db.session.execute(
        select(func.count(Registration.id), func.coalesce(func.sum(Registration.revision), 0),
               func.max(Registration.updated_at)).where(Registration.event_id == found.event_id)).one()
    changed = selection.as_aware(changed)
    fingerprint = f"{found.id}|{count}|{revisions}|{changed.isoformat()}"
    return conditional(fingerprint, settled_last_modified(changed, now=utcnow()),
                       lambda: answer_as_it_is_now(found), RegistrationOut())


@blueprint.delete("/registrations/<token>")
@blueprint.output(RegistrationOut, description="Cancelled (also when it already was): the seat went to the "
                                                "waiting list's first person, who is told.")
@blueprint.doc(summary="Cancel a registration, by its token", responses={
    404: "No registration has this token.",
    409: "Too late: the event has started, or the person was checked in (not_allowed_now)."})
def cancel(token: str) -> dict:
    found = services.find_by_token(token) or not_found(_("We could not find this registration."))
    services.cancel_registration(found, now=utcnow())  # a DomainError answers 409 (web/errors.py)
    db.session.commit()
    return RegistrationOut().dump(answer_as_it_is_now(found))
