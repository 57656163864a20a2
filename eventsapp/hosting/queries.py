"""What the hosting pages read: calls, applications, and who is told of them."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, User
from ..catalogue.models import Campaign, Organization
from ..extensions import db
from .models import ApplicationStatus, HostApplication, HostCall

# An application as the lists show it: its call's campaign, its company, its draft event.
APPLICATION_LOADING = (selectinload(HostApplication.call).selectinload(HostCall.campaign),
                       selectinload(HostApplication.organization), selectinload(HostApplication.event))


def call_of(campaign: Campaign) -> HostCall | None:
    return db.session.scalar(select(HostCall).where(HostCall.campaign_id == campaign.id))


def open_call_of(campaign: Campaign, *, now: datetime) -> HostCall | None:
    call = call_of(campaign)
    return call if call is not None and call.is_open(now) else None


def open_calls(*, now: datetime) -> list[HostCall]:
    """Calls a company can apply to now, the nearest deadline first."""
    return list(db.session.scalars(
        select(HostCall).where(HostCall.closed_at.is_(None), HostCall.deadline > now)
        .options(selectinload(HostCall.campaign)).order_by(HostCall.deadline, HostCall.id)))


def applications_of(organization: Organization) -> list[HostApplication]:
    """A company's applications, the newest first (its /company/ pages and dashboard)."""
    return list(db.session.scalars(
        select(HostApplication).where(HostApplication.organization_id == organization.id)
        .options(*APPLICATION_LOADING).order_by(HostApplication.submitted_at.desc(), HostApplication.id.desc())))


def application_of(organization: Organization, application_id: int) -> HostApplication | None:
    """One of this company's applications; None for another company's (its pages answer 404)."""
    return db.session.scalar(select(HostApplication).where(HostApplication.id == application_id,
                                                           HostApplication.organization_id == organization.id))


def applications_to(call: HostCall, *, status: ApplicationStatus | None = None) -> list[HostApplication]:
    """Every application to a call, in the order they came in; only those in `status` when given."""
    query = select(HostApplication).where(HostApplication.call_id == call.id).options(*APPLICATION_LOADING)
    if status is not None:
        query = query.where(HostApplication.status == status)
    return list(db.session.scalars(query.order_by(HostApplication.submitted_at, HostApplication.id)))


def open_application(call: HostCall, organization: Organization) -> HostApplication | None:
    """The company's application to this call that is waiting for review, if any."""
    return db.session.scalar(select(HostApplication).where(
        HostApplication.call_id == call.id, HostApplication.organization_id == organization.id,
        HostApplication.status == ApplicationStatus.SUBMITTED))


def active_organizers() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.ORGANIZER, User.is_active_account.is_(True))
                                   .order_by(User.id)))
