"""Alembic environment: runs each migration in its own transaction on the connection we hand it."""

from alembic import context

from paperboy.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
