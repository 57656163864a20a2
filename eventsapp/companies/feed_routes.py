"""The company calendar feed, reached by its secret address only."""
from flask import Blueprint, abort
from flask_babel import gettext as _

from ..feeds.routes import serve, with_site_name
from ..languages import pick_language
from .feed import company_scope, find_company_feed

blueprint = Blueprint("company_feed", __name__)


@blueprint.get("/feeds/companies/<token>.ics")
def company_feed(token: str):
    feed = find_company_feed(token) or abort(404)
    organization = feed.organization
    return serve(company_scope(organization), lambda lang: with_site_name(
        f"{pick_language(organization.name_zh, organization.name_en, lang)} · {_('Company calendar')}", lang),
        private=True)
