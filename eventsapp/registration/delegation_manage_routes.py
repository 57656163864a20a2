"""The organizer's delegations of one event (/manage/events/<id>/delegations): a grid of companies ×
granted / named / confirmed / checked in, granting a verified company a quota, changing or withdrawing it."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..catalogue.models import Event, Organization
from ..database import utcnow
from ..extensions import db
from ..web.backoffice import backoffice_blueprint
from ..web.edge import commit_or_show
from . import delegations
from .forms import QuotaForm, WithdrawForm
from .models import Delegation
from .seats import seat_summary

blueprint = backoffice_blueprint("delegations", __name__)


@blueprint.route("/events/<id:event_id>/delegations", methods=["GET", "POST"])
def index(event_id: int):
    """The grid, and the form granting a quota (POST)."""
    event = db.get_or_404(Event, event_id)
    form = QuotaForm(event=event, now=utcnow())
    if form.validate_on_submit():
        organization = db.get_or_404(Organization, form.organization_id.data)
        if commit_or_show(form, delegations.grant_quota, event, organization, form.to_terms(), actor=current_user,
                          now=utcnow()):
            flash(_("Seats granted; the company's lead contacts are told."), "success")
            return redirect(url_for("delegations.index", event_id=event.id))
    return grid_page(event, grant_form=form)


def grid_page(event: Event, *, grant_form: QuotaForm, changed: Delegation | None = None,
              change_form: QuotaForm | None = None, withdraw_form: WithdrawForm | None = None):
    """The page; a form that was refused comes back with its errors (and a 422)."""
    now = utcnow()
    rows = []
    for state in delegations.delegation_grid(event):
        delegation = state.delegation
        mine = delegation == changed
        rows.append((state, change_form if mine and change_form else QuotaForm(
            formdata=None, event=event, delegation=delegation, now=now),
            withdraw_form if mine and withdraw_form else WithdrawForm(formdata=None, prefix=f"w{delegation.id}"),
            len(delegations.people_to_tell(delegation))))
    refused = any(form is not None and (form.errors or form.form_errors)
                  for form in (grant_form, change_form, withdraw_form))
    page = render_template("manage/delegations.html", event=event, rows=rows, grant_form=grant_form,
                           seats=seat_summary(event))
    return page, 422 if refused else 200


@blueprint.post("/delegations/<id:delegation_id>")
def change(delegation_id: int):
    delegation = db.get_or_404(Delegation, delegation_id)
    event = delegation.event
    form = QuotaForm(event=event, delegation=delegation, now=utcnow())
    if form.validate() and commit_or_show(form, delegations.change_quota, delegation, form.to_terms(),
                                          actor=current_user, now=utcnow()):
        flash(_("Seats changed."), "success")
        return redirect(url_for("delegations.index", event_id=event.id))
    return grid_page(event, grant_form=QuotaForm(formdata=None, event=event, now=utcnow()), changed=delegation,
                     change_form=form)


@blueprint.post("/delegations/<id:delegation_id>/withdraw")
def withdraw(delegation_id: int):
    delegation = db.get_or_404(Delegation, delegation_id)
    event = delegation.event
    form = WithdrawForm(prefix=f"w{delegation.id}")
    if form.validate() and commit_or_show(form, delegations.withdraw, delegation, actor=current_user, now=utcnow()):
        flash(_("Seats withdrawn; the people named are told."), "success")
        return redirect(url_for("delegations.index", event_id=event.id))
    return grid_page(event, grant_form=QuotaForm(formdata=None, event=event, now=utcnow()), changed=delegation,
                     withdraw_form=form)
