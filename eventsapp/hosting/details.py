"""What organizers and companies fill in: the typed inputs of the hosting services. Each field has
the name of the column it fills (catalogue.details.copy_columns)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..catalogue.details import column_values
from ..timezones import DEFAULT_TIMEZONE
from .models import HostApplication, HostCall


@dataclass(frozen=True)
class CallDetails:
    deadline: datetime  # aware; shown in `timezone`
    timezone: str = DEFAULT_TIMEZONE
    text_zh: str = ""
    text_en: str = ""

    @classmethod
    def of(cls, call: HostCall) -> CallDetails:
        return cls(**column_values(cls, call))


@dataclass(frozen=True)
class ApplicationDetails:
    starts_at: datetime  # the first choice, aware; typed in `timezone`
    ends_at: datetime
    expected_capacity: int
    contact_name: str
    contact_phone: str  # as typed or E.164: the service normalizes it
    contact_email: str
    sharing: str
    theme_zh: str = ""
    theme_en: str = ""
    timezone: str = DEFAULT_TIMEZONE
    other_dates: str = ""
    venue_id: int | None = None  # an existing venue; None: the new address below
    site_name: str = ""
    site_address: str = ""
    site_district: str = ""
    site_city: str = ""

    @classmethod
    def of(cls, application: HostApplication) -> ApplicationDetails:
        return cls(**column_values(cls, application))

    @property
    def is_new_site(self) -> bool:
        return self.venue_id is None
