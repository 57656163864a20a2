"""Back-office routes for attendees: who signed up for an event, adding someone by hand, cancelling on
someone's behalf with a reason, moving a waitlisted person to the front, sending a confirmation again."""
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import trail as audit
from ..catalogue.models import Event
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..web.backoffice import backoffice_blueprint
from ..web.edge import render_form
from ..web.forms import ConfirmForm, attach_domain_error
from . import attendee_actions, queries, services
from .announcements import announcements_of
from .delegations import delegation_grid
from .forms import AddAttendeeForm, CancelForSomeoneForm
from .models import Registration, RegistrationStatus
from .routes import can_be_cancelled

blueprint = backoffice_blueprint("attendees", __name__)


@blueprint.get("/events/<id:event_id>/registrations")
def index(event_id: int):
    """The attendee list: by status and company, searched by name, e-mail, organization or the last four
    digits of a mobile number, with the counts at the top. A GET form: the link is the view."""
    return attendee_list(db.get_or_404(Event, event_id))


def attendee_list(event: Event) -> str:
    wanted = queries.AttendeeFilter.of(request.args)
    now = utcnow()
    registrations = queries.find_attendees(event, wanted)
    page = render_template("manage/registrations.html", event=event, wanted=wanted, registrations=registrations,
                           positions=queries.waitlist_positions(event), announcements=announcements_of(event),
                           counts=queries.attendee_counts(event), companies=companies_with_seats(event),
                           seats=services.seat_summary(event), confirm=ConfirmForm(),
                           can_resend=lambda registration: attendee_actions.can_resend(registration, now=now))
    # Recorded once the page is made: the commit would expire the rows the page reads.
    audit.record("attendees.viewed", subject_type="attendees", event_id=event.id, label=event.title,
                 details={"rows": len(registrations), "status": wanted.status, "company": wanted.company,
                          "searched": bool(wanted.search)})  # not what: a name searched for is personal data
    db.session.commit()
    return page


def companies_with_seats(event: Event) -> list[tuple[str, str]]:
    """(value, label) of the company filter: the companies that have or had seats at the event."""
    return [(str(state.delegation.organization_id), state.delegation.organization.name)
            for state in delegation_grid(event)]


def registration_of(event_id: int, registration_id: int) -> Registration:
    """A registration through its own event's URL only: another event's id answers 404."""
    registration = db.get_or_404(Registration, registration_id)
    if registration.event_id != event_id:
        abort(404)
    return registration


def list_url(event_id: int) -> str:
    """Back to the list as the organizer filtered it (the action's URL carries the filter along)."""
    values: dict[str, Any] = {"event_id": event_id, **queries.AttendeeFilter.of(request.args).as_args()}
    return url_for("attendees.index", **values)


@blueprint.route("/events/<id:event_id>/registrations/new", methods=["GET", "POST"])
def add(event_id: int):
    """Add someone by hand: the sign-up rules and e-mails, outside the public sign-up window."""
    event = db.get_or_404(Event, event_id)
    form = AddAttendeeForm(event=event)
    refusal = None
    if form.validate_on_submit():  # refused: full, already registered, or the event cannot take people
        registration, refusal = save_or_refuse(form, services.register, event.id, form.to_applicant(), now=utcnow(),
                                               by_organizer=current_user)
        if refusal is None:
            flash(added_message(registration), "success")
            return redirect(url_for("attendees.index", event_id=event.id))
    try:
        services.check_organizer_can_add(event, now=utcnow())
        closed = None
    except DomainError as error:
        closed = str(error.message)
    page, status = render_form("manage/add_attendee.html", form, event=event, closed=closed,
                               seats=services.seat_summary(event))
    return page, refusal.status if refusal else status


def added_message(registration: Registration) -> str:
    if registration.status == RegistrationStatus.WAITLISTED:
        return _("%(name)s is on the waiting list, number %(position)d, and has been e-mailed.",
                 name=registration.name, position=registration.waitlist_position() or 0)
    return _("%(name)s is registered, confirmed, and has been e-mailed.", name=registration.name)


@blueprint.route("/events/<id:event_id>/registrations/<id:registration_id>/cancel", methods=["GET", "POST"])
def cancel(event_id: int, registration_id: int):
    """Cancel on someone's behalf, saying why: the reason is quoted in their e-mail and on their page."""
    registration = registration_of(event_id, registration_id)
    form = CancelForSomeoneForm()
    refusal = None
    if form.validate_on_submit():
        _cancelled, refusal = save_or_refuse(form, services.cancel_registration, registration, now=utcnow(),
                                             actor=current_user, reason=form.reason.data or "")
        if refusal is None:
            flash(_("Registration cancelled; the attendee has been told, with your reason."), "success")
            return redirect(list_url(event_id))
    page, status = render_form("manage/cancel_registration.html", form, registration=registration,
                               event=registration.event, can_cancel=can_be_cancelled(registration))
    return page, refusal.status if refusal else status


def save_or_refuse(form, action: Callable, *args, **kwargs) -> tuple[Any, DomainError | None]:
    """Run a service and commit; a rule that refuses goes on the form, and its status is the page's."""
    try:
        result = action(*args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        attach_domain_error(form, error)
        return None, error
    db.session.commit()
    return result, None


@blueprint.post("/events/<id:event_id>/registrations/<id:registration_id>/move-to-front")
def move_to_front(event_id: int, registration_id: int):
    registration = registration_of(event_id, registration_id)
    return attendee_action(registration, attendee_actions.move_to_front,
                           done=_("%(name)s is now first on the waiting list (not e-mailed).", name=registration.name))


@blueprint.post("/events/<id:event_id>/registrations/<id:registration_id>/resend")
def resend(event_id: int, registration_id: int):
    registration = registration_of(event_id, registration_id)
    return attendee_action(registration, attendee_actions.resend_confirmation,
                           done=_("The current confirmation has been sent again to %(name)s.", name=registration.name),
                           unchanged=_("It was sent to %(name)s a few minutes ago; not sent again.",
                                       name=registration.name))


def attendee_action(registration: Registration, action: Callable, *, done: str, unchanged: str | None = None):
    """A button of the list: check CSRF, run the service, commit, back to the list. A refusal (someone was
    promoted or cancelled meanwhile) shows the list again, with why, and its 4xx status."""
    if not ConfirmForm().validate_on_submit():
        flash(_("Your form expired. Please try again."), "error")
        return attendee_list(registration.event), 400
    try:
        result = action(registration, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return attendee_list(registration.event), error.status
    db.session.commit()
    flash(unchanged if result is False and unchanged else done, "success" if result is not False else "info")
    return redirect(list_url(registration.event_id))
