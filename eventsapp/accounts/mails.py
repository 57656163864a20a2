"""The mails of company accounts, each in its reader's language, queued in the caller's transaction.

Dedup keys name the change: a second request for a new link is a new change (its time is in the key);
a decision (an approval, a verification) is mailed once per reader."""
from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..catalogue.models import Organization
from ..mail.notices import Notice, queue_notice, queue_notice_to_each
from ..site import external_url
from .models import Invitation, JoinRequest, User
from .tokens import reset_token, verification_token

IGNORE_IF_NOT_YOU = _l("If you did not ask for this, you can ignore this message.")


def stamp(now: datetime) -> str:
    """The moment of a request for a new link, to the microsecond: each request is a change of its own."""
    return f"{now.timestamp():.6f}"


def mail_verification_link(user: User, *, now: datetime) -> None:
    url = external_url("auth.verify_email", token=verification_token(user, now=now))
    queue_notice(recipient=user.email, language=user.language, now=now,
                 dedup_key=f"user-{user.id}-verify-email-{stamp(now)}",
                 compose=lambda: Notice(
                     subject=_l("Confirm your e-mail address"),
                     paragraphs=[_l("Hello %(name)s,", name=user.name),
                                 _l("Please confirm that this address is yours. The link works for 48 hours.")],
                     action_label=_l("Confirm my address"), action_url=url, footnote=IGNORE_IF_NOT_YOU))


def mail_password_reset(user: User, *, now: datetime) -> None:
    url = external_url("auth.reset_password", token=reset_token(user, now=now))
    queue_notice(recipient=user.email, language=user.language, now=now,
                 dedup_key=f"user-{user.id}-password-reset-{stamp(now)}",
                 compose=lambda: Notice(
                     subject=_l("Set a new password"),
                     paragraphs=[_l("Hello %(name)s,", name=user.name or user.email),
                                 _l("Someone (we hope you) asked to set a new password for your account. The link "
                                    "works for one hour, once.")],
                     action_label=_l("Set a new password"), action_url=url,
                     footnote=_l("If you did not ask for this, ignore this message: your password stays as it "
                                 "is.")))


def mail_invitation(invitation: Invitation, token: str, *, language: str, now: datetime) -> None:
    url = external_url("auth.accept_invitation", token=token)
    inviter = invitation.invited_by.name if invitation.invited_by else ""
    organization = invitation.organization
    queue_notice(recipient=invitation.email, language=language, now=now,
                 dedup_key=f"invitation-{invitation.id}-sent-{stamp(now)}",
                 compose=lambda: Notice(
                     subject=_l("Join %(organization)s on Quality Campaign Events", organization=organization.name),
                     paragraphs=[_l("%(inviter)s invites you to join %(organization)s, to register for events "
                                    "and follow its host applications and delegations.",
                                    inviter=inviter, organization=organization.name),
                                 _l("The link works for 7 days.")],
                     action_label=_l("Accept the invitation"), action_url=url, footnote=IGNORE_IF_NOT_YOU))


def mail_join_request_to_leads(join_request: JoinRequest, leads: Iterable[User], *, now: datetime) -> None:
    url = external_url("company_account.members")
    queue_notice_to_each(leads, now=now, dedup_key=f"join-request-{join_request.id}", compose=lambda: Notice(
        subject=_l("%(name)s asks to join your organization", name=join_request.name),
        paragraphs=[_l("%(name)s (%(email)s) asks to join %(organization)s. Approve or refuse the request on the "
                       "members page.", name=join_request.name, email=join_request.email,
                       organization=join_request.organization.name)],
        action_label=_l("Members"), action_url=url))


def mail_join_outcome(join_request: JoinRequest, user: User | None, *, now: datetime) -> None:
    """Approved: with a link that confirms the address (the user is made now). Refused: just that.
    Written in the requester's language (the organization's name too), not the decider's."""
    organization = join_request.organization
    url = external_url("auth.verify_email", token=verification_token(user, now=now)) if user is not None else ""

    def compose() -> Notice:
        if user is not None:
            return Notice(subject=_l("Welcome to %(organization)s", organization=organization.name),
                          paragraphs=[_l("Your request to join %(organization)s was approved.",
                                         organization=organization.name),
                                      _l("Confirm your address, then sign in with the password you chose.")],
                          action_label=_l("Confirm my address"), action_url=url)
        return Notice(subject=_l("Your request to join %(organization)s", organization=organization.name),
                      paragraphs=[_l("Your request to join %(organization)s was not approved. If you think this is "
                                     "a mistake, please contact the organization.", organization=organization.name)])

    queue_notice(recipient=join_request.email, language=join_request.language, now=now,
                 dedup_key=f"join-request-{join_request.id}-{join_request.status}", compose=compose)


def mail_organization_verified(organization: Organization, leads: Iterable[User], *, now: datetime) -> None:
    url = external_url("company.dashboard")
    queue_notice_to_each(leads, now=now, dedup_key=f"organization-{organization.id}-verified", compose=lambda: Notice(
        subject=_l("%(organization)s is verified", organization=organization.name),
        paragraphs=[_l("The organizers have verified %(organization)s. You can now apply to host events and receive "
                       "seats for your colleagues.", organization=organization.name)],
        action_label=_l("Your company page"), action_url=url))


def mail_organization_rejected(organization: Organization, request_id: int, reason: str, leads: Iterable[User],
                               *, now: datetime) -> None:
    url = external_url("company_account.profile")
    rejected = f"verification-request-{request_id}-rejected"
    queue_notice_to_each(leads, now=now, dedup_key=rejected, compose=lambda: Notice(
        subject=_l("%(organization)s could not be verified", organization=organization.name),
        paragraphs=[_l("The organizers could not verify %(organization)s, for this reason:",
                       organization=organization.name), reason,
                    _l("Correct your organization's details and ask again on its profile page.")],
        action_label=_l("Your organization's details"), action_url=url))
