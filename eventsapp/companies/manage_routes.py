"""Back-office pages for company accounts: those waiting for verification, verifying, refusing with a
reason, merging into an organization of the catalogue; join requests only organizers can decide."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..accounts import members
from ..accounts.models import JoinRequest
from ..catalogue.models import Organization
from ..database import utcnow
from ..extensions import db
from ..web.backoffice import backoffice_blueprint
from ..web.edge import commit_or_show, confirmed_action
from ..web.forms import AppForm, ConfirmForm, select_choices, validated
from . import services

blueprint = backoffice_blueprint("manage_companies", __name__)


class RejectForm(AppForm):
    reason = TextAreaField(_l("Reason, sent to the company"), validators=[
        DataRequired(_l("Say why, so that the company can correct it.")), Length(max=2000)])


class MergeForm(AppForm):
    target = SelectField(_l("Organization in the catalogue"), coerce=int,
                         validators=[DataRequired(_l("Choose an organization of the catalogue."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = select_choices((org.id, org.name) for org in services.merge_targets())


def pending_or_404(organization_id: int) -> services.PendingCompany:
    return services.pending_company(db.get_or_404(Organization, organization_id)) or abort(404)


@blueprint.get("/companies")
def index():
    return render_template("manage/companies.html", pending=services.pending_companies(),
                           join_requests=services.orphan_join_requests(), confirm=ConfirmForm())


@blueprint.get("/companies/<id:organization_id>")
def show(organization_id: int):
    return show_page(pending_or_404(organization_id))


def show_page(pending: services.PendingCompany, reject_form: RejectForm | None = None,
              merge_form: MergeForm | None = None, status: int = 200):
    return render_template("manage/companies_show.html", pending=pending, confirm=ConfirmForm(),
                           reject_form=reject_form or RejectForm(), merge_form=merge_form or MergeForm()), status


@blueprint.post("/companies/<id:organization_id>/verify")
def verify(organization_id: int):
    pending = pending_or_404(organization_id)
    return confirmed_action(services.verify_organization, pending.organization, organizer=current_user,
                            now=utcnow(), done=_("Organization verified; its lead contacts are told."),
                            back=url_for("manage_companies.index"))


@blueprint.post("/companies/<id:organization_id>/reject")
def reject(organization_id: int):
    pending = pending_or_404(organization_id)
    form = RejectForm()
    if form.validate_on_submit() and commit_or_show(form, services.reject_organization, pending.organization,
                                                    validated(form.reason.data), organizer=current_user,
                                                    now=utcnow()):
        flash(_("Verification refused; the company is told why."), "success")
        return redirect(url_for("manage_companies.index"))
    return show_page(pending, reject_form=form, status=422)


@blueprint.post("/companies/<id:organization_id>/merge")
def merge(organization_id: int):
    pending = pending_or_404(organization_id)
    form = MergeForm()
    if not form.validate_on_submit():
        return show_page(pending, merge_form=form, status=422)
    target = db.session.get(Organization, form.target.data) or abort(404)
    if commit_or_show(form, services.merge_organization, pending.organization, target, organizer=current_user,
                      now=utcnow()):
        flash(_("Account merged into %(organization)s, which is verified.", organization=target.name), "success")
        return redirect(url_for("manage_companies.index"))
    return show_page(pending, merge_form=form, status=409)


def orphan_request_or_404(request_id: int) -> JoinRequest:
    join_request = db.get_or_404(JoinRequest, request_id)
    if join_request not in services.orphan_join_requests():
        abort(404)
    return join_request


@blueprint.post("/companies/join-requests/<id:request_id>/approve")
def approve_join_request(request_id: int):
    return confirmed_action(members.approve_join_request, orphan_request_or_404(request_id), decider=current_user,
                            now=utcnow(), done=_("Request approved: they are the lead contact now."),
                            back=url_for("manage_companies.index"))


@blueprint.post("/companies/join-requests/<id:request_id>/refuse")
def refuse_join_request(request_id: int):
    return confirmed_action(members.refuse_join_request, orphan_request_or_404(request_id), decider=current_user,
                            now=utcnow(), done=_("Request refused."), back=url_for("manage_companies.index"))
