"""The company area under /company/ (SPEC 4c). Each domain has its own company blueprint, made here so
that every page of it is guarded the same way: a member acts only for their own organization."""
from flask import Blueprint, abort, g, make_response, render_template, request
from flask_login import current_user

from ..extensions import login_manager


def company_blueprint(name: str, import_name: str) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix="/company")
    blueprint.before_request(require_company_member)
    return blueprint


# The one company page open before the member has confirmed their address: it says where they stand.
OPEN_BEFORE_CONFIRMATION = {"company.dashboard"}


def require_company_member():
    """Every company page: anonymous → login page; an organizer or a user of no company → 403; a member
    whose address is not confirmed yet sees only the dashboard (someone who joined with another
    person's address must not read what the company sees). `g.company` is the member's organization:
    pages look rows up through it, never by a bare id."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_company_member:
        abort(403)
    if request.endpoint not in OPEN_BEFORE_CONFIRMATION:
        require_verified_address()
    g.company = current_user.organization
    return None


def require_company_lead() -> None:
    """Managing members, applications and delegations is the lead contact's (SPEC 4c)."""
    if not current_user.is_company_lead:
        abort(403)


def require_verified_company() -> None:
    """Applying to host and receiving seats wait for an organizer's check of the organization, and for the
    member's own address to be confirmed."""
    require_verified_address()
    if not current_user.acts_for_verified_company:
        abort(403)


def require_verified_address() -> None:
    """Pages beyond the dashboard wait until the member has confirmed their e-mail address: the page
    says so and offers a new link (a member signs in before confirming, to see where they stand)."""
    if current_user.email_verified_at is None:
        abort(make_response(render_template("auth/confirm_first.html", email=current_user.email), 403))
