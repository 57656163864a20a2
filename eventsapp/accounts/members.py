"""A company's members: who they are, their role, leaving, and the requests to join (SPEC 4c).

The lead contact acts for the organization; an organizer decides the join requests of an organization
that has no members yet (one the organizers entered in the catalogue)."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..catalogue.models import Organization
from ..errors import Conflict, NotAllowedInState
from ..extensions import db
from .mails import mail_join_outcome
from .models import CompanyRole, JoinRequest, JoinStatus, Role, User
from .services import find_user_by_email


def active_members(organization: Organization) -> list[User]:
    return list(db.session.scalars(select(User).where(User.organization_id == organization.id,
                                                      User.is_active_account.is_(True))
                                   .order_by(User.name, User.id)))


def active_leads(organization: Organization) -> list[User]:
    return [member for member in active_members(organization) if member.company_role == CompanyRole.LEAD]


def has_members(organization: Organization) -> bool:
    """Any user at all, also removed ones: their history belongs to this organization."""
    return bool(db.session.scalar(select(func.count(User.id)).where(User.organization_id == organization.id)))


def pending_join_requests(organization: Organization) -> list[JoinRequest]:
    return list(db.session.scalars(select(JoinRequest).where(JoinRequest.organization_id == organization.id,
                                                             JoinRequest.status == JoinStatus.PENDING)
                                   .order_by(JoinRequest.id)))


def member_of(organization: Organization, user_id: int) -> User | None:
    """An active member of this organization; None for anyone else's (the page answers 404)."""
    user = db.session.get(User, user_id)
    if user is None or user.organization_id != organization.id or not user.is_active_account:
        return None
    return user


def check_keeps_a_lead(organization: Organization, member: User) -> None:
    if member.company_role == CompanyRole.LEAD and len(active_leads(organization)) <= 1:
        raise NotAllowedInState(_l("An organization needs a lead contact: make someone else lead contact first."))


def set_company_role(organization: Organization, member: User, role: CompanyRole) -> User:
    """Make a member lead contact, or a lead contact member again (never the last one)."""
    if role != CompanyRole.LEAD:
        check_keeps_a_lead(organization, member)
    member.company_role = role
    db.session.flush()
    return member


def remove_member(organization: Organization, member: User) -> User:
    """The account is closed, not deleted: what they did stays, and they can no longer sign in."""
    check_keeps_a_lead(organization, member)
    member.is_active_account = False
    member.end_sessions()
    db.session.flush()
    return member


def check_may_decide(join_request: JoinRequest, decider: User) -> None:
    """The organization's lead contact; an organizer when it has no members to ask."""
    organization = join_request.organization
    if decider.is_organizer:
        allowed = not has_members(organization)
    else:
        allowed = decider.is_company_lead and decider.organization_id == organization.id
    if not allowed:
        raise NotAllowedInState(_l("This request is for the organization's lead contact to decide."))
    if join_request.status != JoinStatus.PENDING:
        raise NotAllowedInState(_l("This request has already been decided."))


def approve_join_request(join_request: JoinRequest, *, decider: User, now: datetime) -> User:
    """Makes the person's account (lead contact of an organization that had no members) and mails them a
    link to confirm their address. Raises NotAllowedInState, Conflict."""
    check_may_decide(join_request, decider)
    if find_user_by_email(join_request.email) is not None:
        raise Conflict(_l("An account with this e-mail address exists now; refuse this request."))
    organization = join_request.organization
    role = CompanyRole.MEMBER if has_members(organization) else CompanyRole.LEAD
    user = User(email=join_request.email, name=join_request.name, phone=join_request.phone,
                password_hash=join_request.password_hash, language=join_request.language,
                role=Role.COMPANY_MEMBER, company_role=role, organization=organization)
    db.session.add(user)
    decide(join_request, JoinStatus.APPROVED, decider=decider, now=now)
    mail_join_outcome(join_request, user, now=now)
    return user


def refuse_join_request(join_request: JoinRequest, *, decider: User, now: datetime) -> JoinRequest:
    check_may_decide(join_request, decider)
    decide(join_request, JoinStatus.REFUSED, decider=decider, now=now)
    mail_join_outcome(join_request, None, now=now)
    return join_request


def decide(join_request: JoinRequest, status: JoinStatus, *, decider: User, now: datetime) -> None:
    join_request.status = status
    join_request.decided_at = now
    join_request.decided_by_id = decider.id
    join_request.password_hash = ""  # kept only until the account is made
    db.session.flush()


def join_request_of(organization: Organization, request_id: int) -> JoinRequest | None:
    join_request = db.session.get(JoinRequest, request_id)
    return join_request if join_request is not None and join_request.organization_id == organization.id else None
