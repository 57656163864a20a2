"""Translated labels for registration statuses."""
from flask_babel import lazy_gettext as _l

from .models import RegistrationStatus

REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.CONFIRMED.value: _l("Confirmed"),
    RegistrationStatus.WAITLISTED.value: _l("Waiting list"),
    RegistrationStatus.CANCELLED.value: _l("Cancelled"),
    RegistrationStatus.CHECKED_IN.value: _l("Checked in"),
    RegistrationStatus.INVITED.value: _l("Invited, not yet confirmed"),
}
