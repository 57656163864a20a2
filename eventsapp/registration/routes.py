"""Sign-up, the attendee's own registration page (by secret token), cancelling, and the personal feed."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from ..catalogue.models import Event
from ..catalogue.queries import get_public_event
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db, limiter
from ..feeds.links import calendar_links
from ..feeds.routes import serve, with_site_name
from ..i18n import current_language
from ..site import base_url
from ..web.edge import render_form
from ..web.forms import ConfirmForm, attach_domain_error, validated
from . import delegation_people, services
from .forms import InvitationForm, ResendLinkForm, SignUpForm
from .models import TENTATIVE, Registration, RegistrationStatus
from .personal_feed import find_personal_feed, person_scope, recipient_view, recipient_views, registration_scope
from .queries import find_event_to_sign_up

blueprint = Blueprint("registration", __name__)


def signup_rate_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def public_event_or_404(event_id: int, *, alone: bool = False) -> Event:
    """`alone`: its row only, for a sign-up (a page shown after a refusal loads what it shows)."""
    return (find_event_to_sign_up(event_id) if alone else get_public_event(event_id, with_agenda=False)) or abort(404)


@blueprint.route("/events/<id:event_id>/register", methods=["GET", "POST"])
@limiter.limit(signup_rate_limit, methods=["POST"])
def register(event_id: int):
    event = public_event_or_404(event_id, alone=request.method == "POST")
    form = SignUpForm(event=event)
    refusal = None
    if request.method == "POST":
        try:
            services.check_registration_open(event, now=utcnow())
        except DomainError as error:
            return render_signup(event, form, closed_message=str(error.message)), error.status
    if form.validate_on_submit():
        try:
            registration = services.register(event.id, form.to_applicant(language=current_language()), now=utcnow())
        except DomainError as error:  # full, duplicate, or closed since the page was loaded
            db.session.rollback()
            attach_domain_error(form, error)
            refusal = error
        else:
            token = registration.token  # read before the commit expires it: no statement after it
            db.session.commit()
            return redirect(url_for("registration.manage", token=token))
    already_registered = isinstance(refusal, services.AlreadyRegistered)
    page, status = render_form("registration/register.html", form, **signup_context(event, already_registered))
    return page, refusal.status if refusal else status


def signup_state(event: Event) -> tuple[services.SeatSummary, services.Window]:
    """Seats and where sign-up stands, for the sign-up page and the event page's sign-up box."""
    return services.seat_summary(event), services.registration_window(event, now=utcnow())


def can_be_cancelled(registration: Registration) -> bool:
    """Offer "Cancel" (to the attendee, and to organizers on their behalf) only when it can succeed."""
    return services.can_cancel(registration, now=utcnow())


def signup_context(event: Event, already_registered: bool = False) -> dict:
    seats, window = signup_state(event)
    return {"event": event, "seats": seats, "window": window, "already_registered": already_registered,
            "resend_form": ResendLinkForm()}


def render_signup(event: Event, form: SignUpForm, **extra) -> str:
    return render_template("registration/register.html", form=form, **signup_context(event), **extra)


@blueprint.post("/events/<id:event_id>/resend-link")
@limiter.limit("5 per hour")
def resend_link(event_id: int):
    event = public_event_or_404(event_id)
    form = ResendLinkForm()
    if form.validate_on_submit():
        services.resend_manage_link(event, validated(form.email.data), now=utcnow())
        db.session.commit()
        flash(_("If this address is registered for the event, we have sent its link again. "
                "Please check your inbox."), "info")
    else:
        flash(_("Please enter a valid e-mail address."), "error")
    return redirect(url_for("catalogue.event", event_id=event.id))


@blueprint.get("/registrations/<token>")
def manage(token: str):
    """This one registration. Its link is shown to whoever filled in the form, who may not own the
    address: what spans the address's other registrations (the personal calendar) is only mailed."""
    registration = services.find_by_token(token) or abort(404)
    return remember_on_this_browser(make_response(render_manage_page(registration)), registration)


# The registrations whose manage page this browser opened, so that the self check-in screen can check their
# holder in with one tap (checkin/screen_routes.py). Their ids, not their tokens: the cookie admits its holder
# at the screen and nothing else (it cannot open, cancel or read a registration). Signed, HttpOnly, a year.
THIS_BROWSER_COOKIE = "my_registrations"
THIS_BROWSER_SALT = "eventsapp.registration.this-browser"
THIS_BROWSER_KEEPS = 5
THIS_BROWSER_FOR = timedelta(days=365)


def _this_browser_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=THIS_BROWSER_SALT)


def registrations_on_this_browser() -> list[int]:
    """The ids this browser was given by remember_on_this_browser, latest first; [] for anything else."""
    try:
        ids = _this_browser_serializer().loads(request.cookies.get(THIS_BROWSER_COOKIE, ""),
                                               max_age=int(THIS_BROWSER_FOR.total_seconds()))
    except BadSignature:
        return []
    if not isinstance(ids, list):
        return []
    return [n for n in ids if isinstance(n, int) and not isinstance(n, bool)][:THIS_BROWSER_KEEPS]


def remember_on_this_browser(response: Response, registration: Registration) -> Response:
    kept = [registration.id, *(n for n in registrations_on_this_browser() if n != registration.id)]
    response.set_cookie(THIS_BROWSER_COOKIE, _this_browser_serializer().dumps(kept[:THIS_BROWSER_KEEPS]),
                        max_age=int(THIS_BROWSER_FOR.total_seconds()), httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def render_manage_page(registration: Registration, invitation_form: InvitationForm | None = None):
    now = utcnow()
    invited = registration.status == RegistrationStatus.INVITED
    return render_template("registration/manage.html", registration=registration, event=registration.event,
                           position=registration.waitlist_position(),
                           shows_details=services.shows_personal_details(registration, now=now),
                           calendar=calendar_links(registration.event, lang=registration.language,
                                                   base_url=base_url(), waitlisted=registration.status in TENTATIVE),
                           in_wechat="MicroMessenger" in request.headers.get("User-Agent", ""),
                           invitation_form=invitation_form or InvitationForm(formdata=None),
                           can_confirm=invited and delegation_people.can_confirm(registration, now=now),
                           handed_over=delegation_people.handed_over_to(registration)
                           if registration.status == RegistrationStatus.CANCELLED and registration.delegation_id
                           else None, confirm=ConfirmForm()), 422 if invitation_form else 200


@blueprint.post("/registrations/<token>/confirm")
def confirm_invitation(token: str):
    """The person confirms the place their company named them for, giving their own consent (SPEC 8)."""
    registration = services.find_by_token(token) or abort(404)
    form = InvitationForm()
    if not form.validate():
        return render_manage_page(registration, form)
    try:
        delegation_people.confirm_invitation(registration, shares_with_host=bool(form.shares_with_host.data),
                                             now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Your place is confirmed. We have sent you a confirmation."), "success")
    return redirect(url_for("registration.manage", token=token))


@blueprint.post("/registrations/<token>/decline")
def decline_invitation(token: str):
    registration = services.find_by_token(token) or abort(404)
    if not ConfirmForm().validate_on_submit():
        flash(_("Your form expired. Please try again."), "error")
        return redirect(url_for("registration.manage", token=token))
    try:
        delegation_people.decline_invitation(registration, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("You declined your place; your company can name someone else."), "success")
    return redirect(url_for("registration.manage", token=token))


@blueprint.get("/registrations/<token>.ics")
def registration_calendar(token: str):
    """The event as this person's calendar has it from their mails (their SEQUENCE, TENTATIVE while
    waiting): a public download would carry the public SEQUENCE, lower than their last invitation's."""
    registration = services.find_by_token(token)
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        abort(404)
    return serve(registration_scope(registration), None, default_lang=registration.language,
                 filename=f"event-{registration.event_id}.ics", private=True,
                 views=lambda: {registration.event_id: recipient_view(registration)})


@blueprint.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    registration = services.find_by_token(token) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.cancel_registration(registration, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Your registration is cancelled. We have sent you a confirmation."), "success")
        return redirect(url_for("registration.manage", token=token))
    if not can_be_cancelled(registration):
        return redirect(url_for("registration.manage", token=token))
    return render_template("registration/cancel.html", registration=registration, event=registration.event,
                           form=form)


@blueprint.get("/feeds/me/<token>")
def personal_calendar(token: str):
    """The page of a person's calendar address: reached only from the link in their e-mails."""
    feed = find_personal_feed(token) or abort(404)
    return render_template("registration/calendar.html", feed=feed, replace_form=ConfirmForm())


@blueprint.post("/feeds/me/<token>/replace")
def replace_calendar_address(token: str):
    """A new address, e-mailed to its owner (never shown here); the old one stops answering."""
    feed = find_personal_feed(token) or abort(404)
    if not ConfirmForm().validate_on_submit():
        flash(_("Your form expired. Please try again."), "error")
        return redirect(url_for("registration.personal_calendar", token=token))
    services.replace_calendar_address(feed, language=current_language(), now=utcnow())
    db.session.commit()
    return render_template("registration/calendar_replaced.html", email=feed.email)


@blueprint.get("/feeds/me/<token>.ics")
def personal_feed(token: str):
    feed = find_personal_feed(token) or abort(404)
    return serve(person_scope(feed.email), lambda lang: with_site_name(_("My registrations"), lang),
                 views=lambda: recipient_views(feed.email), private=True)


@blueprint.get("/privacy")
def privacy():
    """The full privacy notice (SPEC 8, PIPL Art. 17), linked from the sign-up form and every footer."""
    return render_template("registration/privacy.html", retention_days=current_app.config["RETENTION_DAYS"])


@blueprint.route("/registrations/<token>/erase", methods=["GET", "POST"])
def erase(token: str):
    """The attendee has their details deleted, after a confirmation; the link then answers 404."""
    registration = services.find_by_token(token) or abort(404)
    event = registration.event
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.erase_personal_data(registration, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("registration.manage", token=token))
        db.session.commit()
        flash(_("Your personal data has been deleted."), "success")
        return redirect(url_for("catalogue.event", event_id=event.id) if event.is_public else url_for("catalogue.home"))
    if form.is_submitted():
        flash(_("Your form expired. Please try again."), "error")
    now = utcnow()
    return render_template("registration/erase.html", registration=registration, event=event, form=form,
                           can_erase=services.can_erase(registration, now=now),
                           cancels=services.erasure_cancels(registration, now=now))
