"""The company's own pages under /company/: its members (every member sees them, the lead contact acts)
and the organization's details (the lead contact's). Rows are found through g.company, never by a bare
id: another company's member, invitation or request answers 404."""
from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..database import utcnow
from ..i18n import current_language
from ..web.company import company_blueprint, require_company_lead
from ..web.edge import commit_or_show, confirmed_action, render_form
from ..web.forms import ConfirmForm, validated
from . import companies, invitations, members
from .forms import InviteForm, ProfileForm
from .models import CompanyRole, Invitation, JoinRequest, User

blueprint = company_blueprint("company_account", __name__)


def back() -> str:
    return url_for("company_account.members")


def members_page(form: InviteForm | None = None):
    company = g.company
    return render_form("company/members.html", form or InviteForm(organization=company), company=company,
                       members=members.active_members(company), invitations=invitations.open_invitations(company),
                       join_requests=members.pending_join_requests(company), confirm=ConfirmForm(), now=utcnow())


def member_or_404(user_id: int) -> User:
    return members.member_of(g.company, user_id) or abort(404)


def invitation_or_404(invitation_id: int) -> Invitation:
    return invitations.invitation_of(g.company, invitation_id) or abort(404)


def join_request_or_404(request_id: int) -> JoinRequest:
    join_request = members.join_request_of(g.company, request_id)
    return join_request or abort(404)


@blueprint.get("/members", endpoint="members")
def members_index():
    return members_page()


@blueprint.post("/members/invite")
def invite():
    require_company_lead()
    form = InviteForm(organization=g.company)
    if form.validate_on_submit() and commit_or_show(form, invitations.invite_colleague, g.company,
                                                    validated(form.email.data), inviter=current_user,
                                                    language=current_language(), now=utcnow()):
        flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
        return redirect(back())
    page, status = members_page(form)
    return page, 409 if form.conflict else status


@blueprint.post("/invitations/<id:invitation_id>/resend")
def resend_invitation(invitation_id: int):
    require_company_lead()
    invitation = invitation_or_404(invitation_id)
    return confirmed_action(invitations.send_invitation, invitation, language=current_language(), now=utcnow(),
                            done=_("Invitation sent again to %(email)s.", email=invitation.email), back=back())


@blueprint.post("/invitations/<id:invitation_id>/revoke")
def revoke_invitation(invitation_id: int):
    require_company_lead()
    invitation = invitation_or_404(invitation_id)
    return confirmed_action(invitations.revoke_invitation, invitation, now=utcnow(),
                            done=_("Invitation withdrawn."), back=back())


@blueprint.post("/members/<id:user_id>/lead")
def make_lead(user_id: int):
    require_company_lead()
    return confirmed_action(members.set_company_role, g.company, member_or_404(user_id), CompanyRole.LEAD,
                            done=_("They are now a lead contact."), back=back())


@blueprint.post("/members/<id:user_id>/member")
def make_member(user_id: int):
    require_company_lead()
    return confirmed_action(members.set_company_role, g.company, member_or_404(user_id), CompanyRole.MEMBER,
                            done=_("They are now a member."), back=back())


@blueprint.post("/members/<id:user_id>/remove")
def remove_member(user_id: int):
    require_company_lead()
    return confirmed_action(members.remove_member, g.company, member_or_404(user_id),
                            done=_("Member removed: they can no longer sign in."), back=back())


@blueprint.post("/join-requests/<id:request_id>/approve")
def approve_join_request(request_id: int):
    require_company_lead()
    return confirmed_action(members.approve_join_request, join_request_or_404(request_id), decider=current_user,
                            now=utcnow(), done=_("Request approved: they are a member now."), back=back())


@blueprint.post("/join-requests/<id:request_id>/refuse")
def refuse_join_request(request_id: int):
    require_company_lead()
    return confirmed_action(members.refuse_join_request, join_request_or_404(request_id), decider=current_user,
                            now=utcnow(), done=_("Request refused."), back=back())


@blueprint.route("/profile", methods=["GET", "POST"])
def profile():
    require_company_lead()
    company = g.company
    form = ProfileForm(organization=company)
    if form.validate_on_submit() and commit_or_show(form, companies.update_company_details, company,
                                                    form.to_details()):
        flash(_("Your organization's details are saved."), "success")
        return redirect(url_for("company_account.profile"))
    return render_form("company/profile.html", form, company=company, confirm=ConfirmForm(),
                       verification=companies.latest_verification_request(company))


@blueprint.post("/profile/verification")
def ask_for_verification():
    require_company_lead()
    return confirmed_action(companies.ask_for_verification_again, g.company,
                            done=_("The organizers will look at your organization again."),
                            back=url_for("company_account.profile"))
