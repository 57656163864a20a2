"""The staff's phone at the door (issue 13, SPEC 4d): scan a QR, type a code or search by name or the last four
digits of a mobile, one tap checks in; walk-ins. The page works without JavaScript (a typed code and a search
are plain forms); static/js/checkin-staff.js adds the camera, search as one types and the offline queue.

POST .../check-in answers JSON to a JSON request: every decided outcome, refusals included, is a 200 (it is an
answer); malformed input a 400 or 422, a nonce used at another event or a cancelled event a 409."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..catalogue.models import Event
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..registration.forms import AddAttendeeForm
from ..text import has_control_character
from ..web.backoffice import backoffice_blueprint
from ..web.errors import error_page, http_error_message
from ..web.forms import AppForm, attach_domain_error, is_storable, strip_whitespace
from . import staff_answers
from .services import NONCE_PATTERN, CheckInAnswer, check_in, checked_in_count, walk_in

blueprint = backoffice_blueprint("checkin_staff", __name__)

UNREADABLE = _l("This check-in could not be read; please try again.")
LARGEST_ID = 2**31 - 1


class CheckInForm(AppForm):
    """One attempt: a code (scanned or typed) or a registration (found by search), its nonce, and when it
    was made on the device (an offline scan is uploaded later)."""

    code = StringField(_l("Check-in code"), filters=[strip_whitespace], validators=[Optional(), Length(max=64)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
    registration_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=LARGEST_ID)])
    nonce = HiddenField(validators=[DataRequired(UNREADABLE)])
    attempted_at = HiddenField(validators=[Optional(), Length(max=40)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():  # the plain form: a reload sends the same nonce, and gets the same answer
            self.nonce.data = secrets.token_urlsafe(24)

    def validate_nonce(self, field):
        if not NONCE_PATTERN.fullmatch(field.data or ""):
            raise ValidationError(UNREADABLE)

    def validate(self, extra_validators=None) -> bool:
        """Then: a code or a registration, not both (Optional stops the fields' own validators when empty)."""
        if not super().validate(extra_validators):
            return False
        if not self.code.data and not self.registration_id.data:
            self.code.errors = [str(_l("Type the code printed under the QR, or search by name."))]
        elif self.code.data and self.registration_id.data:
            self.form_errors.append(str(UNREADABLE))
        return not (self.code.errors or self.form_errors)

    def validate_attempted_at(self, field):
        if field.data and moment_of(field.data) is None:
            raise ValidationError(_l("The time of this check-in could not be read."))

    def attempted(self, now: datetime) -> datetime:
        return moment_of(self.attempted_at.data or "") or now


def moment_of(text: str) -> datetime | None:
    """An ISO 8601 instant with its offset (what a browser's Date.toISOString() gives), in UTC."""
    try:
        moment = datetime.fromisoformat(text)
        return moment.astimezone(UTC) if moment.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None


class WalkInForm(AddAttendeeForm):
    """Someone at the door: the sign-up form's fields and rules. The submission key is also the check-in's
    nonce, so a Submit sent twice registers and checks in once."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not NONCE_PATTERN.fullmatch(self.submission_key.data or ""):
            self.submission_key.errors = [*self.submission_key.errors, str(UNREADABLE)]
            self.form_errors.append(str(UNREADABLE))  # nobody sees a hidden field's error
            return False
        return valid


@blueprint.get("/events/<id:event_id>/check-in")
def page(event_id: int):
    """The phone page; `?q=` searches without JavaScript."""
    event = db.get_or_404(Event, event_id)
    term = search_term(request.args.get("q", ""))
    found, more = staff_answers.find_at_the_door(event.id, term) if term else ([], False)
    return render_page(event, term=term, found=found, more=more)


@blueprint.post("/events/<id:event_id>/check-in")
def attempt(event_id: int):
    event = db.get_or_404(Event, event_id)
    form = CheckInForm()
    if not form.validate():
        return refused_input(form, event)
    try:
        answer = checked_in_once(event.id, form)
    except DomainError as error:
        db.session.rollback()
        attach_domain_error(form, error)
        return refused_input(form, event, status=error.status)
    if wants_json():
        return jsonify(staff_answers.answer_json(answer, event))
    return render_page(event, answer=staff_answers.answer_json(answer, event))


def checked_in_once(event_id: int, form: CheckInForm) -> CheckInAnswer:
    """check_in, committed. The same nonce sent twice at the same instant (an offline batch uploaded by two
    tabs) is decided one at a time under the event's lock; should the unique nonce still refuse the second
    insert, the second asks again and gets the first answer."""
    for last_try in (False, True):
        now = utcnow()
        try:
            answer = check_in(event_id, nonce=form.nonce.data or "", code=form.code.data or None,
                              registration_id=form.registration_id.data, staff=current_user,
                              attempted_at=form.attempted(now), now=now)
            db.session.commit()
            return answer
        except IntegrityError:
            db.session.rollback()
            if last_try:
                raise
    raise AssertionError("unreachable")


@blueprint.get("/events/<id:event_id>/check-in/search")
def search(event_id: int):
    """JSON: the event's people whose name holds q, or whose mobile ends with q (four digits)."""
    event = db.get_or_404(Event, event_id)
    raw = request.args.get("q", "")
    if not is_storable(raw) or has_control_character(raw):
        return json_refusal(400, _("This text contains characters that are not allowed."), "q")
    term = search_term(raw)
    found, more = staff_answers.find_at_the_door(event.id, term) if term else ([], False)
    return jsonify({"query": term, "results": [staff_answers.person_json(r, event) for r in found], "more": more})


@blueprint.post("/events/<id:event_id>/walk-ins")
def add_walk_in(event_id: int):
    event = db.get_or_404(Event, event_id)
    form = WalkInForm(event=event)
    if form.validate():
        try:
            answer = walk_in(event.id, form.to_applicant(), nonce=form.submission_key.data or "",
                             staff=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            attach_domain_error(form, error)
            return refused_input(form, event, status=error.status, walk_in_form=form)
        db.session.commit()
        if wants_json():
            return jsonify(staff_answers.answer_json(answer, event))
        flash(_("%(name)s is registered and checked in; they have been e-mailed.", name=form.name.data), "success")
        return redirect(url_for(".page", event_id=event.id))
    return refused_input(form, event, walk_in_form=form)


def search_term(raw: str) -> str:
    term = " ".join(raw.split())[:staff_answers.SEARCH_TERM_LENGTH]
    return term if is_storable(term) and not has_control_character(term) else ""


def render_page(event: Event, *, answer: dict | None = None, form: CheckInForm | None = None,
                walk_in_form: WalkInForm | None = None, term: str = "", found=(), more: bool = False):
    checked_in, expected = checked_in_count(event.id)
    if form is None:  # a new attempt: a new nonce
        form = CheckInForm(formdata=None)
        form.nonce.data = secrets.token_urlsafe(24)
    if walk_in_form is None:
        walk_in_form = WalkInForm(event=event, formdata=None)
        walk_in_form.submission_key.data = secrets.token_urlsafe(24)
    return render_template("checkin/staff.html", event=event, answer=answer, form=form, walk_in_form=walk_in_form,
                           term=term,
                           found=[staff_answers.person_json(r, event) for r in found], more=more,
                           checked_in=checked_in, expected=expected, strings=script_strings(),
                           new_nonce=lambda: secrets.token_urlsafe(24))


def script_strings() -> dict[str, str]:
    """What checkin-staff.js says, translated here: the page carries them in a JSON script tag (data, not code,
    so the Content-Security-Policy stays as it is). {count}, {time} and {code} are filled in by the script."""
    return {
        **{outcome.value: str(title) for outcome, title in staff_answers.OUTCOME_TITLES.items()},
        "check_in": _("Check in"),
        "waiting": _("Waiting to upload"),
        "kept_offline": _("No connection: kept on this phone, it will be uploaded when the network is back."),
        "signed_out": _("You are signed out: sign in again in another tab; the check-ins kept here will then "
                        "be uploaded."),
        "server_busy": _("The server did not answer; this check-in is kept and will be tried again."),
        "uploaded": _("Uploaded: {count}"),
        "scanned_at": _("made at {time}"),
        "code": _("Code {code}"),
        "person": _("Person number {code}"),
        "refused": _("Refused"),
        "search_offline": _("Search needs the network. Scan or type the code instead."),
        "nobody": _("Nobody found."),
        "more": _("More people match: type more of the name."),
        "camera_unavailable": _("The camera cannot be used here: type the code instead."),
    }


def refused_input(form: AppForm, event: Event, *, status: int = 422, walk_in_form: WalkInForm | None = None):
    """A form that could not be read or a rule that refused: JSON with the fields' errors, or the page."""
    if wants_json():
        errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        messages = [str(message) for message in form.form_errors] + [m for ms in errors.values() for m in ms]
        return jsonify({"message": messages[0] if messages else str(UNREADABLE), "errors": errors}), status
    if walk_in_form is not None:
        return render_page(event, walk_in_form=walk_in_form), status
    return render_page(event, form=form if isinstance(form, CheckInForm) else None), status


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best_match(("text/html", "application/json")) \
        == "application/json"


def json_refusal(status: int, message: str, field: str | None = None):
    return jsonify({"message": message, "errors": {field: [message]} if field else {}}), status


@blueprint.errorhandler(CSRFError)
def csrf_refused(error: CSRFError):
    message = _("Your form expired or was sent from another site. Please reload the page and try again.")
    return json_refusal(400, message) if wants_json() else error_page(400, message)


@blueprint.errorhandler(HTTPException)
def http_refused(error: HTTPException):
    """A JSON request gets its refusal in JSON (malformed JSON, 403, 404); a page gets the error page."""
    if wants_json():
        return json_refusal(error.code or 400, http_error_message(error) or str(UNREADABLE))
    return error_page(error.code or 500, http_error_message(error))
