"""Filters and globals every template can use."""
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_babel import gettext as _

from .catalogue.labels import SECTOR_LABELS, STATUS_LABELS
from .registration.labels import REGISTRATION_STATUS_LABELS
from .i18n import LANGUAGE_NAMES, current_language, format_local_date, format_local_span, format_local_time, ordinal


def url_in_language(lang: str) -> str:
    """This page, switched to another language (the choice is then remembered in the session)."""
    args = request.args.to_dict()
    args["lang"] = lang
    if request.endpoint is None:
        return url_for("catalogue.home", lang=lang)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def external_url(endpoint: str, **values) -> str:
    """An absolute link under BASE_URL, also outside a request (e-mails built by a worker)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def absolute_url(path: str) -> str:
    """A path under BASE_URL, e.g. for addresses people copy into a calendar app."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def event_ordinal(number: int) -> str:
    """'1st event' / '第1场'."""
    return _("%(ordinal)s event", ordinal=ordinal(number, current_language()))


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_date=lambda moment, tz, fmt="full": format_local_date(moment, tz, fmt),
        local_time=format_local_time,
        event_span=lambda event: format_local_span(event.starts_at, event.ends_at, event.timezone),
        session_span=lambda session, tz: f"{format_local_time(session.starts_at, tz)}–"
                                         f"{format_local_time(session.ends_at, tz)}",
    )
    app.jinja_env.globals.update(
        current_language=current_language,
        url_in_language=url_in_language,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        STATUS_LABELS=STATUS_LABELS,
        SECTOR_LABELS=SECTOR_LABELS,
        REGISTRATION_STATUS_LABELS=REGISTRATION_STATUS_LABELS,
        event_ordinal=event_ordinal,
        external_url=external_url,
        absolute_url=absolute_url,
    )
