"""The organizers' side of company accounts: verifying an organization, refusing it with a reason,
merging a new account into an organization the catalogue already has, and the join requests of
organizations without members (SPEC 4c)."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from ..accounts.companies import latest_verification_request
from ..accounts.mails import mail_organization_rejected, mail_organization_verified
from ..accounts.members import active_leads, has_members
from ..accounts.models import Invitation, JoinRequest, JoinStatus, User, VerificationRequest
from ..catalogue.models import Event, Organization, Sector, event_co_host
from ..catalogue.uscc import is_valid_uscc
from ..errors import NotAllowedInState, ValidationFailed
from ..extensions import db
from ..hosting.models import HostApplication
from ..registration.models import Delegation
from .models import CompanyFeed

# What a merged organization takes from the account when its own is empty.
MERGED_FIELDS = ("name_zh", "name_en", "website", "contact_phone", "contact_email", "description_zh",
                 "description_en")


@dataclass(frozen=True)
class PendingCompany:
    organization: Organization
    request: VerificationRequest
    leads: list[User]

    @property
    def uscc_is_valid(self) -> bool:
        return bool(self.organization.uscc) and is_valid_uscc(self.organization.uscc or "")


def pending_companies() -> list[PendingCompany]:
    """Accounts waiting for the organizers, oldest request first."""
    requests = db.session.scalars(
        select(VerificationRequest).join(Organization)
        .where(VerificationRequest.decided_at.is_(None), Organization.verified_at.is_(None))
        .order_by(VerificationRequest.id))
    return [PendingCompany(request.organization, request, active_leads(request.organization)) for request in requests]


def pending_company(organization: Organization) -> PendingCompany | None:
    request = latest_verification_request(organization)
    if organization.is_verified or request is None or request.decided_at is not None:
        return None
    return PendingCompany(organization, request, active_leads(organization))


def merge_targets() -> list[Organization]:
    """Organizations of the catalogue a new account may be merged into: those without members (every
    company account has at least its lead contact)."""
    with_members = select(User.organization_id).where(User.organization_id.is_not(None))
    return list(db.session.scalars(select(Organization).where(Organization.id.not_in(with_members))
                                   .order_by(Organization.name_en, Organization.id)))


def orphan_join_requests() -> list[JoinRequest]:
    """Requests to join an organization that has no one to decide them but the organizers."""
    with_members = select(User.organization_id).where(User.organization_id.is_not(None))
    return list(db.session.scalars(select(JoinRequest).where(JoinRequest.status == JoinStatus.PENDING,
                                                             JoinRequest.organization_id.not_in(with_members))
                                   .order_by(JoinRequest.id)))


def waiting_request(organization: Organization) -> VerificationRequest:
    pending = pending_company(organization)
    if pending is None:
        raise NotAllowedInState(_l("This organization does not wait for verification."))
    return pending.request


def verify_organization(organization: Organization, *, organizer: User, now: datetime) -> Organization:
    request = waiting_request(organization)
    request.decided_at, request.decided_by_id = now, organizer.id
    organization.verified_at = now
    db.session.flush()
    mail_organization_verified(organization, active_leads(organization), now=now)
    return organization


def reject_organization(organization: Organization, reason: str, *, organizer: User, now: datetime) -> Organization:
    """The account stays, unverified: its lead contact may correct the details and ask again."""
    if not reason.strip():
        raise ValidationFailed(_l("Say why, so that the company can correct it."), "reason")
    request = waiting_request(organization)
    request.decided_at, request.decided_by_id, request.rejection_reason = now, organizer.id, reason.strip()
    db.session.flush()
    mail_organization_rejected(organization, request.id, request.rejection_reason, active_leads(organization),
                               now=now)
    return organization


def check_merge(pending: Organization, target: Organization) -> None:
    waiting_request(pending)
    if target.id == pending.id:
        raise ValidationFailed(_l("Choose an organization of the catalogue."), "target")
    if has_members(target):
        raise NotAllowedInState(_l("%(organization)s already has members: ask them to invite these people "
                                   "instead.", organization=target.name), "target")
    if target.uscc and target.uscc != pending.uscc:
        raise NotAllowedInState(_l("%(organization)s has another Unified Social Credit Code.",
                                   organization=target.name), "target")
    if db.session.scalar(select(Event.id).where(Event.host_id == pending.id).limit(1)) is not None:
        raise NotAllowedInState(_l("This account already hosts events; it cannot be merged."), "target")
    if unhandled_references(pending):
        raise NotAllowedInState(_l("Other records refer to this account; it cannot be merged."), "target")


def unhandled_references(organization: Organization) -> list[str]:
    """Tables that point at the organization but that merging does not carry over (a table added later,
    say): merging must not let the database's cascade delete their rows silently."""
    handled = {model.__table__ for model in MOVED_WITH_THE_ACCOUNT} | {Event.__table__, event_co_host,
                                                                        CompanyFeed.__table__}
    references = [key.parent for table in db.metadata.sorted_tables if table not in handled
                  for key in table.foreign_keys if key.column.table is Organization.__table__]
    return [column.table.name for column in references
            if db.session.execute(select(column).where(column == organization.id).limit(1)).first()]


def move_co_hosting(pending: Organization, target: Organization) -> None:
    """Events that name the account as a co-host name the organization instead (once)."""
    already = select(event_co_host.c.event_id).where(event_co_host.c.organization_id == target.id)
    db.session.execute(delete(event_co_host).where(event_co_host.c.organization_id == pending.id,
                                                   event_co_host.c.event_id.in_(already)))
    db.session.execute(update(event_co_host).where(event_co_host.c.organization_id == pending.id)
                       .values(organization_id=target.id))


def move_company_feed(pending: Organization, target: Organization) -> None:
    """Its members' subscriptions keep working: the calendar address moves, unless the target has one."""
    if db.session.scalar(select(CompanyFeed.id).where(CompanyFeed.organization_id == target.id)) is None:
        db.session.execute(update(CompanyFeed).where(CompanyFeed.organization_id == pending.id)
                           .values(organization_id=target.id))


# Rows that belong to a company account and go with its people to the organization it is merged into.
MOVED_WITH_THE_ACCOUNT = (User, Invitation, JoinRequest, VerificationRequest, HostApplication, Delegation)


def merge_organization(pending: Organization, target: Organization, *, organizer: User,
                       now: datetime) -> Organization:
    """The account's people, invitations and requests (and anything else of it: co-hosted events, its
    calendar address) move to `target`, which takes the code and any field it lacks, and is verified;
    the account's own organization is deleted."""
    check_merge(pending, target)
    for model in MOVED_WITH_THE_ACCOUNT:
        db.session.execute(update(model).where(model.organization_id == pending.id)
                           .values(organization_id=target.id).execution_options(synchronize_session=False))
    move_co_hosting(pending, target)
    move_company_feed(pending, target)
    db.session.execute(update(VerificationRequest).where(VerificationRequest.organization_id == target.id,
                                                         VerificationRequest.decided_at.is_(None))
                       .values(decided_at=now, decided_by_id=organizer.id))
    code = pending.uscc
    for field in MERGED_FIELDS:
        if not getattr(target, field):
            setattr(target, field, getattr(pending, field))
    if target.sector == Sector.OTHER:
        target.sector = pending.sector
    pending.uscc = None
    db.session.flush()  # the code is unique: free it before the target takes it
    target.uscc = code
    target.verified_at = target.verified_at or now
    db.session.delete(pending)
    db.session.flush()
    db.session.expire_all()  # the moved rows were changed behind the session's back
    mail_organization_verified(target, active_leads(target), now=now)
    return target
