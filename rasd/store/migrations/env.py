"""Alembic environment for the rasd store: runs on the connection the store hands in
(``config.attributes["connection"]``), so no ini file or URL is needed."""
from alembic import context

from rasd.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
