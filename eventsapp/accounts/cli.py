"""`flask --app wsgi create-organizer EMAIL`."""
import click
from flask.cli import with_appcontext
from flask_babel import force_locale

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
        with force_locale("en"):  # the messages are translated; a terminal gets the English ones
            message = str(error.message)
        raise click.ClickException(message) from error
    db.session.commit()
    click.echo(f"Organizer {user.email} created.")
