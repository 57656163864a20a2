"""Back-office routes for attendees: who signed up for an event, and cancelling on someone's behalf."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..catalogue.models import Event
from ..database import utcnow
from ..extensions import db
from ..web.backoffice import backoffice_blueprint
from ..web.edge import confirmed_action
from ..web.forms import ConfirmForm
from . import services
from .models import Registration, RegistrationStatus

blueprint = backoffice_blueprint("attendees", __name__)


@blueprint.get("/events/<id:event_id>/registrations")
def index(event_id: int):
    event = db.get_or_404(Event, event_id)
    status = request.args.get("status")
    query = select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    if status in {s.value for s in RegistrationStatus}:
        query = query.where(Registration.status == status)
    return render_template("manage/registrations.html", event=event, registrations=db.session.scalars(query),
                           seats=services.seat_summary(event), status=status, confirm=ConfirmForm())


@blueprint.post("/registrations/<id:registration_id>/cancel")
def cancel(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    return confirmed_action(services.cancel_registration, registration, now=utcnow(), actor=current_user,
                            done=_("Registration cancelled; the attendee has been told."),
                            back=url_for("attendees.index", event_id=registration.event_id))
