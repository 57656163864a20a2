"""Back office: campaigns, organizations and venues."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..backoffice import blueprint
from ..extensions import db
from ..forms import ConfirmForm, commit_or_show, confirmed_action, render_form
from . import services
from .forms import CampaignForm, OrganizationForm, VenueForm
from .models import Campaign, Organization, Venue


@blueprint.get("/campaigns")
def campaigns():
    rows = db.session.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc()))
    return render_template("manage/campaigns.html", campaigns=rows, confirm=ConfirmForm())


@blueprint.route("/campaigns/new", methods=["GET", "POST"], defaults={"campaign_id": None})
@blueprint.route("/campaigns/<id:campaign_id>/edit", methods=["GET", "POST"])
def edit_campaign(campaign_id: int | None):
    campaign = db.get_or_404(Campaign, campaign_id) if campaign_id else None
    form = CampaignForm(campaign=campaign)
    if form.validate_on_submit() and commit_or_show(form, services.save_campaign, campaign or Campaign(),
                                                    **form.to_fields()):
        flash(_("Campaign saved."), "success")
        return redirect(url_for("manage.campaigns"))
    return render_form("manage/object_form.html", form, back=url_for("manage.campaigns"),
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
    if form.validate_on_submit() and commit_or_show(form, services.save_organization,
                                                    organization or Organization(), **form.to_fields()):
        flash(_("Organization saved."), "success")
        return redirect(url_for("manage.organizations"))
    return render_form("manage/object_form.html", form, back=url_for("manage.organizations"),
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
    if form.validate_on_submit() and commit_or_show(form, services.save_venue, venue or Venue(),
                                                    **form.to_fields()):
        flash(_("Venue saved."), "success")
        return redirect(url_for("manage.venues"))
    return render_form("manage/object_form.html", form, back=url_for("manage.venues"),
                       heading=_("Edit venue") if venue else _("New venue"))

