"""Which language a page is shown in: ?lang= wins and is remembered, then the remembered choice,
then the browser's Accept-Language. The API remembers nothing: ?lang=, then Accept-Language."""
from flask import current_app, has_request_context, request, session

from ..languages import LANGUAGES
from .urls import is_api_request


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang", "").strip().lower()
    if asked in LANGUAGES:
        if not is_api_request():
            session["lang"] = asked
        return asked
    remembered = None if is_api_request() else session.get("lang")
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["BABEL_DEFAULT_LOCALE"]
