"""Downloads of attendee lists: an event's, a campaign's and a company's delegations' for organizers
(/manage/), with the event's printable sign-in sheet; a hosted event's for its verified host company (only
those who consented) and the company's own delegations' people (/company/)."""
from flask import Response, abort, g, render_template, request
from sqlalchemy import select

from ..audit import trail as audit
from ..catalogue.models import Campaign, Event, Organization
from ..catalogue.services import SLUG_PATTERN
from ..companies.queries import hosted_event
from ..extensions import db
from ..web.backoffice import backoffice_blueprint
from ..web.company import company_blueprint, require_verified_company
from . import attendees
from .sign_in_sheet import SheetOrder, sign_in_sheet
from .spreadsheets import Table, as_csv, as_xlsx

back_office = backoffice_blueprint("exports", __name__)
company_pages = company_blueprint("company_exports", __name__)

FORMATS = {"csv": (as_csv, "text/csv; charset=utf-8"),
           "xlsx": (as_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


@back_office.get("/events/<id:event_id>/attendees.<file_format>")
def event_attendees(event_id: int, file_format: str):
    event = db.get_or_404(Event, event_id)
    return download(attendees.event_table(event), f"event-{event.id}-attendees", file_format, event_id=event.id)


@back_office.get("/campaigns/<slug>/attendees.<file_format>")
def campaign_attendees(slug: str, file_format: str):
    campaign = db.first_or_404(select(Campaign).where(Campaign.slug == slug))
    return download(attendees.campaign_table(campaign), f"campaign-{campaign.slug}-attendees", file_format)


@back_office.get("/companies/<id:organization_id>/attendees.<file_format>")
def company_attendees(organization_id: int, file_format: str):
    """Everyone the company named, at every event or (`?campaign=<slug>`) at the campaign's."""
    organization = db.get_or_404(Organization, organization_id)
    campaign = chosen_campaign(request.args.get("campaign", ""))
    name = f"company-{organization.id}" + (f"-{campaign.slug}" if campaign else "") + "-attendees"
    return download(attendees.company_table(organization, campaign), name, file_format)


@back_office.get("/events/<id:event_id>/sign-in-sheet")
def sign_in_sheet_page(event_id: int):
    event = db.get_or_404(Event, event_id)
    asked = request.args.get("order", "")
    order = SheetOrder(asked) if asked in set(SheetOrder) else SheetOrder.NAME
    groups = sign_in_sheet(event, order)
    page = render_template("manage/sign_in_sheet.html", event=event, order=order, groups=groups)
    # Recorded once the page is made: the commit would expire the rows it reads.
    audit.record("attendees.printed", subject_type="attendees", event_id=event.id, label=event.title,
                 details={"order": order.value, "rows": sum(len(group.lines) for group in groups)})
    db.session.commit()
    return page


@company_pages.get("/delegations/attendees.<file_format>")
def delegation_attendees(file_format: str):
    """The people the company named, as on its rosters: every member may read them, as they read the rosters."""
    require_verified_company()
    return download(attendees.own_delegation_table(g.company), "delegations-attendees", file_format)


@company_pages.get("/events/<id:event_id>/attendees.<file_format>")
def hosted_event_attendees(event_id: int, file_format: str):
    require_verified_company()
    event = hosted_event(g.company, event_id) or abort(404)
    return download(attendees.host_table(event), f"event-{event.id}-attendees", file_format, event_id=event.id)


def chosen_campaign(slug: str) -> Campaign | None:
    """None when no campaign is asked for; 404 for one that no slug can name or that does not exist."""
    if not slug:
        return None
    if not SLUG_PATTERN.fullmatch(slug):
        abort(404)
    return db.first_or_404(select(Campaign).where(Campaign.slug == slug))


def download(table: Table, name: str, file_format: str, *, event_id: int | None = None) -> Response:
    """The table as a file, recorded in the audit log (who downloaded which people, SPEC 8)."""
    if file_format not in FORMATS:
        abort(404)
    write, mimetype = FORMATS[file_format]
    response = Response(write(table), mimetype=mimetype)
    audit.record("attendees.exported", subject_type="attendees", event_id=event_id, label=f"{name}.{file_format}",
                 details={"format": file_format, "rows": len(table.rows)})
    db.session.commit()
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    response.cache_control.private = True
    response.cache_control.no_store = True  # personal data: never kept by a cache
    return response
