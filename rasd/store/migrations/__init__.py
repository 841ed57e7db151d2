"""Alembic migrations of the store schema (run by rasd.store.schema.ensure_schema)."""
