"""Messages to an event's attendees (/manage/events/<id>/messages/new): write in Chinese and English,
preview (how many people, the mail in each language), then send through the outbox."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..catalogue.models import Event
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..web.backoffice import backoffice_blueprint
from ..web.edge import render_form
from ..web.forms import attach_domain_error, check_into_form
from . import announcements, queries
from .forms import AnnouncementForm
from .manage_routes import companies_with_seats

blueprint = backoffice_blueprint("announcements", __name__)


@blueprint.route("/events/<id:event_id>/messages/new", methods=["GET", "POST"])
def new(event_id: int):
    """GET: the form, for the list's filter (?status=&company=&q=). POST: the preview; with `send`, sending."""
    event = db.get_or_404(Event, event_id)
    form = AnnouncementForm(wanted=queries.AttendeeFilter.of(request.args))
    wanted = form.wanted()
    if form.validate_on_submit() and "revise" not in request.form \
            and check_into_form(form, announcements.check_message, form.to_message()):
        if request.form.get("send") != "yes":
            return preview(event, form)
        try:
            sent = announcements.send_announcement(
                event, form.to_message(), wanted, submission_key=form.submission_key.data or "",
                expected=form.expected_count(), sent_by=current_user, now=utcnow())
        except announcements.RecipientsChanged as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return preview(event, form), error.status
        except DomainError as error:
            db.session.rollback()
            attach_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your message is on its way to %(count)d people, each in their language.",
                    count=sent.recipient_count), "success")
            return redirect(url_for("attendees.index", event_id=event.id, _anchor="messages-heading"))
    return render_form("manage/announcement_form.html", form, event=event, wanted=wanted,
                       recipients=len(queries.find_message_recipients(event, wanted)),
                       companies=company_names(event))


def preview(event: Event, form: AnnouncementForm) -> str:
    wanted = form.wanted()
    recipients = queries.find_message_recipients(event, wanted)
    message = form.to_message()
    form.expected.data = str(len(recipients))
    by_language = {language: sum(1 for person in recipients if message.language_for(person.language) == language)
                   for language in ("zh", "en")}
    return render_template("manage/announcement_preview.html", event=event, form=form, wanted=wanted,
                           recipients=len(recipients), by_language=by_language,
                           mails=announcements.preview_mails(event, message, recipients),
                           companies=company_names(event))


def company_names(event: Event) -> dict[str, str]:
    """The company filter's labels, for saying whom a message goes to."""
    return dict(companies_with_seats(event))
