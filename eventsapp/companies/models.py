"""The company calendar feed's secret address (SPEC 4c)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalogue.models import Organization
from ..database import TimestampMixin
from ..extensions import Model
from ..registration.models import new_token


class CompanyFeed(TimestampMixin, Model):
    """/feeds/companies/<token>.ics: one per organization, created on first use; a lead contact replaces
    the token when the address leaked, and the old one stops answering."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)

    organization: Mapped[Organization] = relationship()
