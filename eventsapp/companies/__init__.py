"""Companies (SPEC 4c): the company dashboard under /company/, the company calendar feed, and the
organizers' pages that verify company accounts under /manage/companies."""
from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: importing the package (for a model or a service) must not load its pages.
    from .feed_routes import blueprint as feed
    from .manage_routes import blueprint as back_office
    from .routes import blueprint

    app.register_blueprint(blueprint)
    app.register_blueprint(feed)
    app.register_blueprint(back_office)
