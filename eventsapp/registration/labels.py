"""Translated labels for registration statuses and the history of delegations."""
from flask_babel import lazy_gettext as _l

from .models import DelegationChangeKind, RegistrationStatus

REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.CONFIRMED.value: _l("Confirmed"),
    RegistrationStatus.WAITLISTED.value: _l("Waiting list"),
    RegistrationStatus.CANCELLED.value: _l("Cancelled"),
    RegistrationStatus.CHECKED_IN.value: _l("Checked in"),
    RegistrationStatus.INVITED.value: _l("Invited, not yet confirmed"),
}

DELEGATION_CHANGE_LABELS = {
    DelegationChangeKind.GRANTED.value: _l("Seats granted"),
    DelegationChangeKind.QUOTA_CHANGED.value: _l("Seats changed"),
    DelegationChangeKind.WITHDRAWN.value: _l("Seats withdrawn"),
    DelegationChangeKind.NAMED.value: _l("Named"),
    DelegationChangeKind.NAMED_TO_WAITLIST.value: _l("Named, on the waiting list"),
    DelegationChangeKind.PROMOTED.value: _l("Moved up from the waiting list"),
    DelegationChangeKind.INVITATION_RESENT.value: _l("Invitation sent again"),
    DelegationChangeKind.CONFIRMED.value: _l("Confirmed"),
    DelegationChangeKind.DECLINED.value: _l("Declined by the person"),
    DelegationChangeKind.EXPIRED.value: _l("Not confirmed in time"),
    DelegationChangeKind.SWAPPED.value: _l("Swapped"),
    DelegationChangeKind.CANCELLED.value: _l("Cancelled"),
}
