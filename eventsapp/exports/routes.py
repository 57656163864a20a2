"""Downloads of attendee lists: an event's and a campaign's for organizers (/manage/), a hosted event's
for its verified host company (/company/, only those who consented)."""
from flask import Response, abort, g
from sqlalchemy import select

from ..audit import trail as audit
from ..catalogue.models import Campaign, Event
from ..companies.queries import hosted_event
from ..extensions import db
from ..web.backoffice import backoffice_blueprint
from ..web.company import company_blueprint, require_verified_company
from . import attendees
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


@company_pages.get("/events/<id:event_id>/attendees.<file_format>")
def hosted_event_attendees(event_id: int, file_format: str):
    require_verified_company()
    event = hosted_event(g.company, event_id) or abort(404)
    return download(attendees.host_table(event), f"event-{event.id}-attendees", file_format, event_id=event.id)


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
