"""The event store: documents, event reports and de-duplicated events in SQLite or
PostgreSQL (SQLAlchemy Core, alembic migrations).

    >>> from rasd.store import open_store, EventQuery
    >>> store = open_store("events.sqlite")
    >>> store.add_record(doc.to_dict()).status
    'new'
    >>> store.query_events(EventQuery(type="ASSAULT", country="SYR", since="2019-05-01"))

See ``docs/store.md`` for the schema and the de-duplication rules.
"""
from __future__ import annotations

from rasd.errors import StoreError
from rasd.store.query import EventQuery
from rasd.store.records import DocFeatures, PreparedDoc, features, prepare
from rasd.store.store import Store, open_store
from rasd.store.writer import AddResult

__all__ = ["open_store", "Store", "EventQuery", "AddResult", "StoreError", "DocFeatures",
           "features", "prepare", "PreparedDoc", "content_hash"]


def content_hash(text: str) -> str:
    """The normalised-text hash the store de-duplicates on (for ``find_duplicate``)."""
    from rasd.store import dedup
    return dedup.content_hash(dedup.folded_words(text))
