"""The company's side of the call for hosts: its applications (every member sees them; the lead
contact of a verified company applies, edits and withdraws). Rows are found through g.company."""
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import User
from ..catalogue.models import Campaign
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..i18n import current_language
from ..web.company import company_blueprint, require_company_lead, require_verified_company
from ..web.edge import commit_or_show, render_form
from ..web.forms import ConfirmForm, attach_domain_error
from . import queries, services
from .forms import ApplicationForm
from .models import HostApplication, HostCall

blueprint = company_blueprint("company_hosting", __name__)


def may_act() -> bool:
    """The lead contact of a verified company applies and changes applications; others only look."""
    return current_user.is_company_lead and current_user.acts_for_verified_company


def lead() -> User:
    return current_user._get_current_object()  # the User row itself, not Flask-Login's proxy


def require_acting_lead() -> None:
    require_company_lead()
    require_verified_company()


def own_application_or_404(application_id: int) -> HostApplication:
    return queries.application_of(g.company, application_id) or abort(404)


def can_change(application: HostApplication) -> bool:
    return may_act() and application.is_under_review and application.call.is_open(utcnow())


@blueprint.get("/applications")
def applications():
    return render_template("hosting/applications.html", applications=queries.applications_of(g.company),
                           open_calls=queries.open_calls(now=utcnow()) if may_act() else [], may_act=may_act())


def application_page(application: HostApplication, refusal: DomainError | None = None):
    page = render_template("hosting/application.html", application=application, may_act=may_act(),
                           can_change=can_change(application), confirm=ConfirmForm(formdata=None),
                           refusal=refusal.message if refusal else None)
    return page, refusal.status if refusal else 200


@blueprint.get("/applications/<id:application_id>")
def application(application_id: int):
    return application_page(own_application_or_404(application_id))


def form_page(form: ApplicationForm, call: HostCall, *, application: HostApplication | None = None,
              refusal: DomainError | None = None):
    page, status = render_form("hosting/application_form.html", form, call=call, application=application,
                               existing=queries.open_application(call, g.company),
                               refusal=refusal.message if refusal else None)
    return page, refusal.status if refusal else status


@blueprint.route("/applications/new", methods=["GET", "POST"])
def new_application():
    require_acting_lead()
    slug = request.args.get("campaign")
    if not slug:
        return redirect(url_for(".applications"))
    call = queries.call_of(db.first_or_404(select(Campaign).where(Campaign.slug == slug))) or abort(404)
    form = ApplicationForm(lead=current_user, default_timezone=current_app.config["DEFAULT_TIMEZONE"])
    try:  # the call closed, or the company has an application waiting: said before the form is filled in
        services.check_accepting(call, now=utcnow())
        services.check_no_open_application(call, g.company)
    except DomainError as error:
        return form_page(form, call, refusal=error)
    if form.validate_on_submit():
        try:
            created = services.submit_application(call, g.company, form.to_details(), submitted_by=lead(),
                                                  language=current_language(), now=utcnow())
        except DomainError as error:  # the call closed or a colleague applied since the page was loaded
            db.session.rollback()
            if error.field:
                attach_domain_error(form, error)
            return form_page(form, call, refusal=None if error.field else error)
        db.session.commit()
        flash(_("Thank you: your application was sent. We have e-mailed a receipt."), "success")
        return redirect(url_for(".application", application_id=created.id))
    return form_page(form, call)


@blueprint.route("/applications/<id:application_id>/edit", methods=["GET", "POST"])
def edit_application(application_id: int):
    require_acting_lead()
    application = own_application_or_404(application_id)
    try:
        services.check_can_change(application, now=utcnow())
    except DomainError as error:
        return application_page(application, refusal=error)
    form = ApplicationForm(application=application)
    if form.validate_on_submit() and commit_or_show(form, services.update_application, application,
                                                    form.to_details(), now=utcnow()):
        flash(_("Your application was updated."), "success")
        return redirect(url_for(".application", application_id=application.id))
    return form_page(form, application.call, application=application)


@blueprint.post("/applications/<id:application_id>/withdraw")
def withdraw_application(application_id: int):
    require_acting_lead()
    application = own_application_or_404(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_application(application, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        return application_page(application, refusal=error)
    db.session.commit()
    flash(_("Your application was withdrawn."), "success")
    return redirect(url_for(".application", application_id=application.id))
