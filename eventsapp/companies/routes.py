"""The company dashboard (SPEC 4c): the organization, its hosted events with their sign-up counts, its
calendar feed, its members. Applications and delegations have their own pages (hosting, registration)."""
from flask import abort, g, render_template, url_for
from flask_babel import gettext as _

from ..accounts.members import active_members
from ..audit import trail as audit
from ..extensions import db
from ..hosting.queries import applications_of
from ..registration.delegations import delegations_of
from ..registration.queries import shared_with_host
from ..web.company import company_blueprint, require_company_lead
from ..web.edge import confirmed_action
from ..web.forms import ConfirmForm
from . import queries
from .feed import company_feed_for, replace_company_feed_address

blueprint = company_blueprint("company", __name__)


@blueprint.get("/")
def dashboard():
    events = queries.hosted_events(g.company)
    return render_template("company/dashboard.html", company=g.company, members=active_members(g.company),
                           applications=applications_of(g.company), hosted_events=events,
                           delegations=delegations_of(g.company) if g.company.is_verified else [],
                           counts=queries.sign_up_counts(events))


@blueprint.get("/events/<id:event_id>")
def hosted_event(event_id: int):
    """A hosted event's numbers, and the people who agreed to share their details with the host (PIPL Art. 23):
    only once the organizers verified that this account speaks for the host."""
    event = queries.hosted_event(g.company, event_id) or abort(404)
    counts = queries.sign_up_counts([event]).get(event.id, queries.SignUpCounts())
    attendees = shared_with_host(event) if g.company.is_verified else None
    page = render_template("company/hosted_event.html", event=event, counts=counts, attendees=attendees)
    if attendees is not None:  # recorded once the page is made: the commit would expire the rows it reads
        audit.record("attendees.viewed", subject_type="attendees", event_id=event.id, label=event.title,
                     details={"rows": len(attendees)})
        db.session.commit()
    return page


@blueprint.get("/calendar")
def calendar():
    feed = company_feed_for(g.company)
    db.session.commit()  # created on first visit
    return render_template("company/calendar.html", feed=feed, replace_form=ConfirmForm())


@blueprint.post("/calendar/replace")
def replace_calendar_address():
    require_company_lead()
    return confirmed_action(replace_company_feed_address, company_feed_for(g.company), back=url_for("company.calendar"),
                            done=_("The calendar has a new address; the old one no longer works."))
