"""`flask --app wsgi create-organizer EMAIL`."""
import click
from flask.cli import with_appcontext

from ..errors import DomainError
from ..extensions import db
from .services import create_organizer


@click.command("create-organizer")
@with_appcontext
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Asked for when not given.")
def create_organizer_command(email: str, name: str, password: str):
    """Create an organizer account that can use the back office."""
    try:
        user = create_organizer(email, password, name=name)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Organizer {user.email} created.")
