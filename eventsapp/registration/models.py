"""One person at one event (SPEC section 2, "Registration")."""
from __future__ import annotations

import enum
import re
import secrets
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
    func,
    or_,
    select,
    text,
)
from sqlalchemy import false as sa_false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..audit import trail as audit
from ..catalogue.models import Event, Organization
from ..database import TimestampMixin, UTCDateTime, enum_column
from ..extensions import Model, db
from ..languages import DEFAULT_LANGUAGE


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"  # at the door (SPEC 4d; no check-in pages yet): still holds its seat
    # Named by their company within its quota: holds one of the company's seats until the person confirms
    # (→ CONFIRMED) or declines, or confirm_by passes (→ CANCELLED).
    INVITED = "invited"


# Statuses that hold a seat, and those that count as "registered" for the one-per-e-mail rule.
SEAT_HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.CHECKED_IN)
ACTIVE = (*SEAT_HOLDING, RegistrationStatus.WAITLISTED, RegistrationStatus.INVITED)
# What holds one of a delegation's seats (its quota): the people named, confirmed or not.
QUOTA_HOLDING = (RegistrationStatus.INVITED, *SEAT_HOLDING)
# Not yet sure of a seat: their calendar shows the event TENTATIVE.
TENTATIVE = (RegistrationStatus.WAITLISTED, RegistrationStatus.INVITED)


TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what new_token() makes; anything else is not ours


def new_token() -> str:
    """An unguessable secret (192 bits): a registration's manage link, a person's feed address."""
    return secrets.token_urlsafe(24)


# Check-in codes (SPEC 4d): read aloud, typed on a phone, printed as a QR. No look-alikes (0/O, 1/I/L),
# 10 characters: 31^10 ≈ 8·10^14 codes, and every guess at the door is a staff member's logged request.
CHECKIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHECKIN_CODE_LENGTH = 10


def new_checkin_code() -> str:
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_CODE_LENGTH))


def normalize_checkin_code(typed: str) -> str:
    """What someone typed or a scanner read ("abcde-fghjk", " ABCDE FGHJK ") as the stored code."""
    return "".join(ch for ch in typed.upper() if ch.isascii() and ch.isalnum())[:CHECKIN_CODE_LENGTH * 2]


def is_well_formed_token(token: str | None) -> bool:
    """Could new_token() have made it? Anything else (e.g. a NUL byte, which PostgreSQL refuses
    outright) is answered "not found" without asking the database."""
    return bool(TOKEN_PATTERN.fullmatch(token or ""))


class Registration(TimestampMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)  # the arrival order on the waiting list (see waitlist_key)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))  # stored normalized: stripped, lower-cased
    phone: Mapped[str] = mapped_column(String(32), default="")  # E.164, e.g. +8613800138000
    organization: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(150), default="")
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    language: Mapped[str] = mapped_column(String(2), default=DEFAULT_LANGUAGE)  # of the e-mails we send
    # Set by the sign-up form: a second submission of the same form finds this registration.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # When a tentative place last moved on: promoted from a waiting list, or an invitation confirmed.
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The event start a reminder was queued for: one reminder per start (again if the event moves).
    reminded_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person first held a seat (confirmed at sign-up, promoted, or their invitation confirmed) and
    # when they joined a waiting list: with cancelled_at, the dashboards' seats and waiting list over time.
    seated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # at the door (SPEC 4d)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # the staff; None: self check-in
    # What admits the person at the door, and nothing else (it cannot cancel or read the registration):
    # given when they first hold a seat (set_checkin_code below), refused once they no longer do.
    checkin_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    # The public address of their certificate of attendance (参会证明), given at check-in.
    certificate_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Set when an organizer moves the person to the front of their waiting list: lower than every place on
    # that list then. None: their arrival order (the id). Read through waitlist_key, never alone.
    waitlist_rank: Mapped[int | None]
    # Why an organizer cancelled on the person's behalf: quoted in their e-mail and on their page.
    cancellation_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # This person's own changes to what their calendar shows of the event (promoted, cancelled, signed
    # up again): the SEQUENCE of their invitations and personal feed is the event's plus this
    # (feeds/ical.py). A new registration after a cancelled one continues from it.
    sequence: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # PIPL Art. 23: the separate, optional consent to hand this person's details to the event's host
    # company, and when it was given (SPEC 8). The host sees only these people (queries.shared_with_host).
    shares_with_host: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    shares_with_host_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person's details were deleted at their request (services.erase_personal_data): the row
    # stays, anonymised, so seat and attendance counts stay right.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A place named by a company within its quota (None: a public sign-up). Its waiting list is the
    # company's own, and a seat it frees goes back to the company's pool.
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegation.id"), index=True)
    # An INVITED person's deadline to confirm (delegations.expire_unconfirmed).
    confirm_by: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    delegation: Mapped[Delegation | None] = relationship(back_populates="registrations")
    checked_in_by: Mapped[User | None] = relationship(foreign_keys=[checked_in_by_id])

    __table_args__ = (
        # SPEC 3.3: one active registration per (event, e-mail), enforced by the database.
        Index("uq_registration_event_id_email_active", "event_id", "email", unique=True,
              sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'")),
        Index("ix_registration_event_id_status", "event_id", "status", "id"),
        # A sign-up reads the address's last SEQUENCE at the event (cancelled rows too) under the seat lock.
        Index("ix_registration_event_id_email", "event_id", "email"),
    )

    @hybrid_property
    def is_erased(self) -> bool:
        """Their details were deleted (SPEC 8): the row counts in the seats, but there is nobody to write to."""
        return self.erased_at is not None

    @is_erased.inplace.expression
    @classmethod
    def _is_erased_in_sql(cls) -> ColumnElement[bool]:
        return cls.erased_at.is_not(None)

    @property
    def grouped_checkin_code(self) -> str:
        """The check-in code as people read and type it: "ABCDE-FGHJK" ("" when there is none)."""
        code = self.checkin_code or ""
        half = (len(code) + 1) // 2
        return f"{code[:half]}-{code[half:]}" if code else ""

    @hybrid_property
    def waitlist_key(self) -> int:
        """The waiting-list order, first come first served unless an organizer moved someone to the front:
        order by (waitlist_key, id)."""
        return self.id if self.waitlist_rank is None else self.waitlist_rank

    @waitlist_key.inplace.expression
    @classmethod
    def _waitlist_key_in_sql(cls) -> ColumnElement[int]:
        return func.coalesce(cls.waitlist_rank, cls.id)

    def same_waitlist(self) -> ColumnElement[bool]:
        """The people waiting on this person's list: the public one, or their company's own."""
        same_list = (Registration.delegation_id.is_(None) if self.delegation_id is None
                     else Registration.delegation_id == self.delegation_id)
        return and_(Registration.event_id == self.event_id, Registration.status == RegistrationStatus.WAITLISTED,
                    same_list)

    def waitlist_position(self) -> int | None:
        """1 for the next person to get a seat; None when not on the waiting list."""
        if self.status != RegistrationStatus.WAITLISTED:
            return None
        mine = self.waitlist_key
        ahead = select(func.count(Registration.id)).where(self.same_waitlist(), or_(
            Registration.waitlist_key < mine, and_(Registration.waitlist_key == mine, Registration.id < self.id)))
        return (db.session.scalar(ahead) or 0) + 1


@event.listens_for(Registration.status, "set")
def set_checkin_code(registration: Registration, status: RegistrationStatus, old, initiator) -> None:
    """A check-in code from the moment a person holds a seat (signed up, promoted, invitation confirmed);
    a waitlisted or invited person has none yet."""
    if status in SEAT_HOLDING and registration.checkin_code is None:
        registration.checkin_code = new_checkin_code()


class PersonalFeed(TimestampMixin, Model):
    """The secret address of one person's calendar of registrations (/feeds/me/<token>.ics).

    One per e-mail address, so every registration mail carries the same link; revoking it issues a
    new token and the old address stops answering.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # normalized like Registration.email
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)


class Delegation(TimestampMixin, Model):
    """A company's seat quota for one event (SPEC 2): N seats held against the capacity from the grant on,
    named, confirmed or not. Withdrawn, the row stays (its history does); a new grant revives it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    quota: Mapped[int]
    # An invited person has this many days to confirm (never past the event's start).
    confirm_days: Mapped[int] = mapped_column(default=3, server_default=text("3"))
    # Naming and swapping people close then (default: a day before the event starts).
    changes_close_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    organization: Mapped[Organization] = relationship()
    registrations: Mapped[list[Registration]] = relationship(back_populates="delegation", order_by="Registration.id")

    __table_args__ = (UniqueConstraint("event_id", "organization_id"),)

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class DelegationChangeKind(enum.StrEnum):
    GRANTED = "granted"
    QUOTA_CHANGED = "quota_changed"
    WITHDRAWN = "withdrawn"
    NAMED = "named"
    NAMED_TO_WAITLIST = "named_to_waitlist"  # over the quota: on the company's own waiting list
    PROMOTED = "promoted"  # from the company's waiting list to a seat (invited)
    INVITATION_RESENT = "invitation_resent"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    EXPIRED = "expired"
    SWAPPED = "swapped"
    CANCELLED = "cancelled"


class DelegationChange(Model):
    """The history of a delegation: who did what, when, to whom. Written once, never edited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DelegationChangeKind] = mapped_column(enum_column(DelegationChangeKind))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id"))
    # A swap: the place handed over (registration_id is the colleague who got it).
    replaced_registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id"))
    # The organizer or lead contact who did it; None for the person themselves or the system (a deadline).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    details: Mapped[str] = mapped_column(String(200), default="")

    registration: Mapped[Registration | None] = relationship(foreign_keys=[registration_id])
    replaced_registration: Mapped[Registration | None] = relationship(foreign_keys=[replaced_registration_id])
    actor: Mapped[User | None] = relationship()


def record_change(delegation: Delegation, kind: DelegationChangeKind, *, at: datetime, actor: User | None = None,
                  registration: Registration | None = None, replaced: Registration | None = None,
                  details: str = "") -> DelegationChange:
    change = DelegationChange(delegation_id=delegation.id, kind=kind, registration=registration,
                              replaced_registration=replaced, actor=actor, at=at, details=details)
    db.session.add(change)
    return change


class Announcement(Model):
    """A message an organizer sent to the people of an event's attendee list (or of one filter of it):
    one e-mail per person, in their language, never twice (the outbox's dedup key names the pair)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # Each language is written in full or left empty; a reader of an empty one gets the other.
    subject_zh: Mapped[str] = mapped_column(String(150), default="")
    subject_en: Mapped[str] = mapped_column(String(150), default="")
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    # The attendee list's filter it went to (queries.AttendeeFilter); all empty: everyone registered.
    filter_status: Mapped[str] = mapped_column(String(32), default="")
    filter_company: Mapped[str] = mapped_column(String(32), default="")
    filter_search: Mapped[str] = mapped_column(String(100), default="")
    recipient_count: Mapped[int]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # One value per composed message: sending the same form twice finds the first announcement.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)

    event: Mapped[Event] = relationship()
    sent_by: Mapped[User | None] = relationship()
# The audit log (eventsapp/audit): a registration's status changes are its entries' kinds
# ("registration.cancelled"); the person's details are recorded as changed, never their values.
audit.watch(Registration, "registration", fields=("status", "delegation_id", "shares_with_host"),
            state_field="status",
            # The reason an organizer gives for cancelling may name the person or their circumstances.
            private_fields=("name", "email", "phone", "organization", "job_title", "cancellation_reason"),
            erased_field="erased_at", event_id=lambda registration: registration.event_id)
audit.watch(Delegation, "delegation", fields=("organization_id", "quota", "confirm_days", "changes_close_at",
                                              "withdrawn_at"),
            event_id=lambda delegation: delegation.event_id)
audit.watch(Announcement, "announcement", fields=("subject_zh", "subject_en", "recipient_count", "filter_status",
                                                  "filter_company"),
            event_id=lambda announcement: announcement.event_id,
            label=lambda announcement: announcement.subject_zh or announcement.subject_en)
