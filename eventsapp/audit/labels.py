"""Translated names of what the audit log records."""
from flask_babel import lazy_gettext as _l

from ..acting import Origin

KIND_LABELS = {
    "campaign.created": _l("Campaign created"),
    "campaign.updated": _l("Campaign changed"),
    "campaign.deleted": _l("Campaign deleted"),
    "event.created": _l("Event created"),
    "event.updated": _l("Event changed"),
    "event.deleted": _l("Event deleted"),
    "session.created": _l("Agenda item added"),
    "session.updated": _l("Agenda item changed"),
    "session.deleted": _l("Agenda item removed"),
    "registration.created": _l("Registration added"),
    "registration.updated": _l("Registration changed"),
    "registration.confirmed": _l("Registration confirmed"),
    "registration.waitlisted": _l("Registration put on the waiting list"),
    "registration.invited": _l("Registration held for confirmation"),
    "registration.cancelled": _l("Registration cancelled"),
    "registration.checked_in": _l("Checked in"),
    "registration.erased": _l("Personal details deleted"),
    "registration.deadlines_moved": _l("Confirmation deadlines moved with the event"),
    "delegation.created": _l("Company seats granted"),
    "delegation.updated": _l("Company seats changed"),
    "attendees.viewed": _l("Attendee list viewed"),
    "attendees.exported": _l("Attendee list downloaded"),
    "attendees.printed": _l("Sign-in sheet opened for printing"),
    "personal_data.purged": _l("Personal data purged after the retention period"),
}
KIND_GROUP_LABELS = {
    "campaign": _l("Campaigns"),
    "event": _l("Events"),
    "session": _l("Agenda"),
    "registration": _l("Registrations"),
    "delegation": _l("Company seats"),
    "attendees": _l("Views and downloads of attendee data"),
    "personal_data": _l("Retention purges"),
}
ORIGIN_LABELS = {
    Origin.ORGANIZER.value: _l("An organizer"),
    Origin.COMPANY.value: _l("A company member"),
    Origin.PUBLIC.value: _l("The attendee or the public"),
    Origin.SYSTEM.value: _l("The system (worker or command)"),
}
FIELD_LABELS = {
    "title_zh": _l("Title (Chinese)"), "title_en": _l("Title (English)"),
    "name_zh": _l("Name (Chinese)"), "name_en": _l("Name (English)"), "slug": _l("Web address"), "year": _l("Year"),
    "starts_at": _l("Starts"), "ends_at": _l("Ends"), "timezone": _l("Time zone"), "capacity": _l("Capacity"),
    "status": _l("Status"), "venue_id": _l("Venue"), "host_id": _l("Host"), "room_id": _l("Room"),
    "registration_opens_at": _l("Registration opens"), "registration_closes_at": _l("Registration closes"),
    "waitlist_enabled": _l("Waiting list"), "delegation_id": _l("Company seats"),
    "shares_with_host": _l("Consent to share with the host"), "quota": _l("Seats"),
    "changes_close_at": _l("Changes close"), "withdrawn_at": _l("Withdrawn"), "confirm_days": _l("Days to confirm"),
    "name": _l("Name"), "email": _l("E-mail"), "phone": _l("Mobile"), "organization": _l("Organization"),
    "job_title": _l("Job title"), "format": _l("Format"), "rows": _l("Rows"), "scope": _l("Scope"),
    "searched": _l("Searched"), "company": _l("Company"), "registrations": _l("Registrations"),
    "organization_id": _l("Company"), "retention_days": _l("Retention period (days)"),
    "order": _l("Order"),
    "co_host_ids": _l("Co-hosts"), "speakers": _l("Speakers"), "confirm_by": _l("Confirm by"),
}
