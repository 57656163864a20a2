"""Filters and globals every template can use. Domains add their own labels in their init_app."""
from urllib.parse import urlencode

from flask import Flask, request, url_for

from ..i18n import current_language, format_local_date, format_local_moment, format_local_span, format_local_time
from ..languages import LANGUAGE_NAMES
from ..site import absolute_url, external_url, organizer_address


def url_in_language(lang: str) -> str:
    """This page, switched to another language (the choice is then remembered in the session).

    Built from the route's own arguments only; the rest of the query string is copied as text,
    never handed to url_for, where `?_method=` or `?event_id=` would break the page."""
    if request.endpoint is None or request.view_args is None:
        return url_for("catalogue.home", lang=lang)
    query = [(name, value) for name, value in request.args.items(multi=True) if name != "lang"]
    return url_for(request.endpoint, **request.view_args) + "?" + urlencode([*query, ("lang", lang)])


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_date=lambda moment, tz, fmt="full": format_local_date(moment, tz, fmt),
        local_time=format_local_time,
        local_moment=format_local_moment,
        event_span=lambda event: format_local_span(event.starts_at, event.ends_at, event.timezone),
        session_span=lambda session, tz: f"{format_local_time(session.starts_at, tz)}–"
                                         f"{format_local_time(session.ends_at, tz)}",
    )
    app.jinja_env.globals.update(
        current_language=current_language,
        url_in_language=url_in_language,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        external_url=external_url,
        absolute_url=absolute_url,
        organizer_address=organizer_address,  # where people write to the organizers (privacy notice)
    )
