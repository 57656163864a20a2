"""What every web page shares: URL rules, language choice, error pages, template helpers, security
headers, and the base pieces of forms (forms.py), routes (edge.py) and back-office pages (backoffice.py)."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here, when the app is made: a route importing web.forms loads only what forms need.
    from werkzeug.middleware.proxy_fix import ProxyFix

    from ..acting import find_actor_with
    from ..extensions import babel
    from .errors import register_error_handlers
    from .locale import select_locale
    from .security import register_security_headers
    from .sessions import NoSessionForTheApi
    from .templating import register_template_helpers
    from .urls import DatabaseIdConverter, refuse_nul_in_urls, refuse_unreadable_json

    app.url_map.converters["id"] = DatabaseIdConverter
    app.before_request(refuse_nul_in_urls)
    app.before_request(refuse_unreadable_json)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]  # as Flask's docs do
    babel.init_app(app, locale_selector=select_locale)
    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    find_actor_with(app, signed_in_actor)
    app.session_interface = NoSessionForTheApi()  # the API reads no cookie


def signed_in_actor():
    """Who the audit log says made a change in this request: the signed-in organizer or company member, also
    on a public page (an organizer opening an attendee's link acts as themselves). The API reads no cookie:
    a sign-up through a partner's site or app is the attendee's own (Origin.PUBLIC)."""
    from flask_login import current_user

    from ..acting import Origin
    from .urls import is_api_request

    if is_api_request() or not current_user.is_authenticated:
        return None
    return current_user.id, Origin.ORGANIZER if current_user.is_organizer else Origin.COMPANY

