"""`flask --app wsgi purge-personal-data`: the retention rule of SPEC 8, on demand. The mail worker runs the
same purge before each pass, so a site with a worker never needs it; it says what is due, and does it."""
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from ..database import utcnow
from ..extensions import db
from .queries import due_for_purge
from .services import purge_expired_personal_data


@click.command("purge-personal-data")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Only list the events whose attendees' details are due.")
def purge_personal_data_command(dry_run: bool):
    """Delete the attendees' details of events that ended more than RETENTION_DAYS ago (the counts stay)."""
    now, retention = utcnow(), timedelta(days=current_app.config["RETENTION_DAYS"])
    due = due_for_purge(now=now, retention=retention)
    for event, count in due:
        click.echo(f"event {event.id} ({event.title_en or event.title_zh}), ended {event.ends_at:%Y-%m-%d}: "
                   f"{count} registrations")
    if dry_run:
        click.echo(f"{sum(count for _, count in due)} registrations due (dry run: nothing deleted).")
        return
    purged = purge_expired_personal_data(now=now, retention=retention)
    db.session.commit()
    click.echo(f"{purged} registrations purged ({current_app.config['RETENTION_DAYS']} days after their event).")
