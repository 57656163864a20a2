"""What an organizer fills in: the typed inputs of the catalogue's services.

Forms build them from what was typed, the demo from its data, tests directly. Each field has the
name of the model column it fills; `*.of(row)` gives the current values, so a change of one field
reads `replace(EventDetails.of(event), capacity=80)`.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import inspect as sa_inspect

from ..languages import DEFAULT_LANGUAGE
from ..timezones import DEFAULT_TIMEZONE
from .models import Campaign, Event, EventSession, Organization, Room, Sector, Speaker, Venue

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


D = TypeVar("D", "RoomDetails", "SpeakerDetails")  # the details made only of text

@dataclass(frozen=True)
class CampaignDetails:
    slug: str
    year: int
    name_zh: str = ""
    name_en: str = ""
    organizing_body_zh: str = ""
    organizing_body_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    main_language: str = DEFAULT_LANGUAGE

    @classmethod
    def of(cls, campaign: Campaign) -> CampaignDetails:
        return cls(**column_values(cls, campaign))


@dataclass(frozen=True)
class OrganizationDetails:
    name_zh: str = ""
    name_en: str = ""
    sector: Sector = Sector.OTHER
    website: str = ""
    uscc: str | None = None  # Unified Social Credit Code; stored upper-case, checked by the service
    description_zh: str = ""
    description_en: str = ""

    @classmethod
    def of(cls, organization: Organization) -> OrganizationDetails:
        return cls(**column_values(cls, organization))


@dataclass(frozen=True)
class VenueDetails:
    name_zh: str = ""
    name_en: str = ""
    address_zh: str = ""
    address_en: str = ""
    district_zh: str = ""
    district_en: str = ""
    city_zh: str = ""
    city_en: str = ""
    timezone: str = DEFAULT_TIMEZONE
    latitude: float | None = None
    longitude: float | None = None
    capacity: int | None = None
    directions_zh: str = ""
    directions_en: str = ""
    rooms: tuple[RoomDetails, ...] = ()  # in order; a new name in a dropped room's place renames it

    @classmethod
    def of(cls, venue: Venue) -> VenueDetails:
        return cls(**column_values(cls, venue, rooms=tuple(RoomDetails.of(room) for room in venue.rooms)))


@dataclass(frozen=True)
class RoomDetails:
    name_zh: str = ""
    name_en: str = ""

    @classmethod
    def of(cls, room: Room) -> RoomDetails:
        return cls(**column_values(cls, room))

    def stripped(self) -> RoomDetails:
        return stripped(self)


@dataclass(frozen=True)
class EventDetails:
    campaign_id: int
    host_id: int
    venue_id: int
    starts_at: datetime  # aware; stored in UTC, shown in `timezone`
    ends_at: datetime
    timezone: str
    capacity: int
    title_zh: str = ""
    title_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    registration_opens_at: datetime | None = None  # None: as soon as the event is published
    registration_closes_at: datetime | None = None  # None: when the event starts
    waitlist_enabled: bool = True
    phone_required: bool = True
    organization_required: bool = True
    job_title_required: bool = False
    co_host_ids: tuple[int, ...] = ()

    @classmethod
    def of(cls, event: Event) -> EventDetails:
        return cls(**column_values(cls, event, co_host_ids=tuple(org.id for org in event.co_hosts)))


@dataclass(frozen=True)
class SpeakerDetails:
    name_zh: str = ""
    name_en: str = ""
    job_title_zh: str = ""
    job_title_en: str = ""
    organization_zh: str = ""
    organization_en: str = ""

    @classmethod
    def of(cls, speaker: Speaker) -> SpeakerDetails:
        return cls(**column_values(cls, speaker))

    def stripped(self) -> SpeakerDetails:
        return stripped(self)


@dataclass(frozen=True)
class SessionDetails:
    starts_at: datetime
    ends_at: datetime
    title_zh: str = ""
    title_en: str = ""
    abstract_zh: str = ""
    abstract_en: str = ""
    room_id: int | None = None
    speakers: tuple[SpeakerDetails, ...] = ()

    @classmethod
    def of(cls, session: EventSession) -> SessionDetails:
        speakers = tuple(SpeakerDetails.of(speaker) for speaker in session.speakers)
        return cls(**column_values(cls, session, speakers=speakers))


def column_values(details_class: type[DataclassInstance], row: object, **derived: Any) -> dict[str, Any]:
    """The row's values for each field of `details_class`; `derived` gives those that are not columns."""
    return {field.name: derived[field.name] if field.name in derived else getattr(row, field.name)
            for field in fields(details_class)}


def copy_columns(details: DataclassInstance, row: object, *, skip: tuple[str, ...] = ()) -> None:
    """Write each field of `details` to the column of the same name; the service handles those in `skip`.
    A field that is neither a column nor skipped is a mistake, refused rather than set on the side."""
    columns = sa_inspect(type(row)).columns.keys()
    for field in fields(details):
        if field.name in skip:
            continue
        if field.name not in columns:
            raise TypeError(f"{type(details).__name__}.{field.name} is no column of {type(row).__name__}")
        setattr(row, field.name, getattr(details, field.name))


def stripped(details: D) -> D:
    """The same text details without surrounding spaces (every field a str)."""
    return replace(details, **{field.name: getattr(details, field.name).strip() for field in fields(details)})
