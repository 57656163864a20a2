"""Campaigns, organizations, venues, events and their agenda (SPEC section 2)."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ColumnElement, ForeignKey, Integer, String, Table, Text, text
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit import trail as audit
from ..database import TimestampMixin, UTCDateTime, enum_column
from ..extensions import Model
from ..i18n import bilingual
from ..languages import DEFAULT_LANGUAGE


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


# Published and cancelled events are shown to everyone (a cancelled one with its reason); drafts to nobody.
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


class Sector(enum.StrEnum):
    TRANSPORT = "transport"
    CONSTRUCTION = "construction"
    HEAVY_INDUSTRY = "heavy_industry"
    INTEGRATED_CIRCUITS = "integrated_circuits"
    SOFTWARE = "software"
    BIOTECH = "biotech"
    NEW_MEDIA = "new_media"
    INTELLIGENT_MANUFACTURING = "intelligent_manufacturing"
    SERVICES = "services"
    PUBLIC_BODY = "public_body"
    OTHER = "other"


class Campaign(TimestampMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    year: Mapped[int]
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    organizing_body_zh: Mapped[str] = mapped_column(String(200), default="")
    organizing_body_en: Mapped[str] = mapped_column(String(200), default="")
    main_language: Mapped[str] = mapped_column(String(2), default=DEFAULT_LANGUAGE)

    events: Mapped[list[Event]] = relationship(back_populates="campaign", order_by="Event.starts_at")

    name = bilingual("name")
    description = bilingual("description")
    organizing_body = bilingual("organizing_body")


class Organization(TimestampMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[Sector] = mapped_column(enum_column(Sector), default=Sector.OTHER)
    website: Mapped[str] = mapped_column(String(300), default="")
    # Unified Social Credit Code, GB 32100-2015; unique when present.
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # The organization's own contact line (a switchboard, a shared mailbox), shown to organizers.
    contact_phone: Mapped[str] = mapped_column(String(32), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # A company account's organization is checked by an organizer (USCC, who asks) before it may apply
    # to host or receive seats (SPEC 4c). Organizations entered by organizers need no check.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    hosted_events: Mapped[list[Event]] = relationship(back_populates="host", order_by="Event.starts_at")

    name = bilingual("name")
    description = bilingual("description")

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Venue(TimestampMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    address_zh: Mapped[str] = mapped_column(String(300), default="")
    address_en: Mapped[str] = mapped_column(String(300), default="")
    district_zh: Mapped[str] = mapped_column(String(100), default="")
    district_en: Mapped[str] = mapped_column(String(100), default="")
    city_zh: Mapped[str] = mapped_column(String(100), default="")
    city_en: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    capacity: Mapped[int | None]
    directions_zh: Mapped[str] = mapped_column(Text, default="")
    directions_en: Mapped[str] = mapped_column(Text, default="")

    rooms: Mapped[list[Room]] = relationship(
        back_populates="venue", order_by="Room.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[Event]] = relationship(back_populates="venue", order_by="Event.starts_at")

    name = bilingual("name")
    address = bilingual("address")
    district = bilingual("district")
    city = bilingual("city")
    directions = bilingual("directions")

    __table_args__ = (CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),)


ROOM_NAME_LENGTH = 120


class Room(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="CASCADE"), index=True)
    # The database's default too: the column was added to a table with rows (migration 0007).
    name_zh: Mapped[str] = mapped_column(String(ROOM_NAME_LENGTH), default="", server_default="")
    name_en: Mapped[str] = mapped_column(String(ROOM_NAME_LENGTH), default="", server_default="")
    position: Mapped[int] = mapped_column(default=0)

    venue: Mapped[Venue] = relationship(back_populates="rooms")

    name = bilingual("name")


event_co_host = Table(
    "event_co_host",
    Model.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
)


class Event(TimestampMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"), index=True)
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name; times are shown in this zone
    capacity: Mapped[int]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[EventStatus] = mapped_column(enum_column(EventStatus), default=EventStatus.DRAFT, index=True)
    cancellation_reason_zh: Mapped[str] = mapped_column(Text, default="", server_default="")
    cancellation_reason_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Grows with every change a calendar client must notice (time, place, status): iCalendar SEQUENCE.
    sequence: Mapped[int] = mapped_column(default=0)
    # Sign-up settings: a full event waitlists newcomers unless the organizer turned the list off.
    waitlist_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    phone_required: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    organization_required: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    job_title_required: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    campaign: Mapped[Campaign] = relationship(back_populates="events")
    host: Mapped[Organization] = relationship(back_populates="hosted_events")
    co_hosts: Mapped[list[Organization]] = relationship(secondary=event_co_host, order_by="Organization.id")
    venue: Mapped[Venue] = relationship(back_populates="events")
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", order_by="(EventSession.starts_at, EventSession.id)", cascade="all, delete-orphan"
    )

    title = bilingual("title")
    description = bilingual("description")
    cancellation_reason = bilingual("cancellation_reason")

    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    @hybrid_property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @is_public.inplace.expression
    @classmethod
    def _is_public_in_sql(cls) -> ColumnElement[bool]:
        return cls.status.in_(PUBLIC_STATUSES)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED


class EventSession(TimestampMixin, Model):
    """One agenda item of an event (SPEC "Session"; named so it is never confused with db.session)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    abstract_zh: Mapped[str] = mapped_column(Text, default="")
    abstract_en: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"))
    # The talk's own changes (time, title, room): its agenda SEQUENCE is the event's plus this.
    sequence: Mapped[int] = mapped_column(default=0, server_default=text("0"))

    event: Mapped[Event] = relationship(back_populates="sessions")
    room: Mapped[Room | None] = relationship()
    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="session", order_by="Speaker.position", cascade="all, delete-orphan"
    )

    title = bilingual("title")
    abstract = bilingual("abstract")

    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)


class Speaker(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_session.id", ondelete="CASCADE"), index=True)
    name_zh: Mapped[str] = mapped_column(String(100), default="", server_default="")
    name_en: Mapped[str] = mapped_column(String(100), default="", server_default="")
    job_title_zh: Mapped[str] = mapped_column(String(150), default="", server_default="")
    job_title_en: Mapped[str] = mapped_column(String(150), default="", server_default="")
    organization_zh: Mapped[str] = mapped_column(String(200), default="", server_default="")
    organization_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[EventSession] = relationship(back_populates="speakers")

    name = bilingual("name")
    job_title = bilingual("job_title")
    organization = bilingual("organization")


class DeletedEvent(Model):
    """A tombstone: an event left these scopes (deleted, or moved to another campaign, venue or host),
    so their feeds see a change and Last-Modified never goes backwards."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int]
    campaign_id: Mapped[int] = mapped_column(index=True)
    venue_id: Mapped[int] = mapped_column(index=True)
    host_id: Mapped[int] = mapped_column(index=True)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime)


def audit_label(zh: str, en: str) -> str:
    """What the audit log calls a campaign, an event or a talk: both names."""
    return " / ".join(name for name in (zh, en) if name)


# The audit log (eventsapp/audit) records every change of these fields, with the old and new values.
audit.watch(Campaign, "campaign", fields=("slug", "year", "name_zh", "name_en", "organizing_body_zh",
                                          "organizing_body_en", "description_zh", "description_en"),
            event_id=lambda campaign: None, label=lambda campaign: audit_label(campaign.name_zh, campaign.name_en))
audit.watch(Event, "event",
            fields=("title_zh", "title_en", "campaign_id", "host_id", "venue_id", "starts_at", "ends_at", "timezone",
                    "capacity", "status", "registration_opens_at", "registration_closes_at", "waitlist_enabled",
                    "cancellation_reason_zh", "cancellation_reason_en", "description_zh", "description_en",
                    "phone_required", "organization_required", "job_title_required"),
            event_id=lambda event: event.id, label=lambda event: audit_label(event.title_zh, event.title_en))
audit.watch(EventSession, "session",
            fields=("title_zh", "title_en", "starts_at", "ends_at", "room_id", "abstract_zh", "abstract_en"),
            event_id=lambda talk: talk.event_id, label=lambda talk: audit_label(talk.title_zh, talk.title_en))
