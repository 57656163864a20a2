"""Companies (SPEC 4c): the company dashboard under /company/, and the company calendar feed."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: importing the package (for a model or a service) must not load its pages.
    from .feed_routes import blueprint as feed
    from .routes import blueprint

    app.register_blueprint(blueprint)
    app.register_blueprint(feed)
