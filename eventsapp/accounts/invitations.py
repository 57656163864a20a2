"""Invitations: a lead contact invites a colleague by e-mail; the link lets them make their account.

The link carries a random token; the database keeps only its SHA-256. Resending makes a new token and
a new week, so only the latest link works."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalogue.models import Organization
from ..errors import Conflict, NotAllowedInState, ValidationFailed
from ..extensions import db
from ..mail.addresses import normalize_email
from ..text import has_control_character
from .mails import mail_invitation
from .models import CompanyRole, Invitation, Role, User
from .services import check_email_free, check_new_password, insert_account
from .tokens import LinkExpired, LinkRefused

INVITATION_LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class Invitee:
    """What the invited person fills in; the address is the invitation's. `phone` in E.164."""

    name: str
    phone: str
    password: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_invitations(organization: Organization) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(
        Invitation.organization_id == organization.id, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None)).order_by(Invitation.id)))


def invitation_of(organization: Organization, invitation_id: int) -> Invitation | None:
    invitation = db.session.get(Invitation, invitation_id)
    return invitation if invitation is not None and invitation.organization_id == organization.id else None


def check_invitable(organization: Organization, email: str) -> None:
    check_email_free(email)
    if any(invitation.email == normalize_email(email) for invitation in open_invitations(organization)):
        raise Conflict(_l("This address is already invited: resend the invitation from the list below."), "email")


def invite_colleague(organization: Organization, email: str, *, inviter: User, language: str,
                     now: datetime) -> Invitation:
    """Raises Conflict when the address has an account or an open invitation."""
    check_invitable(organization, email)
    invitation = Invitation(organization=organization, email=normalize_email(email), invited_by=inviter,
                            token_hash="", expires_at=now)
    db.session.add(invitation)
    send_invitation(invitation, language=language, now=now)
    return invitation


def send_invitation(invitation: Invitation, *, language: str, now: datetime) -> None:
    """A new link, valid a week from now (a resent invitation's old link stops working)."""
    if not invitation.is_open:
        raise NotAllowedInState(_l("This invitation was accepted or revoked."))
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = now + INVITATION_LIFETIME
    db.session.flush()
    mail_invitation(invitation, token, language=language, now=now)


def revoke_invitation(invitation: Invitation, *, now: datetime) -> Invitation:
    if not invitation.is_open:
        raise NotAllowedInState(_l("This invitation was accepted or revoked."))
    invitation.revoked_at = now
    db.session.flush()
    return invitation


def find_invitation(token: str, *, now: datetime) -> Invitation:
    """The invitation this link opens. Raises LinkRefused (forged, revoked, used) or LinkExpired."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        raise LinkRefused(_l("This invitation link is not valid. Ask your lead contact to send it again."))
    if invitation.revoked_at is not None:
        raise LinkRefused(_l("This invitation was withdrawn."))
    if invitation.accepted_at is not None:
        raise LinkRefused(_l("This invitation has been used already. Sign in with your e-mail address."))
    if now >= invitation.expires_at:
        raise LinkExpired(_l("This invitation has expired. Ask your lead contact to send it again."))
    return invitation


def accept_invitation(token: str, invitee: Invitee, *, language: str, now: datetime) -> User:
    """The colleague's account, as a member, its address confirmed (the link reached it)."""
    invitation = find_invitation(token, now=now)
    if not invitee.name.strip() or has_control_character(invitee.name):
        raise ValidationFailed(_l("Please enter your name."), "name")
    check_new_password(invitee.password, email=invitation.email)
    check_email_free(invitation.email)
    user = User(email=invitation.email, name=invitee.name, phone=invitee.phone, language=language,
                role=Role.COMPANY_MEMBER, company_role=CompanyRole.MEMBER, organization=invitation.organization,
                email_verified_at=now)
    user.set_password(invitee.password)
    insert_account(user)
    invitation.accepted_at = now
    db.session.flush()
    return user
