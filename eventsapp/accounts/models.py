"""Users: organizers and company members. Attendees need no account."""
from __future__ import annotations

import enum
import functools
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug import security

from ..catalogue.models import Organization
from ..database import TimestampMixin, UTCDateTime, enum_column
from ..extensions import Model
from ..languages import DEFAULT_LANGUAGE


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


@functools.cache
def dummy_password_hash() -> str:
    """A hash of no one's password, made like real ones: checking it costs what checking theirs costs."""
    return security.generate_password_hash(secrets.token_urlsafe(16))


class Role(enum.StrEnum):
    ORGANIZER = "organizer"
    COMPANY_MEMBER = "company_member"


class CompanyRole(enum.StrEnum):
    """A company member's standing in their organization (SPEC 4c)."""

    LEAD = "lead"  # the lead contact (领队): manages members, host applications and delegations
    MEMBER = "member"  # sees the company's pages and registers themselves


class User(UserMixin, TimestampMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored normalized: stripped, lower-cased
    name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Part of every login (the session and the remember-me cookie): a new token signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    # Company members only: their role in `organization`.
    company_role: Mapped[CompanyRole | None] = mapped_column(enum_column(CompanyRole))
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")  # E.164, like Registration.phone
    # When the person proved the address is theirs (a signed link, or an invitation that reached it).
    # Organizers made by the command need no proof.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language of the page where the person signed up (or accepted an invitation): their mails use it.
    language: Mapped[str] = mapped_column(String(2), default=DEFAULT_LANGUAGE, server_default=DEFAULT_LANGUAGE)

    organization: Mapped[Organization | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    @property
    def has_verified_email(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_organizer(self) -> bool:
        return self.role == Role.ORGANIZER

    @property
    def is_company_member(self) -> bool:
        return self.role == Role.COMPANY_MEMBER and self.organization_id is not None

    @property
    def is_company_lead(self) -> bool:
        return self.is_company_member and self.company_role == CompanyRole.LEAD

    @property
    def acts_for_verified_company(self) -> bool:
        """May apply to host and receive seats: the organizers verified the organization (SPEC 4c)."""
        return self.is_company_member and self.organization is not None and self.organization.is_verified

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie (see services.load_user)."""
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        """Also signs the user out of every browser: whoever knew the old password is shut out."""
        self.password_hash = security.generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return security.check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        self.session_token = new_session_token()


class Invitation(TimestampMixin, Model):
    """A lead contact's invitation of a colleague, by e-mail. Only a hash of the link's token is kept:
    a copy of the database opens no one's invitation. Resending makes a new link (the old one dies)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))  # stored normalized
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        """Neither used nor revoked (it may still have expired)."""
        return self.accepted_at is None and self.revoked_at is None

    def is_usable(self, now: datetime) -> bool:
        return self.is_open and now < self.expires_at


class JoinStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class JoinRequest(TimestampMixin, Model):
    """A person asking to join an organization that already has an account (its USCC is taken). Their
    user is made only when the lead contact (or, for an organization without members, an organizer)
    approves; until then the password waits here, hashed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))  # stored normalized
    phone: Mapped[str] = mapped_column(String(32))  # E.164
    password_hash: Mapped[str] = mapped_column(String(256))
    language: Mapped[str] = mapped_column(String(2), default=DEFAULT_LANGUAGE)
    status: Mapped[JoinStatus] = mapped_column(enum_column(JoinStatus), default=JoinStatus.PENDING)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    organization: Mapped[Organization] = relationship()


class VerificationRequest(TimestampMixin, Model):
    """A company account asking the organizers to verify its organization: made at sign-up, and again
    when a refused account has corrected its details. The history of refusals (with reasons) stays."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")  # empty when verified

    organization: Mapped[Organization] = relationship()
