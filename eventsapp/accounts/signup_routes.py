"""Company sign-up, asking to join an organization that has an account, and accepting an invitation:
pages of the `auth` blueprint for people without an account yet."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..database import utcnow
from ..errors import Conflict, DomainError
from ..extensions import db, limiter
from ..i18n import current_language
from ..web.forms import attach_domain_error
from .companies import register_company, request_to_join
from .forms import AcceptInvitationForm, CompanySignUpForm, EmailForm, JoinForm
from .invitations import accept_invitation, find_invitation
from .routes import blueprint, landing_page_for

SIGN_UP_LIMIT = "20 per hour"  # per client address: a company's office shares one


def refusal_status(form, error: DomainError | None = None) -> int:
    """409 when the address or the code is taken, 422 for anything else wrong."""
    if error is not None:
        return error.status
    return 409 if getattr(form, "conflict", False) else 422


def save_or_show(form, save, *args, **kwargs):
    """Call the service and commit; or show its refusal next to the field. The result, or None."""
    try:
        result = save(*args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        attach_domain_error(form, error)
        form.conflict = isinstance(error, Conflict)
        if error.field == "uscc" and isinstance(error, Conflict):
            form.taken_uscc = form.uscc.data
        return None
    db.session.commit()
    return result


@blueprint.route("/register", methods=["GET", "POST"])
@limiter.limit(SIGN_UP_LIMIT, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(landing_page_for(current_user))
    form = CompanySignUpForm()
    if form.validate_on_submit():
        user = save_or_show(form, register_company, form.company_details(), form.to_person(),
                            language=current_language(), now=utcnow())
        if user is not None:
            login_user(user)
            return render_template("auth/mail_sent.html", email=user.email, purpose="signed_up")
    status = refusal_status(form) if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


@blueprint.route("/join", methods=["GET", "POST"])
@limiter.limit(SIGN_UP_LIMIT, methods=["POST"])
def join():
    form = JoinForm()
    if request.method == "GET" and request.args.get("uscc"):
        form.uscc.data = request.args["uscc"].strip().upper()[:40]
    if form.validate_on_submit():
        join_request = save_or_show(form, request_to_join, form.uscc.data, form.to_person(),
                                    language=current_language(), now=utcnow())
        if join_request is not None:
            return render_template("auth/join_requested.html", email=join_request.email)
    status = refusal_status(form) if request.method == "POST" else 200
    return render_template("auth/join.html", form=form), status


@blueprint.route("/invitations/<token>", methods=["GET", "POST"], endpoint="accept_invitation")
@limiter.limit(SIGN_UP_LIMIT, methods=["POST"])
def invitation_page(token: str):
    try:
        invitation = find_invitation(token, now=utcnow())
    except DomainError as error:
        return render_template("auth/link_refused.html", message=error.message, form=EmailForm(),
                               resend_to=None), error.status
    form = AcceptInvitationForm(email=invitation.email)
    if form.validate_on_submit():
        user = save_or_show(form, accept_invitation, token, form.to_invitee(), language=current_language(),
                            now=utcnow())
        if user is not None:
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("company.dashboard"))
    status = refusal_status(form) if request.method == "POST" else 200
    return render_template("auth/invitation.html", form=form, invitation=invitation), status
