"""The self check-in screen (签到屏, SPEC 4d): the organizer's projected page with a QR that changes every
30 seconds, and the attendee's page it leads to.

/manage/events/<id>/screen            the projected page (organizers); its script polls …/screen/state
/events/<id>/self-check-in?s=<code>   the attendee's page: a fresh screen code (screen.py) shows it, with a
                                      form pass that lets its forms be sent for three minutes
POST /events/<id>/self-check-in       name + last four digits (rate-limited per name at the event, every try
                                      counting, and loosely per address: a room shares one Wi-Fi address)
POST /events/<id>/self-check-in/me    one tap, for a registration whose manage page this browser opened
"""
import io
import secrets

import segno
from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from ..catalogue.models import Event
from ..catalogue.queries import get_public_event
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db, limiter
from ..registration.routes import registrations_on_this_browser
from ..site import external_url
from ..web.backoffice import backoffice_blueprint
from ..web.forms import AppForm, strip_whitespace
from . import screen
from .self_service import check_in_myself, find_by_name_and_digits, normalize_name, remembered_registrations
from .services import checked_in_count

screen_pages = backoffice_blueprint("checkin_screen", __name__)
self_check_in_pages = Blueprint("self_check_in", __name__)


# The attendee's forms each carry the form pass (screen.form_pass) and a nonce made when the page was drawn:
# a double tap or a reload sends the same nonce and gets the first answer.
def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class SelfCheckInForm(AppForm):
    """Someone whose browser does not know their registration: their name and four digits find it."""

    name = StringField(_l("Your name, as you signed up"), filters=[strip_whitespace],
                       render_kw={"autocomplete": "name", "spellcheck": "false"},
                       validators=[DataRequired(_l("Please enter your name.")),
                                   Length(max=100, message=_l("Please shorten this to %(max)d characters or fewer."))])
    last_digits = StringField(_l("Last four digits of your mobile number"), filters=[strip_whitespace],
                              render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4},
                              validators=[DataRequired(_l("Please enter the last four digits of your mobile number.")),
                                          Regexp(r"^[0-9]{4}$", message=_l("Please enter four digits, e.g. 8000."))])
    form_pass = HiddenField()
    nonce = HiddenField()


class CheckMeInForm(AppForm):
    """One tap: a registration this browser opened (the page checks it against the cookie, not this field)."""

    registration = HiddenField()
    form_pass = HiddenField()
    nonce = HiddenField()


def secret() -> str:
    return current_app.config["SECRET_KEY"]


@screen_pages.get("/events/<id:event_id>/screen")
def show_screen(event_id: int):
    event = db.get_or_404(Event, event_id)
    return render_template("checkin/screen.html", event=event, state=screen_state(event))


@screen_pages.get("/events/<id:event_id>/screen/state")
def screen_state_json(event_id: int):
    response = jsonify(screen_state(db.get_or_404(Event, event_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


def screen_state(event: Event) -> dict:
    """What the screen shows now: the public link with this window's code, its QR, and the counter."""
    now = utcnow()
    code = screen.screen_code(event.id, secret=secret(), now=now)
    url = external_url("self_check_in.page", event_id=event.id, s=code)
    checked_in, expected = checked_in_count(event.id)
    return {"url": url, "qr": projected_qr(url), "checked_in": checked_in, "expected": expected,
            "counter": _("%(checked_in)s of %(expected)s checked in", checked_in=checked_in, expected=expected),
            "changes_in": screen.seconds_left(now)}


def projected_qr(data: str) -> Markup:
    """A QR that scales with the screen (a viewBox, no fixed size): the projected page sizes it by CSS."""
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(out, kind="svg", xmldecl=False, svgns=True, omitsize=True,
                                                  nl=False, svgclass="qr", lineclass=None, title=None)
    return Markup(out.getvalue().decode("utf-8"))


def self_check_in_rate_limit() -> str:
    return current_app.config["SELF_CHECK_IN_RATE_LIMIT"]


def tries_for_this_name() -> str:
    """The limit's key: one name at one event. Guessing someone's last four digits takes thousands of tries;
    a room of people behind one Wi-Fi address does not share one budget."""
    event_id = (request.view_args or {}).get("event_id")
    return f"self-check-in:{event_id}:{normalize_name(request.form.get('name', ''))[:100]}"


def self_check_in_address_limit() -> str:
    return current_app.config["SELF_CHECK_IN_ADDRESS_LIMIT"]


@self_check_in_pages.get("/events/<id:event_id>/self-check-in")
def page(event_id: int):
    event = get_public_event(event_id, with_agenda=False) or abort(404)
    now = utcnow()
    freshness = screen.check_screen_code(request.args.get("s"), event.id, secret=secret(), now=now)
    if freshness != screen.Freshness.FRESH:
        return code_changed(freshness)
    form_pass = screen.form_pass(event.id, secret=secret(), now=now)
    return render_page(event, SelfCheckInForm(formdata=None, form_pass=form_pass, nonce=new_nonce()), form_pass)


@self_check_in_pages.post("/events/<id:event_id>/self-check-in")
@limiter.limit(self_check_in_rate_limit, key_func=tries_for_this_name)
@limiter.limit(self_check_in_address_limit)
def by_name(event_id: int):
    event = get_public_event(event_id, with_agenda=False) or abort(404)
    form = SelfCheckInForm()
    freshness = screen.check_form_pass(form.form_pass.data, event.id, secret=secret(), now=utcnow())
    if freshness != screen.Freshness.FRESH:
        return code_changed(freshness)
    if not form.validate():
        return render_page(event, form, form.form_pass.data, status=422)
    lookup = find_by_name_and_digits(event.id, form.name.data or "", form.last_digits.data or "")
    if lookup.registration is not None:
        result = answer(event, lookup.registration, form.nonce.data, say_why=False)
        if result is not None:
            return result
    # One answer for nobody, several people, and anyone who may not come in: a name and four digits tell a
    # stranger nothing more about a person (whether they are waiting, cancelled, named by a company).
    form.form_errors.append(_("We could not check you in with this name and these digits. Please check them, or "
                              "ask at the desk."))
    form.nonce.data = new_nonce()
    return render_page(event, form, form.form_pass.data, status=422)


@self_check_in_pages.post("/events/<id:event_id>/self-check-in/me")
def me(event_id: int):
    event = get_public_event(event_id, with_agenda=False) or abort(404)
    form = CheckMeInForm()
    freshness = screen.check_form_pass(form.form_pass.data, event.id, secret=secret(), now=utcnow())
    if not form.validate() or freshness != screen.Freshness.FRESH:
        return code_changed(freshness)
    mine = {registration.id: registration
            for registration in remembered_registrations(event.id, registrations_on_this_browser())}
    chosen = form.registration.data or ""
    registration = mine.get(int(chosen)) if chosen.isascii() and chosen.isdigit() else None
    if registration is None:  # not a registration this browser opened: no tap checks in anyone else
        abort(403)
    return answer(event, registration, form.nonce.data)


def answer(event: Event, registration, nonce: str | None, *, say_why: bool = True):
    """Check in, commit, and say so in large type. A refusal says why (409) to the person's own browser;
    for a name typed on the form (`say_why` False) it is None, and the form answers alike for every refusal."""
    try:
        result = check_in_myself(event.id, registration, nonce=nonce or "", now=utcnow())
    except DomainError as error:
        db.session.rollback()
        if not say_why:
            return None
        return render_template("checkin/self_check_in_answer.html", event=event, result=None,
                               refusal=error.message), error.status
    db.session.commit()
    if not result.admitted and not say_why:
        return None
    return render_template("checkin/self_check_in_answer.html", event=event, result=result,
                           refusal=None), 200 if result.admitted else 409


def render_page(event: Event, form: SelfCheckInForm, form_pass: str | None, status: int = 200):
    mine = remembered_registrations(event.id, registrations_on_this_browser())
    taps = [CheckMeInForm(formdata=None, registration=str(registration.id), form_pass=form_pass, nonce=new_nonce())
            for registration in mine]
    return render_template("checkin/self_check_in.html", event=event, form=form,
                           mine=list(zip(mine, taps, strict=True))), status


def code_changed(freshness: screen.Freshness):
    """An old screenshot, a code from an hour ago, or one somebody made up: scan the screen again (never 500)."""
    status = 410 if freshness == screen.Freshness.EXPIRED else 400
    return render_template("checkin/code_changed.html"), status
