"""The call for hosts (SPEC 2, "Host application"; 4c): organizers open a call per campaign, verified
companies apply to host an event, organizers accept (a draft event) or decline."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: importing the package (for a model or a service) must not load its pages.
    from ..database import utcnow
    from ..i18n import format_local_span
    from . import campaign_guard
    from .company_routes import blueprint as company_pages
    from .labels import APPLICATION_STATUS_LABELS
    from .manage_routes import blueprint as back_office
    from .queries import open_call_of

    campaign_guard.connect()  # a campaign with applications is not deleted
    app.register_blueprint(back_office)
    app.register_blueprint(company_pages)
    app.jinja_env.filters["application_span"] = lambda application: format_local_span(
        application.starts_at, application.ends_at, application.timezone)
    app.jinja_env.globals.update(
        APPLICATION_STATUS_LABELS=APPLICATION_STATUS_LABELS,
        open_host_call=lambda campaign: open_call_of(campaign, now=utcnow()),  # the public campaign page
    )
