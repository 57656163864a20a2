"""Back-office routes for attendees: who signed up for an event, and cancelling on someone's behalf."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import trail as audit
from ..catalogue.models import Event
from ..database import utcnow
from ..extensions import db
from ..web.backoffice import backoffice_blueprint
from ..web.edge import confirmed_action
from ..web.forms import ConfirmForm
from . import queries, services
from .delegations import delegation_grid
from .models import Registration

blueprint = backoffice_blueprint("attendees", __name__)


@blueprint.get("/events/<id:event_id>/registrations")
def index(event_id: int):
    """The attendee list: by status and company, searched by name, e-mail, organization or the last four
    digits of a mobile number, with the counts at the top. A GET form: the link is the view."""
    event = db.get_or_404(Event, event_id)
    wanted = queries.AttendeeFilter.of(request.args)
    registrations = queries.find_attendees(event, wanted)
    page = render_template("manage/registrations.html", event=event, wanted=wanted, registrations=registrations,
                           counts=queries.attendee_counts(event), companies=companies_with_seats(event),
                           seats=services.seat_summary(event), confirm=ConfirmForm())
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


@blueprint.post("/registrations/<id:registration_id>/cancel")
def cancel(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    return confirmed_action(services.cancel_registration, registration, now=utcnow(), actor=current_user,
                            done=_("Registration cancelled; the attendee has been told."),
                            back=url_for("attendees.index", event_id=registration.event_id))
