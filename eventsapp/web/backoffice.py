"""The organizer back office under /manage/. Each domain has its own back-office blueprint, made here
so that every page of it is guarded the same way."""
from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import login_manager


def backoffice_blueprint(name: str, import_name: str) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix="/manage")
    blueprint.before_request(require_organizer)
    return blueprint


def require_organizer():
    """Every back-office page: anonymous → login page, signed-in non-organizer → 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_organizer:
        abort(403)
    return None
