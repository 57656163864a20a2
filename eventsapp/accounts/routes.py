"""Login and logout."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import HTTPException

from ..extensions import db, limiter
from ..mail.addresses import normalize_email
from ..web.forms import validated
from .forms import LoginForm
from .services import authenticate, end_sessions

blueprint = Blueprint("auth", __name__, url_prefix="/auth")


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


def login_account_key() -> str:
    """The account a login attempt is for, however its address is spelled."""
    try:
        email = request.form.get("email", "")
    except HTTPException:  # e.g. a body over MAX_CONTENT_LENGTH, which the view then refuses
        email = ""
    return "login-account:" + normalize_email(email)


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
