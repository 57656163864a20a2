"""The JSON API for partners (SPEC 5): a park's website, a district portal or a mini-program lists the
campaign's events and signs people up, under /api/v1, described by /api/v1/openapi.json (OpenAPI 3.1,
written by APIFlask from the schemas that validate requests) and browsable at /api/v1/docs."""
from flask import Flask

SPEC_PATH = "/api/v1/openapi.json"


def init_app(app: Flask) -> None:
    from apiflask import HTTPError

    from ..extensions import csrf
    from ..mail.worker import add_before_pass_hook
    from .answers import answered_by_etag, error_answer
    from .idempotency import purge_expired_answers
    from .routes import blueprint
    from .schemas import API_ERROR_SCHEMA

    app.config.update(HTTP_ERROR_SCHEMA=API_ERROR_SCHEMA, VALIDATION_ERROR_SCHEMA=API_ERROR_SCHEMA,
                      SPEC_DECORATORS=[answered_by_etag])
    # APIFlask's own errors (a request that breaks a schema, HTTPError): in the API's one shape. Not through
    # app.error_processor, which would turn every page's 404 into JSON too.
    app.register_error_handler(HTTPError, error_answer)
    csrf.exempt(blueprint)
    app.register_blueprint(blueprint)

    # APIFlask reads `enable_openapi` from every blueprint with a before_request function, and Flask's own
    # blueprints (the pages) have none: they are not part of the API's document. Hence init_app comes last.
    for pages in app.blueprints.values():
        if not hasattr(pages, "enable_openapi"):
            pages.enable_openapi = False  # type: ignore[attr-defined]
    app.spec_processor(database_ids_are_integers)  # type: ignore[attr-defined]  # an APIFlask
    add_before_pass_hook(app, purge_expired_answers)  # kept answers hold manage tokens: gone after 24 h


def database_ids_are_integers(spec: dict) -> dict:
    """`<id:event_id>` (web/urls.DatabaseIdConverter) is an integer from 1 to 2**31 - 1; APIFlask documents a
    custom converter as a string."""
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("name", "").endswith("_id"):
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    return spec
