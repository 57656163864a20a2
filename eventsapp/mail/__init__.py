"""Outgoing e-mail (SPEC 3.5): queued in the outbox in the same transaction as the change that causes
it, then delivered by `flask --app wsgi mail work` with retries.

Importing the package registers the OutboxMessage table with the metadata (db.create_all, Alembic).
"""
from . import models  # noqa: F401
