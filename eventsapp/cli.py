"""`flask --app wsgi demo`. Each domain registers its own commands in its init_app."""
import click
from flask.cli import with_appcontext

from .database import utcnow
from .demo import load_demo
from .extensions import db


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo campaigns (safe to run again: nothing is duplicated)."""
    summary = load_demo(now=utcnow())
    db.session.commit()
    click.echo(summary)
