"""The organizer back office under /manage/. Domains add their pages to this blueprint."""
from flask import Blueprint, abort, render_template
from flask_login import current_user

from .extensions import login_manager

blueprint = Blueprint("manage", __name__, url_prefix="/manage")


@blueprint.before_request
def require_organizer():
    """Every back-office page: anonymous → login page, signed-in non-organizer → 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_organizer:
        abort(403)
    return None


@blueprint.get("/")
def dashboard():
    from .catalogue.queries import dashboard_summary
    from .database import utcnow

    return render_template("manage/dashboard.html", summary=dashboard_summary(now=utcnow()))
