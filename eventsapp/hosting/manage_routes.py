"""Back-office pages of the call for hosts: a campaign's call, its applications, and their review."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..catalogue.models import Campaign
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..web.backoffice import backoffice_blueprint
from ..web.edge import commit_or_show, confirmed_action, render_form
from ..web.forms import AppForm, ConfirmForm, attach_domain_error
from . import queries, services
from .forms import CallForm, CommentForm, DeclineForm
from .models import ApplicationComment, ApplicationStatus, HostApplication, HostCall

blueprint = backoffice_blueprint("manage_hosting", __name__)


def campaign_or_404(slug: str) -> Campaign:
    return db.first_or_404(select(Campaign).where(Campaign.slug == slug))


def call_or_404(slug: str) -> HostCall:
    return queries.call_of(campaign_or_404(slug)) or abort(404)


def reviewer() -> User:
    return current_user._get_current_object()  # the User row itself, not Flask-Login's proxy


@blueprint.route("/campaigns/<slug>/call", methods=["GET", "POST"])
def call(slug: str):
    campaign = campaign_or_404(slug)
    host_call = queries.call_of(campaign)
    form = CallForm(call=host_call, now=utcnow(), default_timezone=current_app.config["DEFAULT_TIMEZONE"])
    if form.validate_on_submit() and commit_or_show(form, services.save_call, campaign, form.to_details(),
                                                    now=utcnow()):
        flash(_("Call for hosts saved."), "success")
        return redirect(url_for(".call", slug=slug))
    return render_form("hosting/call_form.html", form, campaign=campaign, call=host_call, confirm=ConfirmForm(),
                       now=utcnow())


@blueprint.post("/campaigns/<slug>/call/close")
def close_call(slug: str):
    return confirmed_action(services.close_call, call_or_404(slug), now=utcnow(),
                            done=_("The call for hosts is closed."), back=url_for(".call", slug=slug))


@blueprint.post("/campaigns/<slug>/call/reopen")
def reopen_call(slug: str):
    return confirmed_action(services.reopen_call, call_or_404(slug), now=utcnow(),
                            done=_("The call for hosts is open again."), back=url_for(".call", slug=slug))


@blueprint.get("/campaigns/<slug>/applications")
def applications(slug: str):
    campaign = campaign_or_404(slug)
    host_call = queries.call_of(campaign)
    status = request.args.get("status")
    wanted = ApplicationStatus(status) if status in set(ApplicationStatus) else None
    rows = queries.applications_to(host_call, status=wanted) if host_call else []
    return render_template("hosting/manage_applications.html", campaign=campaign, call=host_call, applications=rows,
                           status=wanted)


def application_or_404(application_id: int) -> HostApplication:
    return db.get_or_404(HostApplication, application_id,
                         options=[selectinload(HostApplication.comments).selectinload(ApplicationComment.author)])


def review_page(application: HostApplication, *, comment_form: CommentForm | None = None,
                decline_form: DeclineForm | None = None, refusal: DomainError | None = None):
    """The application with its comments and the review buttons; a refused action answers its status."""
    comment_form, decline_form = comment_form or CommentForm(formdata=None), decline_form or DeclineForm(formdata=None)
    status = refusal.status if refusal else 422 if comment_form.errors or decline_form.errors else 200
    return render_template("hosting/manage_application.html", application=application, comment_form=comment_form,
                           decline_form=decline_form, confirm=ConfirmForm(formdata=None),
                           refusal=refusal.message if refusal else None), status


def run_review(application: HostApplication, form: AppForm, action, **kwargs) -> DomainError | None:
    """Run one step of the review and commit; the refusal, rolled back, when a rule says no."""
    try:
        action(application, now=utcnow(), **kwargs)
    except DomainError as error:
        db.session.rollback()
        attach_domain_error(form, error)
        return error
    db.session.commit()
    return None


@blueprint.get("/applications/<id:application_id>")
def application(application_id: int):
    return review_page(application_or_404(application_id))


@blueprint.post("/applications/<id:application_id>/comments")
def comment(application_id: int):
    application = application_or_404(application_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return review_page(application, comment_form=form)
    refusal = run_review(application, form, services.add_comment, author=reviewer(), text=form.text.data or "")
    if refusal:
        return review_page(application, comment_form=form, refusal=refusal)
    flash(_("Comment added."), "success")
    return redirect(url_for(".application", application_id=application_id))


@blueprint.post("/applications/<id:application_id>/accept")
def accept(application_id: int):
    application = application_or_404(application_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    refusal = run_review(application, form, services.accept_application, reviewer=reviewer())
    if refusal:
        return review_page(application, refusal=refusal)
    flash(_("Application accepted: a draft event was made from it. Check it and publish it when it is ready."),
          "success")
    return redirect(url_for(".application", application_id=application_id))


@blueprint.post("/applications/<id:application_id>/decline")
def decline(application_id: int):
    application = application_or_404(application_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return review_page(application, decline_form=form)
    refusal = run_review(application, form, services.decline_application, reviewer=reviewer(),
                         reason=form.reason.data or "")
    if refusal:
        return review_page(application, decline_form=form, refusal=refusal)
    flash(_("Application declined; the company was told why."), "success")
    return redirect(url_for(".application", application_id=application_id))
