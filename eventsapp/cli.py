"""`flask --app wsgi demo`. Each domain registers its own commands in its init_app."""
import click
from flask import Flask
from flask.cli import with_appcontext

from .database import utcnow
from .extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_command)


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo campaigns (safe to run again: nothing is duplicated)."""
    from .demo import load_demo  # the demo data is read only by this command

    summary = load_demo(now=utcnow())
    db.session.commit()
    click.echo(summary)
