"""Back office: events (publish, unpublish, cancel, delete) and their agenda."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..backoffice import blueprint
from ..database import utcnow
from ..extensions import db
from ..forms import ConfirmForm, commit_or_show, confirmed_action, render_form
from . import services
from .queries import EVENT_LIST_LOADING
from .forms import CancelEventForm, EventForm, SessionForm
from .models import Event, EventSession, EventStatus


@blueprint.get("/events")
def events():
    status = request.args.get("status")
    query = select(Event).options(*EVENT_LIST_LOADING).order_by(Event.starts_at.desc())
    if status in {s.value for s in EventStatus}:
        query = query.where(Event.status == status)
    return render_template("manage/events.html", events=db.session.scalars(query).unique(), status=status)


@blueprint.get("/events/<id:event_id>")
def event(event_id: int):
    event = db.get_or_404(Event, event_id, options=[selectinload(Event.sessions).selectinload(EventSession.speakers)])
    return render_template("manage/event.html", event=event, confirm=ConfirmForm(), cancel_form=CancelEventForm())


@blueprint.route("/events/new", methods=["GET", "POST"], defaults={"event_id": None})
@blueprint.route("/events/<id:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int | None):
    event = db.get_or_404(Event, event_id) if event_id else None
    form = EventForm(event=event, default_timezone=current_app.config["DEFAULT_TIMEZONE"])
    target = event or Event()
    if form.validate_on_submit() and commit_or_show(form, services.save_event, target, **form.to_fields()):
        flash(_("Event saved."), "success")
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
    form = CancelEventForm()
    if form.validate_on_submit() and commit_or_show(form, services.cancel_event, event, reason=form.reason.data):
        flash(_("Event cancelled."), "success")
        return redirect(url_for("manage.event", event_id=event.id))
    return render_form("manage/event.html", form, event=event, confirm=ConfirmForm(), cancel_form=form)


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
    if form.validate_on_submit() and commit_or_show(form, services.save_session, session or EventSession(),
                                                    event=event, **form.to_fields()):
        flash(_("Agenda item saved."), "success")
        return redirect(url_for("manage.event", event_id=event.id))
    return render_form("manage/session_form.html", form, event=event, session=session)


@blueprint.post("/events/<id:event_id>/sessions/<id:session_id>/delete")
def delete_session(event_id: int, session_id: int):
    session = db.get_or_404(EventSession, session_id)
    if session.event_id != event_id:
        abort(404)
    return confirmed_action(services.delete_session, session, done=_("Agenda item deleted."),
                            back=url_for("manage.event", event_id=event_id))
