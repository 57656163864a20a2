"""The call for hosts (SPEC 2, "Host application"; 4c): a campaign's call, the companies' offers to
host an event in it, and the organizers' internal comments on them."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..catalogue.models import Campaign, Event, Organization, Venue
from ..database import TimestampMixin, UTCDateTime, enum_column
from ..extensions import Model
from ..i18n import bilingual
from ..languages import DEFAULT_LANGUAGE
from ..timezones import DEFAULT_TIMEZONE


class HostCall(TimestampMixin, Model):
    """One call per campaign. Open from `opened_at` until its deadline, or until closed early."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), unique=True)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)  # the deadline is shown in it
    text_zh: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # closed early by an organizer

    campaign: Mapped[Campaign] = relationship()
    applications: Mapped[list[HostApplication]] = relationship(back_populates="call",
                                                               order_by="HostApplication.id")

    text = bilingual("text")

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.deadline


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # waiting for the organizers; the company may still edit or withdraw it
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"  # a draft event was made from it
    DECLINED = "declined"


class HostApplication(TimestampMixin, Model):
    """A company's offer to host an event in a campaign. The site is an existing venue (`venue_id`) or
    a new address (`site_*`), made a venue when the application is accepted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("host_call.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus),
                                                      default=ApplicationStatus.SUBMITTED)
    # The language of the page it was submitted on: its e-mails are written in it.
    language: Mapped[str] = mapped_column(String(2), default=DEFAULT_LANGUAGE)
    theme_zh: Mapped[str] = mapped_column(String(300), default="")
    theme_en: Mapped[str] = mapped_column(String(300), default="")
    sharing: Mapped[str] = mapped_column(Text, default="")  # what the company will share, in its own words
    # The first choice of dates (stored in UTC, typed in `timezone`), and any others in free text.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    other_dates: Mapped[str] = mapped_column(Text, default="")
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id", ondelete="SET NULL"))
    site_name: Mapped[str] = mapped_column(String(200), default="")
    site_address: Mapped[str] = mapped_column(String(300), default="")
    site_district: Mapped[str] = mapped_column(String(100), default="")
    site_city: Mapped[str] = mapped_column(String(100), default="")
    expected_capacity: Mapped[int]
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")  # E.164
    contact_email: Mapped[str] = mapped_column(String(254), default="")  # stored normalized
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")  # shown to the company
    # The draft made on acceptance; the organizer may delete the draft later.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))

    call: Mapped[HostCall] = relationship(back_populates="applications")
    organization: Mapped[Organization] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    venue: Mapped[Venue | None] = relationship()
    event: Mapped[Event | None] = relationship()
    comments: Mapped[list[ApplicationComment]] = relationship(
        back_populates="application", order_by="ApplicationComment.id", cascade="all, delete-orphan")

    theme = bilingual("theme")

    __table_args__ = (
        # One application waiting for review per company and call: the last word on a double submit.
        Index("uq_host_application_call_id_organization_id_submitted", "call_id", "organization_id", unique=True,
              sqlite_where=text("status = 'submitted'"), postgresql_where=text("status = 'submitted'")),
        CheckConstraint("expected_capacity > 0", name="expected_capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    @property
    def is_under_review(self) -> bool:
        """Not yet reviewed nor withdrawn: the company may still change it."""
        return self.status == ApplicationStatus.SUBMITTED


class ApplicationComment(Model):
    """An organizer's internal note on an application: never shown to the company."""

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("host_application.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    application: Mapped[HostApplication] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()
