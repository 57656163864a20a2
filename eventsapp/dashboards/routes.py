"""The dashboards' pages: an event's and a campaign's for organizers (/manage/), a campaign's public summary."""
from flask import Blueprint, render_template
from sqlalchemy import select

from ..catalogue.models import Campaign, Event
from ..database import utcnow
from ..extensions import db
from ..web.backoffice import backoffice_blueprint
from . import reports

back_office = backoffice_blueprint("dashboards", __name__)
public_pages = Blueprint("campaign_summary", __name__)


@back_office.get("/events/<id:event_id>/dashboard")
def event_dashboard(event_id: int):
    event = db.get_or_404(Event, event_id)
    return render_template("dashboards/event.html", **reports.event_dashboard(event, now=utcnow()))


@back_office.get("/campaigns/<slug>/report")
def campaign_report(slug: str):
    campaign = db.first_or_404(select(Campaign).where(Campaign.slug == slug))
    return render_template("dashboards/campaign_report.html", **reports.campaign_report(campaign, now=utcnow()))


@public_pages.get("/campaigns/<slug>/summary")
def campaign(slug: str):
    campaign = db.first_or_404(select(Campaign).where(Campaign.slug == slug))
    return render_template("dashboards/campaign_summary.html", **reports.campaign_summary(campaign, now=utcnow()))
