"""Login and logout; confirming one's address; setting a new password by a mailed link."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import HTTPException

from ..database import utcnow
from ..errors import DomainError
from ..extensions import db, limiter
from ..mail.addresses import normalize_email
from ..web.edge import commit_or_show, render_form
from ..web.forms import validated
from .companies import send_new_verification_link, verify_email
from .forms import EmailForm, LoginForm, NewPasswordForm
from .passwords import request_password_reset, reset_password, user_for_reset
from .services import authenticate, end_sessions

blueprint = Blueprint("auth", __name__, url_prefix="/auth")
# Asking for a mail to an address: per client, and per address whatever client asks.
MAIL_REQUEST_CLIENT_LIMIT = "10 per hour"
MAIL_REQUEST_ADDRESS_LIMIT = "3 per hour"


def safe_next_url(target: str | None) -> str | None:
    """Only same-site paths: an open redirect after login is a phishing tool."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def landing_page_for(user) -> str:
    if user.is_organizer:
        return url_for("manage.dashboard")
    return url_for("company.dashboard") if user.is_company_member else url_for("catalogue.home")


def posted_email() -> str:
    try:
        email = request.form.get("email", "")
    except HTTPException:  # e.g. a body over MAX_CONTENT_LENGTH, which the view then refuses
        email = ""
    return normalize_email(email)


def login_account_key() -> str:
    """The account a login attempt is for, however its address is spelled."""
    return "login-account:" + posted_email()


def mail_request_key() -> str:
    return f"mail-request:{request.endpoint}:" + posted_email()


def login_account_rate_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def is_failed_login(response) -> bool:
    return response.status_code != 302  # a login that succeeds redirects


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])  # per client address
@limiter.limit(login_account_rate_limit, methods=["POST"], key_func=login_account_key, deduct_when=is_failed_login)
def login():
    if current_user.is_authenticated:
        return redirect(landing_page_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(validated(form.email.data), validated(form.password.data))
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or landing_page_for(user))
        form.password.errors = [*form.password.errors, _("Wrong e-mail address or password.")]
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@blueprint.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_sessions(current_user)
        db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("catalogue.home"))


@blueprint.get("/verify/<token>", endpoint="verify_email")
def verify_email_link(token: str):
    try:
        user = verify_email(token, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        return render_template("auth/link_refused.html", message=error.message, form=EmailForm(),
                               resend_to=url_for("auth.resend_verification")), error.status
    db.session.commit()
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    signed_in_as_them = current_user.is_authenticated and current_user.id == user.id
    return redirect(url_for("company.dashboard") if signed_in_as_them else url_for("auth.login"))


@blueprint.post("/verify")
@limiter.limit(MAIL_REQUEST_CLIENT_LIMIT)
@limiter.limit(MAIL_REQUEST_ADDRESS_LIMIT, key_func=mail_request_key)
def resend_verification():
    """The same answer whether or not the address has an account waiting for confirmation."""
    form = EmailForm()
    if not form.validate_on_submit():
        return render_form("auth/link_refused.html", form, message=_("Please enter your e-mail address."),
                           resend_to=url_for("auth.resend_verification"))
    send_new_verification_link(validated(form.email.data), now=utcnow())
    db.session.commit()
    return render_template("auth/mail_sent.html", email=form.email.data, purpose="verify")


@blueprint.route("/reset", methods=["GET", "POST"])
@limiter.limit(MAIL_REQUEST_CLIENT_LIMIT, methods=["POST"])
@limiter.limit(MAIL_REQUEST_ADDRESS_LIMIT, methods=["POST"], key_func=mail_request_key)
def request_reset():
    """The same answer whether or not the address has an account."""
    form = EmailForm()
    if form.validate_on_submit():
        request_password_reset(validated(form.email.data), now=utcnow())
        db.session.commit()
        return render_template("auth/mail_sent.html", email=form.email.data, purpose="reset")
    return render_form("auth/reset_request.html", form)


@blueprint.route("/reset/<token>", methods=["GET", "POST"], endpoint="reset_password")
def reset_password_page(token: str):
    try:
        user = user_for_reset(token, now=utcnow())
    except DomainError as error:
        return render_template("auth/link_refused.html", message=error.message, form=EmailForm(),
                               resend_to=url_for("auth.request_reset")), error.status
    form = NewPasswordForm(email=user.email)
    if form.validate_on_submit() and commit_or_show(form, reset_password, token, validated(form.password.data),
                                                    now=utcnow()):
        logout_user()  # whoever was signed in here: the new password is what counts
        flash(_("Your new password is set. Please sign in with it."), "success")
        return redirect(url_for("auth.login"))
    return render_form("auth/reset_password.html", form)
