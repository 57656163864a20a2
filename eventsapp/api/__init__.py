"""The JSON API for partners (SPEC 5): a park's website, a district portal or a mini-program lists the
campaign's events and signs people up, under /api/v1, described by /api/v1/openapi.json (OpenAPI 3.1,
written by APIFlask from the schemas that validate requests) and browsable at /api/v1/docs."""
from flask import Flask

SPEC_PATH = "/api/v1/openapi.json"


def init_app(app: Flask) -> None:
    from apiflask import HTTPError

    from ..extensions import csrf
    from ..mail.worker import add_before_pass_hook
    from . import registration_routes  # noqa: F401  # its routes are the blueprint's too
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
    app.spec_processor(complete_the_document)  # type: ignore[attr-defined]  # an APIFlask
    add_before_pass_hook(app, purge_expired_answers)  # kept answers hold manage tokens: gone after 24 h


def complete_the_document(spec: dict) -> dict:
    """What APIFlask does not write from the schemas: `<id:...>` (web/urls.DatabaseIdConverter) is an integer
    from 1 to 2**31 - 1, not a string; the sign-up's Idempotency-Key header; the headers answers carry."""
    from .registration_routes import IDEMPOTENCY_KEY

    def header(description: str, kind: str = "string") -> dict:
        return {"description": description, "schema": {"type": kind}}

    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("name", "").endswith("_id"):
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
            responses = operation.get("responses", {})
            if method == "get" and "200" in responses:
                responses["200"]["headers"] = {"ETag": header("Send it back in If-None-Match: 304 while unchanged."),
                                               "Last-Modified": header("For If-Modified-Since.")}
            if "429" in responses:
                responses["429"]["headers"] = {"Retry-After": header("Seconds to wait.", "integer")}
            if method == "post" and path.endswith("/registrations"):
                operation["parameters"] = [*operation.get("parameters", []), IDEMPOTENCY_KEY]
                responses["201"]["headers"] = {
                    "Location": header("The registration in this API (GET, DELETE)."),
                    "Idempotent-Replayed": header("true when this is the first answer to the same request again.")}
    return spec
