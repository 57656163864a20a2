"""Commands: `flask --app wsgi demo`, `flask --app wsgi create-organizer EMAIL`."""
import click
from flask import Flask
from flask.cli import with_appcontext

from .database import utcnow
from .errors import DomainError
from .extensions import db
from .mail.cli import mail_group


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(create_organizer_command)
    app.cli.add_command(mail_group)


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo campaigns (safe to run again: nothing is duplicated)."""
    from .demo import load_demo

    summary = load_demo(now=utcnow())
    db.session.commit()
    click.echo(summary)


@click.command("create-organizer")
@with_appcontext
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Asked for when not given.")
def create_organizer_command(email: str, name: str, password: str):
    """Create an organizer account that can use the back office."""
    from .accounts.services import create_organizer

    try:
        create_organizer(email, password, name=name)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Organizer {email.strip().lower()} created.")
