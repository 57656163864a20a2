"""Users: organizers and company members. Attendees need no account."""
from __future__ import annotations

import enum
import functools
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug import security

from ..catalogue.models import Organization
from ..database import TimestampMixin, UTCDateTime, enum_column
from ..extensions import Model


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

    organization: Mapped[Organization | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

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
