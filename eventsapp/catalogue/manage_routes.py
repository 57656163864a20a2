"""Back-office routes of the catalogue: the overview, campaigns, organizations, venues, events (publish,
unpublish, cancel, delete) and their agenda."""
from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..mail.services import rehearse
from ..web.backoffice import backoffice_blueprint
from ..web.edge import commit_or_show, confirmed_action, render_form
from ..web.forms import AppForm, ConfirmForm
from . import queries, services
from .changes import Change, EventFacts, TalkFacts
from .forms import CampaignForm, CancelEventForm, EventForm, OrganizationForm, SessionForm, VenueForm
from .models import Campaign, Event, EventSession, EventStatus, Organization, Venue

blueprint = backoffice_blueprint("manage", __name__)
LISTED_TALKS = 10  # a message names this many agenda items, then counts the rest


def object_form_page(form: AppForm, save: Callable[[], object], *, saved: str, back: str, heading: str):
    """A campaign's, organization's or venue's form: on a valid POST save, commit and go back to the
    list; else show the form (422 when refused)."""
    if form.validate_on_submit() and commit_or_show(form, save):
        flash(saved, "success")
        return redirect(back)
    return render_form("manage/object_form.html", form, back=back, heading=heading)


def preview_before_saving(change: Callable[[], object], *, before: EventFacts | TalkFacts | None,
                          heading: str) -> str | None:
    """A change that e-mails people is first shown to the organizer: how many people, what changes
    (was → now) and the mail itself; it is saved when they confirm (the page posts the same fields
    again, with `send`). None when there is nothing to show: go on and save. With `before`,
    `change` returns the facts after it, and the page lists what changes.

    The change is rehearsed for real and rolled back, so the count and the mail are exactly what
    saving would queue."""
    if request.form.get("send") == "yes":
        return None
    try:
        rehearsal = rehearse(change)
    except DomainError:
        return None  # saving refuses it again, and the form shows why
    if not rehearsal.mails:
        return None
    after = rehearsal.result
    changes = []
    if before is not None and isinstance(after, EventFacts | TalkFacts):
        changes = Change(before, after).lines_in_both_languages()
    return render_template("manage/change_preview.html", rehearsal=rehearsal, changes=changes, heading=heading)


def revising() -> bool:
    """The organizer went back from a preview to the form, to change something."""
    return "revise" in request.form


def talk_names(talks: list[EventSession], *, with_event: bool) -> str:
    """“Opening talk” (Quality Open Day), ... and 3 more: read before the commit expires the rows."""
    names = [f"“{talk.title}”" + (f" ({talk.event.title})" if with_event else "") for talk in talks[:LISTED_TALKS]]
    if len(talks) > LISTED_TALKS:
        names.append(_("and %(count)d more", count=len(talks) - LISTED_TALKS))
    return ", ".join(names)


@blueprint.get("/")
def dashboard():
    return render_template("manage/dashboard.html", summary=queries.dashboard_summary(now=utcnow()))


@blueprint.get("/campaigns")
def campaigns():
    rows = db.session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()))
    return render_template("manage/campaigns.html", campaigns=rows, confirm=ConfirmForm())


@blueprint.route("/campaigns/new", methods=["GET", "POST"], defaults={"campaign_id": None})
@blueprint.route("/campaigns/<id:campaign_id>/edit", methods=["GET", "POST"])
def edit_campaign(campaign_id: int | None):
    campaign = db.get_or_404(Campaign, campaign_id) if campaign_id else None
    form = CampaignForm(campaign=campaign)
    return object_form_page(form, lambda: services.save_campaign(campaign or Campaign(), form.to_details()),
                            saved=_("Campaign saved."), back=url_for("manage.campaigns"),
                            heading=_("Edit campaign") if campaign else _("New campaign"))


@blueprint.post("/campaigns/<id:campaign_id>/delete")
def delete_campaign(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    return confirmed_action(services.delete_campaign, campaign, done=_("Campaign deleted."),
                            back=url_for("manage.campaigns"))


@blueprint.get("/organizations")
def organizations():
    rows = db.session.scalars(select(Organization).order_by(Organization.name_en, Organization.id))
    return render_template("manage/organizations.html", organizations=rows)


@blueprint.route("/organizations/new", methods=["GET", "POST"], defaults={"organization_id": None})
@blueprint.route("/organizations/<id:organization_id>/edit", methods=["GET", "POST"])
def edit_organization(organization_id: int | None):
    organization = db.get_or_404(Organization, organization_id) if organization_id else None
    form = OrganizationForm(organization=organization)
    return object_form_page(
        form, lambda: services.save_organization(organization or Organization(), form.to_details(), now=utcnow()),
        saved=_("Organization saved."), back=url_for("manage.organizations"),
        heading=_("Edit organization") if organization else _("New organization"))


@blueprint.get("/venues")
def venues():
    rows = db.session.scalars(select(Venue).order_by(Venue.id))
    return render_template("manage/venues.html", venues=rows)


@blueprint.route("/venues/new", methods=["GET", "POST"], defaults={"venue_id": None})
@blueprint.route("/venues/<id:venue_id>/edit", methods=["GET", "POST"])
def edit_venue(venue_id: int | None):
    venue = db.get_or_404(Venue, venue_id) if venue_id else None
    form = VenueForm(venue=venue, default_timezone=current_app.config["DEFAULT_TIMEZONE"])
    target, back = venue or Venue(), url_for("manage.venues")
    if form.validate_on_submit() and not revising():
        details = form.to_details()
        if venue is not None:
            # The page shows the venue's new name and address as one of its coming events has them.
            shown = next(iter(services.coming_events_at(venue, now=utcnow())), None)

            def save() -> EventFacts | None:
                services.save_venue(venue, details, now=utcnow())
                return EventFacts.of(shown) if shown else None

            preview = preview_before_saving(save, before=EventFacts.of(shown) if shown else None,
                                            heading=venue.name)
            if preview:
                return preview
        without_room = talk_names(services.talks_losing_their_room(target, details), with_event=True)
        if commit_or_show(form, services.save_venue, target, details, now=utcnow()):
            flash(_("Venue saved."), "success")
            if without_room:
                flash(_("These agenda items now have no room, because their room was removed: %(talks)s.",
                        talks=without_room), "info")
            return redirect(back)
    return render_form("manage/object_form.html", form, back=back, heading=_("Edit venue") if venue else _("New venue"))


@blueprint.get("/events")
def events():
    status = request.args.get("status")
    query = select(Event).options(*queries.EVENT_LIST_LOADING).order_by(Event.starts_at.desc())
    if status in {s.value for s in EventStatus}:
        query = query.where(Event.status == status)
    return render_template("manage/events.html", events=db.session.scalars(query).unique(), status=status)


@blueprint.get("/events/<id:event_id>")
def event(event_id: int):
    event = db.get_or_404(Event, event_id, options=[selectinload(Event.sessions).selectinload(EventSession.speakers)])
    return render_template("manage/event.html", event=event, confirm=ConfirmForm(),
                           cancel_form=CancelEventForm(event=event))


@blueprint.route("/events/new", methods=["GET", "POST"], defaults={"event_id": None})
@blueprint.route("/events/<id:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int | None):
    event = db.get_or_404(Event, event_id) if event_id else None
    form = EventForm(event=event, default_timezone=current_app.config["DEFAULT_TIMEZONE"])
    target = event or Event()
    if form.validate_on_submit() and not revising():
        details = form.to_details()
        if event is not None:
            def save() -> EventFacts:
                services.save_event(event, details, now=utcnow())
                return EventFacts.of(event)

            preview = preview_before_saving(save, before=EventFacts.of(event), heading=event.title)
            if preview:
                return preview
        without_room = talk_names(services.talks_losing_their_room_by_move(target, details), with_event=False)
        if commit_or_show(form, services.save_event, target, details, now=utcnow()):
            flash(_("Event saved."), "success")
            if without_room:
                flash(_("These agenda items now have no room, because their rooms belong to the previous venue: "
                        "%(talks)s.", talks=without_room), "info")
            return redirect(url_for("manage.event", event_id=target.id))
    return render_form("manage/event_form.html", form, event=event)


@blueprint.post("/events/<id:event_id>/publish")
def publish_event(event_id: int):
    return confirmed_action(services.publish_event, db.get_or_404(Event, event_id), done=_("Event published."),
                            back=url_for("manage.event", event_id=event_id))


@blueprint.post("/events/<id:event_id>/unpublish")
def unpublish_event(event_id: int):
    return confirmed_action(services.unpublish_event, db.get_or_404(Event, event_id),
                            done=_("Event moved back to draft."), back=url_for("manage.event", event_id=event_id))


@blueprint.post("/events/<id:event_id>/cancel")
def cancel_event(event_id: int):
    event = db.get_or_404(Event, event_id)
    form = CancelEventForm(event=event)
    if form.validate_on_submit() and commit_or_show(form, services.cancel_event, event, now=utcnow(),
                                                    reason_zh=form.reason_zh.data or "",
                                                    reason_en=form.reason_en.data or ""):
        flash(_("Event cancelled."), "success")
        return redirect(url_for("manage.event", event_id=event.id))
    return render_form("manage/event.html", form, event=event, confirm=ConfirmForm(), cancel_form=form)


def can_be_reinstated(event: Event) -> bool:
    """Whether the event page offers "Reinstate" (the rule: services.check_can_reinstate)."""
    try:
        services.check_can_reinstate(event, now=utcnow())
    except DomainError:
        return False
    return True


@blueprint.post("/events/<id:event_id>/reinstate")
def reinstate_event(event_id: int):
    """Asks first (whom it will e-mail, and what), then reinstates."""
    event = db.get_or_404(Event, event_id)
    back = url_for("manage.event", event_id=event_id)
    if ConfirmForm().validate_on_submit():
        preview = preview_before_saving(lambda: services.reinstate_event(event, now=utcnow()), before=None,
                                        heading=_("Reinstate this event"))
        if preview:
            return preview
    return confirmed_action(services.reinstate_event, event, now=utcnow(), done=_("Event reinstated."), back=back)


@blueprint.post("/events/<id:event_id>/delete")
def delete_event(event_id: int):
    return confirmed_action(services.delete_event, db.get_or_404(Event, event_id), now=utcnow(),
                            done=_("Draft deleted."),
                            back=url_for("manage.events"), back_on_error=url_for("manage.event", event_id=event_id))


@blueprint.route("/events/<id:event_id>/sessions/new", methods=["GET", "POST"], defaults={"session_id": None})
@blueprint.route("/events/<id:event_id>/sessions/<id:session_id>/edit", methods=["GET", "POST"])
def edit_session(event_id: int, session_id: int | None):
    event = db.get_or_404(Event, event_id)
    session = db.get_or_404(EventSession, session_id) if session_id else None
    if session is not None and session.event_id != event.id:
        abort(404)
    form = SessionForm(event=event, session=session)
    if form.validate_on_submit() and not revising():
        details = form.to_details()
        if session is not None:
            edited = session

            def save() -> TalkFacts:
                services.save_session(edited, details, event=event, now=utcnow())
                return TalkFacts.of(edited, event.timezone)

            preview = preview_before_saving(save, before=TalkFacts.of(session, event.timezone),
                                            heading=session.title)
            if preview:
                return preview
        if commit_or_show(form, services.save_session, session or EventSession(), details, event=event, now=utcnow()):
            flash(_("Agenda item saved."), "success")
            return redirect(url_for("manage.event", event_id=event.id))
    return render_form("manage/session_form.html", form, event=event, session=session)


@blueprint.post("/events/<id:event_id>/sessions/<id:session_id>/delete")
def delete_session(event_id: int, session_id: int):
    session = db.get_or_404(EventSession, session_id)
    if session.event_id != event_id:
        abort(404)
    return confirmed_action(services.delete_session, session, now=utcnow(), done=_("Agenda item deleted."),
                            back=url_for("manage.event", event_id=event_id))
