"""Translated labels for the catalogue: its enumerations, and "the fourth event"."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import current_language
from ..languages import ordinal
from .models import EventStatus, Sector

SECTOR_LABELS = {
    Sector.TRANSPORT.value: _l("Urban transport"),
    Sector.CONSTRUCTION.value: _l("Construction"),
    Sector.HEAVY_INDUSTRY.value: _l("Heavy industry"),
    Sector.INTEGRATED_CIRCUITS.value: _l("Integrated circuits"),
    Sector.SOFTWARE.value: _l("Software"),
    Sector.BIOTECH.value: _l("Biotechnology"),
    Sector.NEW_MEDIA.value: _l("New media"),
    Sector.INTELLIGENT_MANUFACTURING.value: _l("Intelligent manufacturing"),
    Sector.SERVICES.value: _l("Services"),
    Sector.PUBLIC_BODY.value: _l("Public body"),
    Sector.OTHER.value: _l("Other"),
}

STATUS_LABELS = {
    EventStatus.DRAFT.value: _l("Draft"),
    EventStatus.PUBLISHED.value: _l("Published"),
    EventStatus.CANCELLED.value: _l("Cancelled"),
}


def event_ordinal(number: int) -> str:
    """'1st event' / '第1场'."""
    return _("%(ordinal)s event", ordinal=ordinal(number, current_language()))
